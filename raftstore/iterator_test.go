package raftstore

import "testing"

func TestSliceIter(t *testing.T) {
	s := &sliceIter{pos: -1}
	for _, k := range []string{"b", "d", "f"} {
		s.keys = append(s.keys, []byte(k))
		s.values = append(s.values, []byte("v"+k))
	}
	f := func(op func() bool, want string) {
		t.Helper()
		got := "<none>"
		if op() {
			got = string(s.Key()) + "=" + string(s.Value())
		}
		if got != want || s.Valid() != (want != "<none>") {
			t.Fatalf("got %s (valid %v), want %s", got, s.Valid(), want)
		}
	}
	f(s.First, "b=vb")
	f(s.Next, "d=vd")
	f(s.Prev, "b=vb")
	f(s.Prev, "<none>")
	f(s.Next, "<none>") // an exhausted iterator stays exhausted
	f(s.Last, "f=vf")
	f(s.Next, "<none>")
	f(func() bool { return s.SeekGE([]byte("c")) }, "d=vd")
	f(func() bool { return s.SeekGE([]byte("d")) }, "d=vd")
	f(func() bool { return s.SeekGE([]byte("g")) }, "<none>")
	f(func() bool { return s.SeekLT([]byte("d")) }, "b=vb")
	f(func() bool { return s.SeekLT([]byte("b")) }, "<none>")
	f(func() bool { return s.SeekLT([]byte("z")) }, "f=vf")
}
