//go:build !unix

package fingerprint

import "time"

// processCPUTime is not available here; benchmarks then skip the per-CPU metric.
func processCPUTime() time.Duration { return 0 }
