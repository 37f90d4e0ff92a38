package upload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"csv2activity/output"
)

// The refused file, beside the state file (orders.state.json ->
// orders.state.refused.ndjson), lists every entry of every error file of the
// import, traced, one JSON object a line: the execution, the line of the
// file sent (upload: file and line) or of the converted output (import:
// output_line, and source, the rows of the export), and the reason. It is
// written anew, atomically, each time the error files are explained.

// refusedPath names the refused file beside a state file.
func refusedPath(statePath string) string {
	return strings.TrimSuffix(statePath, ".json") + ".refused.ndjson"
}

// errRefusedFile wraps a failure to write the refused file.
var errRefusedFile = errors.New("write the refused file")

// refusedFile is the refused file being written; it is created with its
// first entry.
type refusedFile struct {
	path string
	f    *output.File // buffered
	enc  *json.Encoder
}

type refusedRecord struct {
	ExecutionID string      `json:"execution_id"`
	File        string      `json:"file,omitempty"`
	Line        int         `json:"line,omitempty"`
	OutputLine  int         `json:"output_line,omitempty"`
	Source      []sourceRow `json:"source,omitempty"`
	Reason      string      `json:"reason"`
}

type sourceRow struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// add writes one traced entry.
func (rf *refusedFile) add(t *trace, where traced, e errorEntry) error {
	if rf.f == nil {
		output.RemoveStale(rf.path)
		f, err := output.Create(rf.path, 0o600)
		if err != nil {
			return fmt.Errorf("%w: %w", errRefusedFile, err)
		}
		rf.f = f
		rf.enc = json.NewEncoder(f)
		rf.enc.SetEscapeHTML(false)
	}
	rec := refusedRecord{ExecutionID: t.c.ExecutionID, Reason: e.reason}
	switch {
	case t.c.File != "":
		rec.File, rec.Line = t.c.File, where.sent
	default:
		rec.OutputLine = where.sent
	}
	for _, r := range where.rows {
		rec.Source = append(rec.Source, sourceRow{File: t.input(r[0]), Line: r[1]})
	}
	if err := rf.enc.Encode(rec); err != nil {
		return fmt.Errorf("%w: %w", errRefusedFile, err)
	}
	return nil
}

// commit puts the file in place, if one was begun.
func (rf *refusedFile) commit() error {
	if rf.f == nil {
		return nil
	}
	if err := rf.f.Commit(); err != nil {
		return fmt.Errorf("%w: %w", errRefusedFile, err)
	}
	return nil
}

// abort removes a file begun.
func (rf *refusedFile) abort() {
	if rf.f != nil {
		rf.f.Abort()
	}
}

// bringErrorFiles brings home and explains the error file of every chunk,
// writing the refused file. Without a state file there is nowhere to keep
// them: the URIs alone are shown.
func (s *session) bringErrorFiles(ctx context.Context) error {
	if s.o.StatePath == "" {
		return nil
	}
	rf := &refusedFile{path: refusedPath(s.o.StatePath)}
	defer func() {
		if s.origins != nil {
			s.origins.close()
		}
	}()
	for i := range s.st.Chunks {
		if err := s.bringErrorFile(ctx, &s.st.Chunks[i], rf); err != nil {
			rf.abort()
			return err
		}
	}
	return rf.commit()
}
