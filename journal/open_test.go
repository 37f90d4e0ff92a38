package journal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A journal that cannot be opened leaves no file of its own behind: neither
// a new empty journal in a place it cannot be made, nor a stray -shm beside
// a file that is not a journal.
func TestOpenFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(other, []byte(strings.Repeat("Order ID,Sales\nT1,3\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	if j, err := Open(other); err == nil {
		j.Close()
		t.Fatalf("Open(%s): no error, want one", other)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("after a failed Open the folder holds %v, want notes.txt alone", names)
	}
}

// Run.Lookup leaves out what the run itself recorded, so that a resumed run
// finds new what its first attempt sent; another run finds it sent.
func TestRunLookupLeavesOutItsOwn(t *testing.T) {
	j := open(t, filepath.Join(t.TempDir(), "journal.db"))
	key := KeySpec{Column: "Order_ID"}
	r := begin(t, j, "imp-1", key)
	e := entry("T1", "line 1")
	if err := r.Record(ctx, time.Now(), []Entry{e}); err != nil {
		t.Fatal(err)
	}
	own, err := r.Lookup(ctx, []Entry{e})
	if err != nil {
		t.Fatal(err)
	}
	other, err := j.Lookup(ctx, key, []Entry{e})
	if err != nil {
		t.Fatal(err)
	}
	if own[0].Verdict != New || other[0].Verdict != Same {
		t.Errorf("the run's own lookup: %v, another's: %v; want New and Same", own[0].Verdict, other[0].Verdict)
	}
}
