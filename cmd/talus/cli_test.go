package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
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
