package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
)

// FormatVersion versions the plan document (plan --format json, plan --out).
// A reader accepts documents of its major version; docs/plan-json.md and
// docs/plan.schema.json describe it.
const FormatVersion = "1.0"

// Document is the plan as a machine reads it, and as a saved plan is kept:
// everything needed to show it and to apply exactly its actions later.
type Document struct {
	FormatVersion   string `json:"format_version"`
	SyncformVersion string `json:"syncform_version"`
	// Connection says which live connection was planned against, without
	// any credential.
	Connection Connection `json:"connection"`
	// Fingerprints of the live settings the plan was made against: a saved
	// plan whose connection no longer has them is stale.
	Fingerprints Fingerprints `json:"fingerprints"`
	Valid        bool         `json:"valid"`
	Changes      []Action     `json:"changes"`
	// Drift lists the changes that undo a change made outside the
	// configuration (by hand, since the last apply); they are also in
	// Changes, which apply carries out.
	Drift       []string         `json:"drift"`
	Unmanaged   []string         `json:"unmanaged"`
	Diagnostics []JSONDiagnostic `json:"diagnostics"`
	Summary     Summary          `json:"summary"`
}

// Connection identifies a live connection in a document.
type Connection struct {
	Provider string `json:"provider"`
	// ID names the connection: "sandbox:<absolute path>" or the portal.
	ID string `json:"id"`
}

// Fingerprints are digests of the live settings, one per side.
type Fingerprints struct {
	HubSpot    string `json:"hubspot"`
	Salesforce string `json:"salesforce"`
}

// Fingerprint digests the settings a plan depends on: on the HubSpot side the
// connector's toggles and mappings, the properties, the owners and the
// segments; on the Salesforce side the describes, users and queues. Records
// in general are left out: they change all day, and a plan of settings does
// not go stale because a record did. But the values a plan looked at to
// decide (the options records hold, the records labels name) are in: a
// saved plan that would hide or remove options goes stale when records start
// holding one.
func Fingerprint(live *syncform.Snapshot) Fingerprints {
	type owner struct{ ID, First, Last, Email string }
	type segment struct {
		Name   string
		Object syncform.Object
		Static bool
	}
	hs := struct {
		Sync       map[syncform.Object]bool
		Mappings   map[syncform.Object][]syncform.Mapping
		Properties map[syncform.Object][]syncform.Property
		Owners     []owner
		Segments   []segment
		Values     map[string][]string
	}{Sync: live.Sync, Mappings: live.Mappings, Properties: live.Properties, Values: sideValues(live, syncform.HubSpotSide)}
	for _, o := range live.Owners {
		hs.Owners = append(hs.Owners, owner{o.ID, o.FirstName, o.LastName, o.Email})
	}
	for _, s := range live.Segments {
		hs.Segments = append(hs.Segments, segment{s.Name, s.Object, s.Static})
	}
	sf := struct {
		SObjects map[string]syncform.SObject
		Users    []syncform.SalesforceUser
		Queues   []syncform.Queue
		Values   map[string][]string
		Records  map[string][]syncform.SalesforceRecord
	}{live.SObjects, live.Users, live.Queues, sideValues(live, syncform.SalesforceSide), live.Records}
	return Fingerprints{HubSpot: digest(hs), Salesforce: digest(sf)}
}

// ChangeDigest identifies the value a change sets, to recognise the same
// change planned again.
func ChangeDigest(c syncform.Change) string { return digest(c) }

// sideValues are the looked-up values of one side.
func sideValues(live *syncform.Snapshot, side syncform.Side) map[string][]string {
	out := map[string][]string{}
	for k, v := range live.Values {
		if strings.Contains(k, "/"+string(side)+"/") {
			out[k] = v
		}
	}
	return out
}

// digest is the SHA-256 of v's JSON (encoding/json sorts map keys, so equal
// values digest equally).
func digest(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the digested types always marshal
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// NewDocument builds the document of a plan against live; plan is nil when
// the diagnostics hold an error, and the document then has no changes.
func NewDocument(version string, conn Connection, live *syncform.Snapshot, plan *Result, diags hcl.Diagnostics) Document {
	doc := Document{
		FormatVersion: FormatVersion, SyncformVersion: version, Connection: conn,
		Valid: plan != nil, Changes: []Action{}, Drift: []string{}, Unmanaged: []string{},
	}
	if live != nil {
		doc.Fingerprints = Fingerprint(live)
	}
	var notes []Note
	if plan != nil {
		doc.Changes = append(doc.Changes, plan.Actions...)
		for _, a := range plan.Actions {
			if a.Reason == ReasonDrift {
				doc.Drift = append(doc.Drift, a.Address)
			}
		}
		for _, m := range plan.Unmanaged {
			doc.Unmanaged = append(doc.Unmanaged, m.Address())
		}
		notes = plan.Notes
		doc.Summary = plan.Summary()
	}
	doc.Diagnostics = DiagnosticsJSON(diags, notes)
	return doc
}

// Result is the plan the document holds, for apply and for rendering.
func (d *Document) Result() *Result {
	return &Result{Actions: append([]Action(nil), d.Changes...)}
}

// ErrStale is wrapped by Stale's error: the live settings moved since the
// plan was made, so its actions may no longer be right.
var ErrStale = errors.New("the saved plan is stale")

// Stale reports whether live no longer has the settings the document was
// planned against, naming the side that moved.
func (d *Document) Stale(live *syncform.Snapshot) error {
	now := Fingerprint(live)
	var moved []string
	if now.HubSpot != d.Fingerprints.HubSpot {
		moved = append(moved, "HubSpot")
	}
	if now.Salesforce != d.Fingerprints.Salesforce {
		moved = append(moved, "Salesforce")
	}
	switch len(moved) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%w: the %s side changed since it was made; run plan again", ErrStale, moved[0])
	}
	return fmt.Errorf("%w: both the HubSpot and the Salesforce side changed since it was made; run plan again", ErrStale)
}

// ReadDocument decodes a saved plan, refusing one of another major format
// version or one that is not a plan.
func ReadDocument(b []byte) (*Document, error) {
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("not a saved plan: %w", err)
	}
	if d.FormatVersion == "" {
		return nil, errors.New("not a saved plan: it has no format_version")
	}
	if major(d.FormatVersion) != major(FormatVersion) {
		return nil, fmt.Errorf("the saved plan has format version %s; this syncform reads %s", d.FormatVersion, FormatVersion)
	}
	if !d.Valid {
		return nil, errors.New("the saved plan has errors and cannot be applied")
	}
	return &d, nil
}

func major(v string) string {
	m, _, _ := strings.Cut(v, ".")
	return m
}

// ReasonDrift: the live setting was changed outside the configuration since
// the last apply, and the action changes it back.
const ReasonDrift Reason = "drift: changed outside the configuration"
