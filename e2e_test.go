package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"csv2activity/activity"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// samples are the shipped exports and their mappings; each converts, with no
// rejected row, to testdata/golden/NAME.ndjson.
var samples = []struct {
	name, mapping, input string
}{
	{"us-orders", "mappings.example.yaml", "samples/us-orders.csv"},
	{"fr-caisse", "samples/fr-caisse.yaml", "samples/fr-caisse.csv"},
	{"loyalty", "samples/loyalty.yaml", "samples/loyalty.csv"},
}

func TestSamples(t *testing.T) {
	t.Parallel()
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), s.name+".ndjson")
			res := runCLI(t, "", nil, nil, "convert", "-m", s.mapping, "-o", out, s.input)
			if res.code != 0 {
				t.Fatalf("exit %d, want 0; stderr:\n%s", res.code, res.stderr)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(strings.TrimSuffix(string(got), "\n"), "\n") {
				if err := activity.ValidateLine([]byte(line)); err != nil {
					t.Errorf("line %d breaks a rule: %v", i+1, err)
				}
			}
			golden := filepath.Join("testdata", "golden", s.name+".ndjson")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestSamples -update to create it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("output differs from %s: diff it with %s (go test -run TestSamples -update rewrites it)", golden, out)
			}
		})
	}
}
