package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// base is the newest record of testdata/api/logs.json.
var base = time.Unix(0, 1795521600123456789).UTC()

func newTestDatasource(t *testing.T, f *fakeTalus) *Datasource {
	t.Helper()
	inst, err := NewDatasource(context.Background(), backend.DataSourceInstanceSettings{
		UID: "talus", Name: "Talus", URL: f.srv.URL,
		JSONData:                []byte(`{"instance":"team-a"}`),
		DecryptedSecureJSONData: map[string]string{"token": "s3cret"},
	})
	if err != nil {
		t.Fatal(err)
	}
	d := inst.(*Datasource)
	d.now = func() time.Time { return base.Add(time.Minute) }
	return d
}

// run sends one query and returns its response.
func run(t *testing.T, d *Datasource, from, to time.Time, interval time.Duration, model string) backend.DataResponse {
	t.Helper()
	resp, err := d.QueryData(context.Background(), &backend.QueryDataRequest{
		PluginContext: backend.PluginContext{DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{UID: "talus"}},
		Queries: []backend.DataQuery{{
			RefID: "A", JSON: json.RawMessage(model), Interval: interval, MaxDataPoints: 1000,
			TimeRange: backend.TimeRange{From: from, To: to},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Responses["A"]
}

func TestLogsQuery(t *testing.T) {
	f := newFakeTalus(t)
	d := newTestDatasource(t, f)
	dr := run(t, d, base.Add(-time.Hour), base.Add(time.Second), time.Second,
		`{"queryType":"logs","query":"{k8s.job.name=\"etl-nightly\"}","limit":3}`)
	checkGolden(t, "logs", dr)

	r := f.lastRequest("/api/v1/logs")
	if got := r.Header.Get("X-Talus-Instance"); got != "team-a" {
		t.Errorf("instance header = %q, want team-a", got)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer s3cret" {
		t.Errorf("authorization = %q, want the token", got)
	}
	q := r.URL.Query()
	if q.Get("query") != `{k8s.job.name="etl-nightly"}` || q.Get("limit") != "3" ||
		q.Get("start") != strconv.FormatInt(base.Add(-time.Hour).UnixNano(), 10) ||
		q.Get("end") != strconv.FormatInt(base.Add(time.Second).UnixNano(), 10) {
		t.Errorf("logs request = %s", r.URL.RawQuery)
	}
	fr := dr.Frames[0]
	if fr.Meta.Type != data.FrameTypeLogLines || fr.Rows() != 3 {
		t.Fatalf("frame type %q rows %d", fr.Meta.Type, fr.Rows())
	}
	// Newest first, nanoseconds kept.
	t0 := fr.Fields[0].At(0).(time.Time)
	t1 := fr.Fields[0].At(1).(time.Time)
	if !t0.After(t1) || t0.Nanosecond()%1000 == 0 {
		t.Errorf("timestamps %v, %v: want newest first with nanoseconds", t0, t1)
	}
}

func TestLogsQuerySearchWords(t *testing.T) {
	d := newTestDatasource(t, newFakeTalus(t))
	dr := run(t, d, base.Add(-time.Hour), base.Add(time.Second), time.Second,
		`{"queryType":"logs","query":"{service.name=\"checkout\"} |= \"order\""}`)
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	fr := dr.Frames[0]
	words, _ := fr.Meta.Custom.(map[string]any)["searchWords"].([]string)
	if len(words) != 1 || words[0] != "order" || fr.Rows() != 1 {
		t.Errorf("searchWords %v rows %d, want [order] and the one matching row", words, fr.Rows())
	}
}

func TestLogsQueryFingerprintAndDefaults(t *testing.T) {
	f := newFakeTalus(t)
	d := newTestDatasource(t, f)
	dr := run(t, d, base.Add(-time.Hour), base.Add(time.Second), time.Second,
		`{"queryType":"logs","fingerprint":"v1:8f2c1e0a9b7d6c54"}`)
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	q := f.lastRequest("/api/v1/logs").URL.Query()
	if q.Get("fingerprint") != "v1:8f2c1e0a9b7d6c54" || q.Get("limit") != strconv.Itoa(defaultLogsLimit) {
		t.Errorf("request = %v", q)
	}
	if n := dr.Frames[0].Rows(); n != 2 {
		t.Errorf("rows = %d, want the 2 records of the fingerprint", n)
	}
}

func TestTopErrors(t *testing.T) {
	f := newFakeTalus(t)
	d := newTestDatasource(t, f)
	dr := run(t, d, base.Add(-4*time.Minute), base, time.Minute,
		`{"queryType":"topErrors","query":"","limit":10}`)
	checkGolden(t, "top_errors", dr)
	q := f.lastRequest("/api/v1/errors/top").URL.Query()
	if q.Get("limit") != "10" || q.Get("step") != "1m0s" {
		t.Errorf("request = %v", q)
	}
	fr := dr.Frames[0]
	counts := fr.Fields[5]
	if counts.Name != "count" || counts.At(0).(int64) != 42 || counts.At(2).(int64) != 1 {
		t.Errorf("counts %v", counts)
	}
	link := fr.Fields[0].Config.Links[0]
	if link.Internal == nil || link.Internal.DatasourceUID != "talus" ||
		link.Internal.Query.(map[string]any)["fingerprint"] != "${__value.raw}" {
		t.Errorf("data link = %+v", link)
	}
}

func TestErrorTrend(t *testing.T) {
	f := newFakeTalus(t)
	d := newTestDatasource(t, f)
	from, to := base.Add(-5*time.Minute), base
	for _, tc := range []struct{ name, model string }{
		{"error_trend_fingerprint", `{"queryType":"errorTrend"}`},
		{"error_trend_one", `{"queryType":"errorTrend","fingerprint":"v1:11aa22bb33cc44dd"}`},
		{"error_trend_total", `{"queryType":"errorTrend","groupBy":"total"}`},
		{"error_trend_service", `{"queryType":"errorTrend","groupBy":"service"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dr := run(t, d, from, to, time.Minute, tc.model)
			checkGolden(t, tc.name, dr)
			for _, fr := range dr.Frames {
				// Zero-filled: one value per minute of the range, always.
				if fr.Rows() != 6 || fr.Meta.Type != data.FrameTypeTimeSeriesMulti {
					t.Errorf("frame %v rows %d type %q", fr.Fields[1].Labels, fr.Rows(), fr.Meta.Type)
				}
			}
		})
	}
	dr := run(t, d, from, to, time.Minute, `{"queryType":"errorTrend","groupBy":"total"}`)
	var sum float64
	for i := range dr.Frames[0].Rows() {
		sum += dr.Frames[0].Fields[1].At(i).(float64)
	}
	if sum != 10+30+2+7+1 {
		t.Errorf("total = %v, want the sum of all trend points in range", sum)
	}
	// Per service: payments gets its own narrowed call.
	var narrowed bool
	for _, r := range f.seen() {
		if r.URL.Query().Get("query") == `{service.name="payments"}` {
			narrowed = true
		}
	}
	if !narrowed {
		t.Error("groupBy service did not narrow errors/top by service.name")
	}
}

func TestLogsVolume(t *testing.T) {
	f := newFakeTalus(t)
	f.maxPage = 2 // the volume must not depend on the logs page size
	d := newTestDatasource(t, f)
	dr := run(t, d, base.Add(-3*time.Minute), base.Add(time.Second), time.Minute,
		`{"queryType":"logsVolume","query":"{}"}`)
	checkGolden(t, "logs_volume", dr)
	total := 0.0
	for _, fr := range dr.Frames {
		if fr.Fields[1].Labels["level"] == "" {
			t.Errorf("volume series without level label: %v", fr.Fields[1].Labels)
		}
		for i := range fr.Rows() {
			total += fr.Fields[1].At(i).(float64)
		}
	}
	if total != 7 {
		t.Errorf("volume counts %v rows, want the 7 records in range", total)
	}
	if step := f.lastRequest("/api/v1/logs/volume").URL.Query().Get("step"); step != "1m0s" {
		t.Errorf("volume requested with step %q, want 1m0s", step)
	}
}

func TestLogContext(t *testing.T) {
	f := newFakeTalus(t)
	d := newTestDatasource(t, f)
	// The WARN row of checkout at base-500ms.
	row := f.logs[2]
	ctxModel := func(dir string) string {
		return fmt.Sprintf(`{"queryType":"logs","query":"{service.name=\"checkout\", host.name=\"node-1\", k8s.job.name=\"etl-nightly\"}","limit":2,`+
			`"context":{"timeNs":%q,"direction":%q,"id":%q}}`, row.TimeUnixNano, dir, row.ID)
	}
	back := run(t, d, base.Add(-time.Hour), base, time.Second, ctxModel("backward"))
	checkGolden(t, "context_backward", back)
	fwd := run(t, d, base.Add(-time.Hour), base, time.Second, ctxModel("forward"))
	checkGolden(t, "context_forward", fwd)
	ids := func(dr backend.DataResponse) string {
		var out []string
		for i := range dr.Frames[0].Rows() {
			out = append(out, dr.Frames[0].Fields[3].At(i).(string))
		}
		return strings.Join(out, ",")
	}
	// Older checkout rows: debug map body (a004), fatal (a005); newer: info (a002).
	if got := ids(back); got != "000000000000a004,000000000000a005" {
		t.Errorf("backward context ids = %s", got)
	}
	if got := ids(fwd); got != "000000000000a002" {
		t.Errorf("forward context ids = %s", got)
	}
}

func TestQueryErrors(t *testing.T) {
	f := newFakeTalus(t)
	d := newTestDatasource(t, f)
	for _, tc := range []struct {
		model, want string
		status      backend.Status
	}{
		{`{"queryType":"nope"}`, `unknown queryType "nope"`, backend.StatusBadRequest},
		{`{"queryType":"logs","limit":-1}`, "limit (-1) must be >= 0", backend.StatusBadRequest},
		{`{"queryType":"errorTrend","groupBy":"host"}`, `groupBy "host"`, backend.StatusBadRequest},
		{`{"queryType":"logs","context":{"timeNs":"x"}}`, `context.timeNs "x"`, backend.StatusBadRequest},
		{`{`, "cannot parse the query JSON", backend.StatusBadRequest},
	} {
		dr := run(t, d, base.Add(-time.Hour), base, time.Second, tc.model)
		if dr.Error == nil || !strings.Contains(dr.Error.Error(), tc.want) || dr.Status != tc.status {
			t.Errorf("%s: error %v status %d, want %q %d", tc.model, dr.Error, dr.Status, tc.want, tc.status)
		}
	}
	f.fail(400, `parse error at 1:5: unexpected "}"`)
	dr := run(t, d, base.Add(-time.Hour), base, time.Second, `{"query":"{a=}"}`)
	if dr.Error == nil || dr.Error.Error() != `Talus: parse error at 1:5: unexpected "}"` || dr.Status != backend.StatusBadRequest {
		t.Errorf("API 400: error %v status %d", dr.Error, dr.Status)
	}
	f.fail(503, "not leader")
	dr = run(t, d, base.Add(-time.Hour), base, time.Second, `{"queryType":"topErrors"}`)
	if dr.Error == nil || dr.Status != backend.StatusBadGateway {
		t.Errorf("API 503: error %v status %d, want bad gateway", dr.Error, dr.Status)
	}
}

func TestCheckHealth(t *testing.T) {
	f := newFakeTalus(t)
	d := newTestDatasource(t, f)
	check := func(wantStatus backend.HealthStatus, wantMsg string) {
		t.Helper()
		res, err := d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != wantStatus || !strings.Contains(res.Message, wantMsg) {
			t.Errorf("health = %v %q, want %v %q", res.Status, res.Message, wantStatus, wantMsg)
		}
	}
	check(backend.HealthStatusOk, "Talus is ready (instance team-a)")
	if p := f.lastRequest("/readyz").URL.Path; p != "/readyz" {
		t.Errorf("health path %s", p)
	}
	f.fail(503, "raft groups without leader: 3")
	check(backend.HealthStatusError, "raft groups without leader: 3")
	f.fail(401, "bad token")
	check(backend.HealthStatusError, "refused the token (401)")
	// Ready, but the instance header is refused by the query API.
	f.mu.Lock()
	f.status, f.labelsStatus = 0, 400
	f.mu.Unlock()
	check(backend.HealthStatusError, "ready but refused a query")
	f.srv.Close()
	check(backend.HealthStatusError, "is not ready")
}

func TestSettings(t *testing.T) {
	f := func(url, jsonData, want string) {
		t.Helper()
		_, err := ParseSettings(backend.DataSourceInstanceSettings{URL: url, JSONData: []byte(jsonData)})
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("ParseSettings(%q, %s) = %q, want %q", url, jsonData, got, want)
		}
	}
	f("http://127.0.0.1:7070", `{}`, "")
	f("https://talus.example/", `{"instance":"x","timeoutSeconds":5}`, "")
	f("", `{}`, "url: the Talus query API address is required, e.g. http://127.0.0.1:7070")
	f("127.0.0.1:7070", `{"timeoutSeconds":-1}`,
		"url: \"127.0.0.1:7070\" is not an http(s) address, e.g. http://127.0.0.1:7070\njsonData.timeoutSeconds (-1) must be >= 0")
	f("http://x", `[`, "cannot parse jsonData: unexpected end of JSON input")
}
