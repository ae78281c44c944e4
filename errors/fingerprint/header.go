package fingerprint

import "strings"

// Header stripping. A log line often starts with a header that a logging
// library added: a timestamp, a level, a thread, a logger name, a host and a
// program. Timestamps and pids would be masked anyway, but host names, thread
// names and program names are words that vary for the same log statement, so the
// header is cut before masking. The recognised shapes (all part of the version):
//
//	081109 203615 148 INFO dfs.DataNode$PacketResponder: <content>
//	2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: <content>
//	2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0.0.0.0:2181:FastLeaderElection@774] - <content>
//	2024-01-02T03:04:05Z ERROR [http-exec-1] c.e.OrderService - <content>
//	2016-09-28 04:30:30, Info   CBS    <content>                      (component kept)
//	03-17 16:13:38.811  1702  2395 D WindowManager: <content>
//	- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 ... RAS KERNEL INFO <content>
//	nova-api.log.1 2017-05-16 00:00:00.008 25746 INFO nova.compute.manager [req-1 - -] <content>
//	Jun 14 15:16:01 combo sshd(pam_unix)[19939]: <content>
//	Jul  1 09:01:05 my-host com.apple.xpc.launchd[1] (com.apple.x.2032): <content>
//	[Sun Dec 04 04:47:44 2005] [notice] <content>
//	[10.30 16:49:06] chrome.exe - <content>
//	20171223-22:15:29:606|Step_LSC|30002312|<content>
//
// A line without a recognised header is left whole.

// maxHeaderWords bounds how many words the header scan looks at.
const maxHeaderWords = 14

// maxBracketBytes bounds a bracketed header group such as "[IPC Server handler 5 on 62270]".
const maxBracketBytes = 256

// headerLen returns the length of the header at the start of line, 0 if none.
func headerLen(line string) int {
	if n := pipeHeaderLen(line); n > 0 {
		return n
	}
	pos, end := 0, 0
	timeSeen, lastTime, consumed := false, false, 0
	level := false
	for consumed < maxHeaderWords {
		s, e := headerWordAt(line, pos)
		if s >= len(line) {
			break
		}
		w := line[s:e]
		if isLevelWord(w, consumed) {
			pos, end, level = e, e, true
			break
		}
		if !isHeaderish(w, consumed, line, e) {
			break
		}
		lastTime = isTimeWord(w)
		if lastTime {
			timeSeen = true
		}
		pos = e
		consumed++
		if timeSeen {
			end = e
			// "host prog[pid]:" already taken as digit-bearing words: the
			// program ends the header.
			if w[len(w)-1] == ':' && len(w) > 1 && hasLetter(w) {
				return e
			}
		}
	}
	if level {
		return afterLevel(line, pos, consumed == 0)
	}
	if n := epochHeaderLen(line); n > 0 {
		return n
	}
	if !timeSeen {
		return 0
	}
	// Syslog: "host prog[pid]: " or "host location prog: ", or "prog - "
	// (Proxifier). v2: a program after a host that was taken as a header word
	// ("dn228/dn228 kernel: "), and a program name of up to three words with
	// a pid ("host Google Chrome Helper[5012]: ").
	p := pos
	for k := 0; k < 4; k++ {
		s, e := headerWordAt(line, p)
		if s >= len(line) {
			break
		}
		w := line[s:e]
		if w[len(w)-1] == ':' && len(w) > 1 {
			pid := strings.IndexByte(w, '[') >= 0
			if (k > 0 || pid || consumed > 0 && !lastTime) && (k < 3 || pid) && isComponentWord(w[:len(w)-1]) {
				return e
			}
			break
		}
		if w == "-" && k > 0 {
			return e
		}
		if strings.IndexByte(w, '=') >= 0 || w[0] == '"' || w[0] == '\'' {
			break
		}
		p = e
	}
	return end
}

// epochHeaderLen handles records whose header has an id, a few fields, then an
// epoch and a flag ("134681 node-246 unix.hw state_change.unavailable
// 1077804742 1 <content>"): the line starts with a digit-bearing word, and a
// 10-digit number followed by a one- or two-digit number appears as the third
// to seventh word.
func epochHeaderLen(line string) int {
	s, e := headerWordAt(line, 0)
	if s >= len(line) || !hasDigit(line[s:e]) {
		return 0
	}
	for k := 1; k < 7; k++ {
		s, e = headerWordAt(line, e)
		if s >= len(line) {
			return 0
		}
		if k >= 2 && e-s == 10 && allDigits(line[s:e]) {
			fs, fe := headerWordAt(line, e)
			if fs < len(line) && fe-fs <= 2 && allDigits(line[fs:fe]) {
				return fe
			}
			return 0
		}
	}
	return 0
}

// trimRightSet removes trailing bytes found in set (strings.TrimRight without
// building an ASCII set on every call).
func trimRightSet(w, set string) string {
	for w != "" && strings.IndexByte(set, w[len(w)-1]) >= 0 {
		w = w[:len(w)-1]
	}
	return w
}

// nextWord returns the word after pos.
func nextWord(line string, pos int) string {
	s, e := headerWordAt(line, pos)
	return line[s:e]
}

// afterLevel skips what follows a level: bracketed threads/contexts, "-" and "|"
// separators, and one logger/component name (ending with ':', or followed by a
// bracket or "-"). A "-" after a thread or logger ends the header: what follows
// is the message, even if its first word ends with ':'. bare says the level
// started the line (an error body such as "ERROR Database: connection lost"):
// then only a technical name (x.y.Z, a$b, a_b, a/b, a[1]) is taken for a
// logger, a plain word is the message.
func afterLevel(line string, pos int, bare bool) int {
	end := pos
	took := false // a thread or logger was taken
	for steps := 0; steps < 5; steps++ {
		s, e := headerWordAt(line, pos)
		if s >= len(line) {
			break
		}
		w := line[s:e]
		switch {
		case w == "-" || w == "--" || w == "|" || w == ":":
			if took {
				return e
			}
			pos, end = e, e
			continue
		case w[0] == '[' && w[len(w)-1] == ']':
			pos, end, took = e, e, true
			continue
		case len(w) > 1 && w[len(w)-1] == ':' && isComponentWord(w[:len(w)-1]):
			if bare && !strings.ContainsAny(w[:len(w)-1], "._$/[(") {
				return end
			}
			return e
		case isComponentWord(w):
			ns, ne := headerWordAt(line, e)
			if ns < len(line) {
				if nw := line[ns:ne]; nw == "-" || (nw[0] == '[' && nw[len(nw)-1] == ']') {
					pos, end, took = e, e, true
					continue
				}
			}
		}
		break
	}
	return end
}

// pipeHeaderLen handles "time|component|pid|content": two to four leading
// '|'-terminated fields without spaces, the first one digit-bearing.
func pipeHeaderLen(line string) int {
	pos, fields := 0, 0
	for fields < 4 {
		i := strings.IndexByte(line[pos:], '|')
		if i < 0 {
			break
		}
		f := line[pos : pos+i]
		if f == "" || strings.IndexAny(f, " \t") >= 0 || (fields == 0 && !hasDigit(f)) {
			break
		}
		pos += i + 1
		fields++
	}
	if fields < 2 {
		return 0
	}
	return pos
}

// headerWordAt returns the bounds of the next word at or after pos. A word that
// starts with '[' runs to its balanced ']' (and any punctuation glued after it),
// even across spaces.
func headerWordAt(line string, pos int) (int, int) {
	for pos < len(line) && isSpace(line[pos]) {
		pos++
	}
	s := pos
	if pos < len(line) && line[pos] == '[' {
		depth := 0
		limit := min(len(line), pos+maxBracketBytes)
		for i := pos; i < limit; i++ {
			switch line[i] {
			case '[':
				depth++
			case ']':
				depth--
				if depth == 0 {
					e := i + 1
					for e < len(line) && !isSpace(line[e]) {
						e++
					}
					return s, e
				}
			}
		}
	}
	for pos < len(line) && !isSpace(line[pos]) {
		pos++
	}
	return s, pos
}

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if isLetter(s[i]) {
			return true
		}
	}
	return false
}

// isHeaderish reports whether w can be part of a header before the level:
// digit-bearing words (dates, times, pids, node ids), "-", "|", month and
// weekday names, bracketed groups holding a digit, and upper-case labels
// (BGL's "RAS KERNEL") when a level follows within eight header words.
func isHeaderish(w string, consumed int, line string, end int) bool {
	switch {
	case hasDigit(w):
		return true
	case w == "-" || w == "|" || w == "--":
		return true
	case isMonthOrDay(strings.TrimLeft(trimRightSet(w, ","), "*.")):
		// v3: "*Mar" and ".Mar" (network devices mark an unsynced clock).
		return true
	case consumed == 0 && isCapsIdent(w) && allDigits(nextWord(line, end)):
		// An alert label before an epoch: "KERNDTLB 1118536327 ...", "VAPI 1131566461 ...".
		return true
	case isCapsIdent(w) || w == "NULL":
		// A label: only when a level word follows shortly.
		p := end
		for k := 0; k < 8; k++ {
			s, e := headerWordAt(line, p)
			if s >= len(line) {
				return false
			}
			nw := line[s:e]
			if isLevelWord(nw, consumed+1) || componentBeforeLevel(nw, line, e, consumed+1) {
				return true
			}
			if !isCapsIdent(nw) && !hasDigit(nw) && nw != "-" {
				return false
			}
			p = e
		}
	case consumed >= 2:
		return componentBeforeLevel(w, line, end, consumed)
	}
	return false
}

// componentBeforeLevel reports whether w is a component name directly followed
// by a level word ("... RAS storage.BlockManager ERROR ...").
func componentBeforeLevel(w, line string, end, consumed int) bool {
	if !isComponentWord(w) {
		return false
	}
	s, e := headerWordAt(line, end)
	return s < len(line) && isLevelWord(line[s:e], consumed+1)
}

// isTimeWord reports whether w looks like a time or a date: a clock time
// (1-2 digits, ':', 2 digits, as in 9:05 or 17:41:44,747), a date made of digit
// groups joined by '-', '/' or '.' (2005.06.03, 17/06/09, 2005-06-03-15.42.50)
// that is not an IPv4 address, or a 6-, 8-, 10- or 13-digit number (yymmdd,
// yyyymmdd, epoch seconds or milliseconds).
func isTimeWord(w string) bool {
	for w != "" && w[0] == '[' {
		w = w[1:]
	}
	w = trimRightSet(w, "],")
	digits, seps, dots := 0, 0, 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case isDigit(c):
			digits++
		case c == ':':
			// clock: 1-2 digits not after '.', then exactly 2 digits
			j := i
			for j > 0 && isDigit(w[j-1]) {
				j--
			}
			k := i + 1
			for k < len(w) && isDigit(w[k]) {
				k++
			}
			if n := i - j; n >= 1 && n <= 2 && k-i-1 == 2 && (j == 0 || w[j-1] != '.') {
				return true
			}
		case c == '-' || c == '/':
			seps++
		case c == '.':
			seps++
			dots++
		}
	}
	if digits == len(w) {
		switch digits {
		case 6, 8, 10, 13:
			return true
		}
		return false
	}
	if dots == 3 && seps == 3 {
		return false // IPv4
	}
	return seps >= 2 && digits >= 4 && digits+seps == len(w)
}

// isLevelWord reports whether w is a severity level. Upper-case levels count
// anywhere in the header, bracketed ones too; "Info"-style ones only after
// other header words; single letters (Android "D") only after two.
func isLevelWord(w string, consumed int) bool {
	bracketed := false
	if len(w) >= 3 && (w[0] == '[' || w[0] == '<') {
		w = w[1:]
		bracketed = true
		w = trimRightSet(w, "]>:,")
	} else {
		w = trimRightSet(w, ":,")
	}
	if len(w) == 1 {
		switch w[0] {
		case 'V', 'D', 'I', 'W', 'E', 'F':
			return consumed >= 2
		}
		return false
	}
	if len(w) < 3 || len(w) > 11 {
		return false
	}
	upper := true
	for i := 0; i < len(w); i++ {
		if isLower(w[i]) {
			upper = false
			break
		}
	}
	if !upper && !bracketed && consumed == 0 {
		return false
	}
	var buf [16]byte
	switch string(asciiLower(&buf, w)) {
	case "trace", "debug", "dbg", "info", "inf", "information", "notice", "warn", "wrn",
		"warning", "error", "err", "eror", "fatal", "severe", "critical", "crit", "alert",
		"emerg", "emergency", "failure", "panic", "verbose", "fine", "finer", "finest", "config":
		return true
	}
	return false
}

// isComponentWord reports whether w looks like a logger, component or program
// name: letters with . _ $ - / # @ and brackets, no quotes and no '='.
func isComponentWord(w string) bool {
	if w == "" || !(isLetter(w[0]) || w[0] == '_' || w[0] == '[' || w[0] == '(' || w[0] == '/') {
		return false
	}
	letters := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case isLetter(c):
			letters++
		case isDigit(c), c == '.', c == '_', c == '$', c == '-', c == '/', c == '#', c == '@',
			c == '[', c == ']', c == '(', c == ')', c == ':', c == '<', c == '>':
		default:
			return false
		}
	}
	return letters > 0
}

// structuredMessage returns the message and the error of a structured log
// line, still escaped: a JSON object ({"level":"error","msg":"...","error":"..."})
// or logfmt (level=error caller=db.go:42 msg="dial failed" err="refused").
// The other fields (time, caller, ids) are context, not the statement. ok is
// false when the line is neither.
func structuredMessage(line string) (msg, errText string, ok bool) {
	if line != "" && line[0] == '{' {
		msg, ok1 := jsonField(line, `"msg":`, `"message":`)
		errText, ok2 := jsonField(line, `"error":`, `"err":`)
		return msg, errText, ok1 || ok2
	}
	for rest := line; rest != ""; {
		key, val, more, ok := nextLogfmtPair(rest)
		if !ok {
			return "", "", false
		}
		switch key {
		case "msg", "message":
			msg = val
		case "err", "error":
			errText = val
		}
		rest = more
	}
	return msg, errText, msg != ""
}

// nextLogfmtPair reads one key=value (value bare or double-quoted) from the
// start of s, after spaces. ok is false when s is not logfmt.
func nextLogfmtPair(s string) (key, val, rest string, ok bool) {
	s = strings.TrimLeft(s, " ")
	if s == "" {
		return "", "", "", true
	}
	eq := strings.IndexByte(s, '=')
	if eq <= 0 || !isKey(s[:eq]) {
		return "", "", "", false
	}
	key, s = s[:eq], s[eq+1:]
	if s != "" && s[0] == '"' {
		end := closingQuote(s)
		if end < 0 {
			return "", "", "", false
		}
		return key, s[1:end], s[end+1:], true
	}
	if sp := strings.IndexByte(s, ' '); sp >= 0 {
		return key, s[:sp], s[sp:], true
	}
	return key, s, "", true
}

// jsonField returns the string value of the first of keys (`"msg":`) found.
func jsonField(line string, keys ...string) (string, bool) {
	for _, key := range keys {
		i := strings.Index(line, key)
		if i < 0 {
			continue
		}
		v := strings.TrimLeft(line[i+len(key):], " ")
		if len(v) == 0 || v[0] != '"' {
			continue
		}
		if end := closingQuote(v); end > 0 {
			return v[1:end], true
		}
	}
	return "", false
}

// closingQuote returns the index of the '"' closing the string that starts
// at v[0], skipping backslash escapes, or -1.
func closingQuote(v string) int {
	for j := 1; j < len(v); j++ {
		switch v[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return -1
}
