// Package sandbox is a local emulator of the mediarithmics bulk import API
// (document imports and their executions), for rehearsing uploads and testing
// them without an account. New returns an http.Handler to mount on any server
// (httptest.NewServer in tests); Serve listens and serves until its context
// ends (the sandbox command).
//
// Every accepted execution body is stored, written atomically, at
// DIR/<datamart>/<import id>/<execution id>.ndjson, and each of its lines is
// checked with the rules of the import's document type (activity.ValidateLine
// for USER_ACTIVITY, package document's for the others; GET …/document_imports
// lists the imports with their type) to fill the execution's total_success and
// total_failure (failed lines go to <execution id>.errors.jsonl beside it).
// Faults are injected on demand: a share of 5xx answers (FailRate), 429 past a
// request rate (RateLimit), slow answers (Latency). A 5xx is never sent for a
// stored body: an execution the sandbox answered with an error does not exist.
//
// Executions live as on the platform (execution.go): PENDING or
// WAITING_DEPENDENT_JOB, RUNNING, SUCCEEDED, or a forced sequence
// (Statuses); a share of valid lines may be refused on the platform side
// (RejectRate), listed in the error file served at /v1/data_file/data?uri=…;
// every error answer carries an error_id; NoSingleGet removes GET
// …/executions/{id}, which the platform's public documentation does not show.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxExecutionSize is the API's limit on one execution's body (100 MB); a
// larger body is answered 413.
const MaxExecutionSize = 100_000_000

// DefaultStep is how long an execution stays PENDING, then RUNNING, before it
// is SUCCEEDED.
const DefaultStep = 200 * time.Millisecond

// Options configures a sandbox. Only Dir is required; the zero value of every
// other field means no fault and the defaults.
type Options struct {
	// Dir holds the stored executions. Imports already under it are served
	// again, so a restarted sandbox keeps what it had received.
	Dir string
	// Token is the Authorization header every request must carry (the raw
	// token, as the API wants it); "" accepts any non-empty header.
	Token string
	// FailRate is the share of requests, from 0 to 1, answered with a 5xx:
	// half of them 503 before the body is read, half 500 after the body is
	// read and dropped.
	FailRate float64
	// RateLimit answers 429 with a Retry-After header to the requests past N
	// in one clock second (or RateWindow); 0 means no limit.
	RateLimit int
	// RateWindow is the span RateLimit counts requests in, and the
	// Retry-After of its 429s (in seconds, with a fraction when it is not
	// whole: 0.2); 0 means a second, as the platform counts.
	RateWindow time.Duration
	// Latency delays every answer by this much; the work (storing an
	// execution) is done before the delay.
	Latency time.Duration
	// Step is how long an execution stays PENDING, then RUNNING; 0 means
	// DefaultStep.
	Step time.Duration
	// MaxBody is the largest execution body accepted; 0 means
	// MaxExecutionSize.
	MaxBody int64
	// RejectRate is the share of valid lines, from 0 to 1, the platform
	// side refuses: the execution still ends SUCCEEDED, with these lines
	// in total_failure and in its error file (served at
	// /v1/data_file/data?uri=…). The lines refused depend on Seed.
	RejectRate float64
	// Statuses, when set, is the sequence of statuses every execution goes
	// through, one Step each, the last one for good: a test hook (see
	// execution.go). Empty means the platform's usual sequence.
	Statuses []string
	// NoSingleGet answers GET …/executions/{id} with 404, as an API
	// without that endpoint would: clients must list the executions.
	NoSingleGet bool
	// Now, when set, is the clock that ages executions: a test hook that
	// holds an execution in a status until the test moves the clock on.
	// nil means time.Now.
	Now func() time.Time
	// Seed makes the injected faults repeatable; 0 draws a random seed.
	Seed uint64
	// Log receives one line per request: method, path, status and time. The
	// Authorization header is never logged. nil logs nothing.
	Log io.Writer
}

// Server is the emulated API. It is safe for concurrent use.
type Server struct {
	opts   Options
	mux    *http.ServeMux
	store  *store
	faults *faults
	logMu  sync.Mutex

	// open is held for reading by every request and for writing by Close,
	// which so waits for the requests in progress.
	open   sync.RWMutex
	closed bool

	mu      sync.Mutex // guards imports and nextID
	imports map[string]*docImport
	nextID  int64
}

// New returns a sandbox serving the documents under opts.Dir (created if
// missing). It fails if Dir is empty or cannot be read.
func New(opts Options) (*Server, error) {
	if opts.Dir == "" {
		return nil, errors.New("sandbox: no directory to store executions in")
	}
	if opts.Step <= 0 {
		opts.Step = DefaultStep
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = MaxExecutionSize
	}
	if opts.FailRate < 0 || opts.FailRate > 1 {
		return nil, fmt.Errorf("sandbox: fail rate %v is not between 0 and 1", opts.FailRate)
	}
	if opts.RejectRate < 0 || opts.RejectRate > 1 {
		return nil, fmt.Errorf("sandbox: reject rate %v is not between 0 and 1", opts.RejectRate)
	}
	if err := CheckStatuses(opts.Statuses); err != nil {
		return nil, err
	}
	st, err := openStore(opts.Dir)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, store: st, faults: newFaults(opts), imports: map[string]*docImport{}}
	if s.nextID, err = st.load(s.imports); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	const imports = "/v1/datamarts/{datamart}/document_imports"
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST "+imports, s.createImport)
	s.mux.HandleFunc("GET "+imports, s.listImports)
	s.mux.HandleFunc("GET "+imports+"/{import}", s.getImport)
	s.mux.HandleFunc("POST "+imports+"/{import}/executions", s.createExecution)
	s.mux.HandleFunc("GET "+imports+"/{import}/executions", s.listExecutions)
	if !s.opts.NoSingleGet {
		s.mux.HandleFunc("GET "+imports+"/{import}/executions/{execution}", s.getExecution)
	}
	s.mux.HandleFunc("GET /v1/data_file/data", s.dataFile)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
}

// ServeHTTP answers one request: the token is checked (401), then the rate
// limit (429), then a fault may be injected (5xx), then the endpoint runs.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.open.RLock()
	defer s.open.RUnlock()
	start := time.Now()
	rec := &recorder{ResponseWriter: w, delay: s.opts.Latency, ctx: r.Context()}
	defer func() {
		s.logf("%s %s %d %s", r.Method, r.URL.Path, rec.code(), time.Since(start).Round(time.Millisecond))
	}()
	if s.closed {
		writeError(rec, http.StatusServiceUnavailable, "sandbox: shutting down")
		return
	}
	if !s.authorized(r) {
		writeError(rec, http.StatusUnauthorized, "authentication failed: missing or invalid Authorization header")
		return
	}
	if after, limited := s.faults.throttle(); limited {
		rec.Header().Set("Retry-After", after)
		writeError(rec, http.StatusTooManyRequests, fmt.Sprintf("rate limit of %d requests %s exceeded", s.opts.RateLimit, s.faults.per()))
		return
	}
	switch s.faults.draw() {
	case faultBeforeBody:
		writeError(rec, http.StatusServiceUnavailable, "sandbox: injected fault before reading the body")
		return
	case faultAfterBody:
		io.Copy(io.Discard, http.MaxBytesReader(rec, r.Body, s.opts.MaxBody))
		writeError(rec, http.StatusInternalServerError, "sandbox: injected fault after reading the body (nothing stored)")
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// authorized reports whether the request carries the expected token.
func (s *Server) authorized(r *http.Request) bool {
	got := r.Header.Get("Authorization")
	if s.opts.Token == "" {
		return got != ""
	}
	return got == s.opts.Token
}

// Close refuses new requests (503) and waits for those in progress to end,
// so that everything accepted is on disk when it returns. It is safe to call
// more than once.
func (s *Server) Close() error {
	s.open.Lock()
	s.closed = true
	s.open.Unlock()
	return nil
}

// Dir returns the absolute directory the executions are stored under.
func (s *Server) Dir() string { return s.store.dir }

// loopbackAddr is where a client on this machine reaches a listener: its
// own address, or 127.0.0.1 when it listens on every address (0.0.0.0 or
// ::, which Go listens on for IPv4 too), which is no address a client can
// use, nor one upload accepts over plain http.
func loopbackAddr(a *net.TCPAddr) string {
	ip := a.IP
	if ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(a.Port))
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.opts.Log, "sandbox: "+format+"\n", args...)
}

// Serve listens on addr (host:port; port 0 picks a free one; fd:N serves a
// listening socket inherited as file descriptor N), prints where it
// listens and where it stores to out, and serves until ctx is done; then it
// stops accepting, lets the requests in progress finish (up to 5 s) and
// returns nil.
func Serve(ctx context.Context, opts Options, addr string, out io.Writer) error {
	s, err := New(opts)
	if err != nil {
		return err
	}
	ln, err := listen(addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen on %s: %w", addr, err)
	}
	url := "http://" + loopbackAddr(ln.Addr().(*net.TCPAddr))
	fmt.Fprintf(out, "sandbox: listening on %s\n", url)
	fmt.Fprintf(out, "sandbox: storing executions under %s\n", filepath.Join(s.Dir(), "<datamart>", "<import id>"))
	fmt.Fprintf(out, "sandbox: try MICS_API_URL=%s csv2activity upload --datamart 1 FILE.ndjson\n", url)
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		s.Close()
		return fmt.Errorf("sandbox: serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(shut)
	<-errc
	s.Close()
	fmt.Fprintln(out, "sandbox: stopped")
	return nil
}

// listen listens on a host:port, or takes over "fd:N", a listening TCP
// socket inherited as file descriptor N, as socket activation hands one to a
// server: whoever made it keeps the port from the start, so that nobody else
// can take it between its choice and the server's start.
func listen(addr string) (net.Listener, error) {
	n, ok := strings.CutPrefix(addr, "fd:")
	if !ok {
		return net.Listen("tcp", addr)
	}
	fd, err := strconv.Atoi(n)
	if err != nil || fd < 3 {
		return nil, fmt.Errorf("fd:N needs an inherited descriptor number of 3 or more")
	}
	f := os.NewFile(uintptr(fd), "listener")
	defer f.Close()
	ln, err := net.FileListener(f)
	if err != nil {
		return nil, err
	}
	if _, ok := ln.Addr().(*net.TCPAddr); !ok {
		ln.Close()
		return nil, fmt.Errorf("descriptor %d is not a TCP socket", fd)
	}
	return ln, nil
}
