package selector

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// MaxQueryLength bounds the query text, so a request cannot make the parser
// or the regexp compiler do unbounded work.
const MaxQueryLength = 16 << 10

// Error is a parse error at a byte position of the query.
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string {
	return fmt.Sprintf("parse error at position %d: %s", e.Pos+1, e.Msg)
}

// Parse parses a query. An empty or all-blank query means {}.
func Parse(s string) (*Query, error) {
	if len(s) > MaxQueryLength {
		return nil, &Error{Pos: MaxQueryLength, Msg: fmt.Sprintf("query longer than %d bytes", MaxQueryLength)}
	}
	p := &parser{s: s}
	q := &Query{}
	p.skipSpace()
	if p.eof() {
		return q, nil
	}
	if err := p.parseSelector(q); err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		if p.eof() {
			return q, nil
		}
		if err := p.parseStage(q); err != nil {
			return nil, err
		}
	}
}

type parser struct {
	s   string
	pos int
}

func (p *parser) eof() bool { return p.pos >= len(p.s) }

func (p *parser) errorf(pos int, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) peek(tok string) bool { return strings.HasPrefix(p.s[p.pos:], tok) }

func (p *parser) describe() string {
	if p.eof() {
		return "end of query"
	}
	r := p.s[p.pos:]
	if len(r) > 12 {
		r = r[:12] + "…"
	}
	return strconv.Quote(r)
}

func (p *parser) parseSelector(q *Query) error {
	if !p.peek("{") {
		return p.errorf(p.pos, "expected '{' to start a stream selector, found %s", p.describe())
	}
	p.pos++
	p.skipSpace()
	if p.peek("}") {
		p.pos++
		return nil
	}
	for {
		p.skipSpace()
		m, err := p.parseMatcher()
		if err != nil {
			return err
		}
		q.Matchers = append(q.Matchers, m)
		p.skipSpace()
		switch {
		case p.peek(","):
			p.pos++
			p.skipSpace()
			if p.peek("}") { // trailing comma
				p.pos++
				return nil
			}
		case p.peek("}"):
			p.pos++
			return nil
		default:
			return p.errorf(p.pos, "expected ',' or '}' after a matcher, found %s", p.describe())
		}
	}
}

func (p *parser) parseMatcher() (*Matcher, error) {
	start := p.pos
	var name string
	if p.peek(`"`) || p.peek("`") {
		n, err := p.parseString()
		if err != nil {
			return nil, err
		}
		name = n
	} else {
		for p.pos < len(p.s) && isNameChar(p.s[p.pos]) {
			p.pos++
		}
		name = p.s[start:p.pos]
		if name == "" || !isNameStart(name[0]) {
			return nil, p.errorf(start, "expected an attribute name, found %s", p.describe())
		}
	}
	if name == "" {
		return nil, p.errorf(start, "empty attribute name")
	}
	p.skipSpace()
	opPos := p.pos
	var t MatchType
	switch {
	case p.peek("=~"):
		t, p.pos = MatchRegexp, p.pos+2
	case p.peek("!~"):
		t, p.pos = MatchNotRegexp, p.pos+2
	case p.peek("!="):
		t, p.pos = MatchNotEqual, p.pos+2
	case p.peek("="):
		t, p.pos = MatchEqual, p.pos+1
	default:
		return nil, p.errorf(opPos, "expected one of = != =~ !~ after %q, found %s", name, p.describe())
	}
	p.skipSpace()
	valPos := p.pos
	v, err := p.parseString()
	if err != nil {
		return nil, err
	}
	m := &Matcher{Name: name, Type: t, Value: v}
	if t == MatchRegexp || t == MatchNotRegexp {
		re, err := regexp.Compile("^(?:" + v + ")$")
		if err != nil {
			return nil, p.errorf(valPos, "invalid regexp %q: %v", v, err)
		}
		m.re = re
	}
	return m, nil
}

func (p *parser) parseString() (string, error) {
	start := p.pos
	if p.eof() {
		return "", p.errorf(p.pos, "expected a quoted string, found end of query")
	}
	switch p.s[p.pos] {
	case '`':
		end := strings.IndexByte(p.s[p.pos+1:], '`')
		if end < 0 {
			return "", p.errorf(start, "unterminated raw string")
		}
		v := p.s[p.pos+1 : p.pos+1+end]
		p.pos += end + 2
		return v, nil
	case '"':
		i := p.pos + 1
		for i < len(p.s) {
			switch p.s[i] {
			case '\\':
				i += 2
				continue
			case '"':
				v, err := strconv.Unquote(p.s[p.pos : i+1])
				if err != nil {
					return "", p.errorf(start, "invalid escape in string %s", p.s[p.pos:i+1])
				}
				p.pos = i + 1
				return v, nil
			}
			i++
		}
		return "", p.errorf(start, "unterminated string")
	default:
		return "", p.errorf(start, "expected a quoted string, found %s", p.describe())
	}
}

func (p *parser) parseStage(q *Query) error {
	start := p.pos
	var t LineFilterType
	switch {
	case p.peek("|="):
		t = LineContains
	case p.peek("!="):
		t = LineNotContains
	case p.peek("|~"):
		t = LineRegexp
	case p.peek("!~"):
		t = LineNotRegexp
	case p.peek("|"):
		p.pos++
		return p.parseSeverity(q)
	default:
		return p.errorf(start, "expected a line filter (|= != |~ !~) or '| severity', found %s", p.describe())
	}
	p.pos += 2
	p.skipSpace()
	valPos := p.pos
	v, err := p.parseString()
	if err != nil {
		return err
	}
	f := &LineFilter{Type: t, Value: v}
	if t == LineRegexp || t == LineNotRegexp {
		re, err := regexp.Compile(v)
		if err != nil {
			return p.errorf(valPos, "invalid regexp %q: %v", v, err)
		}
		f.re = re
	}
	q.LineFilters = append(q.LineFilters, f)
	return nil
}

func (p *parser) parseSeverity(q *Query) error {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.s) && isNameChar(p.s[p.pos]) {
		p.pos++
	}
	word := p.s[start:p.pos]
	if word != "severity" && word != "level" && word != "severity_number" {
		return p.errorf(start, "expected 'severity' or 'level' after '|', found %s", strconv.Quote(word))
	}
	p.skipSpace()
	opPos := p.pos
	var op CompareOp
	switch {
	case p.peek(">="):
		op, p.pos = OpGe, p.pos+2
	case p.peek("<="):
		op, p.pos = OpLe, p.pos+2
	case p.peek("!="):
		op, p.pos = OpNe, p.pos+2
	case p.peek("=="):
		op, p.pos = OpEq, p.pos+2
	case p.peek("="):
		op, p.pos = OpEq, p.pos+1
	case p.peek(">"):
		op, p.pos = OpGt, p.pos+1
	case p.peek("<"):
		op, p.pos = OpLt, p.pos+1
	default:
		return p.errorf(opPos, "expected a comparison (= != > >= < <=), found %s", p.describe())
	}
	p.skipSpace()
	valPos := p.pos
	var word2 string
	if p.peek(`"`) || p.peek("`") {
		v, err := p.parseString()
		if err != nil {
			return err
		}
		word2 = v
	} else {
		for p.pos < len(p.s) && isNameChar(p.s[p.pos]) {
			p.pos++
		}
		word2 = p.s[valPos:p.pos]
	}
	level, ok := ParseLevel(word2)
	if !ok {
		return p.errorf(valPos, "unknown severity %q: use 1–24 or trace, debug, info, warn, error, fatal", word2)
	}
	_, isNumber := strconv.Atoi(word2)
	q.Severity = append(q.Severity, &SeverityFilter{Op: op, Level: level, Word: isNumber != nil})
	return nil
}

// ParseLevel turns a level word or severity number into an OTLP severity number.
func ParseLevel(s string) (int32, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > 24 {
			return 0, false
		}
		return int32(n), true
	}
	n, ok := SeverityLevels[strings.ToLower(s)]
	return n, ok
}
