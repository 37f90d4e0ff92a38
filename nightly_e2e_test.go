package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The kill -9 case of nightly imports (the others are scripts:
// testdata/script/nightly_*.txtar): an import --only-new killed midway, then
// resumed, leaves the journal and the sandbox agreeing, every order stored
// once.

const nightlyMapping = `version: 1
columns:
  date: {type: time, format: iso8601}
  qty: int
  price: decimal
group_by: ${ order_id }
activity:
  $type: TOUCH
  $session_status: NO_SESSION
  $ts: ${ date }
  $user_account_id: ${ customer }
  $compartment_id: "1"
  $events:
    - $event_name: $transaction_confirmed
      $ts: ${ date }
      $properties:
        order_id: ${ order_id }
        $items:
          for_each: rows
          item:
            $id: ${ sku }
            $qty: ${ qty }
            $price: ${ price }
`

// nightlyExport writes an export of orders first to last (two rows each).
func nightlyExport(t *testing.T, dir, name string, first, last int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("order_id,date,customer,sku,qty,price\n")
	for o := first; o <= last; o++ {
		for line := 1; line <= 2; line++ {
			fmt.Fprintf(&b, "T%d,2024-03-%02dT10:00:00Z,C%d,SKU-%d-%d,%d,%d.50\n", o, 1+o%28, o%97, o, line, line, o%40)
		}
	}
	return writeFile(t, dir, name, b.String())
}

// importsStored counts the lines the sandbox stored per document import, and
// per order_id across them.
func importsStored(t *testing.T, sb *sandboxProc, datamart string) (perImport map[string]int, perOrder map[string]int) {
	t.Helper()
	perImport, perOrder = map[string]int{}, map[string]int{}
	paths, _ := filepath.Glob(filepath.Join(sb.dir, datamart, "*", "*.ndjson"))
	id := regexp.MustCompile(`"order_id":"(T\d+)"`)
	for _, p := range paths {
		for _, l := range readLines(t, p) {
			perImport[filepath.Base(filepath.Dir(p))]++
			m := id.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("%s: a line without order_id: %s", p, l)
			}
			perOrder[m[1]]++
		}
	}
	return perImport, perOrder
}

type historyRun struct {
	ID       int64  `json:"run"`
	ImportID string `json:"import_id"`
	Sent     int    `json:"sent"`
	Skipped  int    `json:"skipped"`
	Status   string `json:"status"`
}

func historyRuns(t *testing.T, journal string) []historyRun {
	t.Helper()
	res := runCLI(t, "", nil, nil, "history", "--json", "--journal", journal)
	if res.code != 0 {
		t.Fatalf("history: exit %d\n%s", res.code, res.stderr)
	}
	var runs []historyRun
	for _, l := range strings.Split(strings.TrimSpace(res.stdout), "\n") {
		var r historyRun
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("history --json: %q: %v", l, err)
		}
		runs = append(runs, r)
	}
	return runs
}

func TestNightlyImportKill9E2E(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, "--fail-rate", "0.2", "--latency", "30ms", "--seed", "17", "--quiet")
	dir := t.TempDir()
	mapping := writeFile(t, dir, "mapping.yaml", nightlyMapping)
	journal := filepath.Join(dir, "nightly.journal")
	night1 := nightlyExport(t, dir, "night1.csv", 1, 75)
	night2 := nightlyExport(t, dir, "night2.csv", 51, 200)
	// Night 2's 125 new orders (40 KB) in chunks of 1KB: two kills use at
	// most 8 of its 40 chunks, and the rest, at 30ms an answer, is the
	// slack for killMidway's poll to wake late on a loaded machine: a kill
	// 1.4 s late still lands midway. In chunks of 2KB, one 1 s late let the
	// killed run finish, and the test failed.
	flags := []string{"import", "-m", mapping, "--only-new", "--journal", journal, "--chunk-size", "1KB",
		"--retry-wait", "10ms", "--settle", "300ms", "--max-retries", "20"}

	state1 := filepath.Join(dir, "night1.state.json")
	res := runCLI(t, "", nil, sb.env("6"), slices.Concat(flags, []string{"--state", state1, night1})...)
	if res.code != 0 || !strings.Contains(res.stderr, "only-new: 75 sent, 0 already imported, skipped") {
		t.Fatalf("night 1: exit %d\n%s", res.code, res.stderr)
	}

	state2 := filepath.Join(dir, "night2.state.json")
	args := slices.Concat(flags, []string{"--state", state2, night2})
	rng := rand.New(rand.NewPCG(17, 2))
	outputs := []string{res.stderr}
	for kill := 1; kill <= 2; kill++ {
		outputs = append(outputs, killMidway(t, rng, sb.env("6"), args, state2))
	}
	res = runCLI(t, "", nil, sb.env("6"), slices.Concat(flags, []string{"--state", state2, "--wait", night2})...)
	outputs = append(outputs, res.stdout, res.stderr, sb.out.String())
	if res.code != 0 {
		t.Fatalf("the resumed night 2: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "only-new: 125 sent, 25 already imported, skipped") {
		t.Errorf("the resumed night 2 says:\n%s\nwant 125 sent, 25 skipped", res.stderr)
	}
	if _, _, before := uploadSummary(t, res.stderr); before == 0 {
		t.Errorf("the resumed night 2 found no chunk sent before it: the kills did not stop it midway")
	}

	perImport, perOrder := importsStored(t, sb, "6")
	if len(perOrder) != 200 {
		t.Errorf("the sandbox holds %d orders, want 200", len(perOrder))
	}
	for id, n := range perOrder {
		if n != 1 {
			t.Errorf("order %s stored %d times, want once", id, n)
		}
	}
	// Every run that sent something is an import of the sandbox holding as
	// many lines as the journal says it sent.
	sent := 0
	for _, r := range historyRuns(t, journal) {
		sent += r.Sent
		if r.Sent > 0 && perImport[r.ImportID] != r.Sent {
			t.Errorf("run %d: the journal says %d sent in import %s, the sandbox holds %d", r.ID, r.Sent, r.ImportID, perImport[r.ImportID])
		}
		if r.ImportID != "" && r.Status != "succeeded" {
			t.Errorf("run %d (import %s): status %s, want succeeded", r.ID, r.ImportID, r.Status)
		}
	}
	if sent != 200 {
		t.Errorf("the journal records %d lines sent, want 200", sent)
	}
	// An order of the killed night was sent once, by night 2.
	res = runCLI(t, "", nil, nil, "history", "--journal", journal, "--key", "T150")
	if res.code != 0 || strings.Count(res.stdout, "T150 sent ") != 1 {
		t.Errorf("history --key T150: exit %d\n%s\nwant one sending", res.code, res.stdout)
	}
	if fi, err := os.Stat(journal); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("journal: %v, mode %v, want 0600", err, fi.Mode().Perm())
	}
	assertNoTokenIn(t, outputs, dir)
}
