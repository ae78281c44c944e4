package main

import "testing"

// TestPercentileNearestRank: p99 of 1..100 is 99, not the maximum; p50 is
// 50; p99 of 1..300 is 297.
func TestPercentileNearestRank(t *testing.T) {
	seq := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(n - i) // unsorted on purpose
		}
		return v
	}
	for _, c := range []struct {
		n    int
		p    float64
		want float64
	}{{100, 0.99, 99}, {100, 0.50, 50}, {300, 0.99, 297}, {1, 0.99, 1}, {3, 0.5, 2}} {
		if got := percentile(seq(c.n), c.p); got != c.want {
			t.Errorf("percentile of 1..%d at %v = %v, want %v", c.n, c.p, got, c.want)
		}
	}
}
