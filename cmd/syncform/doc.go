// Command syncform is the CLI: it parses flags, wires the configuration
// loader, a provider, the planner and the reconciler together, and renders
// plans, diagnostics and progress.
//
// It owns the commands and their options and the range of every numeric flag
// (flags.go), the views (text, json, markdown: every view renders the same
// plan value, and shows configuration and live text only through one
// terminal sanitizer and one Markdown escaper, safetext.go), saved plans
// (bounded reads; apply re-plans and re-checks them before writing), the
// files it writes (writefile.go: atomically, never through a link out of
// their directory), naming the connection in the state database by the
// identity its provider reads (and moving what an older database kept
// under its path there), and the one mapping from error kinds to exit codes
// (exit.go). The work of each command is a function tests can call; the
// cobra layer only fills its options. Output that is the command's result
// goes to stdout; diagnostics and progress go to stderr.
package main
