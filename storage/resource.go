package storage

import (
	"encoding/binary"
	"encoding/json"
	"slices"
	"strings"

	"github.com/zeebo/xxh3"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Resource is a resource as the write path sees it: its canonical encoding,
// its hash and the zone its entries are stored under.
type Resource struct {
	Hash      uint64
	Zone      string
	Canonical []byte
	// postings caches Postings.
	postings [][2]string
}

// Zone attributes, in order of preference (DESIGN §2).
const (
	attrAvailabilityZone = "cloud.availability_zone"
	attrRegion           = "cloud.region"
)

// MaxPostingValue bounds the attribute value bytes a posting key holds. Longer
// values are indexed by their prefix; selectors then verify the full value
// against the resource map.
const MaxPostingValue = 256

// NewResource builds the canonical form of a resource given as pdata (the
// write path reads resources from the request bytes instead; see
// newResource). The benchmark uses it for its ceiling rows.
func NewResource(attrs pcommon.Map, nodeZone string) (*Resource, error) {
	ld := plog.NewLogs()
	attrs.CopyTo(ld.ResourceLogs().AppendEmpty().Resource().Attributes())
	req, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	if err != nil {
		return nil, err
	}
	var kvs []attrKV
	for rl := range fieldsOf(req, fReqResourceLogs) {
		for res := range fieldsOf(rl, fRLResource) {
			kvs = appendResourceAttrs(kvs, res)
		}
	}
	var sorted []attrKV
	return newResource(kvs, nodeZone, &sorted)
}

// newResource builds the canonical form of a resource: attributes sorted by
// key, each a uvarint-length key and a typed value (value_codec.go). The hash
// is xxh3-64 of that form; when the zone comes from the receiving node (the
// resource names none), the zone is hashed too, so that the same attributes
// arriving in two zones stay two resources. Of attributes that repeat a key,
// the first is kept (as pcommon.Map.Get finds it). sorted is scratch space.
//
// Canonical layout (durable, record format v1): uvarint n, n × (key, value),
// keys as appendKey writes them. n counts every attribute sent, repeated keys
// included (a quirk of the first implementation, kept because the hash
// covers it), so a reader must stop at the end of the bytes, not after n.
func newResource(attrs []attrKV, nodeZone string, sorted *[]attrKV) (*Resource, error) {
	s := append((*sorted)[:0], attrs...)
	slices.SortStableFunc(s, func(a, b attrKV) int { return strings.Compare(a.key, b.key) })
	*sorted = s
	size := 8
	for i := range s {
		size += len(s[i].key) + len(s[i].val.b) + 12
	}
	buf := binary.AppendUvarint(make([]byte, 0, size), uint64(len(s)))
	var err error
	for i := range s {
		if i > 0 && s[i-1].key == s[i].key {
			continue // OTLP maps should not repeat keys; keep the first
		}
		buf = appendKey(buf, s[i].key)
		if buf, err = appendAny(buf, &s[i].val, 1); err != nil {
			return nil, err
		}
	}
	zone, fromNode := zoneOf(attrs, nodeZone)
	r := &Resource{Zone: zone, Canonical: buf}
	if fromNode {
		h := xxh3.New()
		_, _ = h.Write(buf)
		_, _ = h.Write([]byte{0})
		_, _ = h.WriteString(zone)
		r.Hash = h.Sum64()
	} else {
		r.Hash = xxh3.Hash(buf)
	}
	return r, nil
}

// zoneOf picks the zone of a resource: of the first attribute named by each
// zone attribute in turn, the value when it is a non-empty string and a
// valid zone name; else the node's zone.
func zoneOf(attrs []attrKV, nodeZone string) (zone string, fromNode bool) {
	for _, k := range []string{attrAvailabilityZone, attrRegion} {
		for i := range attrs {
			if attrs[i].key != k {
				continue
			}
			if v := &attrs[i].val; v.kind == fAVString && len(v.b) > 0 {
				// The zone goes into keys and the resource map alike, so it is
				// made valid UTF-8 once, here.
				if z := sanitizeUTF8(bstr(v.b)); ValidateName("zone", z) == nil {
					return strings.Clone(z), false
				}
			}
			break
		}
	}
	return nodeZone, true
}

// Postings lists the (name, value) pairs indexed for selectors: every
// top-level attribute that is not a map or an array, in its selector string
// form (ValueString). They are read back from the canonical form, only for
// resources new to an epoch.
func (r *Resource) Postings() [][2]string {
	if r.postings != nil {
		return r.postings
	}
	d := decoder{b: r.Canonical}
	d.uvarint("resource attributes")
	out := make([][2]string, 0, 8)
	for len(d.b) > 0 && d.err == nil {
		k := d.key()
		if len(d.b) > 0 && (d.b[0] == valArray || d.b[0] == valMap) {
			d.skipValue(1)
			continue
		}
		if v := d.value(1); d.err == nil {
			out = append(out, [2]string{k, ValueString(v)})
		}
	}
	r.postings = out
	return out
}

// resourceValue is the value of a resource-map key: uvarint zone length,
// zone, canonical resource.
func resourceValue(r *Resource) []byte {
	b := appendUvarintString(make([]byte, 0, len(r.Zone)+len(r.Canonical)+2), r.Zone)
	return append(b, r.Canonical...)
}

// StoredResource is a resource read back from the resource map.
type StoredResource struct {
	Hash       uint64
	Zone       string
	Attributes map[string]any
}

// Get returns an attribute in its selector string form ("" when missing).
func (r *StoredResource) Get(name string) string {
	v, ok := r.Attributes[name]
	if !ok {
		return ""
	}
	return ValueString(v)
}

func decodeResourceValue(hash uint64, b []byte) (*StoredResource, error) {
	d := decoder{b: b}
	zone := d.str("zone")
	// The count includes repeated keys that are not stored (newResource):
	// the attributes run to the end of the value.
	d.uvarint("resource attributes")
	attrs := make(map[string]any, 8)
	for len(d.b) > 0 && d.err == nil {
		k := d.key()
		attrs[k] = d.value(1)
	}
	if d.err != nil {
		return nil, d.err
	}
	return &StoredResource{Hash: hash, Zone: zone, Attributes: attrs}, nil
}

func marshalJSON(v any) ([]byte, error) { return json.Marshal(v) }
