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
// computed bytes given on standard input; the unterminated quote, the alias
// bomb, SIGINT and SIGTERM mid-run and kill -9 are scripts
// (unterminated_quote, alias_bomb, signals, kill9). startPiped, stopWith and
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
