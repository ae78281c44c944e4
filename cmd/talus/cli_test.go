package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestLogsLimitBelowOne: --limit 0 (or less) is refused; it used to print
// the server's default of 100 entries, since the client leaves a limit of 0
// out of the request.
func TestLogsLimitBelowOne(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"logs":[]}`))
	}))
	defer srv.Close()
	for _, limit := range []string{"0", "-5"} {
		var out, errOut bytes.Buffer
		code := run([]string{"logs", "{}", "--server", srv.URL, "--limit", limit}, nil, &out, &errOut)
		if code != 2 || !strings.Contains(errOut.String(), "--limit") {
			t.Errorf("--limit %s: exit %d, stderr %q; want 2 and a message naming --limit", limit, code, errOut.String())
		}
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests sent for refused limits", n)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"logs", "{}", "--server", srv.URL, "--limit", "1"}, nil, &out, &errOut); code != 0 {
		t.Errorf("--limit 1: exit %d: %s", code, errOut.String())
	}
}

// TestSinceTakesDaysAndWeeks: --since takes what Loki and Prometheus users
// type (7d, 2w, 1d12h) besides Go durations, and refuses the rest clearly.
func TestSinceTakesDaysAndWeeks(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90m": 90 * time.Minute, "24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "2w": 14 * 24 * time.Hour,
		"1d12h": 36 * time.Hour, "1w2d": 9 * 24 * time.Hour, "1d30m": 24*time.Hour + 30*time.Minute,
	} {
		if got, err := parseSince(in); err != nil || got != want {
			t.Errorf("parseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "7x", "-1h", "0s", "0d", "h7d", "1.5d", "7d-1h"} {
		if got, err := parseSince(in); err == nil {
			t.Errorf("parseSince(%q) = %v, want an error", in, got)
		}
	}
}

// TestServerWithoutScheme: --server 127.0.0.1:7070 (no http://) reaches
// the server instead of failing with a URL error.
func TestServerWithoutScheme(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if got := r.URL.Query().Get("start"); got == "" {
			t.Errorf("request without start")
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"logs":[]}`))
	}))
	defer srv.Close()
	var out, errOut bytes.Buffer
	hostPort := strings.TrimPrefix(srv.URL, "http://")
	if code := run([]string{"logs", "{}", "--server", hostPort, "--since", "7d"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if requests.Load() != 1 {
		t.Errorf("%d requests reached the server, want 1", requests.Load())
	}
}
