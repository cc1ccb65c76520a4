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
package config
