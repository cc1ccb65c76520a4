package planner

import (
	"slices"
	"strings"

	"github.com/syncform/syncform"
)

// Target narrows the plan to the actions at or under the given addresses
// ("companies" takes every action of companies; "companies.mapping.region"
// that mapping), together with what they need: a mapping its property and
// the property's options, an object's mappings the object's sync turned on,
// and a targeted mapping change its back-fills, narrowed to the targeted
// mappings (and previewing only the targeted changes). Other changes are not
// planned. It returns the addresses that matched no action.
func (r *Result) Target(addresses []string, live *syncform.Snapshot) (unmatched []string) {
	if len(addresses) == 0 {
		return nil
	}
	hit := map[string]bool{}
	matches := func(addr string) bool {
		ok := false
		for _, t := range addresses {
			if addr == t || strings.HasPrefix(addr, t+".") {
				hit[t], ok = true, true
			}
		}
		return ok
	}
	keep := make([]bool, len(r.Actions))
	for i, a := range r.Actions {
		keep[i] = a.Backfill == nil && matches(a.Address)
	}
	// What a kept change needs, by object and property name; back-fills
	// only for kept mapping changes.
	type key struct {
		o    syncform.Object
		name string
	}
	needed, mapped := map[key]bool{}, map[key]bool{}
	objects := map[syncform.Object]bool{}
	for i, a := range r.Actions {
		if keep[i] && a.Change.Name != "" {
			needed[key{a.Change.Object, a.Change.Name}] = true
			objects[a.Change.Object] = true
			if a.Change.Resource == syncform.ResourceMapping {
				mapped[key{a.Change.Object, a.Change.Name}] = true
			}
		}
	}
	for i, a := range r.Actions {
		switch {
		case keep[i] || a.Backfill != nil:
		case a.Change.Resource == syncform.ResourceSync:
			keep[i] = objects[a.Change.Object] && a.Change.Sync != nil && *a.Change.Sync
		case a.Change.Resource == syncform.ResourceProperty || a.Change.Resource == syncform.ResourceOptions:
			keep[i] = needed[key{a.Change.Object, a.Change.Name}]
		}
	}
	var kept []Action
	for i, a := range r.Actions {
		if keep[i] {
			kept = append(kept, a)
		}
	}
	var out []Action
	for _, a := range r.Actions {
		if a.Backfill == nil {
			continue
		}
		j := a.Backfill.Job
		props := slices.DeleteFunc(slices.Clone(j.Properties), func(p string) bool { return !mapped[key{j.Object, p}] })
		if len(props) == 0 && !matches(a.Address) {
			continue
		}
		b := *a.Backfill
		b.Job.Properties = props
		b.Job.Mappings = MappingsAfter(live, kept, j.Object)
		b.Impact = nil
		a.Backfill = &b
		out = append(out, a)
	}
	r.Actions = append(kept, out...)
	r.Unmanaged = slices.DeleteFunc(r.Unmanaged, func(m syncform.Mapping) bool { return !matches(m.Address()) })
	for _, t := range addresses {
		if !hit[t] {
			unmatched = append(unmatched, t)
		}
	}
	return unmatched
}
