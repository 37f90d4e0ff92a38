package upload

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"csv2activity/sandbox"
)

// The tests run the client against the sandbox over real HTTP on loopback.

const testToken = "upload-test-token-5f1c"

// testAPI is a sandbox behind an httptest server, with counts of the
// requests and an optional hook that may answer a request itself.
type testAPI struct {
	sb       *sandbox.Server
	srv      *httptest.Server
	dir      string
	requests atomic.Int64
	posts    atomic.Int64 // execution POSTs that reached the hook or the sandbox

	mu   sync.Mutex
	hook func(n int64, w http.ResponseWriter, r *http.Request) bool // n: the execution POST's number
}

func newTestAPI(t *testing.T, opts sandbox.Options) *testAPI {
	t.Helper()
	opts.Dir = t.TempDir()
	if opts.Token == "" {
		opts.Token = testToken
	}
	if opts.Step == 0 {
		opts.Step = 5 * time.Millisecond
	}
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	a := &testAPI{sb: sb, dir: opts.Dir}
	a.srv = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(func() { a.srv.Close(); sb.Close() })
	return a
}

func (a *testAPI) serve(w http.ResponseWriter, r *http.Request) {
	a.requests.Add(1)
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/executions") {
		n := a.posts.Add(1)
		a.mu.Lock()
		hook := a.hook
		a.mu.Unlock()
		if hook != nil && hook(n, w, r) {
			return
		}
	}
	a.sb.ServeHTTP(w, r)
}

func (a *testAPI) setHook(h func(n int64, w http.ResponseWriter, r *http.Request) bool) {
	a.mu.Lock()
	a.hook = h
	a.mu.Unlock()
}

// printed collects what an upload prints.
type printed struct{ stdout, stderr bytes.Buffer }

// options returns the Options of a test upload of inputs to a: small
// chunks, short waits, the state in a temporary folder.
func (a *testAPI) options(t *testing.T, out *printed, inputs ...string) Options {
	return Options{
		Inputs:       inputs,
		APIURL:       a.srv.URL,
		Token:        testToken,
		Datamart:     "7",
		ChunkSize:    4096,
		StatePath:    filepath.Join(t.TempDir(), "state.json"),
		RetryWait:    time.Millisecond,
		Settle:       50 * time.Millisecond,
		PollInterval: 5 * time.Millisecond,
		Stdout:       &out.stdout,
		Stderr:       &out.stderr,
	}
}

// activityLine returns a valid activity of varied length.
func activityLine(i int, rng *rand.Rand) string {
	pad := strings.Repeat("x", rng.IntN(600))
	return fmt.Sprintf(`{"$type":"TOUCH","$session_status":"NO_SESSION","$ts":1700000000000,"$user_account_id":"u%d","$compartment_id":"1","note":"%s","$events":[{"$event_name":"$transaction_confirmed","$ts":1700000000000,"$properties":{"$currency":"EUR","$items":[{"$id":"SKU-%d","$qty":1,"$price":9.9}]}}]}`, i, pad, i)
}

// writeActivities writes n activity lines to dir/name and returns the path
// and the lines.
func writeActivities(t *testing.T, dir, name string, n int, seed uint64) (string, []string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	lines := make([]string, n)
	for i := range lines {
		lines[i] = activityLine(int(seed)*100000+i, rng)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, lines
}

// storedLines returns every line of every execution body stored under dir,
// sorted.
func storedLines(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*", "*", "*.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")...)
	}
	slices.Sort(lines)
	return lines
}

// assertStoredOnce checks that the sandbox holds every wanted line exactly
// once, and nothing else.
func assertStoredOnce(t *testing.T, dir string, want []string) {
	t.Helper()
	got := storedLines(t, dir)
	want = slices.Sorted(slices.Values(want))
	if slices.Equal(got, want) {
		return
	}
	count := map[string]int{}
	for _, l := range got {
		count[l]++
	}
	missing, twice := 0, 0
	for _, l := range want {
		switch count[l] {
		case 0:
			missing++
		case 1:
		default:
			twice++
		}
	}
	t.Fatalf("stored %d lines, want %d: %d missing, %d stored more than once", len(got), len(want), missing, twice)
}

// assertNoToken checks that the token appears in none of the texts.
func assertNoToken(t *testing.T, texts map[string]string) {
	t.Helper()
	for name, text := range texts {
		if strings.Contains(text, testToken) {
			t.Errorf("the token appears in %s", name)
		}
	}
}

// dropConnection answers a request by closing its connection, as a network
// failure would.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	conn.Close()
}

// stopClient cancels the client's run while its request is held, as a
// Ctrl-C or a kill would, and waits for the client to go (the server sees
// the connection close once the body has been read).
func stopClient(cancel context.CancelFunc, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	cancel()
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}
