package server

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/syncform/syncform/providers/apiwire"
)

// apiVersion is the form of a REST API version in a path (v60.0).
var apiVersion = regexp.MustCompile(`^v[0-9]+\.[0-9]$`)

// describe serves an SObject describe; names match without regard to case,
// as Salesforce's do.
func (s *server) describe(w http.ResponseWriter, r *http.Request) {
	if !apiVersion.MatchString(r.PathValue("version")) {
		salesforceError(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	snap, err := s.sb.Settings(r.Context())
	if err != nil {
		salesforceError(w, http.StatusInternalServerError, "UNKNOWN_EXCEPTION", err.Error())
		return
	}
	name := r.PathValue("name")
	for _, so := range snap.SObjects {
		if strings.EqualFold(so.Name, name) {
			writeJSON(w, http.StatusOK, apiwire.DescribeOf(so))
			return
		}
	}
	salesforceError(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
}
