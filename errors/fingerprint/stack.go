package fingerprint

import (
	"encoding/binary"
	"iter"
	"strings"
)

// maxFrames is how many frames of a stack trace contribute: the top (innermost)
// in-app frames, or the top frames overall when none is in-app. Part of v1.
const maxFrames = 5

// maxStackBytes bounds how much of exception.stacktrace is parsed. Part of v1.
const maxStackBytes = 64 << 10

// frame is one parsed stack frame. module and function are substrings of the
// stack trace; their normalized text is written by appendFrame.
type frame struct {
	module   string // class, package, or file base name
	function string // method or function name
	sep      byte   // what joins module and function in the text form: '.' or ':'
	inApp    bool
}

// stack is a parsed exception.stacktrace. Its slices are reused between calls.
type stack struct {
	lang  string
	types []string // exception type chain as parsed, outermost first
	// frames are the frames of the outermost exception, innermost (the throwing
	// frame) first.
	frames []frame
	// owned holds type strings built by a parser (Go panics); types may point into it.
	owned []byte
}

func (st *stack) reset() {
	st.lang = ""
	st.types = st.types[:0]
	st.frames = st.frames[:0]
	st.owned = st.owned[:0]
}

func (st *stack) addType(t string) {
	if t = normalizeTypeName(t); t != "" {
		st.types = append(st.types, t)
	}
}

// languageOf maps telemetry.sdk.language to a parser name, "" when unknown.
func languageOf(sdk string) string {
	switch strings.ToLower(strings.TrimSpace(sdk)) {
	case "java", "kotlin", "scala", "jvm":
		return "java"
	case "python":
		return "python"
	case "go", "golang":
		return "go"
	case "nodejs", "webjs", "js", "javascript", "typescript", "node":
		return "node"
	case "dotnet", ".net", "csharp", "c#":
		return "dotnet"
	case "ruby":
		return "ruby"
	}
	return ""
}

// sniffLanguage guesses the runtime from the text of a stack trace.
func sniffLanguage(s string) string {
	switch {
	case strings.Contains(s, "Traceback (most recent call last)"),
		strings.Contains(s, "File \"") && strings.Contains(s, "\", line "):
		return "python"
	case strings.Contains(s, "goroutine ") && strings.Contains(s, "]:"),
		strings.HasPrefix(s, "panic: "), strings.Contains(s, "\npanic: "),
		strings.Contains(s, ".go:") && strings.Contains(s, " +0x"):
		return "go"
	case strings.Contains(s, ":in `"), strings.Contains(s, ":in '"):
		return "ruby"
	}
	for _, line := range stackLines(s) {
		if !strings.HasPrefix(line, "at ") {
			continue
		}
		switch {
		case strings.Contains(line, ".java:"), strings.Contains(line, ".kt:"),
			strings.Contains(line, ".scala:"), strings.Contains(line, ".groovy:"),
			strings.Contains(line, "(Native Method)"), strings.Contains(line, "(Unknown Source)"),
			strings.HasSuffix(line, ".java)"):
			return "java"
		case strings.Contains(line, ".cs:line "), strings.Contains(line, ") in "),
			strings.HasSuffix(line, "()"):
			return "dotnet"
		case endsWithLineCol(strings.TrimSuffix(line, ")")):
			return "node"
		case strings.HasSuffix(line, ")"):
			if i := strings.LastIndexByte(line, '('); i >= 0 && strings.IndexByte(line[i:], ' ') >= 0 {
				return "dotnet" // typed parameters: (Int32 id)
			}
			return "java"
		}
	}
	if strings.Contains(s, " ---> ") || strings.Contains(s, "--- End of ") {
		return "dotnet"
	}
	return ""
}

// endsWithLineCol reports whether s ends with ":<digits>:<digits>".
func endsWithLineCol(s string) bool {
	for k := 0; k < 2; k++ {
		i := len(s)
		for i > 0 && isDigit(s[i-1]) {
			i--
		}
		if i == len(s) || i == 0 || s[i-1] != ':' {
			return false
		}
		s = s[:i-1]
	}
	return true
}

// stackLines yields each line of text, raw (without "\r\n") and trimmed.
func stackLines(text string) iter.Seq2[string, string] {
	return func(yield func(raw, line string) bool) {
		for rest := text; rest != ""; {
			var raw string
			raw, rest = cutLine(rest)
			if !yield(raw, strings.TrimSpace(raw)) {
				return
			}
		}
	}
}

func cutLine(s string) (line, rest string) {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSuffix(s[:i], "\r"), s[i+1:]
	}
	return strings.TrimSuffix(s, "\r"), ""
}

// parseStack parses r.ExceptionStacktrace into f.stack. It reports whether any
// frame was found; without frames the caller falls back to RuleException.
func (f *Fingerprinter) parseStack(r *Record) bool {
	st := &f.stack
	text := r.ExceptionStacktrace
	if len(text) > maxStackBytes {
		text = text[:maxStackBytes]
	}
	lang := languageOf(r.SDKLanguage)
	parsed := false
	for attempt := 0; attempt < 2 && !parsed; attempt++ {
		if attempt == 1 {
			sniffed := sniffLanguage(text)
			if sniffed == lang {
				break
			}
			lang = sniffed
		}
		st.reset()
		st.lang = lang
		switch lang {
		case "java":
			parseJava(st, text)
		case "python":
			parsePython(st, text)
		case "go":
			parseGo(st, text)
		case "node":
			parseNode(st, text)
		case "dotnet":
			parseDotnet(st, text)
		case "ruby":
			parseRuby(st, text)
		}
		parsed = len(st.frames) > 0
	}
	if !parsed {
		return false
	}
	// The exception.type attribute names the outermost exception and wins over
	// the text's spelling of it (so RuleStack and RuleException agree); the
	// parsed chain adds the causes. An attribute that names another type than the
	// text's first one is put in front of the chain.
	if t := normalizeTypeName(r.ExceptionType); t != "" {
		switch {
		case len(st.types) > 0 && sameType(st.types[0], t):
			st.types[0] = t
		default:
			st.types = append(st.types, "")
			copy(st.types[1:], st.types)
			st.types[0] = t
		}
	}
	return true
}

// sameType reports whether a and b name the same type, allowing one of them to
// be unqualified (ValueError vs builtins.ValueError).
func sameType(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) < len(b) {
		a, b = b, a
	}
	return strings.HasSuffix(a, b) && (a[len(a)-len(b)-1] == '.' || a[len(a)-len(b)-1] == ':')
}

// normalizeTypeName trims a type name to its first line and drops
// generated-class suffixes.
func normalizeTypeName(t string) string {
	if i := strings.IndexAny(t, "\r\n"); i >= 0 {
		t = t[:i]
	}
	t = strings.TrimSpace(t)
	t = strings.TrimSuffix(t, ":")
	if i := strings.Index(t, "$$"); i > 0 {
		t = t[:i]
	}
	return t
}

// splitTypeMessage splits "pkg.Type: message" into its parts. When the prefix
// does not look like a type name, the whole line is the message.
func splitTypeMessage(line string) (typ, msg string) {
	line = strings.TrimSpace(line)
	i := strings.Index(line, ": ")
	if i < 0 {
		if isTypeName(line) {
			return line, ""
		}
		return "", line
	}
	if isTypeName(line[:i]) {
		return line[:i], line[i+2:]
	}
	return "", line
}

// isTypeName reports whether s can be an exception type name.
func isTypeName(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || isDigit(c) || c == '.' || c == '_' || c == '$' || c == ':' || c == '*' || c == '`' || c == '<' || c == '>' || c == '[' || c == ']' || c == '-' || c == '/') {
			return false
		}
	}
	return isLetter(s[0]) || s[0] == '*' || s[0] == '_'
}

// selectFrames returns the indexes of the frames that contribute: up to
// maxFrames in-app frames from the top, or the top maxFrames frames when none
// is in-app. Immediate repeats (recursion) are skipped.
func (f *Fingerprinter) selectFrames() {
	f.fbuf = f.fbuf[:0]
	f.spans = f.spans[:0]
	anyInApp := false
	for i := range f.stack.frames {
		if f.stack.frames[i].inApp {
			anyInApp = true
			break
		}
	}
	prevStart := -1
	for i := range f.stack.frames {
		fr := &f.stack.frames[i]
		if anyInApp && !fr.inApp {
			continue
		}
		start := len(f.fbuf)
		f.fbuf = appendFrame(f.fbuf, fr)
		if prevStart >= 0 && string(f.fbuf[prevStart:start]) == string(f.fbuf[start:]) {
			f.fbuf = f.fbuf[:start] // recursion
			continue
		}
		prevStart = start
		f.spans = append(f.spans, uint32(len(f.fbuf)))
		if len(f.spans) == maxFrames {
			break
		}
	}
}

func (f *Fingerprinter) frameText(i int) []byte {
	start := uint32(0)
	if i > 0 {
		start = f.spans[i-1]
	}
	return f.fbuf[start:f.spans[i]]
}

func (f *Fingerprinter) appendCanonicalStack(dst []byte) []byte {
	f.selectFrames()
	dst = appendCanonicalHeader(dst, RuleStack)
	dst = binary.AppendUvarint(dst, uint64(len(f.stack.types)))
	for _, t := range f.stack.types {
		dst = appendField(dst, t)
	}
	dst = binary.AppendUvarint(dst, uint64(len(f.spans)))
	for i := range f.spans {
		dst = appendField(dst, f.frameText(i))
	}
	return dst
}

func (f *Fingerprinter) explainStack() Explanation {
	ex := Explanation{Rule: RuleStack, Language: f.stack.lang}
	ex.ExceptionTypes = append([]string(nil), f.stack.types...)
	for i := range f.spans {
		ex.Frames = append(ex.Frames, string(f.frameText(i)))
	}
	var b strings.Builder
	b.WriteString(strings.Join(ex.ExceptionTypes, " < "))
	b.WriteString(" @ ")
	b.WriteString(strings.Join(ex.Frames, " | "))
	ex.Template = b.String()
	return ex
}

// appendFrame writes the normalized text of fr: module, separator, function,
// with generated-code digits dropped (see appendIdent).
func appendFrame(dst []byte, fr *frame) []byte {
	dst = appendIdent(dst, fr.module)
	if fr.module != "" && fr.function != "" {
		dst = append(dst, fr.sep)
	}
	return appendIdent(dst, fr.function)
}

// appendIdent appends an identifier dropping the digit runs that code
// generators and compilers add: after '$' (Java anonymous classes and lambdas),
// '_' (.NET closures b__0_1), '.' (Go func1.2), '<' or '>', or after the words
// func/gowrap (Go closures). Digits that are part of a name (S3Client, Http2,
// Base64) are kept.
func appendIdent(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if !isDigit(c) {
			dst = append(dst, c)
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		drop := i == 0
		if i > 0 {
			switch p := s[i-1]; {
			case p == '$' || p == '_' || p == '.' || p == '<' || p == '>' || p == '-' || p == '#':
				drop = true
			case strings.HasSuffix(s[:i], "func") || strings.HasSuffix(s[:i], "gowrap"):
				drop = true
			}
		}
		if !drop {
			dst = append(dst, s[i:j]...)
		}
		i = j
	}
	return dst
}

// baseName returns the last element of a '/' or '\' separated path.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// hasAnyPrefix reports whether s starts with one of prefixes.
func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// containsAny reports whether s contains one of subs.
func containsAny(s string, subs []string) bool {
	for _, p := range subs {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}
