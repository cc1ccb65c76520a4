package syncform

import (
	"context"
	"errors"
	"fmt"
)

// Identity names a live connection: syncform's own records of it (the
// journal of back-fills, the values applied, the lock, the history) are
// kept under it. It comes from the live system, never from where a
// configuration or a file happens to be, so a project directory that is
// moved or copied keeps its records, and two configurations that reach one
// portal share them.
type Identity struct {
	// Sandbox is the ID a sandbox file was created with; empty for a real
	// connection.
	Sandbox string
	// PortalID is the HubSpot account's ID (its hub ID), and OrgID the ID of
	// the Salesforce org the connector syncs it with.
	PortalID int64
	OrgID    SalesforceID
}

// String is the identity as the state database keys it: "sandbox:<id>",
// or "hubspot:<portal ID>/salesforce:<org ID>".
func (i Identity) String() string {
	if i.Sandbox != "" {
		return "sandbox:" + i.Sandbox
	}
	return fmt.Sprintf("hubspot:%d/salesforce:%s", i.PortalID, i.OrgID)
}

// Validate reports an identity that names no connection: a real one needs
// both the portal and the org, since either alone can be reconnected to
// another.
func (i Identity) Validate() error {
	switch {
	case i.Sandbox != "" && (i.PortalID != 0 || i.OrgID != ""):
		return errors.New("a connection is a sandbox or a portal and an org, not both")
	case i.Sandbox != "":
		return nil
	case i.PortalID <= 0:
		return fmt.Errorf("the HubSpot portal ID %d is not a portal's", i.PortalID)
	}
	if id, err := ParseSalesforceID(string(i.OrgID)); err != nil || id != i.OrgID || i.OrgID.KeyPrefix() != OrgKeyPrefix {
		return fmt.Errorf("%q is not a Salesforce org ID (18 characters starting %s)", i.OrgID, OrgKeyPrefix)
	}
	return nil
}

// OrgKeyPrefix starts the ID of every Salesforce org (the Organization
// object's key prefix).
const OrgKeyPrefix = "00D"

// Identifier is a Provider that can name the connection it reaches.
//
// Contract: Identity reads the identity from the live system itself (a
// sandbox's file; the portal's and the org's APIs), never from
// configuration alone, and a configured ID that disagrees with it is an
// error; it is the same for the life of the provider, valid (Validate),
// and it never writes.
type Identifier interface {
	Identity(ctx context.Context) (Identity, error)
}
