package upload

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"csv2activity/sandbox"
)

func TestUploadStoresEveryLineOnceDespiteFaults(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{FailRate: 0.3, RateLimit: 200, Seed: 7})
	dir := t.TempDir()
	first, lines1 := writeActivities(t, dir, "a.ndjson", 150, 1)
	second, lines2 := writeActivities(t, dir, "b.ndjson", 60, 2)
	var out printed
	opts := a.options(t, &out, first, second)
	opts.MaxRetries = 20
	sum, err := Upload(context.Background(), opts)
	if err != nil {
		t.Fatalf("Upload: %v\n%s", err, out.stderr.String())
	}
	assertStoredOnce(t, a.dir, append(lines1, lines2...))
	if sum.Lines != 210 || sum.Sent+sum.Recovered != sum.Chunks || sum.Chunks < 20 {
		t.Errorf("summary %+v: want 210 lines in 20+ chunks, all sent", sum)
	}
	if sum.Retries == 0 || !strings.Contains(out.stderr.String(), "retry 1/20") {
		t.Errorf("got %d retries, want some with a 30%% fail rate, each one reported", sum.Retries)
	}
	state, _ := os.ReadFile(opts.StatePath)
	assertNoToken(t, map[string]string{"stdout": out.stdout.String(), "stderr": out.stderr.String(), "state": string(state)})
}

func TestChunksNeverSpanFilesAndRespectTheSize(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{})
	dir := t.TempDir()
	first, _ := writeActivities(t, dir, "a.ndjson", 40, 3)
	second, _ := writeActivities(t, dir, "b.ndjson", 40, 4)
	var out printed
	opts := a.options(t, &out, first, second)
	if _, err := Upload(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	st, err := loadState(opts.StatePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range st.Chunks {
		b, _ := os.ReadFile(c.File)
		body := b[c.Offset : c.Offset+c.Length]
		if c.Length > opts.ChunkSize || body[len(body)-1] != '\n' || (c.Offset > 0 && b[c.Offset-1] != '\n') {
			t.Errorf("chunk %d of %s: %d bytes at %d, want at most %d, cut between lines", c.Index, c.File, c.Length, c.Offset, opts.ChunkSize)
		}
	}
}

func TestWrongTokenStopsAtOnce(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{})
	path, _ := writeActivities(t, t.TempDir(), "a.ndjson", 5, 1)
	var out printed
	opts := a.options(t, &out, path)
	opts.Token = "not-the-token"
	_, err := Upload(context.Background(), opts)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != 401 || IsUsage(err) {
		t.Fatalf("got %v, want a 401 *APIError", err)
	}
	if !strings.Contains(err.Error(), "401 Unauthorized: check MICS_API_TOKEN") || strings.Contains(err.Error(), "not-the-token") {
		t.Errorf("error %q: want the cause in words, without the token", err)
	}
	if n := a.requests.Load(); n != 1 {
		t.Errorf("got %d requests, want 1: a 401 is not retried", n)
	}
}

func TestOther4xxStopsWithTheServersMessage(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{MaxBody: 1000})
	path, lines := writeActivities(t, t.TempDir(), "a.ndjson", 20, 1)
	var out printed
	opts := a.options(t, &out, path)
	_, err := Upload(context.Background(), opts)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != 413 {
		t.Fatalf("got %v, want a 413 *APIError", err)
	}
	for _, want := range []string{"lower --chunk-size", "the API says: an execution holds at most 1000 bytes"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q: want %q", err, want)
		}
	}
	if n := a.posts.Load(); n != 1 {
		t.Errorf("got %d execution requests, want 1: a 413 is not retried", n)
	}
	opts.ChunkSize = 1000
	if _, err := Upload(context.Background(), opts); err != nil {
		t.Fatalf("rerun with a smaller --chunk-size: %v", err)
	}
	assertStoredOnce(t, a.dir, lines)
}

func TestRetriesAreBounded(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{FailRate: 1})
	path, _ := writeActivities(t, t.TempDir(), "a.ndjson", 5, 1)
	var out printed
	opts := a.options(t, &out, path)
	opts.MaxRetries = 3
	_, err := Upload(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 retries") {
		t.Fatalf("got %v, want the run to give up after 3 retries", err)
	}
	if n := a.requests.Load(); n != 4 {
		t.Errorf("got %d requests, want 4 (1 + 3 retries) for the import's creation", n)
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{})
	path, lines := writeActivities(t, t.TempDir(), "a.ndjson", 30, 1)
	var out printed
	opts := a.options(t, &out, path)
	opts.DryRun, opts.Token = true, ""
	sum, err := Upload(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := a.requests.Load(); n != 0 {
		t.Errorf("got %d requests, want none", n)
	}
	if _, err := os.Stat(opts.StatePath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a dry run wrote the state file (%v)", err)
	}
	plan := out.stdout.String()
	if !strings.Contains(plan, "plan: a new document import") || !strings.Contains(plan, "chunk 1: "+path+" lines 1-") ||
		!strings.Contains(plan, "dry run: nothing sent") || sum.Lines != len(lines) {
		t.Errorf("plan:\n%s\nwant the import, each chunk with its lines, and the total", plan)
	}
}

func TestPlainHTTPIsRefusedUnlessLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://api.mediarithmics.com", true},
		{"http://127.0.0.1:8089", true},
		{"http://127.9.9.9", true},
		{"http://[::1]:8089/", true},
		{"http://localhost:8089", true},
		{"http://api.mediarithmics.com", false},
		{"http://10.0.0.1:8089", false},
		{"http://localhost.example.com", false},
		{"ftp://127.0.0.1", false},
		{"api.mediarithmics.com", false},
	}
	path, _ := writeActivities(t, t.TempDir(), "a.ndjson", 1, 1)
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			o := Options{Inputs: []string{path}, APIURL: tt.url, Token: testToken, Datamart: "7"}
			_, err := o.prepare(false)
			if tt.ok && err != nil || !tt.ok && !IsUsage(err) {
				t.Errorf("got %v, want accepted: %v", err, tt.ok)
			}
		})
	}
}

func TestOptionsAreCheckedBeforeAnything(t *testing.T) {
	t.Parallel()
	path, _ := writeActivities(t, t.TempDir(), "a.ndjson", 1, 1)
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"no datamart", Options{Inputs: []string{path}, Token: "t"}, "no datamart"},
		{"no token", Options{Inputs: []string{path}, Datamart: "7"}, "MICS_API_TOKEN"},
		{"name and import id", Options{Inputs: []string{path}, Datamart: "7", Token: "t", Name: "n", ImportID: "1"}, "give one of them"},
		{"chunk over the limit", Options{Inputs: []string{path}, Datamart: "7", Token: "t", ChunkSize: 200 << 20}, "over the API's limit"},
		{"standard input", Options{Inputs: []string{"-"}, Datamart: "7", Token: "t"}, "not standard input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Upload(context.Background(), tt.o)
			if !IsUsage(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want a usage error with %q", err, tt.want)
			}
		})
	}
}

func TestInvalidLineStopsBeforeAnythingIsSent(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{})
	dir := t.TempDir()
	good, _ := writeActivities(t, dir, "good.ndjson", 10, 1)
	b, _ := os.ReadFile(good)
	lines := strings.SplitAfter(string(b), "\n")
	lines[2] = `{"$type":"TOUCH","$session_status":"NO_SESSION","$ts":1700000000,"$user_agent_id":"vec:1","$events":[]}` + "\n"
	bad := filepath.Join(dir, "bad.ndjson")
	os.WriteFile(bad, []byte(strings.Join(lines, "")), 0o644)
	var out printed
	_, err := Upload(context.Background(), a.options(t, &out, good, bad))
	var le *LineError
	if !errors.As(err, &le) || !IsUsage(err) || !strings.HasPrefix(err.Error(), bad+":3: $ts: ") {
		t.Fatalf("got %v, want %s:3: $ts: …", err, bad)
	}
	if n := a.requests.Load(); n != 0 {
		t.Errorf("got %d requests, want none before every line is checked", n)
	}
}

func TestWaitFollowsEveryExecution(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{Step: 20 * time.Millisecond})
	path, lines := writeActivities(t, t.TempDir(), "a.ndjson", 30, 1)
	var out printed
	opts := a.options(t, &out, path)
	opts.Wait = true
	sum, err := Upload(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	report := out.stdout.String()
	if sum.TotalSuccess != len(lines) || sum.TotalFailure != 0 {
		t.Errorf("totals: got %d/%d, want %d/0", sum.TotalSuccess, sum.TotalFailure, len(lines))
	}
	if got := strings.Count(report, ": SUCCEEDED total_success="); got != sum.Chunks {
		t.Errorf("report:\n%s\nwant one SUCCEEDED line per chunk (%d)", report, sum.Chunks)
	}
	if !strings.Contains(report, "total_success=30 total_failure=0") {
		t.Errorf("report:\n%s\nwant the totals", report)
	}
	st, _ := loadState(opts.StatePath)
	if r := st.Chunks[0].Result; r == nil || r.Status != "SUCCEEDED" {
		t.Errorf("state: chunk 1 result %+v, want SUCCEEDED recorded", r)
	}
}

func TestImportIDAddsToAnExistingImport(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{})
	dir := t.TempDir()
	first, lines1 := writeActivities(t, dir, "a.ndjson", 20, 1)
	second, lines2 := writeActivities(t, dir, "b.ndjson", 20, 2)
	var out printed
	sum, err := Upload(context.Background(), a.options(t, &out, first))
	if err != nil {
		t.Fatal(err)
	}
	opts := a.options(t, &out, second)
	opts.ImportID = sum.ImportID
	sum2, err := Upload(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum2.ImportID != sum.ImportID || sum2.Recovered != 0 || sum2.Sent != sum2.Chunks {
		t.Errorf("second upload %+v: want every chunk sent to import %s, none taken from the import's earlier executions", sum2, sum.ImportID)
	}
	assertStoredOnce(t, a.dir, append(lines1, lines2...))
	if imports, _ := filepath.Glob(filepath.Join(a.dir, "7", "*")); len(imports) != 1 {
		t.Errorf("got %d document imports, want 1", len(imports))
	}
}

func TestAClientErrorNeverQuotesTheToken(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{})
	a.setHook(func(_ int64, w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"status":"error","error":"bad request from ` + r.Header.Get("Authorization") + `"}`))
		return true
	})
	path, _ := writeActivities(t, t.TempDir(), "a.ndjson", 3, 1)
	var out printed
	_, err := Upload(context.Background(), a.options(t, &out, path))
	if err == nil || !strings.Contains(err.Error(), "bad request from [token]") {
		t.Fatalf("got %v, want the server's message with the token blanked out", err)
	}
}
