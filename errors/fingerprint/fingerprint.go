package fingerprint

import (
	"encoding/binary"
	"errors"
	"strings"
)

// Version is the version of the fingerprint algorithm implemented here. It is
// part of every durable form of a Fingerprint. Versions 2 to 5 changed the
// message normalizer (docs/fingerprint.md, "v1 → v2", "v2 → v3", "v3 → v4",
// "v4 → v5"); version 1 to 4 fingerprints are no longer computed but still
// parse, so stored keys stay readable.
const Version = 5

// MinVersion is the oldest version Parse and ParseBinary accept.
const MinVersion = 1

// textPrefix is the text form's version prefix for Version.
const textPrefix = "v5:"

// TextLen is the length of the text form: "v5:" and 16 hex digits.
const TextLen = len(textPrefix) + 16

// BinaryLen is the length of the binary form: a version byte and 8 bytes of hash.
const BinaryLen = 9

var (
	// ErrInvalidFingerprint is returned when a text or binary fingerprint is malformed.
	ErrInvalidFingerprint = errors.New("fingerprint: invalid fingerprint")
	// ErrUnsupportedVersion is returned when a fingerprint carries a version this
	// package does not know.
	ErrUnsupportedVersion = errors.New("fingerprint: unsupported fingerprint version")
)

// Fingerprint identifies a group of error records. The zero value is not a valid
// fingerprint (its Version is 0). Fingerprints are comparable and may be used as
// map keys.
//
// Durable forms, stable for every version (a change of the algorithm means a
// new version; a fingerprint of one version never equals one of another):
//
//	text:   "v" Version ":" | 16 lowercase hex digits of Hash   e.g. v5:9f86d081884c7d65
//	binary: | Version (1B) = 0x05 | Hash (8B, big-endian) |
type Fingerprint struct {
	// Version is the algorithm version: Version for everything this package
	// computes, MinVersion to Version for what it parses.
	Version uint8
	// Hash is the 64-bit FNV-1a hash of the canonical encoding (see canonical.go).
	Hash uint64
}

// String returns the text form, e.g. "v5:9f86d081884c7d65".
func (fp Fingerprint) String() string {
	var b [TextLen]byte
	return string(fp.AppendText(b[:0]))
}

// AppendText appends the text form of fp to dst and returns the extended slice.
func (fp Fingerprint) AppendText(dst []byte) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, 'v')
	dst = appendUint(dst, uint64(fp.Version))
	dst = append(dst, ':')
	for shift := 60; shift >= 0; shift -= 4 {
		dst = append(dst, hexDigits[(fp.Hash>>uint(shift))&0xf])
	}
	return dst
}

// AppendBinary appends the 9-byte binary form of fp to dst.
func (fp Fingerprint) AppendBinary(dst []byte) []byte {
	dst = append(dst, fp.Version)
	return binary.BigEndian.AppendUint64(dst, fp.Hash)
}

// Parse parses the text form produced by String, of any version from
// MinVersion to Version. It returns ErrUnsupportedVersion for a well-formed
// fingerprint of another version and ErrInvalidFingerprint for anything else.
func Parse(s string) (Fingerprint, error) {
	if len(s) < 4 || s[0] != 'v' {
		return Fingerprint{}, ErrInvalidFingerprint
	}
	colon := strings.IndexByte(s, ':')
	if colon < 2 || colon > 4 || len(s)-colon-1 != 16 {
		return Fingerprint{}, ErrInvalidFingerprint
	}
	var version uint64
	for i := 1; i < colon; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return Fingerprint{}, ErrInvalidFingerprint
		}
		version = version*10 + uint64(c-'0')
	}
	var h uint64
	for i := colon + 1; i < len(s); i++ {
		c := s[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		default:
			return Fingerprint{}, ErrInvalidFingerprint
		}
		h = h<<4 | uint64(d)
	}
	if version < MinVersion || version > Version {
		return Fingerprint{}, ErrUnsupportedVersion
	}
	return Fingerprint{Version: uint8(version), Hash: h}, nil
}

// ParseBinary decodes the 9-byte binary form (of a version from MinVersion to
// Version) and returns the rest of src.
func ParseBinary(src []byte) (Fingerprint, []byte, error) {
	if len(src) < BinaryLen {
		return Fingerprint{}, src, ErrInvalidFingerprint
	}
	if src[0] < MinVersion || src[0] > Version {
		return Fingerprint{}, src, ErrUnsupportedVersion
	}
	return Fingerprint{Version: src[0], Hash: binary.BigEndian.Uint64(src[1:BinaryLen])}, src[BinaryLen:], nil
}

func appendUint(dst []byte, v uint64) []byte {
	if v >= 10 {
		dst = appendUint(dst, v/10)
	}
	return append(dst, byte('0'+v%10))
}

// Record carries what an OTLP log record gives the fingerprint. All fields are
// optional; the zero Record fingerprints as an empty plain log line.
type Record struct {
	// Body is the log body as a string (AnyValue string form).
	Body string
	// SeverityNumber is the OTLP severity number (0 = unspecified, 17-24 = ERROR/FATAL).
	// It does not change the fingerprint; it is here so callers can use IsError.
	SeverityNumber int32
	// Fingerprint is the error.fingerprint attribute. When non-empty it wins.
	Fingerprint string
	// ExceptionType is the exception.type attribute.
	ExceptionType string
	// ExceptionMessage is the exception.message attribute.
	ExceptionMessage string
	// ExceptionStacktrace is the exception.stacktrace attribute.
	ExceptionStacktrace string
	// CodeFunction is the code.function.name attribute (or the older code.function).
	CodeFunction string
	// SDKLanguage is the resource attribute telemetry.sdk.language; it picks the
	// stack-trace parser. When empty the parser is chosen by sniffing the text.
	SDKLanguage string
}

// HasException reports whether r carries any exception.* attribute.
func (r *Record) HasException() bool {
	return r.ExceptionType != "" || r.ExceptionMessage != "" || r.ExceptionStacktrace != ""
}

// IsError reports whether a record is an error record: severity ERROR or FATAL
// (severity number >= 17), or any exception.* attribute present.
func IsError(severityNumber int32, hasExceptionAttr bool) bool {
	return severityNumber >= 17 || hasExceptionAttr
}

// SeverityFromText maps an OTLP SeverityText to a severity number, for records
// whose SeverityNumber is 0 (unspecified): error/err → 17, fatal, critical,
// crit, alert, emerg, emergency and panic → 21, warn/warning → 13, info/notice
// → 9, debug → 5, trace → 1 (case-insensitive); anything else → 0. Use it as
// IsError(SeverityFromText(text), hasException) when the number is 0.
func SeverityFromText(text string) int32 {
	var buf [16]byte
	switch string(asciiLower(&buf, strings.TrimSpace(text))) {
	case "error", "err":
		return 17
	case "fatal", "critical", "crit", "alert", "emerg", "emergency", "panic":
		return 21
	case "warn", "warning":
		return 13
	case "info", "notice", "information":
		return 9
	case "debug":
		return 5
	case "trace":
		return 1
	}
	return 0
}

// Rule says which rule of the algorithm produced a fingerprint.
type Rule uint8

// The rules, in the order they are tried. The numeric values are part of the
// canonical encoding and therefore of the format (unchanged since v1).
const (
	// RuleOverride: the explicit error.fingerprint attribute.
	RuleOverride Rule = 1
	// RuleStack: exception type chain + top in-app frames of exception.stacktrace.
	RuleStack Rule = 2
	// RuleException: exception type + normalized exception message (no usable stack).
	RuleException Rule = 3
	// RuleMessage: code.function + normalized first line of the body.
	RuleMessage Rule = 4
)

// String returns the rule's name as printed by Explain and the CLI.
func (r Rule) String() string {
	switch r {
	case RuleOverride:
		return "override"
	case RuleStack:
		return "stack"
	case RuleException:
		return "exception"
	case RuleMessage:
		return "message"
	}
	return "unknown"
}

// Explanation says how a fingerprint was derived. It is for humans and debugging;
// nothing durable depends on its text.
type Explanation struct {
	// Rule is the rule that produced the fingerprint.
	Rule Rule
	// Template is the normalized message (RuleException, RuleMessage), the override
	// value (RuleOverride) or a one-line summary of types and frames (RuleStack).
	Template string
	// ExceptionTypes is the exception type chain, outermost first (RuleStack,
	// RuleException).
	ExceptionTypes []string
	// Frames are the normalized frames that were hashed, innermost first (RuleStack).
	Frames []string
	// Language is the stack-trace parser used (RuleStack), e.g. "java".
	Language string
	// CodeFunction is the code.function that was hashed, if any.
	CodeFunction string
}

// Fingerprinter computes fingerprints, reusing its buffers between calls so that
// the common paths do not allocate. A Fingerprinter is not safe for concurrent
// use; use one per goroutine (they are cheap). The zero value is ready to use.
type Fingerprinter struct {
	tmpl  []byte   // normalized template
	enc   []byte   // canonical encoding
	stack stack    // parsed stack trace
	fbuf  []byte   // frame text scratch
	spans []uint32 // frame text end offsets in fbuf
}

// Compute returns the fingerprint of r. It is a pure function of r and is
// safe for concurrent use; it allocates fresh buffers on every call, so hot
// paths should keep a Fingerprinter per goroutine instead.
func Compute(r *Record) Fingerprint {
	var f Fingerprinter
	return f.Fingerprint(r)
}

// Explain returns the fingerprint of r and how it was derived.
func Explain(r *Record) (Fingerprint, Explanation) {
	var f Fingerprinter
	return f.Explain(r)
}

// Message returns the fingerprint of a plain log line (RuleMessage with no
// code.function), as `talus errors fingerprint` prints it.
func (f *Fingerprinter) Message(line string) Fingerprint {
	f.tmpl = AppendTemplate(f.tmpl[:0], line)
	f.enc = appendCanonicalMessage(f.enc[:0], RuleMessage, "", "", f.tmpl)
	return Fingerprint{Version: Version, Hash: hash64(f.enc)}
}

// Template returns the normalized template of the last call on f: the line
// given to Message, or the message of a record fingerprinted by RuleException
// or RuleMessage; it is empty after RuleOverride and RuleStack. The returned
// slice is valid until the next call on f.
func (f *Fingerprinter) Template() []byte { return f.tmpl }

// Fingerprint returns the fingerprint of r.
func (f *Fingerprinter) Fingerprint(r *Record) Fingerprint {
	fp, _ := f.compute(r, false)
	return fp
}

// Explain returns the fingerprint of r and how it was derived.
func (f *Fingerprinter) Explain(r *Record) (Fingerprint, Explanation) {
	return f.compute(r, true)
}

func (f *Fingerprinter) compute(r *Record, explain bool) (Fingerprint, Explanation) {
	var ex Explanation
	f.enc = f.enc[:0]
	f.tmpl = f.tmpl[:0]
	switch {
	case strings.TrimSpace(r.Fingerprint) != "":
		v := strings.TrimSpace(r.Fingerprint)
		f.enc = appendCanonicalOverride(f.enc, v)
		if explain {
			ex = Explanation{Rule: RuleOverride, Template: v}
		}
	case r.ExceptionStacktrace != "" && f.parseStack(r):
		f.enc = f.appendCanonicalStack(f.enc)
		if explain {
			ex = f.explainStack()
		}
	case r.ExceptionType != "" || r.ExceptionMessage != "" || r.ExceptionStacktrace != "":
		typ := normalizeTypeName(r.ExceptionType)
		msg := r.ExceptionMessage
		if typ == "" && msg == "" {
			// Only an unparseable stack: its first line usually is "Type: message".
			typ, msg = splitTypeMessage(firstLine(r.ExceptionStacktrace))
		}
		f.tmpl = AppendTemplate(f.tmpl[:0], msg)
		fn := normalizeCodeFunction(r.CodeFunction)
		f.enc = appendCanonicalMessage(f.enc, RuleException, typ, fn, f.tmpl)
		if explain {
			ex = Explanation{Rule: RuleException, Template: string(f.tmpl), CodeFunction: fn}
			if typ != "" {
				ex.ExceptionTypes = []string{typ}
			}
		}
	default:
		f.tmpl = AppendTemplate(f.tmpl[:0], r.Body)
		fn := normalizeCodeFunction(r.CodeFunction)
		f.enc = appendCanonicalMessage(f.enc, RuleMessage, "", fn, f.tmpl)
		if explain {
			ex = Explanation{Rule: RuleMessage, Template: string(f.tmpl), CodeFunction: fn}
		}
	}
	return Fingerprint{Version: Version, Hash: hash64(f.enc)}, ex
}

// normalizeCodeFunction trims code.function to its first line and drops
// anything after an opening parenthesis (argument lists some SDKs include).
func normalizeCodeFunction(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '('); i > 0 {
		s = s[:i]
	}
	return s
}
