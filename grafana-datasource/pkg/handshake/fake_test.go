package handshake

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/talus-logs/talus/api"
)

// fakeAPI serves the logs and errors/top shapes of api/types.go from the
// plugin package's golden API files; rows added later show up in /api/v1/logs.
type fakeAPI struct {
	mu   sync.Mutex
	logs []api.LogEntry // guarded by mu
	srv  *httptest.Server
}

func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	var lr api.LogsResponse
	b, err := os.ReadFile("../plugin/testdata/api/logs.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &lr); err != nil {
		t.Fatal(err)
	}
	f.logs = lr.Logs
	top, err := os.ReadFile("../plugin/testdata/api/errors_top.json")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /api/v1/errors/top", func(w http.ResponseWriter, r *http.Request) { w.Write(top) })
	mux.HandleFunc("GET /api/v1/labels", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(api.LabelsResponse{Data: []string{"service.name"}})
	})
	mux.HandleFunc("GET /api/v1/logs", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		start, _ := strconv.ParseInt(q.Get("start"), 10, 64)
		end, err := strconv.ParseInt(q.Get("end"), 10, 64)
		if err != nil {
			end = time.Now().UnixNano()
		}
		limit, _ := strconv.Atoi(q.Get("limit"))
		f.mu.Lock()
		var rows []api.LogEntry
		for _, e := range f.logs {
			ns, _ := strconv.ParseInt(e.TimeUnixNano, 10, 64)
			if ns >= start && ns <= end {
				rows = append(rows, e)
			}
		}
		f.mu.Unlock()
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].TimeUnixNano > rows[j].TimeUnixNano })
		if limit > 0 && len(rows) > limit {
			rows = rows[:limit]
		}
		json.NewEncoder(w).Encode(api.LogsResponse{Logs: rows})
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) add(e api.LogEntry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, e)
}

// TestHandshakeFakeAPI drives every handler of the real binary over
// go-plugin against a fake API: frames survive the Arrow transport, the
// resource and stream services answer.
func TestHandshakeFakeAPI(t *testing.T) {
	f := newFakeAPI(t)
	p := launch(t, f.srv.URL)
	client := api.NewClient(f.srv.URL)
	ctx := context.Background()
	base := time.Unix(0, 1795521600123456789)
	from, to := base.Add(-2*time.Hour), base.Add(time.Second)

	if h := p.health(t); h.Status.String() != "OK" {
		t.Errorf("health %v %q", h.Status, h.Message)
	}
	dr := p.query(t, from, to, time.Second, `{"queryType":"logs","query":"{}","limit":5}`)
	want, err := client.Logs(ctx, api.LogsQuery{Query: "{}", Start: from, End: to, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	checkLogsMatch(t, dr.Frames[0], want.Logs)

	dr = p.query(t, from, to, time.Minute, `{"queryType":"topErrors"}`)
	top, err := client.ErrorsTop(ctx, api.ErrorsQuery{Start: from, End: to})
	if err != nil {
		t.Fatal(err)
	}
	checkTopMatch(t, dr.Frames[0], top.Errors)

	if st, body := p.callResource(t, "labels", "labels"); st != 200 || strings.TrimSpace(string(body)) != `["service.name"]` {
		t.Errorf("labels resource: %d %s", st, body)
	}

	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	frames := p.tail(t, sctx, "fake", `{"queryType":"logs","query":"{}"}`)
	sent := time.Now()
	f.add(api.LogEntry{TimeUnixNano: strconv.FormatInt(sent.UnixNano(), 10), Body: json.RawMessage(`"live row"`), ID: "live-1",
		SeverityNumber: 13, Resource: map[string]any{"service.name": "x"}})
	select {
	case fr := <-frames:
		if fr.Rows() != 1 || fr.Fields[3].At(0).(string) != "live-1" {
			t.Fatalf("tail frame rows %d", fr.Rows())
		}
		t.Logf("live row reached the stream after %v", time.Since(sent))
	case <-time.After(2 * time.Second):
		t.Fatal("no tail frame within 2 s")
	}
}
