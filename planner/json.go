package planner

import (
	"github.com/hashicorp/hcl/v2"
)

// JSONDiagnostic is the machine-readable form of a diagnostic or note.
type JSONDiagnostic struct {
	Severity string `json:"severity"` // error | warning | info
	Summary  string `json:"summary"`
	Detail   string `json:"detail,omitempty"`
	// Rule is the slug of the rule that found it; empty for problems of the
	// language itself (syntax, types, names).
	Rule  string     `json:"rule,omitempty"`
	Range *JSONRange `json:"range,omitempty"`
}

// JSONRange is a source range: 1-based lines and columns, 0-based bytes.
type JSONRange struct {
	Filename string  `json:"filename"`
	Start    JSONPos `json:"start"`
	End      JSONPos `json:"end"`
}

// JSONPos is one position of a JSONRange.
type JSONPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// DiagnosticsJSON converts diagnostics and notes, in that order, to their
// JSON form.
func DiagnosticsJSON(diags hcl.Diagnostics, notes []Note) []JSONDiagnostic {
	out := make([]JSONDiagnostic, 0, len(diags)+len(notes))
	for _, d := range diags {
		sev := "error"
		if d.Severity == hcl.DiagWarning {
			sev = "warning"
		}
		out = append(out, JSONDiagnostic{Severity: sev, Summary: d.Summary, Detail: d.Detail, Rule: RuleOf(d), Range: jsonRange(d.Subject)})
	}
	for _, n := range notes {
		r := n.Range
		out = append(out, JSONDiagnostic{Severity: "info", Summary: n.Summary, Detail: n.Detail, Rule: n.Rule, Range: jsonRange(&r)})
	}
	return out
}

func jsonRange(r *hcl.Range) *JSONRange {
	if r == nil || r.Filename == "" {
		return nil
	}
	return &JSONRange{
		Filename: r.Filename,
		Start:    JSONPos{Line: r.Start.Line, Column: r.Start.Column, Byte: r.Start.Byte},
		End:      JSONPos{Line: r.End.Line, Column: r.End.Column, Byte: r.End.Byte},
	}
}
