package planner

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
)

// FormatVersion versions the plan document (plan --format json, plan --out).
// A reader accepts documents of its major version; docs/plan-json.md and
// docs/plan.schema.json describe it. 1.1 added the digest (which a saved
// plan must have) and the targets.
const FormatVersion = "1.1"

// Document is the plan as a machine reads it, and as a saved plan is kept:
// everything needed to show it and to apply exactly its actions later.
type Document struct {
	FormatVersion   string `json:"format_version"`
	SyncformVersion string `json:"syncform_version"`
	// Digest is the SHA-256 of the document's canonical body (every other
	// field): MarshalJSON sets it, and ReadDocument refuses a document
	// whose body no longer has it, so that a file changed or damaged since
	// it was written is never read in part.
	Digest string `json:"digest,omitempty"`
	// Connection says which live connection was planned against, without
	// any credential.
	Connection Connection `json:"connection"`
	// Fingerprints of the live settings the plan was made against: a saved
	// plan whose connection no longer has them is stale.
	Fingerprints Fingerprints `json:"fingerprints"`
	Valid        bool         `json:"valid"`
	// Targets are the --target addresses the plan was narrowed to.
	Targets []string `json:"targets,omitempty"`
	Changes []Action `json:"changes"`
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

// NewDocument builds the document of a plan against live, narrowed to
// targets; plan is nil when the diagnostics hold an error, and the document
// then has no changes.
func NewDocument(version string, conn Connection, live *syncform.Snapshot, plan *Result, diags hcl.Diagnostics, targets []string) Document {
	doc := Document{
		FormatVersion: FormatVersion, SyncformVersion: version, Connection: conn,
		Valid: plan != nil, Targets: targets, Changes: []Action{}, Drift: []string{}, Unmanaged: []string{},
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

// ErrChanged is wrapped by ReadDocument's error for a document whose body
// no longer has its digest.
var ErrChanged = errors.New("the plan file was changed or damaged since plan wrote it")

// ReadDocument decodes a saved plan, refusing, whole, one that is not a
// plan, one of another major format version, one without its digest or
// whose body no longer has it (changed or damaged since it was written), a
// plan with errors, and one whose actions are not well-formed. Nothing of
// a refused document is used.
func ReadDocument(b []byte) (*Document, error) {
	v, err := decodeStrict(b)
	if err != nil {
		return nil, fmt.Errorf("not a saved plan: %w", err)
	}
	body, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not a saved plan: it is not a JSON object")
	}
	version, _ := body["format_version"].(string)
	if version == "" {
		return nil, errors.New("not a saved plan: it has no format_version")
	}
	if major(version) != major(FormatVersion) {
		return nil, fmt.Errorf("the saved plan has format version %s; this syncform reads %s", version, FormatVersion)
	}
	want, _ := body["digest"].(string)
	delete(body, "digest")
	switch {
	case want == "" && version == "1.0":
		return nil, errors.New("the saved plan was written by an earlier syncform (plan format 1.0), without the digest this one checks; run plan again")
	case want == "":
		return nil, fmt.Errorf("%w: it has no digest; run plan again", ErrChanged)
	case digest(body) != want:
		return nil, fmt.Errorf("%w: its content does not match its digest; run plan again", ErrChanged)
	}
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("not a saved plan: %w", err)
	}
	if !d.Valid {
		return nil, errors.New("the saved plan has errors and cannot be applied")
	}
	if err := d.check(); err != nil {
		return nil, fmt.Errorf("the saved plan is malformed: %w", err)
	}
	return &d, nil
}

// MarshalJSON encodes the document with the digest of its body.
func (d Document) MarshalJSON() ([]byte, error) {
	d.Digest = ""
	b, err := json.Marshal(plainDocument(d))
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var body any
	if err := dec.Decode(&body); err != nil {
		return nil, err
	}
	d.Digest = digest(body)
	return json.Marshal(plainDocument(d))
}

// maxDepth bounds the nesting of a saved plan's JSON: the document nests
// seven levels deep; a file nested far deeper is not one, and reading it
// must not exhaust the stack.
const maxDepth = 64

// decodeStrict decodes JSON as encoding/json does into an any, numbers kept
// as written (so that a body digests as it was written), but refuses a key
// twice in one object (which two readers could resolve differently), data
// after the value, and nesting deeper than maxDepth. The digest of a
// document is that of this value without its digest, encoded again (keys
// sorted).
func decodeStrict(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the document")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	if depth >= maxDepth {
		return nil, fmt.Errorf("nested more than %d levels deep", maxDepth)
	}
	if delim == '[' {
		list := []any{}
		for dec.More() {
			v, err := decodeValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err := dec.Token()
		return list, err
	}
	obj := map[string]any{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string) // the decoder allows only strings as keys
		if _, dup := obj[key]; dup {
			return nil, fmt.Errorf("the key %q appears twice in one object", key)
		}
		if obj[key], err = decodeValue(dec, depth+1); err != nil {
			return nil, err
		}
	}
	_, err = dec.Token()
	return obj, err
}

func major(v string) string {
	m, _, _ := strings.Cut(v, ".")
	return m
}

// ReasonDrift: the live setting was changed outside the configuration since
// the last apply, and the action changes it back.
const ReasonDrift Reason = "drift: changed outside the configuration"

// ReasonOutstanding marks a back-fill an earlier apply journalled but did
// not finish; apply runs it before anything else is back-filled.
const ReasonOutstanding Reason = "outstanding back-fill of an interrupted apply"

// reasons are every Reason a plan gives.
var reasons = []Reason{ReasonNew, ReasonChanged, ReasonPruned, ReasonRepoint, ReasonOptions, ReasonDrift, ReasonBackfill, ReasonOutstanding}

// check refuses a document whose actions are not ones a plan makes: an
// unknown operation, resource, object, mode or reason, an address that is
// not its change's, a change without its value or with one of another
// property, a back-fill that also changes a setting, a negative count; and
// a summary or drift list that does not describe its changes. (Whether the
// live system would take them is CheckActions' to judge, against it.)
func (d *Document) check() error {
	var drift []string
	for i, a := range d.Changes {
		if err := checkAction(a); err != nil {
			return fmt.Errorf("change %d (%s): %w", i+1, a.Address, err)
		}
		if a.Reason == ReasonDrift {
			drift = append(drift, a.Address)
		}
	}
	if d.Summary != d.Result().Summary() {
		return errors.New("its summary does not count its changes")
	}
	if !slices.Equal(drift, d.Drift) {
		return errors.New("its drift list is not that of its changes")
	}
	return nil
}

func checkAction(a Action) error {
	if a.Mode != syncform.ModeAuto && a.Mode != syncform.ModeManual {
		return fmt.Errorf("unknown mode %q", a.Mode)
	}
	if !slices.Contains(reasons, a.Reason) {
		return fmt.Errorf("unknown reason %q", a.Reason)
	}
	if a.Backfill != nil {
		return checkBackfill(a)
	}
	c := a.Change
	if _, err := syncform.ParseObject(string(c.Object)); err != nil {
		return fmt.Errorf("unknown object %q", c.Object)
	}
	if a.Address != c.Address() {
		return fmt.Errorf("its address is not its change's, %s", c.Address())
	}
	if c.Op == syncform.OpCreate && a.Before != nil {
		return errors.New("a create replaces no live value")
	}
	switch c.Resource {
	case syncform.ResourceSync:
		if c.Op != syncform.OpUpdate || c.Sync == nil || c.Name != "" || c.Property != nil || c.Mapping != nil {
			return errors.New("a sync change is an update to on or off")
		}
	case syncform.ResourceProperty, syncform.ResourceOptions:
		ok := c.Op == syncform.OpUpdate || c.Op == syncform.OpCreate && c.Resource == syncform.ResourceProperty
		if !ok || c.Property == nil || c.Mapping != nil || c.Sync != nil || c.Property.Object != c.Object || c.Property.Name != c.Name || c.Name == "" {
			return fmt.Errorf("a %s change creates or updates the property it names", c.Resource)
		}
	case syncform.ResourceMapping:
		switch c.Op {
		case syncform.OpDelete:
			if c.Mapping != nil || c.Property != nil || c.Sync != nil || c.Name == "" {
				return errors.New("a mapping delete names the mapping and carries no value")
			}
		case syncform.OpCreate, syncform.OpUpdate:
			if c.Mapping == nil || c.Property != nil || c.Sync != nil || c.Mapping.Object != c.Object || c.Mapping.Property != c.Name || c.Name == "" {
				return errors.New("a mapping change carries the mapping it names")
			}
		default:
			return fmt.Errorf("unknown operation %q", c.Op)
		}
	default:
		return fmt.Errorf("unknown resource %q", c.Resource)
	}
	return nil
}

func checkBackfill(a Action) error {
	c, b := a.Change, a.Backfill
	if c.Op != "" || c.Resource != "" || c.Object != "" || c.Name != "" || c.Sync != nil || c.Property != nil || c.Mapping != nil || a.Before != nil {
		return errors.New("a back-fill changes no setting")
	}
	j := b.Job
	if _, err := syncform.ParseObject(string(j.Object)); err != nil {
		return fmt.Errorf("a back-fill of an unknown object %q", j.Object)
	}
	if j.Direction != syncform.ToHubSpot && j.Direction != syncform.ToSalesforce {
		return fmt.Errorf("a back-fill in an unknown direction %q", j.Direction)
	}
	if !slices.Contains([]syncform.BackfillMethod{syncform.MethodImport, syncform.MethodSegment, syncform.MethodRecords}, j.Method) {
		return fmt.Errorf("a back-fill by an unknown method %q", j.Method)
	}
	if a.Address != BackfillAddress(j.Object, j.Direction) {
		return fmt.Errorf("its address is not its back-fill's, %s", BackfillAddress(j.Object, j.Direction))
	}
	if j.Offset < 0 || j.Limit < 0 {
		return errors.New("a negative window")
	}
	for _, w := range b.Batches {
		if w.Offset < 0 || w.Limit < 1 {
			return errors.New("a batch of a negative offset or of no records")
		}
	}
	if im := b.Impact; im != nil && (im.Examined < 0 || im.HubSpotChanges < 0 || im.SalesforceChanges < 0 || im.Overwrites < 0 || len(im.Samples) > syncform.MaxImpactSamples) {
		return errors.New("an impact of negative counts or too many samples")
	}
	return nil
}

// ErrNotPlanned is wrapped by Matches' error: the saved plan is not the plan
// the configuration gives against the live settings now.
var ErrNotPlanned = errors.New("the saved plan is not what plan makes now of the configuration and the live settings")

// Matches reports whether the document is now, the document the same
// configuration plans against the live settings now, but for what records
// decide: the back-fills' batches and impact (records change all day; apply
// counts them again) and the release that wrote it. As Terraform applies a
// saved plan only while its state is the one planned against, apply carries
// out a saved plan only while its configuration and live settings still
// make exactly its changes: a change edited into the file is refused, and
// so is one the configuration no longer asks for.
func (d *Document) Matches(now Document) error {
	a, b := withoutRecords(*d), withoutRecords(now)
	var detail string
	switch {
	case len(a.Changes) != len(b.Changes):
		detail = fmt.Sprintf("it holds %d changes, the plan now %d", len(a.Changes), len(b.Changes))
	default:
		for i := range a.Changes {
			if encode(a.Changes[i]) != encode(b.Changes[i]) {
				detail = fmt.Sprintf("change %d, %s, is not the plan's, %s", i+1, a.Changes[i].Address, b.Changes[i].Address)
				break
			}
		}
		a.Changes, b.Changes = nil, nil
		if detail == "" && encode(a) != encode(b) {
			detail = "its " + differingFields(a, b) + " differ"
		}
	}
	if detail == "" {
		return nil
	}
	return fmt.Errorf("%w: %s; if the configuration or a --var changed since it was saved, run plan again", ErrNotPlanned, detail)
}

// plainDocument is a Document without its MarshalJSON.
type plainDocument Document

// withoutRecords is d without what Matches ignores: what records decide, and
// the release and digest.
func withoutRecords(d Document) plainDocument {
	d.SyncformVersion, d.Digest = "", ""
	d.Changes = slices.Clone(d.Changes)
	for i, a := range d.Changes {
		if a.Backfill != nil {
			b := *a.Backfill
			b.Batches, b.Impact = nil, nil
			d.Changes[i].Backfill = &b
		}
	}
	return plainDocument(d)
}

func encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // documents always marshal
	}
	return string(b)
}

// differingFields names the top-level fields in which two documents differ.
func differingFields(a, b plainDocument) string {
	var x, y map[string]json.RawMessage
	json.Unmarshal([]byte(encode(a)), &x)
	json.Unmarshal([]byte(encode(b)), &y)
	var names []string
	for k := range x {
		if string(x[k]) != string(y[k]) {
			names = append(names, k)
		}
	}
	for k := range y {
		if _, ok := x[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
