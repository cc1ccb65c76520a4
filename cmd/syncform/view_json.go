package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/syncform/syncform/planner"
)

// document is the plan document of a planned configuration: what
// --format json prints and --out saves.
func (a *app) document(p *planned) planner.Document {
	return planner.NewDocument(Version(), planner.Connection{Provider: p.cfg.Connection.Provider, ID: p.connection}, p.live, p.plan, p.diags)
}

// writeFileAtomic writes data to path with owner-only permissions, through a
// temporary file renamed into place, so a reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename there is nothing to remove
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// savePlan writes the plan document to path.
func savePlan(path string, doc planner.Document) error {
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(path, append(b, '\n')); err != nil {
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
