package receiver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/talus-logs/talus/internal/metrics"
	"github.com/talus-logs/talus/storage"
)

// Writer stores logs durably. storage.Store implements it.
type Writer interface {
	// WriteOTLP stores an OTLP ExportLogsServiceRequest given as protobuf
	// bytes, refusing one that does not decode (storage.ErrMalformed).
	WriteOTLP(instance string, req []byte) (storage.WriteResult, error)
	// Write stores logs decoded from another encoding (OTLP/JSON).
	Write(instance string, logs plog.Logs) (storage.WriteResult, error)
}

// Options configure a Receiver. Zero values mean the defaults.
type Options struct {
	// MaxRequestBytes bounds a request body after decompression. The
	// default is 64 MiB, the limit the OTLP specification recommends.
	MaxRequestBytes int64
	// MaxConcurrentWrites bounds the writes in flight; a request that cannot
	// start one within QueueWait is answered 503 / UNAVAILABLE. The default is 32.
	MaxConcurrentWrites int
	// QueueWait is how long a request waits for a write slot. The default is 2 s.
	QueueWait time.Duration
	// RetryAfter is the delay suggested to throttled clients. The default is 1 s.
	RetryAfter time.Duration
	// BodyTimeout bounds the reading of an OTLP/HTTP request body, which
	// holds a write slot: a client that has not sent its whole body by then
	// is answered 408 and its slot freed, so that stalled uploads cannot
	// make every other export wait for a slot and fail. The default is 30 s,
	// the longest default timeout of the OTLP exporters.
	BodyTimeout time.Duration
	// DefaultInstance is the tenant of requests without a header. The default is "default".
	DefaultInstance string
	// Logger receives rate-limited warnings. Nil means slog.Default().
	Logger *slog.Logger
}

func (o *Options) ensureDefaults() {
	if o.MaxRequestBytes == 0 {
		o.MaxRequestBytes = 64 << 20
	}
	if o.MaxConcurrentWrites == 0 {
		o.MaxConcurrentWrites = 32
	}
	if o.QueueWait == 0 {
		o.QueueWait = 2 * time.Second
	}
	if o.RetryAfter == 0 {
		o.RetryAfter = time.Second
	}
	if o.BodyTimeout == 0 {
		o.BodyTimeout = 30 * time.Second
	}
	if o.DefaultInstance == "" {
		o.DefaultInstance = "default"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Receiver turns OTLP export requests into writes. It is safe for concurrent use.
type Receiver struct {
	w     Writer
	opts  Options
	slots chan struct{}
	warn  *throttledLogger
}

// New returns a Receiver writing to w.
func New(w Writer, opts Options) *Receiver {
	opts.ensureDefaults()
	return &Receiver{
		w:     w,
		opts:  opts,
		slots: make(chan struct{}, opts.MaxConcurrentWrites),
		warn:  newThrottledLogger(opts.Logger, 5*time.Second),
	}
}

// errOverloaded means no write slot became free in time.
var errOverloaded = errors.New("receiver: too many writes in flight")

// acquire takes a write slot, waiting at most QueueWait.
func (r *Receiver) acquire(ctx context.Context) error {
	select {
	case r.slots <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(r.opts.QueueWait)
	defer t.Stop()
	select {
	case r.slots <- struct{}{}:
		return nil
	case <-t.C:
		return errOverloaded
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *Receiver) release() { <-r.slots }

// exportResult is what one export did, for the transport to answer.
type exportResult struct {
	rejected int64
	message  string
}

// export runs a write; the caller holds a write slot. Errors are classified
// by errors.Is: storage.ErrInvalidInstance and storage.ErrMalformed are the
// client's fault, anything else is retryable.
func (r *Receiver) export(write func() (storage.WriteResult, error)) (exportResult, error) {
	res, err := write()
	if err != nil {
		if !errors.Is(err, storage.ErrInvalidInstance) && !errors.Is(err, storage.ErrMalformed) {
			r.warn.Warn("write failed", "err", err)
		}
		return exportResult{}, err
	}
	metrics.IngestRecords.WithLabelValues("accepted").Add(float64(res.Accepted))
	metrics.IngestBytes.Add(float64(res.Bytes))
	if res.Rejected > 0 {
		metrics.IngestRecords.WithLabelValues("rejected").Add(float64(res.Rejected))
		r.warn.Warn("rejected log records", "count", res.Rejected, "first_reason", res.RejectReason)
		return exportResult{rejected: int64(res.Rejected),
			message: fmt.Sprintf("%d log records rejected; first: %s", res.Rejected, res.RejectReason)}, nil
	}
	return exportResult{}, nil
}

// throttledLogger logs at most one message per key per interval, so bad
// input cannot flood the log.
type throttledLogger struct {
	l        *slog.Logger
	interval time.Duration
	last     chan map[string]time.Time
}

func newThrottledLogger(l *slog.Logger, interval time.Duration) *throttledLogger {
	t := &throttledLogger{l: l, interval: interval, last: make(chan map[string]time.Time, 1)}
	t.last <- make(map[string]time.Time)
	return t
}

func (t *throttledLogger) Warn(msg string, args ...any) {
	m := <-t.last
	now := time.Now()
	ok := now.Sub(m[msg]) >= t.interval
	if ok {
		m[msg] = now
	}
	t.last <- m
	if ok {
		t.l.Warn(msg, args...)
	}
}
