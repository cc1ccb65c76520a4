package planner

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
)

// Result is a plan: the ordered list of actions that take the live connection to the
// desired state, and what the plan found but leaves alone.
type Result struct {
	Actions []Action `json:"actions"`
	// Unmanaged are live custom mappings of declared objects that the
	// configuration does not declare and, without prune, leaves in place.
	Unmanaged []syncform.Mapping `json:"unmanaged,omitempty"`
	// Notes are informational findings (manual steps).
	Notes []Note `json:"notes,omitempty"`
	// After holds each declared object's mappings as they will be once the
	// plan is applied: what its back-fills will sync.
	After map[syncform.Object][]syncform.Mapping `json:"-"`
}

// Action is one planned change.
type Action struct {
	Address string          `json:"address"`
	Change  syncform.Change `json:"change"`
	// Before is the live value the change replaces; nil for a create.
	Before *Value        `json:"before,omitempty"`
	Reason Reason        `json:"reason"`
	Mode   syncform.Mode `json:"mode"`
	// Backfill is set on back-fill actions, which change no setting: Change
	// is then empty.
	Backfill *Backfill `json:"backfill,omitempty"`
	// Range is the configuration that asks for the action; Source is the
	// same in the document's JSON form.
	Range  hcl.Range  `json:"-"`
	Source *JSONRange `json:"source,omitempty"`
	phase  phase
}

// Value is the live value of one resource: exactly one field is set.
type Value struct {
	Sync     *bool              `json:"sync,omitempty"`
	Property *syncform.Property `json:"property,omitempty"`
	Mapping  *syncform.Mapping  `json:"mapping,omitempty"`
}

// Reason says why an action is planned.
type Reason string

const (
	ReasonNew     Reason = "new in configuration"
	ReasonChanged Reason = "changed in configuration"
	ReasonPruned  Reason = "not in configuration (prune)"
	ReasonRepoint Reason = "salesforce field changed in configuration"
)

// Empty reports whether the plan changes nothing.
func (p *Result) Empty() bool { return len(p.Actions) == 0 }

// Summary counts a plan's actions.
type Summary struct {
	Create   int `json:"create"`
	Update   int `json:"update"`
	Delete   int `json:"delete"`
	Backfill int `json:"backfill"`
	Manual   int `json:"manual"`
}

// Summary counts the plan's actions by operation.
func (p *Result) Summary() Summary {
	var s Summary
	for _, a := range p.Actions {
		if a.Backfill != nil {
			s.Backfill++
		}
		switch a.Change.Op {
		case syncform.OpCreate:
			s.Create++
		case syncform.OpUpdate:
			s.Update++
		case syncform.OpDelete:
			s.Delete++
		}
		if a.Mode == syncform.ModeManual {
			s.Manual++
		}
	}
	return s
}

// phase orders actions as the connector needs them (DESIGN.md §5): an object
// syncs before its mappings exist, properties exist before they are mapped,
// deletes free slots and fields before creates use them, and an object's sync
// goes off only after its mappings are settled.
type phase int

const (
	phaseSyncOn phase = iota
	phaseProperties
	phaseMappingDeletes
	phaseRuleChanges
	phaseMappingCreates
	phaseOptions
	phaseSyncOff
	phaseBackfill
)
