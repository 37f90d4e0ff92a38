package cli

import (
	"context"
	"errors"
	"runtime/debug"
	"syscall"

	"csv2activity/mapping"
	"csv2activity/output"
	"csv2activity/upload"
)

// Exit codes (README, "Exit codes").
const (
	exitOK       = 0
	exitFailed   = 1 // I/O error, upload refused, more rejected rows than --max-errors
	exitUsage    = 2 // usage or mapping error, found before any row was read
	exitRejected = 3 // finished, but some rows were rejected
)

// failure is an error from a command's work (not from parsing the command
// line, which urfave/cli reports and which exits 2).
type failure struct{ err error }

func (f failure) Error() string { return f.err.Error() }
func (f failure) Unwrap() error { return f.err }

// errRejected ends a complete run in which some rows were rejected.
var errRejected = errors.New("some rows were rejected")

// usageError is a command line that makes no sense, found by an action.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// fail marks err as coming from a command's work.
func fail(err error) error {
	if err == nil {
		return nil
	}
	return failure{err}
}

// exitCode decides the exit code of every command, in one place.
func exitCode(err error) int {
	var f failure
	var u usageError
	var o *output.OutputError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errRejected):
		return exitRejected
	case errors.As(err, &u), errors.As(err, &o), mapping.IsMappingError(err), upload.IsUsage(err):
		return exitUsage
	case errors.Is(err, context.Canceled):
		return exitFailed
	case errors.As(err, &f):
		return exitFailed
	}
	return exitUsage // urfave/cli: unknown flag, missing argument…
}

// crashOnFatal makes a fatal error of the Go runtime (out of memory, a
// broken invariant) or an unrecovered panic end the process with SIGABRT,
// as GOTRACEBACK=crash does, instead of the runtime's exit status 2, which
// is this program's code for a usage or mapping error: a script must never
// read a crash as "fix your mapping". Core dumps are turned off: a core
// would hold the rows being converted.
func crashOnFatal() {
	debug.SetTraceback("crash")
	syscall.Setrlimit(syscall.RLIMIT_CORE, &syscall.Rlimit{})
}
