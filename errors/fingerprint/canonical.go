package fingerprint

import "encoding/binary"

// The canonical encoding is what gets hashed. It is length-prefixed, so no two
// different inputs encode to the same bytes (unlike plain concatenation), and it
// starts with a magic and the version, so versions can never collide by
// construction. Layout, the same in versions 1 to 4 (only the version byte
// and the normalizer that makes the templates differ):
//
//	| "talus-fp" (8B) | Version (1B) = 0x05 | Rule (1B) | fields... |
//	field := uvarint(len) | bytes
//
//	RuleOverride  (1): field(value)
//	RuleStack     (2): uvarint(#types) field(type)... uvarint(#frames) field(frame)...
//	RuleException (3): field(type) field(code.function) field(template)
//	RuleMessage   (4): field("")   field(code.function) field(template)
//
// Hash = fmix64(FNV-1a-64(encoding)), where fmix64 is the MurmurHash3 64-bit
// finalizer (xor-shift 33, multiply 0xff51afd7ed558ccd, xor-shift 33, multiply
// 0xc4ceb9fe1a85ec53, xor-shift 33). The finalizer only spreads the bits so that
// any prefix of the hash is uniformly distributed (useful for sharding).
const canonicalMagic = "talus-fp"

func appendCanonicalHeader(dst []byte, rule Rule) []byte {
	dst = append(dst, canonicalMagic...)
	return append(dst, Version, byte(rule))
}

func appendField[S string | []byte](dst []byte, s S) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

func appendCanonicalOverride(dst []byte, value string) []byte {
	dst = appendCanonicalHeader(dst, RuleOverride)
	return appendField(dst, value)
}

func appendCanonicalMessage(dst []byte, rule Rule, typ, codeFunction string, template []byte) []byte {
	dst = appendCanonicalHeader(dst, rule)
	dst = appendField(dst, typ)
	dst = appendField(dst, codeFunction)
	return appendField(dst, template)
}

const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// hash64 is the hash of a canonical encoding (unchanged since v1).
func hash64(b []byte) uint64 {
	h := uint64(fnvOffset64)
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime64
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}
