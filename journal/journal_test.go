package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var ctx = context.Background()

func open(t testing.TB, path string) *Journal {
	t.Helper()
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func begin(t testing.TB, j *Journal, importID string, key KeySpec) *Run {
	t.Helper()
	r, err := j.Begin(ctx, RunInfo{Command: "import", Datamart: "1509", ImportID: importID, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func entry(key, line string) Entry { return Entry{Key: key, Sum: Sum([]byte(line))} }

func TestOpenCreatesPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j := open(t, path)
	r := begin(t, j, "imp-1", KeySpec{Column: "Order_ID"})
	if err := r.Record(ctx, time.Now(), []Entry{entry("T1", "{}")}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: mode %o, want 600", name, got)
		}
	}
}

// TestOpenExistingCreatesNothing checks that OpenExisting opens a journal
// that is there, and fails on a missing one without creating a file.
func TestOpenExistingCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.journal")
	if j, err := OpenExisting(missing); !errors.Is(err, fs.ErrNotExist) {
		if j != nil {
			j.Close()
		}
		t.Fatalf("OpenExisting(missing): %v, want an error wrapping fs.ErrNotExist", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("OpenExisting(missing) left %v", left)
	}
	path := filepath.Join(dir, "journal.db")
	r := begin(t, open(t, path), "imp-1", KeySpec{Column: "Order_ID"})
	if err := r.Record(ctx, time.Now(), []Entry{entry("T1", "{}")}); err != nil {
		t.Fatal(err)
	}
	j, err := OpenExisting(path)
	if err != nil {
		t.Fatalf("OpenExisting(existing): %v", err)
	}
	defer j.Close()
	if got, err := j.Lookup(ctx, KeySpec{Column: "Order_ID"}, []Entry{entry("T1", "{}")}); err != nil || got[0].Verdict != Same {
		t.Errorf("OpenExisting(existing): T1 looked up as %+v (%v), want it sent before", got, err)
	}
}

// TestOpenDBExistingCreatesNothing checks the last step of OpenExisting on
// its own: a journal removed after OpenExisting found it is not created by
// SQLite, which creates a missing database unless told not to.
func TestOpenDBExistingCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "removed.journal")
	if j, err := openDB(missing, false); !errors.Is(err, fs.ErrNotExist) {
		if j != nil {
			j.Close()
		}
		t.Errorf("openDB(removed, false): %v, want an error wrapping fs.ErrNotExist", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("openDB(removed, false) left %v", left)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	open(t, path).Close()
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+1)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(path)
	if !errors.Is(err, ErrNewerJournal) {
		t.Fatalf("got %v, want ErrNewerJournal", err)
	}
	for _, want := range []string{path, fmt.Sprintf("schema version %d", SchemaVersion+1), "newer csv2activity"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

func TestOpenRefusesOtherFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "orders.csv")
	if err := os.WriteFile(path, []byte(strings.Repeat("Order ID,Sales\nT1,3\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("got %v, want an error naming %s", err, path)
	}
}

func TestLookupVerdicts(t *testing.T) {
	j := open(t, filepath.Join(t.TempDir(), "journal.db"))
	key := KeySpec{Column: "Order_ID"}
	first := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	r1 := begin(t, j, "imp-1", key)
	if err := r1.Record(ctx, first, []Entry{entry("T1", "a"), entry("T2", "b")}); err != nil {
		t.Fatal(err)
	}
	r2 := begin(t, j, "imp-2", key)
	if err := r2.Record(ctx, first.Add(24*time.Hour), []Entry{entry("T2", "b2")}); err != nil {
		t.Fatal(err)
	}
	got, err := j.Lookup(ctx, key, []Entry{entry("T2", "b"), entry("T1", "a"), entry("T3", "c"), entry("T1", "a!")})
	if err != nil {
		t.Fatal(err)
	}
	want := []Answer{
		{Verdict: Same, When: first, RunID: r1.ID, ImportID: "imp-1"},
		{Verdict: Same, When: first, RunID: r1.ID, ImportID: "imp-1"},
		{Verdict: New},
		{Verdict: Changed, When: first, RunID: r1.ID, ImportID: "imp-1"},
	}
	checkAnswers(t, got, want)
	got, err = j.Lookup(ctx, key, []Entry{entry("T2", "other")})
	if err != nil {
		t.Fatal(err)
	}
	checkAnswers(t, got, []Answer{{Verdict: Changed, When: first.Add(24 * time.Hour), RunID: r2.ID, ImportID: "imp-2"}})
}

func checkAnswers(t *testing.T, got, want []Answer) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d answers, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Verdict != want[i].Verdict || !got[i].When.Equal(want[i].When) ||
			got[i].RunID != want[i].RunID || got[i].ImportID != want[i].ImportID {
			t.Errorf("answer %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestLookupAcrossBatches asks for more keys than one query holds, new and sent mixed,
// so that every batch boundary and the short last batch are crossed.
func TestLookupAcrossBatches(t *testing.T) {
	j := open(t, filepath.Join(t.TempDir(), "journal.db"))
	key := KeySpec{Column: "Order_ID"}
	r := begin(t, j, "imp-1", key)
	var sent, asked []Entry
	for i := range 2*lookupBatch + 357 {
		e := entry(fmt.Sprintf("T%05d", i), fmt.Sprintf("line %d", i))
		if i%3 == 0 {
			sent = append(sent, e)
		}
		if i%7 == 0 {
			e.Sum = Sum([]byte("changed"))
		}
		asked = append(asked, e)
	}
	if err := r.Record(ctx, time.Now(), sent); err != nil {
		t.Fatal(err)
	}
	got, err := j.Lookup(ctx, key, asked)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range got {
		want := New
		switch {
		case i%3 == 0 && i%7 == 0:
			want = Changed
		case i%3 == 0:
			want = Same
		}
		if a.Verdict != want {
			t.Errorf("key %s: got verdict %d, want %d", asked[i].Key, a.Verdict, want)
		}
	}
}

func TestPersonalKeysAreHashed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j := open(t, path)
	key := KeySpec{Column: "Email", Personal: true}
	r := begin(t, j, "imp-1", key)
	if err := r.Record(ctx, time.Now(), []Entry{entry("jane.doe@example.com", "l1")}); err != nil {
		t.Fatal(err)
	}
	got, err := j.Lookup(ctx, key, []Entry{entry("jane.doe@example.com", "l1")})
	if err != nil {
		t.Fatal(err)
	}
	checkAnswers(t, got, []Answer{{Verdict: Same, When: got[0].When, RunID: r.ID, ImportID: "imp-1"}})
	hist, err := j.KeyHistory(ctx, "jane.doe@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].Column != "Email" || !hist[0].Hashed || hist[0].RunID != r.ID {
		t.Errorf("history: got %+v, want one sending in run %d, column Email, hashed", hist, r.ID)
	}
	j.Close()
	for _, name := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(name)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "jane.doe") {
			t.Errorf("%s holds the e-mail address in clear", name)
		}
	}
}

func TestHistory(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "night1.csv")
	if err := os.WriteFile(csv, []byte("Order ID\nT1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := FileOf(csv)
	if err != nil {
		t.Fatal(err)
	}
	// printf 'Order ID\nT1\n' | sha256sum
	if file.SHA256 != "dbc4b3a821bebdda8eee0ec4890bc26a867db2e94768937802f9d73ac6a850cb" || file.Bytes != 12 {
		t.Fatalf("got %+v, want 12 bytes and the sha256 of sha256sum", file)
	}
	j := open(t, filepath.Join(dir, "journal.db"))
	key := KeySpec{Column: "Order_ID"}
	r, err := j.Begin(ctx, RunInfo{Command: "import", Datamart: "1509", Files: []File{file}, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetImportID(ctx, "imp-7"); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	if err := r.Record(ctx, at, []Entry{entry("T1", "a"), entry("T2", "b")}); err != nil {
		t.Fatal(err)
	}
	if err := r.Execution(ctx, Execution{ID: "ex-1", Status: "SUCCEEDED", TotalSuccess: 1, TotalFailure: 1, ErrorFile: "mics://errors/ex-1"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Finish(ctx, Outcome{Status: StatusSucceeded, Skipped: 4, Conflicts: 1}); err != nil {
		t.Fatal(err)
	}
	runs, err := j.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 {
		t.Fatalf("got %d runs, want 1", len(runs))
	}
	got := runs[0]
	if got.ImportID != "imp-7" || got.Sent != 2 || got.Skipped != 4 || got.Conflicts != 1 ||
		got.Refused != 1 || got.Status != StatusSucceeded || got.Finished.IsZero() ||
		len(got.Files) != 1 || got.Files[0] != file || len(got.Executions) != 1 || got.KeyColumn != "Order_ID" {
		t.Errorf("got %+v", got)
	}
	hist, err := j.KeyHistory(ctx, "T2")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].ImportID != "imp-7" || !hist[0].When.Equal(at) || hist[0].Hashed {
		t.Errorf("history of T2: got %+v, want one sending in imp-7 at %v", hist, at)
	}
}
