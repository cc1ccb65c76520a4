package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
)

// scaleConfig maps perObject custom text fields, each with its property, on
// each of the three objects, as examples/large does. (range makes at most
// 1,024 values, so larger counts are ranges of 1,000 flattened.)
func scaleConfig(perObject int) string {
	numbers := fmt.Sprintf("range(1, %d)", perObject+1)
	if perObject > 1000 {
		numbers = fmt.Sprintf("flatten([for c in range(0, %d) : range(c * 1000 + 1, min(c * 1000 + 1000, %d) + 1)])",
			(perObject+999)/1000, perObject)
	}
	var b strings.Builder
	b.WriteString("rules {\n  mapping-limit = \"off\"\n}\n")
	for _, o := range []string{"contacts", "companies", "deals"} {
		fmt.Fprintf(&b, `
object %q {
  sync = true
  dynamic "property" {
    for_each = %[2]s
    labels   = [format("extra_%%03d", property.value)]
    content {
      label = format("Extra %%d", property.value)
      type  = "text"
    }
  }
  dynamic "mapping" {
    for_each = %[2]s
    labels   = [format("extra_%%03d", mapping.value)]
    content {
      salesforce_field = format("Extra_%%03d__c", mapping.value)
      rule             = "always_use_salesforce"
    }
  }
}
`, o, numbers)
	}
	return b.String()
}

// BenchmarkScale loads, plans and applies n custom mappings (and their
// properties) on a new sandbox whose mapping limit is raised to hold them:
// load-s is the configuration, plan-s reading the live state and planning
// (back-fill previews included), apply-s the changes and the back-fills.
// Each should grow linearly with n.
func BenchmarkScale(b *testing.B) {
	for _, n := range sizes(b, "SYNCFORM_BENCH_MAPPINGS", "150") {
		b.Run(fmt.Sprintf("mappings=%d", n), func(b *testing.B) {
			ctx := context.Background()
			dir := b.TempDir()
			perObject := n / 3
			template := filepath.Join(dir, "template.db")
			sb, err := sandbox.Open(ctx, template)
			if err != nil {
				b.Fatal(err)
			}
			if err := sb.AddCustomFields(ctx, perObject); err != nil {
				b.Fatal(err)
			}
			if err := sb.SetMappingLimit(ctx, max(500, perObject+100)); err != nil {
				b.Fatal(err)
			}
			sb.Close()
			if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(scaleConfig(perObject)), 0o644); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				sb, opts, done := fresh(b, template, dir)
				start := time.Now()
				cfg, diags := config.Load(dir, config.Options{})
				if diags.HasErrors() {
					b.Fatal(diags)
				}
				loaded := time.Now()
				_, plan, diags, err := reconciler.PlanLive(ctx, sb, cfg, opts)
				if err != nil || plan == nil {
					b.Fatal(err, diags)
				}
				planned := time.Now()
				if _, err := reconciler.Apply(ctx, sb, plan, opts); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(loaded.Sub(start).Seconds(), "load-s")
				b.ReportMetric(planned.Sub(loaded).Seconds(), "plan-s")
				b.ReportMetric(time.Since(planned).Seconds(), "apply-s")
				b.ReportMetric(float64(len(plan.Actions)), "actions")
				done()
			}
		})
	}
}
