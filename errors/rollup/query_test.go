package rollup

import (
	"math/rand"
	"slices"
	"testing"

	"github.com/talus-logs/talus/errors/fingerprint"
)

// TestTopGroups checks the heap selection against a full sort.
func TestTopGroups(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 500; i++ {
		n := rng.Intn(60)
		groups := make([]*group, n)
		for j := range groups {
			// Few distinct counts, so that ties (broken by fingerprint) are common.
			groups[j] = &group{fp: fingerprint.Fingerprint{Version: 1, Hash: uint64(rng.Intn(1000))}, count: uint64(rng.Intn(5))}
		}
		all := slices.Clone(groups)
		slices.SortFunc(all, func(x, y *group) int {
			switch {
			case before(x, y):
				return -1
			case before(y, x):
				return 1
			}
			return 0
		})
		limit := rng.Intn(70) - 5
		want := all
		if limit > 0 && limit < len(all) {
			want = all[:limit]
		}
		got := topGroups(slices.Clone(groups), limit)
		if len(got) != len(want) {
			t.Fatalf("limit %d of %d: %d groups, want %d", limit, n, len(got), len(want))
		}
		for j := range got {
			if got[j].count != want[j].count || got[j].fp != want[j].fp {
				t.Fatalf("limit %d of %d: position %d is %v/%d, want %v/%d", limit, n, j, got[j].fp, got[j].count, want[j].fp, want[j].count)
			}
		}
	}
}
