package upload

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// platform is a small stand-in for an API that differs from the sandbox
// where the platform is not documented: no GET of one execution (405),
// lists of at most two executions a page with a count but no total, and an
// error file in a format of its own, quoting the token.
type platform struct {
	mu       sync.Mutex
	execs    int
	dataURI  string
	dataBody string
}

func (p *platform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ok := func(v any) { json.NewEncoder(w).Encode(map[string]any{"status": "ok", "data": v}) }
	switch {
	case r.Header.Get("Authorization") != testToken:
		w.WriteHeader(401)
	case r.URL.Path == "/v1/data_file/data":
		if got := r.URL.Query().Get("uri"); got != p.dataURI || !strings.Contains(r.URL.RawQuery, "uri=mics%3A%2F%2F") {
			w.WriteHeader(404)
			fmt.Fprintf(w, `{"status":"error","error":"no file %q","error_id":"e-1"}`, got)
			return
		}
		fmt.Fprint(w, p.dataBody)
	case r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/document_imports"):
		ok(map[string]any{"id": 70})
	case r.Method == "POST":
		p.execs++
		ok(map[string]any{"id": 100 + p.execs, "status": "PENDING"})
	case strings.HasSuffix(r.URL.Path, "/executions"):
		first, _ := strconv.Atoi(r.URL.Query().Get("first_result"))
		var page []any
		for i := first; i < p.execs && i < first+2; i++ {
			page = append(page, map[string]any{"id": 101 + i, "status": "SUCCESS",
				"result": map[string]any{"total_success": 0, "total_failure": 3, "error_file_uri": p.dataURI}})
		}
		json.NewEncoder(w).Encode(map[string]any{"status": "ok", "data": page, "count": len(page), "first_result": first, "max_results": 2})
	default:
		w.WriteHeader(405)
		fmt.Fprint(w, `{"status":"error","error":"method not allowed","error_id":"e-2"}`)
	}
}

func TestErrorFileOfAnUndocumentedFormatIsKeptRawAndTraced(t *testing.T) {
	t.Parallel()
	p := &platform{dataURI: "mics://data_file/tenants/1/errors 1.txt"}
	srv := httptest.NewServer(p)
	defer srv.Close()
	dir := t.TempDir()
	input, lines := writeActivities(t, dir, "orders.ndjson", 9, 1)
	p.dataBody = "error at line 2: invalid identifier (token " + testToken + ")\n" +
		`{"line_number": "3", "message": {"code": "E42", "text": "bad $ts"}}` + "\n" +
		`{"document": ` + strconv.Quote(lines[0]) + `, "reason": "duplicate"}` + "\n" +
		"{not json at all\n"
	var out printed
	o := Options{Inputs: []string{input}, APIURL: srv.URL, Token: testToken, Datamart: "7", ChunkSize: 1,
		StatePath: dir + "/orders.state.json", Wait: true, PollInterval: 1, RetryWait: 1, Settle: 1,
		Stdout: &out.stdout, Stderr: &out.stderr}
	o.ChunkSize = int64(len(strings.Join(lines[:3], "\n")) + 1)
	sum, err := Upload(context.Background(), o)
	if err != nil || sum.TotalFailure != 3*sum.Chunks {
		t.Fatalf("upload: %v, %+v\n%s\n%s", err, sum, out.stdout.String(), out.stderr.String())
	}
	if !strings.Contains(out.stderr.String(), "answered 405: following the executions in the import's list instead") {
		t.Errorf("stderr:\n%s\nwant the fallback on the list", out.stderr.String())
	}
	kept, err := os.ReadFile(dir + "/orders.state.execution-101.errors")
	if err != nil || strings.Contains(string(kept), testToken) || !strings.Contains(string(kept), "(token [token])") || !strings.Contains(string(kept), "{not json at all") {
		t.Fatalf("kept error file: %v\n%s\nwant it raw, the token blanked out", err, kept)
	}
	refused, err := os.ReadFile(dir + "/orders.state.refused.ndjson")
	if err != nil || strings.Count(string(refused), "\n") != 16 || !strings.Contains(string(refused), `{"execution_id":"103","file":"`+input+`","line":8,"reason":"{\"code\": \"E42\", \"text\": \"bad $ts\"}"}`) {
		t.Errorf("refused file: %v\n%s\nwant the 16 entries of the 4 error files, traced", err, refused)
	}
	for _, want := range []string{
		"execution 101: 3 lines refused by the platform; error file kept at " + dir + "/orders.state.execution-101.errors (4 entries)",
		"  execution 101 (line not given): error at line 2: invalid identifier (token [token])",
		"  " + input + `:3: {"code": "E42", "text": "bad $ts"}`,
		"  " + input + ":1: duplicate",
		"  execution 101 (line not given): {not json at all",
		"execution 104: 3 lines refused",
		"  " + input + `:8: {"code": "E42", "text": "bad $ts"}`, // line 3 of chunk 3, lines 6-8
	} {
		if !strings.Contains(out.stdout.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.stdout.String())
		}
	}
}
