package fingerprint

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzFingerprint feeds arbitrary messages and stack traces through every
// parser and the normalizer. Invariants: no panic, the same input always gives
// the same fingerprint (fresh or reused Fingerprinter), the text form carries the
// version prefix and parses back, and templates are single-line.
//
//	go test ./errors/fingerprint -run '^$' -fuzz FuzzFingerprint -fuzztime 60s
func FuzzFingerprint(f *testing.F) {
	seeds := []string{
		"",
		"081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating",
		"Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4",
		`{"level":"error","msg":"dial \"x\" failed","error":"refused"}`,
		`time="2024" level=error msg="a \" b" err=`,
		"[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS",
		"key= 'unterminated quote \"and more [brackets (\x00\xff",
		"java.lang.IllegalStateException: x\n\tat com.a.B.c(B.java:1)\nCaused by: java.io.IOException: y\n\t... 3 more",
		"Traceback (most recent call last):\n  File \"/app/a.py\", line 1, in f\n    g()\nValueError: bad\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n  File \"b.py\", line 2, in <module>\nKeyError: 1",
		"panic: boom [recovered]\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:9 +0x1d\n",
		"TypeError: x\n    at f (/app/a.js:1:2)\n  [cause]: Error: y",
		"System.Exception: a ---> System.IO.IOException: b\n   at A.B.<C>d__1.MoveNext() in /a.cs:line 1\n   --- End of inner exception stack trace ---\n   at A.B.D()",
		"/app/a.rb:1:in `x': m (E)\n\tfrom /app/b.rb:2:in 'y'",
		"goroutine 1 [running]:\nmain.(\n\t.go:",
		"at (\nat )\nat .\nat a.\nCaused by: \n",
	}
	for i, s := range seeds {
		f.Add(s, []string{"", "java", "python", "go", "nodejs", "dotnet", "ruby"}[i%7], "E", uint8(i))
	}
	f.Fuzz(func(t *testing.T, text, lang, typ string, mode uint8) {
		r := Record{SDKLanguage: lang}
		switch mode % 4 {
		case 0:
			r.Body = text
		case 1:
			r.ExceptionStacktrace = text
		case 2:
			r.ExceptionStacktrace, r.ExceptionType, r.ExceptionMessage = text, typ, text
		case 3:
			r.ExceptionMessage, r.CodeFunction = text, typ
		}
		fp1, ex := Explain(&r)
		var reused Fingerprinter
		reused.Message("warm up the buffers with something else 123")
		fp2 := reused.Fingerprint(&r)
		if fp1 != fp2 || fp1 != Compute(&r) {
			t.Fatalf("not deterministic: %v %v", fp1, fp2)
		}
		s := fp1.String()
		if !strings.HasPrefix(s, textPrefix) || len(s) != TextLen {
			t.Fatalf("bad text form %q", s)
		}
		if back, err := Parse(s); err != nil || back != fp1 {
			t.Fatalf("Parse(%q) = %v, %v", s, back, err)
		}
		if strings.ContainsAny(ex.Template, "\n") && ex.Rule != RuleOverride {
			t.Fatalf("multi-line template %q", ex.Template)
		}
		tmpl := AppendTemplate(nil, text)
		if strings.IndexByte(string(tmpl), '\n') >= 0 {
			t.Fatalf("multi-line template %q", tmpl)
		}
		if utf8.ValidString(text) && len(text) < maxLineBytes && !utf8.Valid(tmpl) {
			t.Fatalf("template of valid UTF-8 is not UTF-8: %q -> %q", text, tmpl)
		}
	})
}
