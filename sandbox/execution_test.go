package sandbox

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// dataFile downloads a data file by its URI, as the API serves it.
func (a *api) dataFile(uri string) (int, string) {
	a.t.Helper()
	req, _ := http.NewRequest("GET", a.srv.URL+"/v1/data_file/data?uri="+url.QueryEscape(uri), nil)
	req.Header.Set("Authorization", testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// statuses follows an execution of a newClockAPI sandbox, moving its clock
// on by step after each look, until it shows a result (or 100 steps), and
// returns the statuses seen, in order, and its last view.
func (a *api) statuses(path, id string, step time.Duration) ([]string, executionView) {
	a.t.Helper()
	var seen []string
	var e executionView
	for range 100 {
		json.Unmarshal(a.do("GET", path+"/"+id, "", "").Data, &e)
		if len(seen) == 0 || seen[len(seen)-1] != e.Status {
			seen = append(seen, e.Status)
		}
		if e.Result != nil {
			break
		}
		a.clock.Add(step)
	}
	return seen, e
}

func TestExecutionsWaitForTheOneBefore(t *testing.T) {
	t.Parallel()
	step := time.Second // the clock does not move before the second is created
	a := newClockAPI(t, Options{Step: step})
	path := a.newImport()
	var first, second executionView
	json.Unmarshal(a.do("POST", path, "application/x-ndjson", validLine(1)+"\n").Data, &first)
	json.Unmarshal(a.do("POST", path, "application/x-ndjson", validLine(2)+"\n").Data, &second)
	if first.Status != "PENDING" || second.Status != "WAITING_DEPENDENT_JOB" {
		t.Fatalf("got %s then %s, want PENDING then WAITING_DEPENDENT_JOB (the first has not ended)", first.Status, second.Status)
	}
	seen, last := a.statuses(path, second.ID, step)
	if strings.Join(seen, " ") != "WAITING_DEPENDENT_JOB RUNNING SUCCEEDED" || last.Result == nil || last.EndDate == nil {
		t.Errorf("statuses %v, last %+v; want WAITING_DEPENDENT_JOB RUNNING SUCCEEDED with a result", seen, last)
	}
}

func TestStatusesForceTheSequence(t *testing.T) {
	t.Parallel()
	tests := [][]string{
		{"SCHEDULED", "PENDING", "RUNNING", "SUCCESS"},
		{"PENDING", "RUNNING", "FAILED"},
		{"PENDING", "REINDEXING", "LOST"},
	}
	for _, seq := range tests {
		t.Run(strings.Join(seq, ","), func(t *testing.T) {
			t.Parallel()
			step := 500 * time.Millisecond
			a := newClockAPI(t, Options{Step: step, Statuses: seq})
			path := a.newImport()
			var e executionView
			json.Unmarshal(a.do("POST", path, "application/x-ndjson", validLine(1)+"\n").Data, &e)
			seen, last := a.statuses(path, e.ID, step)
			if strings.Join(seen, ",") != strings.Join(seq, ",") || last.Result == nil {
				t.Errorf("saw %v (result %+v), want %v then a result", seen, last.Result, seq)
			}
		})
	}
	if _, err := New(Options{Dir: t.TempDir(), Statuses: []string{"running"}}); err == nil {
		t.Error("a lower-case status: got no error, want one")
	}
}

func TestRejectRateRefusesLinesOnThePlatformSide(t *testing.T) {
	a := newClockAPI(t, Options{Step: time.Millisecond, RejectRate: 0.3, Seed: 4})
	path := a.newImport()
	var body strings.Builder
	for i := 0; i < 200; i++ {
		body.WriteString(validLine(i) + "\n")
	}
	var e executionView
	json.Unmarshal(a.do("POST", path, "application/x-ndjson", body.String()).Data, &e)
	_, e = a.statuses(path, e.ID, time.Millisecond)
	r := e.Result
	if e.Status != "SUCCEEDED" || r == nil || r.TotalSuccess+r.TotalFailure != 200 || r.TotalFailure < 30 || r.TotalFailure > 90 {
		t.Fatalf("got %s %+v, want SUCCEEDED with about 60 of 200 lines refused", e.Status, r)
	}
	if e.Error == nil || !strings.Contains(e.Error.Message, "not imported") {
		t.Errorf("error message: got %+v, want the front end's \"succeeded with errors\" message", e.Error)
	}
	code, errs := a.dataFile(r.ErrorFileURI)
	if code != 200 || strings.Count(errs, "\n") != r.TotalFailure || !strings.Contains(errs, "--reject-rate") {
		t.Errorf("error file: got %d, %d entries, want 200 and %d entries naming the cause:\n%.300s", code, strings.Count(errs, "\n"), r.TotalFailure, errs)
	}
	if code, _ := a.dataFile("mics://data_file/sandbox/7/../../etc/passwd"); code != 404 {
		t.Errorf("a data file outside the store: got %d, want 404", code)
	}
}

func TestNoSingleGetAnswers404ButLists(t *testing.T) {
	a := newAPI(t, Options{NoSingleGet: true})
	path := a.newImport()
	var e executionView
	json.Unmarshal(a.do("POST", path, "application/x-ndjson", validLine(1)+"\n").Data, &e)
	if ans := a.do("GET", path+"/"+e.ID, "", ""); ans.code != 404 {
		t.Errorf("GET one execution: got %d, want 404", ans.code)
	}
	if ans := a.do("GET", path, "", ""); ans.code != 200 || ans.Total != 1 {
		t.Errorf("list: got %d total %d, want 200 and 1", ans.code, ans.Total)
	}
}

func TestErrorsCarryAnErrorID(t *testing.T) {
	a := newAPI(t, Options{})
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	one := a.do("GET", "/v1/datamarts/7/document_imports/999/executions", "", "")
	two := a.doToken("wrong", "GET", "/v1/datamarts/7/document_imports/999/executions", "", "")
	if one.code != 404 || two.code != 401 || !uuid.MatchString(one.ErrorID) || !uuid.MatchString(two.ErrorID) || one.ErrorID == two.ErrorID {
		t.Errorf("got %d %q and %d %q; want 404 and 401, each with its own id like a UUID", one.code, one.ErrorID, two.code, two.ErrorID)
	}
}

func TestLoopbackAddrOfAWildcardListener(t *testing.T) {
	tests := []struct{ ip, want string }{
		{"0.0.0.0", "127.0.0.1:8089"},
		{"::", "127.0.0.1:8089"},
		{"::1", "[::1]:8089"},
		{"127.0.0.2", "127.0.0.2:8089"},
	}
	for _, tt := range tests {
		if got := loopbackAddr(&net.TCPAddr{IP: net.ParseIP(tt.ip), Port: 8089}); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.ip, got, tt.want)
		}
	}
}
