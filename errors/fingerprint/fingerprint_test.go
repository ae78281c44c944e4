package fingerprint

import (
	"errors"
	"strings"
	"testing"
)

func TestFingerprintTextRoundTrip(t *testing.T) {
	f := func(fp Fingerprint, text string) {
		t.Helper()
		if got := fp.String(); got != text {
			t.Fatalf("String() = %q; want %q", got, text)
		}
		back, err := Parse(text)
		if err != nil || back != fp {
			t.Fatalf("Parse(%q) = %v, %v; want %v", text, back, err, fp)
		}
		bin := fp.AppendBinary([]byte("x"))
		if len(bin) != 1+BinaryLen {
			t.Fatalf("binary form has %d bytes; want %d", len(bin)-1, BinaryLen)
		}
		back, rest, err := ParseBinary(append(bin[1:], 'y'))
		if err != nil || back != fp || string(rest) != "y" {
			t.Fatalf("ParseBinary = %v, %q, %v", back, rest, err)
		}
	}
	f(Fingerprint{Version: 1, Hash: 0}, "v1:0000000000000000")
	f(Fingerprint{Version: 1, Hash: 0x9f86d081884c7d65}, "v1:9f86d081884c7d65")
	f(Fingerprint{Version: 1, Hash: ^uint64(0)}, "v1:ffffffffffffffff")
	f(Fingerprint{Version: 2, Hash: 0x9f86d081884c7d65}, "v2:9f86d081884c7d65")
	f(Fingerprint{Version: 3, Hash: 0x9f86d081884c7d65}, "v3:9f86d081884c7d65")
	f(Fingerprint{Version: 4, Hash: 0x9f86d081884c7d65}, "v4:9f86d081884c7d65")
	f(Fingerprint{Version: 5, Hash: 0x9f86d081884c7d65}, "v5:9f86d081884c7d65")
	f(Compute(&Record{Body: "hello"}), Compute(&Record{Body: "hello"}).String())
}

func TestParseErrors(t *testing.T) {
	f := func(s string, want error) {
		t.Helper()
		if _, err := Parse(s); !errors.Is(err, want) {
			t.Errorf("Parse(%q) error = %v; want %v", s, err, want)
		}
	}
	f("", ErrInvalidFingerprint)
	f("v1:", ErrInvalidFingerprint)
	f("v1:9f86d081884c7d6", ErrInvalidFingerprint)
	f("v1:9f86d081884c7d655", ErrInvalidFingerprint)
	f("v1:9F86D081884C7D65", ErrInvalidFingerprint)
	f("x1:9f86d081884c7d65", ErrInvalidFingerprint)
	f("v:9f86d081884c7d65", ErrInvalidFingerprint)
	f("v6:9f86d081884c7d65", ErrUnsupportedVersion)
	f("v0:9f86d081884c7d65", ErrUnsupportedVersion)
	for _, v := range []byte{0, 6} {
		if _, _, err := ParseBinary([]byte{v, 0, 0, 0, 0, 0, 0, 0, 0}); !errors.Is(err, ErrUnsupportedVersion) {
			t.Errorf("ParseBinary(v%d) error = %v", v, err)
		}
	}
	if _, _, err := ParseBinary([]byte{1, 0}); !errors.Is(err, ErrInvalidFingerprint) {
		t.Errorf("ParseBinary(short) error = %v", err)
	}
}

// TestFingerprintGolden pins v5 outputs. If this fails, the algorithm changed:
// that is a new version (v6), not an edit of v5.
func TestFingerprintGolden(t *testing.T) {
	f := func(r Record, want string) {
		t.Helper()
		if got := Compute(&r).String(); got != want {
			t.Errorf("Compute(%+v) = %s; want %s", r, got, want)
		}
	}
	f(Record{}, "v5:48695301a5311fcc")
	f(Record{Body: "connect to 10.0.0.1:5432 refused"}, "v5:96622ff4280cc6eb")
	f(Record{Fingerprint: "checkout-timeout"}, "v5:9ff61ca7f80143d9")
	f(Record{ExceptionType: "ValueError", ExceptionMessage: "bad 7"}, "v5:b890a17fc08aa334")
	f(Record{ExceptionType: "java.io.IOException", ExceptionStacktrace: "java.io.IOException: x\n\tat a.B.c(B.java:1)"}, "v5:aee4dd64768f6556")
	f(Record{Body: "Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2"}, "v5:a5fbb7b2e45db734")
	f(Record{Body: `{"level":"error","msg":"dial failed","error":"connect to 10.0.0.1:80: refused"}`}, "v5:792483b384279d16")
	f(Record{ExceptionStacktrace: "Traceback (most recent call last):\n  File \"/app/a.py\", line 3, in f\n    g()\nValueError: bad 1"}, "v5:9a930f439d32cd7f")
	f(Record{ExceptionStacktrace: "panic: boom 7\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:9 +0x1d\n"}, "v5:02704577ee2de263")
	f(Record{Body: "user 42 not found", CodeFunction: "Users.find"}, "v5:4f41291f0eca6c41")
	f(Record{Body: "Accepted application application_1445_0001 from user: alice, in queue: root.etl"}, "v5:1f525268040d7462")
	f(Record{Body: "Jun  2 05:38:47 gateway systemd[1]: nginx.service: Succeeded."}, "v5:0c50d774c70b1b51")
	f(Record{Body: "Jun  2 05:38:47 gateway NetworkManager[812]: IPv6 address fe80::1 added to eth0"}, "v5:d1b73d8b9846d7b3")
	f(Record{Body: "onReceive action: android.intent.action.SCREEN_ON"}, "v5:095323d0d6d588d7")
	f(Record{Body: "(root) CMD (run-parts /etc/cron.hourly)"}, "v5:663be4ac65bd06a5")
	f(Record{Body: "alice : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt-get update"}, "v5:d3eb45cdc9407d7d")
	f(Record{Body: "Out of Memory: Killed process 3234 (chrome)."}, "v5:bdc81ac2de1dc969")
	f(Record{Body: "Resolved hostname: gateway to address: gateway/10.0.0.5"}, "v5:0604ffec914ec18d")
	f(Record{Body: "registerSensor accelerometer failed, sensor not available"}, "v5:a42273017cb9cc4a")
	f(Record{Body: "Server environment:user.name=zookeeper"}, "v5:57067b3ef0af6be8")
}

func TestRules(t *testing.T) {
	explain := func(r Record) (Fingerprint, Explanation) {
		t.Helper()
		fp, ex := Explain(&r)
		if fp != Compute(&r) {
			t.Fatalf("Explain and Compute disagree for %+v", r)
		}
		var f Fingerprinter
		if fp != f.Fingerprint(&r) || fp != f.Fingerprint(&r) {
			t.Fatalf("Fingerprinter disagrees with Compute for %+v", r)
		}
		return fp, ex
	}
	stack := "java.lang.IllegalStateException: x\n\tat com.a.B.c(B.java:1)"

	// 1. error.fingerprint wins over everything.
	fp1, ex := explain(Record{Fingerprint: " k ", ExceptionType: "E", ExceptionStacktrace: stack, Body: "b"})
	if ex.Rule != RuleOverride || ex.Template != "k" {
		t.Fatalf("override: %+v", ex)
	}
	if fp2, _ := explain(Record{Fingerprint: "k"}); fp1 != fp2 {
		t.Fatal("override: other fields changed the fingerprint")
	}
	// 2. A parsable stack: types + frames; the message does not count.
	a, ex := explain(Record{ExceptionType: "java.lang.IllegalStateException", ExceptionMessage: "order 1", ExceptionStacktrace: stack})
	if ex.Rule != RuleStack || ex.Language != "java" || len(ex.Frames) != 1 || ex.Frames[0] != "com.a.B.c" {
		t.Fatalf("stack: %+v", ex)
	}
	if b, _ := explain(Record{ExceptionType: "java.lang.IllegalStateException", ExceptionMessage: "other", ExceptionStacktrace: stack, Body: "x"}); a != b {
		t.Fatal("stack: the message or body changed the fingerprint")
	}
	// 3. Exception without a usable stack: type + normalized message.
	c, ex := explain(Record{ExceptionType: "ValueError", ExceptionMessage: "bad value 7", ExceptionStacktrace: "no frames here"})
	if ex.Rule != RuleException || ex.Template != "bad value <*>" || ex.ExceptionTypes[0] != "ValueError" {
		t.Fatalf("exception: %+v", ex)
	}
	if d, _ := explain(Record{ExceptionType: "TypeError", ExceptionMessage: "bad value 7"}); c == d {
		t.Fatal("exception: different types share a fingerprint")
	}
	// Only a stack that cannot be parsed: its first line gives type and message.
	_, ex = explain(Record{ExceptionStacktrace: "KeyError: 'id'"})
	if ex.Rule != RuleException || ex.ExceptionTypes[0] != "KeyError" || ex.Template != "'<*>'" {
		t.Fatalf("exception from stack line: %+v", ex)
	}
	// 4. Plain log: code.function + first line of the body.
	e, ex := explain(Record{Body: "user 42 not found\nmore", CodeFunction: "Users.find(int)", SeverityNumber: 17})
	if ex.Rule != RuleMessage || ex.Template != "user <*> not found" || ex.CodeFunction != "Users.find" {
		t.Fatalf("message: %+v", ex)
	}
	if g, _ := explain(Record{Body: "user 7 not found"}); e == g {
		t.Fatal("message: code.function did not count")
	}
	// A plain message and an exception message with the same text differ.
	if h, _ := explain(Record{Body: "bad value 7"}); h == c {
		t.Fatal("rule kinds are not separated")
	}
}

func TestIsError(t *testing.T) {
	f := func(sev int32, exc, want bool) {
		t.Helper()
		if got := IsError(sev, exc); got != want {
			t.Errorf("IsError(%d, %v) = %v", sev, exc, got)
		}
	}
	f(0, false, false)
	f(9, false, false)
	f(16, false, false)
	f(17, false, true)
	f(24, false, true)
	f(9, true, true)
	if !(&Record{ExceptionMessage: "x"}).HasException() || (&Record{Body: "x"}).HasException() {
		t.Error("HasException")
	}
}

func TestFingerprintDoesNotAllocate(t *testing.T) {
	var f Fingerprinter
	r := Record{Body: "2024-01-02T03:04:05Z ERROR [main] app.Db: connect to 10.0.0.1:5432 refused after 3 attempts (user=bob)"}
	f.Fingerprint(&r)
	if n := testing.AllocsPerRun(100, func() { f.Fingerprint(&r) }); n != 0 {
		t.Errorf("Fingerprint allocates %v times per call; want 0", n)
	}
	line := "Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2"
	if n := testing.AllocsPerRun(100, func() { f.Message(line) }); n != 0 {
		t.Errorf("Message allocates %v times per call; want 0", n)
	}
}

func TestSeverityFromText(t *testing.T) {
	f := func(text string, want int32) {
		t.Helper()
		if got := SeverityFromText(text); got != want {
			t.Errorf("SeverityFromText(%q) = %d; want %d", text, got, want)
		}
	}
	f("ERROR", 17)
	f(" err ", 17)
	f("Fatal", 21)
	f("CRIT", 21)
	f("panic", 21)
	f("warning", 13)
	f("Info", 9)
	f("debug", 5)
	f("TRACE", 1)
	f("", 0)
	f("bogus", 0)
	f("a-very-long-severity-text", 0)
	if !IsError(SeverityFromText("critical"), false) || IsError(SeverityFromText("warn"), false) {
		t.Error("IsError over SeverityFromText")
	}
}

func TestRuleString(t *testing.T) {
	got := []string{RuleOverride.String(), RuleStack.String(), RuleException.String(), RuleMessage.String(), Rule(0).String()}
	if strings.Join(got, ",") != "override,stack,exception,message,unknown" {
		t.Fatal(got)
	}
}
