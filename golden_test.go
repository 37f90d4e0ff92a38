package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"csv2activity/activity"
	"csv2activity/mapping"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden converts every case of testdata/golden: each folder CASE holds
// input.csv and mapping.yaml (links to the shipped samples, or files of its
// own) and want.ndjson, what convert writes, with no rejected row and every
// line passing the rules of its document type (the activity rules, or
// those of the mapping's document_type). A new folder is a new case.
//
//	go test -run TestGolden/CASE -update    rewrites CASE/want.ndjson
func TestGolden(t *testing.T) {
	t.Parallel()
	cases, err := filepath.Glob(filepath.Join("testdata", "golden", "*", "want.ndjson"))
	if err != nil || len(cases) < 3 {
		t.Fatalf("golden cases: %v (%v), want at least the 3 samples", cases, err)
	}
	for _, golden := range cases {
		dir := filepath.Dir(golden)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "out.ndjson")
			res := runCLI(t, "", nil, nil, "convert", "-m", filepath.Join(dir, "mapping.yaml"), "-o", out, filepath.Join(dir, "input.csv"))
			if res.code != 0 {
				t.Fatalf("exit %d, want 0; stderr:\n%s", res.code, res.stderr)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			m, err := mapping.Load(filepath.Join(dir, "mapping.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			validate := activity.ValidateLine
			if r := m.DocumentType.Rules(); r != nil {
				validate = r.ValidateLine
			}
			for i, line := range strings.Split(strings.TrimSuffix(string(got), "\n"), "\n") {
				if err := validate([]byte(line)); err != nil {
					t.Errorf("line %d breaks a rule: %v", i+1, err)
				}
			}
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("output differs from %s: diff it with %s (go test -run TestGolden -update rewrites it)", golden, out)
			}
		})
	}
}
