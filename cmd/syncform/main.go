package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() { os.Exit(Main()) }

// Main runs the CLI with the process's arguments and streams and returns the
// exit code; SIGINT and SIGTERM cancel the command's context.
func Main() int { return mainApp(newSystemApp()) }

func mainApp(a *app) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal the default action returns: a second Ctrl-C
	// ends a command that is slow to stop.
	context.AfterFunc(ctx, stop)
	return run(ctx, a, os.Args[1:])
}
