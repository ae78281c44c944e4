package main

import (
	"testing"
	"unicode/utf8"
)

func TestOneLineCutsOnRuneBoundary(t *testing.T) {
	f := func(s string, n int, want string) {
		t.Helper()
		got := oneLine(s, n)
		if got != want || !utf8.ValidString(got) {
			t.Errorf("oneLine(%q, %d) = %q, want %q", s, n, got, want)
		}
	}
	f("short", 10, "short")
	f("réessayez", 2, "r…")
	f("a\nb", 100, "a ⏎ b")
	f("abcdef", 3, "abc…")
}
