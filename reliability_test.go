package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Inputs no export should hold, end to end: never a panic, always a clear
// word and a documented exit code. It stays in Go for its megabyte of
// computed bytes given on standard input; the other hostile inputs, the
// unterminated quote, the alias bomb, SIGINT and SIGTERM mid-run and kill -9
// are scripts (hostile_inputs, unterminated_quote, alias_bomb, signals,
// kill9). startPiped, stopWith and
// waitFor drive the children of the Go tests that remain.

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

// TestHostileInputs gives a megabyte of computed bytes on standard input:
// never a panic, a clear word and a documented exit code (1 or 2). The other
// hostile inputs are a script (hostile_inputs).
func TestHostileInputs(t *testing.T) {
	t.Parallel()
	random := make([]byte, 1<<20)
	for i := range random {
		random[i] = byte(i*7919 + i>>3)
	}
	res := runCLI(t, "", bytes.NewReader(random), nil, "convert", "-m", "samples/loyalty.yaml", "-o", filepath.Join(t.TempDir(), "out.ndjson"), "-")
	if res.code != 1 && res.code != 2 {
		t.Fatalf("exit %d, want 1 or 2:\n%s", res.code, res.stderr)
	}
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
