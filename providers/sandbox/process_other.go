//go:build !unix

package sandbox

import "os"

// processAlive reports whether a process with that ID may exist on this host.
// On Windows FindProcess fails for a process that does not exist; elsewhere
// it always succeeds, and a dead job is found by its stale heartbeat instead.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
