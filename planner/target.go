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
// and a new mapping its back-fills. Nothing else is planned, so a partial
// plan leaves the rest of the connection as it is.
func (r *Result) Target(addresses []string) {
	if len(addresses) == 0 {
		return
	}
	matches := func(addr string) bool {
		for _, t := range addresses {
			if addr == t || strings.HasPrefix(addr, t+".") {
				return true
			}
		}
		return false
	}
	keep := make([]bool, len(r.Actions))
	for i, a := range r.Actions {
		keep[i] = matches(a.Address)
	}
	// What a kept action needs is kept too: by object and property name.
	type key struct {
		o    syncform.Object
		name string
	}
	needed := map[key]bool{}
	objects := map[syncform.Object]bool{}
	for i, a := range r.Actions {
		if keep[i] && a.Backfill == nil && a.Change.Name != "" {
			needed[key{a.Change.Object, a.Change.Name}] = true
			objects[a.Change.Object] = true
		}
	}
	for i, a := range r.Actions {
		switch {
		case keep[i]:
		case a.Backfill != nil:
			for _, p := range a.Backfill.Job.Properties {
				keep[i] = keep[i] || needed[key{a.Backfill.Job.Object, p}]
			}
		case a.Change.Resource == syncform.ResourceSync:
			keep[i] = objects[a.Change.Object] && a.Change.Sync != nil && *a.Change.Sync
		case a.Change.Resource == syncform.ResourceProperty || a.Change.Resource == syncform.ResourceOptions:
			keep[i] = needed[key{a.Change.Object, a.Change.Name}]
		}
	}
	var out []Action
	for i, a := range r.Actions {
		if keep[i] {
			out = append(out, a)
		}
	}
	r.Actions = out
	r.Unmanaged = slices.DeleteFunc(r.Unmanaged, func(m syncform.Mapping) bool { return !matches(m.Address()) })
}
