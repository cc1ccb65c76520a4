package watch_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syncform/syncform/examples"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler/watch"
)

// BenchmarkEditToApply measures how long after the debounce an edit is
// applied by watch --apply on the sandbox: each iteration flips the rule of
// the contacts fax mapping, alone (small) or in examples/large (1,500
// mappings, all loaded and planned again by every cycle).
func BenchmarkEditToApply(b *testing.B) {
	large, err := os.ReadFile(filepath.Join("..", "..", "examples", "large", "main.hcl"))
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		src    func(rule string) string
		fields int
	}{
		{"small", faxRule, 0},
		{"large", func(rule string) string {
			fax := "object \"contacts\" {\n  mapping \"fax\" {\n    salesforce_field = \"Fax\"\n    rule = \"" + rule + "\"\n  }\n"
			return strings.Replace(string(large), "object \"contacts\" {\n", fax, 1)
		}, examples.CustomFields["large"]},
	} {
		b.Run(tc.name, func(b *testing.B) {
			h := newHarness(b, tc.src("dont_sync"))
			sb, err := sandbox.Open(context.Background(), filepath.Join(h.dir, ".syncform", "sandbox.db"))
			if err != nil {
				b.Fatal(err)
			}
			err = sb.AddCustomFields(context.Background(), tc.fields)
			sb.Close()
			if err != nil {
				b.Fatal(err)
			}
			o := h.options()
			o.Apply = true
			h.start(o)
			rules := []string{"always_use_salesforce", "dont_sync"}
			var after time.Duration
			n := 0
			for b.Loop() {
				applies := h.metrics.Snapshot().Applies
				edited := time.Now()
				h.write("main.hcl", tc.src(rules[n%2]))
				h.waitFor("the edit's apply", func(s watch.Snapshot) bool { return s.Applies > applies })
				after += time.Since(edited) - o.Debounce
				n++
			}
			b.ReportMetric(float64(after.Milliseconds())/float64(n), "ms-after-debounce")
		})
	}
}
