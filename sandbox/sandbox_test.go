package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"csv2activity/internal/testenv"
)

const testToken = "sandbox-test-token"

// validLine is an activity that passes the activity rules.
func validLine(i int) string {
	return fmt.Sprintf(`{"$type":"TOUCH","$session_status":"NO_SESSION","$ts":1700000000000,"$user_account_id":"u%d","$compartment_id":"1","$events":[{"$event_name":"$transaction_confirmed","$ts":1700000000000,"$properties":{"$currency":"EUR","$items":[{"$id":"SKU-%d","$qty":1,"$price":9.9}]}}]}`, i, i)
}

// api is a sandbox served over loopback HTTP for a test.
type api struct {
	t     *testing.T
	s     *Server
	srv   *httptest.Server
	clock *clock // the sandbox's clock, from newClockAPI; nil: time.Now
}

// clock is a hand-moved clock for Options.Now: an execution holds its status
// until the test moves the clock on, however slow the machine.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock on by d.
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newClockAPI is newAPI with a clock that moves only when the test moves
// it (api.clock).
func newClockAPI(t *testing.T, opts Options) *api {
	c := &clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	opts.Now = c.Now
	a := newAPI(t, opts)
	a.clock = c
	return a
}

func newAPI(t *testing.T, opts Options) *api {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	if opts.Token == "" {
		opts.Token = testToken
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(func() { srv.Close(); s.Close() })
	return &api{t: t, s: s, srv: srv}
}

// answer is a decoded answer of the sandbox.
type answer struct {
	code    int
	header  http.Header
	Status  string          `json:"status"`
	Data    json.RawMessage `json:"data"`
	Error   string          `json:"error"`
	ErrorID string          `json:"error_id"`
	Total   int             `json:"total"`
}

func (a *api) do(method, path, ctype, body string) answer {
	a.t.Helper()
	return a.doToken(testToken, method, path, ctype, body)
}

func (a *api) doToken(token, method, path, ctype, body string) answer {
	a.t.Helper()
	req, err := http.NewRequest(method, a.srv.URL+path, strings.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	ans := answer{code: resp.StatusCode, header: resp.Header}
	if err := json.Unmarshal(raw, &ans); err != nil {
		a.t.Fatalf("%s %s: answer %q is not the API's envelope: %v", method, path, raw, err)
	}
	return ans
}

const importBody = `{"document_type":"USER_ACTIVITY","mime_type":"APPLICATION_X_NDJSON","encoding":"utf-8","name":"test"}`

// newImport creates a document import in datamart 7 and returns its
// executions path.
func (a *api) newImport() string {
	a.t.Helper()
	ans := a.do("POST", "/v1/datamarts/7/document_imports", "application/json", importBody)
	if ans.code != 200 || ans.Status != "ok" {
		a.t.Fatalf("create import: got %d %s %q, want 200 ok", ans.code, ans.Status, ans.Error)
	}
	var imp struct{ ID string }
	json.Unmarshal(ans.Data, &imp)
	return "/v1/datamarts/7/document_imports/" + imp.ID + "/executions"
}

func TestTokenIsChecked(t *testing.T) {
	a := newAPI(t, Options{})
	for _, token := range []string{"", "wrong", "Bearer " + testToken} {
		ans := a.doToken(token, "POST", "/v1/datamarts/7/document_imports", "application/json", importBody)
		if ans.code != http.StatusUnauthorized || ans.Status != "error" || ans.Error == "" {
			t.Errorf("token %q: got %d %s %q, want 401 with an error envelope", token, ans.code, ans.Status, ans.Error)
		}
		if strings.Contains(ans.Error, testToken) {
			t.Errorf("token %q: the error quotes the expected token", token)
		}
	}
}

func TestDocumentImportBodyIsChecked(t *testing.T) {
	tests := []struct {
		name, body string
		code       int
		want       string
	}{
		{"valid", importBody, 200, ""},
		{"profiles", `{"document_type":"USER_PROFILE","mime_type":"APPLICATION_X_NDJSON","encoding":"utf-8","name":"x"}`, 200, ""},
		{"unknown document type", `{"document_type":"USER_PROFILES","mime_type":"APPLICATION_X_NDJSON","encoding":"utf-8","name":"x"}`, 400, `unsupported document_type "USER_PROFILES": unknown document type "USER_PROFILES" (did you mean "USER_PROFILE"?)`},
		{"no document type", `{"mime_type":"APPLICATION_X_NDJSON","encoding":"utf-8","name":"x"}`, 400, `document_type is required`},
		{"csv mime type", `{"document_type":"USER_ACTIVITY","mime_type":"TEXT_CSV","encoding":"utf-8","name":"x"}`, 400, "mime_type must be APPLICATION_X_NDJSON"},
		{"no name", `{"document_type":"USER_ACTIVITY","mime_type":"APPLICATION_X_NDJSON","encoding":"utf-8"}`, 400, "name is required"},
		{"not JSON", `document_type=USER_ACTIVITY`, 400, "not a document import"},
	}
	a := newAPI(t, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans := a.do("POST", "/v1/datamarts/7/document_imports", "application/json", tt.body)
			if ans.code != tt.code || !strings.Contains(ans.Error, tt.want) {
				t.Errorf("got %d %q, want %d %q", ans.code, ans.Error, tt.code, tt.want)
			}
		})
	}
}

func TestExecutionIsStoredCheckedAndRuns(t *testing.T) {
	step := 30 * time.Millisecond
	a := newClockAPI(t, Options{Step: step})
	path := a.newImport()
	body := validLine(1) + "\n" + validLine(2) + "\n" + `{"$type":"TOUCH"}` + "\n"
	ans := a.do("POST", path, "application/x-ndjson", body)
	var e executionView
	json.Unmarshal(ans.Data, &e)
	if ans.code != 200 || e.Status != "PENDING" || e.Result != nil {
		t.Fatalf("create execution: got %d %+v, want 200 PENDING without result", ans.code, e)
	}
	stored := filepath.Join(a.s.Dir(), "7", strings.Split(path, "/")[5], e.ID+".ndjson")
	if got, err := os.ReadFile(stored); err != nil || string(got) != body {
		t.Fatalf("stored body at %s: got %q (%v), want the request's body", stored, got, err)
	}
	seen, e := a.statuses(path, e.ID, step)
	if strings.Join(seen, " ") != "PENDING RUNNING SUCCEEDED" {
		t.Fatalf("statuses: saw %v, want PENDING, RUNNING, SUCCEEDED", seen)
	}
	if e.Result == nil || e.Result.TotalSuccess != 2 || e.Result.TotalFailure != 1 {
		t.Fatalf("result: got %+v, want 2 successes and 1 failure", e.Result)
	}
	code, errs := a.dataFile(e.Result.ErrorFileURI)
	if code != 200 || !strings.Contains(errs, `"line":3`) || !strings.Contains(errs, "missing required key") {
		t.Errorf("error file %s: got %d %q, want line 3 and its reason", e.Result.ErrorFileURI, code, errs)
	}
}

func TestExecutionContentTypeAndSize(t *testing.T) {
	a := newAPI(t, Options{MaxBody: 1000})
	path := a.newImport()
	line := validLine(1) + "\n"
	tests := []struct {
		name, ctype, body string
		code              int
	}{
		{"ndjson", "application/x-ndjson", line, 200},
		{"ndjson with charset", "application/x-ndjson; charset=utf-8", line, 200},
		{"json", "application/json", line, 415},
		{"no content type", "", line, 415},
		{"too large", "application/x-ndjson", strings.Repeat(line, 5), 413},
		{"empty", "application/x-ndjson", "", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ans := a.do("POST", path, tt.ctype, tt.body); ans.code != tt.code {
				t.Errorf("got %d %q, want %d", ans.code, ans.Error, tt.code)
			}
		})
	}
	if got := storedBodies(t, a.s.Dir()); len(got) != 2 {
		t.Errorf("got %d stored executions, want the 2 accepted", len(got))
	}
}

func TestUnknownImportAndEndpoint(t *testing.T) {
	a := newAPI(t, Options{})
	for _, path := range []string{"/v1/datamarts/7/document_imports/999/executions", "/v2/whatever"} {
		if ans := a.do("GET", path, "", ""); ans.code != 404 || ans.Status != "error" {
			t.Errorf("GET %s: got %d %s, want 404 error", path, ans.code, ans.Status)
		}
	}
	a.newImport()
	if ans := a.do("GET", "/v1/datamarts/8/document_imports/1/executions", "", ""); ans.code != 404 {
		t.Errorf("an import read through another datamart: got %d, want 404", ans.code)
	}
}

// storedBodies returns the execution bodies stored under dir.
func storedBodies(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*", "*", "*.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, string(b))
	}
	return bodies
}

func TestFaultsNeverFollowAStoredBody(t *testing.T) {
	a := newAPI(t, Options{FailRate: 0.5, Seed: 42})
	var path string
	for path == "" {
		if ans := a.do("POST", "/v1/datamarts/7/document_imports", "application/json", importBody); ans.code == 200 {
			var imp struct{ ID string }
			json.Unmarshal(ans.Data, &imp)
			path = "/v1/datamarts/7/document_imports/" + imp.ID + "/executions"
		}
	}
	codes := map[int]int{}
	for i := 0; i < 200; i++ {
		ans := a.do("POST", path, "application/x-ndjson", validLine(i)+"\n")
		codes[ans.code]++
	}
	if codes[500] == 0 || codes[503] == 0 || codes[200] == 0 || codes[200]+codes[500]+codes[503] != 200 {
		t.Fatalf("answers: got %v, want a mix of 200, 500 and 503 only", codes)
	}
	if got := len(storedBodies(t, a.s.Dir())); got != codes[200] {
		t.Errorf("got %d stored executions for %d answered 200: a failed answer stored its body", got, codes[200])
	}
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	a := newAPI(t, Options{RateLimit: 3})
	now := time.Unix(1700000000, 0)
	a.s.faults.now = func() time.Time { return now }
	var codes []int
	for i := 0; i < 5; i++ {
		ans := a.do("GET", "/v1/datamarts/7/document_imports/1", "", "")
		codes = append(codes, ans.code)
		if ans.code == 429 && ans.header.Get("Retry-After") != "1" {
			t.Errorf("429 with Retry-After %q, want 1", ans.header.Get("Retry-After"))
		}
	}
	if fmt.Sprint(codes) != "[404 404 404 429 429]" {
		t.Errorf("within one second: got %v, want three answers then 429s", codes)
	}
	now = now.Add(time.Second)
	if ans := a.do("GET", "/v1/datamarts/7/document_imports/1", "", ""); ans.code != 404 {
		t.Errorf("the next second: got %d, want the limit lifted", ans.code)
	}
}

// TestRateWindow: RateLimit counts in RateWindow, and its 429s say to retry
// after the window, a fraction of a second.
func TestRateWindow(t *testing.T) {
	a := newAPI(t, Options{RateLimit: 2, RateWindow: 200 * time.Millisecond})
	now := time.Unix(1700000000, 0)
	a.s.faults.now = func() time.Time { return now }
	var got []string
	for _, step := range []time.Duration{0, 50, 50, 50, 50, 50} { // ms
		now = now.Add(step * time.Millisecond)
		ans := a.do("GET", "/v1/datamarts/7/document_imports/1", "", "")
		got = append(got, fmt.Sprintf("%d%s", ans.code, ans.header.Get("Retry-After")))
		if ans.code == 429 && ans.Error != "rate limit of 2 requests per 200ms exceeded" {
			t.Errorf("429 saying %q, want the limit per 200ms", ans.Error)
		}
	}
	// Windows [0, 200ms) and [200ms, 400ms): two answers each, then 429s.
	if want := "[404 404 4290.2 4290.2 404 404]"; fmt.Sprint(got) != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

func TestLatencyDelaysEveryAnswer(t *testing.T) {
	a := newAPI(t, Options{Latency: 80 * time.Millisecond})
	start := time.Now()
	a.do("GET", "/v1/datamarts/7/document_imports/1", "", "")
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("answered in %s, want at least the 80ms latency", d)
	}
}

func TestListPaginatesInCreationOrder(t *testing.T) {
	a := newAPI(t, Options{})
	path := a.newImport()
	var ids []string
	for i := 0; i < 3; i++ {
		var e executionView
		json.Unmarshal(a.do("POST", path, "application/x-ndjson", validLine(i)+"\n").Data, &e)
		ids = append(ids, e.ID)
	}
	var got []string
	for first := 0; first < 3; first += 2 {
		ans := a.do("GET", fmt.Sprintf("%s?first_result=%d&max_results=2", path, first), "", "")
		var page []executionView
		json.Unmarshal(ans.Data, &page)
		if ans.Total != 3 {
			t.Errorf("total: got %d, want 3", ans.Total)
		}
		for _, e := range page {
			got = append(got, e.ID)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(ids) {
		t.Errorf("listed %v, want %v", got, ids)
	}
	if ans := a.do("GET", path+"?max_results=0", "", ""); ans.code != 400 {
		t.Errorf("max_results=0: got %d, want 400", ans.code)
	}
}

func TestRestartServesWhatWasStored(t *testing.T) {
	dir := t.TempDir()
	a := newAPI(t, Options{Dir: dir})
	path := a.newImport()
	var first executionView
	json.Unmarshal(a.do("POST", path, "application/x-ndjson", validLine(1)+"\n{}\n").Data, &first)
	a.srv.Close()
	a.s.Close()

	b := newAPI(t, Options{Dir: dir})
	ans := b.do("GET", path, "", "")
	var list []executionView
	json.Unmarshal(ans.Data, &list)
	if len(list) != 1 || list[0].ID != first.ID || list[0].Status != "SUCCEEDED" {
		t.Fatalf("after a restart: got %+v, want execution %s SUCCEEDED", list, first.ID)
	}
	if r := list[0].Result; r == nil || r.TotalSuccess != 1 || r.TotalFailure != 1 || r.ErrorFileURI == "" {
		t.Errorf("after a restart: result %+v, want 1 success, 1 failure, an error file", r)
	}
	var next executionView
	json.Unmarshal(b.do("POST", path, "application/x-ndjson", validLine(2)+"\n").Data, &next)
	if next.ID == "" || next.ID == first.ID {
		t.Errorf("new execution id %q after a restart, want a fresh one (not %q)", next.ID, first.ID)
	}
}

func TestCloseRefusesNewRequests(t *testing.T) {
	a := newAPI(t, Options{})
	a.s.Close()
	if ans := a.do("GET", "/v1/datamarts/7/document_imports/1", "", ""); ans.code != http.StatusServiceUnavailable {
		t.Errorf("after Close: got %d, want 503", ans.code)
	}
}

func TestServeListensPrintsAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &testenv.Buffer{}
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, Options{Dir: t.TempDir(), Token: testToken}, "127.0.0.1:0", out) }()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "listening on http://127.0.0.1:") {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("Serve printed %q in 30s, want a line \"listening on http://127.0.0.1:PORT\"", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	url := strings.Fields(strings.SplitN(out.String(), "listening on ", 2)[1])[0]
	req, _ := http.NewRequest("GET", url+"/v1/datamarts/1/document_imports/1", nil)
	req.Header.Set("Authorization", testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET from the served sandbox: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("got %d, want 404 for a missing import", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: got %v, want nil after its context ended", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
}
