//go:build unix

package pgtest

import (
	"os/exec"
	"syscall"
)

// startWatchdog runs script in a shell of its own process group, so that it
// outlives this process; it is never waited for.
func startWatchdog(script string) error {
	cmd := exec.Command("sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd.Start()
}
