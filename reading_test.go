package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// Reading the input end to end: a stray quote costs one line, endless input
// (the row size limit and mixed encodings are scripts: max_row_size,
// mixed_encodings). These stay in Go: the stray quotes go into generated
// exports at computed lines, each run compared with the clean one's
// activities, and the endless input is written by the test for as long as
// the child reads.

// TestStrayQuoteCostsOneLine puts a stray quote early, in the middle and on
// the last line of 57-line exports (the American one, with a quoted cell on
// every line and a legitimate two-line cell on lines 6-7; the French till
// export, windows-1252, semicolons, CR LF): each time exactly that line is
// rejected, saying which lines the quote would have swallowed, and every
// other activity is byte for byte the clean run's.
func TestStrayQuoteCostsOneLine(t *testing.T) {
	t.Parallel()
	orders := genOrders(56, rand.New(rand.NewSource(3)))
	us := strings.Split(strings.TrimSuffix(usExport(orders[:55]), "\n"), "\n")
	us[5] = strings.Replace(us[5], `" 4",`, `" 4`+"\n"+`(assembly required)",`, 1)
	exports := []struct {
		name    string
		text    string
		eol     string
		stray   func(line string) string // the line with a stray quote typed in
		twoLine int                      // where a row on two lines starts, if one does
	}{
		{"us", strings.Join(us, "\n") + "\n", "\n", func(l string) string { // a quote before the quantity, at the line's end
			i := strings.LastIndexByte(l, ',')
			return l[:i+1] + `"` + l[i+1:]
		}, 6},
		{"fr", frExport(t, orders), "\r\n", func(l string) string { return strings.Replace(l, ";Chaise", `;"Chaise`, 1) }, 0},
	}
	for _, ex := range exports {
		dir := t.TempDir()
		m := writeFile(t, dir, "m.yaml", strings.Replace(perLineMappings[ex.name], "EVENT", "$transaction_confirmed", 1))
		clean := filepath.Join(dir, "clean.ndjson")
		in := writeFile(t, dir, "clean.csv", ex.text)
		if res := runCLI(t, "", nil, nil, "convert", "-m", m, "-o", clean, in); res.code != 0 {
			t.Fatalf("%s, clean: exit %d\n%s", ex.name, res.code, res.stderr)
		}
		want := readLines(t, clean)
		lines := strings.Split(strings.TrimSuffix(ex.text, ex.eol), ex.eol)
		if len(lines) != 57 {
			t.Fatalf("%s: %d lines, want 57", ex.name, len(lines))
		}
		for _, at := range []int{3, 29, 57} { // early, in the middle, the last line
			t.Run(fmt.Sprintf("%s/line %d", ex.name, at), func(t *testing.T) {
				stray := append([]string(nil), lines...)
				stray[at-1] = ex.stray(stray[at-1])
				in := writeFile(t, dir, fmt.Sprintf("stray%d.csv", at), strings.Join(stray, ex.eol)+ex.eol)
				out := filepath.Join(dir, fmt.Sprintf("stray%d.ndjson", at))
				res := runCLI(t, "", nil, nil, "convert", "-m", m, "-o", out, in)
				if res.code != 3 || !strings.Contains(res.stderr, fmt.Sprintf("%d rows read: %d in %d activities written, 0 filtered by where, 1 rejected", len(want), len(want)-1, len(want)-1)) {
					t.Fatalf("exit %d, want 3 and one row rejected:\n%s", res.code, res.stderr)
				}
				lost := at - 2 // the activity of the row on line at
				if ex.twoLine > 0 && at > ex.twoLine {
					lost--
				}
				got := readLines(t, out)
				if w := append(append([]string(nil), want[:lost]...), want[lost+1:]...); strings.Join(got, "\n") != strings.Join(w, "\n") {
					t.Errorf("activities differ from the clean run's without line %d's", at)
				}
				rej := readLines(t, strings.TrimSuffix(out, ".ndjson")+".rejects.ndjson")
				if len(rej) != 1 || !strings.Contains(rej[0], fmt.Sprintf(`"line":%d,`, at)) || !strings.Contains(rej[0], fmt.Sprintf("a quote opened on line %d", at)) {
					t.Fatalf("rejects: %v", rej)
				}
				swallowed := fmt.Sprintf("lines %d–57, which it would have swallowed, were read again as rows", at+1)
				if ex.name == "us" { // the next line's quoted cell closes the stray quote, wrongly
					swallowed = fmt.Sprintf("is closed by a quote on line %d with text after it, which is not CSV; line %[1]d, which it would have swallowed, was read again as a row", at+1)
				}
				if at < 57 && !strings.Contains(rej[0], swallowed) {
					t.Errorf("the reject does not name the lines swallowed (%s): %s", swallowed, rej[0])
				}
			})
		}
	}
}

// TestEndlessInput feeds a pipe that never ends (the test writes NUL bytes
// into it, as from /dev/zero, for as long as the child reads): without a
// line break, the header is given up on at the row size limit; after a
// header, the endless row is skipped in bounded memory and SIGTERM stops the
// run; on a pipe that stays silent, SIGTERM stops it too.
func TestEndlessInput(t *testing.T) {
	t.Parallel()
	zeros := make([]byte, 64<<10)
	feed := func(w io.WriteCloser, head string, n int64) <-chan int64 {
		fed := make(chan int64, 1)
		go func() {
			defer w.Close()
			written, _ := io.WriteString(w, head)
			total := int64(written)
			for {
				k, err := w.Write(zeros)
				total += int64(k)
				if total >= n && n > 0 {
					fed <- total
					n = 0
				}
				if err != nil {
					return // the child is gone
				}
			}
		}()
		return fed
	}
	commands := [][]string{
		{"convert", "-m", "samples/loyalty.yaml", "-o", "OUT", "-"},
		{"check", "-m", "samples/loyalty.yaml", "-"},
		{"preview", "-m", "samples/loyalty.yaml", "-"},
		{"init", "-"},
	}
	for _, args := range commands {
		args = append([]string(nil), args...)
		for i := range args {
			if args[i] == "OUT" {
				args[i] = filepath.Join(t.TempDir(), "out.ndjson")
			}
		}
		t.Run(args[0]+"/no header end", func(t *testing.T) {
			cmd, stdin, stderr := startPiped(t, nil, args...)
			feed(stdin, "", 0)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				t.Fatal("still reading 60s later")
			}
			if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "the header line is longer than the row size limit (--max-row-size 4MiB)") {
				t.Errorf("exit %d, want 1:\n%s", code, stderr.String())
			}
		})
		t.Run(args[0]+"/an endless row", func(t *testing.T) {
			cmd, stdin, stderr := startPiped(t, nil, args...)
			<-feed(stdin, loyaltyHeader+loyaltyRows(3), 16<<20) // well past the row size limit
			if rss := vmHWM(t, cmd.Process.Pid); rss > 200<<20 {
				t.Errorf("peak memory %d MiB after 16 MiB of one row, want it bounded", rss>>20)
			}
			stopWith(t, cmd, syscall.SIGTERM, 30*time.Second)
			if code := cmd.ProcessState.ExitCode(); code != 1 {
				t.Errorf("exit %d, want 1:\n%s", code, stderr.String())
			}
		})
		t.Run(args[0]+"/a silent pipe", func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			cmd := exec.Command(binary, args...)
			var stderr bytes.Buffer
			cmd.Stdin, cmd.Stderr = r, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			r.Close()
			// The beginning of a header, then silence. Once the child has
			// read it, it is waiting for more, its signal handling set up.
			io.WriteString(w, "member_id,em")
			waitFor(t, func() bool { return pipeBuffered(t, w) == 0 })
			stopWith(t, cmd, syscall.SIGTERM, 30*time.Second)
			if code := cmd.ProcessState.ExitCode(); code != 1 {
				t.Errorf("exit %d, want 1:\n%s", code, stderr.String())
			}
		})
	}
}

// pipeBuffered is how many bytes written to the pipe w are not read yet.
func pipeBuffered(t *testing.T, w *os.File) int {
	var n int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, w.Fd(), syscall.TIOCINQ, uintptr(unsafe.Pointer(&n))); errno != 0 {
		t.Fatalf("FIONREAD: %v", errno)
	}
	return int(n)
}
