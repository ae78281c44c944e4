package plugin

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/talus-logs/talus/api"
)

// chanSender hands each streamed frame to a channel.
type chanSender chan *data.Frame

func (c chanSender) Send(p *backend.StreamPacket) error {
	var f data.Frame
	if err := json.Unmarshal(p.Data, &f); err != nil {
		return err
	}
	c <- &f
	return nil
}

func liveEntry(id string, ts time.Time, body string) api.LogEntry {
	return api.LogEntry{
		TimeUnixNano: strconv.FormatInt(ts.UnixNano(), 10), SeverityNumber: 9, SeverityText: "INFO",
		Body: json.RawMessage(strconv.Quote(body)), ID: id,
		Resource: map[string]any{"service.name": "tail-svc"}, Attributes: map[string]any{},
	}
}

func frameIDs(f *data.Frame) []string {
	var ids []string
	for i := range f.Rows() {
		ids = append(ids, f.Fields[3].At(i).(string))
	}
	return ids
}

func TestLiveTail(t *testing.T) {
	f := newFakeTalus(t)
	d := newTestDatasource(t, f)
	d.now = time.Now
	const path = "tail/abc123"
	model := json.RawMessage(`{"queryType":"logs","query":"{service.name=\"tail-svc\"}"}`)
	sub, err := d.SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{Path: path, Data: model})
	if err != nil || sub.Status != backend.SubscribeStreamStatusOK {
		t.Fatalf("subscribe: %v %v", sub, err)
	}
	frames := make(chanSender, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- d.RunStream(ctx, &backend.RunStreamRequest{Path: path, Data: model}, backend.NewStreamSender(frames))
	}()
	next := func(want ...string) {
		t.Helper()
		select {
		case fr := <-frames:
			got := frameIDs(fr)
			if len(got) != len(want) {
				t.Fatalf("frame ids %v, want %v", got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("frame ids %v, want %v", got, want)
				}
			}
			if fr.Meta == nil || fr.Meta.Type != data.FrameTypeLogLines {
				t.Fatalf("frame meta %+v, want log-lines", fr.Meta)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("no frame within 2 s, want %v", want)
		}
	}
	now := time.Now()
	f.add(liveEntry("r1", now, "first"), liveEntry("r0", now.Add(-time.Millisecond), "zeroth"))
	next("r0", "r1") // oldest first
	// A late row inside the overlap window arrives; the ones sent are not repeated.
	f.add(liveEntry("r2", now.Add(-time.Second), "late"))
	next("r2")
	// A row older than the overlap is not a tail row; the next new row comes alone.
	f.add(liveEntry("old", now.Add(-time.Minute), "old"), liveEntry("r3", time.Now(), "third"))
	next("r3")
	// Other resources are not tailed.
	f.add(liveEntry("other", time.Now(), "x"))
	f.mu.Lock()
	f.logs[len(f.logs)-1].Resource = map[string]any{"service.name": "else"}
	f.mu.Unlock()
	f.add(liveEntry("r4", time.Now(), "fourth"))
	next("r4")

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("RunStream: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("RunStream did not end after cancel")
	}
	d.streamsMu.Lock()
	defer d.streamsMu.Unlock()
	if d.streams != 0 {
		t.Errorf("%d streams still counted", d.streams)
	}
}

func TestSubscribeStreamRefuses(t *testing.T) {
	d := newTestDatasource(t, newFakeTalus(t))
	for _, tc := range []struct{ path, data string }{
		{"live/x", `{}`},
		{"tail/", `{}`},
		{"tail/x", `{"queryType":"topErrors"}`},
		{"tail/x", `{`},
	} {
		res, err := d.SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{Path: tc.path, Data: json.RawMessage(tc.data)})
		if err != nil || res.Status != backend.SubscribeStreamStatusNotFound {
			t.Errorf("%s %s: %v %v, want not found", tc.path, tc.data, res, err)
		}
	}
	res, _ := d.PublishStream(context.Background(), &backend.PublishStreamRequest{Path: "tail/x"})
	if res.Status != backend.PublishStreamStatusPermissionDenied {
		t.Errorf("publish status %v", res.Status)
	}
}

func TestTailerDedupe(t *testing.T) {
	start := time.Unix(1000, 0)
	tl := newTailer(start)
	at := func(id string, d time.Duration) api.LogEntry { return liveEntry(id, start.Add(d), id) }
	f := func(rows []api.LogEntry, want ...string) {
		t.Helper()
		got := tl.fresh(rows)
		var ids []string
		for _, e := range got {
			ids = append(ids, e.ID)
		}
		if len(ids) != len(want) {
			t.Fatalf("fresh = %v, want %v", ids, want)
		}
		for i := range ids {
			if ids[i] != want[i] {
				t.Fatalf("fresh = %v, want %v", ids, want)
			}
		}
	}
	f([]api.LogEntry{at("b", 2*time.Second), at("a", time.Second)}, "a", "b")
	f([]api.LogEntry{at("b", 2*time.Second), at("a", time.Second), at("c", 2*time.Second)}, "c")
	f([]api.LogEntry{at("d", 10*time.Second), at("d", 10*time.Second)}, "d")
	if got := tl.since(); !got.Equal(start.Add(8 * time.Second)) {
		t.Errorf("since = %v, want newest − overlap", got)
	}
	// Older than the overlap: dropped, and ids outside the window are forgotten.
	f([]api.LogEntry{at("e", 7*time.Second), at("a", 9*time.Second)}, "a")
	if len(tl.sent) != 2 {
		t.Errorf("sent set %v, want only ids inside the overlap window", tl.sent)
	}
}
