package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// Script commands that start a child, act on it while it runs and read its
// own numbers (/proc/PID/status, /proc/PID/stat, its exit status): the
// signals, kill -9 and memory cases as scripts. Each waits on a condition
// of the child, never on a length of time; the bounds below only end a
// stuck run.
//
//	start NAME [-stdin FILE] [-open] PROG ARGS...
//	    start PROG in the background; its standard input is FILE (written
//	    through a pipe), left open after FILE with -open (the run then waits
//	    for more), or empty.
//	fed NAME         NAME has read all of FILE but the pipe's last 64 KiB.
//	close NAME       close NAME's standard input (once FILE is written).
//	waitfile GLOB    wait until a file matches GLOB.
//	cpuwait NAME D   wait until NAME has used D of CPU time.
//	signal NAME SIG  send SIG (INT, TERM, KILL…) to NAME.
//	waitexit NAME STATUS [D]
//	    wait (at most D, 60s by default) for NAME to end with STATUS: an
//	    exit code, or the name of the signal that killed it; its output
//	    becomes stdout and stderr.
//	vmhwm NAME MIB   NAME's peak resident memory so far is at most MIB MiB.
//	bounded [-within D] MIB CODE PROG ARGS...
//	    run PROG to its end (within D, 60s by default): it exits CODE, and
//	    its peak resident memory, read when it first writes on its standard
//	    error (a pipe kept full until then: its end, for a command that
//	    speaks there only at its end), is at most MIB MiB; its output
//	    becomes stdout and stderr.
//
// PROG csv2activity is the binary under test; the child's environment is
// the test's with the script's PATH, TMPDIR, HOME and MICS_* variables.
func init() {
	scriptCmds["start"] = cmdStart
	scriptCmds["fed"] = procCmd("fed NAME", 0, (*scriptProc).waitFed)
	scriptCmds["close"] = procCmd("close NAME", 0, (*scriptProc).closeStdin)
	scriptCmds["cpuwait"] = procCmd("cpuwait NAME D", 1, (*scriptProc).cpuWait)
	scriptCmds["signal"] = procCmd("signal NAME SIG", 1, (*scriptProc).signal)
	scriptCmds["vmhwm"] = procCmd("vmhwm NAME MIB", 1, (*scriptProc).vmhwm)
	scriptCmds["waitexit"] = cmdWaitExit
	scriptCmds["waitfile"] = cmdWaitFile
	scriptCmds["bounded"] = cmdBounded
}

// stuck bounds every wait of these commands: a child that has not got there
// by then is stuck, not slow.
const stuck = 2 * time.Minute

// procsKey keys a script's running children (by NAME) among its values.
type procsKey struct{}

// scriptProc is a child started by "start".
type scriptProc struct {
	cmd            *exec.Cmd
	stdout, stderr strings.Builder
	stdin          io.WriteCloser // nil without -stdin
	fed            chan error     // the writing of -stdin FILE: its result
	done           chan error     // cmd.Wait's result
}

// childCommand makes the command for PROG ARGS in the script's folder.
func childCommand(ts *testscript.TestScript, prog string, args []string) *exec.Cmd {
	path := binary
	if prog != "csv2activity" {
		var err error
		path, err = exec.LookPath(prog)
		ts.Check(err)
	}
	cmd := exec.Command(path, args...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = os.Environ()
	for _, name := range []string{"PATH", "TMPDIR", "HOME", "MICS_API_TOKEN", "MICS_API_URL", "MICS_DATAMART_ID"} {
		cmd.Env = append(cmd.Env, name+"="+ts.Getenv(name))
	}
	return cmd
}

func cmdStart(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: start NAME [-stdin FILE] [-open] PROG ARGS...")
	}
	procs := ts.Value(procsKey{}).(map[string]*scriptProc)
	name, args := args[0], args[1:]
	if procs[name] != nil {
		ts.Fatalf("start: %s is already started", name)
	}
	var input string
	open := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch {
		case args[0] == "-stdin" && len(args) > 1:
			input, args = args[1], args[2:]
		case args[0] == "-open":
			open, args = true, args[1:]
		default:
			ts.Fatalf("start: unknown option %s", args[0])
		}
	}
	if len(args) == 0 {
		ts.Fatalf("start: no PROG")
	}
	p := &scriptProc{cmd: childCommand(ts, args[0], args[1:]), done: make(chan error, 1)}
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if input != "" {
		f, err := os.Open(ts.MkAbs(input))
		ts.Check(err)
		stdin, err := p.cmd.StdinPipe()
		ts.Check(err)
		p.stdin, p.fed = stdin, make(chan error, 1)
		go func() {
			_, err := io.Copy(stdin, f)
			f.Close()
			if !open {
				stdin.Close()
			}
			p.fed <- err
		}()
	}
	ts.Check(p.cmd.Start())
	go func() { p.done <- p.cmd.Wait() }()
	procs[name] = p
	ts.Defer(func() {
		if procs[name] == p { // not waited for: the script failed
			p.cmd.Process.Kill()
			<-p.done
		}
	})
}

// procCmd makes a command "USAGE" taking NAME and n more arguments, run on
// the child NAME.
func procCmd(usage string, n int, run func(p *scriptProc, ts *testscript.TestScript, args []string)) func(*testscript.TestScript, bool, []string) {
	return func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1+n {
			ts.Fatalf("usage: %s", usage)
		}
		p := ts.Value(procsKey{}).(map[string]*scriptProc)[args[0]]
		if p == nil {
			ts.Fatalf("%s: no child named %s is running", usage, args[0])
		}
		run(p, ts, args[1:])
	}
}

func (p *scriptProc) waitFed(ts *testscript.TestScript, _ []string) {
	if p.fed == nil {
		ts.Fatalf("fed: the child has no -stdin")
	}
	select {
	case err := <-p.fed:
		p.fed <- err // for close
		ts.Check(err)
	case <-time.After(stuck):
		ts.Fatalf("fed: the child has not read its input after %v", stuck)
	}
}

func (p *scriptProc) closeStdin(ts *testscript.TestScript, _ []string) {
	p.waitFed(ts, nil)
	p.stdin.Close()
}

func (p *scriptProc) cpuWait(ts *testscript.TestScript, args []string) {
	want, err := time.ParseDuration(args[0])
	ts.Check(err)
	for deadline := time.Now().Add(stuck); cpuTime(p.cmd.Process.Pid) < want; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			ts.Fatalf("cpuwait: %v of CPU time not used after %v", want, stuck)
		}
	}
}

func (p *scriptProc) signal(ts *testscript.TestScript, args []string) {
	ts.Check(p.cmd.Process.Signal(signalNamed(ts, args[0])))
}

func (p *scriptProc) vmhwm(ts *testscript.TestScript, args []string) {
	limit, err := strconv.ParseInt(args[0], 10, 64)
	ts.Check(err)
	kb := statusField(p.cmd.Process.Pid, "VmHWM:")
	if kb == 0 {
		ts.Fatalf("vmhwm: no VmHWM in /proc/%d/status: the child has ended", p.cmd.Process.Pid)
	}
	ts.Logf("peak resident memory %d MiB", kb>>10)
	if kb>>10 > limit {
		ts.Fatalf("peak resident memory %d MiB, more than %d MiB", kb>>10, limit)
	}
}

// signals are the signals scripts name, by their short names.
var signals = map[string]syscall.Signal{"INT": syscall.SIGINT, "TERM": syscall.SIGTERM, "KILL": syscall.SIGKILL,
	"ABRT": syscall.SIGABRT, "HUP": syscall.SIGHUP, "QUIT": syscall.SIGQUIT}

// signalNamed is the signal INT, TERM, KILL, ABRT, HUP or QUIT.
func signalNamed(ts *testscript.TestScript, name string) syscall.Signal {
	s, ok := signals[strings.TrimPrefix(name, "SIG")]
	if !ok {
		ts.Fatalf("unknown signal %s", name)
	}
	return s
}

// sigName is a signal's short name (INT, TERM, KILL…), or its description.
func sigName(s syscall.Signal) string {
	for name, sig := range signals {
		if sig == s {
			return name
		}
	}
	return s.String()
}

func cmdWaitExit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: waitexit NAME STATUS [D]")
	}
	procs := ts.Value(procsKey{}).(map[string]*scriptProc)
	p := procs[args[0]]
	if p == nil {
		ts.Fatalf("waitexit: no child named %s is running", args[0])
	}
	limit := time.Minute
	if len(args) == 3 {
		var err error
		limit, err = time.ParseDuration(args[2])
		ts.Check(err)
	}
	select {
	case <-p.done:
	case <-time.After(limit):
		p.cmd.Process.Kill()
		<-p.done
		ts.Fatalf("waitexit: %s still running after %v", args[0], limit)
	}
	delete(procs, args[0])
	if p.stdin != nil {
		p.stdin.Close()
	}
	fmt.Fprint(ts.Stdout(), p.stdout.String())
	fmt.Fprint(ts.Stderr(), p.stderr.String())
	checkStatus(ts, args[0], p.cmd.ProcessState, args[1])
}

// checkStatus checks that a child ended with want: an exit code, or the
// name of the signal that killed it.
func checkStatus(ts *testscript.TestScript, name string, st *os.ProcessState, want string) {
	ws := st.Sys().(syscall.WaitStatus)
	got := strconv.Itoa(st.ExitCode())
	if ws.Signaled() {
		got = sigName(ws.Signal())
	}
	if got != want {
		ts.Fatalf("%s ended with %s, want %s", name, got, want)
	}
}

func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfile GLOB")
	}
	for deadline := time.Now().Add(stuck); ; time.Sleep(10 * time.Millisecond) {
		m, err := filepath.Glob(ts.MkAbs(args[0]))
		ts.Check(err)
		if len(m) > 0 {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitfile: nothing matches %s after %v", args[0], stuck)
		}
	}
}

func cmdBounded(ts *testscript.TestScript, neg bool, args []string) {
	within := time.Minute
	if len(args) > 1 && args[0] == "-within" {
		d, err := time.ParseDuration(args[1])
		ts.Check(err)
		within, args = d, args[2:]
	}
	if neg || len(args) < 3 {
		ts.Fatalf("usage: bounded [-within D] MIB CODE PROG ARGS...")
	}
	limit, err := strconv.ParseInt(args[0], 10, 64)
	ts.Check(err)
	cmd := childCommand(ts, args[2], args[3:])
	// Its standard output goes to a file, not a pipe: a write there that
	// waited for the reader would be taken for its first on standard error,
	// and its peak read before its end.
	stdout, err := os.CreateTemp(ts.MkAbs("."), ".bounded-stdout-")
	ts.Check(err)
	defer os.Remove(stdout.Name())
	defer stdout.Close()
	cmd.Stdout = stdout
	r, w, err := os.Pipe()
	ts.Check(err)
	defer r.Close()
	filled, err := fillPipe(w)
	ts.Check(err)
	cmd.Stderr = w
	err = cmd.Start()
	w.Close()
	ts.Check(err)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	start := time.Now()
	kb, err := peakAtFirstWrite(cmd.Process.Pid, done, within)
	if err != nil {
		cmd.Process.Kill()
		<-done
		ts.Fatalf("bounded: %v", err)
	}
	stderr, _ := io.ReadAll(r) // unblocks the child; ends when it exits
	<-done
	took := time.Since(start)
	out, err := os.ReadFile(stdout.Name())
	ts.Check(err)
	fmt.Fprint(ts.Stdout(), string(out))
	fmt.Fprint(ts.Stderr(), string(stderr[filled:]))
	ts.Logf("peak resident memory %d MiB, %v", kb>>10, took.Round(time.Millisecond))
	checkStatus(ts, args[2], cmd.ProcessState, args[1])
	if took > within {
		ts.Fatalf("took %v, more than %v", took, within)
	}
	if kb>>10 > limit {
		ts.Fatalf("peak resident memory %d MiB, more than %d MiB", kb>>10, limit)
	}
}

// peakAtFirstWrite waits until a thread of process pid is blocked writing
// on a pipe (its standard error, kept full) and returns its VmHWM then, in
// KiB. It fails if the process ends first, or has not got there within.
func peakAtFirstWrite(pid int, done <-chan error, within time.Duration) (int64, error) {
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			return 0, fmt.Errorf("the child ended (%v) without writing on its standard error: its peak could not be read at its end", err)
		default:
		}
		if blockedOnPipe(pid) {
			if kb := statusField(pid, "VmHWM:"); kb > 0 {
				return kb, nil
			}
		}
	}
	return 0, errors.New("the child has not written on its standard error after " + within.String())
}

// blockedOnPipe reports whether a thread of process pid waits to write on a
// full pipe (/proc/PID/task/*/wchan).
func blockedOnPipe(pid int) bool {
	dir := fmt.Sprintf("/proc/%d/task", pid)
	tasks, _ := os.ReadDir(dir) // polled every 20 ms: filepath.Glob would also Lstat each task's wchan
	for _, t := range tasks {
		if b, _ := os.ReadFile(dir + "/" + t.Name() + "/wchan"); strings.HasSuffix(string(b), "pipe_write") {
			return true
		}
	}
	return false
}

// fillPipe writes into the pipe w until it is full, and returns how many
// bytes it took; w is left blocking.
func fillPipe(w *os.File) (int, error) {
	fd := int(w.Fd())
	if err := syscall.SetNonblock(fd, true); err != nil {
		return 0, fmt.Errorf("fill pipe: %w", err)
	}
	n := 0
	for _, size := range []int{4096, 1} {
		chunk := []byte(strings.Repeat("#", size))
		for {
			k, err := syscall.Write(fd, chunk)
			if err == syscall.EAGAIN {
				break
			}
			if err != nil {
				return n, fmt.Errorf("fill pipe: %w", err)
			}
			n += k
		}
	}
	if err := syscall.SetNonblock(fd, false); err != nil {
		return n, fmt.Errorf("fill pipe: %w", err)
	}
	return n, nil
}
