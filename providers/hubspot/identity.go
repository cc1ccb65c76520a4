package hubspot

import (
	"context"
	"fmt"
	"net/http"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/apiwire"
)

var _ sf.Identifier = (*Provider)(nil)

// Identity implements syncform.Identifier: the portal the HubSpot token
// reaches (its account details) and the org the Salesforce token reaches
// (its one Organization record), read side by side the first time and kept
// for the provider's life. A configured portal ID that is not the token's
// portal is an error: the configuration would change another portal than
// the one it names.
func (p *Provider) Identity(ctx context.Context) (sf.Identity, error) {
	p.idMu.Lock()
	defer p.idMu.Unlock()
	if p.id != nil {
		return *p.id, nil
	}
	var details apiwire.AccountDetails
	var orgs []string
	g := p.newGroup(ctx)
	g.Go(func(ctx context.Context) error {
		_, err := p.c.do(ctx, p.hubspot(http.MethodGet, apiwire.AccountDetailsPath, nil, true), &details)
		return err
	})
	g.Go(func(ctx context.Context) error {
		return p.query(ctx, apiwire.OrganizationSOQL, func(r map[string]any) error {
			orgs = append(orgs, str(r["Id"]))
			return nil
		})
	})
	if err := g.Wait(); err != nil {
		return sf.Identity{}, fmt.Errorf("reading which portal and org the tokens reach: %w", err)
	}
	if len(orgs) != 1 {
		return sf.Identity{}, fmt.Errorf("salesforce answered %d Organization records, want the org's one", len(orgs))
	}
	org, err := sf.ParseSalesforceID(orgs[0])
	if err != nil {
		return sf.Identity{}, fmt.Errorf("salesforce's Organization record: %w", err)
	}
	id := sf.Identity{PortalID: details.PortalID, OrgID: org}
	if err := id.Validate(); err != nil {
		return sf.Identity{}, fmt.Errorf("the live connection's identity: %w", err)
	}
	if want := p.cfg.PortalID; want != 0 && want != id.PortalID {
		return sf.Identity{}, fmt.Errorf("the HubSpot token reaches portal %d, but portal_id is %d: "+
			"correct portal_id, or use the token of portal %d", id.PortalID, want, want)
	}
	p.id = &id
	return id, nil
}
