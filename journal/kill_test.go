package journal

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// killChildEnv, when set to a journal path, makes the test binary the child of
// TestKillMidTransaction instead of running tests.
const killChildEnv = "JOURNAL_TEST_KILL_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(killChildEnv); path != "" {
		if err := killChild(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func killEntries(from, to int) []Entry {
	var es []Entry
	for i := from; i < to; i++ {
		es = append(es, entry(fmt.Sprintf("T%06d", i), fmt.Sprintf("line %d", i)))
	}
	return es
}

// killChild journals a first chunk, then stops in the middle of the second chunk's
// transaction, says so on standard output and waits to be killed.
func killChild(path string) error {
	j, err := Open(path)
	if err != nil {
		return err
	}
	r, err := j.Begin(ctx, RunInfo{Command: "upload", ImportID: "imp-kill", Key: KeySpec{Column: "Order_ID"}})
	if err != nil {
		return err
	}
	if err := r.Record(ctx, time.Now(), killEntries(0, 1000)); err != nil {
		return err
	}
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := r.insert(ctx, tx, time.Now(), killEntries(1000, 3000)); err != nil {
		return err
	}
	fmt.Println("mid-transaction")
	select {} // killed here
}

// TestKillMidTransaction kills -9 a process in the middle of a write: the journal opens
// consistent with the committed chunk only, and a resumed run completes the entries.
func TestKillMidTransaction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if line != "mid-transaction\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q (%v), want mid-transaction", line, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	j := open(t, path)
	var check string
	if err := j.db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: got %q (%v), want ok", check, err)
	}
	runs, err := j.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Sent != 1000 || runs[0].Status != StatusRunning {
		t.Fatalf("after the kill: got %+v, want one running run with 1000 sent", runs)
	}
	var rows int
	if err := j.db.QueryRow("SELECT count(*) FROM sent").Scan(&rows); err != nil || rows != 1000 {
		t.Fatalf("after the kill: %d entries (%v), want the 1000 committed", rows, err)
	}

	r, err := j.Resume(ctx, "imp-kill")
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != runs[0].ID || r.Key.Column != "Order_ID" {
		t.Fatalf("resumed run %d key %+v, want run %d key Order_ID", r.ID, r.Key, runs[0].ID)
	}
	// The resumed upload re-sends the chunk whose fate was unknown, then the rest.
	if err := r.Record(ctx, time.Now(), killEntries(0, 3000)); err != nil {
		t.Fatal(err)
	}
	if err := r.Finish(ctx, Outcome{Status: StatusSucceeded}); err != nil {
		t.Fatal(err)
	}
	runs, err = j.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Sent != 3000 || runs[0].Status != StatusSucceeded {
		t.Fatalf("after the resume: got %+v, want one succeeded run with 3000 sent", runs)
	}
	if _, err := j.Resume(ctx, "imp-other"); !errors.Is(err, ErrNoRun) {
		t.Errorf("resume of an unknown import: got %v, want ErrNoRun", err)
	}
}
