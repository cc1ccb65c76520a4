// Package config turns a directory of syncform HCL files into the desired state:
// domain values annotated with the source ranges they came from, plus every
// problem found along the way as an hcl.Diagnostic.
//
// It owns the language: the block and attribute schema, variables and their
// sources, locals, functions (go-cty's standard library and env), dynamic
// blocks (HCL's dynblock language, expanded by the loader itself: see
// dynamic.go), formatting (fmt) and generating HCL for the live settings (import),
// both with hclwrite, and the digest of an evaluated configuration (what it
// declares, not how it is written; never a secret). It reads the
// configuration files
// and nothing else: the environment comes in through Options, and it never
// touches the network, the clock or the terminal. It does not know the live
// system; whether a property or field exists is the planner's question.
//
// It holds every input to account (see docs/reliability.md, "Hostile
// input"): it reads only regular files inside the directory, and
// variable files named inside it only where their links stay inside it
// (read.go),
// within MaxConfigBytes, MaxTokens, MaxVarFileBytes and MaxVarBytes; it refuses
// nesting past MaxNesting before parsing (nesting.go); it bounds what
// evaluating a configuration may make (budget.go); it checks names and
// labels against HubSpot's limits (decode.go); it keeps every value read
// with env(), and every value computed from one, out of values other than
// tokens, out of every message, and out of whether evaluation fails (no
// function or expression that could fail or branch on a secret runs on
// one: sensitive.go); and it renders
// diagnostics with what a terminal would act on escaped (diagtext.go).
package config
