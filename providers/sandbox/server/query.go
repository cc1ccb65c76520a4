package server

import (
	"encoding/base64"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	sf "github.com/syncform/syncform"
)

// queryPage is the most records one query response carries, as Salesforce's
// default batch size.
const queryPage = 2000

// The SOQL this server understands is only what a provider sends: the users,
// the queues, the org's ID, and records by ID. Anything else is
// MALFORMED_QUERY.
var (
	soqlSelect = regexp.MustCompile(`(?is)^\s*SELECT\s+(.+?)\s+FROM\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s+WHERE\s+(.+?))?\s*$`)
	soqlField  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	soqlQueue  = regexp.MustCompile(`(?i)^Type\s*=\s*'Queue'$`)
	soqlIDs    = regexp.MustCompile(`(?is)^Id\s+IN\s*\((.*)\)$`)
	soqlID     = regexp.MustCompile(`^'([A-Za-z0-9]{15}|[A-Za-z0-9]{18})'$`)
)

// userFields and queueFields are the columns served of User and of Group,
// by lower-case name.
var (
	userFields  = canonical("Id", "FirstName", "LastName", "Email", "UserType", "IsActive")
	queueFields = canonical("Id", "Name")
	orgFields   = canonical("Id")
)

func canonical(names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[strings.ToLower(n)] = n
	}
	return m
}

// errMalformed is a query outside the subset served.
type errMalformed string

func (e errMalformed) Error() string { return string(e) }

// query serves GET /services/data/vNN.N/query?q=SOQL.
func (s *server) query(w http.ResponseWriter, r *http.Request) {
	version := r.PathValue("version")
	if !apiVersion.MatchString(version) {
		salesforceError(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	s.queryFrom(w, r, version, r.URL.Query().Get("q"), 0)
}

// queryMore serves a nextRecordsUrl. The cursor carries the query and the
// offset, so it holds no server state; each page runs the query again over
// the live sandbox.
func (s *server) queryMore(w http.ResponseWriter, r *http.Request) {
	version := r.PathValue("version")
	if !apiVersion.MatchString(version) {
		salesforceError(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	q, offset, ok := parseCursor(r.PathValue("cursor"))
	if !ok {
		salesforceError(w, http.StatusBadRequest, "INVALID_QUERY_LOCATOR", "invalid query locator")
		return
	}
	s.queryFrom(w, r, version, q, offset)
}

func cursorOf(q string, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(q)) + "-" + strconv.Itoa(offset)
}

func parseCursor(c string) (string, int, bool) {
	enc, off, ok := strings.Cut(c, "-")
	if !ok {
		return "", 0, false
	}
	q, err := base64.RawURLEncoding.DecodeString(enc)
	n, nerr := strconv.Atoi(off)
	if err != nil || nerr != nil || n <= 0 {
		return "", 0, false
	}
	return string(q), n, true
}

func (s *server) queryFrom(w http.ResponseWriter, r *http.Request, version, q string, offset int) {
	records, err := s.run(r, version, q)
	var bad errMalformed
	switch {
	case errors.As(err, &bad):
		salesforceError(w, http.StatusBadRequest, "MALFORMED_QUERY", bad.Error())
		return
	case errors.Is(err, sf.ErrRejected):
		salesforceError(w, http.StatusBadRequest, "INVALID_FIELD", err.Error())
		return
	case err != nil:
		salesforceError(w, http.StatusInternalServerError, "UNKNOWN_EXCEPTION", err.Error())
		return
	}
	if offset > len(records) {
		salesforceError(w, http.StatusBadRequest, "INVALID_QUERY_LOCATOR", "invalid query locator")
		return
	}
	end := min(offset+queryPage, len(records))
	body := map[string]any{"totalSize": len(records), "done": end == len(records), "records": records[offset:end]}
	if end < len(records) {
		body["nextRecordsUrl"] = "/services/data/" + version + "/query/" + cursorOf(q, end)
	}
	writeJSON(w, http.StatusOK, body)
}

// run answers a query with every matching record, in Salesforce's record
// shape (attributes, then the selected fields).
func (s *server) run(r *http.Request, version, q string) ([]map[string]any, error) {
	m := soqlSelect.FindStringSubmatch(q)
	if m == nil {
		return nil, errMalformed("unexpected query; this server answers SELECT … FROM … [WHERE …] only")
	}
	var fields []string
	for f := range strings.SplitSeq(m[1], ",") {
		f = strings.TrimSpace(f)
		if !soqlField.MatchString(f) {
			return nil, errMalformed("unexpected token in the field list: " + strconv.Quote(f))
		}
		fields = append(fields, f)
	}
	from, where := m[2], strings.TrimSpace(m[3])
	attrs := func(typ string, id sf.SalesforceID) map[string]any {
		return map[string]any{"attributes": map[string]string{
			"type": typ, "url": "/services/data/" + version + "/sobjects/" + typ + "/" + string(id)}}
	}
	switch {
	case strings.EqualFold(from, "User"):
		if where != "" {
			return nil, errMalformed("User is queried without a WHERE clause here")
		}
		cols, err := columns(fields, userFields, "User")
		if err != nil {
			return nil, err
		}
		snap, err := s.sb.Settings(r.Context())
		if err != nil {
			return nil, err
		}
		out := make([]map[string]any, 0, len(snap.Users))
		for _, u := range snap.Users {
			rec := attrs("User", u.ID)
			for _, c := range cols {
				rec[c] = map[string]any{"Id": string(u.ID), "FirstName": u.FirstName, "LastName": u.LastName,
					"Email": u.Email, "UserType": u.UserType, "IsActive": u.Active}[c]
			}
			out = append(out, rec)
		}
		return out, nil
	case strings.EqualFold(from, "Organization"):
		// One record: the org itself.
		if where != "" {
			return nil, errMalformed("Organization is queried without a WHERE clause here")
		}
		if _, err := columns(fields, orgFields, "Organization"); err != nil {
			return nil, err
		}
		_, org, err := s.sb.Portal(r.Context())
		if err != nil {
			return nil, err
		}
		rec := attrs("Organization", org)
		rec["Id"] = string(org)
		return []map[string]any{rec}, nil
	case strings.EqualFold(from, "Group"):
		if !soqlQueue.MatchString(where) {
			return nil, errMalformed("Group is queried only WHERE Type = 'Queue' here")
		}
		cols, err := columns(fields, queueFields, "Group")
		if err != nil {
			return nil, err
		}
		snap, err := s.sb.Settings(r.Context())
		if err != nil {
			return nil, err
		}
		out := make([]map[string]any, 0, len(snap.Queues))
		for _, g := range snap.Queues {
			rec := attrs("Group", g.ID)
			for _, c := range cols {
				rec[c] = map[string]string{"Id": string(g.ID), "Name": g.Name}[c]
			}
			out = append(out, rec)
		}
		return out, nil
	}
	im := soqlIDs.FindStringSubmatch(where)
	if im == nil {
		return nil, errMalformed(from + " is queried only WHERE Id IN ('…', …) here")
	}
	var ids []sf.SalesforceID
	for lit := range strings.SplitSeq(im[1], ",") {
		idm := soqlID.FindStringSubmatch(strings.TrimSpace(lit))
		if idm == nil {
			return nil, errMalformed("invalid ID in the IN list: " + strings.TrimSpace(lit))
		}
		ids = append(ids, sf.SalesforceID(idm[1]))
	}
	recs, err := s.sb.Records(r.Context(), from, ids, fields)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(recs))
	for _, rec := range recs {
		o := attrs(from, rec.ID)
		for _, f := range fields {
			if v := rec.Fields[f]; v != "" {
				o[f] = v
			} else {
				o[f] = nil // an empty field is null in Salesforce's JSON
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// columns maps selected fields to their canonical names, refusing any the
// object does not serve.
func columns(fields []string, known map[string]string, object string) ([]string, error) {
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		c, ok := known[strings.ToLower(f)]
		if !ok {
			return nil, errMalformed("No such column '" + f + "' on entity '" + object + "' in this server's query subset")
		}
		out = append(out, c)
	}
	return out, nil
}
