package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"syscall"
)

func main() {
	tuneGC()
	os.Exit(profiled(Main))
}

// profiled runs main, with a CPU profile written to the file
// SYNCFORM_CPUPROFILE names, if it is set: how the figures of
// docs/performance.md were found.
func profiled(main func() int) int {
	path := os.Getenv("SYNCFORM_CPUPROFILE")
	if path == "" {
		return main()
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "SYNCFORM_CPUPROFILE: %v\n", err)
		return exitError
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "SYNCFORM_CPUPROFILE: %v\n", err)
		return exitError
	}
	defer pprof.StopCPUProfile()
	return main()
}

// tuneGC trades memory for time, unless GOGC says otherwise: most commands
// live a fraction of a second and allocate a few tens of megabytes while
// loading and planning, so collecting at every 100% of growth is mostly
// wasted work. The soft limit keeps a long-running watch or a huge
// configuration from growing unbounded (docs/performance.md).
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	debug.SetGCPercent(200)
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(256 << 20)
	}
}

// Main runs the CLI with the process's arguments and streams and returns the
// exit code; SIGINT and SIGTERM cancel the command's context.
func Main() int {
	a := newSystemApp()
	if a.stdoutTTY {
		return mainApp(a)
	}
	// Into a pipe or a file, a plan of thousands of changes would be
	// thousands of writes: batch them, flushed before anything goes to
	// stderr, so that a log joining the two streams keeps their order.
	out := bufio.NewWriterSize(os.Stdout, 64<<10)
	a.stdout, a.stderr = out, flushFirst{w: os.Stderr, before: out}
	defer out.Flush()
	return mainApp(a)
}

// flushFirst writes to w after flushing before.
type flushFirst struct {
	w      io.Writer
	before *bufio.Writer
}

func (f flushFirst) Write(p []byte) (int, error) {
	if err := f.before.Flush(); err != nil {
		return 0, err
	}
	return f.w.Write(p)
}

func mainApp(a *app) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal the default action returns: a second Ctrl-C
	// ends a command that is slow to stop.
	context.AfterFunc(ctx, stop)
	return run(ctx, a, os.Args[1:])
}
