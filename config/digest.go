package config

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"

	"github.com/syncform/syncform"
)

// Digest identifies the evaluated configuration: a SHA-256 of a canonical
// encoding of what it declares once variables, locals, functions and
// dynamic blocks are evaluated (the connection, every object's settings,
// properties, mappings and resync, the rules). Different --var,
// --var-file or SYNCFORM_VAR_ values that change a value change it; the
// same evaluation has the same digest whatever the files' names, layout,
// order of blocks, formatting or comments. No credential is part of it:
// tokens are left out, and no other attribute takes a secret.
func (c *Config) Digest() string {
	b, err := json.Marshal(canonical(c))
	if err != nil {
		panic(err) // plain structs of strings, numbers and bools always marshal
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// The canonical form: the declared values without their source ranges,
// lists whose order means nothing sorted.
type (
	canonicalConfig struct {
		Connection canonicalConnection `json:"connection"`
		Objects    []canonicalObject   `json:"objects"`
		Rules      []canonicalRule     `json:"rules"`
	}
	canonicalRule struct {
		Slug     string `json:"slug"`
		Severity string `json:"severity"`
	}
	canonicalConnection struct {
		Provider      string `json:"provider"`
		Sandbox       string `json:"sandbox"`
		State         string `json:"state"`
		PortalID      int64  `json:"portal_id"`
		HubSpotURL    string `json:"hubspot_api_url"`
		SalesforceURL string `json:"salesforce_instance_url"`
		MappingsCSV   string `json:"mappings_csv"`
		Endpoint      string `json:"endpoint"`
		Manual        bool   `json:"manual"`
	}
	canonicalObject struct {
		Object     syncform.Object     `json:"object"`
		Sync       *bool               `json:"sync"`
		Prune      bool                `json:"prune"`
		Properties []syncform.Property `json:"properties"`
		Mappings   []canonicalMapping  `json:"mappings"`
		Resync     *canonicalResync    `json:"resync"`
	}
	canonicalMapping struct {
		syncform.Mapping
		Labels     []canonicalLabel `json:"labels"`
		LabelsFrom string           `json:"labels_from"`
		Options    string           `json:"options"`
	}
	canonicalLabel struct {
		ID    string `json:"id"`
		Label string `json:"label"`
	}
	canonicalResync struct {
		ToSalesforce string  `json:"to_salesforce"`
		Segment      string  `json:"segment"`
		Records      []int64 `json:"records"`
		ToHubSpot    string  `json:"to_hubspot"`
		BatchSize    int     `json:"batch_size"`
	}
)

func canonical(c *Config) canonicalConfig {
	out := canonicalConfig{Objects: []canonicalObject{}, Rules: []canonicalRule{}}
	cn := c.Connection
	out.Connection = canonicalConnection{Provider: cn.Provider, Sandbox: cn.Sandbox, State: cn.State}
	if h := cn.HubSpot; h != nil {
		out.Connection.PortalID, out.Connection.HubSpotURL = h.PortalID, h.APIURL
	}
	if s := cn.Salesforce; s != nil {
		out.Connection.SalesforceURL = s.InstanceURL
	}
	if k := cn.Connector; k != nil {
		out.Connection.MappingsCSV, out.Connection.Endpoint, out.Connection.Manual = k.MappingsCSV, k.Endpoint, k.Manual
	}
	for _, ob := range c.Objects {
		o := canonicalObject{Object: ob.Object, Sync: ob.Sync, Prune: ob.Prune, Properties: []syncform.Property{}, Mappings: []canonicalMapping{}}
		for _, p := range ob.Properties {
			o.Properties = append(o.Properties, p.Property)
		}
		slices.SortFunc(o.Properties, func(a, b syncform.Property) int { return cmp.Compare(a.Name, b.Name) })
		for _, m := range ob.Mappings {
			cm := canonicalMapping{Mapping: m.Mapping, Labels: []canonicalLabel{}, LabelsFrom: m.LabelsFrom, Options: m.Options}
			for _, l := range m.Labels {
				cm.Labels = append(cm.Labels, canonicalLabel{ID: l.ID, Label: l.Label})
			}
			slices.SortFunc(cm.Labels, func(a, b canonicalLabel) int { return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Label, b.Label)) })
			o.Mappings = append(o.Mappings, cm)
		}
		slices.SortFunc(o.Mappings, func(a, b canonicalMapping) int {
			return cmp.Or(cmp.Compare(a.Property, b.Property), cmp.Compare(a.SalesforceField, b.SalesforceField))
		})
		if r := ob.Resync; r != nil {
			o.Resync = &canonicalResync{ToSalesforce: r.ToSalesforce, Segment: r.Segment, Records: slices.Sorted(slices.Values(r.Records)),
				ToHubSpot: r.ToHubSpot, BatchSize: r.BatchSize}
		}
		out.Objects = append(out.Objects, o)
	}
	slices.SortFunc(out.Objects, func(a, b canonicalObject) int { return cmp.Compare(a.Object.Rank(), b.Object.Rank()) })
	for _, r := range c.Rules {
		out.Rules = append(out.Rules, canonicalRule{Slug: r.Slug, Severity: r.Severity})
	}
	slices.SortFunc(out.Rules, func(a, b canonicalRule) int { return cmp.Compare(a.Slug, b.Slug) })
	return out
}
