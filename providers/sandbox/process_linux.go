//go:build linux

package sandbox

import (
	"bytes"
	"os"
	"strconv"
)

// processStart is when the process pid started, in clock ticks since boot
// (the 22nd field of /proc/PID/stat), or "" when it cannot tell: a PID
// the kernel has given to a new process has another start, so a job or a
// lease whose PID lives on in an unrelated process is still found dead.
func processStart(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	// The command name (field 2) is in parentheses and may hold spaces
	// and parentheses: the fields after it start at the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return ""
	}
	f := bytes.Fields(b[i+1:])
	const starttime = 22 - 3 // field 3 (state) is f[0]
	if len(f) <= starttime {
		return ""
	}
	return string(f[starttime])
}
