package fingerprint

import "strings"

// This file holds the token classes. Every table here is part of the v5
// algorithm: changing one changes fingerprints and needs a new version.

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLower(c byte) bool  { return c >= 'a' && c <= 'z' }
func isUpper(c byte) bool  { return c >= 'A' && c <= 'Z' }
func isLetter(c byte) bool { return isLower(c) || isUpper(c) }
func isHexLetter(c byte) bool {
	return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			return true
		}
	}
	return false
}

// isVariableToken reports whether a core (a word without its surrounding
// punctuation) is variable by itself, without looking at its neighbours.
func isVariableToken(s string) bool {
	if s == "" {
		return false
	}
	slashes, dots, colons, lastSlash := 0, 0, 0, -1
	hexLetters, hexColon := true, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			// Any digit-bearing token (numbers, ids, ips, dates, sizes),
			// except a name whose digit is part of it (v3: IPv4, HTTP/1.1).
			return !isVersionedName(s)
		case '/':
			slashes++
			lastSlash = i
		case '.':
			dots++
		case ':':
			colons++
		case '\\':
			return true // Windows path or escaped payload
		case '@':
			if i > 0 && i < len(s)-1 {
				return true // e-mail, user@host
			}
		}
		if !isHexLetter(c) {
			hexLetters = false
			if c != ':' {
				hexColon = false
			}
		}
	}
	switch {
	case s[0] == '/' && len(s) > 1: // absolute path
		return true
	case slashes > 0 && (s[0] == '~' || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../")):
		return true
	case slashes >= 2: // a/b/c, scheme://host
		return true
	case slashes == 1 && strings.IndexByte(s[lastSlash:], '.') >= 0: // dir/file.ext
		return true
	case colons >= 2 && hexColon && strings.Contains(s, "::"): // IPv6 without digits
		return true
	case hexLetters && len(s) >= 8: // hex without digits: deadbeef
		return true
	case dots > 0 && isHostname(s):
		return true
	case dots >= 2 && isReverseDNSName(s):
		return true
	case isCapsIdent(s) && len(s) >= 5 && strings.IndexByte(s, '_') > 0:
		// An enum value: CONTAINER_REMOTE_LAUNCH, TA_DIAGNOSTICS_UPDATE.
		return true
	case dots > 0 && hasFileExtension(s): // v2: report.pdf, nginx.service, chrome.exe
		return true
	case dots >= 2 && isDottedName(s): // v2: mapred.task.id, nova.compute.manager
		return true
	case dots >= 2 && isDottedEnum(s): // v3: android.intent.action.SCREEN_ON
		return true
	case dots == 1 && isDottedPair(s): // v3: shop.orders, user.name
		return true
	case slashes == 1 && isLowerSlashPair(s): // v3: text/html, feature/login
		return true
	case isBool(s): // v2: true, False
		return true
	case isSignalName(s) || isAxisSign(s): // v4: SIGTERM, x+
		return true
	}
	return false
}

// isDottedPair reports whether s is two lower-case labels of two or more
// letters, digits, '_' or '-' joined by a dot, such as a database.collection,
// a module.function or a configuration key (shop.orders, user.name) (v3).
func isDottedPair(s string) bool {
	dot := strings.IndexByte(s, '.')
	return dot >= 2 && len(s)-dot-1 >= 2 && isLower(s[0]) && isLower(s[dot+1]) && isDottedName(s)
}

// isLowerSlashPair reports whether s is two lower-case names of two or more
// characters joined by one '/': a media type (text/html), a branch
// (feature/login), a namespace/name pair (v3).
func isLowerSlashPair(s string) bool {
	i := strings.IndexByte(s, '/')
	if i < 2 || len(s)-i-1 < 2 || !isLower(s[0]) || !isLower(s[i+1]) {
		return false
	}
	for j := 0; j < len(s); j++ {
		if c := s[j]; j != i && !(isLower(c) || isDigit(c) || c == '-' || c == '_' || c == '.' || c == '+') {
			return false
		}
	}
	return true
}

// isDottedEnum reports whether s is an upper-case constant in a lower-case
// dotted namespace, such as android.intent.action.SCREEN_ON (v3): the value
// of an enum-like field (an action, an event, a mode), printed by name.
func isDottedEnum(s string) bool {
	dot := strings.LastIndexByte(s, '.')
	last := s[dot+1:]
	return len(last) >= 3 && isCapsIdent(last) && isDottedName(s[:dot])
}

// isVersionedName reports whether s is a protocol or format name whose digit
// is part of the name, not a value (v3): IPv4, IPv6, HTTP/1.1, HTTP/2,
// SOCKS5, EXT4, UTF-8, x86_64 (case-insensitive). Statements that differ only
// there ("IPv4 address ... added" and "IPv6 address ... added") stay apart.
func isVersionedName(s string) bool {
	if len(s) < 4 || len(s) > 16 {
		return false
	}
	if i := strings.LastIndexByte(s, '-'); i >= 4 && isLetters(s[i+1:]) && isVersionedName(s[:i]) {
		return true // EXT4-fs
	}
	if len(s) > 8 {
		return false
	}
	var buf [16]byte
	switch string(asciiLower(&buf, s)) {
	case "ipv4", "ipv6", "http/1.0", "http/1.1", "http/2", "http/2.0", "http/3", "socks4", "socks4a", "socks5",
		"ext2", "ext3", "ext4", "utf-8", "utf8", "utf-16", "x86_64", "tlsv1", "tlsv1.2", "tlsv1.3", "sslv3":
		return true
	}
	return false
}

// isLetters reports whether s is one or more ASCII letters.
func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) {
			return false
		}
	}
	return s != ""
}

// isBool reports whether s is a boolean literal (v2): values that a program
// prints for a flag are variables of the statement.
func isBool(s string) bool {
	if len(s) != 4 && len(s) != 5 {
		return false
	}
	var buf [16]byte
	switch string(asciiLower(&buf, s)) {
	case "true", "false":
		return true
	}
	return false
}

// hasFileExtension reports whether s is a file name: a base with a letter, a
// dot and a common extension (case-insensitive), such as report.pdf,
// chrome.exe, OUTLOOK.EXE, nginx.service or etl_job.py (v2).
func hasFileExtension(s string) bool {
	dot := strings.LastIndexByte(s, '.')
	if dot < 1 || dot == len(s)-1 || !hasLetter(s[:dot]) {
		return false
	}
	for i := 0; i < dot; i++ {
		if c := s[i]; !(isLetter(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '@' || c == '+') {
			return false
		}
	}
	var buf [16]byte
	switch string(asciiLower(&buf, s[dot+1:])) {
	case "log", "txt", "out", "err", "conf", "cfg", "ini", "xml", "json", "yaml", "yml", "toml", "properties",
		"py", "pyc", "java", "class", "jar", "war", "js", "mjs", "ts", "go", "rb", "php", "pl", "sh", "bat", "ps1",
		"c", "cc", "cpp", "cxx", "h", "hpp", "rs", "cs", "so", "dll", "exe", "sys", "drv", "msi", "cab", "mum",
		"manifest", "dylib", "kext", "plist", "app", "framework", "bundle", "zip", "gz", "tgz", "bz2", "xz", "tar",
		"rar", "7z", "pdf", "doc", "docx", "xls", "xlsx", "csv", "tsv", "html", "htm", "css", "png", "jpg", "jpeg",
		"gif", "ico", "svg", "mp3", "mp4", "avi", "iso", "img", "bin", "dat", "db", "sqlite", "tmp", "bak", "pid",
		"lock", "sock", "service", "socket", "timer", "scope", "slice", "mount", "target",
		// v4: more source, package, data and disk-image extensions.
		"scala", "kt", "kts", "groovy", "gradle", "swift", "lua", "jsx", "tsx", "vue", "sql", "jsp", "aspx", "cgi",
		"pem", "crt", "cer", "p12", "jks", "rpm", "deb", "apk", "ipa", "dmg", "pkg", "whl", "gem", "nupkg",
		"wav", "webp", "bmp", "mov", "mkv", "ko", "pdb", "efi", "vmdk", "qcow2", "vhd", "vhdx", "jhist",
		"parquet", "avro", "orc", "crc", "ibd", "rdb", "aof", "evtx":
		return true
	}
	return false
}

// isDottedName reports whether s is a lower-case dotted name of three or more
// labels, such as a configuration property (mapred.task.id), a logger or a
// module (nova.compute.manager) (v2). Every label is letters, digits, '_' or
// '-', and one has a letter.
func isDottedName(s string) bool {
	label := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if i == label {
				return false
			}
			label = i + 1
		case isLower(c) || isDigit(c) || c == '_' || c == '-':
		default:
			return false
		}
	}
	return label < len(s) && hasLetter(s)
}

// isSnakeIdent reports whether s is a lower-case snake_case identifier
// (mem_free, power_button, static_user_filter): a name a program prints, not
// an English word (v2).
func isSnakeIdent(s string) bool {
	if len(s) < 3 || !isLower(s[0]) || s[len(s)-1] == '_' {
		return false
	}
	under := false
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_':
			if s[i-1] == '_' {
				return false
			}
			under = true
		case isLower(c) || isDigit(c):
		default:
			return false
		}
	}
	return under
}

// isColonKey reports whether s, followed by ':', names the value after it
// ("user: alice,", "current: Staged,", "opt-in: false"): letters with '_' or
// '-', no digit, not itself variable (v2).
func isColonKey(s string) bool {
	if len(s) < 2 || len(s) > 32 || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !(isLetter(c) || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// hasTypeSuffix reports whether s names an exception or error type, which is
// never masked as a value: it is what an error is.
func hasTypeSuffix(s string) bool {
	return strings.HasSuffix(s, "Exception") || strings.HasSuffix(s, "Error") || strings.HasSuffix(s, "Throwable")
}

// isReverseDNSName reports whether s is a reverse-DNS name such as a bundle,
// package or class name (com.apple.quicklook, org.apache.hadoop.Foo). Names of
// exception and error types are not masked: they are what an error is; nor are
// android.* names, which are platform constants (android.intent.action.SCREEN_ON).
func isReverseDNSName(s string) bool {
	if !(strings.HasPrefix(s, "com.") || strings.HasPrefix(s, "org.") || strings.HasPrefix(s, "net.") ||
		strings.HasPrefix(s, "io.") || strings.HasPrefix(s, "edu.")) {
		return false
	}
	if hasTypeSuffix(s) {
		return false
	}
	if i := strings.IndexByte(s, ':'); i > 0 {
		s = s[:i] // an Android process: com.tencent.mm:push
	}
	return isIdentLike(s)
}

// isHostname reports whether s is a lower-case DNS name with a known top-level
// domain: a generic TLD after one dot, or any two-letter country code after two.
func isHostname(s string) bool {
	dots, label := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if i == label {
				return false
			}
			dots++
			label = i + 1
			continue
		}
		if !(isLower(c) || isDigit(c) || c == '-') {
			return false
		}
	}
	if dots == 0 || label == len(s) {
		return false
	}
	switch tld := s[label:]; tld {
	case "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io",
		"local", "lan", "internal", "localdomain", "arpa", "corp", "home":
		return true
	default:
		return len(tld) == 2 && dots >= 2
	}
}

// isIdentLike reports whether s looks like a name (user, host, service).
func isIdentLike(s string) bool {
	if s == "" || !(isLetter(s[0]) || s[0] == '_') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '$') {
			return false
		}
	}
	return true
}

// isSlashName reports whether s is two names joined by one '/' (a branch
// such as feature/login) (v2).
func isSlashName(s string) bool {
	i := strings.IndexByte(s, '/')
	return i > 0 && isIdentLike(s[:i]) && isIdentLike(s[i+1:])
}

// isCapsIdent reports whether s is an upper-case identifier such as RUNNING or
// SUCCESS_CONTAINER_CLEANUP (a state name).
func isCapsIdent(s string) bool {
	if len(s) < 2 {
		return false
	}
	letters := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isUpper(c):
			letters++
		case c == '_':
		default:
			return false
		}
	}
	return letters > 0
}

// asciiLower returns s lower-cased into buf when it is short; longer words are
// never in the word tables below, so they come back empty. Callers switch on
// string(result), which the compiler does without allocating.
func asciiLower(buf *[16]byte, s string) []byte {
	if len(s) > len(buf) {
		return nil
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUpper(c) {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return buf[:len(s)]
}

// isStopword reports whether s is a function word that is never a variable.
func isStopword(s string) bool {
	var buf [16]byte
	switch string(asciiLower(&buf, s)) {
	case "from", "by", "for", "to", "on", "in", "at", "with", "and", "or", "is", "was",
		"not", "of", "as", "via", "the", "a", "an", "into", "has", "have", "had", "be",
		"been", "when", "while", "if", "then", "than", "that", "this", "after", "before":
		return true
	}
	return false
}

// isHTTPMethod reports whether s is an HTTP request method.
func isHTTPMethod(s string) bool {
	switch s {
	case "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "CONNECT", "TRACE":
		return true
	}
	return false
}

// isUnit reports whether s is a unit that follows a number: sizes, durations,
// rates and percent. "12 MB" and "3 GB" are one template.
func isUnit(s string) bool {
	switch s {
	case "B", "b", "KB", "kB", "kb", "K", "MB", "mb", "M", "GB", "gb", "G", "TB", "KiB", "MiB", "GiB", "TiB",
		"bytes", "ns", "us", "µs", "ms", "s", "sec", "secs", "second", "seconds", "min", "mins", "minute",
		"minutes", "h", "hr", "hrs", "hour", "hours", "day", "days", "%", "percent", "kbps", "Kbps", "Mbps", "Gbps":
		return true
	}
	return false
}

// isPreposition reports whether s, after a user name, ends the name.
func isPreposition(s string) bool {
	switch s {
	case "from", "by", "on", "at", "with", "to", "via", "in", "as":
		return true
	}
	return false
}

// isUserVerb reports whether s, after "user X", shows X was a name: "user bob
// logged in", "user bob is locked".
func isUserVerb(s string) bool {
	switch s {
	case "is", "was", "has", "had", "not", "does", "did", "cannot", "can't", "already", "successfully",
		"left", "quit", "lost", "won", "sent", "got", "will", "can", "must", "should", "may": // v2: irregular and modal verbs
		return true
	}
	return len(s) > 3 && strings.HasSuffix(s, "ed")
}

// isNamingNoun reports whether s is a noun that is usually followed by the
// name of an instance: "user root", "container api in pod ...", "on branch main".
func isNamingNoun(s string) bool {
	var buf [16]byte
	switch string(asciiLower(&buf, s)) {
	case "user", "username", "login", "player", "account", "container", "pod", "branch", "table",
		"database", "db", "queue", "topic", "bucket", "volume", "namespace", "project", "tenant",
		"cluster", "repository", "repo", "role", "group", "channel", "pool", "region", "zone", "index", "shard":
		return true
	}
	return false
}

// isPersonNoun reports whether s names a person or account, whose name is
// variable wherever it stands: "user alice 10.0.0.1", "user alice:" (v2).
func isPersonNoun(s string) bool {
	var buf [16]byte
	switch string(asciiLower(&buf, s)) {
	case "user", "username", "login", "player", "account", "owner":
		return true
	}
	return false
}

// isThingNoun reports whether s is a noun that is often followed by the name
// of a thing (v2): "service sshd (", "class NSTextFieldCell", "to context logs".
// The name counts when it is shaped like one (isNameShaped), is followed by a
// bracket, or ends the line after an intro word ("to context logs").
func isThingNoun(s string) bool {
	if len(s) < 3 || len(s) > 11 {
		return false
	}
	var buf [16]byte
	switch string(asciiLower(&buf, s)) {
	case "host", "hostname", "server", "client", "service", "process", "program", "file", "filename", "directory",
		"folder", "device", "interface", "node", "instance", "domain", "zone", "module", "plugin", "package",
		"class", "context", "filter", "rule", "policy", "profile", "job", "task", "thread", "worker", "application",
		"component", "unit", "partition", "peer", "image", "network", "driver", "provider", "handler", "app":
		return true
	}
	return false
}

// isNameShaped reports whether s looks like a name rather than a word: it
// holds '_', '-' or '.' inside, or an upper-case letter after a lower-case
// one (NoCacheFilter, static_user_filter, web-prod).
func isNameShaped(s string) bool {
	for i := 1; i < len(s)-1; i++ {
		switch c := s[i]; {
		case c == '_' || c == '-' || c == '.':
			return true
		case isUpper(c) && isLower(s[i-1]):
			return true
		}
	}
	return len(s) > 1 && isUpper(s[len(s)-1]) && isLower(s[len(s)-2])
}

// isNameIntro reports whether s, before a naming noun, marks the word after
// the noun as a name: "for user X", "invalid user X", "on branch X".
func isNameIntro(s string) bool {
	var buf [16]byte
	switch string(asciiLower(&buf, s)) {
	case "for", "invalid", "illegal", "unknown", "new", "as", "of", "by", "bad", "disallowed", "on", "in", "to", "from":
		return true
	}
	return false
}

// isVerbForm reports whether s looks like a verb form rather than a name:
// "user created", "table dropping".
func isVerbForm(s string) bool {
	return len(s) > 4 && (strings.HasSuffix(s, "ed") || strings.HasSuffix(s, "ing"))
}

// isMonthOrDay reports whether s is an English month or weekday name in the
// forms logs print them (Jan, JAN, January, Mon, MON, Monday).
func isMonthOrDay(s string) bool {
	if len(s) < 3 || len(s) > 9 || !isUpper(s[0]) {
		return false
	}
	var buf [16]byte
	switch string(asciiLower(&buf, s)) {
	case "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
		"january", "february", "march", "april", "june", "july", "august", "september",
		"october", "november", "december",
		"mon", "tue", "wed", "thu", "fri", "sat", "sun",
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday":
		return true
	}
	return false
}

// contextVariable applies the rules that need the neighbouring words: a month or
// weekday next to a date, a user name, and a state in "from A to B".
func (m *masker) contextVariable(core string) bool {
	if isMonthOrDay(core) {
		next := m.nextCore()
		return hasDigit(next) || isMonthOrDay(next)
	}
	p0, p1, p2 := m.prev[0], m.prev[1], m.prev[2]
	caps := isCapsIdent(core)
	if !(caps || m.prevNoun[0] || m.prevThing || p0 == "for" || p0 == "from" || p0 == "to" || p0 == "by") {
		return false // no rule below can apply: skip the word tables
	}
	if !(isIdentLike(core) || (m.prevNoun[0] || m.prevThing) && isSlashName(core)) || isStopword(core) {
		return false
	}
	if caps && len(core) >= 3 {
		// A state value: "state: RUNNING", "state changed to KILLED",
		// "LOOKING (n.state)", "LOOKING (my state)".
		if m.stateNear > 0 {
			return true
		}
		w, end := wordAt(m.line, m.pos)
		if isStateWord(w) {
			return true
		}
		if w, _ = wordAt(m.line, end); isStateWord(w) {
			return true
		}
	}
	switch {
	case m.prevNoun[0] && !m.prevPunct && !isVerbForm(core):
		if isNameIntro(p1) {
			return true
		}
		if isPersonNoun(p0) {
			// v2: "user alice: ...", "user alice, ...", "user alice 10.0.0.1".
			if t := m.curTrail; t != "" && (t[0] == ':' || t[0] == ',') || isVariableToken(m.nextCore()) {
				return true
			}
		}
		w, _ := wordAt(m.line, m.pos)
		if w != "" && (w[0] == '[' || w[0] == '(') {
			return true
		}
		next := m.nextCore()
		return isPreposition(next) || isUserVerb(next)
	case m.prevThing && !m.prevPunct && !isVerbForm(core):
		// v2: "filter NoCacheFilter (", "Class NSTextFieldCell is", "to context logs".
		// v3: an upper-case name ("resource class VCPU") or a name that a
		// verb follows ("node bastion has no inventory").
		if isNameShaped(core) || caps {
			return true
		}
		w, _ := wordAt(m.line, m.pos)
		if w != "" && (w[0] == '(' || w[0] == '[') || w == "" && isNameIntro(p1) {
			return true
		}
		if m.curTrail != "" {
			return false
		}
		_, next, _ := peel(w)
		return isUserVerb(next) || isPreposition(next)
	case p0 == "by" && !m.prevPunct && !isVerbForm(core) && !isNamingNoun(core) && !isThingNoun(core):
		// v2: the agent of a passive verb, before a preposition:
		// "triggered by alice on branch", "locked by admin at".
		w, _ := wordAt(m.line, m.pos)
		_, c, _ := peel(w)
		return m.curTrail == "" && len(w) == len(c) && isPreposition(c)
	case p0 == "for":
		// "password for root from", "failures for admin [preauth]"
		w, _ := wordAt(m.line, m.pos)
		return w != "" && w[0] == '[' || m.nextCore() == "from" || m.pastForLast(core)
	case (p0 == "to" || p0 == "from" || p0 == "on" || p0 == "at") && m.lastAfterValue(core):
		return true
	case p0 == "from" && caps:
		w, end := wordAt(m.line, m.pos)
		if _, c, _ := peel(w); c != "to" {
			return false
		}
		w, _ = wordAt(m.line, end)
		_, c, _ := peel(w)
		return isCapsIdent(c)
	case p0 == "to" && p2 == "from" && caps && isCapsIdent(p1):
		return true
	case (p0 == "to" || p0 == "is") && m.stateNear > 0 && m.pos == len(m.line):
		// v3: a state in lower case at the end: "changed state to up",
		// "link status is down".
		return !isVerbForm(core)
	}
	return false
}

// lastAfterValue reports whether core, the last word of the line, follows a
// preposition that follows a value (v3): "assigned <*> to minikube",
// "records for <*> from gateway". The object of such a preposition names
// where the value went or came from.
func (m *masker) lastAfterValue(core string) bool {
	if m.pos < len(m.line) || m.prevPunct || m.curTrail != "" && m.curTrail != "." || isVerbForm(core) {
		return false
	}
	p := m.lastStart - 1
	return p >= len(Placeholder)+m.base && m.dst[p] == ' ' && string(m.dst[p-len(Placeholder):p]) == Placeholder
}

// isStateWord reports whether a word names a state ("state", "(n.state),",
// "Status:").
func isStateWord(w string) bool {
	_, core, _ := peel(w)
	return isStateCore(core)
}

// isStateCore is isStateWord for a word without its punctuation.
func isStateCore(core string) bool {
	if i := strings.LastIndexByte(core, '.'); i >= 0 {
		core = core[i+1:]
	}
	switch core {
	case "state", "State", "STATE", "status", "Status":
		return true
	}
	return false
}

// wordAt returns the word starting at or after pos and the offset just past it.
func wordAt(line string, pos int) (string, int) {
	for pos < len(line) && isSpace(line[pos]) {
		pos++
	}
	start := pos
	for pos < len(line) && !isSpace(line[pos]) {
		pos++
	}
	return line[start:pos], pos
}
