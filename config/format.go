package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Format returns src in canonical HCL style. A file with syntax errors is
// returned unchanged with the errors: hclwrite.Format works on tokens and
// would happily re-indent a broken file into something harder to repair.
// filename only names the file in the diagnostics.
func Format(filename string, src []byte) ([]byte, hcl.Diagnostics) {
	if d := checkNesting(src, filename); d != nil {
		return src, hcl.Diagnostics{d}
	}
	if _, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos); diags.HasErrors() {
		return src, diags
	}
	return hclwrite.Format(src), nil
}
