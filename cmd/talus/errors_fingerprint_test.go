package main

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/talus-logs/talus/errors/fingerprint"
)

func runFP(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runErrorsFingerprint(args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

func TestErrorsFingerprintPlain(t *testing.T) {
	in := "connect to 10.0.0.1:5432 refused\r\n" +
		"connect to 10.0.0.2:5432 refused\n" +
		"\n" +
		"2024-01-02T03:04:05Z ERROR [main] app.Db: connect to 10.9.9.9:5432 refused\n" +
		"disk full" // no trailing newline
	out, errOut, code := runFP(t, in)
	if code != 0 || errOut != "" {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("got %d output lines for 5 input lines:\n%s", len(lines), out)
	}
	for _, l := range lines {
		if _, err := fingerprint.Parse(l); err != nil {
			t.Errorf("output line %q: %v", l, err)
		}
	}
	if lines[0] != lines[1] || lines[0] != lines[3] {
		t.Errorf("same template, different fingerprints: %q %q %q", lines[0], lines[1], lines[3])
	}
	if lines[0] == lines[4] || lines[0] == lines[2] {
		t.Errorf("different templates share a fingerprint: %q", out)
	}
}

func TestErrorsFingerprintExplain(t *testing.T) {
	out, _, code := runFP(t, "retry 3 of 5 for user bob from 10.0.0.1\n", "--explain")
	if code != 0 {
		t.Fatalf("code %d", code)
	}
	fields := strings.Split(strings.TrimSuffix(out, "\n"), "\t")
	if len(fields) != 2 || fields[1] != "retry <*> of <*> for user <*> from <*>" {
		t.Fatalf("got %q", out)
	}
}

func TestErrorsFingerprintLongLine(t *testing.T) {
	long := "payload " + strings.Repeat("x", 2<<20) // 2 MiB, longer than the read buffer
	out, _, code := runFP(t, long+"\nshort 1\nshort 2\n")
	if code != 0 {
		t.Fatalf("code %d", code)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 || lines[1] != lines[2] || lines[0] == lines[1] {
		t.Fatalf("got %q", out)
	}
}

func TestErrorsFingerprintJSON(t *testing.T) {
	const javaStack = `java.lang.IllegalStateException: order 42\n\tat com.shop.Orders.load(Orders.java:42)\n\tat java.lang.Thread.run(Thread.java:833)`
	in := `{"severityNumber":17,"body":{"stringValue":"load failed"},"attributes":[` +
		`{"key":"exception.type","value":{"stringValue":"java.lang.IllegalStateException"}},` +
		`{"key":"exception.stacktrace","value":{"stringValue":"` + javaStack + `"}}],` +
		`"resource":{"attributes":[{"key":"telemetry.sdk.language","value":{"stringValue":"java"}}]}}` + "\n" +
		`{"severityNumber":"SEVERITY_NUMBER_ERROR","body":{"stringValue":"x"},"attributes":[{"key":"error.fingerprint","value":{"stringValue":"my-key\n\tpart 2"}}]}` + "\n" +
		`{"body":{"stringValue":"user 42 not found"},"attributes":[{"key":"code.function","value":{"stringValue":"Users.find"}}]}` + "\n" +
		`not json` + "\n" +
		`{"body":{"kvlistValue":{"values":[{"key":"level","value":{"stringValue":"e"}},{"key":"msg","value":{"stringValue":"user 9 gone"}}]}}}` + "\n" +
		`{"body":{"stringValue":"x"},"attributes":[{"key":"exception.type","value":{"stringValue":"ValueError"}},{"key":"exception.message","value":{"stringValue":"bad 7"}}],"resource":[{"key":"telemetry.sdk.language","value":{"stringValue":"python"}}]}` + "\n"
	out, errOut, code := runFP(t, in, "--json", "--explain")
	if code != 1 || !strings.Contains(errOut, "line 4") {
		t.Fatalf("code %d, stderr %q; want 1 and a complaint about line 4", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("got %d lines:\n%s", len(lines), out)
	}
	want := []string{
		"\tstack\tjava.lang.IllegalStateException @ com.shop.Orders.load",
		"\toverride\tmy-key  part 2",
		"\tmessage\tUsers.find: user <*> not found",
		"-",
		"\tmessage\tuser <*> gone",
		"\texception\tValueError: bad <*>",
	}
	for i, w := range want {
		if !strings.HasSuffix(lines[i], w) {
			t.Errorf("line %d: got %q, want suffix %q", i+1, lines[i], w)
		}
	}
}

func TestErrorsFingerprintUsage(t *testing.T) {
	_, errOut, code := runFP(t, "", "--nope")
	if code != 2 || !strings.Contains(errOut, "Usage: talus errors fingerprint") {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	_, _, code = runFP(t, "", "extra")
	if code != 2 {
		t.Fatalf("positional argument: code %d, want 2", code)
	}
	_, errOut, code = runFP(t, "", "-h")
	if code != 0 || !strings.Contains(errOut, "--json") {
		t.Fatalf("-h: code %d, stderr %q", code, errOut)
	}
}

// TestErrorsFingerprintStreams checks that with --per-message a line's
// fingerprint is written before the next input arrives (the output is
// flushed whenever reading would block), so the command can sit in a
// pipeline.
func TestErrorsFingerprintStreams(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- runErrorsFingerprint([]string{"--per-message"}, inR, outW, io.Discard)
		outW.Close()
	}()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	if _, err := io.WriteString(inW, "first 1\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case l := <-lines:
		if _, err := fingerprint.Parse(l); err != nil {
			t.Fatalf("got %q: %v", l, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no output for the first line while stdin stays open: output is not streamed")
	}
	inW.Close()
	if code := <-done; code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

// TestErrorsTopBadArguments: a stray argument or a limit below 1 is a usage
// error, not a request with the flags after the argument dropped or with the
// server's default limit.
func TestErrorsTopBadArguments(t *testing.T) {
	t.Setenv("TALUS_SERVER", "http://127.0.0.1:1") // where a request would go if one were sent
	for _, args := range [][]string{
		{"checkout", "--since", "1h"},
		{"--since", "1h", "extra"},
		{"--limit", "0"},
		{"--limit", "-3"},
	} {
		var out, errOut bytes.Buffer
		code := runErrorsTop(args, &out, &errOut)
		if code != 2 || strings.Contains(errOut.String(), "127.0.0.1:1") {
			t.Errorf("talus errors top %q: code %d, stderr %q; want a usage error (2)", args, code, errOut.String())
		}
	}
}

// TestErrorsFingerprintJSONValuesAsIngest: non-string bodies and attribute
// values give the string the ingest path fingerprints (the server's sample
// message for these records), so that --json prints the fingerprint the
// server counts them under.
func TestErrorsFingerprintJSONValuesAsIngest(t *testing.T) {
	cases := []struct {
		line string
		rec  fingerprint.Record
	}{
		{`{"severityNumber":17,"body":{"kvlistValue":{"values":[{"key":"event","value":{"stringValue":"login failed"}},{"key":"n","value":{"intValue":"5"}}]}}}`,
			fingerprint.Record{Body: `{"event":"login failed","n":5}`}},
		{`{"severityNumber":17,"body":{"kvlistValue":{"values":[{"key":"message","value":{"intValue":"42"}},{"key":"msg","value":{"stringValue":"fallback msg 3"}}]}}}`,
			fingerprint.Record{Body: "fallback msg 3"}},
		{`{"severityNumber":17,"body":{"bytesValue":"aGVsbG8gd29ybGQ="}}`,
			fingerprint.Record{Body: "aGVsbG8gd29ybGQ="}},
		{`{"severityNumber":17,"body":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"1"}]}}}`,
			fingerprint.Record{Body: `["a",1]`}},
		{`{"severityNumber":17,"body":{"stringValue":"x"},"attributes":[{"key":"exception.type","value":{"stringValue":"E"}},{"key":"exception.message","value":{"kvlistValue":{"values":[{"key":"code","value":{"intValue":"7"}}]}}}]}`,
			fingerprint.Record{Body: "x", ExceptionType: "E", ExceptionMessage: `{"code":7}`}},
	}
	var in strings.Builder
	for _, c := range cases {
		in.WriteString(c.line + "\n")
	}
	out, errOut, code := runFP(t, in.String(), "--json")
	if code != 0 {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(cases) {
		t.Fatalf("got %d lines for %d records:\n%s", len(lines), len(cases), out)
	}
	for i, c := range cases {
		if want := fingerprint.Compute(&c.rec).String(); lines[i] != want {
			t.Errorf("line %d: %s, want %s (the fingerprint of %+v)", i+1, lines[i], want, c.rec)
		}
	}
}

// TestErrorsFingerprintJSONLanguageFromResourceOnly: the ingest path takes
// telemetry.sdk.language from the resource alone, so a record attribute of
// that name must not choose the stack parser either.
func TestErrorsFingerprintJSONLanguageFromResourceOnly(t *testing.T) {
	const stack = `System.InvalidOperationException: bad 5\n   at Shop.Orders.<SaveAsync>d__5.MoveNext() in /src/Orders.cs:line 12\n   at Shop.Api.Handle() in /src/Api.cs:line 3\n`
	lang := func(where string) string {
		attr := `{"key":"telemetry.sdk.language","value":{"stringValue":"java"}}`
		switch where {
		case "record":
			return `{"body":{"stringValue":"x"},"attributes":[` + attr + `,{"key":"exception.stacktrace","value":{"stringValue":"` + stack + `"}}]}`
		case "resource":
			return `{"body":{"stringValue":"x"},"attributes":[{"key":"exception.stacktrace","value":{"stringValue":"` + stack + `"}}],"resource":{"attributes":[` + attr + `]}}`
		}
		return `{"body":{"stringValue":"x"},"attributes":[{"key":"exception.stacktrace","value":{"stringValue":"` + stack + `"}}]}`
	}
	out, errOut, code := runFP(t, lang("none")+"\n"+lang("record")+"\n"+lang("resource")+"\n", "--json")
	if code != 0 {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 || lines[0] != lines[1] {
		t.Fatalf("a record attribute telemetry.sdk.language changed the fingerprint:\n%s", out)
	}
	if lines[0] == lines[2] {
		t.Fatalf("the resource's telemetry.sdk.language should choose the parser here (test premise):\n%s", out)
	}
}

// TestErrorsFingerprintJSONNotAnObject: JSON that is not an object (null
// included, which json.Unmarshal takes into a struct) is not a record.
func TestErrorsFingerprintJSONNotAnObject(t *testing.T) {
	out, errOut, code := runFP(t, "null\n {\"body\":{\"stringValue\":\"ok 1\"}}\n  null \n", "--json")
	if code != 1 || out != "-\n"+fingerprint.Compute(&fingerprint.Record{Body: "ok 1"}).String()+"\n-\n" ||
		!strings.Contains(errOut, "line 1") || !strings.Contains(errOut, "line 3") {
		t.Fatalf("code %d, stdout %q, stderr %q; want - for lines 1 and 3, reported, exit 1", code, out, errOut)
	}
}

// TestErrorsFingerprintMerges checks the default output: lines whose
// templates differ in a word that takes three or more values share a
// fingerprint, a word that takes two does not, and --per-message prints the
// keys stored at ingest.
func TestErrorsFingerprintMerges(t *testing.T) {
	in := "syslogd startup succeeded\n" +
		"Link is up\n" +
		"klogd startup succeeded\n" +
		"Link is down\n" +
		"crond startup succeeded\n"
	out, errOut, code := runFP(t, in)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	fps := strings.Fields(out)
	if len(fps) != 5 {
		t.Fatalf("%d lines out for 5 in: %q", len(fps), out)
	}
	if fps[0] != fps[2] || fps[0] != fps[4] {
		t.Errorf("the three startup lines differ: %v", fps)
	}
	if fps[1] == fps[3] || fps[1] == fps[0] {
		t.Errorf("up and down merged: %v", fps)
	}
	per, _, _ := runFP(t, in, "--per-message")
	pfs := strings.Fields(per)
	if len(pfs) != 5 || pfs[0] == pfs[2] || pfs[1] != fps[1] {
		t.Errorf("--per-message: %v (merged %v)", pfs, fps)
	}
	var f fingerprint.Fingerprinter
	if want := f.Message("Link is up").String(); pfs[1] != want {
		t.Errorf("--per-message key %s, ingest computes %s", pfs[1], want)
	}
	explained, _, _ := runFP(t, in, "--explain")
	if first, _, _ := strings.Cut(explained, "\n"); !strings.HasSuffix(first, "\t<*> startup succeeded") {
		t.Errorf("--explain first line %q", first)
	}
}
