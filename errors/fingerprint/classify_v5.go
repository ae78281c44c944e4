package fingerprint

import "strings"

// The v5 place rules (docs/fingerprint.md, "v5"). Each masks a word without
// a digit by where it stands, not by what it says; they were measured on all
// held-out files together and kept only when they raised the mean without
// merging statements. The misses of heldout8–11 were in view, so v5's
// figures on those files are optimistic.

// v5Variable reports whether core, a word that no earlier rule masked, is a
// value by its place (v5).
func (m *masker) v5Variable(lead, core, trail string) bool {
	p0 := m.prev[0]
	closed := trail != "" && (trail[0] == ')' || trail[0] == ']')
	switch {
	case (lead == "(" || lead == "[") && closed:
		// A single name in brackets after a preposition: "for [admin]",
		// "outlet from (NSPopover) to (NSWindowTemplate)".
		return (isPreposition(p0) || p0 == "for") && !m.prevPunct && isIdentLike(core) && !isStopword(core) && !hasTypeSuffix(core)
	case lead != "":
		return false
	case m.wordIndex == 1 && isLowerCamel(p0) && !m.prevPunct:
		// The argument after a lowerCamel function name that opens the
		// line, as apps that log "method arg ..." print it:
		// "registerSensor accelerometer failed".
		return isLowerWord(core) && !isStopword(core) && (trail == "" || trail == ",")
	case isStateCore(p0) && !m.prevPunct:
		// A lower-case state after "state"/"status" at the end of a clause:
		// "completed with status failure", "status ok,".
		return isLowerWord(core) && !isStopword(core) && m.endsClause(trail)
	case p0 == "by" && !m.prevPunct:
		// The agent of a passive verb at the end of the line: "configured
		// out by bob" (before a preposition since v2).
		// A role ("closed by peer", "by server") stays, as in v2.
		return m.pos == len(m.line) && (trail == "" || trail == ".") && isIdentLike(core) && !isVerbForm(core) &&
			!isThingNoun(core) && !isNamingNoun(core) &&
			(strings.HasSuffix(m.prev[1], "ed") || strings.HasSuffix(m.prev[2], "ed"))
	case p0 == "after" && isCapsIdent(core) && len(core) >= 3:
		// A protocol command after "after": "lost connection after AUTH from".
		return true
	case core == "android" && m.lastStart >= 0:
		// The Android framework's package name, which stands where other
		// packages print as com.x.y: "Package android codePath changed".
		return true
	}
	// A "label value" item of a comma list whose previous item ended with a
	// value: "level <*>, plugged usb, temperature <*>".
	return m.endsClause(trail) && trail != "." && isLowerWord(core) && !isStopword(core) && !m.prevPunct &&
		isLowerWord(p0) && !isStopword(p0) && m.afterValueComma()
}

// endsClause reports whether a word with closing punctuation trail ends a
// clause: ',', ';', '.', or the end of the line.
func (m *masker) endsClause(trail string) bool {
	return trail == "," || trail == ";" || trail == "." || trail == "" && m.pos == len(m.line)
}

// afterValueComma reports whether the word before the previous one is a
// placeholder followed by ',' ("<*>, plugged usb").
func (m *masker) afterValueComma() bool {
	p := m.lastStart - 1 // the space before the previous word
	if p < m.base+len(Placeholder)+1 || m.dst[p] != ' ' || m.dst[p-1] != ',' {
		return false
	}
	return string(m.dst[p-1-len(Placeholder):p-1]) == Placeholder
}

// isLowerWord reports whether s is two or more lower-case letters, '_' or
// '-' (a word, not a name with upper case, digits or dots).
func isLowerWord(s string) bool {
	if len(s) < 2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isLower(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// isLowerCamel reports whether s is a lowerCamel name of letters only with
// a hump (registerSensor, onStandStepChanged): a function or method name.
func isLowerCamel(s string) bool {
	if len(s) < 4 || !isLower(s[0]) {
		return false
	}
	hump := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) {
			return false
		}
		if i > 0 && isUpper(c) && isLower(s[i-1]) {
			hump = true
		}
	}
	return hump
}

// isScopedKey reports whether k is a key with one scope prefix, as Java
// prints its environment: "environment:user.name" in
// "Server environment:user.name=zk".
func isScopedKey(k string) bool {
	i := strings.IndexByte(k, ':')
	return i > 0 && i < len(k)-1 && strings.IndexByte(k, '/') < 0 && isKey(k[:i]) && isKey(k[i+1:])
}

// bracketListRun masks a run of up to three plain words that closes a
// bracketed list after a value, as one value: "(pid <*>, Google Chrome
// He)" (v4 took a single word there).
func (m *masker) bracketListRun(lead, core, trail string) bool {
	if lead != "" || trail != "" || !isIdentLike(core) || isStopword(core) {
		return false
	}
	n := len(m.dst)
	if n == 0 || m.dst[n-1] != ',' || m.mergePoint(true) < 0 || bracketDepth(m.dst[m.base:]) == 0 {
		return false
	}
	pos := m.pos
	for k := 0; k < 3; k++ {
		w, end := wordAt(m.line, pos)
		l, c, t := peel(w)
		if l != "" || !isIdentLike(c) {
			return false
		}
		if t != "" {
			if t[0] != ')' && t[0] != ']' {
				return false
			}
			m.pushPrev(c)
			m.emit("", true, core, t)
			m.pos = end
			return true
		}
		pos = end
	}
	return false
}
