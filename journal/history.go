package journal

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// RunSummary is one run as history lists it.
type RunSummary struct {
	ID         int64       `json:"run"`
	Started    time.Time   `json:"started"`
	Finished   time.Time   `json:"finished,omitzero"`
	Command    string      `json:"command"`
	Datamart   string      `json:"datamart,omitempty"`
	ImportID   string      `json:"import_id,omitempty"`
	KeyColumn  string      `json:"key_column,omitempty"`
	KeyHashed  bool        `json:"key_hashed,omitempty"`
	Files      []File      `json:"files"`
	Sent       int64       `json:"sent"`
	Skipped    int64       `json:"skipped"`
	Conflicts  int64       `json:"conflicts"`
	Refused    int64       `json:"refused"` // total_failure of the executions
	Status     string      `json:"status"`
	Executions []Execution `json:"executions,omitempty"`
}

// Runs lists every run, oldest first, with its files and executions.
func (j *Journal) Runs(ctx context.Context) ([]RunSummary, error) {
	var runs []RunSummary
	err := j.read(ctx, func(conn *sql.Conn) error {
		var err error
		if runs, err = scanRuns(ctx, conn); err != nil {
			return err
		}
		for i := range runs {
			if err := runDetails(ctx, conn, &runs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return runs, err
}

func scanRuns(ctx context.Context, conn *sql.Conn) ([]RunSummary, error) {
	rows, err := conn.QueryContext(ctx, `SELECT id, started, coalesce(finished, 0), command,
		datamart, import_id, key_column, key_hashed, sent, skipped, conflicts, refused, status
		FROM runs ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var runs []RunSummary
	for rows.Next() {
		var r RunSummary
		var started, finished int64
		if err := rows.Scan(&r.ID, &started, &finished, &r.Command, &r.Datamart, &r.ImportID,
			&r.KeyColumn, &r.KeyHashed, &r.Sent, &r.Skipped, &r.Conflicts, &r.Refused, &r.Status); err != nil {
			return nil, err
		}
		r.Started = time.UnixMilli(started).UTC()
		if finished != 0 {
			r.Finished = time.UnixMilli(finished).UTC()
		}
		runs = append(runs, r)
	}
	return runs, rows.Err()
}

func runDetails(ctx context.Context, conn *sql.Conn, r *RunSummary) error {
	rows, err := conn.QueryContext(ctx, `SELECT path, sha256, bytes FROM run_files WHERE run = ? ORDER BY rowid`, r.ID)
	if err != nil {
		return err
	}
	r.Files = []File{}
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.Path, &f.SHA256, &f.Bytes); err != nil {
			rows.Close()
			return err
		}
		r.Files = append(r.Files, f)
	}
	rows.Close()
	rows, err = conn.QueryContext(ctx, `SELECT execution_id, status, total_success, total_failure,
		error_file FROM executions WHERE run = ? ORDER BY execution_id`, r.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e Execution
		if err := rows.Scan(&e.ID, &e.Status, &e.TotalSuccess, &e.TotalFailure, &e.ErrorFile); err != nil {
			return err
		}
		r.Executions = append(r.Executions, e)
	}
	return rows.Err()
}

// Sending is one time a key was sent, as history --key shows it.
type Sending struct {
	Key      string    `json:"key"` // as given; the journal may hold its sha256
	Column   string    `json:"key_column,omitempty"`
	Hashed   bool      `json:"key_hashed,omitempty"`
	When     time.Time `json:"when"`
	RunID    int64     `json:"run"`
	ImportID string    `json:"import_id,omitempty"`
	Sum      string    `json:"line_sha256_16"` // hex of the LineSum
}

// KeyHistory lists when, and in which run, key was sent, oldest first: as stored in
// clear, or as the sha256 a run with personal keys stored.
func (j *Journal) KeyHistory(ctx context.Context, key string) ([]Sending, error) {
	var out []Sending
	err := j.read(ctx, func(conn *sql.Conn) error {
		rows, err := conn.QueryContext(ctx, `SELECT s.at, s.run, r.import_id, r.key_column,
			r.key_hashed, hex(s.sum) FROM sent s JOIN runs r ON r.id = s.run
			WHERE (s.key = ?1 AND r.key_hashed = 0) OR (s.key = ?2 AND r.key_hashed = 1)
			ORDER BY s.at, s.run`, key, KeySpec{Personal: true}.stored(key))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			s := Sending{Key: key}
			var at int64
			if err := rows.Scan(&at, &s.RunID, &s.ImportID, &s.Column, &s.Hashed, &s.Sum); err != nil {
				return err
			}
			s.When = time.UnixMilli(at).UTC()
			out = append(out, s)
		}
		return rows.Err()
	})
	return out, err
}

// read runs fn on one connection; its error names the journal.
func (j *Journal) read(ctx context.Context, fn func(*sql.Conn) error) error {
	conn, err := j.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("read journal %s: %w", j.path, err)
	}
	defer conn.Close()
	if err := fn(conn); err != nil {
		return fmt.Errorf("read journal %s: %w", j.path, err)
	}
	return nil
}

// KeyColumns lists the key columns (KeySpec.Column) of the runs that sent
// lines, so that a run can refuse to look its keys up among keys of another
// kind (they would all be new).
func (j *Journal) KeyColumns(ctx context.Context) ([]string, error) {
	var cols []string
	err := j.read(ctx, func(conn *sql.Conn) error {
		rows, err := conn.QueryContext(ctx, `SELECT DISTINCT key_column FROM runs WHERE sent > 0 ORDER BY key_column`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				return err
			}
			cols = append(cols, c)
		}
		return rows.Err()
	})
	return cols, err
}
