package selector

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseRoundTrip(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		q, err := Parse(in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		if got := q.String(); got != want {
			t.Fatalf("Parse(%q).String() = %q, want %q", in, got, want)
		}
		q2, err := Parse(q.String())
		if err != nil {
			t.Fatalf("reparse %q: %v", q.String(), err)
		}
		if q2.String() != want {
			t.Fatalf("reparse of %q gave %q", want, q2.String())
		}
	}
	f(``, `{}`)
	f(`{}`, `{}`)
	f(`{service.name="checkout"}`, `{service.name="checkout"}`)
	f(`{ service.name = "checkout" , k8s.job.name=~"etl-.*" }`, `{service.name="checkout", k8s.job.name=~"etl-.*"}`)
	f(`{a!="x",b!~"y|z",}`, `{a!="x", b!~"y|z"}`)
	f("{\"weird name\"=`raw\\n`}", `{"weird name"="raw\\n"}`)
	f(`{a="1"} |= "timeout" != "debug" |~ "t.*o" !~ "x+"`, `{a="1"} |= "timeout" != "debug" |~ "t.*o" !~ "x+"`)
	f(`{} | severity >= warn`, `{} | severity >= warn`)
	f(`{} | level="error" | severity < 5`, `{} | severity = error | severity < 5`)
	f(`{} | severity > 9 | severity != "WARNING"`, `{} | severity > 9 | severity != warn`)
	f(`{a="\u00e9\"q"}`, `{a="é\"q"}`)
}

func TestParseErrors(t *testing.T) {
	f := func(in string, pos int, msgPart string) {
		t.Helper()
		_, err := Parse(in)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Fatalf("Parse(%q) = %v, want *Error", in, err)
		}
		if pe.Pos != pos || !strings.Contains(pe.Msg, msgPart) {
			t.Fatalf("Parse(%q) = pos %d %q, want pos %d containing %q", in, pe.Pos, pe.Msg, pos, msgPart)
		}
		if !strings.Contains(err.Error(), "position") {
			t.Fatalf("error text %q does not name the position", err)
		}
	}
	f(`service="x"`, 0, "expected '{'")
	f(`{service}`, 8, "expected one of")
	f(`{a="x"`, 6, "expected ',' or '}'")
	f(`{a="x}`, 3, "unterminated string")
	f(`{a=~"("}`, 4, "invalid regexp")
	f(`{a="x"} |= timeout`, 11, "quoted string")
	f(`{a="x"} && "b"`, 8, "line filter")
	f(`{a="x"} | severity >= loud`, 22, "unknown severity")
	f(`{a="x"} | json`, 10, "expected 'severity'")
	f(`{1a="x"}`, 1, "attribute name")
	f(`{a="x"} |~ "["`, 11, "invalid regexp")
}

func TestMatchers(t *testing.T) {
	q, err := Parse(`{job=~"etl-.*", env!="dev", team!~"a|b"} |= "timeout" | severity >= error`)
	if err != nil {
		t.Fatal(err)
	}
	res := func(kv ...string) func(string) string {
		return func(n string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == n {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	if !q.MatchesResource(res("job", "etl-7", "env", "prod")) {
		t.Error("etl-7/prod should match")
	}
	if q.MatchesResource(res("job", "xetl-7")) {
		t.Error("regexp must be anchored")
	}
	if q.MatchesResource(res("job", "etl-1", "env", "dev")) {
		t.Error("env=dev must not match")
	}
	if q.MatchesResource(res("job", "etl-1", "team", "a")) {
		t.Error("team=a must not match")
	}
	if !q.MatchesRecord("db timeout after 3s", 17) || q.MatchesRecord("db timeout", 13) || q.MatchesRecord("ok", 17) {
		t.Error("record filters wrong")
	}
	if (&Matcher{Name: "x", Type: MatchEqual, Value: ""}).MatchesEmpty() != true {
		t.Error(`x="" must match a missing attribute`)
	}
}

func TestSeverityEqualityCoversLevel(t *testing.T) {
	f := &SeverityFilter{Op: OpEq, Level: 13, Word: true}
	for sev, want := range map[int32]bool{12: false, 13: true, 16: true, 17: false} {
		if f.Matches(sev) != want {
			t.Errorf("= warn on %d: got %v", sev, !want)
		}
	}
	g := &SeverityFilter{Op: OpGt, Level: 13, Word: true}
	if g.Matches(16) || !g.Matches(17) {
		t.Error("> warn must mean above the warn range")
	}
}

// A number is compared as a number: "> 9" accepts 10 to 12 (it used to mean
// "above the INFO range" because 9 is the first number of INFO, while "> 10"
// accepted 11).
func TestSeverityNumberIsExact(t *testing.T) {
	for _, tc := range []struct {
		filter string
		want   []int32
	}{
		{"= 9", []int32{9}},
		{"!= 9", []int32{1, 5, 10, 12, 13, 16, 17, 21}},
		{"> 9", []int32{10, 12, 13, 16, 17, 21}},
		{">= 9", []int32{9, 10, 12, 13, 16, 17, 21}},
		{"<= 9", []int32{1, 5, 9}},
		{`= "13"`, []int32{13}},
		{"= 1", []int32{1}},
		{"> info", []int32{13, 16, 17, 21}},
		{"<= info", []int32{1, 5, 9, 10, 12}},
		{"= info", []int32{9, 10, 12}},
	} {
		q, err := Parse("{} | severity " + tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		var got []int32
		for _, sev := range []int32{1, 5, 9, 10, 12, 13, 16, 17, 21} {
			if q.MatchesRecord("", sev) {
				got = append(got, sev)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("severity %s: matched %v, want %v", tc.filter, got, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`{a="b"}`, `{a=~"x.*", b!="c"} |= "t" | severity >= warn`, "{`a`=`b`}", `{} !~ "["`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Pos < 0 || pe.Pos > len(s) {
				t.Fatalf("Parse(%q): bad error %v", s, err)
			}
			return
		}
		q2, err := Parse(q.String())
		if err != nil {
			t.Fatalf("String() of %q = %q does not parse: %v", s, q.String(), err)
		}
		if q2.String() != q.String() {
			t.Fatalf("round trip of %q: %q != %q", s, q2.String(), q.String())
		}
	})
}
