package hubspot

import (
	"context"
	"fmt"
	"net/url"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/apiwire"
)

var _ sf.BatchApplier = (*Provider)(nil)

// BatchSize: HubSpot batches property creates; the connector endpoint
// batches mapping creates, updates and deletes. Property updates and option
// lists have no batch endpoint (and plans never delete properties).
func (p *Provider) BatchSize(c sf.Change) int {
	switch {
	case c.Resource == sf.ResourceProperty && c.Op == sf.OpCreate:
		return apiwire.MaxBatchInputs
	case c.Resource == sf.ResourceMapping && p.cfg.ConnectorEndpoint != "":
		return apiwire.MaxBatchInputs
	}
	return 1
}

// ApplyBatch implements syncform.BatchApplier: one request for cs, and a
// result per change read from the multi-status answer.
func (p *Provider) ApplyBatch(ctx context.Context, cs []sf.Change) []error {
	if len(cs) == 0 {
		return nil
	}
	var errs []error
	switch first := cs[0]; {
	case len(cs) > p.BatchSize(first):
		errs = fill(len(cs), sf.Rejectf("a batch of %d %s %s changes; at most %d", len(cs), first.Op, first.Resource, p.BatchSize(first)))
	case first.Resource == sf.ResourceProperty:
		errs = p.batchProperties(ctx, cs)
	default:
		errs = p.batchMappings(ctx, cs)
	}
	for i, err := range errs {
		if err != nil {
			errs[i] = fmt.Errorf("%s: %w", cs[i].Address(), err)
		}
	}
	return errs
}

func fill(n int, err error) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}

// batchAnswer is a multi-status answer: what succeeded, and an error per
// input that failed, named in its context.
type batchAnswer[T any] struct {
	Results []T                  `json:"results"`
	Errors  []apiwire.BatchError `json:"errors"`
}

// failures maps the names in an answer's errors (context key) to errors of
// the kinds the single requests give.
func failures(errs []apiwire.BatchError, key string) map[string]error {
	out := map[string]error{}
	for _, e := range errs {
		kind := sf.ErrRejected
		switch e.Category {
		case "OBJECT_NOT_FOUND":
			kind = sf.ErrNotFound
		case "INTERNAL_ERROR":
			kind = sf.ErrUnavailable
		}
		for _, name := range e.Context[key] {
			out[name] = fmt.Errorf("%w: %s", kind, e.Message)
		}
	}
	return out
}

// batchProperties creates properties of one object.
func (p *Provider) batchProperties(ctx context.Context, cs []sf.Change) []error {
	o := cs[0].Object
	inputs := make([]apiwire.Property, len(cs))
	for i, c := range cs {
		if c.Property == nil {
			return fill(len(cs), sf.Rejectf("%s carries no property", c.Address()))
		}
		want := *c.Property
		want.Object, want.Name = o, c.Name
		inputs[i] = apiwire.PropertyOf(want)
	}
	// Retried like a single create: inputs a first attempt created come
	// back as conflicts, which are success when the property is the one
	// asked for.
	var ans batchAnswer[apiwire.Property]
	if _, err := p.c.do(ctx, p.hubspot("POST", "/crm/v3/properties/"+url.PathEscape(string(o))+"/batch/create", map[string]any{"inputs": inputs}, true), &ans); err != nil {
		return fill(len(cs), err)
	}
	created := map[string]bool{}
	for _, r := range ans.Results {
		created[r.Name] = true
	}
	conflict := map[string]bool{}
	for _, e := range ans.Errors {
		if e.Category == "CONFLICT" {
			for _, n := range e.Context["name"] {
				conflict[n] = true
			}
		}
	}
	failed := failures(ans.Errors, "name")
	// Conflicts are read back in one batch/read: done where the existing
	// property is the one asked for.
	var names []string
	for _, c := range cs {
		if conflict[c.Name] {
			names = append(names, c.Name)
		}
	}
	existing, rerr := p.readProperties(ctx, o, names)
	errs := make([]error, len(cs))
	for i, c := range cs {
		switch {
		case created[c.Name]:
		case conflict[c.Name] && rerr != nil:
			errs[i] = rerr
		case conflict[c.Name]:
			want := *c.Property
			want.Object, want.Name = o, c.Name
			if cur, ok := existing[c.Name]; !ok || !sameProperty(cur, want) {
				errs[i] = failed[c.Name]
			}
		case failed[c.Name] != nil:
			errs[i] = failed[c.Name]
		default:
			errs[i] = fmt.Errorf("%w: the batch answer does not mention the property", sf.ErrUnavailable)
		}
	}
	return errs
}

// readProperties reads named properties of o in one batch/read request
// (none for no names); missing ones are left out.
func (p *Provider) readProperties(ctx context.Context, o sf.Object, names []string) (map[string]sf.Property, error) {
	out := map[string]sf.Property{}
	if len(names) == 0 {
		return out, nil
	}
	inputs := make([]map[string]string, len(names))
	for i, n := range names {
		inputs[i] = map[string]string{"name": n}
	}
	var ans batchAnswer[apiwire.Property]
	if _, err := p.c.do(ctx, p.hubspot("POST", "/crm/v3/properties/"+url.PathEscape(string(o))+"/batch/read", map[string]any{"inputs": inputs}, true), &ans); err != nil {
		return nil, err
	}
	for _, hp := range ans.Results {
		prop, _ := hp.Domain(o)
		out[hp.Name] = prop
	}
	return out, nil
}

// sameProperty: an existing property is the one a create asked for.
func sameProperty(cur, want sf.Property) bool {
	return cur.SameSettings(want) && sameOptions(cur.Options, want.Options)
}

// batchMappings creates, updates or deletes mappings of one object through
// the connector endpoint; each of its batch routes is idempotent, so
// retried.
func (p *Provider) batchMappings(ctx context.Context, cs []sf.Change) []error {
	o := cs[0].Object
	inputs := make([]apiwire.Mapping, len(cs))
	for i, c := range cs {
		if c.Op != sf.OpDelete && c.Mapping == nil {
			return fill(len(cs), sf.Rejectf("%s carries no mapping", c.Address()))
		}
		inputs[i] = apiwire.Mapping{Object: o, Property: c.Name}
		if c.Mapping != nil {
			inputs[i].SalesforceField, inputs[i].Rule = c.Mapping.SalesforceField, c.Mapping.Rule
		}
	}
	verb := map[sf.Op]string{sf.OpCreate: "create", sf.OpUpdate: "update", sf.OpDelete: "archive"}[cs[0].Op]
	if verb == "" {
		return fill(len(cs), sf.Rejectf("unsupported operation %q", cs[0].Op))
	}
	path := "/connector/v1/mappings/" + url.PathEscape(string(o)) + "/batch/" + verb
	var ans batchAnswer[apiwire.Mapping]
	if _, err := p.c.do(ctx, p.connector("POST", path, map[string]any{"inputs": inputs}, true), &ans); err != nil {
		return fill(len(cs), err)
	}
	failed := failures(ans.Errors, "property")
	answered := map[string]bool{}
	for _, r := range ans.Results {
		answered[r.Property] = true
	}
	errs := make([]error, len(cs))
	for i, c := range cs {
		switch {
		case failed[c.Name] != nil:
			errs[i] = failed[c.Name]
		case cs[0].Op != sf.OpDelete && !answered[c.Name]:
			// A create or update is done only when the answer shows it;
			// an archive answers no results.
			errs[i] = fmt.Errorf("%w: the batch answer does not mention the mapping", sf.ErrUnavailable)
		}
	}
	return errs
}
