package config

import (
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2"
)

// parse reads and parses one file, refusing before the parser sees it a file
// nested deeper than MaxNesting. A refused file is still registered, so that
// its diagnostic can quote the line.
func (l *loader) parse(name string) *hcl.File {
	src, err := os.ReadFile(name)
	if err != nil {
		// The same diagnostic hclparse gives, which has no range: the file
		// has no lines to point at.
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Failed to read file",
			Detail: fmt.Sprintf("The configuration file %q could not be read.", name)})
		return nil
	}
	if d := checkNesting(src, name); d != nil {
		l.add(d)
		l.parser.AddFile(name, &hcl.File{Body: hcl.EmptyBody(), Bytes: src})
		return nil
	}
	f, diags := l.parser.ParseHCL(src, name)
	l.add(diags...)
	return f
}
