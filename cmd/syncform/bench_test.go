package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/syncform/syncform/examples"
	"github.com/syncform/syncform/providers/sandbox"
)

// largeExample copies examples/large into a new directory with a sandbox
// that has the Salesforce fields it maps, makes it the working directory,
// and applies it when applied is set.
func largeExample(b *testing.B, applied bool) {
	b.Helper()
	dir := b.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "large", "main.hcl"))
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), src, 0o644); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	sb, err := sandbox.Open(ctx, filepath.Join(dir, ".syncform", "sandbox.db"))
	if err != nil {
		b.Fatal(err)
	}
	if err := sb.AddCustomFields(ctx, examples.CustomFields["large"]); err != nil {
		b.Fatal(err)
	}
	sb.Close()
	b.Chdir(dir)
	if applied {
		a, _, errb := testApp("", false)
		if code := run(ctx, a, []string{"apply", "--auto-approve"}); code != exitOK {
			b.Fatalf("apply: exit %d\n%s", code, errb)
		}
	}
}

// BenchmarkPlanLarge plans examples/large (1,500 mappings) on the sandbox
// through the whole command, as the process does: new (2,937 changes) and
// applied (no changes).
func BenchmarkPlanLarge(b *testing.B) {
	for _, tc := range []struct {
		name    string
		applied bool
		args    []string
	}{
		{"changes", false, nil},
		{"nochanges", true, nil},
		{"rulechanges", true, []string{"--var", "rule=two_way"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			largeExample(b, tc.applied)
			ctx := context.Background()
			for b.Loop() {
				a := &app{stdin: nil, stdout: io.Discard, stderr: io.Discard,
					lookupEnv: func(string) (string, bool) { return "", false }}
				if code := run(ctx, a, append([]string{"plan"}, tc.args...)); code != exitOK {
					b.Fatalf("plan: exit %d", code)
				}
			}
		})
	}
}
