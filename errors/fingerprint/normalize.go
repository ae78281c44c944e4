package fingerprint

import (
	"bytes"
	"strings"
)

// Placeholder replaces every masked variable token in a template.
const Placeholder = "<*>"

// maxLineBytes bounds how much of a message's first line is normalized. Longer
// lines are cut: beyond 4 KiB a line is almost always a payload dump, and the
// bound keeps the cost per record constant. Part of the version (v1 to v5).
const maxLineBytes = 4096

// maxQuoteBytes bounds how far a quoted phrase may run before the quote is
// taken for an apostrophe. Part of the version (v1 to v5).
const maxQuoteBytes = 256

// maxQuoteMisses bounds the searches for a closing quote that fail in one
// line; after that, quotes that do not close in their own word are plain
// punctuation. It keeps a line full of stray quotes linear. Part of the version (v1 to v5).
const maxQuoteMisses = 8

// AppendTemplate appends the normalized template of msg to dst and returns the
// extended slice. The template is built from the first non-blank line of msg
// (at most maxLineBytes of it): the message and error fields of a JSON or logfmt
// line, or the line without its header (timestamp, level, logger, host, program;
// see headerLen). Variable tokens are replaced by Placeholder, whitespace becomes
// single spaces, and placeholders that touch merge into one.
//
// A token is variable when it carries a digit (numbers, hex, UUIDs, IPs, ports,
// dates, times, durations, sizes, ids such as blk_-42 or job_1445_0020), is a
// URL, an e-mail or user@host, a path, a hostname with a known top-level domain,
// a reverse-DNS name, an IPv6 address, hex of 8+ letters, an UPPER_SNAKE enum
// value, a quoted value, the value of key=value or name:value, or when its
// neighbours say so: a month or weekday before a number, a user name ("for user
// X", "invalid user X", "user X from", "for X from"), a state ("from A to B",
// "state X"), a unit after a number ("12 MB", "<1 sec"). Version 2 adds file
// names with a common extension, lower-case dotted names of three labels,
// booleans, snake_case names after the first word, the single value after
// "key:" and the lists it starts, call arguments ("Set(a, b)"), names after
// person nouns ("user alice 10.0.0.1", "user bob:") and thing nouns ("class
// NSTextFieldCell is", "to context logs"), and the agent in "by X on".
// Version 3 keeps protocol names with a digit (IPv4, HTTP/1.1) and adds
// dotted enum constants, two-label dotted and a/b names, "user: X", "by
// X(", bracketed key=value values, product comments, call sites and a few
// more places (docs/fingerprint.md, "v3"). Version 4 adds signal names,
// host:port with a name as host where an address stands, a name in
// parentheses after an address, a further name in a bracketed list after a
// value, a command line to the end of the line (COMMAND=, cron's CMD (...))
// and cron's "(user)", call sites in parentheses, and more file extensions
// (docs/fingerprint.md, "v4"). Version 5 adds more places: a name alone in
// brackets after a preposition, a thing's name after "host:"-like keys,
// scoped keys (environment:user.name=), the argument after a lowerCamel
// function name that opens the line, a state word after "status", the agent
// at the end after "by", a command after "after", a "label value" item of
// a comma list, a multi-word last item of a bracketed list, and the
// package name android (docs/fingerprint.md, "v5").
// docs/fingerprint.md lists the rules; all of them are part of the version.
func AppendTemplate(dst []byte, msg string) []byte {
	line := firstLine(msg)
	if len(line) > maxLineBytes {
		line = line[:maxLineBytes]
	}
	m := masker{dst: dst, base: len(dst), lastStart: -1}
	if line != "" && line[0] == '{' {
		if msg, errText, ok := structuredMessage(line); ok {
			m.runStructured(msg, errText)
			return collapseRepeats(m.dst, m.base)
		}
	}
	line = line[headerLen(line):]
	if msg, errText, ok := structuredMessage(line); ok {
		m.runStructured(msg, errText)
		return collapseRepeats(m.dst, m.base)
	}
	m.run(line)
	return collapseRepeats(m.dst, m.base)
}

// runStructured templates "msg: err" from a structured line's fields.
func (m *masker) runStructured(msg, errText string) {
	m.run(msg)
	if errText != "" {
		if len(m.dst) > m.base {
			m.dst = append(m.dst, ':')
		}
		m.run(errText)
	}
}

// maxRepeatWords bounds the templates collapseRepeats looks at (in words).
const maxRepeatWords = 256

// collapseRepeats removes immediate repetitions of a unit of one to three
// words that holds a placeholder, so that a list of a varying number of
// "value label" pairs gives one template: "<*> <ok> <*> <ok> <*> <ok>" becomes
// "<*> <ok>". Templates of more than maxRepeatWords words are left as they are.
func collapseRepeats(dst []byte, base int) []byte {
	t := dst[base:]
	if bytes.Count(t, placeholderBytes) < 2 {
		return dst
	}
	var bounds [maxRepeatWords + 1]int32 // word i is t[bounds[i]:bounds[i+1]-1]
	n := 0
	bounds[0] = 0
	for i := 0; i < len(t); i++ {
		if t[i] == ' ' {
			n++
			if n >= maxRepeatWords {
				return dst
			}
			bounds[n] = int32(i + 1)
		}
	}
	n++
	bounds[n] = int32(len(t) + 1)
	word := func(i int16) []byte { return t[bounds[i] : bounds[i+1]-1] }
	// seq[:m] are the kept words; each new word may complete a repeat of the
	// unit before it, which is then dropped.
	changed := false
	var seq [maxRepeatWords]int16
	m := 0
	for i := 0; i < n; i++ {
		seq[m] = int16(i)
		m++
		for k := 1; k <= 3; k++ {
			if m < 2*k {
				continue
			}
			same, hasPh := true, false
			for j := 0; j < k; j++ {
				a, b := word(seq[m-2*k+j]), word(seq[m-k+j])
				if !bytes.Equal(a, b) {
					same = false
					break
				}
				hasPh = hasPh || bytes.Contains(a, placeholderBytes)
			}
			if same && hasPh {
				m -= k // drop the repeat
				changed = true
				break
			}
		}
	}
	if !changed {
		return dst
	}
	out := dst[:base]
	for j := 0; j < m; j++ {
		if j > 0 {
			out = append(out, ' ')
		}
		out = append(out, word(seq[j])...) // copies forward within dst: never overtakes
	}
	return out
}

var placeholderBytes = []byte(Placeholder)

// firstLine returns the first non-blank line of s without surrounding spaces.
func firstLine(s string) string {
	for len(s) > 0 {
		var line string
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			line, s = s, ""
		}
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}

// valueMode says what the masker does with the next word.
type valueMode uint8

const (
	valueNone   valueMode = iota
	valueMask             // after a lone "=": the next word is a value, mask it
	valueAbsorb           // after "key=" with nothing glued: the next word is the value already emitted as <*>
)

// masker is the single-pass tokenizer. It walks the line word by word (a word is
// a run of non-space bytes), peels opening and closing punctuation off each
// word, classifies the core and appends the template to dst.
type masker struct {
	dst         []byte
	base        int    // len(dst) before this template
	line        string // the content being normalized
	pos         int    // scan position in line
	lastStart   int    // dst offset of the last emitted word, -1 if none
	value       valueMode
	prev        [3]string // cores of the previous three words, most recent first
	prevPunct   bool      // the previous word ended with punctuation ("db:", "user,")
	prevNoun    [2]bool   // the previous two words are naming nouns (isNamingNoun)
	prevThing   bool      // the previous word is a noun that names a thing (isThingNoun)
	stateNear   int       // how many of the previous three words name a state (isStateCore)
	stateHist   [3]bool   // isStateCore of the previous three words
	quoteMisses int       // failed searches for a closing quote in this line
	curPunct    bool      // the current word ends with punctuation
	curTrail    string    // the current word's closing punctuation
	curCore     string    // the current word's core
	colonKey    bool      // the previous word is a key ending with ':' ("queue:")
	glue        bool      // the next emitted word is glued to the last one ("Set" + "(a,")
	callArg     bool      // the word being emitted is the first argument of a call ("Set(a,")
	listIdent   bool      // the last placeholder is a name value that a list may continue
	wordIndex   int       // index of the current word in the line
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

// run templates line, appending to what is already in m.dst.
func (m *masker) run(line string) {
	m.line, m.pos, m.value = line, 0, valueNone
	m.prev, m.prevPunct, m.prevNoun, m.prevThing = [3]string{}, false, [2]bool{}, false
	m.stateNear, m.stateHist, m.quoteMisses = 0, [3]bool{}, 0
	m.colonKey, m.glue, m.callArg, m.listIdent = false, false, false, false
	m.wordIndex = -1
	for {
		for m.pos < len(line) && isSpace(line[m.pos]) {
			m.pos++
		}
		if m.pos >= len(line) {
			break
		}
		start := m.pos
		for m.pos < len(line) && !isSpace(line[m.pos]) {
			m.pos++
		}
		m.wordIndex++
		m.word(line[start:m.pos])
	}
	// Drop sentence punctuation at the very end: "done." and "done" are one
	// template (and so are "retry shortly ..." and "retry shortly").
	for n := len(m.dst); n > m.base; n-- {
		c := m.dst[n-1]
		if c != '.' && c != ',' && c != ';' && c != ':' && c != '!' && c != ' ' {
			break
		}
		m.dst = m.dst[:n-1]
	}
	if m.lastStart > len(m.dst) {
		m.lastStart = -1
	}
}

// nextCore returns the core (without punctuation) of the word after the current
// position, without consuming it.
func (m *masker) nextCore() string {
	w, _ := wordAt(m.line, m.pos)
	_, core, _ := peel(w)
	return core
}

// pushPrev records core as the previous word, with the properties the
// context rules ask about, so each word is classified once.
func (m *masker) pushPrev(core string) {
	core = cueWord(core)
	m.prev[2], m.prev[1], m.prev[0] = m.prev[1], m.prev[0], core
	m.prevPunct = m.curPunct
	m.colonKey = m.curTrail == ":" && core == m.curCore && isColonKey(core) && !isVariableToken(core)
	m.prevNoun[1], m.prevNoun[0] = m.prevNoun[0], isNamingNoun(core)
	m.prevThing = isThingNoun(core)
	st := isStateCore(core)
	if m.stateHist[2] {
		m.stateNear--
	}
	if st {
		m.stateNear++
	}
	m.stateHist[2], m.stateHist[1], m.stateHist[0] = m.stateHist[1], m.stateHist[0], st
}

// isOpener and isCloser define the punctuation peeled off the ends of a word.
func isOpener(c byte) bool {
	return c == '(' || c == '[' || c == '{' || c == '<' || c == '"' || c == '\'' || c == '`' || c == '\\'
}

func isCloser(c byte) bool {
	switch c {
	case ')', ']', '}', '>', '"', '\'', '`', ',', ';', ':', '.', '!', '?', '\\':
		return true
	}
	return false
}

// peel splits w into leading openers, a core and trailing closers.
func peel(w string) (lead, core, trail string) {
	i := 0
	for i < len(w) && isOpener(w[i]) {
		i++
	}
	j := len(w)
	for j > i && isCloser(w[j-1]) {
		j--
	}
	return w[:i], w[i:j], w[j:]
}

// emit appends one word (lead + core-or-placeholder + trail) to the template.
// A masked word without leading punctuation that follows a word ending in a
// placeholder (optionally followed by ',' or ';') merges into it: "<*> <*>",
// "<*>, <*>" and "[<*>, <*>, <*>]" become "<*>" and "[<*>]", so a variable that
// spans a varying number of words gives one template.
func (m *masker) emit(lead string, masked bool, core, trail string) {
	if masked && lead == "" {
		if p := m.mergePoint(true); p >= 0 {
			m.dst = appendPunct(m.dst[:p], trail)
			return
		}
	}
	m.space()
	m.lastStart = len(m.dst)
	m.dst = appendPunct(m.dst, lead)
	if masked {
		m.dst = append(m.dst, Placeholder...)
	} else {
		m.dst = append(m.dst, core...)
	}
	m.dst = appendPunct(m.dst, trail)
}

// space separates the next word from the last one, unless it is glued to it.
func (m *masker) space() {
	if len(m.dst) > m.base && !m.glue {
		m.dst = append(m.dst, ' ')
	}
	m.glue = false
}

// appendPunct appends peeled punctuation without backslashes, so that an
// escaped quote (\" in JSON or logfmt) templates like a plain one.
func appendPunct(dst []byte, p string) []byte {
	for i := 0; i < len(p); i++ {
		if p[i] != '\\' {
			dst = append(dst, p[i])
		}
	}
	return dst
}

// mergePoint returns the offset just past the placeholder that ends the last
// emitted word (before an optional ',' or ';' if allowComma), or -1 if it does
// not end in one.
func (m *masker) mergePoint(allowComma bool) int {
	if m.lastStart < 0 {
		return -1
	}
	n := len(m.dst)
	if allowComma && n > m.lastStart && (m.dst[n-1] == ',' || m.dst[n-1] == ';') {
		n--
	}
	if n-len(Placeholder) < m.lastStart || string(m.dst[n-len(Placeholder):n]) != Placeholder {
		return -1
	}
	return n
}

// appendToLast glues punctuation to the last emitted word.
func (m *masker) appendToLast(s string) {
	m.dst = appendPunct(m.dst, s)
}

func (m *masker) word(w string) {
	lead, core, trail := peel(w)
	m.curPunct, m.curTrail, m.curCore = trail != "", trail, core
	list := m.listIdent
	m.listIdent = false
	switch m.value {
	case valueMask, valueAbsorb:
		mode := m.value
		m.value = valueNone
		if strings.IndexByte(w, '=') < 0 && !isStopword(core) {
			m.pushPrev(core)
			if mode == valueMask {
				m.emit(lead, core != "" || lead != "", core, trail)
			} else {
				m.appendToLast(trail)
			}
			return
		}
	}
	if core == "" {
		m.emptyCore(w, lead, trail)
		return
	}
	if lead == "(" && isProductVersion(m.prev[0]) && m.mergePoint(false) >= 0 {
		// v3: the comment after a product token, one value whatever its
		// words: "Apache/2.2.3 (Red Hat)", "nginx/1.18.0 (Ubuntu)".
		if end, wordEnd, ok := findBracketEnd(m.line, m.pos-len(w)+1, 1); ok {
			m.pushPrev(core)
			m.emit(lead, true, core, m.line[end-1:wordEnd])
			m.pos = wordEnd
			return
		}
	}
	if lead == "(" && isCommandKey(m.prev[0]) && m.mergePoint(false) < 0 {
		// v4: cron's "CMD (run-parts /etc/cron.hourly)": the command in
		// parentheses is one value whatever its words.
		if end, wordEnd, ok := findBracketEnd(m.line, m.pos-len(w)+1, 1); ok {
			m.pushPrev(core)
			m.emit(lead, true, core, m.line[end-1:wordEnd])
			m.pos = wordEnd
			return
		}
	}
	if lead == "" && trail == ":" && m.pos < len(m.line) && isQualifiedErrorType(core) {
		// v4: "java.io.IOException: Broken pipe": the exception's message
		// is one value, to the end of the line.
		m.pushPrev(core)
		m.emit(lead, false, core, trail)
		m.emit("", true, "", "")
		m.pos = len(m.line)
		return
	}
	if lead == "" && m.splitCall(w, core) {
		return
	}
	if core == "=" || core == ":=" {
		m.pushPrev(core)
		m.emit(lead, false, core, trail)
		m.value = valueMask
		return
	}
	// Quoted values: 'a b c', `a b', "x" and "a b c" are one value each, except
	// a double-quoted phrase that starts with an HTTP method ("GET /x HTTP/1.1"),
	// whose words are templated one by one.
	if q := lastQuote(lead); q != 0 && !(q == '"' && isHTTPMethod(core)) {
		if closesQuote(q, trail) {
			m.pushPrev(core)
			m.emit(lead, true, core, trail)
			return
		}
		if end, wordEnd, ok := m.findQuoteEnd(q, m.pos-len(w)+len(lead)); ok {
			m.pushPrev(core)
			m.emit(lead, true, core, m.line[end:wordEnd])
			m.pos = wordEnd
			return
		}
	}
	if eq := strings.IndexByte(core, '='); eq > 0 && (isKey(core[:eq]) || isScopedKey(core[:eq])) {
		m.keyValue(lead, core, eq, trail)
		return
	}
	if m.bracketListRun(lead, core, trail) { // v5
		return
	}
	if hostPortIndex(core) > 0 && m.addressPlace(lead) {
		// v4: "NM: [combo:45454]", "New: namenode:8020": a host and port.
		m.pushPrev(core)
		m.emit(lead, true, core, trail)
		return
	}
	if i := gluedValue(core); i > 0 {
		// "onExtend:1514038530000", "CurrentState:112": keep the name.
		m.pushPrev(core)
		m.emit(lead, false, core[:i+1], "")
		m.dst = append(m.dst, Placeholder...)
		m.dst = appendPunct(m.dst, trail)
		return
	}
	masked := isVariableToken(core) || m.contextVariable(core) || m.lastStart >= 0 && isSnakeIdent(core) ||
		m.cronSubject(lead, core, trail) ||
		trail == "" && (lead == "" || lead == "(" || lead == "[") && m.callSite(core) || // v4: "(filter at X.scala:42)"
		lead == "" && trail == "" && m.lastStart < 0 && m.headsKeyValues(core) ||
		m.v5Variable(lead, core, trail)
	if m.valueContext(list, lead, core, trail) {
		masked = true
		m.listIdent = true
	}
	if !masked {
		switch {
		case lead == "" && isUnit(core) && m.mergePoint(false) >= 0:
			// "12 MB", "5 sec", "<1 sec": the unit belongs to the number.
			masked = true
		case lead == "(" && trail != "" && trail[0] == ')' && isIdentLike(core) && m.mergePoint(true) >= 0 &&
			(allDigits(m.prev[0]) || isAddress(m.prev[0])) && (trail == ")" || strings.IndexByte(core, '.') < 0):
			// "process 4242 (java)": a name in parentheses after an integer id;
			// v4: also "(chrome)." and after an address, the name it
			// resolved to ("from 10.0.0.5 (localhost) at", "FROM 10.0.0.5,
			// (anonymous)"), but not a dotted field label ("1 (n.leader),").
			masked = true
		case m.continuesBracketList(lead, core, trail):
			// v4: "(54, AppleCamIn)": a name after a value in one list.
			masked = true
		}
	}
	if masked && isComparison(lead) {
		lead = "" // "<1", ">=5", "~3" are just values
	}
	m.pushPrev(core)
	m.emit(lead, masked, core, trail)
}

// splitCall handles a word with a parenthesis glued to a name: a call-like
// value "Set(alice," or "BlockManagerId(driver," (a capitalized name, whose
// arguments are values), or "alice(uid=1000)" after a person noun. The name
// and the parenthesized rest are templated as two words glued together, so
// "Set(alice, bob)" and "Set()" give "Set(<*>)". Other glued calls
// ("pam_unix(sshd:auth)", "jk2_init()") are single words as before (v2).
func (m *masker) splitCall(w, core string) bool {
	i := strings.IndexByte(core, '(')
	if i <= 0 || !isIdentLike(core[:i]) {
		return false
	}
	name := core[:i]
	person := (isPersonNoun(m.prev[0]) || m.prev[0] == "by") && !m.prevPunct && !isStopword(name)
	call := isUpper(name[0]) && !hasDigit(core) && strings.IndexByte(name, '.') < 0
	if !person && !call {
		return false
	}
	m.curTrail, m.curPunct = "", false
	m.pushPrev(name)
	m.emit("", person, name, "")
	m.glue, m.callArg = true, call
	m.word(w[i:])
	m.glue, m.callArg = false, false
	return true
}

// callSite reports whether core is the function of a call site "name at
// file.ext:line" (v3): "collect at etl_job.py:12", "runJob at
// NativeMethodAccessorImpl.java:0".
func (m *masker) callSite(core string) bool {
	w, end := wordAt(m.line, m.pos)
	if w != "at" || !isIdentLike(core) || hasTypeSuffix(core) || SeverityFromText(core) != 0 {
		return false // "NullPointerException at", "error at" are what happened, not where
	}
	w, _ = wordAt(m.line, end)
	lead, c, _ := peel(w)
	i := strings.LastIndexByte(c, ':')
	if i <= 0 || !allDigits(c[i+1:]) {
		return false
	}
	// v4: or a pseudo-file of an interpreter: "map at <console>:21".
	return hasFileExtension(c[:i]) || lead == "<" && c[i-1] == '>'
}

// headsKeyValues reports whether core, the first word, names the subject of
// a list of key=value pairs after a lone ':' (v3): "alice : TTY=pts/0 ;
// PWD=/home ; USER=root".
func (m *masker) headsKeyValues(core string) bool {
	w, end := wordAt(m.line, m.pos)
	if w != ":" || !isIdentLike(core) {
		return false
	}
	rest := m.line[end:]
	w, _ = wordAt(m.line, end)
	eq := strings.IndexByte(w, '=')
	// v4: or a ';'-separated list of KEY=value after a few words
	// ("alice : user NOT in sudoers ; TTY=pts/1 ; ...").
	return eq > 0 && isKey(w[:eq]) || strings.Contains(rest, " ; ") && strings.Contains(rest, "=")
}

// isProductVersion reports whether s is a product token name/version, as
// servers and clients name themselves (Apache/2.4.41, nginx/1.18.0,
// Mozilla/5.0) (v3).
func isProductVersion(s string) bool {
	i := strings.IndexByte(s, '/')
	if i <= 0 || i+1 >= len(s) || !isDigit(s[i+1]) {
		return false
	}
	for j := 0; j < i; j++ {
		if c := s[j]; !isLetter(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// valueContext applies the v2 rules that mask a name by its place: the
// first argument of a call ("Set(alice,"), a single value without a dot
// after a key that ends with ':' ("queue: adhoc,", "opt-in: false" at the
// end of the line), and further
// items of a list that such a value starts ("hosts: gateway, combo"). list
// says the last placeholder was such a value.
func (m *masker) valueContext(list bool, lead, core, trail string) bool {
	if m.callArg {
		m.callArg = false
		return isIdentLike(core) && !isStopword(core) && strings.IndexByte(core, '=') < 0
	}
	if !list && !m.colonKey {
		return false
	}
	if lead != "" || strings.IndexByte(core, '=') >= 0 || isStopword(core) || hasTypeSuffix(core) {
		return false
	}
	if m.colonKey && isPersonNoun(m.prev[0]) && isIdentLike(core) {
		// v3: "from user: carol activated": a person's name ends at its word.
		return true
	}
	if m.colonKey && (isThingNoun(m.prev[0]) || isNamingNoun(m.prev[0])) && isIdentLike(core) && trail == "" && isPreposition(m.nextCore()) {
		// v5: a thing's name before a preposition ("Resolved hostname:
		// gateway to address:"), but not a phrase ("Database: connection lost").
		return true
	}
	if list {
		n := len(m.dst)
		return n > 0 && m.dst[n-1] == ',' && m.mergePoint(true) >= 0 && m.valueEnds(trail)
	}
	// A dotted constant after a key stays, as in gluedValue
	// ("action: android.intent.action.SCREEN_ON").
	return m.colonKey && m.valueEnds(trail) && !isDottedConstant(core)
}

// isDottedConstant reports whether s is a dotted name with an upper-case
// letter and no digit, a platform constant such as
// android.intent.action.SCREEN_ON.
func isDottedConstant(s string) bool {
	return strings.IndexByte(s, '.') >= 0 && !hasDigit(s) && hasUpper(s)
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if isUpper(s[i]) {
			return true
		}
	}
	return false
}

// valueEnds reports whether a value with closing punctuation trail is a
// whole value: followed by ',', ';', ')' or ']', by the end of the line, or
// by another key ("key: value key2=value2", "key: value key2: value2").
func (m *masker) valueEnds(trail string) bool {
	if trail != "" {
		switch trail[0] {
		case ',', ';', ')', ']':
			return true
		}
	}
	w, _ := wordAt(m.line, m.pos)
	if w == "" {
		return true
	}
	if trail != "" && trail != "." {
		return false
	}
	if trail == "." && isUpper(w[0]) {
		return true // v4: the sentence ends: "on host: mailhub. Exit status: 1"
	}
	if eq := strings.IndexByte(w, '='); eq > 0 && isKey(w[:eq]) {
		return true
	}
	_, c, t := peel(w)
	return t == ":" && isColonKey(c)
}

// gluedValue returns the index of the ':' in "name:value" (a value glued to
// its name, like key=value) when name is a plain identifier of two or more
// letters or '_' and value is not a path, URL, MAC, IPv6 or C++ scope (no '/',
// '\\' or further ':') nor a dotted name without digits; 0 otherwise.
// "onExtend:1514038530000", "type:create".
func gluedValue(core string) int {
	i := strings.IndexByte(core, ':')
	if i < 2 || i+1 >= len(core) || strings.ContainsAny(core[i+1:], `/\:`) {
		return 0
	}
	if v := core[i+1:]; !hasDigit(v) && strings.IndexByte(v, '.') >= 0 && !isDottedEnum(v) {
		return 0 // a dotted name: type:org.apache.Foo (v3: not action:android.intent.action.SCREEN_ON)
	}
	for j := 0; j < i; j++ {
		if c := core[j]; !isLetter(c) && c != '_' {
			return 0
		}
	}
	return i
}

// lastQuote returns the quote character that ends lead, or 0.
func lastQuote(lead string) byte {
	if lead == "" {
		return 0
	}
	switch q := lead[len(lead)-1]; q {
	case '\'', '`', '"':
		return q
	}
	return 0
}

// closesQuote reports whether trail closes a quote opened with q. Ruby and
// shells open with ` and close with '.
func closesQuote(q byte, trail string) bool {
	if q == '"' {
		return strings.IndexByte(trail, '"') >= 0
	}
	return strings.IndexByte(trail, '\'') >= 0 || strings.IndexByte(trail, '`') >= 0
}

func isComparison(lead string) bool {
	if lead == "" {
		return false
	}
	for i := 0; i < len(lead); i++ {
		if lead[i] != '<' {
			return false
		}
	}
	return true
}

// emptyCore handles words made only of punctuation.
func (m *masker) emptyCore(w, lead, trail string) {
	// "()", "[]", "{}", "\"\"", "''" (maybe followed by punctuation) hold an
	// empty variable: template them like a filled one.
	if len(w) >= 2 && pairCloses(w[0], w[1]) {
		m.pushPrev("")
		m.emit(w[:1], true, "", w[1:])
		return
	}
	m.pushPrev("")
	m.emit(lead, false, "", trail)
}

func pairCloses(open, close byte) bool {
	switch open {
	case '(':
		return close == ')'
	case '[':
		return close == ']'
	case '{':
		return close == '}'
	case '"':
		return close == '"'
	case '\'':
		return close == '\''
	}
	return false
}

// findQuoteEnd looks, from offset from of the line, for the quote closing a
// quoted phrase opened with q: a matching quote followed by the end of the
// line, a space or a character that is not a letter or digit (so the ' in
// "can't" does not close), with no digit in the rest of its word (which is
// copied as it is). It returns the offset of the closing quote, the end
// of the word holding it, and whether one was found within maxQuoteBytes.
func (m *masker) findQuoteEnd(q byte, from int) (quote, wordEnd int, ok bool) {
	if m.quoteMisses >= maxQuoteMisses {
		return 0, 0, false
	}
	line := m.line
	limit := min(len(line), from+maxQuoteBytes)
	for i := from; i < limit; i++ {
		c := line[i]
		if q == '"' && c != '"' || q != '"' && c != '\'' && c != '`' {
			continue
		}
		if i+1 < len(line) && (isLetter(line[i+1]) || isDigit(line[i+1])) {
			continue
		}
		j := i + 1
		for j < len(line) && !isSpace(line[j]) {
			j++
		}
		if hasDigit(line[i+1 : j]) {
			continue // what follows is itself variable ({"a":1}): not a clean end
		}
		return i, j, true
	}
	m.quoteMisses++
	return 0, 0, false
}

// bracketDepth returns how many of the brackets ( [ { that s opens it leaves
// open. It takes the template built so far as it is, without a copy.
func bracketDepth[S string | []byte](s S) int {
	d := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[', '{':
			d++
		case ')', ']', '}':
			if d > 0 {
				d--
			}
		}
	}
	return d
}

// findBracketEnd looks, from offset from of line and within maxQuoteBytes,
// for the bracket that brings depth open brackets back to zero. It returns
// the offset just past it, the end of the word holding it, and whether one
// was found.
func findBracketEnd(line string, from, depth int) (end, wordEnd int, ok bool) {
	limit := min(len(line), from+maxQuoteBytes)
	for i := from; i < limit; i++ {
		switch line[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth--; depth == 0 {
				j := i + 1
				for j < len(line) && !isSpace(line[j]) {
					j++
				}
				return i + 1, j, true
			}
		}
	}
	return 0, 0, false
}

// isKey reports whether s can be the key of key=value.
func isKey(s string) bool {
	if len(s) > 64 {
		return false
	}
	c := s[0]
	if !(isLetter(c) || c == '_' || c == '-' || c == '@' || c == '$') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '[' || c == ']' || c == '/' || c == '$' || c == '(' || c == ')') {
			return false
		}
	}
	return true
}

// messageKeys are keys whose value is a phrase to normalize, not a value to mask.
func isMessageKey(k string) bool {
	switch strings.ToLower(k) {
	case "msg", "message", "error", "err", "reason", "event", "exception", "description", "desc", "summary", "text", "cause", "status_message":
		return true
	}
	return false
}

func (m *masker) keyValue(lead, core string, eq int, trail string) {
	key, val := core[:eq], core[eq+1:]
	m.pushPrev(key)
	if val == "" {
		// "key=" → "key=<*>"; the next word, if it is a plain value, is absorbed.
		m.emitKV(lead, key, "", trail)
		if trail == "" {
			m.value = valueAbsorb
		}
		return
	}
	if val[0] == '=' || val[0] == '>' || val[0] == '~' {
		// "==", "=>", "=~": an operator, not a key=value.
		m.emit(lead, isVariableToken(core), core, trail)
		return
	}
	if isCommandKey(key) && val[0] != '"' && val[0] != '\'' {
		// v4: a command line runs to the end of the line, arguments included.
		m.emitKV(lead, key, "", "")
		m.pos = len(m.line)
		return
	}
	vq := 0
	for vq < len(val) && (val[vq] == '"' || val[vq] == '\'') {
		vq++
	}
	quote, vcore := val[:vq], val[vq:]
	closed := vq == 0 || strings.IndexByte(trail, val[0]) >= 0
	if vq == 0 && !isMessageKey(key) {
		// v3: a value with an open bracket runs to the bracket that closes
		// it, spaces included: "ws=WorkSource{1000 com.android.phone},".
		if depth := bracketDepth(val + trail); depth > 0 {
			if end, wordEnd, ok := findBracketEnd(m.line, m.pos, depth); ok {
				m.emitKV(lead, key, "", m.line[end:wordEnd])
				m.pos = wordEnd
				return
			}
		} else if depth := bracketDepth(val); depth > 0 {
			// "ws=WorkSource{10113},": the closing bracket is part of the value.
			end, _, _ := findBracketEnd(trail, 0, depth)
			m.emitKV(lead, key, "", trail[end:])
			return
		}
	}
	switch {
	case isMessageKey(key) || (vq > 0 && val[0] == '"' && !closed && isHTTPMethod(vcore)):
		// A phrase (msg="a b c", or any multi-word double-quoted value): keep
		// the key and normalize the value word by word like free text.
		m.emitKV(lead, key, quote, "")
		m.dst = m.dst[:len(m.dst)-len(Placeholder)]
		if vcore != "" && isVariableToken(vcore) {
			m.dst = append(m.dst, Placeholder...)
		} else {
			m.dst = append(m.dst, vcore...)
		}
		m.dst = append(m.dst, trail...)
	case vq > 0 && !closed:
		if end, wordEnd, ok := m.findQuoteEnd(val[0], m.pos-len(trail)-len(val)+vq); ok {
			m.emitKV(lead, key, quote, m.line[end:wordEnd])
			m.pos = wordEnd
			return
		}
		m.emitKV(lead, key, quote, trail)
	default:
		m.emitKV(lead, key, quote, trail)
	}
}

// emitKV appends lead + "key=" + quote + Placeholder + trail as one word.
func (m *masker) emitKV(lead, key, quote, trail string) {
	m.space()
	m.lastStart = len(m.dst)
	m.dst = append(m.dst, lead...)
	m.dst = append(m.dst, key...)
	m.dst = append(m.dst, '=')
	m.dst = append(m.dst, quote...)
	m.dst = append(m.dst, Placeholder...)
	m.dst = append(m.dst, trail...)
}
