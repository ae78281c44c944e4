package fingerprint

import "strings"

// parseGo parses a Go panic or a runtime/debug.Stack() dump:
//
//	panic: runtime error: index out of range [5] with length 3
//
//	goroutine 1 [running]:
//	main.(*Server).handle(0xc000010000, {0x4b2f40, 0xc00001c030})
//		/home/u/app/server.go:42 +0x12
//	created by main.main in goroutine 1
//		/home/u/app/main.go:10 +0x25
//
// Go has no exception type in the text, so the "type" is the panic (or fatal
// error) message, normalized. Only the first goroutine (the one that panicked
// or called debug.Stack) contributes frames.
func parseGo(st *stack, text string) {
	goroutines := 0
	for rest := text; rest != ""; {
		var raw string
		raw, rest = cutLine(rest)
		line := strings.TrimSpace(raw)
		switch {
		case line == "":
		case strings.HasPrefix(raw, "panic: ") && len(st.types) == 0:
			st.addGoType("panic: ", strings.TrimSuffix(line[len("panic: "):], " [recovered]"))
		case strings.HasPrefix(raw, "fatal error: ") && len(st.types) == 0:
			st.addGoType("fatal error: ", line[len("fatal error: "):])
		case strings.HasPrefix(line, "goroutine ") && strings.HasSuffix(line, "]:"):
			goroutines++
			if goroutines > 1 {
				return
			}
		case raw[0] == ' ' || raw[0] == '\t', strings.HasPrefix(line, "created by "),
			strings.HasPrefix(line, "[signal "), strings.HasPrefix(line, "exit status "):
		default:
			// A function line is followed by its indented "file.go:line +0x.." line.
			next, _ := cutLine(rest)
			if next == "" || (next[0] != '\t' && next[0] != ' ') || !strings.Contains(next, ".go:") {
				continue
			}
			parseGoFrame(st, line)
		}
	}
}

// addGoType records "panic: <normalized message>" as the type.
func (st *stack) addGoType(kind, msg string) {
	start := len(st.owned)
	st.owned = append(st.owned, kind...)
	st.owned = AppendTemplate(st.owned, msg)
	st.types = append(st.types, string(st.owned[start:]))
}

// parseGoFrame parses "github.com/a/b/pkg.(*T).Method(0x1, ...)".
func parseGoFrame(st *stack, fn string) {
	if strings.HasSuffix(fn, ")") {
		if i := strings.LastIndexByte(fn, '('); i > 0 {
			fn = fn[:i]
		}
	}
	// The import path ends at the first '.' after the last '/'.
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return
	}
	dot += slash + 1
	importPath, name := fn[:dot], fn[dot+1:]
	first := importPath
	if i := strings.IndexByte(first, '/'); i >= 0 {
		first = first[:i]
	}
	// Standard library packages have no dot in their first path element.
	inApp := strings.IndexByte(first, '.') >= 0 || importPath == "main"
	st.frames = append(st.frames, frame{
		module:   baseName(importPath),
		function: name,
		sep:      '.',
		inApp:    inApp,
	})
}
