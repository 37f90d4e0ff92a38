package sandbox

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// An execution's life, as the platform shows it: it waits (PENDING, or
// WAITING_DEPENDENT_JOB while an earlier execution of its import has not
// ended), runs (RUNNING), and ends SUCCEEDED, with total_failure > 0 when
// some lines were refused. Each status but the last lasts Options.Step.
// Options.Statuses replaces the whole sequence, for every execution: a test
// hook to see how a client copes with SCHEDULED, SUCCESS, FAILED, LOST, a
// status it does not know, or one that never ends.
var (
	firstStatuses     = []string{"PENDING", "RUNNING", "SUCCEEDED"}
	dependentStatuses = []string{"WAITING_DEPENDENT_JOB", "RUNNING", "SUCCEEDED"}
)

// validStatus is the form of a status given to Options.Statuses: a capital
// letter, then up to 63 capitals, digits or '_'.
func validStatus(s string) bool {
	return len(s) >= 1 && len(s) <= 64 && s[0] >= 'A' && s[0] <= 'Z' && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
	}) < 0
}

// execution is one accepted body. Its status follows from its age and its
// sequence of statuses; one restored from disk by a restarted sandbox has
// ended in the sequence's last status.
type execution struct {
	id               string
	created          time.Time
	statuses         []string
	restored         bool
	success, failure int
	errorFile        string // the error file's path, "" when none
	errorURI         string // the URI the API gives for it
}

// executionView is an execution as the API shows it.
type executionView struct {
	ID           string     `json:"id"`
	Status       string     `json:"status"`
	CreationDate int64      `json:"creation_date"`
	StartDate    *int64     `json:"start_date"`
	EndDate      *int64     `json:"end_date"`
	Result       *result    `json:"result"`
	Error        *execError `json:"error,omitempty"`
}

type result struct {
	TotalSuccess int    `json:"total_success"`
	TotalFailure int    `json:"total_failure"`
	ErrorFileURI string `json:"error_file_uri"`
}

// execError is the message the front end shows for an execution that
// failed, or succeeded with errors.
type execError struct {
	Message string `json:"message"`
}

// schedule starts execution e of imp at now with its sequence of statuses.
// Server.mu is held.
func (s *Server) schedule(imp *docImport, e *execution, now time.Time) {
	e.created = now
	if e.errorFile != "" {
		e.errorURI = errorFileURI(imp, e.id)
	}
	switch {
	case len(s.opts.Statuses) > 0:
		e.statuses = s.opts.Statuses
	case len(imp.executions) > 0 && !imp.executions[len(imp.executions)-1].ended(now, s.opts.Step):
		e.statuses = dependentStatuses
	default:
		e.statuses = firstStatuses
	}
}

// ended reports whether e is in its last status at now.
func (e *execution) ended(now time.Time, step time.Duration) bool {
	return e.restored || now.Sub(e.created) >= time.Duration(len(e.statuses)-1)*step
}

func (e *execution) view(now time.Time, step time.Duration) executionView {
	seq := e.statuses
	if len(seq) == 0 {
		seq = firstStatuses
	}
	i := len(seq) - 1
	if !e.restored {
		i = min(i, int(now.Sub(e.created)/step))
	}
	v := executionView{ID: e.id, Status: seq[i], CreationDate: e.created.UnixMilli()}
	if i > 0 {
		start := e.created.Add(step).UnixMilli()
		v.StartDate = &start
	}
	if i == len(seq)-1 && i > 0 {
		end := e.created.Add(time.Duration(i) * step).UnixMilli()
		v.EndDate = &end
	}
	if i < len(seq)-1 {
		return v
	}
	v.Result = &result{TotalSuccess: e.success, TotalFailure: e.failure, ErrorFileURI: e.errorURI}
	switch {
	case v.Status == "FAILED":
		v.Error = &execError{Message: "the import of the file failed"}
	case e.failure > 0:
		v.Error = &execError{Message: fmt.Sprintf("%d of %d documents were not imported: see the error file", e.failure, e.success+e.failure)}
	}
	return v
}

// refuser returns the function that refuses a share of valid lines
// (Options.RejectRate) of execution id, or nil. Which lines are refused
// depends only on the seed, the execution and the line, so that a restarted
// sandbox tells the same story.
func (s *Server) refuser(imp *docImport, id string) func(n int, line []byte) error {
	rate := s.opts.RejectRate
	if rate <= 0 {
		return nil
	}
	return func(n int, line []byte) error {
		h := fnv.New64a()
		binary.Write(h, binary.LittleEndian, s.opts.Seed)
		fmt.Fprintf(h, "%s/%s/%s/%d\n", imp.DatamartID, imp.ID, id, n)
		h.Write(line)
		if float64(h.Sum64()>>11)/(1<<53) >= rate {
			return nil
		}
		return errRefused
	}
}

// errRefused is the reason of a line refused by Options.RejectRate.
var errRefused = fmt.Errorf("the platform refused this document: user identifier could not be resolved (sandbox --reject-rate)")

// The error file of an execution is served at /v1/data_file/data?uri=URI,
// its URI being mics://data_file/sandbox/<datamart>/<import>/<execution>.errors.jsonl.
const dataFilePrefix = "mics://data_file/sandbox/"

func errorFileURI(imp *docImport, id string) string {
	return dataFilePrefix + imp.DatamartID + "/" + imp.ID + "/" + id + errorsSuffix
}

// dataFile handles GET /v1/data_file/data?uri=…: the error file of an
// execution, as stored.
func (s *Server) dataFile(w http.ResponseWriter, r *http.Request) {
	uri := r.URL.Query().Get("uri")
	parts := strings.Split(strings.TrimPrefix(uri, dataFilePrefix), "/")
	if !strings.HasPrefix(uri, dataFilePrefix) || len(parts) != 3 || !validID(parts[0]) ||
		!validID(parts[1]) || !validID(strings.TrimSuffix(parts[2], errorsSuffix)) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no data file at uri %q", uri))
		return
	}
	b, err := os.ReadFile(filepath.Join(s.store.importDir(parts[0], parts[1]), parts[2]))
	if err != nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no data file at uri %q", uri))
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(b)
}

// CheckStatuses checks a sequence of statuses for Options.Statuses: each an
// upper-case word (RUNNING, or one the platform does not have).
func CheckStatuses(seq []string) error {
	for _, st := range seq {
		if !validStatus(st) {
			return fmt.Errorf("sandbox: status %q is not an upper-case word such as RUNNING", st)
		}
	}
	return nil
}
