package fingerprint

import "strings"

// pythonSystemPaths mark frames outside the application. Part of v1.
var pythonSystemPaths = []string{
	"site-packages", "dist-packages", "/lib/python", `\lib\`, "<frozen ", "/usr/lib/", "/.pyenv/",
}

// parsePython parses a Python traceback, including chained ones:
//
//	Traceback (most recent call last):
//	  File "/app/db.py", line 10, in connect
//	    sock.connect(addr)
//	ConnectionRefusedError: [Errno 111] Connection refused
//
//	The above exception was the direct cause of the following exception:
//
//	Traceback (most recent call last):
//	  File "/app/api.py", line 5, in handler
//	    db.connect()
//	app.errors.DatabaseError: cannot connect
//
// Python prints the root cause first, so the type chain is the reverse of the
// text order, and the frames are the last traceback's, innermost (printed last)
// first.
func parsePython(st *stack, text string) {
	blockStart := 0 // index in st.frames where the current traceback's frames start
	inFrames := false
	for raw, line := range stackLines(text) {
		// Exception groups (3.11+) prefix their lines with "| " and "+-".
		for strings.HasPrefix(line, "|") || strings.HasPrefix(line, "+") {
			line = strings.TrimLeft(line, "|+- ")
		}
		switch {
		case line == "":
		case strings.HasPrefix(line, "Traceback (most recent call last)"):
			blockStart = len(st.frames)
			inFrames = true
		case strings.HasPrefix(line, "File \""):
			if inFrames {
				parsePythonFrame(st, line)
			}
		case strings.HasPrefix(line, "During handling of the above exception"),
			strings.HasPrefix(line, "The above exception was the direct cause"):
		case inFrames && (raw[0] == ' ' || raw[0] == '\t'):
			// source line or caret markers
		case inFrames:
			t, _ := splitTypeMessage(line)
			if t == "" && !strings.Contains(line, " ") {
				t = line
			}
			st.addType(t)
			inFrames = false
		}
	}
	// Keep only the last traceback's frames, innermost first.
	if blockStart > 0 {
		n := copy(st.frames, st.frames[blockStart:])
		st.frames = st.frames[:n]
	}
	for i, j := 0, len(st.frames)-1; i < j; i, j = i+1, j-1 {
		st.frames[i], st.frames[j] = st.frames[j], st.frames[i]
	}
	for i, j := 0, len(st.types)-1; i < j; i, j = i+1, j-1 {
		st.types[i], st.types[j] = st.types[j], st.types[i]
	}
}

// parsePythonFrame parses `File "/app/x.py", line 12, in func`.
func parsePythonFrame(st *stack, line string) {
	line = line[len("File \""):]
	q := strings.IndexByte(line, '"')
	if q < 0 {
		return
	}
	path := line[:q]
	fn := ""
	if i := strings.LastIndex(line, ", in "); i >= 0 {
		fn = strings.TrimSpace(line[i+len(", in "):])
	}
	st.frames = append(st.frames, frame{
		module:   baseName(path),
		function: fn,
		sep:      ':',
		inApp:    !containsAny(path, pythonSystemPaths),
	})
}
