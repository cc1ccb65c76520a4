package main

import (
	"github.com/syncform/syncform/planner"
)

// jsonFormatVersion versions the JSON plan document. It is 0.x: the
// document may still change before it is documented as stable.
const jsonFormatVersion = "0.1"

// planDocument is plan --format json: the same plan value the text view
// renders, with diagnostics carrying their rule slugs and ranges.
type planDocument struct {
	FormatVersion   string                   `json:"format_version"`
	SyncformVersion string                   `json:"syncform_version"`
	Valid           bool                     `json:"valid"`
	Changes         []planner.Action         `json:"changes"`
	Unmanaged       []string                 `json:"unmanaged"`
	Diagnostics     []planner.JSONDiagnostic `json:"diagnostics"`
	Summary         *planner.Summary         `json:"summary,omitempty"`
}

func planJSON(p *planned) planDocument {
	doc := planDocument{
		FormatVersion:   jsonFormatVersion,
		SyncformVersion: Version(),
		Valid:           p.plan != nil,
		Changes:         []planner.Action{},
		Unmanaged:       []string{},
	}
	var notes []planner.Note
	if p.plan != nil {
		doc.Changes = append(doc.Changes, p.plan.Actions...)
		for _, m := range p.plan.Unmanaged {
			doc.Unmanaged = append(doc.Unmanaged, m.Address())
		}
		notes = p.plan.Notes
		s := p.plan.Summary()
		doc.Summary = &s
	}
	doc.Diagnostics = planner.DiagnosticsJSON(p.diags, notes)
	return doc
}
