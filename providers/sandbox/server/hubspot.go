package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/apiwire"
)

// maxBody bounds request bodies: a batch of a few thousand properties fits.
const maxBody = 8 << 20

// tooMany refuses a batch of more than apiwire.MaxBatchInputs inputs.
func tooMany(w http.ResponseWriter, n int) bool {
	if n <= apiwire.MaxBatchInputs {
		return false
	}
	hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("a batch takes at most %d inputs, not %d", apiwire.MaxBatchInputs, n))
	return true
}

// hsPatch is a PATCH body: pointers tell an absent setting, which stays as it
// is, from an empty one.
type hsPatch struct {
	Label       *string           `json:"label"`
	Type        *string           `json:"type"`
	FieldType   *string           `json:"fieldType"`
	Description *string           `json:"description"`
	GroupName   *string           `json:"groupName"`
	Options     *[]apiwire.Option `json:"options"`
}

// toHubSpot is a property as the sandbox serves it: a form field, as
// HubSpot's own properties are.
func toHubSpot(p sf.Property) apiwire.Property {
	out := apiwire.PropertyOf(p)
	out.FormField = true
	return out
}

// fieldType maps the API's pair to a field type, or explains the refusal.
func fieldType(typ, ft string) (sf.FieldType, error) {
	t, ok := sf.FieldTypeFromAPI(typ, ft)
	if !ok {
		return "", fmt.Errorf("type %q with fieldType %q is not a field type this portal supports", typ, ft)
	}
	return t, nil
}

// fromHubSpot is the property a create body declares, refused when it lacks
// a required setting or names a type or referenced object the portal lacks.
func fromHubSpot(o sf.Object, in apiwire.Property) (sf.Property, error) {
	for _, req := range []struct{ name, v string }{
		{"name", in.Name}, {"label", in.Label}, {"type", in.Type}, {"fieldType", in.FieldType}, {"groupName", in.GroupName},
	} {
		if req.v == "" {
			return sf.Property{}, fmt.Errorf("%s is required", req.name)
		}
	}
	if _, err := fieldType(in.Type, in.FieldType); err != nil {
		return sf.Property{}, err
	}
	if in.ReferencedObjectType != "" && in.ReferencedObjectType != apiwire.OwnerObjectType {
		return sf.Property{}, fmt.Errorf("referencedObjectType %q is not supported; only OWNER", in.ReferencedObjectType)
	}
	p, _ := in.Domain(o)
	return p, nil
}

// object reads the {objectType} path value, answering 400 when unknown.
func object(w http.ResponseWriter, r *http.Request) (sf.Object, bool) {
	o, err := sf.ParseObject(r.PathValue("objectType"))
	if err != nil {
		hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Unable to infer object type from: "+r.PathValue("objectType"))
		return "", false
	}
	return o, true
}

// decode reads a JSON body, answering 400 when it is not one.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(v); err != nil {
		hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid input JSON: "+err.Error())
		return false
	}
	return true
}

// snapshot reads the live state, answering 500 when it cannot.
func (s *server) snapshot(w http.ResponseWriter, r *http.Request) (*sf.Snapshot, bool) {
	snap, err := s.sb.Settings(r.Context())
	if err != nil {
		hubspotError(w, http.StatusInternalServerError, "INTERNAL_ERROR", err.Error())
		return nil, false
	}
	return snap, true
}

// applyError answers a failed Apply as HubSpot would.
func applyError(w http.ResponseWriter, err error) {
	status, category := applyStatus(err)
	hubspotError(w, status, category, err.Error())
}

func applyStatus(err error) (int, string) {
	switch {
	case errors.Is(err, sf.ErrRejected):
		return http.StatusBadRequest, "VALIDATION_ERROR"
	case errors.Is(err, sf.ErrNotFound):
		return http.StatusNotFound, "OBJECT_NOT_FOUND"
	}
	return http.StatusInternalServerError, "INTERNAL_ERROR"
}

func (s *server) listProperties(w http.ResponseWriter, r *http.Request) {
	o, ok := object(w, r)
	if !ok {
		return
	}
	snap, ok := s.snapshot(w, r)
	if !ok {
		return
	}
	out := []apiwire.Property{}
	for _, p := range snap.Properties[o] {
		out = append(out, toHubSpot(p))
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": out})
}

func (s *server) getProperty(w http.ResponseWriter, r *http.Request) {
	o, ok := object(w, r)
	if !ok {
		return
	}
	snap, ok := s.snapshot(w, r)
	if !ok {
		return
	}
	p, found := snap.Property(o, r.PathValue("name"))
	if !found {
		hubspotError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", fmt.Sprintf("Property %s does not exist", r.PathValue("name")))
		return
	}
	writeJSON(w, http.StatusOK, toHubSpot(p))
}

// create applies one create body and returns the property as stored, or the
// status, category and message of the refusal.
func (s *server) create(r *http.Request, o sf.Object, in apiwire.Property) (apiwire.Property, int, string, string) {
	p, err := fromHubSpot(o, in)
	if err != nil {
		return apiwire.Property{}, http.StatusBadRequest, "VALIDATION_ERROR", err.Error()
	}
	snap, err := s.sb.Settings(r.Context())
	if err != nil {
		return apiwire.Property{}, http.StatusInternalServerError, "INTERNAL_ERROR", err.Error()
	}
	// The sandbox treats re-creating an identical property as done
	// (idempotent Apply); HubSpot's API answers 409 for any existing name.
	if _, exists := snap.Property(o, p.Name); exists {
		return apiwire.Property{}, http.StatusConflict, "CONFLICT", fmt.Sprintf("Property named '%s' already exists.", p.Name)
	}
	if err := s.sb.Apply(r.Context(), sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: o, Name: p.Name, Property: &p}); err != nil {
		status, category := applyStatus(err)
		return apiwire.Property{}, status, category, err.Error()
	}
	return s.readBack(r, o, p.Name)
}

// readBack returns a property as the sandbox now holds it.
func (s *server) readBack(r *http.Request, o sf.Object, name string) (apiwire.Property, int, string, string) {
	snap, err := s.sb.Settings(r.Context())
	if err != nil {
		return apiwire.Property{}, http.StatusInternalServerError, "INTERNAL_ERROR", err.Error()
	}
	p, ok := snap.Property(o, name)
	if !ok {
		return apiwire.Property{}, http.StatusInternalServerError, "INTERNAL_ERROR", "property vanished after its write"
	}
	return toHubSpot(p), 0, "", ""
}

func (s *server) createProperty(w http.ResponseWriter, r *http.Request) {
	o, ok := object(w, r)
	if !ok {
		return
	}
	var in apiwire.Property
	if !decode(w, r, &in) {
		return
	}
	out, status, category, msg := s.create(r, o, in)
	if status != 0 {
		hubspotError(w, status, category, msg)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

func (s *server) patchProperty(w http.ResponseWriter, r *http.Request) {
	o, ok := object(w, r)
	if !ok {
		return
	}
	var in hsPatch
	if !decode(w, r, &in) {
		return
	}
	name := r.PathValue("name")
	snap, ok := s.snapshot(w, r)
	if !ok {
		return
	}
	cur, found := snap.Property(o, name)
	if !found {
		hubspotError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", fmt.Sprintf("Property %s does not exist", name))
		return
	}
	// Merge the patch into the live property. The read and the Apply are
	// two transactions; a concurrent writer in between may be overwritten,
	// which a test server can afford.
	p := cur
	p.Options = slices.Clone(cur.Options)
	settings := in.Label != nil || in.Type != nil || in.FieldType != nil || in.Description != nil || in.GroupName != nil
	if in.Label != nil {
		p.Label = *in.Label
	}
	if in.Description != nil {
		p.Description = *in.Description
	}
	if in.GroupName != nil {
		p.Group = *in.GroupName
	}
	if in.Type != nil || in.FieldType != nil {
		typ, ft := cur.Type.APIType()
		if in.Type != nil {
			typ = *in.Type
		}
		if in.FieldType != nil {
			ft = *in.FieldType
		}
		t, err := fieldType(typ, ft)
		if err != nil {
			hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", err.Error())
			return
		}
		p.Type = t
	}
	if in.Options != nil {
		// A PATCH with options replaces the whole list: what it leaves out
		// is gone, and nothing is hidden unless it says so.
		p.Options = apiwire.Options(*in.Options)
	}
	c := sf.Change{Op: sf.OpUpdate, Resource: sf.ResourceProperty, Object: o, Name: name, Property: &p}
	if !settings {
		if in.Options == nil {
			writeJSON(w, http.StatusOK, toHubSpot(cur))
			return
		}
		c.Resource = sf.ResourceOptions
	}
	if err := s.sb.Apply(r.Context(), c); err != nil {
		applyError(w, err)
		return
	}
	out, status, category, msg := s.readBack(r, o, name)
	if status != 0 {
		hubspotError(w, status, category, msg)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// writeBatch answers a batch: okStatus when every input succeeded, else 207
// with the errors beside the results.
func writeBatch[T any](w http.ResponseWriter, okStatus int, results []T, errs []apiwire.BatchError) {
	body := map[string]any{"status": "COMPLETE", "results": results}
	status := okStatus
	if len(errs) > 0 {
		body["errors"], body["numErrors"] = errs, len(errs)
		status = http.StatusMultiStatus
	}
	writeJSON(w, status, body)
}

func (s *server) batchCreate(w http.ResponseWriter, r *http.Request) {
	o, ok := object(w, r)
	if !ok {
		return
	}
	var in struct {
		Inputs []apiwire.Property `json:"inputs"`
	}
	if !decode(w, r, &in) || tooMany(w, len(in.Inputs)) {
		return
	}
	// HubSpot's batch create is not atomic: it reports each failure beside
	// the successes. The sandbox decides every input in one transaction
	// (ApplyBatch), each on its own.
	snap, ok := s.snapshot(w, r)
	if !ok {
		return
	}
	var errs []apiwire.BatchError
	fail := func(name, category, msg string) {
		errs = append(errs, apiwire.BatchError{Status: "error", Category: category, Message: msg,
			Context: map[string][]string{"name": {name}}})
	}
	var changes []sf.Change
	seen := map[string]bool{}
	for _, in := range in.Inputs {
		p, err := fromHubSpot(o, in)
		if err != nil {
			fail(in.Name, "VALIDATION_ERROR", err.Error())
			continue
		}
		// The sandbox treats re-creating an identical property as done
		// (idempotent Apply); HubSpot's API answers 409 for any existing name.
		if _, exists := snap.Property(o, p.Name); exists || seen[p.Name] {
			fail(p.Name, "CONFLICT", fmt.Sprintf("Property named '%s' already exists.", p.Name))
			continue
		}
		seen[p.Name] = true
		changes = append(changes, sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: o, Name: p.Name, Property: &p})
	}
	done, ok := s.applyBatch(w, r, changes, func(c sf.Change, category, msg string) { fail(c.Name, category, msg) })
	if !ok {
		return
	}
	results := []apiwire.Property{}
	if len(done) > 0 {
		if snap, ok = s.snapshot(w, r); !ok {
			return
		}
		for _, c := range done {
			if p, found := snap.Property(o, c.Name); found {
				results = append(results, toHubSpot(p))
			}
		}
	}
	writeBatch(w, http.StatusCreated, results, errs)
}

// applyBatch applies changes in one Sandbox.ApplyBatch and returns those
// made; each refused one is reported to fail. A failure of the store fails
// the whole request (ok false, answered): a retry redoes what was done
// without writing.
func (s *server) applyBatch(w http.ResponseWriter, r *http.Request, changes []sf.Change, fail func(c sf.Change, category, msg string)) (done []sf.Change, ok bool) {
	if len(changes) == 0 {
		return nil, true
	}
	for i, err := range s.sb.ApplyBatch(r.Context(), changes) {
		if err == nil {
			done = append(done, changes[i])
			continue
		}
		status, category := applyStatus(err)
		if status == http.StatusInternalServerError {
			hubspotError(w, status, category, err.Error())
			return nil, false
		}
		fail(changes[i], category, err.Error())
	}
	return done, true
}

func (s *server) batchRead(w http.ResponseWriter, r *http.Request) {
	o, ok := object(w, r)
	if !ok {
		return
	}
	var in struct {
		Inputs []struct {
			Name string `json:"name"`
		} `json:"inputs"`
	}
	if !decode(w, r, &in) || tooMany(w, len(in.Inputs)) {
		return
	}
	snap, ok := s.snapshot(w, r)
	if !ok {
		return
	}
	results, errs := []apiwire.Property{}, []apiwire.BatchError(nil)
	for _, n := range in.Inputs {
		p, found := snap.Property(o, n.Name)
		if !found {
			errs = append(errs, apiwire.BatchError{Status: "error", Category: "OBJECT_NOT_FOUND",
				Message: fmt.Sprintf("Property %s does not exist", n.Name), Context: map[string][]string{"name": {n.Name}}})
			continue
		}
		results = append(results, toHubSpot(p))
	}
	writeBatch(w, http.StatusOK, results, errs)
}

// ---------------------------------------------------------------------------
// Owners

// userID stands in for the HubSpot user behind an owner: the sandbox keeps
// none, so it is derived from the owner ID, stable and distinct from it.
func userID(ownerID string) int64 {
	h := fnv.New32a()
	h.Write([]byte(ownerID))
	return int64(h.Sum32() & 0x7fffffff)
}

// accountDetails serves the portal's account details: its ID is the
// sandbox's (Sandbox.Portal); the rest is a standard portal's in UTC.
func (s *server) accountDetails(w http.ResponseWriter, r *http.Request) {
	portal, _, err := s.sb.Portal(r.Context())
	if err != nil {
		hubspotError(w, http.StatusInternalServerError, "INTERNAL_ERROR", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, apiwire.AccountDetails{
		PortalID: portal, AccountType: "STANDARD", TimeZone: "Etc/UTC", CompanyCurrency: "USD",
		AdditionalCurrencies: []string{}, UTCOffset: "+00:00", UTCOffsetMilliseconds: 0,
		UIDomain: "app.hubspot.com", DataHostingLocation: "na1",
	})
}

// listOwners pages owners in ID order. The cursor is the last ID returned,
// so owners added between pages are neither skipped nor repeated.
func (s *server) listOwners(w http.ResponseWriter, r *http.Request) {
	limit := apiwire.DefaultOwnersLimit
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("limit must be a positive integer, not %q", v))
			return
		}
		limit = min(n, apiwire.MaxOwnersLimit)
	}
	after := r.URL.Query().Get("after")
	snap, ok := s.snapshot(w, r)
	if !ok {
		return
	}
	owners := snap.Owners // sorted by ID (Snapshot.Sort)
	i := 0
	if after != "" {
		// The first owner whose ID sorts after the cursor.
		i, _ = slices.BinarySearchFunc(owners, after, func(o sf.Owner, id string) int {
			if o.ID <= id {
				return -1
			}
			return 1
		})
	}
	page := owners[i:min(i+limit, len(owners))]
	body := apiwire.Owners{Results: make([]apiwire.Owner, 0, len(page))}
	for _, o := range page {
		body.Results = append(body.Results, apiwire.Owner{ID: o.ID, Email: o.Email, FirstName: o.FirstName, LastName: o.LastName, UserID: userID(o.ID)})
	}
	if i+limit < len(owners) {
		body.Paging = &apiwire.Paging{}
		body.Paging.Next.After = page[len(page)-1].ID
	}
	writeJSON(w, http.StatusOK, body)
}
