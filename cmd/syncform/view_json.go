package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/syncform/syncform/planner"
)

// document is the plan document of a planned configuration: what
// --format json prints and --out saves.
func (a *app) document(p *planned) planner.Document {
	return planner.NewDocument(Version(), planner.Connection{Provider: p.cfg.Connection.Provider, ID: p.connection}, p.live, p.plan, p.diags)
}

// savePlan writes the plan document to path.
func savePlan(path string, doc planner.Document) error {
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if err := replaceFile(path, append(b, '\n'), 0o600, false); err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	return nil
}

// loadPlan reads a saved plan.
func loadPlan(path string) (*planner.Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := planner.ReadDocument(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}
