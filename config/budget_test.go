package config

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// chain is a locals block of n locals, each made from the last by step
// (with %[1]s for the last's name).
func chain(first, step string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "locals {\n  l0 = %s\n", first)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "  l%d = %s\n", i, fmt.Sprintf(step, fmt.Sprintf("local.l%d", i-1)))
	}
	b.WriteString("}\n")
	return b.String()
}

// TestEvaluationBudget: a few lines that ask for terabytes are refused
// with an error at the expression, having allocated a bounded amount. Each
// of them ran the process out of memory (a fatal error) or for ever
// before: replace of a string by itself twice (1 TB), a join with a
// megabyte separator (10 GB), thirty locals doubling a string, nested for
// expressions over range(1000) (a billion elements), formatlist with a
// width of ten million (10 GB), flatten of forty locals each holding the
// last twice (2^40 elements, for ever).
func TestEvaluationBudget(t *testing.T) {
	const tenK = `join("", [for i in range(1000) : "xxxxxxxxxx"])`
	tests := []struct {
		name, src, summary, detail string
	}{
		{"replace twice", "locals {\n  s = " + tenK + "\n  t = replace(local.s, \"x\", local.s)\n  u = replace(local.t, \"x\", local.s)\n}\n",
			"Error in function call", "the result would have more than 1 MiB of text"},
		{"replace with a pattern", "locals {\n  s = " + tenK + "\n  t = replace(local.s, \"/x/\", local.s)\n}\n",
			"Error in function call", "more than 1 MiB of text"},
		{"join with a long separator", "locals {\n  s = " + tenK + "\n  t = join(local.s, range(1000))\n}\n",
			"Error in function call", "more than 1 MiB of text"},
		{"indent", "locals {\n  s = join(\"\\n\", range(1000))\n  t = indent(1000, join(\"\\n\", [for i in range(100) : local.s]))\n}\n",
			"Error in function call", "more than 1 MiB of text"},
		{"formatlist width", "locals {\n  a = formatlist(\"%09999999d\", range(1000))\n}\n",
			"Error in function call", "a width or precision is larger than 10000"},
		{"format precision", "locals {\n  a = format(\"%.99999999f\", 1)\n}\n",
			"Error in function call", "larger than 10000"},
		{"a string doubling in locals", chain(`"`+strings.Repeat("x", 74)+`"`, `"${%[1]s}${%[1]s}"`, 30),
			"Value too large", "more than 1 MiB of text"},
		{"a list doubling in locals", chain("[1, 2]", "concat(%[1]s, %[1]s)", 40),
			"Error in function call", "more than"},
		{"a tuple holding the last twice", chain("[1, 2]", "[%[1]s, %[1]s]", 40) + "locals {\n  x = flatten(local.l40)\n}\n",
			"Value too large", "more than 1000000 elements"},
		{"nested for expressions", "locals {\n  a = [for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]\n}\n",
			"", "more than 2000000 elements or 64 MiB of strings"},
		{"a template in a for expression", "locals {\n  s = " + tenK + "\n  a = [for i in range(1000) : \"${local.s}${local.s}\"]\n}\n",
			"Value too large", "more than 1 MiB of text"},
		{"templates across dynamic blocks", "locals {\n  s = " + tenK + "\n}\nobject \"companies\" {\n  dynamic \"mapping\" {\n    for_each = range(1000)\n" +
			"    labels = [\"p${mapping.value}\"]\n    content {\n      salesforce_field = \"${local.s}${local.s}${local.s}${local.s}${local.s}${local.s}${local.s}${local.s}${mapping.value}\"\n      rule = \"two_way\"\n    }\n  }\n}\n",
			"Configuration too costly to evaluate", "64 MiB of strings"},
		{"an attribute referring to a large local many times", chain("[1, 2]", "[%[1]s, %[1]s]", 17) +
			"object \"companies\" {\n  sync = [" + strings.Repeat("local.l17, ", 1000) + "]\n}\n",
			"Value too large", "more than 1000000 elements"},
		{"dynamic blocks past the bound", "object \"companies\" {\n  dynamic \"mapping\" {\n    for_each = setproduct(range(1000), range(101))\n" +
			"    labels = [\"p${mapping.value[0]}_${mapping.value[1]}\"]\n    content {\n      salesforce_field = \"F__c\"\n      rule = \"two_way\"\n    }\n  }\n}\n",
			"Too many dynamic blocks", "more than 100000 blocks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, diags := loadSource(t, tt.src, Options{})
			runtime.ReadMemStats(&after)
			if !diags.HasErrors() {
				t.Fatal("no error")
			}
			found := false
			for _, d := range diags {
				found = found || strings.Contains(d.Summary, tt.summary) && strings.Contains(d.Detail, tt.detail) && d.Subject != nil
			}
			if !found {
				t.Errorf("no %q: …%s… in %v", tt.summary, tt.detail, diags)
			}
			if len(diags) > 5 {
				t.Errorf("%d diagnostics: the budget is reported once", len(diags))
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 3<<30 {
				t.Errorf("allocated %d MB", alloc>>20)
			}
		})
	}
}

// TestBudgetLeavesRealConfigurationsAlone: what real configurations do
// with functions, templates and for expressions stays well inside the
// budget, and a value just under a bound is accepted.
func TestBudgetLeavesRealConfigurationsAlone(t *testing.T) {
	src := chain("[1, 2]", "concat(%[1]s, %[1]s)", 18) + `
locals {
  s     = join("", [for i in range(1000) : "xxxxxxxxxx"])
  big   = replace(local.s, "x", "0123456789")
  grid  = setproduct(range(1000), range(100))
  names = [for p in local.grid : "p${p[0]}_${p[1]}"]
  text  = format("%10000s", "x")
  json  = jsondecode(jsonencode(local.names))
}
`
	if _, diags := loadSource(t, src, Options{}); len(diags) != 0 {
		t.Fatal(diags)
	}
}

// TestTemplatesMeasuredBeforeBuilt: a template is measured from its parts
// before HCL puts them together. Before, each of these built its string
// whole (a gigabyte, and gigabytes more as the buffer grew) and only then
// was found too large: eleven gigabytes for three thousand references.
func TestTemplatesMeasuredBeforeBuilt(t *testing.T) {
	const mega = "locals {\n  m = join(\"\", [for i in range(1000) : \"" + "%[1]s" + "\"])\n}\n"
	local := fmt.Sprintf(mega, strings.Repeat("x", 1000)) // a string of 1,000,000 bytes
	tests := []struct{ name, expr string }{
		{"references", `"` + strings.Repeat("${local.m}", 3000) + `"`},
		{"references and text", `"` + strings.Repeat("${local.m}-", 3000) + `"`},
		{"a heredoc", "<<EOT\n" + strings.Repeat("${local.m}\n", 3000) + "EOT\n"},
		{"a for directive", `"%{ for i in range(1000) }${local.m}%{ endfor }"`},
		{"a for directive among parts", `"a${local.m}%{ for i in range(2) }${local.m}%{ endfor }"`},
		{"a number of 300 million digits", `"a${1e300000000}"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, diags := loadSource(t, local+"locals {\n  t = "+tt.expr+"\n}\n", Options{})
			runtime.ReadMemStats(&after)
			// Too large, or (for a for directive, whose iterations
			// are charged as they are made) too costly in all.
			if len(diags) != 1 || !strings.Contains(diags[0].Detail, "more than 1 MiB of text") && !strings.Contains(diags[0].Detail, "64 MiB of strings") ||
				diags[0].Subject == nil || diags[0].Subject.Start.Line != 5 {
				t.Errorf("diagnostics %v", diags)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 200<<20 {
				t.Errorf("allocated %d MB", alloc>>20)
			}
		})
	}
	// Just under the bound, a template is made.
	cfg, diags := loadSource(t, local+"locals {\n  t = \"${local.m}%{ for i in range(2) }${substr(local.m, 0, 20000)}%{ endfor }\"\n}\n"+
		"rules {\n  owner-unmatched = strlen(local.t) == 1040000 ? \"off\" : \"x\"\n}\n", Options{})
	if diags.HasErrors() || len(cfg.Rules) != 1 {
		t.Errorf("%v %v", cfg.Rules, diags)
	}
}

// TestJSONNesting: jsondecode of JSON nested past MaxNesting fails with a
// diagnostic before it is decoded. Before, two million ['s overflowed the
// stack of the decoder: a fatal error that no recover catches (a file can
// no longer hold that many: MaxTokens).
func TestJSONNesting(t *testing.T) {
	for _, tt := range []struct {
		json string
		ok   bool
	}{
		{strings.Repeat("[", 500_000) + strings.Repeat("]", 500_000), false},
		{strings.Repeat(`{\"a\":`, 100_000) + "1" + strings.Repeat("}", 100_000), false},
		{strings.Repeat("[", MaxNesting+1) + strings.Repeat("]", MaxNesting+1), false},
		{strings.Repeat("[", 500) + strings.Repeat("]", 500), true},
		{`[\"` + strings.Repeat("[", 5000) + `\\\"{\"]`, true}, // in a string, with an escaped quote
	} {
		_, diags := loadSource(t, "locals {\n  j = jsondecode(\""+tt.json+"\")\n}\n", Options{})
		if tt.ok {
			if diags.HasErrors() {
				t.Errorf("%.40s…: %v", tt.json, diags)
			}
			continue
		}
		if len(diags) != 1 || !strings.Contains(diags[0].Detail, "the JSON nests more than 1000 levels deep") || diags[0].Subject == nil {
			t.Errorf("%.40s…: %v", tt.json, diags)
		}
	}
}
