// Package journal is the import journal: an SQLite file, one per project, that records
// every run of import and upload (files, document import, executions, counts) and, per
// line sent, its key and the checksum of the line. Open it, Begin (or Resume) a Run,
// Record what the API accepted, Finish; Lookup answers, for a batch of (key, checksum)
// pairs, whether each is new, already sent with the same content, or sent with other
// content. Runs and KeyHistory serve the history command.
//
// Every write is one SQLite transaction, so a process killed at any point leaves the
// journal consistent; the entries of a run cut short are completed by a resumed run.
// A Journal is safe for concurrent use by one process.
package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"

	_ "github.com/ncruces/go-sqlite3/driver" // pure-Go SQLite, the smaller cold build (README: "Nightly imports")
)

// SchemaVersion is the journal layout this build writes, kept in PRAGMA user_version.
const SchemaVersion = 1

// MemoryBytes is about what an open journal holds in memory at most: SQLite's page
// cache (128 MiB) and its own allocations, all in the Go heap (the WebAssembly
// module's memory). A caller that sets the Go memory limit adds it (cli).
const MemoryBytes = 160 << 20

// ErrNewerJournal is returned by Open for a journal written by a newer csv2activity.
var ErrNewerJournal = errors.New("journal written by a newer csv2activity")

// Journal is an open journal file.
type Journal struct {
	db   *sql.DB
	path string
}

const schema = `
CREATE TABLE runs (
	id         INTEGER PRIMARY KEY,
	started    INTEGER NOT NULL, -- unix milliseconds
	finished   INTEGER,          -- unix milliseconds, NULL while running or when cut short
	command    TEXT NOT NULL,    -- import | upload
	datamart   TEXT NOT NULL DEFAULT '',
	import_id  TEXT NOT NULL DEFAULT '',
	key_column TEXT NOT NULL DEFAULT '',
	key_hashed INTEGER NOT NULL DEFAULT 0, -- 1: keys are sha256 of personal data
	status     TEXT NOT NULL,    -- running | succeeded | failed | interrupted
	sent       INTEGER NOT NULL DEFAULT 0,
	skipped    INTEGER NOT NULL DEFAULT 0,
	conflicts  INTEGER NOT NULL DEFAULT 0,
	refused    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_import ON runs(import_id);
CREATE TABLE run_files (
	run    INTEGER NOT NULL REFERENCES runs(id),
	path   TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	bytes  INTEGER NOT NULL,
	PRIMARY KEY (run, path)
);
CREATE TABLE executions (
	run           INTEGER NOT NULL REFERENCES runs(id),
	execution_id  TEXT NOT NULL,
	status        TEXT NOT NULL,
	total_success INTEGER NOT NULL DEFAULT 0,
	total_failure INTEGER NOT NULL DEFAULT 0,
	error_file    TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (run, execution_id)
) WITHOUT ROWID;
CREATE TABLE sent (
	key TEXT NOT NULL,    -- the dedupe key, or 'sha256:<hex>' of it when personal data
	sum BLOB NOT NULL,    -- first 16 bytes of the sha256 of the line sent
	run INTEGER NOT NULL REFERENCES runs(id),
	at  INTEGER NOT NULL, -- unix milliseconds when the API accepted it
	PRIMARY KEY (key, sum, run)
) WITHOUT ROWID;
`

// Open opens the journal at path, creating it with permissions 0600 and the current
// schema if it does not exist. A journal of a newer schema is refused with
// ErrNewerJournal; one that is not an SQLite journal is refused with an error naming it.
func Open(path string) (*Journal, error) { return openJournal(path, true) }

// OpenExisting opens the journal at path as Open does, but never creates it:
// a missing journal is an error wrapping fs.ErrNotExist, even one removed
// while it is opened (history, a dry run).
func OpenExisting(path string) (*Journal, error) { return openJournal(path, false) }

func openJournal(path string, create bool) (*Journal, error) {
	// The journal and its -shm are created 0600 here; the WAL takes the journal's mode
	// (modeof), so no file of the journal is readable by others.
	var created []string // removed again when the journal cannot be opened
	for _, name := range []string{path, path + "-shm"} {
		flags := os.O_RDWR | os.O_CREATE | os.O_EXCL
		if !create && name == path {
			flags = os.O_RDWR
		}
		f, err := os.OpenFile(name, flags, 0o600)
		if errors.Is(err, os.ErrExist) {
			f, err = os.OpenFile(name, os.O_RDWR, 0)
		} else if err == nil {
			created = append(created, name)
		}
		if err != nil {
			removeAll(created)
			return nil, fmt.Errorf("open journal %s: %w", path, err)
		}
		f.Close()
	}
	j, err := openDB(path, create)
	if err != nil {
		removeAll(created)
		return nil, err
	}
	return j, nil
}

// removeAll removes the files Open created for a journal it could not open.
func removeAll(names []string) {
	for _, name := range names {
		os.Remove(name)
	}
}

// openDB opens the SQLite database at path and brings its schema up to date.
// Unless create, a missing database is not created (one removed since
// OpenExisting found it): the error wraps fs.ErrNotExist.
func openDB(path string, create bool) (*Journal, error) {
	escaped := (&url.URL{Path: path}).EscapedPath()
	dsn := "file:" + escaped + "?modeof=" + url.QueryEscape(path) +
		"&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_pragma=cache_size(-131072)" +
		"&_txlock=immediate"
	if !create {
		dsn += "&mode=rw"
	}
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open journal %s: %w", path, err)
	}
	j := &Journal{db: db, path: path}
	if err := j.migrate(context.Background()); err != nil {
		db.Close()
		if _, statErr := os.Stat(path); !create && errors.Is(statErr, fs.ErrNotExist) {
			return nil, fmt.Errorf("open journal %s: %w", path, statErr)
		}
		return nil, err
	}
	return j, nil
}

// Path is the file the journal lives in.
func (j *Journal) Path() string { return j.path }

// Close closes the journal. Runs not finished stay "running" until resumed.
func (j *Journal) Close() error {
	if err := j.db.Close(); err != nil {
		return fmt.Errorf("close journal %s: %w", j.path, err)
	}
	return nil
}

func (j *Journal) migrate(ctx context.Context) error {
	var version int
	if err := j.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read journal %s: %w", j.path, err)
	}
	switch {
	case version > SchemaVersion:
		return fmt.Errorf("journal %s has schema version %d, this csv2activity knows up to %d: "+
			"use a newer csv2activity or another --journal: %w", j.path, version, SchemaVersion, ErrNewerJournal)
	case version == SchemaVersion:
		return nil
	}
	return j.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, schema); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion))
		return err
	})
}

// tx runs fn in one transaction, committed only if fn succeeds.
func (j *Journal) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("write journal %s: %w", j.path, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return fmt.Errorf("write journal %s: %w", j.path, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write journal %s: %w", j.path, err)
	}
	return nil
}
