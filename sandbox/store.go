package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"csv2activity/output"
)

// store keeps the sandbox's documents on disk:
//
//	DIR/<datamart>/<import id>/import.json               the document import
//	DIR/<datamart>/<import id>/<execution id>.ndjson      an execution's body, as received
//	DIR/<datamart>/<import id>/<execution id>.errors.jsonl  its failed lines, if any
//
// Every file is written with output.WriteFile (a temporary ".tmp-…" name that never
// matches *.ndjson, synced and renamed into place), so a crash or a kill never
// leaves a partial body under an execution's name.
type store struct{ dir string }

const (
	importFile   = "import.json"
	bodySuffix   = ".ndjson"
	errorsSuffix = ".errors.jsonl"
)

// openStore creates dir if needed and returns a store rooted at its
// absolute path.
func openStore(dir string) (*store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("sandbox: directory %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("sandbox: create directory: %w", err)
	}
	return &store{dir: abs}, nil
}

func (s *store) importDir(datamart, id string) string {
	return filepath.Join(s.dir, datamart, id)
}

// writeImport records a new document import.
func (s *store) writeImport(imp *docImport) error {
	dir := s.importDir(imp.DatamartID, imp.ID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create import directory: %w", err)
	}
	b, err := json.MarshalIndent(imp, "", "  ")
	if err != nil {
		return err
	}
	return output.WriteFile(filepath.Join(dir, importFile), b, 0o644)
}

// writeExecution stores an execution's body, and its failed lines when
// there are some, and returns the error file's path ("" when none). The
// error file is written first: once the body is in place, the execution is
// complete.
func (s *store) writeExecution(imp *docImport, id string, body, errLines []byte) (string, error) {
	dir := s.importDir(imp.DatamartID, imp.ID)
	errFile := ""
	if len(errLines) > 0 {
		errFile = filepath.Join(dir, id+errorsSuffix)
		if err := output.WriteFile(errFile, errLines, 0o644); err != nil {
			return "", err
		}
	}
	return errFile, output.WriteFile(filepath.Join(dir, id+bodySuffix), body, 0o644)
}

// load reads back every document import under the store into imports (keyed
// by importKey) with their executions, and returns the next free id.
// Executions found on disk are old: they are SUCCEEDED.
func (s *store) load(imports map[string]*docImport) (int64, error) {
	metas, err := filepath.Glob(filepath.Join(s.dir, "*", "*", importFile))
	if err != nil {
		return 0, err
	}
	var maxID int64
	for _, meta := range metas {
		imp, err := readImport(meta)
		if err != nil {
			return 0, err
		}
		if imp.executions, err = loadExecutions(filepath.Dir(meta)); err != nil {
			return 0, err
		}
		for _, e := range imp.executions {
			if e.errorFile != "" {
				e.errorURI = errorFileURI(imp, e.id)
			}
		}
		imports[importKey(imp.DatamartID, imp.ID)] = imp
		maxID = max(maxID, numericID(imp.ID))
		for _, e := range imp.executions {
			maxID = max(maxID, numericID(e.id))
		}
	}
	return maxID + 1, nil
}

func readImport(path string) (*docImport, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sandbox: load import: %w", err)
	}
	imp := &docImport{}
	if err := json.Unmarshal(b, imp); err != nil {
		return nil, fmt.Errorf("sandbox: load import %s: %w", path, err)
	}
	return imp, nil
}

// loadExecutions reads the executions stored in an import's directory, in
// id order, checking their lines again to rebuild their results. Temporary
// files a killed sandbox left are removed.
func loadExecutions(dir string) ([]*execution, error) {
	if stale, err := filepath.Glob(filepath.Join(dir, output.TempPrefix+"*")); err == nil {
		for _, f := range stale {
			os.Remove(f)
		}
	}
	bodies, err := filepath.Glob(filepath.Join(dir, "*"+bodySuffix))
	if err != nil {
		return nil, err
	}
	var execs []*execution
	for _, path := range bodies {
		body, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("sandbox: load execution: %w", err)
		}
		id := strings.TrimSuffix(filepath.Base(path), bodySuffix)
		e := &execution{id: id, created: time.Unix(0, 0), restored: true}
		if fi, err := os.Stat(path); err == nil {
			e.created = fi.ModTime()
		}
		e.success, e.failure, e.errorFile = restoreCounts(body, filepath.Join(dir, id+errorsSuffix))
		execs = append(execs, e)
	}
	sort.Slice(execs, func(i, j int) bool { return numericID(execs[i].id) < numericID(execs[j].id) })
	return execs, nil
}

// restoreCounts rebuilds an execution's counts from its body and its error
// file, which says which lines were refused (a --reject-rate cannot be
// replayed): it returns the error file's path, "" when there is none.
func restoreCounts(body []byte, errPath string) (success, failure int, errFile string) {
	lines := bytes.Count(body, []byte{'\n'})
	if len(body) > 0 && body[len(body)-1] != '\n' {
		lines++
	}
	errs, err := os.ReadFile(errPath)
	if err != nil {
		return lines, 0, ""
	}
	failure = bytes.Count(errs, []byte{'\n'})
	return lines - failure, failure, errPath
}

// numericID returns the number an id holds, 0 for an id that is not one.
func numericID(id string) int64 {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return 0
	}
	return n
}
