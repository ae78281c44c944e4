package storage

import (
	"encoding/binary"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/zeebo/xxh3"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Resource is a resource as the write path sees it: its canonical encoding,
// its hash and the zone its entries are stored under.
type Resource struct {
	Hash      uint64
	Zone      string
	Canonical []byte
	// Postings lists the (name, value) pairs indexed for selectors: every
	// top-level attribute in its selector string form (ValueString).
	Postings [][2]string
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

// NewResource builds the canonical form of a resource: attributes sorted by
// key, each a uvarint-length key and a typed value (value_codec.go). The hash
// is xxh3-64 of that form; when the zone comes from the receiving node (the
// resource names none), the zone is hashed too, so that the same attributes
// arriving in two zones stay two resources.
//
// Canonical layout (durable, record format v1): uvarint n, n × (key, value),
// keys as appendKey writes them.
func NewResource(attrs pcommon.Map, nodeZone string) (*Resource, error) {
	keys := make([]string, 0, attrs.Len())
	attrs.Range(func(k string, _ pcommon.Value) bool {
		keys = append(keys, k)
		return true
	})
	sort.Strings(keys)
	buf := binary.AppendUvarint(make([]byte, 0, 64*len(keys)+8), uint64(len(keys)))
	r := &Resource{Postings: make([][2]string, 0, len(keys))}
	var err error
	for i, k := range keys {
		if i > 0 && keys[i-1] == k {
			continue // OTLP maps should not repeat keys; keep the first
		}
		v, _ := attrs.Get(k)
		buf = appendKey(buf, k)
		if buf, err = appendValue(buf, v, 1); err != nil {
			return nil, err
		}
		if v.Type() != pcommon.ValueTypeMap && v.Type() != pcommon.ValueTypeSlice {
			r.Postings = append(r.Postings, [2]string{strings.ToValidUTF8(k, "\uFFFD"), strings.ToValidUTF8(pvalueString(v), "\uFFFD")})
		}
	}
	zone, fromNode := zoneOf(attrs, nodeZone)
	r.Zone = zone
	r.Canonical = buf
	h := xxh3.New()
	_, _ = h.Write(buf)
	if fromNode {
		_, _ = h.Write([]byte{0})
		_, _ = h.WriteString(zone)
	}
	r.Hash = h.Sum64()
	return r, nil
}

func zoneOf(attrs pcommon.Map, nodeZone string) (zone string, fromNode bool) {
	for _, k := range []string{attrAvailabilityZone, attrRegion} {
		if v, ok := attrs.Get(k); ok && v.Type() == pcommon.ValueTypeStr && v.Str() != "" {
			// The zone goes into keys and the resource map alike, so it is
			// made valid UTF-8 once, here.
			if z := sanitizeUTF8(v.Str()); ValidateName("zone", z) == nil {
				return z, false
			}
		}
	}
	return nodeZone, true
}

// pvalueString is ValueString for a pcommon.Value.
func pvalueString(v pcommon.Value) string {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return v.Str()
	case pcommon.ValueTypeBool:
		return strconv.FormatBool(v.Bool())
	case pcommon.ValueTypeInt:
		return strconv.FormatInt(v.Int(), 10)
	case pcommon.ValueTypeDouble:
		return strconv.FormatFloat(v.Double(), 'g', -1, 64)
	case pcommon.ValueTypeEmpty:
		return ""
	default:
		return v.AsString()
	}
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
	attrs := d.mapValue(1)
	if d.err != nil {
		return nil, d.err
	}
	return &StoredResource{Hash: hash, Zone: zone, Attributes: attrs}, nil
}

func marshalJSON(v any) ([]byte, error) { return json.Marshal(v) }
