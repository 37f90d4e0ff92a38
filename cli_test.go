package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// rejectLines returns the "line" of every object of a rejects file.
func rejectLines(t *testing.T, path string) []int {
	t.Helper()
	var lines []int
	for _, l := range readLines(t, path) {
		var r struct {
			Line   int    `json:"line"`
			Reason string `json:"reason"`
			Raw    string `json:"raw"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("rejects line %q: %v", l, err)
		}
		if r.Reason == "" || r.Raw == "" {
			t.Errorf("reject without reason or raw: %s", l)
		}
		lines = append(lines, r.Line)
	}
	return lines
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		args        []string // OUT and DIR are replaced by a temporary output path and folder
		stdin       string
		code        int
		stderr      []string // each must appear in stderr
		activities  int      // lines in OUT (-1: OUT must not exist)
		rejectLines []int    // "line" of each reject in OUT's rejects file
	}{
		{name: "version", args: []string{"--version"}, code: 0},
		{name: "no input", args: []string{"convert", "-m", "mappings.example.yaml"}, code: 2, stderr: []string{"no INPUT given"}},
		{name: "no mapping", args: []string{"convert", "samples/us-orders.csv"}, code: 2, stderr: []string{`"mapping" not set`}},
		{name: "unknown flag", args: []string{"convert", "--nope", "x"}, code: 2, stderr: []string{"flag provided but not defined"}},
		{name: "missing mapping file", args: []string{"convert", "-m", "nope.yaml", "samples/us-orders.csv"}, code: 2, stderr: []string{"read mapping", "no such file"}},
		{name: "missing input", args: []string{"convert", "-m", "mappings.example.yaml", "-o", "OUT", "nope.csv"}, code: 1, stderr: []string{"open input", "nope.csv"}, activities: -1},
		{name: "sample to file", args: []string{"convert", "-m", "mappings.example.yaml", "-o", "OUT", "samples/us-orders.csv"}, code: 0,
			stderr: []string{"28 rows read: 28 in 14 activities written, 0 filtered by where, 0 rejected"}, activities: 14},
		{name: "broken US rows", args: []string{"convert", "-m", "mappings.example.yaml", "-o", "OUT", "testdata/broken/us-orders.csv"}, code: 3,
			stderr: []string{"10 rows read: 5 in 2 activities written, 0 filtered by where, 5 rejected (2 groups rejected whole); rejects in "}, activities: 2, rejectLines: []int{4, 5, 7, 10, 6}},
		{name: "broken French till rows", args: []string{"convert", "-m", "samples/fr-caisse.yaml", "-o", "OUT", "testdata/broken/fr-caisse.csv"}, code: 3,
			stderr: []string{"6 rows read: 0 in 0 activities written, 1 filtered by where, 5 rejected (3 groups rejected whole)"}, activities: 0, rejectLines: []int{3, 5, 2, 4, 6}},
		{name: "broken loyalty rows", args: []string{"convert", "-m", "samples/loyalty.yaml", "-o", "OUT", "testdata/broken/loyalty.csv"}, code: 3,
			activities: 2, rejectLines: []int{3, 4}},
		{name: "max errors exceeded", args: []string{"convert", "-m", "mappings.example.yaml", "-o", "OUT", "--max-errors", "2", "testdata/broken/us-orders.csv"}, code: 1,
			stderr: []string{"more than 2 rows rejected (--max-errors): stopped at testdata/broken/us-orders.csv line 7"}, activities: -1, rejectLines: []int{4, 5, 7}},
		{name: "standard input", args: []string{"convert", "-m", "samples/loyalty.yaml", "-o", "OUT", "-"}, stdin: "member_id,email,event,points,amount,store_id,occurred_at\nLY1,a@b.fr,purchase,1,2.5,S1,2024-01-02T03:04:05Z\n",
			code: 0, activities: 1},
		{name: "several inputs as one stream", args: []string{"convert", "-m", "samples/loyalty.yaml", "-o", "OUT", "samples/loyalty.csv", "samples/loyalty.csv"}, code: 0, activities: 36},
		{name: "header mismatch", args: []string{"convert", "-m", "samples/loyalty.yaml", "-o", "OUT", "samples/loyalty.csv", "samples/us-orders.csv"}, code: 1,
			stderr: []string{"samples/us-orders.csv: header differs from the first input's"}, activities: -1},
		{name: "empty input", args: []string{"convert", "-m", "samples/loyalty.yaml", "-o", "OUT", "-"}, stdin: "", code: 1, stderr: []string{"input is empty: no header line"}, activities: -1},
		{name: "header only", args: []string{"convert", "-m", "samples/loyalty.yaml", "-o", "OUT", "-"}, stdin: "member_id,email,event,points,amount,store_id,occurred_at\r\n", code: 0, activities: 0},
		{name: "mapping error names the line", args: []string{"convert", "-m", "testdata/mappings/typo.yaml", "-o", "OUT", "samples/us-orders.csv"}, code: 2,
			stderr: []string{"testdata/mappings/typo.yaml:8:11: activity.$ts: unknown column Order_Dat (did you mean Order_Date?)", "      $ts: ${ Order_Dat }\n              ^"}, activities: -1},
		{name: "sorted groups stream", args: []string{"convert", "--sorted", "-m", "mappings.example.yaml", "-o", "OUT", "samples/us-orders.csv"}, code: 0,
			stderr: []string{"28 rows read: 28 in 14 activities written"}, activities: 14},
		{name: "small memory budget spills", args: []string{"convert", "--max-memory", "1MiB", "-m", "mappings.example.yaml", "-o", "OUT", "testdata/broken/us-orders.csv"}, code: 3,
			activities: 2, rejectLines: []int{4, 5, 7, 10, 6}},
		{name: "bad memory budget", args: []string{"convert", "--max-memory", "lots", "-m", "mappings.example.yaml", "samples/us-orders.csv"}, code: 2, stderr: []string{"--max-memory"}},
		{name: "split size needs an output", args: []string{"convert", "--split-size", "1MB", "-m", "mappings.example.yaml", "samples/us-orders.csv"}, code: 2, stderr: []string{"--split-size needs -o OUT"}},
		{name: "unwritable output", args: []string{"convert", "-m", "mappings.example.yaml", "-o", "DIR/missing/out.ndjson", "samples/us-orders.csv"}, code: 1,
			stderr: []string{"create output", "missing/out.ndjson"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out.ndjson")
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.NewReplacer("OUT", out, "DIR", dir).Replace(a)
			}
			res := runCLI(t, "", strings.NewReader(tt.stdin), nil, args...)
			if res.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", res.code, tt.code, res.stderr)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(res.stderr, s) {
					t.Errorf("stderr does not say %q:\n%s", s, res.stderr)
				}
			}
			if !strings.Contains(strings.Join(tt.args, " "), "OUT") {
				return
			}
			_, err := os.Stat(out)
			switch {
			case tt.activities < 0 && err == nil:
				t.Errorf("%s exists after a failed run", out)
			case tt.activities >= 0 && len(readLines(t, out)) != tt.activities && !(tt.activities == 0 && len(readLines(t, out)) == 1):
				t.Errorf("got %d activities, want %d", len(readLines(t, out)), tt.activities)
			}
			if got := rejectLines(t, strings.TrimSuffix(out, ".ndjson")+".rejects.ndjson"); !reflect.DeepEqual(got, tt.rejectLines) {
				t.Errorf("rejected lines %v, want %v", got, tt.rejectLines)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".tmp-") {
					t.Errorf("temporary file %s left behind", e.Name())
				}
			}
		})
	}
}

// TestSplitSizeCLI writes numbered parts through the binary: each within the
// size, together the whole output of an unsplit run.
func TestSplitSizeCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	whole := runCLI(t, "", nil, nil, "convert", "-m", "mappings.example.yaml", "samples/us-orders.csv")
	out := filepath.Join(dir, "orders.ndjson")
	res := runCLI(t, "", nil, nil, "convert", "--split-size", "4KB", "-m", "mappings.example.yaml", "-o", out, "samples/us-orders.csv")
	if res.code != 0 || !strings.Contains(res.stderr, "in 14 activities written in ") {
		t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
	}
	var joined strings.Builder
	for n := 1; ; n++ {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("orders-%04d.ndjson", n)))
		if err != nil {
			if n < 3 {
				t.Fatalf("only %d parts: %v", n-1, err)
			}
			break
		}
		if len(b) > 4000 {
			t.Errorf("part %d is %d bytes, more than 4KB", n, len(b))
		}
		joined.Write(b)
	}
	if joined.String() != whole.stdout {
		t.Error("the parts put together differ from the unsplit output")
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s written besides the parts", out)
	}
}
