package output

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileReplacesWholeAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	for _, content := range []string{"first version, longer than the second", "second"} {
		if err := WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != content {
			t.Errorf("got %q, want %q", got, content)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("got %d files in the folder, want only state.json (no temporary left)", len(entries))
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("got mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestWriteFileMissingFolderLeavesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "f")
	if err := WriteFile(path, []byte("x"), 0o644); err == nil {
		t.Fatal("got no error writing into a missing folder")
	}
}

func TestRemoveStaleRemovesOnlyThatFilesTemporaries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state[1].json")
	keep := []string{"state[1].json", TempPrefix + "other.json-123", "notes.txt"}
	for _, name := range append(keep, TempPrefix+"state[1].json-123", TempPrefix+"state[1].json-456") {
		os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644)
	}
	RemoveStale(path)
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(got) != len(keep) {
		t.Errorf("left %q, want only %q", got, keep)
	}
}

// TestRemoveStaleSparesLiveWriters removes the temporary file of a dead
// process and keeps the one of a running process (this one).
func TestRemoveStaleSparesLiveWriters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.ndjson")
	live, err := Create(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort()
	dead := filepath.Join(dir, TempPrefix+"out.ndjson-2147483646-123")
	if err := os.WriteFile(dead, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	RemoveStale(path)
	if _, err := os.Stat(dead); err == nil {
		t.Error("the dead process's temporary file is still there")
	}
	if _, err := os.Stat(live.Name()); err != nil {
		t.Errorf("the running process's temporary file was removed: %v", err)
	}
}
