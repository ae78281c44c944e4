package fingerprint

import "strings"

// nodeSystemMarks mark Node.js frames outside the application. Part of v1.
var nodeSystemMarks = []string{"node_modules", "node:", "internal/", "<anonymous>", "native"}

// parseNode parses a V8 stack (Node.js, Chrome), or a Firefox/Safari one
// ("fn@url:line:col" lines):
//
//	TypeError: Cannot read properties of undefined (reading 'id')
//	    at UserService.find (/app/src/user.js:10:15)
//	    at async Promise.all (index 0)
//	    at /app/src/index.js:5:3
//	  [cause]: Error: connect ECONNREFUSED 127.0.0.1:5432
//
// Causes come from "[cause]:" (util.inspect) and "Caused by:" lines.
func parseNode(st *stack, text string) {
	outer := true
	header := true
	for _, line := range stackLines(text) {
		line = strings.TrimLeft(line, "{")
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "at "):
			header = false
			if outer {
				parseNodeFrame(st, line[3:])
			}
		case outer && !strings.HasPrefix(line, "[") && strings.IndexByte(line, '@') >= 0 && endsWithLineCol(line):
			// Firefox and Safari: "fn@https://host/app.js:10:5", "@debugger eval code:1:1"
			header = false
			at := strings.IndexByte(line, '@')
			parseNodeFrame(st, line[:at]+" ("+line[at+1:]+")")
		case strings.HasPrefix(line, "[cause]: "), strings.HasPrefix(line, "Caused by: "):
			header = false
			outer = false
			t, _ := splitTypeMessage(line[strings.IndexByte(line, ':')+2:])
			st.addType(t)
		case header && len(st.types) == 0:
			line = strings.TrimPrefix(line, "Uncaught ")
			t, _ := splitTypeMessage(line)
			st.addType(t)
		}
	}
}

// parseNodeFrame parses "[async ][new ]fn (location)" or "location", where
// location is "path:line:col".
func parseNodeFrame(st *stack, s string) {
	s = strings.TrimPrefix(s, "async ")
	s = strings.TrimPrefix(s, "new ")
	fn, loc := "", s
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndex(s, " ("); i >= 0 {
			fn, loc = s[:i], s[i+2:len(s)-1]
		}
	}
	if i := strings.Index(fn, " [as "); i >= 0 {
		fn = fn[:i]
	}
	fn = strings.TrimPrefix(fn, "Object.")
	fn = strings.TrimPrefix(fn, "Module.")
	if fn == "<anonymous>" {
		fn = ""
	}
	// "index 0" (Promise.all) and other locations without a path are not code.
	inApp := strings.ContainsAny(loc, `/\.`) && !containsAny(loc, nodeSystemMarks)
	loc = strings.TrimPrefix(loc, "file://")
	if i := strings.IndexAny(loc, "?#"); i >= 0 {
		loc = loc[:i]
	}
	for k := 0; k < 2; k++ { // :line:col
		i := strings.LastIndexByte(loc, ':')
		if i < 0 || i == len(loc)-1 || !allDigits(loc[i+1:]) {
			break
		}
		loc = loc[:i]
	}
	st.frames = append(st.frames, frame{
		module:   stripHashSegments(baseName(loc)),
		function: fn,
		sep:      ':',
		inApp:    inApp,
	})
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// stripHashSegments drops the content hashes bundlers put in file names:
// "app.3f2a1b.js" and "chunk-5HX2BMJK.js" become "app.js" and "chunk.js". A
// hash is a '.'- or '-'-separated segment of six or more letters and digits
// with at least one digit, not the last segment (the extension).
func stripHashSegments(name string) string {
	isHash := func(seg string) bool {
		if len(seg) < 6 || !hasDigit(seg) {
			return false
		}
		for i := 0; i < len(seg); i++ {
			if !isLetter(seg[i]) && !isDigit(seg[i]) {
				return false
			}
		}
		return true
	}
	var b []byte
	start := 0
	for i := 0; i <= len(name); i++ {
		if i < len(name) && name[i] != '.' && name[i] != '-' {
			continue
		}
		seg := name[start:i]
		if i < len(name) && start > 0 && isHash(seg) {
			if b == nil {
				b = append(b, name[:start-1]...)
			}
		} else if b != nil {
			b = append(b, name[start-1:i]...)
		}
		start = i + 1
	}
	if b == nil {
		return name
	}
	return string(b)
}
