package planner

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
)

// Backfill is a planned back-fill: one job per object and direction, split
// into batches where the connector limits how many records one job may
// cover. Impact is filled after planning by whoever can read records (the
// reconciler asks the provider); the planner cannot.
type Backfill struct {
	Job syncform.Backfill `json:"job"`
	// Batches are the windows apply runs as temporary segments, in order;
	// empty when the job runs as it is.
	Batches []Batch          `json:"batches,omitempty"`
	Impact  *syncform.Impact `json:"impact,omitempty"`
}

// Batch is one window of a segment resync.
type Batch struct {
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// Jobs returns the back-fill's jobs as the estimate sees them: one per
// batch window of the source segment, or the job itself.
func (b *Backfill) Jobs() []syncform.Backfill {
	if len(b.Batches) == 0 {
		return []syncform.Backfill{b.Job}
	}
	out := make([]syncform.Backfill, len(b.Batches))
	for i, w := range b.Batches {
		j := b.Job
		j.Offset, j.Limit = w.Offset, w.Limit
		out[i] = j
	}
	return out
}

// ReasonBackfill: existing values move because a mapping opened a direction.
const ReasonBackfill Reason = "back-fill: existing values of new or opened mappings"

// DefaultSegment is the segment a resync to Salesforce uses when the
// configuration names none: every record of the object.
func DefaultSegment(o syncform.Object) string {
	switch o {
	case syncform.Contacts:
		return "All contacts"
	case syncform.Companies:
		return "All companies"
	}
	return "All deals"
}

// BackfillAddress is the address of an object's back-fill in a direction.
func BackfillAddress(o syncform.Object, d syncform.Direction) string {
	return string(o) + ".backfill." + string(d)
}

// opened records that mapping m lets values flow in new directions.
func (p *planning) opened(ob *config.Object, m *config.Mapping, dirs []syncform.Direction) {
	if p.openedBy == nil {
		p.openedBy = map[syncform.Object]map[syncform.Direction][]*config.Mapping{}
	}
	if p.openedBy[ob.Object] == nil {
		p.openedBy[ob.Object] = map[syncform.Direction][]*config.Mapping{}
	}
	for _, d := range dirs {
		p.openedBy[ob.Object][d] = append(p.openedBy[ob.Object][d], m)
	}
}

// backfills plans one back-fill per direction the object's mappings opened.
func (p *planning) backfills(ob *config.Object) {
	for _, d := range []syncform.Direction{syncform.ToHubSpot, syncform.ToSalesforce} {
		ms := p.openedBy[ob.Object][d]
		method := BackfillMethod(ob, d)
		if len(ms) == 0 || method == "" {
			continue
		}
		props := make([]string, len(ms))
		for i, m := range ms {
			props[i] = m.Property
		}
		sort.Strings(props)
		bf := &Backfill{Job: syncform.Backfill{Object: ob.Object, Direction: d, Method: method, Properties: props, Mappings: p.mappingsAfter(ob.Object)}}
		subject := ms[0].DeclRange
		if ob.Resync != nil {
			subject = ob.Resync.DeclRange
		}
		switch method {
		case syncform.MethodRecords:
			bf.Job.Records = ob.Resync.Records
		case syncform.MethodSegment:
			if !p.segment(ob, bf, subject) {
				continue
			}
		}
		p.add(phaseBackfill, subject, Action{Backfill: bf, Reason: ReasonBackfill})
	}
}

// segment names the segment a resync covers and splits it into batches.
func (p *planning) segment(ob *config.Object, bf *Backfill, subject hcl.Range) bool {
	name, rng := DefaultSegment(ob.Object), subject
	if r := ob.Resync; r != nil && r.Segment != "" {
		name, rng = r.Segment, r.SegmentRange
	}
	bf.Job.Segment = name
	seg, ok := p.live.Segment(name)
	if !ok {
		var names []string
		for _, s := range p.live.Segments {
			names = append(names, s.Name)
		}
		p.report(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown segment",
			Detail: fmt.Sprintf("The back-fill to Salesforce resyncs the segment %q, which does not exist.%s Name an existing segment of %s in the resync block, or set to_salesforce = \"none\".",
				name, config.DidYouMean(name, names), ob.Object),
			Subject: rng.Ptr()})
		return false
	}
	if seg.Object != ob.Object {
		p.report(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Segment of another object",
			Detail: fmt.Sprintf("The segment %q holds %s, not %s.", name, seg.Object, ob.Object), Subject: rng.Ptr()})
		return false
	}
	size := batchSize(ob)
	if size == 0 || seg.Size <= size {
		return true
	}
	for off := 0; off < seg.Size; off += size {
		bf.Batches = append(bf.Batches, Batch{Offset: off, Limit: min(size, seg.Size-off)})
	}
	return true
}

// batchSize is how many records one resync job may cover: the resync
// block's batch_size, else the connector's limit for companies; 0 means no
// limit (contacts and deals have none documented).
func batchSize(ob *config.Object) int {
	if ob.Resync != nil && ob.Resync.BatchSize > 0 {
		return ob.Resync.BatchSize
	}
	if ob.Object == syncform.Companies {
		return syncform.MaxCompanyResync
	}
	return 0
}

// mappingsAfter is the object's mappings once the plan's changes so far are
// applied: the set a back-fill of the object will sync.
func (p *planning) mappingsAfter(o syncform.Object) []syncform.Mapping {
	return MappingsAfter(p.live, p.plan.Actions, o)
}

// MappingsAfter is o's live mappings with actions' mapping changes applied.
func MappingsAfter(live *syncform.Snapshot, actions []Action, o syncform.Object) []syncform.Mapping {
	by := make(map[string]syncform.Mapping, len(live.Mappings[o]))
	for _, m := range live.Mappings[o] {
		by[m.Property] = m
	}
	for _, a := range actions {
		c := a.Change
		if c.Object != o || c.Resource != syncform.ResourceMapping || a.Backfill != nil {
			continue
		}
		if c.Op == syncform.OpDelete {
			delete(by, c.Name)
		} else if c.Mapping != nil {
			by[c.Name] = *c.Mapping
		}
	}
	out := make([]syncform.Mapping, 0, len(by))
	for _, m := range by {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b syncform.Mapping) int { return strings.Compare(a.Property, b.Property) })
	return out
}
