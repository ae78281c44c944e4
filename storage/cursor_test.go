package storage

import (
	"encoding/base64"
	"testing"
)

// TestCursorEncoding: a cursor comes back as it was, with or without the
// start of its query's range, and a cursor of the first version (no start)
// still parses.
func TestCursorEncoding(t *testing.T) {
	for _, c := range []Cursor{
		{Timestamp: 1700000000123456789, Zone: "eu-west-1a", Hash: 0xdeadbeef, Uniq: 7},
		{Timestamp: -5, Hash: 1, Uniq: 0, Start: 1699990000000000000, HasStart: true},
		{Timestamp: 42, Zone: "z", Start: 0, HasStart: true},
	} {
		got, err := ParseCursor(c.Encode())
		if err != nil || *got != c {
			t.Errorf("%+v came back as %+v (%v)", c, got, err)
		}
	}
	v1 := append([]byte{1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 2}, "zone"...)
	got, err := ParseCursor(base64.RawURLEncoding.EncodeToString(v1))
	if err != nil || *got != (Cursor{Timestamp: 9, Hash: 3, Uniq: 2, Zone: "zone"}) {
		t.Errorf("version-1 cursor parsed as %+v (%v)", got, err)
	}
	short := []byte{2, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 2, 1, 2}
	if _, err := ParseCursor(base64.RawURLEncoding.EncodeToString(short)); err == nil {
		t.Errorf("a version-2 cursor without its start parsed")
	}
}
