//go:build unix

package fingerprint

import (
	"syscall"
	"time"
)

// processCPUTime returns the CPU time (user + system) used by this process so
// far. Benchmarks divide work by it to report per-core throughput that does not
// depend on how busy the machine is.
func processCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
