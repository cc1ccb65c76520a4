package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/syncform/syncform/internal/regularfile"
	"github.com/syncform/syncform/planner"
)

// document is the plan document of a planned configuration: what
// --format json prints and --out saves.
func (a *app) document(p *planned) planner.Document {
	return planner.NewDocument(Version(), planner.Connection{Provider: p.cfg.Connection.Provider, ID: p.connection}, p.live, p.plan, p.diags, p.targets)
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

// maxPlanSize bounds a saved plan's file. The plan of examples/large (1,500
// mappings, the connector's limit on every object, all created) is 2.4 MB.
const maxPlanSize = 32 << 20

// loadPlan reads a saved plan: a regular file of at most maxPlanSize bytes
// (regularfile), so that a named pipe is refused rather than waited on for
// ever, and a device (/dev/zero) is refused unread.
func loadPlan(path string) (*planner.Document, error) {
	b, err := regularfile.Read(path, maxPlanSize)
	var nr *regularfile.NotRegularError
	switch {
	case errors.As(err, &nr):
		return nil, fmt.Errorf("%s is %s, not a regular file; a saved plan is a file plan --out wrote", path, regularfile.Kind(nr.Mode))
	case errors.Is(err, regularfile.ErrTooLarge):
		return nil, fmt.Errorf("%s is larger than %d MiB, the most a saved plan may be; it is not one plan --out wrote", path, maxPlanSize>>20)
	case err != nil:
		return nil, err
	}
	doc, err := planner.ReadDocument(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}
