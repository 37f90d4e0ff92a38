// Package upload sends activity ndjson to the mediarithmics bulk import API
// exactly once: it checks every line with package activity, cuts the stream
// into chunks of whole lines (one execution each), retries what the network
// or the API drops, and keeps a state file from which a stopped or killed run
// resumes, sending only what is missing.
//
// Upload sends ndjson files; Stream sends what a producer writes, chunk by
// chunk as they fill (csv2activity import). Both take Options, whose zero
// value works once Inputs, Datamart and Token are set.
//
// Errors: a *LineError (a line that breaks the activity rules) and a
// *UsageError (options, inputs or a state file that cannot work) come before
// anything is sent, and IsUsage reports both; an *APIError is an answer of
// the API (with the platform's error_id), a *NetError a request that got
// none, a *RedirectError a redirect refused because it leaves the API's
// origin; ErrExecutionFailed reports, after --wait, an execution that
// finished badly, and ErrWaitTimeout executions still not finished after
// WaitTimeout.
//
// Status shows where a document import's executions stand (the status
// command). With Wait, both bring each execution's error file home beside
// the state file and trace the refused lines back to the lines sent and,
// for Stream, to the rows of the export (OriginsWriter).
package upload

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"csv2activity/document"
	"csv2activity/internal/bytesize"
)

// Summary counts what an upload did.
type Summary struct {
	ImportID string
	Chunks   int   // chunks of the input
	Bytes    int64 // their bytes
	Lines    int   // their lines
	// Sent were sent by this run and answered; Recovered were found among
	// the import's executions after an unclear failure or a killed run;
	// Skipped were recorded as sent by an earlier run.
	Sent, Recovered, Skipped int
	// Duplicates counts executions found to hold a chunk a second time.
	Duplicates int
	Retries    int
	// Waited says whether the executions were followed to their end, with
	// the sums of their results.
	Waited                     bool
	TotalSuccess, TotalFailure int
	DryRun                     bool
	Elapsed                    time.Duration
}

func (s *Summary) count(c Chunk) {
	s.Chunks++
	s.Bytes += c.Length
	s.Lines += c.Lines
}

// String is the human summary printed at the end of a run.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d chunks (%s, %d lines)", s.Chunks, bytesize.Format(s.Bytes), s.Lines)
	if s.DryRun {
		b.WriteString(" planned; dry run: nothing sent")
		return b.String()
	}
	if s.ImportID != "" {
		fmt.Fprintf(&b, " in document import %s", s.ImportID)
	}
	fmt.Fprintf(&b, ": %d sent now, %d found already received, %d sent by an earlier run; %d retries", s.Sent, s.Recovered, s.Skipped, s.Retries)
	if s.Duplicates > 0 {
		fmt.Fprintf(&b, "; %d duplicate executions", s.Duplicates)
	}
	if s.Waited {
		fmt.Fprintf(&b, "; total_success=%d total_failure=%d", s.TotalSuccess, s.TotalFailure)
	}
	fmt.Fprintf(&b, "; %s", s.Elapsed.Round(time.Millisecond))
	return b.String()
}

// Upload sends ndjson files: it checks every line of every input and cuts
// them into chunks (a chunk never spans two files) before anything is sent,
// then makes sure each chunk is held by exactly one execution of the
// document import, resuming from the state file when there is one. A file
// given twice, under the same path or another (a symlink, a hard link), is
// sent once (distinct). With DryRun it prints the plan to Stdout and sends
// nothing. On error the state file says what was sent; a rerun with the same
// options resumes.
func Upload(ctx context.Context, o Options) (Summary, error) {
	base, err := o.prepare(false)
	if err != nil {
		return Summary{}, err
	}
	distinct(&o)
	s, err := newSession(&o, base)
	if err != nil {
		return Summary{}, err
	}
	chunks, err := s.plan()
	if err != nil {
		return Summary{}, err
	}
	if o.DryRun {
		return s.dryRun(chunks), nil
	}
	s.prog.start(chunks)
	for _, c := range chunks {
		body, err := readChunk(c)
		if err == nil {
			err = s.deliver(ctx, c, body)
		}
		if err != nil {
			return s.end(err)
		}
	}
	s.prog.finish()
	if o.Wait {
		err = s.waitAll(ctx)
	}
	return s.end(err)
}

// Stream sends what produce writes: the writer cuts it into chunks of whole
// lines and sends each one as soon as it is full (the last one once produce
// returns nil), checking every line first. A rerun over the same state must
// produce the same bytes: the chunks already sent are then matched by
// checksum and skipped. When produce fails, its error is returned and the
// partial last chunk is not sent. With DryRun the chunks are printed, not
// sent.
func Stream(ctx context.Context, o Options, produce func(w io.Writer) error) (Summary, error) {
	base, err := o.prepare(true)
	if err != nil {
		return Summary{}, err
	}
	s, err := newSession(&o, base)
	if err != nil {
		return Summary{}, err
	}
	deliver := func(c Chunk, body []byte) error {
		s.sum.count(c)
		return s.deliver(ctx, c, body)
	}
	if o.DryRun {
		s.planHeader()
		deliver = func(c Chunk, _ []byte) error {
			s.sum.count(c)
			s.planLine(c)
			return nil
		}
	} else {
		s.prog.start(nil)
	}
	w := newChunkWriter(o.ChunkSize, s.st.cutsOf(""), deliver)
	w.cu.rules = o.lineRules()
	err = produce(w)
	if err == nil {
		err = w.Close()
	}
	if err == nil && w.chunks() < len(s.st.Chunks) {
		err = usagef("the output has %d chunks but %s records %d: the input or the mapping has changed; start a new upload with another --state", w.chunks(), o.StatePath, len(s.st.Chunks))
	}
	if o.DryRun {
		s.sum.DryRun = true
		if err == nil {
			fmt.Fprintf(o.Stdout, "total: %s\n", s.sum)
		}
		return s.sum, err
	}
	if err == nil {
		s.prog.finish()
		if o.Wait {
			err = s.waitAll(ctx)
		}
	}
	return s.end(err)
}

// end completes the summary of a run.
func (s *session) end(err error) (Summary, error) {
	s.prog.finish()
	if err == nil && s.sum.Chunks == 0 {
		s.prog.note("nothing to send: the input holds no line")
	}
	s.sum.Elapsed = time.Since(s.started)
	return s.sum, err
}

// distinct drops every input that names a file given before it, under the
// same path or another one (./f, a symlink, a hard link: same device and
// inode), saying so on Stderr: each file is sent once, and the state file
// records it once.
func distinct(o *Options) {
	var kept []string
	var files []os.FileInfo
	for _, in := range o.Inputs {
		fi, err := os.Stat(in)
		if err != nil {
			fi = nil // reading it fails later, with its own error
		}
		if i := slices.IndexFunc(kept, func(k string) bool { return k == in }); i >= 0 {
			fmt.Fprintf(o.Stderr, "upload: %s is given twice: sent once\n", in)
			continue
		}
		if i := slices.IndexFunc(files, func(f os.FileInfo) bool { return f != nil && fi != nil && os.SameFile(f, fi) }); i >= 0 {
			fmt.Fprintf(o.Stderr, "upload: %s is the same file as %s: sent once\n", in, kept[i])
			continue
		}
		kept = append(kept, in)
		files = append(files, fi)
	}
	o.Inputs = kept
}

// plan checks and cuts every input, counts the chunks in the summary, and
// checks that the chunks the state records are still the same.
func (s *session) plan() ([]Chunk, error) {
	var chunks []Chunk
	for _, in := range s.o.Inputs {
		cs, err := planFile(in, len(chunks), s.o.ChunkSize, s.st.cutsOf(in), s.o.lineRules())
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			s.sum.count(c)
		}
		chunks = append(chunks, cs...)
	}
	for i, rec := range s.st.Chunks {
		if i >= len(chunks) {
			return nil, usagef("the inputs have %d chunks but %s records %d: they have changed; start a new upload with another --state", len(chunks), s.o.StatePath, len(s.st.Chunks))
		}
		if err := sameChunk(s.o.StatePath, rec, chunks[i]); err != nil {
			return nil, err
		}
	}
	return chunks, nil
}

// readChunk reads a planned chunk from its file, checking that it has not
// changed since it was planned.
func readChunk(c Chunk) ([]byte, error) {
	f, err := os.Open(c.File)
	if err != nil {
		return nil, fmt.Errorf("read chunk %d: %w", c.Index+1, err)
	}
	defer f.Close()
	body := make([]byte, c.Length)
	if _, err := f.ReadAt(body, c.Offset); err != nil {
		return nil, fmt.Errorf("read chunk %d of %s: %w", c.Index+1, c.File, err)
	}
	if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != c.SHA256 {
		return nil, usagef("%s changed during the upload (chunk %d, bytes %d-%d): rerun to resume once it is stable", c.File, c.Index+1, c.Offset, c.Offset+c.Length)
	}
	return body, nil
}

// dryRun prints the plan of an upload.
func (s *session) dryRun(chunks []Chunk) Summary {
	s.planHeader()
	for _, c := range chunks {
		s.planLine(c)
	}
	s.sum.DryRun = true
	fmt.Fprintf(s.o.Stdout, "total: %s\n", s.sum)
	return s.sum
}

func (s *session) planHeader() {
	imp := fmt.Sprintf("a new document import %q", s.st.Name)
	if s.o.DocumentType != document.UserActivity {
		imp = fmt.Sprintf("a new %s document import %q", s.o.DocumentType, s.st.Name)
	}
	switch {
	case s.st.ImportID != "":
		imp = "document import " + s.st.ImportID
	case s.o.ImportID != "":
		imp = "document import " + s.o.ImportID
	}
	fmt.Fprintf(s.o.Stdout, "plan: %s in datamart %s at %s (state %s)\n", imp, s.st.Datamart, s.st.APIURL, s.o.StatePath)
}

// planLine prints one chunk of the plan, and what the state says of it.
func (s *session) planLine(c Chunk) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "chunk %d: %s (%d lines), bytes %d-%d (%s), sha256 %s…",
		c.Index+1, c.where(), c.Lines, c.Offset, c.Offset+c.Length, bytesize.Format(c.Length), c.SHA256[:12])
	if c.Index < len(s.st.Chunks) {
		rec := s.st.Chunks[c.Index]
		switch {
		case rec.SHA256 != c.SHA256:
			b.WriteString(": differs from the state's chunk")
		case rec.Status == StatusSent:
			b.WriteString(": already sent as execution " + rec.ExecutionID)
		default:
			b.WriteString(": in flight when the last run stopped (to reconcile)")
		}
	}
	fmt.Fprintln(s.o.Stdout, b.String())
}

// where names a chunk's lines: "orders.ndjson lines 1-31", "output line 7".
func (c Chunk) where() string {
	file := c.File
	if file == "" {
		file = "output"
	}
	if c.Lines == 1 {
		return fmt.Sprintf("%s line %d", file, c.FirstLine)
	}
	return fmt.Sprintf("%s lines %d-%d", file, c.FirstLine, c.FirstLine+c.Lines-1)
}

// ErrExecutionFailed is wrapped by the error of a waited upload in which an
// execution finished badly: FAILED, EXECUTOR_NOT_RESPONDING, LOST or
// CANCELED (status.go).
var ErrExecutionFailed = errors.New("execution did not succeed")

// LineError is a line that breaks the activity rules. Line is 1-based.
type LineError struct {
	File string
	Line int
	Err  error
}

// Error returns FILE:LINE: reason.
func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

func (e *LineError) Unwrap() error { return e.Err }

// UsageError is an option, an input or a state file that makes the upload
// impossible, found before anything is sent. It unwraps to its cause.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }

func (e *UsageError) Unwrap() error { return e.Err }

// usagef returns a *UsageError; %w in format wraps a cause.
func usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// IsUsage reports whether err is a *UsageError or a *LineError: a problem of
// the command line or of its inputs, found before anything was sent.
func IsUsage(err error) bool {
	var u *UsageError
	var l *LineError
	return errors.As(err, &u) || errors.As(err, &l)
}

// APIError is an answer of the API other than a success. Message is the
// API's own error message, with the token blanked out should it appear.
type APIError struct {
	Method, Path string
	Code         int
	Message      string
	// ErrorID is the API's error_id, what its support asks for ("" if none).
	ErrorID string
	// RetryAfter is the wait the API asked for (Retry-After), 0 if none.
	RetryAfter time.Duration
}

// Error names the request, the status with its cause in words, and the
// API's message: "POST /v1/…/executions: 401 Unauthorized: check
// MICS_API_TOKEN (or --token-file) (the API says: …)".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.Path, e.Code, http.StatusText(e.Code))
	if h := hint(e.Code); h != "" {
		b.WriteString(": " + h)
	}
	if e.Message != "" {
		b.WriteString(" (the API says: " + e.Message + ")")
	}
	if e.ErrorID != "" {
		b.WriteString(" (error_id " + e.ErrorID + ": give it to support)")
	}
	return b.String()
}

// hint says in words what a status means for the user.
func hint(code int) string {
	switch code {
	case http.StatusUnauthorized:
		return "check MICS_API_TOKEN (or --token-file)"
	case http.StatusForbidden:
		return "the token may not import into this datamart: check --datamart and the token's rights"
	case http.StatusNotFound:
		return "check --datamart, --import-id and --api-url"
	case http.StatusRequestEntityTooLarge:
		return "the chunk is larger than the API accepts: lower --chunk-size"
	case http.StatusTooManyRequests:
		return "rate limited"
	}
	if code >= 500 {
		return "the API failed"
	}
	return ""
}

// NetError is a request that got no complete answer: the connection could
// not be made or dropped, or the answer could not be read. Whether the API
// acted on the request is unknown.
type NetError struct {
	Method, Path string
	Err          error
}

func (e *NetError) Error() string {
	return fmt.Sprintf("%s %s: no answer: %v", e.Method, e.Path, e.Err)
}

func (e *NetError) Unwrap() error { return e.Err }
