package journal

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Run statuses, as stored and shown by history.
const (
	StatusRunning     = "running"     // begun, not finished: cut short unless still going
	StatusSucceeded   = "succeeded"   // every line accepted and every execution succeeded
	StatusFailed      = "failed"      // stopped on an error
	StatusInterrupted = "interrupted" // stopped by the user
)

// ErrNoRun is returned by Resume when no run of the journal has that import id.
var ErrNoRun = errors.New("no run with this import id")

// KeySpec says what the keys of a run are: the mapping's dedupe_key (or group_by) column,
// and whether they are personal data, stored as their sha256 so the journal never holds
// them in clear. Lookups must use the KeySpec the keys were recorded with.
type KeySpec struct {
	Column   string // the column (or expression) the key comes from, shown by history
	Personal bool   // store sha256 of the key, never the key
}

// stored is the form a key takes in the journal.
func (k KeySpec) stored(key string) string {
	if !k.Personal {
		return key
	}
	h := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(h[:])
}

// File is an input or ndjson file of a run, with its checksum.
type File struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"` // hex
	Bytes  int64  `json:"bytes"`
}

// FileOf reads path and returns it with its sha256.
func FileOf(path string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, fmt.Errorf("checksum %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, fmt.Errorf("checksum %s: %w", path, err)
	}
	return File{Path: path, SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: n}, nil
}

// RunInfo describes a run as it begins. ImportID may be empty until the document
// import is created (Run.SetImportID).
type RunInfo struct {
	Command  string // "import" or "upload"
	Datamart string
	ImportID string
	Files    []File
	Key      KeySpec
	Started  time.Time // zero: now
}

// Run is one run of import or upload being journaled.
type Run struct {
	ID  int64
	Key KeySpec
	j   *Journal
}

// Begin records the start of a run, with status running, in one transaction.
func (j *Journal) Begin(ctx context.Context, info RunInfo) (*Run, error) {
	started := info.Started
	if started.IsZero() {
		started = time.Now()
	}
	r := &Run{Key: info.Key, j: j}
	err := j.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO runs
			(started, command, datamart, import_id, key_column, key_hashed, status)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			started.UnixMilli(), info.Command, info.Datamart, info.ImportID,
			info.Key.Column, info.Key.Personal, StatusRunning)
		if err != nil {
			return err
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, f := range info.Files {
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO run_files
				(run, path, sha256, bytes) VALUES (?, ?, ?, ?)`,
				r.ID, f.Path, f.SHA256, f.Bytes); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Resume returns the latest run with that document import id (the one a state file
// names), set back to running, so a resumed upload completes its entries; it returns
// ErrNoRun when the journal has none.
func (j *Journal) Resume(ctx context.Context, importID string) (*Run, error) {
	r := &Run{j: j}
	err := j.tx(ctx, func(tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx, `SELECT id, key_column, key_hashed FROM runs
			WHERE import_id = ? ORDER BY id DESC LIMIT 1`, importID)
		if err := row.Scan(&r.ID, &r.Key.Column, &r.Key.Personal); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("import %s: %w", importID, ErrNoRun)
			}
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, finished = NULL WHERE id = ?`,
			StatusRunning, r.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// SetImportID records the document import the run sends to, once it is created.
func (r *Run) SetImportID(ctx context.Context, importID string) error {
	return r.j.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE runs SET import_id = ? WHERE id = ?`, importID, r.ID)
		return err
	})
}

// Entry is one line sent: its key and the checksum of the line (Sum).
type Entry struct {
	Key string
	Sum LineSum
}

// LineSum is the checksum of a line as sent: the first 16 bytes of its sha256.
type LineSum [16]byte

// Sum returns the LineSum of line (without its newline).
func Sum(line []byte) LineSum {
	h := sha256.Sum256(line)
	return LineSum(h[:16])
}

// Record journals entries as sent by this run at time at (the API's acceptance of their
// chunk), in one transaction: all or none. Recording an entry twice (a resumed chunk)
// keeps one.
func (r *Run) Record(ctx context.Context, at time.Time, entries []Entry) error {
	return r.j.tx(ctx, func(tx *sql.Tx) error {
		return r.insert(ctx, tx, at, entries)
	})
}

func (r *Run) insert(ctx context.Context, tx *sql.Tx, at time.Time, entries []Entry) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO sent (key, sum, run, at) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	ms := at.UnixMilli()
	var added int64 // entries new to this run: a re-recorded one is not counted twice
	for _, e := range entries {
		res, err := stmt.ExecContext(ctx, r.Key.stored(e.Key), e.Sum[:], r.ID, ms)
		if err != nil {
			return fmt.Errorf("record key %q: %w", e.Key, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		added += n
	}
	_, err = tx.ExecContext(ctx, `UPDATE runs SET sent = sent + ? WHERE id = ?`, added, r.ID)
	return err
}

// Execution is one execution of the document import, as last seen.
type Execution struct {
	ID           string `json:"execution_id"`
	Status       string `json:"status"`
	TotalSuccess int64  `json:"total_success"`
	TotalFailure int64  `json:"total_failure"`
	ErrorFile    string `json:"error_file,omitempty"`
}

// Execution records (or updates) an execution of the run's import.
func (r *Run) Execution(ctx context.Context, e Execution) error {
	return r.j.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO executions
			(run, execution_id, status, total_success, total_failure, error_file)
			VALUES (?, ?, ?, ?, ?, ?)`,
			r.ID, e.ID, e.Status, e.TotalSuccess, e.TotalFailure, e.ErrorFile)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE runs SET refused =
			(SELECT coalesce(sum(total_failure), 0) FROM executions WHERE run = ?1) WHERE id = ?1`, r.ID)
		return err
	})
}

// Outcome is how a run ended: its status and the lines it did not send.
type Outcome struct {
	Status    string // StatusSucceeded, StatusFailed or StatusInterrupted
	Skipped   int64  // already sent with the same content
	Conflicts int64  // sent before with other content, refused by --only-new
	Finished  time.Time
}

// Finish records how the run ended. Skipped and Conflicts replace what an earlier
// attempt of the same run recorded: a resumed run looks every line up again, so its
// counts are the whole run's.
func (r *Run) Finish(ctx context.Context, o Outcome) error {
	if o.Finished.IsZero() {
		o.Finished = time.Now()
	}
	return r.j.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, finished = ?,
			skipped = ?, conflicts = ? WHERE id = ?`,
			o.Status, o.Finished.UnixMilli(), o.Skipped, o.Conflicts, r.ID)
		return err
	})
}
