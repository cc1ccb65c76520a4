package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/syncform/syncform/providers/apiwire"
	"github.com/syncform/syncform/providers/sandbox"
)

// HubSpot's CRM v3 lists API over the sandbox's segments: a list is a
// segment, its listId the segment's list ID (sandbox.List), MANUAL a static
// segment and DYNAMIC a dynamic one. Lists are created empty and MANUAL
// only: the sandbox's filters (a property equal to a value) are not
// HubSpot's filter branches, so dynamic segments come from the seed.

func (s *server) listRoutes() {
	m := s.mux
	m.HandleFunc("POST /crm/v3/lists/search", s.searchLists)
	m.HandleFunc("POST /crm/v3/lists", s.createList)
	m.HandleFunc("GET /crm/v3/lists/{listId}", s.getList)
	m.HandleFunc("DELETE /crm/v3/lists/{listId}", s.deleteList)
	m.HandleFunc("GET /crm/v3/lists/object-type-id/{objectTypeId}/name/{listName}", s.getListByName)
	m.HandleFunc("GET /crm/v3/lists/{listId}/memberships", s.listMemberships)
	m.HandleFunc("PUT /crm/v3/lists/{listId}/memberships/add", s.addMemberships)
}

// listOf is a segment in the lists API's JSON.
func listOf(l sandbox.List) apiwire.List {
	return apiwire.ListOf(strconv.FormatInt(l.ID, 10), l.Segment)
}

// listID reads the {listId} path value, answering 400 when it cannot be a
// list ID.
func listID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	v := r.PathValue("listId")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("listId must be a list's numeric ID, not %q", v))
		return 0, false
	}
	return id, true
}

// listError answers a failed list operation as HubSpot would.
func listError(w http.ResponseWriter, err error) {
	if errors.Is(err, sandbox.ErrListExists) {
		hubspotError(w, http.StatusConflict, "CONFLICT", err.Error())
		return
	}
	applyError(w, err)
}

// searchLists pages the lists whose names contain the query, in list ID
// order. offset in the answer is where the next page starts.
func (s *server) searchLists(w http.ResponseWriter, r *http.Request) {
	var in apiwire.ListSearch
	if !decode(w, r, &in) {
		return
	}
	if in.Offset < 0 || in.Count < 0 {
		hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR",
			fmt.Sprintf("offset %d and count %d must not be negative", in.Offset, in.Count))
		return
	}
	count := in.Count
	if count == 0 {
		count = apiwire.DefaultListSearchCount
	}
	count = min(count, apiwire.MaxListSearchCount)
	page, total, err := s.sb.Lists(r.Context(), in.Query, in.Offset, count)
	if err != nil {
		listError(w, err)
		return
	}
	out := apiwire.ListSearchResult{Lists: make([]apiwire.List, 0, len(page)), Offset: in.Offset + len(page), Total: total}
	for _, l := range page {
		out.Lists = append(out.Lists, listOf(l))
	}
	out.HasMore = out.Offset < total
	writeJSON(w, http.StatusOK, out)
}

func (s *server) createList(w http.ResponseWriter, r *http.Request) {
	var in apiwire.ListCreate
	if !decode(w, r, &in) {
		return
	}
	if in.Name == "" {
		hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", "name is required")
		return
	}
	o, ok := apiwire.ObjectOfTypeID(in.ObjectTypeID)
	if !ok {
		hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR",
			fmt.Sprintf("objectTypeId %q is not an object this portal syncs (0-1 contacts, 0-2 companies, 0-3 deals)", in.ObjectTypeID))
		return
	}
	switch {
	case in.ProcessingType == apiwire.ProcessingDynamic || in.ProcessingType == apiwire.ProcessingSnapshot:
		hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf(
			"the sandbox creates only MANUAL lists over this API, not %s ones: its dynamic lists come from `syncform sandbox seed`",
			in.ProcessingType))
		return
	case in.ProcessingType != apiwire.ProcessingManual:
		hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR",
			fmt.Sprintf("processingType must be MANUAL, DYNAMIC or SNAPSHOT, not %q", in.ProcessingType))
		return
	case len(in.FilterBranch) > 0 && string(in.FilterBranch) != "null":
		hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", "a MANUAL list has no filterBranch")
		return
	}
	l, err := s.sb.CreateList(r.Context(), in.Name, o)
	if err != nil {
		listError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, apiwire.ListResponse{List: listOf(l)})
}

func (s *server) getList(w http.ResponseWriter, r *http.Request) {
	id, ok := listID(w, r)
	if !ok {
		return
	}
	l, err := s.sb.ListByID(r.Context(), id)
	if err != nil {
		listError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, apiwire.ListResponse{List: listOf(l)})
}

// getListByName finds a list of one object by name, ignoring case.
func (s *server) getListByName(w http.ResponseWriter, r *http.Request) {
	tid := r.PathValue("objectTypeId")
	o, ok := apiwire.ObjectOfTypeID(tid)
	if !ok {
		hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("objectTypeId %q is not an object this portal syncs", tid))
		return
	}
	l, err := s.sb.ListByName(r.Context(), o, r.PathValue("listName"))
	if err != nil {
		listError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, apiwire.ListResponse{List: listOf(l)})
}

// deleteList answers 404 for a list that does not exist, as HubSpot does.
func (s *server) deleteList(w http.ResponseWriter, r *http.Request) {
	id, ok := listID(w, r)
	if !ok {
		return
	}
	if err := s.sb.DeleteList(r.Context(), id); err != nil {
		listError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listMemberships pages a list's members in record ID order; the cursor is
// the last record ID returned, so records that join between pages are
// neither skipped nor repeated behind it.
func (s *server) listMemberships(w http.ResponseWriter, r *http.Request) {
	id, ok := listID(w, r)
	if !ok {
		return
	}
	limit := apiwire.DefaultMembershipLimit
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("limit must be a positive integer, not %q", v))
			return
		}
		limit = min(n, apiwire.MaxMembershipLimit)
	}
	var after int64
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			hubspotError(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("after must be a paging cursor from a previous page, not %q", v))
			return
		}
		after = n
	}
	ids, more, err := s.sb.ListMembers(r.Context(), id, after, limit)
	if err != nil {
		listError(w, err)
		return
	}
	out := apiwire.Memberships{Results: make([]apiwire.Membership, 0, len(ids))}
	for _, rid := range ids {
		out.Results = append(out.Results, apiwire.Membership{RecordID: strconv.FormatInt(rid, 10)})
	}
	if more {
		out.Paging = &apiwire.Paging{}
		out.Paging.Next.After = out.Results[len(out.Results)-1].RecordID
	}
	writeJSON(w, http.StatusOK, out)
}

// addMemberships adds records to a MANUAL list. An ID that is not a number
// cannot be a record, so it is missing like one that does not exist.
func (s *server) addMemberships(w http.ResponseWriter, r *http.Request) {
	id, ok := listID(w, r)
	if !ok {
		return
	}
	var in []string
	if !decode(w, r, &in) {
		return
	}
	var ids []int64
	var bad []string
	for _, v := range in {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			bad = append(bad, v)
			continue
		}
		ids = append(ids, n)
	}
	added, missing, err := s.sb.AddListMembers(r.Context(), id, ids)
	if err != nil {
		listError(w, err)
		return
	}
	out := apiwire.MembershipsAdded{RecordIDsAdded: []string{}, RecordIDsMissing: []string{}}
	for _, rid := range added {
		out.RecordIDsAdded = append(out.RecordIDsAdded, strconv.FormatInt(rid, 10))
	}
	for _, rid := range missing {
		out.RecordIDsMissing = append(out.RecordIDsMissing, strconv.FormatInt(rid, 10))
	}
	out.RecordIDsMissing = append(out.RecordIDsMissing, bad...)
	writeJSON(w, http.StatusOK, out)
}
