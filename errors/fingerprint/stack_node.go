package fingerprint

import "strings"

// nodeSystemMarks mark Node.js frames outside the application. Part of v1.
var nodeSystemMarks = []string{"node_modules", "node:", "internal/", "<anonymous>", "native"}

// parseNode parses a V8 stack (Node.js, browsers):
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
		module:   baseName(loc),
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
