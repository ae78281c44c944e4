package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/talus-logs/talus/kv"
)

// Options configure a Store. Zero values mean the defaults.
type Options struct {
	// EpochDuration is the width of a time bucket. The default is 1 h. It is
	// fixed when a data directory is first used; opening it with another
	// value is an error, because keys embed epoch starts.
	EpochDuration time.Duration
	// NodeZone is the zone of entries whose resource names none
	// (cloud.availability_zone, cloud.region). The default is "".
	NodeZone string
	// Retention is how long entries are kept; 0 keeps them forever. Records
	// older than the retention are rejected at ingest.
	Retention time.Duration
	// MaxFuture is how far ahead of now a record's timestamp may be; later
	// records are rejected. The default is 24 h.
	MaxFuture time.Duration
	// Now returns the current time; nil means time.Now. Tests inject a clock.
	Now func() time.Time
	// OnRecord, when set, is called for every accepted record during a write,
	// with the batch the record goes into, so that other tables (error
	// counters) commit atomically with the entries.
	OnRecord RecordHook
	// NewWriteHook, when set, is called once per write for a WriteHook that
	// sees every accepted record and then adds its writes once to the same
	// batch: the cheaper form of OnRecord for aggregates.
	NewWriteHook func() WriteHook
}

func (o *Options) ensureDefaults() {
	if o.EpochDuration == 0 {
		o.EpochDuration = time.Hour
	}
	if o.MaxFuture == 0 {
		o.MaxFuture = 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Validate reports every problem with the options at once.
func (o *Options) Validate() error {
	var errs []error
	if o.EpochDuration < time.Minute || o.EpochDuration > 7*24*time.Hour {
		errs = append(errs, fmt.Errorf("epoch (%s) must be between 1m and 168h", o.EpochDuration))
	} else if (24*time.Hour)%o.EpochDuration != 0 && o.EpochDuration%(24*time.Hour) != 0 {
		errs = append(errs, fmt.Errorf("epoch (%s) must divide a day (e.g. 10m, 1h, 6h) or be whole days", o.EpochDuration))
	}
	if o.Retention < 0 {
		errs = append(errs, fmt.Errorf("retention (%s) must not be negative", o.Retention))
	} else if o.Retention > 0 && o.Retention < o.EpochDuration {
		errs = append(errs, fmt.Errorf("retention (%s) must be at least one epoch (%s): whole epochs are dropped", o.Retention, o.EpochDuration))
	}
	if err := ValidateName("zone", o.NodeZone); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Store is the log data model on a sorted KV. It is safe for concurrent use.
type Store struct {
	kv   kv.Store
	opts Options

	indexMu sync.Mutex
	// indexed holds the (instance, epoch, resource) triples whose resource
	// map and posting entries are durable, so that they are written once per
	// epoch. It must be accessed under indexMu. It is a cache: losing it (a
	// restart, or the reset at maxIndexedCache) only rewrites the same keys.
	indexed map[indexedKey]struct{}
}

type indexedKey struct {
	instance string
	epoch    int64
	hash     uint64
}

// maxIndexedCache bounds the indexed cache (about 50 bytes an entry).
const maxIndexedCache = 4 << 20

var metaEpochKey = []byte{TableMeta, 'e', 'p', 'o', 'c', 'h'}

// Open returns a Store on kvs. It records the epoch duration on first use
// and refuses a different one later.
func Open(kvs kv.Store, opts Options) (*Store, error) {
	opts.ensureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	want := strconv.FormatInt(int64(opts.EpochDuration), 10)
	got, err := kvs.Get(metaEpochKey)
	switch {
	case errors.Is(err, kv.ErrNotFound):
		b := kvs.NewBatch()
		defer b.Close()
		if err := b.Set(metaEpochKey, []byte(want)); err != nil {
			return nil, err
		}
		if err := b.Commit(true); err != nil {
			return nil, fmt.Errorf("record epoch duration: %w", err)
		}
	case err != nil:
		return nil, fmt.Errorf("read epoch duration: %w", err)
	case string(got) != want:
		n, _ := strconv.ParseInt(string(got), 10, 64)
		return nil, fmt.Errorf("data was written with epoch %s; it cannot be opened with epoch %s (use --epoch %s)",
			time.Duration(n), opts.EpochDuration, time.Duration(n))
	}
	return &Store{kv: kvs, opts: opts, indexed: make(map[indexedKey]struct{})}, nil
}

// KV returns the underlying store.
func (s *Store) KV() kv.Store { return s.kv }

// EpochDuration returns the epoch width.
func (s *Store) EpochDuration() time.Duration { return s.opts.EpochDuration }

// EpochStart returns the start of the epoch holding ts.
func (s *Store) EpochStart(ts int64) int64 {
	d := int64(s.opts.EpochDuration)
	return ts - ((ts%d)+d)%d
}

// epochSummary is the merged value of an epoch key:
//
//	| MinTime (8B BE) | MaxTime (8B BE) | uvarint n | n × (uvarint len, zone) |
//
// Merging takes the min, the max and the union of zones, so it is
// idempotent: a retried write does not change it.
type epochSummary struct {
	minTime, maxTime int64
	zones            []string
}

// maxZonesPerEpoch bounds the zone list of an epoch summary.
const maxZonesPerEpoch = 256

func (e *epochSummary) add(ts int64, zone string) {
	if len(e.zones) == 0 && e.minTime == 0 && e.maxTime == 0 {
		e.minTime, e.maxTime = ts, ts
	}
	e.minTime = min(e.minTime, ts)
	e.maxTime = max(e.maxTime, ts)
	for _, z := range e.zones {
		if z == zone {
			return
		}
	}
	if len(e.zones) < maxZonesPerEpoch {
		e.zones = append(e.zones, zone)
	}
}

func (e *epochSummary) encode() []byte {
	b := binary.BigEndian.AppendUint64(nil, uint64(e.minTime))
	b = binary.BigEndian.AppendUint64(b, uint64(e.maxTime))
	b = binary.AppendUvarint(b, uint64(len(e.zones)))
	for _, z := range e.zones {
		b = appendUvarintString(b, z)
	}
	return b
}

func decodeEpochSummary(b []byte) (epochSummary, error) {
	var e epochSummary
	d := decoder{b: b}
	mn, mx := d.raw(8, "min"), d.raw(8, "max")
	if d.err != nil {
		return e, d.err
	}
	e.minTime, e.maxTime = int64(binary.BigEndian.Uint64(mn)), int64(binary.BigEndian.Uint64(mx))
	n := d.count("zones")
	for i := 0; i < n && d.err == nil; i++ {
		e.zones = append(e.zones, d.str("zone"))
	}
	return e, d.err
}

func mergeEpochSummary(_, older, newer []byte) ([]byte, error) {
	a, err := decodeEpochSummary(older)
	if err != nil {
		return nil, err
	}
	b, err := decodeEpochSummary(newer)
	if err != nil {
		return nil, err
	}
	a.minTime = min(a.minTime, b.minTime)
	a.maxTime = max(a.maxTime, b.maxTime)
	for _, z := range b.zones {
		found := false
		for _, y := range a.zones {
			found = found || y == z
		}
		if !found && len(a.zones) < maxZonesPerEpoch {
			a.zones = append(a.zones, z)
		}
	}
	return a.encode(), nil
}

// Mergers returns the merge functions of the tables this package owns, for
// kv.MergerByTable.
func Mergers() map[byte]kv.Merger {
	return map[byte]kv.Merger{TableEpochs: mergeEpochSummary, TablePostings: mergePostingSet}
}
