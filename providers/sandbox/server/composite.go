package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/syncform/syncform/providers/apiwire"
)

// referenceID is the form Salesforce accepts for a subrequest's reference.
var referenceID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,79}$`)

// composite serves Salesforce's composite resource for the requests the
// sandbox's Salesforce side answers (describes and queries, all GETs): each
// subrequest runs as if it came alone, and the whole call counts as one
// request against the daily limit (ServeHTTP counted it). References
// between subrequests (@{ref.field}) are not supported; a subrequest using
// one fails on its own.
func (s *server) composite(w http.ResponseWriter, r *http.Request) {
	if !apiVersion.MatchString(r.PathValue("version")) {
		salesforceError(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	var in apiwire.CompositeRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
		salesforceError(w, http.StatusBadRequest, "JSON_PARSER_ERROR", "The request body is not a composite request: "+err.Error())
		return
	}
	if n := len(in.Requests); n == 0 || n > apiwire.MaxCompositeSubrequests {
		salesforceError(w, http.StatusBadRequest, "INVALID_FIELD",
			fmt.Sprintf("A composite request takes 1 to %d subrequests, not %d.", apiwire.MaxCompositeSubrequests, n))
		return
	}
	queries, seen := 0, map[string]bool{}
	for _, sub := range in.Requests {
		if !referenceID.MatchString(sub.ReferenceID) || seen[sub.ReferenceID] {
			salesforceError(w, http.StatusBadRequest, "INVALID_FIELD",
				fmt.Sprintf("Invalid or duplicate referenceId %q.", sub.ReferenceID))
			return
		}
		seen[sub.ReferenceID] = true
		if isQuery(sub.URL) {
			queries++
		}
	}
	if queries > apiwire.MaxCompositeQueries {
		salesforceError(w, http.StatusBadRequest, "INVALID_FIELD",
			fmt.Sprintf("A composite request takes at most %d queries, not %d.", apiwire.MaxCompositeQueries, queries))
		return
	}
	out := apiwire.CompositeResponse{Responses: make([]apiwire.CompositeSubresponse, len(in.Requests))}
	failed := false
	for i, sub := range in.Requests {
		rec := s.subrequest(r, sub)
		out.Responses[i] = apiwire.CompositeSubresponse{Body: rec.body.Bytes(), HTTPHeaders: map[string]string{},
			StatusCode: rec.status, ReferenceID: sub.ReferenceID}
		if ct := rec.header.Get("Content-Type"); ct != "" {
			out.Responses[i].HTTPHeaders["Content-Type"] = ct
		}
		failed = failed || rec.status >= 300
	}
	if in.AllOrNone && failed {
		// Salesforce rolls the whole call back; these subrequests only
		// read, so only their answers change.
		for i := range out.Responses {
			if out.Responses[i].StatusCode < 300 {
				out.Responses[i] = apiwire.CompositeSubresponse{StatusCode: http.StatusBadRequest, HTTPHeaders: map[string]string{},
					ReferenceID: out.Responses[i].ReferenceID,
					Body:        errorBody("PROCESSING_HALTED", "The transaction was rolled back since another operation in the same transaction failed.")}
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// isQuery reports whether a subrequest URL is a query (or its next page).
func isQuery(url string) bool {
	parts := strings.SplitN(strings.TrimPrefix(url, "/services/data/"), "/", 3)
	return len(parts) >= 2 && (strings.HasPrefix(parts[1], "query") || strings.HasPrefix(parts[1], "queryAll"))
}

// subrequest runs one subrequest through the server's routes, without its
// authentication, limits, latency and faults: the composite call had them.
func (s *server) subrequest(r *http.Request, sub apiwire.CompositeSubrequest) *recorder {
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	fail := func(status int, code, msg string) *recorder {
		rec.status = status
		rec.body.Write(errorBody(code, msg))
		return rec
	}
	if sub.Method != http.MethodGet {
		return fail(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
			fmt.Sprintf("The sandbox's composite resource runs GET subrequests, not %s.", sub.Method))
	}
	if !strings.HasPrefix(sub.URL, "/services/data/v") || strings.Contains(sub.URL, "@{") {
		return fail(http.StatusBadRequest, "INVALID_URL", "A subrequest URL starts with /services/data/vXX.X/ and refers to no other subrequest.")
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, sub.URL, nil)
	if err != nil || req.URL.Host != "" {
		return fail(http.StatusBadRequest, "INVALID_URL", "The subrequest URL is not a path.")
	}
	s.mux.ServeHTTP(rec, req)
	if !json.Valid(rec.body.Bytes()) {
		// net/http's own plain-text answers (405 on a route's other
		// methods) cannot be embedded as they are.
		text := strings.TrimSpace(rec.body.String())
		rec.body.Reset()
		rec.body.Write(errorBody("NOT_FOUND", text))
	}
	return rec
}

// errorBody is Salesforce's error shape, encoded.
func errorBody(code, message string) json.RawMessage {
	b, _ := json.Marshal([]map[string]string{{"errorCode": code, "message": message}})
	return b
}

// recorder holds a subrequest's answer.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }
