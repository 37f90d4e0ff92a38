package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The platform's behaviours, end to end: the error file brought home and
// traced back to the export. The sandbox plays the platform (sandbox
// --reject-rate, --step). These stay in Go for what they cross-check in
// JSON (the refused lines against the error files, the export's rows and
// the state) and for a sandbox on 0.0.0.0. Every execution status
// (wait_statuses), status of an import (status_of_an_import), the fallback
// on the list of executions, the API's error_id and the upload flags are
// scripts (wait_list_fallback, upload_api_errors, upload_*).

// fastUpload are the flags that keep an upload to the sandbox quick.
var fastUpload = []string{"--retry-wait", "10ms", "--settle", "200ms", "--poll-interval", "50ms"}

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
