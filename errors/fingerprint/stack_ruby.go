package fingerprint

import "strings"

// rubySystemPaths mark Ruby frames outside the application. Part of v1.
var rubySystemPaths = []string{"/gems/", "/ruby/", "/rubygems", "vendor/bundle", "<internal:"}

// parseRuby parses a Ruby backtrace, as printed by the interpreter or by Rails:
//
//	/app/models/user.rb:10:in `validate!': undefined method `x' for nil (NoMethodError)
//		from /app/controllers/users_controller.rb:5:in `create'
//		from /gems/actionpack-7.0.4/lib/abstract_controller/base.rb:215:in `process'
//
// Ruby 3.4 quotes with '...' and prints 'Class#method'. A later unprefixed
// frame line carrying ": message (Type)" starts a cause.
func parseRuby(st *stack, text string) {
	outer := true
	first := true
	for _, line := range stackLines(text) {
		if line == "" {
			continue
		}
		from := strings.HasPrefix(line, "from ")
		line = strings.TrimPrefix(line, "from ")
		in := strings.Index(line, ":in ")
		if in < 0 {
			if first && len(st.types) == 0 {
				// "NoMethodError (undefined method ...):" or "NoMethodError: msg"
				if i := strings.Index(line, " ("); i > 0 && isTypeName(line[:i]) {
					st.addType(line[:i])
				} else {
					t, _ := splitTypeMessage(line)
					st.addType(t)
				}
			}
			continue
		}
		fn, tail := rubyFunction(line[in+len(":in "):])
		if !from && tail != "" {
			// "...: message (Type)": the outermost exception, or a cause.
			if t := rubyTrailingType(tail); t != "" {
				if !first {
					outer = false
				}
				st.addType(t)
			}
		}
		first = false
		if !outer {
			continue
		}
		path := line[:in]
		if i := strings.LastIndexByte(path, ':'); i >= 0 && allDigits(path[i+1:]) {
			path = path[:i]
		}
		st.frames = append(st.frames, frame{
			module:   baseName(path),
			function: fn,
			sep:      ':',
			inApp:    !containsAny(path, rubySystemPaths),
		})
	}
}

// rubyFunction extracts the method from "`name'..." or "'name'..." and returns
// what follows the closing quote. "block (2 levels) in x", "rescue in x" and
// "ensure in x" become "x".
func rubyFunction(s string) (fn, tail string) {
	if s == "" || (s[0] != '`' && s[0] != '\'') {
		return "", ""
	}
	s = s[1:]
	end := strings.IndexByte(s, '\'')
	if end < 0 {
		return s, ""
	}
	fn, tail = s[:end], s[end+1:]
	for _, p := range [...]string{"block in ", "rescue in ", "ensure in "} {
		fn = strings.TrimPrefix(fn, p)
	}
	if strings.HasPrefix(fn, "block (") {
		if i := strings.Index(fn, ") in "); i >= 0 {
			fn = fn[i+len(") in "):]
		}
	}
	return fn, tail
}

// rubyTrailingType returns Type from ": message (Type)".
func rubyTrailingType(tail string) string {
	tail = strings.TrimSpace(tail)
	if !strings.HasSuffix(tail, ")") {
		return ""
	}
	i := strings.LastIndexByte(tail, '(')
	if i < 0 {
		return ""
	}
	if t := tail[i+1 : len(tail)-1]; isTypeName(t) {
		return t
	}
	return ""
}
