package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const loyaltyHeader = "member_id,email,event,points,amount,store_id,occurred_at\n"

func loyaltyRows(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "LY%d,m%d@example.fr,purchase,%d,%d.50,S01,2024-03-05T10:%02d:00+01:00\n", i, i, i%300, i%90, i%60)
	}
	return b.String()
}

// vmHWM reads a running process's peak resident memory from its own
// /proc/PID/status (VmHWM), in bytes.
func vmHWM(t *testing.T, pid int) int64 {
	t.Helper()
	kb := statusField(pid, "VmHWM:")
	if kb == 0 {
		t.Fatalf("no VmHWM in /proc/%d/status", pid)
	}
	return kb << 10
}

// TestUnterminatedQuote: a quote left open, followed by 12 MB, costs its line
// alone: it is rejected once the row size limit is passed, every row after
// it is converted, and memory stays bounded (the child's peak, read from its
// /proc/PID/status once it has read the whole input and before it ends).
func TestUnterminatedQuote(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tailRows := 12 << 20 / 66 // three times the 4MiB row size limit
	tail := strings.Repeat("LY9,tail@example.fr,purchase,1,2.50,S01,2024-03-05T10:00:00+01:00\n", tailRows)
	out := filepath.Join(dir, "out.ndjson")
	cmd, stdin, stderr := startPiped(t, nil, "convert", "-m", "samples/loyalty.yaml", "-o", out, "--max-errors", "-1", "-")
	input := loyaltyHeader + loyaltyRows(10) + "LY1,\"broken@example.fr,purchase,1,2,S01,2024-03-05T10:00:00Z\n" + tail
	if _, err := io.WriteString(stdin, input); err != nil {
		t.Fatal(err)
	}
	// All but the pipe's last 64 KiB has been read: the open quote has long
	// been given up on. The peak is read while the child still runs.
	rss := vmHWM(t, cmd.Process.Pid)
	stdin.Close()
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 3 {
		t.Fatalf("exit %d (%v), want 3; stderr:\n%s", code, err, stderr.String())
	}
	rej := readLines(t, filepath.Join(dir, "out.rejects.ndjson"))
	if len(rej) != 1 || !strings.Contains(rej[0], `"line":12`) || !strings.Contains(rej[0], "is still open on line") || !strings.Contains(rej[0], "past the 4MiB row size limit") {
		t.Fatalf("rejects: %v", rej)
	}
	if got, want := len(readLines(t, out)), 10+tailRows; got != want {
		t.Errorf("got %d activities, want %d: every row but the broken one", got, want)
	}
	t.Logf("peak memory %d MiB", rss>>20)
	if rss > 200<<20 {
		t.Errorf("peak memory %d MiB, want it bounded", rss>>20)
	}
}

// TestHostileInputs runs inputs no export should hold: never a panic, always
// a clear word and a documented exit code.
func TestHostileInputs(t *testing.T) {
	t.Parallel()
	random := make([]byte, 1<<20)
	for i := range random {
		random[i] = byte(i*7919 + i>>3)
	}
	utf8Mapping := writeFile(t, t.TempDir(), "utf8.yaml", strings.Replace(mustRead(t, "samples/loyalty.yaml"), "version: 1", "version: 1\ninput: {encoding: utf-8}", 1))
	tests := []struct {
		name    string
		mapping string
		input   []byte
		codes   []int
		stderr  string
		rejects string
	}{
		{"random bytes", "samples/loyalty.yaml", random, []int{1, 2}, "", ""},
		{"invalid UTF-8 in a utf-8 file", utf8Mapping, []byte(loyaltyHeader + loyaltyRows(3) + "LY7,caf\xe9@example.fr,purchase,1,2.50,S01,2024-03-05T10:00:00Z\n"), []int{3}, "", `"line":5,"file":"-","reason":"invalid UTF-8: byte 0xe9 at offset 7 of the row (column \"email\")`},
		{"NUL and control characters", "samples/loyalty.yaml", []byte(loyaltyHeader + "LY\x00\x01,a@b.fr,purchase,1,2.50,S01,2024-03-05T10:00:00Z\n"), []int{0}, "", ""},
		{"empty", "samples/loyalty.yaml", nil, []int{1}, "input is empty", ""},
		{"header only", "samples/loyalty.yaml", []byte(loyaltyHeader), []int{0}, "0 rows read", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out.ndjson")
			res := runCLI(t, "", bytes.NewReader(tt.input), nil, "convert", "-m", tt.mapping, "-o", out, "-")
			ok := false
			for _, c := range tt.codes {
				ok = ok || res.code == c
			}
			if !ok || !strings.Contains(res.stderr, tt.stderr) {
				t.Fatalf("exit %d, want %v and %q in stderr:\n%s", res.code, tt.codes, tt.stderr, res.stderr)
			}
			if tt.rejects != "" && !strings.Contains(strings.Join(readLines(t, filepath.Join(dir, "out.rejects.ndjson")), "\n"), tt.rejects) {
				t.Errorf("rejects do not hold %s", tt.rejects)
			}
			if res.code == 0 {
				for _, l := range readLines(t, out) {
					if strings.ContainsAny(l, "\x00\x01") {
						t.Errorf("raw control character in %q", l)
					}
				}
			}
		})
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAliasBomb refuses a "billion laughs" mapping at once.
func TestAliasBomb(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("version: 1\nlol0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "lol%d: &a%d [*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("activity:\n  x: *a9\n")
	m := writeFile(t, t.TempDir(), "bomb.yaml", b.String())
	start := time.Now()
	res := runCLI(t, "", nil, nil, "convert", "-m", m, "samples/loyalty.csv")
	if res.code != 2 || !strings.Contains(res.stderr, "anchors, aliases and merge keys are not supported") {
		t.Fatalf("exit %d, want 2 and a word on aliases; stderr:\n%s", res.code, res.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to refuse", d)
	}
}

// startSlow starts a conversion reading standard input from a pipe that is
// left open after some rows, so that the run is caught mid-way.
func startSlow(t *testing.T, out string) (*exec.Cmd, io.WriteCloser, *bytes.Buffer) {
	t.Helper()
	cmd, stdin, stderr := startPiped(t, nil, "convert", "-m", "samples/loyalty.yaml", "-o", out, "-")
	if _, err := io.WriteString(stdin, loyaltyHeader+loyaltyRows(50000)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		m, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".tmp-*"))
		return len(m) > 0
	})
	return cmd, stdin, stderr
}

// startPiped starts the binary with args and extra environment variables,
// its standard input a pipe the caller writes and closes, its standard error
// kept.
func startPiped(t *testing.T, env []string, args ...string) (*exec.Cmd, io.WriteCloser, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stdin, &stderr
}

// stopWith sends sig to a running command and waits for it to end, failing
// the test (and killing it) if it has not within limit. It returns how long
// the command took to stop.
func stopWith(t *testing.T, cmd *exec.Cmd, sig os.Signal, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	cmd.Process.Signal(sig)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(limit):
		cmd.Process.Kill()
		t.Fatalf("still running %v after the signal", limit)
	}
	return time.Since(start)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
	}
}

// TestSignals interrupts a run with SIGINT and SIGTERM: it stops promptly, exits non-zero, says so, and leaves no file at all in the output's
// folder.
func TestSignals(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			cmd, stdin, stderr := startSlow(t, filepath.Join(dir, "out.ndjson"))
			defer stdin.Close()
			// A margin that holds on a loaded machine: the stop is prompt,
			// not timed to the millisecond.
			if d := stopWith(t, cmd, sig, 30*time.Second); d > 10*time.Second {
				t.Errorf("took %v to stop", d)
			}
			if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "interrupted after") {
				t.Errorf("exit %d, stderr:\n%s", code, stderr.String())
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("left in the output folder: %v", left)
			}
		})
	}
}

// TestKill9 kills a run: no file appears at the output path, and the next
// run writes it, removing the dead run's temporary file.
func TestKill9(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.ndjson")
	cmd, stdin, _ := startSlow(t, out)
	cmd.Process.Kill()
	cmd.Wait()
	stdin.Close()
	if _, err := os.Stat(out); err == nil {
		t.Fatal("output exists after kill -9")
	}
	res := runCLI(t, "", strings.NewReader(loyaltyHeader+loyaltyRows(10)), nil, "convert", "-m", "samples/loyalty.yaml", "-o", out, "-")
	if res.code != 0 || len(readLines(t, out)) != 10 {
		t.Fatalf("rerun: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".tmp-*")); len(left) != 0 {
		t.Errorf("stale temporary files remain: %v", left)
	}
}
