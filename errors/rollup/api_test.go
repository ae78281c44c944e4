package rollup

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/talus-logs/talus/api"
)

// TestAPI serves the counters through a real api.Server and checks the
// error endpoints and the logs endpoint's fingerprint filter.
func TestAPI(t *testing.T) {
	recs := generate(6, 3000, 2*time.Hour, 0.05)
	now := base.Add(2 * time.Hour)
	s := openStore(t, now, 0)
	s.write(t, batches(recs, 200)...)
	srv := httptest.NewServer(api.NewServer(s.store, api.ServerOptions{Errors: s.backend, Now: func() time.Time { return now }}))
	defer srv.Close()
	get := func(path string, params url.Values, wantStatus int, out any) []byte {
		t.Helper()
		resp, err := http.Get(srv.URL + path + "?" + params.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != wantStatus {
			t.Fatalf("GET %s: %d %s, want %d", path, resp.StatusCode, body, wantStatus)
		}
		if out != nil {
			if err := json.Unmarshal(body, out); err != nil {
				t.Fatalf("GET %s: %v in %s", path, err, body)
			}
		}
		return body
	}
	start, end := base.UnixNano(), now.UnixNano()-1
	rng := url.Values{"start": {strconv.FormatInt(start, 10)}, "end": {strconv.FormatInt(end, 10)}, "step": {"10m"}}

	var top api.ErrorsTopResponse
	raw := get("/api/v1/errors/top", rng, http.StatusOK, &top)
	checkAgainstTruth(t, top.Errors, recs, start, end, 10*time.Minute, nil)
	// The wire shape: the field names of api.ErrorGroup, times as strings.
	var shape struct {
		Errors []map[string]json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(raw, &shape); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range shape.Errors[0] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{"count", "exception_type", "fingerprint", "first_seen_unix_nano", "last_seen_unix_nano", "message", "sample_trace_id", "services", "template", "trend"}
	if !reflect.DeepEqual(keys, want) && !reflect.DeepEqual(keys, remove(want, "sample_trace_id")) && !reflect.DeepEqual(keys, remove(want, "exception_type")) {
		t.Errorf("error group fields %v, want %v", keys, want)
	}
	if shape.Errors[0]["first_seen_unix_nano"][0] != '"' {
		t.Errorf("first_seen_unix_nano is %s, want a string", shape.Errors[0]["first_seen_unix_nano"])
	}

	// limit and a service selector.
	lim := cloneValues(rng)
	lim.Set("limit", "2")
	lim.Set("query", `{service.name="payments"}`)
	var top2 api.ErrorsTopResponse
	get("/api/v1/errors/top", lim, http.StatusOK, &top2)
	if len(top2.Errors) != 2 {
		t.Fatalf("limit 2: %d groups", len(top2.Errors))
	}
	for _, g := range top2.Errors {
		if !reflect.DeepEqual(g.Services, []string{"payments"}) {
			t.Errorf("{service.name=\"payments\"}: group %s has services %v", g.Fingerprint, g.Services)
		}
	}
	// Another resource attribute narrows too (from the stored records).
	pod := cloneValues(rng)
	pod.Set("query", `{k8s.pod.name="payments-pod-1"}`)
	var byPod api.ErrorsTopResponse
	get("/api/v1/errors/top", pod, http.StatusOK, &byPod)
	svc := cloneValues(rng)
	svc.Set("query", `{service.name="payments"}`)
	var bySvc api.ErrorsTopResponse
	get("/api/v1/errors/top", svc, http.StatusOK, &bySvc)
	if len(byPod.Errors) == 0 || !reflect.DeepEqual(byPod, bySvc) {
		t.Errorf("{k8s.pod.name=\"payments-pod-1\"} gave %+v, {service.name=\"payments\"} %+v", byPod, bySvc)
	}
	bad := cloneValues(rng)
	bad.Set("query", `{k8s.pod.name=}`)
	get("/api/v1/errors/top", bad, http.StatusBadRequest, nil)

	// One group, and the entries behind it.
	for _, g := range top.Errors {
		var one api.ErrorGroup
		get("/api/v1/errors/"+g.Fingerprint, rng, http.StatusOK, &one)
		if !reflect.DeepEqual(one, g) {
			t.Errorf("/errors/%s = %+v, want %+v", g.Fingerprint, one, g)
		}
		q := url.Values{"start": rng["start"], "end": rng["end"], "fingerprint": {g.Fingerprint}, "limit": {"10000"}}
		var logs api.LogsResponse
		get("/api/v1/logs", q, http.StatusOK, &logs)
		if uint64(len(logs.Logs)) != g.Count {
			t.Errorf("logs?fingerprint=%s: %d entries, want the group's %d", g.Fingerprint, len(logs.Logs), g.Count)
		}
		for _, l := range logs.Logs {
			if l.Fingerprint != g.Fingerprint {
				t.Fatalf("logs?fingerprint=%s returned an entry with fingerprint %q", g.Fingerprint, l.Fingerprint)
			}
		}
	}
	get("/api/v1/errors/v1:0000000000000000", rng, http.StatusNotFound, nil)
	get("/api/v1/errors/garbage", rng, http.StatusBadRequest, nil)
	// A malformed fingerprint= is a bad request there too, not a filter
	// that matches nothing.
	for _, fp := range []string{"garbage", "v5:0123", strings.ToUpper(top.Errors[0].Fingerprint), "v9:0000000000000000"} {
		for _, path := range []string{"/api/v1/logs", "/api/v1/logs/volume"} {
			q := url.Values{"start": rng["start"], "end": rng["end"], "fingerprint": {fp}}
			var er api.ErrorResponse
			get(path, q, http.StatusBadRequest, &er)
			if !strings.Contains(er.Error, "fingerprint") {
				t.Errorf("GET %s?fingerprint=%s: error %q does not name the fingerprint", path, fp, er.Error)
			}
		}
	}

	// Non-error entries carry no fingerprint.
	var all api.LogsResponse
	get("/api/v1/logs", url.Values{"start": rng["start"], "end": rng["end"], "limit": {"200"}}, http.StatusOK, &all)
	withFP := 0
	for _, l := range all.Logs {
		if l.Fingerprint != "" {
			withFP++
			if l.SeverityNumber < 17 && l.SeverityText != "Critical" && l.Attributes["exception.type"] == nil {
				t.Errorf("non-error entry %s has fingerprint %s", l.ID, l.Fingerprint)
			}
		}
	}
	if withFP == 0 || withFP == len(all.Logs) {
		t.Errorf("%d of %d entries have a fingerprint", withFP, len(all.Logs))
	}
}

func remove(s []string, v string) []string {
	var out []string
	for _, x := range s {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
