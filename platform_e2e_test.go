package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The platform's behaviours, end to end: every execution status, the error
// file brought home and traced back to the export, status of an import. The
// sandbox plays the platform (sandbox --statuses, --reject-rate). The
// fallback on the list of executions, the API's error_id and the upload
// flags are scripts (wait_list_fallback, upload_api_errors, upload_*).

// fastUpload are the flags that keep an upload to the sandbox quick.
var fastUpload = []string{"--retry-wait", "10ms", "--settle", "200ms"}

func TestWaitKnowsEveryStatusE2E(t *testing.T) {
	t.Parallel()
	tests := []struct {
		statuses string
		extra    []string
		code     int
		stdout   string
		stderr   string
	}{
		{"WAITING_DEPENDENT_JOB,SCHEDULED,PENDING,RUNNING,SUCCEEDED", nil, 0, ": SUCCEEDED total_success=5 total_failure=0", ""},
		{"PENDING,RUNNING,SUCCESS", nil, 0, ": SUCCESS total_success=5", ""},
		{"PENDING,RUNNING,FAILED", nil, 1, ": FAILED total_success=5", "execution did not succeed: 2 FAILED"},
		{"PENDING,EXECUTOR_NOT_RESPONDING", nil, 1, ": EXECUTOR_NOT_RESPONDING", "execution did not succeed"},
		{"RUNNING,LOST", nil, 1, ": LOST", "execution did not succeed"},
		{"PENDING,CANCELED", nil, 1, ": CANCELED", "execution did not succeed"},
		// An unknown status, first seen at once (it lasts 3s), then waited on.
		{"REINDEXING,SUCCEEDED", nil, 0, ": SUCCEEDED total_success=5", `execution 2: status "REINDEXING", unknown to csv2activity: taken as not finished`},
		{"PENDING,REINDEXING", []string{"--wait-timeout", "1s"}, 1, ": REINDEXING total_success=5",
			"executions still not finished after --wait-timeout 1s: 2 REINDEXING; see where they stand later with: csv2activity status --datamart 6 --import-id 1 --state "},
	}
	for _, tt := range tests {
		t.Run(tt.statuses, func(t *testing.T) {
			t.Parallel()
			step := "40ms"
			if strings.HasPrefix(tt.statuses, "REINDEXING") {
				step = "3s" // a first poll well within it, even on a loaded machine
			}
			sb := startSandbox(t, "--quiet", "--step", step, "--statuses", tt.statuses)
			dir := t.TempDir()
			input, _ := activityFile(t, dir, 5)
			args := append(append([]string{"upload", "--wait", "--state", filepath.Join(dir, "state.json")}, fastUpload...), tt.extra...)
			res := runCLI(t, "", nil, sb.env("6"), append(args, input)...)
			if res.code != tt.code || !strings.Contains(res.stdout, tt.stdout) || !strings.Contains(res.stderr, tt.stderr) {
				t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s\nwant exit %d, %q on stdout and %q on stderr", res.code, res.stdout, res.stderr, tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}

// refusedLine is a line of the --wait report that traces a refused line.
var refusedLine = regexp.MustCompile(`(?m)^  (\S+):([\d,]+) \(output line (\d+)\): (.*)$`)

func TestRefusedLinesAreTracedBackToTheExportE2E(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, mapping, input string }{
		{"american comma export", "mappings.example.yaml", "samples/us-orders.csv"},
		{"french till export", "samples/fr-caisse.yaml", "samples/fr-caisse.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb := startSandbox(t, "--quiet", "--step", "30ms", "--reject-rate", "0.4", "--seed", "3")
			dir := t.TempDir()
			state := filepath.Join(dir, "orders.state.json")
			converted := runCLI(t, "", nil, nil, "convert", "-m", tt.mapping, tt.input)
			activities := strings.Split(strings.TrimSuffix(converted.stdout, "\n"), "\n")
			args := append([]string{"import", "-m", tt.mapping, "--wait", "--chunk-size", "2KB", "--state", state}, fastUpload...)
			res := runCLI(t, "", nil, sb.env("8"), append(args, tt.input)...)
			if res.code != 3 || !strings.Contains(res.stdout, " refused by the platform; error file kept at "+filepath.Join(dir, "orders.state.execution-")) {
				t.Fatalf("exit %d\n%s\n%s\nwant exit 3 and the error files kept beside the state", res.code, res.stdout, res.stderr)
			}
			kept, _ := filepath.Glob(filepath.Join(dir, "orders.state.execution-*.errors"))
			refused := map[string]bool{}
			for _, f := range kept {
				for _, l := range readLines(t, f) {
					var e struct{ Raw string }
					json.Unmarshal([]byte(l), &e)
					refused[e.Raw] = true
				}
			}
			traced := refusedLine.FindAllStringSubmatch(res.stdout, -1)
			if len(kept) == 0 || len(traced) == 0 {
				t.Fatalf("kept %d error files, traced %d lines:\n%s", len(kept), len(traced), res.stdout)
			}
			source := readLines(t, tt.input)
			for _, m := range traced {
				n, _ := strconv.Atoi(m[3])
				if m[1] != tt.input || n > len(activities) || !refused[activities[n-1]] {
					t.Errorf("%q: output line %d is not a refused activity of %s", m[0], n, tt.input)
					continue
				}
				for _, ln := range strings.Split(m[2], ",") {
					row, _ := strconv.Atoi(ln)
					if row < 2 || row > len(source) || !sourceOf(activities[n-1], source[row-1]) {
						t.Errorf("%q: line %d of %s is not a row of that activity", m[0], row, tt.input)
					}
				}
			}
			// Every entry, traced, in the refused file beside the state.
			n := 0
			for _, l := range readLines(t, filepath.Join(dir, "orders.state.refused.ndjson")) {
				var rec struct {
					OutputLine int `json:"output_line"`
					Source     []struct {
						File string
						Line int
					}
				}
				json.Unmarshal([]byte(l), &rec)
				if rec.OutputLine < 1 || rec.OutputLine > len(activities) || !refused[activities[rec.OutputLine-1]] || len(rec.Source) == 0 {
					t.Errorf("refused file: %s is not a refused activity with its rows", l)
					continue
				}
				for _, src := range rec.Source {
					if src.File != tt.input || !sourceOf(activities[rec.OutputLine-1], source[src.Line-1]) {
						t.Errorf("refused file: %s names %s:%d, not a row of that activity", l, src.File, src.Line)
					}
				}
				n++
			}
			if n != len(refused) {
				t.Errorf("the refused file traces %d activities, want the %d the error files list", n, len(refused))
			}
			assertNoTokenIn(t, []string{res.stdout, res.stderr}, dir, sb.dir)
		})
	}
}

// sourceOf reports whether a CSV row (its text) is one the activity was
// built from: the activity's user account is a field of the row.
func sourceOf(activity, row string) bool {
	var a struct {
		Account string `json:"$user_account_id"`
		Email   struct {
			Email string `json:"$email"`
		} `json:"$email_hash"`
	}
	json.Unmarshal([]byte(activity), &a)
	for _, id := range []string{a.Account, a.Email.Email} {
		if id != "" && strings.Contains(row, id) {
			return true
		}
	}
	return false
}

func TestRefusedLinesAreNamedInTheFileSentE2E(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, "--quiet", "--step", "30ms", "--reject-rate", "0.2", "--seed", "9")
	dir := t.TempDir()
	input, lines := activityFile(t, dir, 40)
	args := append([]string{"upload", "--wait", "--chunk-size", "4KB", "--state", filepath.Join(dir, "state.json")}, fastUpload...)
	res := runCLI(t, "", nil, sb.env("8"), append(args, input)...)
	named := regexp.MustCompile(`(?m)^  `+regexp.QuoteMeta(input)+`:(\d+): .*--reject-rate`).FindAllStringSubmatch(res.stdout, -1)
	if res.code != 3 || len(named) == 0 {
		t.Fatalf("exit %d\n%s\n%s\nwant exit 3 and the refused lines named FILE:LINE", res.code, res.stdout, res.stderr)
	}
	stored := strings.Join(sb.stored(t, "8"), "\n")
	for _, m := range named {
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > len(lines) || !strings.Contains(stored, lines[n-1]) {
			t.Errorf("%s:%d is not a line sent", input, n)
		}
	}
	kept, _ := filepath.Glob(filepath.Join(dir, "state.execution-*.errors"))
	var refused []string
	for _, f := range kept {
		for _, l := range readLines(t, f) {
			var e struct{ Raw string }
			json.Unmarshal([]byte(l), &e)
			refused = append(refused, e.Raw)
		}
	}
	var traced []string
	for _, l := range readLines(t, filepath.Join(dir, "state.refused.ndjson")) {
		var rec struct {
			File string
			Line int
		}
		if json.Unmarshal([]byte(l), &rec); rec.File != input || rec.Line < 1 || rec.Line > len(lines) {
			t.Fatalf("refused file: %s does not name a line of %s", l, input)
		}
		traced = append(traced, lines[rec.Line-1])
	}
	if len(refused) == 0 || !slices.Equal(traced, refused) {
		t.Errorf("the refused file names %d lines, the error files list %d; want the same lines", len(traced), len(refused))
	}
}

func TestSandboxOnEveryAddressPrintsALoopbackURLE2E(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, "--addr", "0.0.0.0:0", "--quiet")
	dir := t.TempDir()
	input, lines := activityFile(t, dir, 4)
	res := runCLI(t, "", nil, sb.env("11"), append([]string{"upload", "--wait", "--state", filepath.Join(dir, "s.json")}, append(fastUpload, input)...)...)
	if res.code != 0 {
		t.Fatalf("upload to %s: exit %d\n%s", sb.url, res.code, res.stderr)
	}
	assertOnce(t, sb.stored(t, "11"), lines)
}

func TestStatusOfAnImportE2E(t *testing.T) {
	t.Parallel()
	// A first sandbox holds every execution in its first status (a step of
	// an hour); a second one, started on the same kept-open socket and
	// folder, restores them finished: "the next morning", with no wait.
	ln, _ := loopbackListener(t)
	sb := startSandboxOn(t, ln, t.TempDir(), "--quiet", "--step", "1h", "--reject-rate", "0.3", "--seed", "3")
	dir := t.TempDir()
	state := filepath.Join(dir, "orders.state.json")
	args := append([]string{"import", "-m", "mappings.example.yaml", "--chunk-size", "4KB", "--state", state}, fastUpload...)
	if res := runCLI(t, "", nil, sb.env("12"), append(args, "samples/us-orders.csv")...); res.code != 0 {
		t.Fatalf("import without --wait: exit %d\n%s", res.code, res.stderr)
	}
	// Unfinished: the executions are shown as they are, exit 0.
	now := runCLI(t, "", nil, sb.env("12"), "status", "--import-id", "1", "--json")
	var recs []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(now.stdout), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("status --json line %q: %v", l, err)
		}
		recs = append(recs, r)
	}
	if now.code != 0 || len(recs) != 4 || recs[0]["status"] != "PENDING" || recs[1]["status"] != "WAITING_DEPENDENT_JOB" || recs[0]["finished"] != false {
		t.Errorf("status of an unfinished import: exit %d, %v\n%s", now.code, recs, now.stderr)
	}
	// The next morning, from the state file (its datamart, import and API
	// URL), waiting for the end: the error files come home.
	sb.stop()
	sb = startSandboxOn(t, ln, sb.dir, "--quiet")
	env := []string{"MICS_API_TOKEN=" + e2eToken, "MICS_API_URL=", "MICS_DATAMART_ID="}
	later := runCLI(t, "", nil, env, "status", "--state", state, "--wait")
	table := regexp.MustCompile(`(?m)^2 +SUCCEEDED +\d+ +\d+ +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +output lines 1-4 `)
	if later.code != 3 || !table.MatchString(later.stdout) || !refusedLine.MatchString(later.stdout) {
		t.Fatalf("status --state --wait: exit %d\n%s\n%s\nwant exit 3, the table and the refused lines traced", later.code, later.stdout, later.stderr)
	}
	if kept, _ := filepath.Glob(filepath.Join(dir, "orders.state.execution-*.errors")); len(kept) == 0 {
		t.Error("no error file kept beside the state")
	}
	if b, _ := os.ReadFile(state); !strings.Contains(string(b), `"status": "SUCCEEDED"`) || !strings.Contains(string(b), `"error_file": `) {
		t.Errorf("the state does not record the results and the error files:\n%s", b)
	}
	// Finished: the same answer at once.
	again := runCLI(t, "", nil, sb.env("12"), "status", "--import-id", "1")
	if again.code != 3 || strings.Count(again.stdout, "SUCCEEDED") != 4 {
		t.Errorf("status of a finished import: exit %d\n%s", again.code, again.stdout)
	}
	other := runCLI(t, "", nil, sb.env("12"), "status", "--state", state, "--import-id", "99")
	if other.code != 2 || !strings.Contains(other.stderr, "--import-id 99, but state file") {
		t.Errorf("an --import-id the state does not record: exit %d\n%s", other.code, other.stderr)
	}
	assertNoTokenIn(t, []string{now.stdout, now.stderr, later.stdout, later.stderr, again.stdout}, dir, sb.dir)
}
