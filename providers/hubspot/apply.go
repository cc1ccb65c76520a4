package hubspot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/apiwire"
)

// Apply carries out one change: properties and options through the CRM v3
// endpoints, sync toggles and mappings through the connector endpoint.
func (p *Provider) Apply(ctx context.Context, c sf.Change) error {
	addr := c.Address()
	var err error
	switch c.Resource {
	case sf.ResourceProperty, sf.ResourceOptions:
		err = p.applyProperty(ctx, c)
	case sf.ResourceSync, sf.ResourceMapping:
		if p.cfg.ConnectorEndpoint == "" {
			return sf.Rejectf("%s: a manual step: the connector's settings have no public API, and no connector endpoint is configured", addr)
		}
		err = p.applyConnector(ctx, c)
	case sf.ResourceBackfill:
		return sf.Rejectf("%s: back-fills run as jobs (syncform.Backfiller), not as changes", addr)
	default:
		return sf.Rejectf("%s: unknown resource %q", addr, c.Resource)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", addr, err)
	}
	return nil
}

func propertyPath(o sf.Object, name string) string {
	return "/crm/v3/properties/" + url.PathEscape(string(o)) + "/" + url.PathEscape(name)
}

func (p *Provider) applyProperty(ctx context.Context, c sf.Change) error {
	if c.Op != sf.OpDelete && c.Property == nil {
		return sf.Rejectf("the change carries no property")
	}
	switch {
	case c.Op == sf.OpCreate && c.Resource == sf.ResourceProperty:
		want := *c.Property
		want.Object, want.Name = c.Object, c.Name
		// Retried like the idempotent calls: a create whose first attempt
		// took effect answers 409 on the retry, which is success when the
		// property is the one asked for.
		status, err := p.c.do(ctx, p.hubspot("POST", "/crm/v3/properties/"+url.PathEscape(string(c.Object)), apiwire.PropertyOf(want), true), nil)
		if err == nil || status != http.StatusConflict {
			return err
		}
		cur, found, gerr := p.property(ctx, c.Object, c.Name)
		if gerr != nil || !found || !sameProperty(cur, want) {
			return err
		}
		return nil
	case c.Op == sf.OpUpdate && c.Resource == sf.ResourceProperty:
		typ, ft := c.Property.Type.APIType()
		body := map[string]any{"label": c.Property.Label, "type": typ, "fieldType": ft,
			"description": c.Property.Description, "options": apiwire.OptionsOf(c.Property.Options)}
		if c.Property.Group != "" { // no group: the property stays in its own
			body["groupName"] = c.Property.Group
		}
		_, err := p.c.do(ctx, p.hubspot("PATCH", propertyPath(c.Object, c.Name), body, true), nil)
		return err
	case c.Resource == sf.ResourceOptions:
		// A PATCH of options replaces the whole list.
		body := map[string]any{"options": apiwire.OptionsOf(c.Property.Options)}
		_, err := p.c.do(ctx, p.hubspot("PATCH", propertyPath(c.Object, c.Name), body, true), nil)
		return err
	case c.Op == sf.OpDelete:
		_, err := p.c.do(ctx, p.hubspot("DELETE", propertyPath(c.Object, c.Name), nil, true), nil)
		if errors.Is(err, sf.ErrNotFound) {
			// Gone already is done; but a server that serves no DELETE
			// also answers 404, so check.
			if _, found, gerr := p.property(ctx, c.Object, c.Name); gerr == nil && !found {
				return nil
			}
			return sf.Rejectf("the HubSpot API did not delete the property (%v)", err)
		}
		return err
	}
	return sf.Rejectf("unsupported operation %q", c.Op)
}

func sameOptions(a, b []sf.Option) bool {
	return slices.Equal(a, b) || len(a) == 0 && len(b) == 0
}

func (p *Provider) applyConnector(ctx context.Context, c sf.Change) error {
	if c.Resource == sf.ResourceSync {
		if c.Sync == nil {
			return sf.Rejectf("the change carries no sync value")
		}
		_, err := p.c.do(ctx, p.connector("PUT", "/connector/v1/objects/"+url.PathEscape(string(c.Object))+"/sync",
			map[string]bool{"sync": *c.Sync}, true), nil)
		return err
	}
	path := "/connector/v1/mappings/" + url.PathEscape(string(c.Object)) + "/" + url.PathEscape(c.Name)
	switch c.Op {
	case sf.OpCreate:
		if c.Mapping == nil {
			return sf.Rejectf("the change carries no mapping")
		}
		m := apiwire.Mapping{Object: c.Object, Property: c.Name, SalesforceField: c.Mapping.SalesforceField, Rule: c.Mapping.Rule}
		// The endpoint's create is idempotent (an identical mapping is
		// done), so it is retried.
		_, err := p.c.do(ctx, p.connector("POST", "/connector/v1/mappings", m, true), nil)
		return err
	case sf.OpUpdate:
		if c.Mapping == nil {
			return sf.Rejectf("the change carries no mapping")
		}
		_, err := p.c.do(ctx, p.connector("PATCH", path, map[string]sf.SyncRule{"rule": c.Mapping.Rule}, true), nil)
		return err
	case sf.OpDelete:
		_, err := p.c.do(ctx, p.connector("DELETE", path, nil, true), nil)
		return err
	}
	return sf.Rejectf("unsupported operation %q", c.Op)
}
