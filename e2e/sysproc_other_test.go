//go:build e2e && !linux

package e2e

import "syscall"

// childSysProcAttr has no parent-death signal outside Linux: a child may
// outlive a test binary that panics.
func childSysProcAttr() *syscall.SysProcAttr { return nil }
