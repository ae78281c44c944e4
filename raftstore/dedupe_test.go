package raftstore

import (
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// TestDedupeFirstAndRetriedCopies: whichever copy of a proposal applies
// first (the first attempt or a retry), every later copy is skipped, also
// after the retry set is reloaded from the Pebble (a restart), and across
// a window change; distinct ids are never skipped.
func TestDedupeFirstAndRetriedCopies(t *testing.T) {
	db, err := pebble.Open("d", &pebble.Options{FS: vfs.NewMem()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := loadRetrySet(db)
	if err != nil {
		t.Fatal(err)
	}
	index := uint64(10)
	apply := func(id uint64, first bool) bool {
		t.Helper()
		b := db.NewBatch()
		defer b.Close()
		d := newDeduper(db, rs, index)
		index++
		dup, err := d.seen(b, id, index, first)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Commit(pebble.NoSync); err != nil {
			t.Fatal(err)
		}
		return dup
	}
	reload := func() {
		t.Helper()
		if rs, err = loadRetrySet(db); err != nil {
			t.Fatal(err)
		}
	}
	// The first attempt applies first: retries are skipped (Pebble record).
	if apply(1, true) || !apply(1, false) || !apply(1, false) {
		t.Fatal("id 1: first attempt not applied once, or a retry applied again")
	}
	// A retry applies first: the first attempt and later retries are skipped.
	if apply(2, false) || !apply(2, true) || !apply(2, false) {
		t.Fatal("id 2: retry not applied once, or the first attempt applied after it")
	}
	// The same after a restart: the retry set comes back from the Pebble.
	if apply(3, false) {
		t.Fatal("id 3 skipped")
	}
	reload()
	if !apply(3, true) || !apply(2, true) {
		t.Fatal("after a reload, first attempts of retried ids applied again")
	}
	// Distinct ids, first or not, are applied.
	for id := uint64(100); id < 110; id++ {
		if apply(id, id%2 == 0) {
			t.Fatalf("id %d skipped", id)
		}
	}
	// Two windows on, old records are gone (from memory and from the Pebble).
	index = 3*dedupeWindow - 1 // the next apply starts window 3
	if apply(200, true) {
		t.Fatal("id 200 skipped")
	}
	if _, ok := rs.ids[2]; ok {
		t.Fatal("retry record of window 0 kept in memory after two windows")
	}
	reload()
	if len(rs.ids) != 0 {
		t.Fatalf("retry records left in the Pebble after two windows: %v", rs.ids)
	}
}
