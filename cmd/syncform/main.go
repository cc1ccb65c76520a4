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
// wasted work (docs/performance.md).
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(200)
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
	return finish(mainApp(a), out, os.Stderr)
}

// finish flushes the command's buffered output: output that could not be
// written fails the command, whatever it returned.
func finish(code int, out *bufio.Writer, stderr io.Writer) int {
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "Error: writing the output: %v\n", err)
		return exitError
	}
	return code
}

// flushFirst writes to w after flushing before; w is written even when the
// flush fails, so that an error about the output still reaches stderr.
type flushFirst struct {
	w      io.Writer
	before *bufio.Writer
}

func (f flushFirst) Write(p []byte) (int, error) {
	f.before.Flush() // its error stays in before, for finish to report
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
