package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"csv2activity/document"
)

// docImport is a document import, as the API shows it. Its exported fields
// do not change once it is created; executions is guarded by Server.mu.
type docImport struct {
	ID           string `json:"id"`
	DatamartID   string `json:"datamart_id"`
	DocumentType string `json:"document_type"`
	MimeType     string `json:"mime_type"`
	Encoding     string `json:"encoding"`
	Name         string `json:"name"`
	CreationDate int64  `json:"creation_date"`
	executions   []*execution
}

func importKey(datamart, id string) string { return datamart + "/" + id }

// validID keeps path segments safe to use as directory names: 1 to 64
// letters, digits, '_' or '-'. (A regular expression of 64 repetitions cost
// every start of the program 1,500 allocations to compile.)
func validID(s string) bool {
	return len(s) >= 1 && len(s) <= 64 && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	}) < 0
}

// createImport handles POST …/document_imports: an ndjson import of any
// document type of the bulk import (document.Types).
func (s *Server) createImport(w http.ResponseWriter, r *http.Request) {
	datamart := r.PathValue("datamart")
	if !validID(datamart) {
		writeError(w, http.StatusBadRequest, "invalid datamart id "+strconv.Quote(datamart))
		return
	}
	var req struct {
		DocumentType string `json:"document_type"`
		MimeType     string `json:"mime_type"`
		Encoding     string `json:"encoding"`
		Name         string `json:"name"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "the body is not a document import: "+err.Error())
		return
	}
	if msg := checkImport(req.DocumentType, req.MimeType, req.Encoding, req.Name); msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	imp := &docImport{DatamartID: datamart, DocumentType: req.DocumentType, MimeType: req.MimeType,
		Encoding: req.Encoding, Name: req.Name, CreationDate: s.opts.Now().UnixMilli()}
	s.mu.Lock()
	defer s.mu.Unlock()
	imp.ID = strconv.FormatInt(s.nextID, 10)
	s.nextID++
	if err := s.store.writeImport(imp); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.imports[importKey(datamart, imp.ID)] = imp
	writeData(w, imp)
}

// checkImport returns why a document import is refused, or "".
func checkImport(docType, mimeType, encoding, name string) string {
	if docType == "" {
		return "document_type is required"
	}
	if _, err := document.ParseType(docType); err != nil {
		return fmt.Sprintf("unsupported document_type %q: %v", docType, err)
	}
	switch {
	case mimeType != "APPLICATION_X_NDJSON":
		return fmt.Sprintf("mime_type must be APPLICATION_X_NDJSON (the sandbox takes ndjson for every document type), got %q", mimeType)
	case encoding != "" && encoding != "utf-8" && encoding != "UTF-8":
		return fmt.Sprintf("encoding must be utf-8, got %q", encoding)
	case name == "":
		return "name is required"
	}
	return ""
}

// findImport returns the import the path names, or answers 404 and returns
// nil.
func (s *Server) findImport(w http.ResponseWriter, r *http.Request) *docImport {
	datamart, id := r.PathValue("datamart"), r.PathValue("import")
	s.mu.Lock()
	imp := s.imports[importKey(datamart, id)]
	s.mu.Unlock()
	if imp == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no document import %q in datamart %q", id, datamart))
	}
	return imp
}

func (s *Server) getImport(w http.ResponseWriter, r *http.Request) {
	if imp := s.findImport(w, r); imp != nil {
		writeData(w, imp)
	}
}

// createExecution handles POST …/executions: an ndjson body of at most
// MaxBody bytes, stored before it is answered.
func (s *Server) createExecution(w http.ResponseWriter, r *http.Request) {
	imp := s.findImport(w, r)
	if imp == nil {
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-ndjson" {
		writeError(w, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type must be application/x-ndjson, got %q", r.Header.Get("Content-Type")))
		return
	}
	tooLarge := fmt.Sprintf("an execution holds at most %d bytes", s.opts.MaxBody)
	if r.ContentLength > s.opts.MaxBody {
		writeError(w, http.StatusRequestEntityTooLarge, tooLarge)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, tooLarge)
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "read body: "+err.Error())
		return
	case len(body) == 0:
		writeError(w, http.StatusBadRequest, "empty execution: the body holds no line")
		return
	}
	e, err := s.addExecution(imp, body)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeData(w, e.view(s.opts.Now(), s.opts.Step))
}

// addExecution checks and stores a body, then lists the execution; an
// execution is listed only once its body is on disk.
func (s *Server) addExecution(imp *docImport, body []byte) (*execution, error) {
	s.mu.Lock()
	id := strconv.FormatInt(s.nextID, 10)
	s.nextID++
	s.mu.Unlock()
	e := &execution{id: id}
	var errLines []byte
	e.success, e.failure, errLines = checkLines(body, lineRules(imp.DocumentType), s.refuser(imp, id))
	path, err := s.store.writeExecution(imp, id, body, errLines)
	if err != nil {
		return nil, err
	}
	e.errorFile = path
	s.mu.Lock()
	s.schedule(imp, e, s.opts.Now())
	imp.executions = append(imp.executions, e)
	s.mu.Unlock()
	return e, nil
}

// checkLines validates every line of an ndjson body with validate (the
// rules of the import's document type) and returns the counts and, for the
// failed lines, one JSON object each: line, error, raw. refuse, when not
// nil, may refuse a valid line too (see Options.RejectRate).
func checkLines(body []byte, validate func(line []byte) error, refuse func(n int, line []byte) error) (success, failure int, errLines []byte) {
	for n := 1; len(body) > 0; n++ {
		line, rest, _ := bytes.Cut(body, []byte{'\n'})
		body = rest
		err := validate(line)
		if err == nil && refuse != nil {
			err = refuse(n, line)
		}
		if err == nil {
			success++
			continue
		}
		failure++
		b, _ := json.Marshal(struct {
			Line  int    `json:"line"`
			Error string `json:"error"`
			Raw   string `json:"raw"`
		}{n, err.Error(), string(line)})
		errLines = append(append(errLines, b...), '\n')
	}
	return success, failure, errLines
}

// listExecutions handles GET …/executions: the executions in creation
// order, paginated by first_result (default 0) and max_results (default 50,
// at most 1000).
func (s *Server) listExecutions(w http.ResponseWriter, r *http.Request) {
	imp := s.findImport(w, r)
	if imp == nil {
		return
	}
	first, err1 := queryInt(r, "first_result", 0)
	size, err2 := queryInt(r, "max_results", 50)
	if err := errors.Join(err1, err2); err != nil || first < 0 || size < 1 {
		writeError(w, http.StatusBadRequest, "first_result and max_results must be whole numbers, max_results at least 1")
		return
	}
	size = min(size, 1000)
	s.mu.Lock()
	all := imp.executions
	s.mu.Unlock()
	page := []executionView{}
	now := s.opts.Now()
	for i := first; i < len(all) && i < first+size; i++ {
		page = append(page, all[i].view(now, s.opts.Step))
	}
	writeJSON(w, http.StatusOK, listEnvelope{Status: "ok", Data: page, Count: len(page),
		Total: len(all), FirstResult: first, MaxResults: size})
}

func queryInt(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	return strconv.Atoi(v)
}

// getExecution handles GET …/executions/{id}.
func (s *Server) getExecution(w http.ResponseWriter, r *http.Request) {
	imp := s.findImport(w, r)
	if imp == nil {
		return
	}
	id := r.PathValue("execution")
	s.mu.Lock()
	var found *execution
	for _, e := range imp.executions {
		if e.id == id {
			found = e
		}
	}
	s.mu.Unlock()
	if found == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no execution %q in document import %q", id, imp.ID))
		return
	}
	writeData(w, found.view(s.opts.Now(), s.opts.Step))
}
