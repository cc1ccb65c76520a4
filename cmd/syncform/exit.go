package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Exit codes. Every command returns one of these; the README lists them.
const (
	exitOK          = 0
	exitError       = 1 // a diagnostic, a failed apply, a bad flag, anything else
	exitChanges     = 2 // plan --detailed-exitcode: the plan has changes
	exitInterrupted = 130
)

// errReported: the problem was already written to stderr (diagnostics); only
// the exit code remains to be decided.
var errReported = errors.New("reported")

// errChanges is returned by plan --detailed-exitcode when there are changes.
var errChanges = errors.New("changes present")

// usageError is a bad flag or argument.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// exitCode maps an error to the process's exit code, writing it to stderr
// unless it was already reported. This is the one place that does so.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errChanges):
		return exitChanges
	case errors.Is(err, errReported):
		return exitError
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "Interrupted.")
		return exitInterrupted
	}
	// An error may quote a live value (a name the live system returned, a
	// holder's host): it is printed as terminal-safe text.
	fmt.Fprintf(stderr, "Error: %s\n", terminalLines(err.Error()))
	return exitError
}
