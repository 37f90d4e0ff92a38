package sandbox

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"csv2activity/activity"
	"csv2activity/document"
)

// The sandbox takes every document type of the bulk import: each line of
// an execution is checked with the rules of its import's type, and GET
// …/document_imports lists a datamart's imports with their type.

// lineRules returns the check of one line of an import of document type t.
func lineRules(t string) func(line []byte) error {
	if r := document.Type(t).Rules(); r != nil {
		return r.ValidateLine
	}
	return activity.ValidateLine
}

// listImports handles GET …/document_imports: the datamart's imports in
// creation order, each with its document_type.
func (s *Server) listImports(w http.ResponseWriter, r *http.Request) {
	prefix := r.PathValue("datamart") + "/"
	list := []*docImport{}
	s.mu.Lock()
	for key, imp := range s.imports {
		if strings.HasPrefix(key, prefix) {
			list = append(list, imp)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(list, func(a, b *docImport) int {
		x, _ := strconv.ParseInt(a.ID, 10, 64)
		y, _ := strconv.ParseInt(b.ID, 10, 64)
		return int(x - y)
	})
	writeJSON(w, http.StatusOK, struct {
		Status string       `json:"status"`
		Data   []*docImport `json:"data"`
		Count  int          `json:"count"`
	}{"ok", list, len(list)})
}
