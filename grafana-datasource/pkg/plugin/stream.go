package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/talus-logs/talus/api"
)

// Live tail: the frontend subscribes to channel tail/<id> of this datasource
// with the query model as the subscription data. Grafana calls RunStream
// once per channel (for its first subscriber) and cancels ctx when the last
// one leaves. The goroutine polls the logs API every tailPollInterval for
// rows with time >= last seen − tailOverlap, drops rows whose id it has
// already sent, and sends the rest as a log-lines frame, oldest first.
const (
	// tailPrefix starts every channel path this datasource accepts.
	tailPrefix = "tail/"
	// tailPollInterval is the time between two polls; a new row reaches the
	// panel after at most this plus one API round trip.
	tailPollInterval = 250 * time.Millisecond
	// tailInitialLookback is how far back the first poll reads, so the
	// panel does not start empty and small clock skews are absorbed.
	tailInitialLookback = 5 * time.Second
	// tailOverlap re-reads this much before the newest row sent, so rows
	// that arrive late (exporter batching, retries) with older timestamps are
	// still delivered; ids dedupe what was sent.
	tailOverlap = 2 * time.Second
	// tailFuture extends each poll past now, for producers whose clocks run ahead.
	tailFuture = time.Minute
	// tailMaxPages bounds the pages one poll reads (tailMaxPages × pageSize rows).
	tailMaxPages = 5
	// tailErrorBackoff is the pause after a failed poll.
	tailErrorBackoff = 2 * time.Second
)

// SubscribeStream accepts tail/<id> channels whose data is a logs query.
func (d *Datasource) SubscribeStream(_ context.Context, req *backend.SubscribeStreamRequest) (*backend.SubscribeStreamResponse, error) {
	if _, err := parseTail(req.Path, req.Data); err != nil {
		log.DefaultLogger.Warn("refused live tail subscription", "path", req.Path, "error", err.Error())
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
	}
	return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusOK}, nil
}

// PublishStream is refused: clients only read tails.
func (d *Datasource) PublishStream(context.Context, *backend.PublishStreamRequest) (*backend.PublishStreamResponse, error) {
	return &backend.PublishStreamResponse{Status: backend.PublishStreamStatusPermissionDenied}, nil
}

func parseTail(path string, raw json.RawMessage) (queryModel, error) {
	if !strings.HasPrefix(path, tailPrefix) || len(path) == len(tailPrefix) {
		return queryModel{}, fmt.Errorf("channel path %q: want %s<id>", path, tailPrefix)
	}
	var m queryModel
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &m); err != nil {
			return m, fmt.Errorf("channel data: %w", err)
		}
	}
	if m.QueryType != "" && m.QueryType != QueryTypeLogs {
		return m, fmt.Errorf("channel data: queryType %q cannot be tailed, only logs", m.QueryType)
	}
	m.Query = strings.TrimSpace(m.Query)
	return m, nil
}

// RunStream polls until ctx ends.
func (d *Datasource) RunStream(ctx context.Context, req *backend.RunStreamRequest, sender *backend.StreamSender) error {
	m, err := parseTail(req.Path, req.Data)
	if err != nil {
		return err
	}
	d.streamsMu.Lock()
	d.streams++
	d.streamsMu.Unlock()
	defer func() {
		d.streamsMu.Lock()
		d.streams--
		d.streamsMu.Unlock()
	}()
	t := newTailer(d.now().Add(-tailInitialLookback))
	ticker := time.NewTicker(tailPollInterval)
	defer ticker.Stop()
	for {
		rows, err := d.pollTail(ctx, m, t)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			log.DefaultLogger.Warn("live tail poll failed", "path", req.Path, "error", err.Error())
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(tailErrorBackoff):
			}
			continue
		}
		if len(rows) > 0 {
			f, err := logsFrame(rows, 0)
			if err != nil {
				return err
			}
			if err := sender.SendFrame(f, data.IncludeAll); err != nil {
				return fmt.Errorf("live tail %s: send: %w", req.Path, err)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// pollTail reads the rows since the tailer's watermark and returns the
// unsent ones, oldest first.
func (d *Datasource) pollTail(ctx context.Context, m queryModel, t *tailer) ([]api.LogEntry, error) {
	rows, _, err := d.collectLogs(ctx, api.LogsQuery{
		Query:       m.Query,
		Fingerprint: m.Fingerprint,
		Start:       t.since(),
		End:         d.now().Add(tailFuture),
	}, tailMaxPages)
	if err != nil {
		return nil, err
	}
	return t.fresh(rows), nil
}

// tailer remembers what a live tail has sent. It is owned by one RunStream goroutine.
type tailer struct {
	// newest is the time of the newest row sent (or the start time).
	newest time.Time
	// sent maps the ids of rows sent with time >= newest − tailOverlap to their time.
	sent map[string]time.Time
}

func newTailer(start time.Time) *tailer {
	return &tailer{newest: start, sent: map[string]time.Time{}}
}

// since is the start of the next poll.
func (t *tailer) since() time.Time { return t.newest.Add(-tailOverlap) }

// fresh drops rows already sent or older than the overlap window, records
// the rest as sent and returns them oldest first.
func (t *tailer) fresh(rows []api.LogEntry) []api.LogEntry {
	floor := t.since()
	var out []api.LogEntry
	times := map[string]time.Time{}
	for i := range rows {
		e := rows[i]
		ts, err := entryTime(&e)
		if err != nil || ts.Before(floor) {
			continue
		}
		if _, ok := t.sent[e.ID]; ok {
			continue
		}
		if _, ok := times[e.ID]; ok {
			continue
		}
		times[e.ID] = ts
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool {
		ti, tj := times[out[i].ID], times[out[j].ID]
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return out[i].ID < out[j].ID
	})
	for id, ts := range times {
		t.sent[id] = ts
		if ts.After(t.newest) {
			t.newest = ts
		}
	}
	floor = t.since()
	for id, ts := range t.sent {
		if ts.Before(floor) {
			delete(t.sent, id)
		}
	}
	return out
}
