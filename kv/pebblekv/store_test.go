package pebblekv

import (
	"errors"
	"strconv"
	"testing"

	"github.com/talus-logs/talus/kv"
)

// sum is an associative merge: decimal numbers add up.
func sum(_, older, newer []byte) ([]byte, error) {
	a, err := strconv.Atoi(string(older))
	if err != nil {
		return nil, err
	}
	b, err := strconv.Atoi(string(newer))
	if err != nil {
		return nil, err
	}
	return []byte(strconv.Itoa(a + b)), nil
}

func TestStoreSurvivesReopenAndMerges(t *testing.T) {
	dir := t.TempDir()
	open := func() *Store {
		t.Helper()
		s, err := Open(dir, &Options{Merger: kv.MergerByTable(map[byte]kv.Merger{'c': sum})})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	for i := 0; i < 3; i++ {
		b := s.NewBatch()
		if err := b.Merge([]byte("c1"), []byte("5")); err != nil {
			t.Fatal(err)
		}
		if err := b.Set([]byte("a"+strconv.Itoa(i)), []byte("v")); err != nil {
			t.Fatal(err)
		}
		if err := b.Commit(true); err != nil {
			t.Fatal(err)
		}
		b.Close()
	}
	b := s.NewBatch()
	_ = b.DeleteRange([]byte("a1"), []byte("a2"))
	_ = b.Merge([]byte("x"), []byte("untabled"))
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open()
	defer s.Close()
	if v, err := s.Get([]byte("c1")); err != nil || string(v) != "15" {
		t.Fatalf("merged counter = %q, %v; want 15", v, err)
	}
	if v, err := s.Get([]byte("x")); err != nil || string(v) != "untabled" {
		t.Fatalf("merge without a table merger = %q, %v", v, err)
	}
	if _, err := s.Get([]byte("a1")); !errors.Is(err, kv.ErrNotFound) {
		t.Fatalf("a1 after DeleteRange: %v", err)
	}
	it, err := s.NewIter(&kv.IterOptions{LowerBound: []byte("a"), UpperBound: kv.PrefixEnd([]byte("a"))})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for ok := it.First(); ok; ok = it.Next() {
		keys = append(keys, string(it.Key()))
	}
	it.Close()
	if len(keys) != 2 || keys[0] != "a0" || keys[1] != "a2" {
		t.Fatalf("keys = %v", keys)
	}
}

func TestPrefixEnd(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := string(kv.PrefixEnd([]byte(in))); got != want {
			t.Fatalf("PrefixEnd(%q) = %q, want %q", in, got, want)
		}
	}
	f("a", "b")
	f("a\xff", "b")
	f("\xff\xff", "")
}

// TestMergerKeepsOperandOrder merges operands added newer and older with
// an associative merger that is not commutative: the result keeps their
// order however Finish pairs them.
func TestMergerKeepsOperandOrder(t *testing.T) {
	concat := func(_, older, newer []byte) ([]byte, error) {
		return append(append([]byte(nil), older...), newer...), nil
	}
	for n := 1; n < 12; n++ {
		vm, err := newPebbleMerger(concat).Merge([]byte("k"), []byte{'a' + byte(n)})
		if err != nil {
			t.Fatal(err)
		}
		want := string(rune('a' + n))
		for i := n - 1; i >= 0; i-- { // older operands, newest first
			if err := vm.MergeOlder([]byte{'a' + byte(i)}); err != nil {
				t.Fatal(err)
			}
			want = string(rune('a'+i)) + want
		}
		for i := n + 1; i < 2*n+1; i++ {
			if err := vm.MergeNewer([]byte{'a' + byte(i)}); err != nil {
				t.Fatal(err)
			}
			want += string(rune('a' + i))
		}
		got, _, err := vm.Finish(true)
		if err != nil || string(got) != want {
			t.Fatalf("n=%d: merged %q, %v; want %q", n, got, err, want)
		}
	}
}
