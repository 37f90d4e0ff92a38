package main

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"csv2activity/internal/testenv"
)

// An export with broken lines inside multi-line orders, through the binary:
// no activity for those orders, every other order byte-identical to a clean
// run, every line of a broken order in the rejects file. It stays in Go for
// the orders it breaks and the clean export it derives; one big group under
// --max-memory and an activity over --chunk-size are scripts
// (big_group_memory, line_over_chunk).

// brokenExport is an export (its lines, header first, without line breaks)
// with some lines broken, and what a clean run must see.
type brokenExport struct {
	lines     []string
	fallen    map[string][]int // order -> its lines (1-based), when a bad cell makes it fall
	malformed []int            // lines rejected alone (a record without a reliable order id)
}

// breakExport breaks cells in some multi-line orders of an export: every
// 40th order of two lines or more gets a bad cell (on one line, by
// breakCell), and every 97th a record with a field missing. The
// order id is field orderField of a line split by sep.
func breakExport(text, sep string, orderField int, breakCell func(line string, i int) string) *brokenExport {
	e := &brokenExport{lines: strings.Split(strings.TrimRight(text, "\r\n"), "\n"), fallen: map[string][]int{}}
	byOrder := map[string][]int{}
	var orders []string
	for i, l := range e.lines[1:] {
		o := strings.Split(l, sep)[orderField]
		if byOrder[o] == nil {
			orders = append(orders, o)
		}
		byOrder[o] = append(byOrder[o], i+2)
	}
	n := 0
	for _, o := range orders {
		lines := byOrder[o]
		if len(lines) < 2 {
			continue
		}
		switch n++; {
		case n%40 == 4:
			at := lines[n%len(lines)]
			e.lines[at-1] = breakCell(e.lines[at-1], n)
			e.fallen[o] = lines
		case n%97 == 7:
			at := lines[len(lines)-1]
			l := e.lines[at-1]
			e.lines[at-1] = l[:strings.LastIndex(l, sep)] // one field short: rejected alone
			e.malformed = append(e.malformed, at)
		}
	}
	return e
}

// clean is the export without the fallen orders and the malformed lines.
func (e *brokenExport) clean() string {
	drop := map[int]bool{}
	for _, lines := range e.fallen {
		for _, l := range lines {
			drop[l] = true
		}
	}
	for _, l := range e.malformed {
		drop[l] = true
	}
	var keep []string
	for i, l := range e.lines {
		if !drop[i+1] {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n") + "\n"
}

func (e *brokenExport) String() string { return strings.Join(e.lines, "\n") + "\n" }

// checkRejects checks a rejects file against the broken export: every line of
// a fallen order with its order named, the malformed lines alone, nothing
// else.
func (e *brokenExport) checkRejects(t *testing.T, path string) {
	t.Helper()
	want := map[int]string{}
	for o, lines := range e.fallen {
		for _, l := range lines {
			want[l] = fmt.Sprintf("group %q rejected whole", o)
		}
	}
	for _, l := range e.malformed {
		want[l] = "fields, the header has"
	}
	got := map[int]string{}
	rejects, err := testenv.ParseRejects(strings.Join(readLines(t, path), "\n"))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, r := range rejects {
		got[r.Line] = r.Reason
	}
	if len(got) != len(want) {
		t.Errorf("%d lines rejected, want %d", len(got), len(want))
	}
	for l, w := range want {
		if !strings.Contains(got[l], w) || (w == "fields, the header has" && strings.Contains(got[l], "rejected whole")) {
			t.Errorf("line %d: reason %q, want it to name %q", l, got[l], w)
		}
	}
}

// usBroken breaks an American export's quantity or order date.
func usBroken(lines []orderLine) *brokenExport {
	return breakExport(usExport(lines), ",", 1, func(l string, i int) string {
		if i%2 == 0 {
			return l[:strings.LastIndex(l, ",")] + ",two"
		}
		f := strings.SplitN(l, ",", 4)
		f[2] = "13/45/2016"
		return strings.Join(f, ",")
	})
}

// frBroken breaks a French till export's quantity, date or amount.
func frBroken(t *testing.T, lines []orderLine) (*brokenExport, func(string) string) {
	text, err := charmap.Windows1252.NewDecoder().String(frExport(t, lines))
	if err != nil {
		t.Fatal(err)
	}
	e := breakExport(strings.ReplaceAll(text, "\r\n", "\n"), ";", 0, func(l string, i int) string {
		f := strings.Split(l, ";")
		switch i % 3 {
		case 0:
			f[7] = "deux"
		case 1:
			f[1] = "31/02/2024"
		default:
			f[6] = "12,5,0"
		}
		return strings.Join(f, ";")
	})
	encode := func(s string) string {
		b, err := charmap.Windows1252.NewEncoder().String(strings.ReplaceAll(s, "\n", "\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return e, encode
}

func TestWholeOrdersE2E(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(21))
	asExported := genOrders(12000, rng)
	shuffled := slices.Clone(asExported)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	us := usBroken(asExported)
	fr, encode := frBroken(t, shuffled)
	identity := func(s string) string { return s }
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	exports := []struct {
		name, mapping string
		export        *brokenExport
		encode        func(string) string
		modes         [][]string
	}{
		{"american", usMapping(t), us, identity, [][]string{{"--workers", "1"}, {"--workers", "3"}, {"--sorted"}, {"--max-memory", "1MiB"}}},
		{"french windows-1252 shuffled", frMapping, fr, encode, [][]string{{"--workers", "1"}, {"--workers", "3"}, {"--max-memory", "1MiB"}}},
	}
	for _, ex := range exports {
		if len(ex.export.fallen) < 50 || len(ex.export.malformed) < 10 {
			t.Fatalf("%s: %d orders broken, %d lines malformed: too few", ex.name, len(ex.export.fallen), len(ex.export.malformed))
		}
		m := writeFile(t, dir, ex.name+".yaml", ex.mapping)
		in := writeFile(t, dir, ex.name+".csv", ex.encode(ex.export.String()))
		clean := writeFile(t, dir, ex.name+".clean.csv", ex.encode(ex.export.clean()))
		want := runCLI(t, "", nil, nil, "convert", "-m", m, clean)
		if want.code != 0 || strings.Count(want.stdout, "\n") < 3000 {
			t.Fatalf("%s, clean: exit %d, %d activities\n%s", ex.name, want.code, strings.Count(want.stdout, "\n"), want.stderr)
		}
		for _, mode := range ex.modes {
			t.Run(ex.name+" "+strings.Join(mode, " "), func(t *testing.T) {
				out := filepath.Join(dir, "out.ndjson")
				args := append(append([]string{"convert", "-m", m, "-o", out}, mode...), in)
				res := runCLI(t, "", nil, []string{"TMPDIR=" + tmp}, args...)
				if res.code != 3 {
					t.Fatalf("exit %d, want 3\n%s", res.code, res.stderr)
				}
				if got, _ := os.ReadFile(out); string(got) != want.stdout {
					t.Errorf("activities differ from the clean export's")
				}
				rejects := strings.TrimSuffix(out, ".ndjson") + ".rejects.ndjson"
				ex.export.checkRejects(t, rejects)
				groups := fmt.Sprintf("(%d groups rejected whole); rejects in %s;", len(ex.export.fallen), rejects)
				if !strings.Contains(res.stderr, groups) {
					t.Errorf("summary does not say %q:\n%s", groups, res.stderr)
				}
				summaryAddsUp(t, res.stderr)
				if left, _ := os.ReadDir(tmp); len(left) != 0 {
					t.Errorf("left in TMPDIR: %v", left)
				}
			})
		}
	}
	t.Run("american through import", func(t *testing.T) {
		sb := startSandbox(t, "--quiet")
		m := filepath.Join(dir, "american.yaml")
		want := runCLI(t, "", nil, nil, "convert", "-m", m, filepath.Join(dir, "american.clean.csv"))
		rejects := filepath.Join(dir, "import.rejects.ndjson")
		res := runCLI(t, "", nil, sb.env("7"), "import", "-m", m, "--chunk-size", "256KB", "--state", filepath.Join(dir, "state.json"),
			"--rejects", rejects, filepath.Join(dir, "american.csv"))
		if res.code != 3 {
			t.Fatalf("import: exit %d, want 3\n%s", res.code, res.stderr)
		}
		assertOnce(t, sb.stored(t, "7"), strings.Split(strings.TrimSuffix(want.stdout, "\n"), "\n"))
		us.checkRejects(t, rejects)
		if !strings.Contains(res.stderr, "rejects in "+rejects) {
			t.Errorf("the summary does not name the rejects file:\n%s", res.stderr)
		}
	})
}

// summaryAddsUp finds the summary line in a run's standard error and checks
// that its counts add up: read = in activities + filtered + rejected (+ not
// converted, when the run stopped). It returns the counts.
func summaryAddsUp(t *testing.T, stderr string) map[string]int {
	t.Helper()
	n, err := summaryCounts(stderr)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// summaryCounts reads the counts of the summary line in a run's standard
// error (read, in, activities, filtered, rejected, unconverted) and checks
// that they add up.
func summaryCounts(stderr string) (map[string]int, error) {
	re := regexp.MustCompile(`(\d+) rows read: (\d+) in (\d+) activities[^,]*, (\d+) filtered by where, (\d+) rejected[^,;]*(?:, (\d+) not converted because the run stopped)?;`)
	m := re.FindStringSubmatch(stderr)
	if m == nil {
		return nil, fmt.Errorf("no summary in:\n%s", stderr)
	}
	n := map[string]int{}
	for i, name := range []string{"read", "in", "activities", "filtered", "rejected", "unconverted"} {
		n[name], _ = strconv.Atoi(m[i+1])
	}
	if n["read"] != n["in"]+n["filtered"]+n["rejected"]+n["unconverted"] {
		return n, fmt.Errorf("the summary does not add up: %s", m[0])
	}
	return n, nil
}
