package fingerprint

import "strings"

// dotnetSystemPrefixes are namespaces of frames outside the application. Part of v1.
var dotnetSystemPrefixes = []string{
	"System.", "Microsoft.", "Newtonsoft.", "Npgsql.", "Grpc.", "Google.Protobuf.",
	"Castle.", "Polly.", "Serilog.", "NLog.", "Xunit.", "NUnit.", "Dapper.", "MySqlConnector.",
}

// parseDotnet parses an Exception.ToString() from .NET:
//
//	System.InvalidOperationException: outer ---> System.IO.IOException: inner
//	   at App.Disk.Write(Byte[] data) in /src/App/Disk.cs:line 12
//	   --- End of inner exception stack trace ---
//	   at App.Orders.Save(Order o) in /src/App/Orders.cs:line 40
//
// Inner exceptions print their frames first; the outermost exception's frames
// follow the last "End of inner exception stack trace" marker.
func parseDotnet(st *stack, text string) {
	header := true
	outerStart := 0
	for _, line := range stackLines(text) {
		switch {
		case line == "":
		case strings.HasPrefix(line, "at "):
			header = false
			parseDotnetFrame(st, line[3:])
		case strings.HasPrefix(line, "--- End of inner exception stack trace"):
			outerStart = len(st.frames)
		case strings.HasPrefix(line, "---"):
			// "--- End of stack trace from previous location ---"
		case strings.HasPrefix(line, "---> "):
			addDotnetTypes(st, line[len("---> "):])
		case header:
			if len(st.types) == 0 {
				line = strings.TrimPrefix(line, "Unhandled exception. ")
				line = strings.TrimPrefix(line, "Unhandled Exception: ")
				addDotnetTypes(st, line)
			} else if i := strings.Index(line, " ---> "); i >= 0 {
				addDotnetTypes(st, line[i+len(" ---> "):]) // a multi-line message
			}
		}
	}
	if outerStart > 0 && outerStart < len(st.frames) {
		n := copy(st.frames, st.frames[outerStart:])
		st.frames = st.frames[:n]
	}
}

// addDotnetTypes adds the types of "A: msg ---> B: msg ---> C: msg".
func addDotnetTypes(st *stack, s string) {
	for s != "" {
		part := s
		s = ""
		if i := strings.Index(part, " ---> "); i >= 0 {
			part, s = part[:i], part[i+len(" ---> "):]
		}
		t, _ := splitTypeMessage(part)
		st.addType(t)
	}
}

// parseDotnetFrame parses "Ns.Class.Method(args) in path:line N". Async state
// machines (Ns.Class.<GetAsync>d__5.MoveNext) are folded into their method.
func parseDotnetFrame(st *stack, s string) {
	class, method, ok := splitMethod(s, "([")
	if !ok {
		return
	}
	if method == "MoveNext" {
		if i := strings.LastIndexByte(class, '.'); i >= 0 && strings.HasPrefix(class[i+1:], "<") {
			if j := strings.IndexByte(class[i+1:], '>'); j > 1 {
				method = class[i+2 : i+1+j]
				class = class[:i]
			}
		}
	}
	st.frames = append(st.frames, frame{
		module:   class,
		function: method,
		sep:      '.',
		inApp:    !hasAnyPrefix(class, dotnetSystemPrefixes),
	})
}
