package server

import (
	"net/http"
	"slices"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/apiwire"
)

// The connector-settings API is the sandbox's own: HubSpot documents none
// (the connector's settings are edited in its UI). It gives the hubspot
// provider an endpoint to read and apply settings through when one is
// configured. Its paths count against the HubSpot limits and answer in
// HubSpot's error shape; every write is one syncform.Change through
// Sandbox.Apply, so the sandbox alone decides what is allowed.

func (s *server) connectorRoutes() {
	m := s.mux
	m.HandleFunc("GET /connector/v1/settings", s.getSettings)
	m.HandleFunc("PUT /connector/v1/objects/{objectType}/sync", s.putSync)
	m.HandleFunc("POST /connector/v1/mappings", s.createMapping)
	m.HandleFunc("PATCH /connector/v1/mappings/{objectType}/{property}", s.patchMapping)
	m.HandleFunc("DELETE /connector/v1/mappings/{objectType}/{property}", s.deleteMapping)
	m.HandleFunc("POST /connector/v1/mappings/{objectType}/batch/{verb}", s.batchMappings)
	m.HandleFunc("POST /connector/v1/backfills/estimate", s.estimateBackfills)
	m.HandleFunc("POST /connector/v1/backfills", s.startBackfill)
	m.HandleFunc("GET /connector/v1/backfills/{id}", s.getJob)
	m.HandleFunc("GET /connector/v1/values/{object}/{side}/{field}", s.values)
	// Segments are read and deleted through the lists API (lists.go); only
	// a batch, copied in place, needs a route of its own.
	m.HandleFunc("POST /connector/v1/segments/batch", s.createBatchSegment)
	m.HandleFunc("/connector/", func(w http.ResponseWriter, r *http.Request) {
		hubspotError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
}

func (s *server) getSettings(w http.ResponseWriter, r *http.Request) {
	snap, ok := s.snapshot(w, r)
	if !ok {
		return
	}
	mappings := []apiwire.Mapping{}
	objects := make([]sf.Object, 0, len(snap.Mappings))
	for o := range snap.Mappings {
		objects = append(objects, o)
	}
	slices.Sort(objects)
	for _, o := range objects {
		for _, m := range snap.Mappings[o] { // sorted by property
			mappings = append(mappings, apiwire.MappingOf(m))
		}
	}
	sync := snap.Sync
	if sync == nil {
		sync = map[sf.Object]bool{}
	}
	writeJSON(w, http.StatusOK, apiwire.Settings{Sync: sync, Mappings: mappings, MappingLimit: snap.MappingLimit})
}

func (s *server) putSync(w http.ResponseWriter, r *http.Request) {
	o, ok := object(w, r)
	if !ok {
		return
	}
	var in struct {
		Sync *bool `json:"sync"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Sync == nil {
		hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", "sync is required")
		return
	}
	if err := s.sb.Apply(r.Context(), sf.Change{Op: sf.OpUpdate, Resource: sf.ResourceSync, Object: o, Sync: in.Sync}); err != nil {
		applyError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": o, "sync": *in.Sync})
}

// readMapping answers the mapping as the sandbox now holds it.
func (s *server) readMapping(w http.ResponseWriter, r *http.Request, status int, o sf.Object, property string) {
	snap, ok := s.snapshot(w, r)
	if !ok {
		return
	}
	m, found := snap.Mapping(o, property)
	if !found {
		hubspotError(w, http.StatusInternalServerError, "INTERNAL_ERROR", "mapping vanished after its write")
		return
	}
	writeJSON(w, status, apiwire.MappingOf(m))
}

func (s *server) createMapping(w http.ResponseWriter, r *http.Request) {
	var in apiwire.Mapping
	if !decode(w, r, &in) {
		return
	}
	o, err := sf.ParseObject(string(in.Object))
	if err != nil {
		hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Unable to infer object type from: "+string(in.Object))
		return
	}
	if in.Property == "" {
		hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", "property is required")
		return
	}
	// standard is the connector's to say, never the caller's.
	m := sf.Mapping{Object: o, Property: in.Property, SalesforceField: in.SalesforceField, Rule: in.Rule}
	if err := s.sb.Apply(r.Context(), sf.Change{Op: sf.OpCreate, Resource: sf.ResourceMapping, Object: o, Name: m.Property, Mapping: &m}); err != nil {
		applyError(w, err)
		return
	}
	s.readMapping(w, r, http.StatusCreated, o, m.Property)
}

func (s *server) patchMapping(w http.ResponseWriter, r *http.Request) {
	o, ok := object(w, r)
	if !ok {
		return
	}
	var in struct {
		Rule *sf.SyncRule `json:"rule"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Rule == nil {
		hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", "rule is required")
		return
	}
	property := r.PathValue("property")
	m := sf.Mapping{Object: o, Property: property, Rule: *in.Rule}
	if err := s.sb.Apply(r.Context(), sf.Change{Op: sf.OpUpdate, Resource: sf.ResourceMapping, Object: o, Name: property, Mapping: &m}); err != nil {
		applyError(w, err)
		return
	}
	s.readMapping(w, r, http.StatusOK, o, property)
}

// deleteMapping answers 204 also for a mapping that does not exist, as the
// sandbox's Apply treats deleting it as already done.
func (s *server) deleteMapping(w http.ResponseWriter, r *http.Request) {
	o, ok := object(w, r)
	if !ok {
		return
	}
	if err := s.sb.Apply(r.Context(), sf.Change{Op: sf.OpDelete, Resource: sf.ResourceMapping, Object: o, Name: r.PathValue("property")}); err != nil {
		applyError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// batchOps are the batch routes' verbs, in HubSpot's words.
var batchOps = map[string]sf.Op{"create": sf.OpCreate, "update": sf.OpUpdate, "archive": sf.OpDelete}

// batchMappings creates, updates (the rule) or deletes (archive) up to
// apiwire.MaxBatchInputs mappings of one object, each decided on its own as
// the single routes do, in one Sandbox.ApplyBatch; it answers like HubSpot's batch endpoints: 201, 200 or 204 when every
// input succeeded, else 207 naming each failed input by its property.
func (s *server) batchMappings(w http.ResponseWriter, r *http.Request) {
	o, ok := object(w, r)
	if !ok {
		return
	}
	op, ok := batchOps[r.PathValue("verb")]
	if !ok {
		hubspotError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "no such endpoint: "+r.Method+" "+r.URL.Path)
		return
	}
	var in struct {
		Inputs []apiwire.Mapping `json:"inputs"`
	}
	if !decode(w, r, &in) {
		return
	}
	if tooMany(w, len(in.Inputs)) {
		return
	}
	var errs []apiwire.BatchError
	fail := func(property, category, msg string) {
		errs = append(errs, apiwire.BatchError{Status: "error", Category: category, Message: msg,
			Context: map[string][]string{"property": {property}}})
	}
	var changes []sf.Change
	for _, m := range in.Inputs {
		if m.Property == "" {
			fail(m.Property, "VALIDATION_ERROR", "property is required")
			continue
		}
		c := sf.Change{Op: op, Resource: sf.ResourceMapping, Object: o, Name: m.Property}
		if op != sf.OpDelete {
			// standard is the connector's to say, never the caller's.
			c.Mapping = &sf.Mapping{Object: o, Property: m.Property, SalesforceField: m.SalesforceField, Rule: m.Rule}
		}
		changes = append(changes, c)
	}
	done, ok := s.applyBatch(w, r, changes, func(c sf.Change, category, msg string) { fail(c.Name, category, msg) })
	if !ok {
		return
	}
	results := []apiwire.Mapping{}
	if op != sf.OpDelete && len(done) > 0 {
		snap, ok := s.snapshot(w, r)
		if !ok {
			return
		}
		for _, c := range done {
			if m, found := snap.Mapping(o, c.Name); found {
				results = append(results, apiwire.MappingOf(m))
			}
		}
	}
	okStatus := map[sf.Op]int{sf.OpCreate: http.StatusCreated, sf.OpUpdate: http.StatusOK, sf.OpDelete: http.StatusNoContent}[op]
	if len(errs) == 0 && op == sf.OpDelete {
		w.WriteHeader(okStatus)
		return
	}
	writeBatch(w, okStatus, results, errs)
}

func (s *server) estimateBackfills(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Backfills []sf.Backfill `json:"backfills"`
	}
	if !decode(w, r, &in) {
		return
	}
	impacts, err := s.sb.EstimateBackfills(r.Context(), in.Backfills)
	if err != nil {
		applyError(w, err)
		return
	}
	if impacts == nil {
		impacts = []sf.Impact{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"impacts": impacts})
}

// startBackfill answers 202: the job runs on after the response.
func (s *server) startBackfill(w http.ResponseWriter, r *http.Request) {
	var b sf.Backfill
	if !decode(w, r, &b) {
		return
	}
	job, err := s.sb.StartBackfill(r.Context(), b)
	if err != nil {
		applyError(w, err)
		return
	}
	writeJSON(w, http.StatusAccepted, job)
}

func (s *server) getJob(w http.ResponseWriter, r *http.Request) {
	job, err := s.sb.Job(r.Context(), r.PathValue("id"))
	if err != nil {
		applyError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, job)
}

// values lists the distinct values the object's linked records hold in a
// field on one side (what a search or an aggregate query would give).
func (s *server) values(w http.ResponseWriter, r *http.Request) {
	vs, err := s.sb.Values(r.Context(), sf.Object(r.PathValue("object")), sf.Side(r.PathValue("side")), r.PathValue("field"))
	if err != nil {
		applyError(w, err)
		return
	}
	if vs == nil {
		vs = []string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": vs})
}

// createBatchSegment copies the members of segment from at positions
// [offset, offset+limit) into a new static segment in one request, where the
// lists API would need one per 250 members (Sandbox.CreateBatchSegment).
func (s *server) createBatchSegment(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name   string `json:"name"`
		From   string `json:"from"`
		Offset int    `json:"offset"`
		Limit  int    `json:"limit"`
	}
	if !decode(w, r, &in) {
		return
	}
	seg, err := s.sb.CreateBatchSegment(r.Context(), in.Name, in.From, in.Offset, in.Limit)
	if err != nil {
		applyError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, seg)
}
