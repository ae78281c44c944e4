package rollup

import (
	"cmp"
	"context"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/talus-logs/talus/api/wire"
	"github.com/talus-logs/talus/errors/fingerprint"
	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/storage"
	"github.com/talus-logs/talus/storage/selector"
)

// Backend answers the error endpoints from the counters (wire.ErrorsBackend).
// It is safe for concurrent use.
type Backend struct {
	store *storage.Store
	fps   sync.Pool // *scratch, for Fingerprint
}

var _ wire.ErrorsBackend = (*Backend)(nil)

// NewBackend returns the query side over store, whose KV must merge
// storage.TableErrors with Mergers.
func NewBackend(store *storage.Store) *Backend {
	b := &Backend{store: store}
	b.fps.New = func() any { return new(scratch) }
	return b
}

// Query limits.
const (
	// MaxBuckets bounds the trend points of one group; a smaller step over a
	// longer range is refused (400) rather than answered slowly.
	MaxBuckets = 11000
	// MaxServicesShown bounds the services listed in a group, most errors first.
	MaxServicesShown = 16
	// defaultBuckets is the number of trend points a request without a step aims at.
	defaultBuckets = 100
)

// niceSteps are the default steps, smallest first.
var niceSteps = []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute,
	15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour,
	12 * time.Hour, 24 * time.Hour}

// DefaultStep returns the step used when a request names none: the smallest
// of 1m, 2m, 5m, 10m, 15m, 30m, 1h, 2h, 3h, 6h, 12h, 24h that gives at most
// 100 points over the range (24h beyond that).
func DefaultStep(start, end int64) time.Duration {
	span := end - start
	for _, s := range niceSteps {
		if span/int64(s) < defaultBuckets {
			return s
		}
	}
	return 24 * time.Hour
}

// Top implements wire.ErrorsBackend.
func (b *Backend) Top(ctx context.Context, r wire.ErrorsRequest) ([]wire.ErrorGroup, error) {
	q, groups, err := b.groups(ctx, r)
	if err != nil {
		return nil, err
	}
	groups = topGroups(q.mergeGroups(groups), r.Limit)
	out := make([]wire.ErrorGroup, 0, len(groups))
	for _, g := range groups {
		out = append(out, q.render(g))
	}
	return out, nil
}

// before orders groups by count descending, then by fingerprint.
func before(x, y *group) bool {
	return x.count > y.count || x.count == y.count && x.fp.Hash < y.fp.Hash
}

// topGroups returns the limit first groups in the order of before (all of
// them when limit <= 0), keeping a heap of limit groups instead of sorting
// them all: a day with a long tail of rare fingerprints has many.
func topGroups(groups []*group, limit int) []*group {
	byOrder := func(x, y *group) int {
		if before(x, y) {
			return -1
		}
		if before(y, x) {
			return 1
		}
		return 0
	}
	if limit <= 0 || len(groups) <= limit {
		slices.SortFunc(groups, byOrder)
		return groups
	}
	// h is a heap whose root is the last of the groups kept so far.
	h := slices.Clone(groups[:limit])
	down := func(i int) {
		for {
			l, worst := 2*i+1, i
			if l < len(h) && before(h[worst], h[l]) {
				worst = l
			}
			if r := l + 1; r < len(h) && before(h[worst], h[r]) {
				worst = r
			}
			if worst == i {
				return
			}
			h[i], h[worst] = h[worst], h[i]
			i = worst
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for _, g := range groups[limit:] {
		if before(g, h[0]) {
			h[0] = g
			down(0)
		}
	}
	slices.SortFunc(h, byOrder)
	return h
}

// Group implements wire.ErrorsBackend. A malformed fingerprint is a bad
// query (storage.ErrBadQuery, answered 400).
func (b *Backend) Group(ctx context.Context, fp string, r wire.ErrorsRequest) (*wire.ErrorGroup, error) {
	f, err := fingerprint.Parse(fp)
	if err != nil {
		return nil, fmt.Errorf("%w: fingerprint %q: %v", storage.ErrBadQuery, fp, err)
	}
	q, g, err := b.group(ctx, f, r)
	if err != nil || g == nil {
		return nil, err
	}
	eg := q.render(g)
	return &eg, nil
}

// group returns the group of key f: the merged group f is the key of
// (mergeGroups), or else the errors of ingest key f alone (one of a merged
// group's members), or nil when f has no errors in the range.
func (b *Backend) group(ctx context.Context, f fingerprint.Fingerprint, r wire.ErrorsRequest) (*query, *group, error) {
	q, groups, err := b.groups(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	var own *group
	for _, g := range groups {
		if g.fp == f {
			own = g
		}
	}
	if own != nil {
		// mergeGroups changes the groups in place: keep f's own counts in
		// case f turns out to be a member of another key's group.
		c := *own
		c.services, c.points = slices.Clone(own.services), slices.Clone(own.points)
		own = &c
	}
	for _, g := range q.mergeGroups(groups) {
		if g.fp == f {
			return q, g, nil
		}
	}
	if own != nil {
		own.members, own.template = nil, ""
		return q, own, nil
	}
	return q, nil, nil
}

// membersRange is how far back Members looks for a key it does not find
// in the request's range.
const membersRange = 7 * 24 * time.Hour

// Members implements wire.ErrorsBackend: the ingest keys whose records
// make up the group of key fp over r (a merged group's members, or fp
// alone). A malformed fingerprint is a bad query.
func (b *Backend) Members(ctx context.Context, fp string, r wire.ErrorsRequest) ([]string, error) {
	f, err := fingerprint.Parse(fp)
	if err != nil {
		return nil, fmt.Errorf("%w: fingerprint %q: %v", storage.ErrBadQuery, fp, err)
	}
	_, g, err := b.group(ctx, f, r)
	if err == nil && g == nil && r.End-r.Start < int64(membersRange) {
		// A key from a longer top-errors range than this one (a dashboard's
		// week, and the last hour's logs) may be a merge that the shorter
		// range does not make.
		r.Start = r.End - int64(membersRange)
		_, g, err = b.group(ctx, f, r)
	}
	if err != nil {
		return nil, err
	}
	if g == nil || len(g.members) == 0 {
		return []string{f.String()}, nil
	}
	out := make([]string, len(g.members))
	for i, m := range g.members {
		out[i] = m.String()
	}
	return out, nil
}

// Fingerprint implements wire.ErrorsBackend: the fingerprint text of a stored
// error entry, recomputed from its body, attributes and resource as the
// hook computed it at ingest; "" for an entry that is not an error.
func (b *Backend) Fingerprint(e *storage.Entry) string {
	s := b.fps.Get().(*scratch)
	defer b.fps.Put(s)
	if !fromEntry(&s.rec, e) {
		return ""
	}
	return s.f.Fingerprint(&s.rec).String()
}

// MayBeError implements wire.ErrorsBackend: fingerprint.IsError on what a
// record holds before it is decoded (its severity number or text, and
// whether an attribute key starts with "exception.").
func (b *Backend) MayBeError(r storage.RawRecord) bool {
	sev := r.SeverityNumber()
	if sev == 0 {
		sev = fingerprint.SeverityFromText(r.SeverityText())
	}
	return fingerprint.IsError(sev, false) || r.HasAttributePrefix(attrExceptionPrefix)
}

// query is one Top or Group call.
type query struct {
	r        wire.ErrorsRequest
	store    *storage.Store
	kv       kv.Store
	epochDur int64
	step     int64
	origin   int64 // start of the first trend bucket
	buckets  int
	lower    []byte // the counter keys of the epochs overlapping [Start, End]
	upper    []byte
	services serviceFilter
	// serviceIDs interns the services met by the query; serviceNames[id]
	// is the name of id.
	serviceIDs   map[string]int32
	serviceNames []string
}

// serviceID interns a service name; looking up a known one does not allocate.
func (q *query) serviceID(service []byte) int32 {
	if id, ok := q.serviceIDs[string(service)]; ok {
		return id
	}
	id := int32(len(q.serviceNames))
	q.serviceNames = append(q.serviceNames, string(service))
	q.serviceIDs[q.serviceNames[id]] = id
	return id
}

// groups sums the errors of r by ingest key: from
// the counters when the selector narrows by service.name alone, else from
// the stored records (records.go).
func (b *Backend) groups(ctx context.Context, r wire.ErrorsRequest) (*query, []*group, error) {
	sf, byService := newServiceFilter(r.Selector)
	q, err := b.newQuery(r, sf)
	if err != nil {
		return nil, nil, err
	}
	var groups []*group
	if byService {
		groups, err = q.count(ctx)
	} else {
		groups, err = q.records(ctx, b)
	}
	return q, groups, err
}

func (b *Backend) newQuery(r wire.ErrorsRequest, sf serviceFilter) (*query, error) {
	if r.Start > r.End {
		return nil, fmt.Errorf("%w: start after end", storage.ErrBadQuery)
	}
	step := r.Step
	if step == 0 {
		step = DefaultStep(r.Start, r.End)
	}
	if step < time.Minute || step%time.Minute != 0 {
		return nil, fmt.Errorf("%w: step %s must be a whole number of minutes", storage.ErrBadQuery, step)
	}
	q := &query{r: r, store: b.store, kv: b.store.KV(), epochDur: int64(b.store.EpochDuration()), step: int64(step), services: sf,
		serviceIDs: make(map[string]int32)}
	q.origin = floorDiv(r.Start, q.step) * q.step
	n := (r.End-q.origin)/q.step + 1
	if n > MaxBuckets {
		return nil, fmt.Errorf("%w: step %s gives %d trend points over the range; use a step of at least %s",
			storage.ErrBadQuery, step, n, time.Duration((r.End-r.Start)/MaxBuckets+1).Round(time.Minute)+time.Minute)
	}
	q.buckets = int(n)
	q.lower = storage.AppendEpochPrefix(nil, storage.TableErrors, r.Instance, b.store.EpochStart(r.End))
	q.upper = kv.PrefixEnd(storage.AppendEpochPrefix(nil, storage.TableErrors, r.Instance, b.store.EpochStart(r.Start)))
	return q, nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// group is one fingerprint's counters summed over the request.
type group struct {
	fp          fingerprint.Fingerprint
	count       uint64
	first, last int64
	// services holds the errors per service id (query.serviceID); a group
	// rarely has more than a few, so a slice beats a map.
	services []serviceCount
	// points are (trend bucket, count) pairs in the order met; render sums
	// them into the zero-filled trend. Sparse, so that a day with many
	// rare fingerprints costs memory per counter, not per group × bucket.
	points []bucketCount
	// sample is the encoded sample chosen so far (a copy), nil when none;
	// sampleService is the id of its counter's service.
	sample        []byte
	sampleService int32
	// members are the ingest keys summed into the group by mergeGroups, and
	// template its merged template ("" when the sample's stands).
	members  []fingerprint.Fingerprint
	template string
}

type serviceCount struct {
	id int32
	n  uint64
}

type bucketCount struct {
	bucket int32
	n      uint64
}

func (g *group) addService(id int32, n uint64) {
	for i := range g.services {
		if g.services[i].id == id {
			g.services[i].n += n
			return
		}
	}
	g.services = append(g.services, serviceCount{id, n})
}

// inRange sums what one counter holds within [Start, End] at minute
// resolution: the minutes that overlap the range count. first and last are
// exact when they fall in the range, else narrowed to the counted minutes.
func (q *query) inRange(epoch int64, h *header, fn func(minuteStart int64, c uint64)) (count uint64, first, last int64) {
	lo, hi := q.r.Start, q.r.End
	first, last = hi+1, lo-1
	h.forTrend(func(minute uint32, c uint64) {
		ms := epoch + int64(minute)*int64(time.Minute)
		if ms+int64(time.Minute) <= lo || ms > hi {
			return
		}
		count += c
		first = min(first, ms)
		last = max(last, ms+int64(time.Minute)-1)
		if fn != nil {
			fn(ms, c)
		}
	})
	if count == 0 {
		return 0, 0, 0
	}
	if h.first >= lo && h.first <= hi {
		first = h.first
	} else {
		first = max(first, lo)
	}
	if h.last >= lo && h.last <= hi {
		last = h.last
	} else {
		last = min(last, hi)
	}
	return count, first, last
}

// scan calls fn for each counter of the range whose service the selector
// accepts, in key order (epochs newest first, then fingerprint, then
// service), with the decoded header. The service slice is valid only
// during the call.
func (q *query) scan(ctx context.Context, fn func(epoch int64, fp fingerprint.Fingerprint, service []byte, h *header)) error {
	it, err := q.kv.NewIter(&kv.IterOptions{LowerBound: q.lower, UpperBound: q.upper})
	if err != nil {
		return err
	}
	defer it.Close()
	pl := epochPrefixLen(q.r.Instance)
	var h header
	ok := it.First()
	for n := 0; ok; n++ {
		if n%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		k := it.Key()
		if len(k) < pl {
			return fmt.Errorf("counter key %x: too short", k)
		}
		epoch := epochOf(k, q.r.Instance)
		fp, service, err := keySuffix(k[pl:])
		if err != nil {
			return err
		}
		if q.services.match(service) {
			// h is declared outside the loop: fn receives a pointer to it,
			// which would otherwise allocate once per counter.
			if h, err = parseHeader(it.Value()); err != nil {
				return fmt.Errorf("counter %x: %w", k, err)
			}
			fn(epoch, fp, service, &h)
		}
		ok = it.Next()
	}
	return it.Error()
}

// count sums the counters of every fingerprint over the range, with their trends and samples, in one sequential
// pass: a pass reads each block once, where seeking to every group in every
// epoch would read blocks again and again.
func (q *query) count(ctx context.Context) ([]*group, error) {
	byFP := make(map[fingerprint.Fingerprint]*group)
	var order []*group
	var cur *group
	var arena groupArena
	add := func(ms int64, n uint64) {
		b := int32((ms - q.origin) / q.step)
		if k := len(cur.points) - 1; k >= 0 && cur.points[k].bucket == b {
			cur.points[k].n += n
			return
		}
		cur.points = append(cur.points, bucketCount{b, n})
	}
	err := q.scan(ctx, func(epoch int64, fp fingerprint.Fingerprint, service []byte, h *header) {
		g := byFP[fp]
		if g == nil {
			g = arena.newGroup(fp)
		}
		cur = g
		mark := len(g.points)
		c, first, last := q.inRange(epoch, h, add)
		if c == 0 {
			g.points = g.points[:mark]
			return
		}
		if g.count == 0 {
			byFP[fp] = g
			order = append(order, g)
		}
		g.count += c
		g.first, g.last = min(g.first, first), max(g.last, last)
		g.addService(q.serviceID(service), c)
		if h.sample != nil {
			q.offerSample(g, h.sample, service, &arena)
		}
	})
	return order, err
}

// groupArena hands out groups and the first slots of their slices from
// shared chunks, so that a range with many small groups (a long tail of rare
// fingerprints) costs a few allocations in all rather than four per group.
// A slice that outgrows its slots is reallocated by append as usual.
type groupArena struct {
	groups []group
	svcs   []serviceCount
	points []bucketCount
	bytes  []byte
}

const (
	arenaChunk       = 256 // groups per chunk
	arenaPointSlots  = 4   // first trend points of a group
	arenaBytesChunk  = 64 << 10
	arenaMaxCopySize = 4 << 10 // larger samples get their own allocation
)

func (a *groupArena) newGroup(fp fingerprint.Fingerprint) *group {
	if len(a.groups) == cap(a.groups) {
		a.groups = make([]group, 0, arenaChunk)
		a.svcs = make([]serviceCount, arenaChunk)
		a.points = make([]bucketCount, arenaChunk*arenaPointSlots)
	}
	i := len(a.groups)
	a.groups = a.groups[:i+1]
	g := &a.groups[i]
	*g = group{fp: fp, first: math.MaxInt64, last: math.MinInt64,
		services: a.svcs[i : i : i+1],
		points:   a.points[i*arenaPointSlots : i*arenaPointSlots : (i+1)*arenaPointSlots]}
	return g
}

// copyInto returns src copied into dst's storage when it fits, else into
// arena bytes.
func (a *groupArena) copyInto(dst, src []byte) []byte {
	if cap(dst) >= len(src) {
		return append(dst[:0], src...)
	}
	if len(src) > arenaMaxCopySize {
		return append([]byte(nil), src...)
	}
	if cap(a.bytes)-len(a.bytes) < len(src) {
		a.bytes = make([]byte, 0, arenaBytesChunk)
	}
	n := len(a.bytes)
	a.bytes = append(a.bytes, src...)
	return a.bytes[n : n+len(src) : n+len(src)]
}

// offerSample makes a counter's sample the group's if it is better: a
// sample inside the range beats one outside it (a range that cuts an epoch
// may exclude the epoch's first error), then the earlier one wins, then the
// one of the smaller service name, so that the choice is deterministic.
func (q *query) offerSample(g *group, sample, service []byte, arena *groupArena) {
	id := q.serviceID(service)
	if g.sample != nil {
		st, gt := sampleTime(sample), sampleTime(g.sample)
		in := func(t int64) bool { return t >= q.r.Start && t <= q.r.End }
		switch {
		case in(st) != in(gt):
			if !in(st) {
				return
			}
		case st > gt:
			return
		case st == gt && q.serviceNames[id] >= q.serviceNames[g.sampleService]:
			return
		}
	}
	g.sample = arena.copyInto(g.sample, sample)
	g.sampleService = id
}

func (q *query) render(g *group) wire.ErrorGroup {
	eg := wire.ErrorGroup{
		Fingerprint:       g.fp.String(),
		Count:             g.count,
		FirstSeenUnixNano: strconv.FormatInt(g.first, 10),
		LastSeenUnixNano:  strconv.FormatInt(g.last, 10),
		Services:          make([]string, 0, min(len(g.services), MaxServicesShown)),
		Trend:             make([]wire.TrendPoint, q.buckets),
	}
	if g.sample != nil {
		s := decodeSample(g.sample)
		eg.Message, eg.ExceptionType, eg.Template = s.Message, s.ExceptionType, s.Template
		if g.template != "" {
			eg.Template = g.template
		}
		if s.HasTraceID {
			eg.SampleTraceID = hex.EncodeToString(s.TraceID[:])
		}
	}
	type sc struct {
		name string
		n    uint64
	}
	svcs := make([]sc, 0, len(g.services))
	for _, s := range g.services {
		svcs = append(svcs, sc{q.serviceNames[s.id], s.n})
	}
	slices.SortFunc(svcs, func(a, b sc) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return cmp.Compare(a.name, b.name)
	})
	for i, s := range svcs {
		if i == MaxServicesShown {
			break
		}
		if s.name != "" {
			eg.Services = append(eg.Services, s.name)
		}
	}
	for i := range eg.Trend {
		eg.Trend[i].TimeUnixNano = strconv.FormatInt(q.origin+int64(i)*q.step, 10)
	}
	for _, p := range g.points {
		eg.Trend[p.bucket].Count += p.n
	}
	return eg
}

// serviceFilter is a selector reduced to its service.name matchers; nil
// matches every service.
type serviceFilter []*selector.Matcher

// newServiceFilter reduces sel to its service.name matchers; ok is false
// when sel has more (another attribute, a line or severity filter), which
// the counters, kept per service, cannot narrow.
func newServiceFilter(sel *selector.Query) (f serviceFilter, ok bool) {
	if sel == nil {
		return nil, true
	}
	for _, m := range sel.Matchers {
		if m.Name != attrServiceName {
			return nil, false
		}
	}
	if len(sel.LineFilters) > 0 || len(sel.Severity) > 0 {
		return nil, false
	}
	return serviceFilter(sel.Matchers), true
}

func (f serviceFilter) match(service []byte) bool {
	for _, m := range f {
		if m.Type == selector.MatchEqual {
			if string(service) != m.Value {
				return false
			}
			continue
		}
		if !m.Matches(string(service)) {
			return false
		}
	}
	return true
}
