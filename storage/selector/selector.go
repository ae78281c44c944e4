package selector

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// MatchType is the operator of a label matcher.
type MatchType uint8

const (
	MatchEqual MatchType = iota
	MatchNotEqual
	MatchRegexp
	MatchNotRegexp
)

func (t MatchType) String() string {
	return [...]string{"=", "!=", "=~", "!~"}[t]
}

// Matcher tests one resource attribute.
type Matcher struct {
	Name  string
	Type  MatchType
	Value string
	re    *regexp.Regexp
}

// Matches reports whether an attribute value (""when missing) satisfies m.
func (m *Matcher) Matches(v string) bool {
	switch m.Type {
	case MatchEqual:
		return v == m.Value
	case MatchNotEqual:
		return v != m.Value
	case MatchRegexp:
		return m.re.MatchString(v)
	default:
		return !m.re.MatchString(v)
	}
}

// MatchesEmpty reports whether a resource without the attribute matches:
// such matchers cannot be answered from posting lists alone.
func (m *Matcher) MatchesEmpty() bool { return m.Matches("") }

// LineFilterType is the operator of a line filter.
type LineFilterType uint8

const (
	LineContains LineFilterType = iota
	LineNotContains
	LineRegexp
	LineNotRegexp
)

func (t LineFilterType) String() string {
	return [...]string{"|=", "!=", "|~", "!~"}[t]
}

// LineFilter tests a record's body.
type LineFilter struct {
	Type  LineFilterType
	Value string
	re    *regexp.Regexp
}

// Matches reports whether body passes the filter.
func (f *LineFilter) Matches(body string) bool {
	switch f.Type {
	case LineContains:
		return strings.Contains(body, f.Value)
	case LineNotContains:
		return !strings.Contains(body, f.Value)
	case LineRegexp:
		return f.re.MatchString(body)
	default:
		return !f.re.MatchString(body)
	}
}

// CompareOp is the operator of a severity filter.
type CompareOp uint8

const (
	OpEq CompareOp = iota
	OpNe
	OpGt
	OpGe
	OpLt
	OpLe
)

func (o CompareOp) String() string {
	return [...]string{"=", "!=", ">", ">=", "<", "<="}[o]
}

// SeverityFilter compares a record's severity number with Level.
type SeverityFilter struct {
	Op    CompareOp
	Level int32
	// Word is set when the level was given as a word (warn): the filter
	// then compares with the word's whole range of numbers. A number
	// compares with that number alone.
	Word bool
}

// Matches reports whether severity number sev passes the filter. A level
// word stands for its range (OTLP gives four numbers to each level word:
// 9–12 are all INFO), so "= warn" accepts 13 to 16 and "> warn" starts at
// 17; a number is compared as it is ("> 9" accepts 10).
func (f *SeverityFilter) Matches(sev int32) bool {
	lo := f.Level
	hi := f.Level
	if f.Word && lo > 0 && (lo-1)%4 == 0 {
		hi = lo + 3
	}
	switch f.Op {
	case OpEq:
		return sev >= lo && sev <= hi
	case OpNe:
		return sev < lo || sev > hi
	case OpGt:
		return sev > hi
	case OpGe:
		return sev >= lo
	case OpLt:
		return sev < lo
	default:
		return sev <= hi
	}
}

// Query is a parsed query.
type Query struct {
	Matchers    []*Matcher
	LineFilters []*LineFilter
	Severity    []*SeverityFilter
}

// MatchesAll reports whether the selector is {} (every resource).
func (q *Query) MatchesAll() bool { return len(q.Matchers) == 0 }

// MatchesResource reports whether a resource, given as an attribute lookup,
// satisfies every matcher.
func (q *Query) MatchesResource(get func(name string) string) bool {
	for _, m := range q.Matchers {
		if !m.Matches(get(m.Name)) {
			return false
		}
	}
	return true
}

// MatchesRecord reports whether a record's body and severity pass every
// line and severity filter.
func (q *Query) MatchesRecord(body string, severity int32) bool {
	for _, f := range q.Severity {
		if !f.Matches(severity) {
			return false
		}
	}
	for _, f := range q.LineFilters {
		if !f.Matches(body) {
			return false
		}
	}
	return true
}

// HasRecordFilters reports whether records need to be decoded to be filtered.
func (q *Query) HasRecordFilters() bool {
	return len(q.LineFilters) > 0 || len(q.Severity) > 0
}

// String renders the query in a form Parse accepts and that parses to an
// equal query.
func (q *Query) String() string {
	var sb strings.Builder
	sb.WriteByte('{')
	for i, m := range q.Matchers {
		if i > 0 {
			sb.WriteString(", ")
		}
		if isPlainName(m.Name) {
			sb.WriteString(m.Name)
		} else {
			sb.WriteString(strconv.Quote(m.Name))
		}
		sb.WriteString(m.Type.String())
		sb.WriteString(strconv.Quote(m.Value))
	}
	sb.WriteByte('}')
	for _, f := range q.LineFilters {
		fmt.Fprintf(&sb, " %s %s", f.Type, strconv.Quote(f.Value))
	}
	for _, f := range q.Severity {
		if w, ok := levelWords[f.Level]; ok && f.Word {
			fmt.Fprintf(&sb, " | severity %s %s", f.Op, w)
		} else {
			fmt.Fprintf(&sb, " | severity %s %d", f.Op, f.Level)
		}
	}
	return sb.String()
}

func isPlainName(s string) bool {
	if s == "" || !isNameStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isNameChar(s[i]) {
			return false
		}
	}
	return true
}

func isNameStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isNameChar(c byte) bool {
	return isNameStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '/' || c == ':'
}

// levelWords names the lowest severity number of each level.
var levelWords = map[int32]string{1: "trace", 5: "debug", 9: "info", 13: "warn", 17: "error", 21: "fatal"}

// SeverityLevels maps level words to the lowest OTLP severity number of the level.
var SeverityLevels = map[string]int32{
	"trace": 1, "debug": 5, "info": 9, "information": 9, "warn": 13, "warning": 13,
	"error": 17, "err": 17, "fatal": 21, "critical": 21,
}
