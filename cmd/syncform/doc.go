// Command syncform is the CLI: it parses flags, wires the configuration
// loader, a provider, the planner and the reconciler together, and renders
// plans, diagnostics and progress.
//
// It owns the commands and their options, the views (text, json, markdown:
// every view renders the same plan value), saved plans, naming the
// connection in the state database by the identity its provider reads (and
// moving what an older database kept under its path there), and the one
// mapping from error kinds to exit
// codes (exit.go). The work of each command is a function tests can call; the
// cobra layer only fills its options. Output that is the command's result
// goes to stdout; diagnostics and progress go to stderr.
package main
