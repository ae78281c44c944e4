//go:build e2e && linux

package e2e

import "syscall"

// childSysProcAttr makes the kernel kill a child when the test binary dies
// (a go test -timeout panic skips cleanups), so no server outlives CI.
func childSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
