package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"csv2activity/internal/testenv"
)

// TestScripts runs every testdata/script/*.txtar: one file per behaviour of
// the command line, holding its commands, its input files and the output it
// expects (Go's cmd/go style). Each script starts in a fresh folder holding a
// copy of samples/, testdata/broken/, testdata/exports/, testdata/mappings/,
// testdata/golden/ and mappings.example.yaml, with the binary built by
// TestMain on PATH as csv2activity. Beyond testscript's own commands,
// scripts may use exits, mkfifo, hardlink, mode, mkdata, lines, rejects,
// notemp, maxsize and sandbox (see scriptCmds), and start, fed, close,
// waitfile, cpuwait, signal, waitexit, vmhwm and bounded to act on a child
// while it runs and read its own numbers (see script_proc_test.go), gen and
// summary (see script_data_test.go), and compress, xlsx and parquet to make
// the other kinds of an export (see script_inputs_test.go). The condition
// [mknod] holds where a device node can be made.
//
//	go test -run TestScripts/NAME    one script
//	go test -run TestScripts -testwork    keep the folders to look at them
func TestScripts(t *testing.T) {
	t.Parallel()
	mknod := syscall.Mknod(filepath.Join(t.TempDir(), "null"), syscall.S_IFCHR|0o666, 1<<8|3) == nil
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		Setup:               scriptSetup,
		Cmds:                scriptCmds,
		Condition:           scriptCondition(mknod),
		RequireExplicitExec: true,
	})
}

// scriptCondition answers the conditions of scripts beyond testscript's
// own: [mknod].
func scriptCondition(mknod bool) func(cond string) (bool, error) {
	return func(cond string) (bool, error) {
		if cond == "mknod" {
			return mknod, nil
		}
		return false, fmt.Errorf("unknown condition %q", cond)
	}
}

// scriptSetup puts the binary on PATH and copies the shipped files a script
// names into its work folder.
func scriptSetup(env *testscript.Env) error {
	env.Setenv("PATH", filepath.Dir(binary)+string(os.PathListSeparator)+env.Getenv("PATH"))
	env.Values[sandboxKey{}] = &scriptSandbox{}
	env.Values[procsKey{}] = map[string]*scriptProc{}
	named := namedBy(env.WorkDir)
	for _, p := range []string{"samples", "testdata/broken", "testdata/exports", "testdata/mappings", "testdata/golden", "mappings.example.yaml"} {
		if err := copyTree(p, filepath.Join(env.WorkDir, p), named); err != nil {
			return err
		}
	}
	return nil
}

// namedBy returns what tells whether the script run in workDir (testscript
// names it script-NAME) names a shipped file: by its path, or by the start of
// it up to a character that cannot be part of a path (samples/us-o, as a
// completion test types it; samples/us-orders\.csv in a pattern). Copying
// every shipped file into each of a hundred folders cost more CPU than most
// scripts do. When the script cannot be read, every file is named.
func namedBy(workDir string) func(path string) bool {
	name := strings.TrimPrefix(filepath.Base(workDir), "script-")
	text, err := os.ReadFile(filepath.Join("testdata", "script", name+".txtar"))
	if err != nil {
		return func(string) bool { return true }
	}
	var refs []string // what follows each samples/ and testdata/ up to a non-path character
	for _, root := range []string{"samples/", "testdata/"} {
		for rest := string(text); ; {
			i := strings.Index(rest, root)
			if i < 0 {
				break
			}
			rest = rest[i:]
			end := strings.IndexFunc(rest, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("./_-", r))
			})
			if end < 0 {
				end = len(rest)
			}
			refs = append(refs, rest[:end])
			rest = rest[end:]
		}
	}
	return func(path string) bool {
		path = filepath.ToSlash(path)
		if !strings.Contains(path, "/") { // mappings.example.yaml
			return strings.Contains(string(text), path)
		}
		for _, ref := range refs {
			if strings.HasPrefix(path, ref) {
				return true
			}
		}
		return false
	}
}

// copyTree copies a file or a folder's regular files that named names.
func copyTree(from, to string, named func(path string) bool) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !named(path) {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, path[len(from):])
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
}

// scriptCmds are the commands scripts may use beyond testscript's own.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	// exits CODE PROG ARGS...: run PROG, which must exit with CODE; its
	// standard output and error are kept for stdout and stderr.
	"exits": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) < 2 {
			ts.Fatalf("usage: exits CODE PROG ARGS...")
		}
		want, err := strconv.Atoi(args[0])
		ts.Check(err)
		got := 0
		var ee *exec.ExitError
		if err := ts.Exec(args[1], args[2:]...); errors.As(err, &ee) {
			got = ee.ExitCode()
		} else if err != nil {
			ts.Fatalf("%s: %v", args[1], err)
		}
		if got != want {
			ts.Fatalf("%s exited %d, want %d", args[1], got, want)
		}
	},
	// mkfifo PATH: make a named pipe.
	"mkfifo": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1 {
			ts.Fatalf("usage: mkfifo PATH")
		}
		ts.Check(syscall.Mkfifo(ts.MkAbs(args[0]), 0o644))
	},
	// hardlink OLD NEW: make a hard link.
	"hardlink": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: hardlink OLD NEW")
		}
		ts.Check(os.Link(ts.MkAbs(args[0]), ts.MkAbs(args[1])))
	},
	// [!] mode PERM PATH: the file's permission bits are (not) PERM, in octal.
	"mode": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 2 {
			ts.Fatalf("usage: mode PERM PATH")
		}
		want, err := strconv.ParseUint(args[0], 8, 32)
		ts.Check(err)
		fi, err := os.Stat(ts.MkAbs(args[1]))
		ts.Check(err)
		got := fi.Mode().Perm()
		if (got == fs.FileMode(want)) == neg {
			ts.Fatalf("%s: mode %#o, want %s%#o", args[1], got, map[bool]string{true: "not ", false: ""}[neg], want)
		}
	},
	// sandbox start ARGS... | sandbox stop: see scriptSandbox.
	"sandbox": sandboxCmd,
	// mkdata FILE PIECE...: write FILE from its pieces, in order: <NAME is
	// the file NAME's content, TEXT is itself (\n in it a line break), and
	// N*PIECE is PIECE N times. For inputs too big to hold in a script.
	"mkdata": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) < 2 {
			ts.Fatalf("usage: mkdata FILE PIECE...")
		}
		f, err := os.Create(ts.MkAbs(args[0]))
		ts.Check(err)
		w := bufio.NewWriter(f)
		for _, p := range args[1:] {
			n := 1
			if count, text, ok := strings.Cut(p, "*"); ok {
				if c, err := strconv.Atoi(count); err == nil {
					n, p = c, text
				}
			}
			if name, ok := strings.CutPrefix(p, "<"); ok {
				p = ts.ReadFile(name)
			} else {
				p = strings.ReplaceAll(p, `\n`, "\n")
			}
			w.WriteString(strings.Repeat(p, n))
		}
		ts.Check(errors.Join(w.Flush(), f.Close()))
	},
	// lines N FILE: FILE holds N lines (an empty file, or one empty line,
	// holds 0).
	"lines": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: lines N FILE")
		}
		want, err := strconv.Atoi(args[0])
		ts.Check(err)
		if got := len(fileLines(ts, args[1])); got != want {
			ts.Fatalf("%s: %d lines, want %d", args[1], got, want)
		}
	},
	// rejects FILE LINE...: the rejects file holds one object per LINE, in
	// this order, each with its "line", a "reason" and the "raw" row; with
	// no LINE, the file is absent or empty.
	"rejects": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) < 1 {
			ts.Fatalf("usage: rejects FILE LINE...")
		}
		var got []string
		if _, err := os.Stat(ts.MkAbs(args[0])); err == nil {
			rejects, err := testenv.ParseRejects(ts.ReadFile(args[0]))
			if err != nil {
				ts.Fatalf("%s: %v", args[0], err)
			}
			for _, r := range rejects {
				got = append(got, strconv.Itoa(r.Line))
			}
		}
		if !slices.Equal(got, args[1:]) {
			ts.Fatalf("%s: rejected lines %v, want %v", args[0], got, args[1:])
		}
	},
	// notemp DIR: no temporary file (.tmp-*) is left in DIR.
	"notemp": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1 {
			ts.Fatalf("usage: notemp DIR")
		}
		entries, err := os.ReadDir(ts.MkAbs(args[0]))
		ts.Check(err)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".tmp-") {
				ts.Fatalf("temporary file %s left in %s", e.Name(), args[0])
			}
		}
	},
	// maxsize N GLOB: the files matching GLOB, at least one, each hold at
	// most N bytes.
	"maxsize": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: maxsize N GLOB")
		}
		limit, err := strconv.ParseInt(args[0], 10, 64)
		ts.Check(err)
		files, err := filepath.Glob(ts.MkAbs(args[1]))
		ts.Check(err)
		if len(files) == 0 {
			ts.Fatalf("no file matches %s", args[1])
		}
		for _, f := range files {
			fi, err := os.Stat(f)
			ts.Check(err)
			if fi.Size() > limit {
				ts.Fatalf("%s: %d bytes, more than %d", f, fi.Size(), limit)
			}
		}
	},
}

// fileLines reads a script file's lines, none for an empty file or one
// empty line.
func fileLines(ts *testscript.TestScript, name string) []string {
	text := strings.TrimSuffix(ts.ReadFile(name), "\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

// sandboxKey keys a script's scriptSandbox among its testscript values.
type sandboxKey struct{}

// scriptSandbox is a script's `csv2activity sandbox`. "sandbox start
// ARGS..." starts it with --dir sandbox-data, --addr fd:3 on a loopback
// socket the runner opens and keeps open until the script ends (so a sandbox
// started again answers at the same URL), the script's MICS_API_TOKEN and
// ARGS, its output appended to sandbox.log; it sets MICS_API_URL for the
// commands after. "sandbox stop" sends it SIGTERM and checks that it exits
// cleanly, which every script using it checks last; a sandbox still running
// when a script ends (one that failed) is stopped so, unchecked.
type scriptSandbox struct {
	ln     *net.TCPListener
	lnf    *os.File
	cmd    *exec.Cmd
	log    *os.File
	copied chan struct{} // closed once its standard output is in the log
}

func sandboxCmd(ts *testscript.TestScript, neg bool, args []string) {
	sb := ts.Value(sandboxKey{}).(*scriptSandbox)
	if neg || len(args) < 1 || (args[0] != "start" && args[0] != "stop") {
		ts.Fatalf("usage: sandbox start ARGS... | sandbox stop")
	}
	if args[0] == "stop" {
		if sb.cmd == nil {
			ts.Fatalf("sandbox stop: no sandbox running")
		}
		ts.Check(sb.stop())
		return
	}
	if sb.cmd != nil {
		ts.Fatalf("sandbox start: a sandbox is already running")
	}
	if sb.ln == nil {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		ts.Check(err)
		sb.ln = ln.(*net.TCPListener)
		sb.lnf, err = sb.ln.File()
		ts.Check(err)
		ts.Defer(func() {
			if sb.cmd != nil {
				sb.stop() // a script that failed before its "sandbox stop"
			}
			sb.lnf.Close()
			sb.ln.Close()
		})
	}
	log, err := os.OpenFile(ts.MkAbs("sandbox.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	ts.Check(err)
	r, w, err := os.Pipe()
	ts.Check(err)
	cmd := exec.Command(binary, append([]string{"sandbox", "--dir", ts.MkAbs("sandbox-data"), "--addr", "fd:3"}, args[1:]...)...)
	cmd.Env = append(os.Environ(), "MICS_API_TOKEN="+ts.Getenv("MICS_API_TOKEN"))
	cmd.ExtraFiles = []*os.File{sb.lnf}
	cmd.Stdout, cmd.Stderr = w, log
	err = cmd.Start()
	w.Close()
	if err != nil {
		r.Close()
		log.Close()
		ts.Fatalf("sandbox start: %v", err)
	}
	// Its first line says where it listens, once its signal handlers are
	// set: a stop after it is a clean one.
	out := bufio.NewReader(r)
	first, err := out.ReadString('\n')
	log.WriteString(first)
	if err != nil || !strings.Contains(first, "listening on") {
		cmd.Process.Kill()
		cmd.Wait()
		r.Close()
		log.Close()
		ts.Fatalf("sandbox start: first line %q (%v), want where it listens", first, err)
	}
	sb.copied = make(chan struct{})
	go func() {
		io.Copy(log, out)
		r.Close()
		close(sb.copied)
	}()
	sb.cmd, sb.log = cmd, log
	ts.Setenv("MICS_API_URL", "http://"+sb.ln.Addr().String())
}

// stop ends the sandbox with SIGTERM and returns an error unless it exits
// cleanly.
func (sb *scriptSandbox) stop() error {
	cmd := sb.cmd
	sb.cmd = nil
	defer sb.log.Close()
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	<-sb.copied
	if err != nil {
		return fmt.Errorf("sandbox after SIGTERM: %w, want a clean exit (see sandbox.log)", err)
	}
	return nil
}
