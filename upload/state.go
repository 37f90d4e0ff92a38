package upload

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"time"

	"csv2activity/output"
)

// stateVersion is the version of the state file's format.
const stateVersion = 1

// Chunk statuses in the state file.
const (
	// StatusInFlight: the chunk may have been sent; its fate is unknown
	// until the import's executions are listed (see reconcile).
	StatusInFlight = "in_flight"
	// StatusSent: the API accepted the chunk as execution ExecutionID.
	StatusSent = "sent"
)

// State is the state file: which document import the upload goes to, and
// every chunk handed to the API so far, in order. It never holds the token.
type State struct {
	Version  int      `json:"version"`
	APIURL   string   `json:"api_url"`
	Datamart string   `json:"datamart"`
	ImportID string   `json:"import_id,omitempty"`
	Name     string   `json:"import_name,omitempty"`
	Inputs   []string `json:"inputs"`
	// DocumentType is the type of the import's documents; "" in a state
	// written before it was recorded means USER_ACTIVITY.
	DocumentType string `json:"document_type,omitempty"`
	// Foreign lists the executions the import held before this upload
	// added to it (--import-id): none of them is one of its chunks.
	Foreign []string  `json:"foreign_executions,omitempty"`
	Chunks  []Chunk   `json:"chunks"`
	Updated time.Time `json:"updated"`
}

// Chunk is one execution's worth of whole lines: its place in the input
// (File is "" for a converted stream), its checksum, and its fate.
type Chunk struct {
	Index     int    `json:"index"`
	File      string `json:"file,omitempty"`
	Offset    int64  `json:"offset"`
	Length    int64  `json:"length"`
	FirstLine int    `json:"first_line"`
	Lines     int    `json:"lines"`
	SHA256    string `json:"sha256"`
	Status    string `json:"status,omitempty"`
	// ExecutionID is the execution that holds the chunk. Duplicates are
	// other executions found to hold it too (see reconcile); normally none.
	ExecutionID string   `json:"execution_id,omitempty"`
	Duplicates  []string `json:"duplicate_executions,omitempty"`
	// Result is the execution's end as --wait saw it.
	Result *Result `json:"result,omitempty"`
}

// Result is where an execution stands, as --wait last saw it: ended
// (Finished) or not yet.
type Result struct {
	Status       string `json:"status"`
	TotalSuccess int    `json:"total_success"`
	TotalFailure int    `json:"total_failure"`
	ErrorFileURI string `json:"error_file_uri,omitempty"`
	// Message is the API's message on the execution ("succeeded with
	// errors", or why it failed).
	Message string `json:"message,omitempty"`
	// ErrorFile is the copy of the error file kept beside the state file.
	ErrorFile string `json:"error_file,omitempty"`
}

// loadState reads the state file at path; a missing file gives nil, nil.
// Temporary files a killed run left beside it are removed.
func loadState(path string) (*State, error) {
	output.RemoveStale(path)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, usagef("read state file: %w", err)
	}
	st := &State{}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, usagef("state file %s is not an upload state: %w", path, err)
	}
	if st.Version != stateVersion {
		return nil, usagef("state file %s has version %d; this csv2activity reads version %d", path, st.Version, stateVersion)
	}
	return st, nil
}

// save writes the state file atomically (temporary file, fsync, rename).
func (st *State) save(path string) error {
	st.Updated = time.Now().UTC()
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := output.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	return nil
}

// matches checks that a state found at path belongs to this upload: same
// API, datamart, inputs and import.
func (st *State) matches(path, apiURL string, o *Options) error {
	const advice = "rerun with the same flags and inputs to resume, or give another --state to start a new upload"
	switch {
	case st.APIURL != apiURL:
		return usagef("state file %s is for %s, not %s: %s", path, st.APIURL, apiURL, advice)
	case st.Datamart != o.Datamart:
		return usagef("state file %s is for datamart %s, not %s: %s", path, st.Datamart, o.Datamart, advice)
	case st.documentType() != o.DocumentType:
		return usagef("state file %s is for an upload of %s documents, not %s: %s", path, st.documentType(), o.DocumentType, advice)
	case !slices.Equal(st.Inputs, o.Inputs):
		return usagef("state file %s is for inputs %q, not %q: %s", path, st.Inputs, o.Inputs, advice)
	case o.ImportID != "" && st.ImportID != "" && o.ImportID != st.ImportID:
		return usagef("state file %s is for document import %s, not %s: %s", path, st.ImportID, o.ImportID, advice)
	}
	return nil
}

// cutsOf returns the lengths of the recorded chunks of file, in order.
func (st *State) cutsOf(file string) []int64 {
	var cuts []int64
	for _, c := range st.Chunks {
		if c.File == file {
			cuts = append(cuts, c.Length)
		}
	}
	return cuts
}

// sameChunk checks that a chunk cut now is the chunk the state recorded.
func sameChunk(statePath string, rec, now Chunk) error {
	if rec.File == now.File && rec.Offset == now.Offset && rec.Length == now.Length && rec.SHA256 == now.SHA256 {
		return nil
	}
	what := rec.File
	if what == "" {
		what = "the output"
	}
	return usagef("%s has changed since %s recorded it: chunk %d (bytes %d-%d) has another checksum; a resumed upload needs the same input (and mapping); start a new one with another --state",
		what, statePath, rec.Index+1, rec.Offset, rec.Offset+rec.Length)
}
