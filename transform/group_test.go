package transform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"slices"
	"strings"
	"testing"

	"csv2activity/internal/bytesize"
	"csv2activity/internal/testenv"
	"csv2activity/mapping"
)

// runInput runs cfg over input given as standard input and returns the
// ndjson, the rejects, the summary and the error.
func runInput(t *testing.T, cfg Config, input []byte) (string, string, Summary, error) {
	t.Helper()
	var out, rej bytes.Buffer
	cfg.Stdin = bytes.NewReader(input)
	sum, err := Run(context.Background(), cfg, []string{"-"}, &out, &rej)
	if got := sum.InActivities + sum.Filtered + sum.Rejected + sum.Unconverted; sum.Read != got {
		t.Errorf("summary does not add up: %d read, %d in activities + %d filtered + %d rejected + %d not converted = %d", sum.Read, sum.InActivities, sum.Filtered, sum.Rejected, sum.Unconverted, got)
	}
	if n := strings.Count(rej.String(), "\n"); n != sum.Rejected {
		t.Errorf("%d rejects written, the summary says %d", n, sum.Rejected)
	}
	if n := strings.Count(out.String(), "\n"); n != sum.Activities {
		t.Errorf("%d activities written, the summary says %d", n, sum.Activities)
	}
	return out.String(), rej.String(), sum, err
}

func parseMapping(t *testing.T, text string) *mapping.Mapping {
	t.Helper()
	m, err := mapping.Parse("m.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// rejectsOf reads a rejects file's objects, reason by line; a line rejected
// twice is an error.
func rejectsOf(t *testing.T, rej string) map[int]string {
	t.Helper()
	rejects, err := testenv.ParseRejects(rej)
	if err != nil {
		t.Fatal(err)
	}
	byLine := map[int]string{}
	for _, r := range rejects {
		if _, dup := byLine[r.Line]; dup {
			t.Errorf("line %d rejected twice", r.Line)
		}
		byLine[r.Line] = r.Reason
	}
	return byLine
}

// brokenOrders makes an export of multi-line orders, shuffled or not, in
// which some orders have a bad cell on one of their lines; it returns the
// export, the same without the broken orders' lines, the same without the
// bad lines alone, and the lines of the broken orders by order.
func brokenOrders(n int, shuffle bool, seed int64) (input, withoutOrders, withoutRows []byte, broken map[string][]int) {
	rng := rand.New(rand.NewSource(seed))
	type line struct{ order, text string }
	var lines []line
	for o := 0; len(lines) < n; o++ {
		order := fmt.Sprintf("T%05d", o)
		items := 1 + rng.Intn(4)
		bad := -1
		if items > 1 && o%11 == 5 {
			bad = rng.Intn(items)
		}
		for i := range items {
			qty := fmt.Sprint(1 + rng.Intn(5))
			if i == bad {
				qty = []string{"deux", "", "1.5"}[o%3]
			}
			lines = append(lines, line{order, fmt.Sprintf("%s,C%03d,SKU-%d,%s,%d.%02d", order, o%300, rng.Intn(900), qty, rng.Intn(90), rng.Intn(100))})
			if i == bad {
				lines[len(lines)-1].order = "!" + order
			}
		}
	}
	if shuffle {
		rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	}
	fallen := map[string]bool{}
	for _, l := range lines {
		if strings.HasPrefix(l.order, "!") {
			fallen[l.order[1:]] = true
		}
	}
	const header = "order,customer,sku,qty,price\n"
	all, noOrders, noRows := []string{header}, []string{header}, []string{header}
	broken = map[string][]int{}
	for i, l := range lines {
		order := strings.TrimPrefix(l.order, "!")
		all = append(all, l.text+"\n")
		if fallen[order] {
			broken[order] = append(broken[order], i+2)
		} else {
			noOrders = append(noOrders, l.text+"\n")
		}
		if !strings.HasPrefix(l.order, "!") {
			noRows = append(noRows, l.text+"\n")
		}
	}
	return []byte(strings.Join(all, "")), []byte(strings.Join(noOrders, "")), []byte(strings.Join(noRows, "")), broken
}

// TestWholeGroups: with group_by, an order with a rejected line is rejected
// whole by default (every line in the rejects file, the activities of the
// other orders exactly those of an export without it), and written without
// the line with on_rejected_row: drop_row; in memory, spilled, --sorted,
// with one worker or several.
func TestWholeGroups(t *testing.T) {
	t.Parallel()
	for _, shuffle := range []bool{false, true} {
		input, withoutOrders, withoutRows, broken := brokenOrders(3000, shuffle, 11)
		if len(broken) < 20 {
			t.Fatalf("only %d broken orders", len(broken))
		}
		for _, policy := range []string{mapping.RejectGroup, mapping.DropRow} {
			m := parseMapping(t, orderMapping+"on_rejected_row: "+policy+"\n")
			clean := withoutOrders
			if policy == mapping.DropRow {
				clean = withoutRows
			}
			want, _, _, err := runInput(t, Config{Mapping: m, MaxErrors: -1}, clean)
			if err != nil {
				t.Fatal(err)
			}
			modes := []struct {
				name string
				cfg  Config
			}{
				{"in memory, 1 worker", Config{Workers: 1}},
				{"in memory, 3 workers", Config{Workers: 3}},
				{"spilled", Config{Workers: 3, MaxMemory: 64 << 10}},
				{"sorted", Config{Workers: 3, Sorted: true}},
			}
			for _, mode := range modes {
				if mode.cfg.Sorted && shuffle {
					continue
				}
				t.Run(fmt.Sprintf("%s/shuffled=%v/%s", policy, shuffle, mode.name), func(t *testing.T) {
					cfg := mode.cfg
					cfg.Mapping, cfg.MaxErrors = m, -1
					got, rej, sum, err := runInput(t, cfg, input)
					if err != nil {
						t.Fatal(err)
					}
					if got != want {
						t.Errorf("activities differ from those of the export without the broken %s", map[string]string{mapping.RejectGroup: "orders", mapping.DropRow: "lines"}[policy])
					}
					checkBrokenRejects(t, rejectsOf(t, rej), broken, policy)
					if wantGroups := len(broken); policy == mapping.RejectGroup && sum.GroupsRejected != wantGroups {
						t.Errorf("%d groups rejected, want %d", sum.GroupsRejected, wantGroups)
					}
				})
			}
		}
	}
}

// checkBrokenRejects checks that every line of a broken order is rejected,
// the bad line with its own reason and its order, the others with what made
// the order fall; with drop_row, only the bad lines, alone.
func checkBrokenRejects(t *testing.T, rejects map[int]string, broken map[string][]int, policy string) {
	t.Helper()
	wantRejects := 0
	for order, lines := range broken {
		var bad int
		for _, l := range lines {
			if r := rejects[l]; strings.HasPrefix(r, `column "qty"`) {
				bad = l
			}
		}
		if bad == 0 {
			t.Fatalf("order %s: no line rejected for its qty: %q", order, rejects[lines[0]])
		}
		if policy == mapping.DropRow {
			wantRejects++
			if strings.Contains(rejects[bad], "rejected whole") {
				t.Errorf("drop_row: line %d: %s", bad, rejects[bad])
			}
			continue
		}
		wantRejects += len(lines)
		for _, l := range lines {
			reason := rejects[l]
			want := fmt.Sprintf(`group %q rejected whole: line %d: column "qty"`, order, bad)
			if l == bad {
				want = fmt.Sprintf(`; group %q rejected whole`, order)
			}
			if !strings.Contains(reason, want) {
				t.Errorf("order %s line %d: reason %q, want it to hold %q", order, l, reason, want)
			}
		}
	}
	if len(rejects) != wantRejects {
		t.Errorf("%d lines rejected, want %d", len(rejects), wantRejects)
	}
}

// TestRejectedRowGroup: the group of a row rejected while reading is known
// from the cells group_by reads; a row whose key cannot be computed, or that
// where leaves out, is rejected alone.
func TestRejectedRowGroup(t *testing.T) {
	t.Parallel()
	const base = `version: 1
columns:
  qty: int
  price: decimal
  day: {type: time, format: "%Y-%m-%d"}
activity:
  $type: TOUCH
  $ts: ${ day }
  $user_account_id: ${ customer }
  items:
    for_each: rows
    item: ${ sku + "x" + string(qty) }
`
	const header = "order,customer,sku,qty,price,day\n"
	good := "A,c1,a1,1,1.00,2024-03-05\n"
	tests := []struct {
		name, mapping, row string
		fallen             bool // A falls with the row
	}{
		{"bad cell outside the key", "group_by: ${ order }\n", "A,c1,a2,deux,1.00,2024-03-05\n", true},
		{"bad date outside the key", "group_by: ${ order }\n", "A,c1,a2,2,1.00,2024-02-31\n", true},
		{"key from a typed column", "group_by: ${ string(qty) + order }\n", "A,c1,a2,1,1.0.0,2024-03-05\n", true},
		{"bad cell in the key", "group_by: ${ string(qty) + order }\n", "A,c1,a2,deux,1.00,2024-03-05\n", false},
		{"empty key", "group_by: ${ order }\n", ",c1,a2,deux,1.00,2024-03-05\n", false},
		{"key reads the whole row", "group_by: ${ row.order }\n", "A,c1,a2,deux,1.00,2024-03-05\n", false},
		{"where leaves the row out", "where: ${ customer != \"\" }\ngroup_by: ${ order }\n", "A,,a2,deux,1.00,2024-03-05\n", false},
		{"where keeps the row", "where: ${ customer != \"\" }\ngroup_by: ${ order }\n", "A,c1,a2,deux,1.00,2024-03-05\n", true},
		{"where cannot tell", "where: ${ qty > 0 }\ngroup_by: ${ order }\n", "A,c1,a2,deux,1.00,2024-03-05\n", true},
		{"where fails on the row", "where: ${ price / (qty - 2) != 0 }\ngroup_by: ${ order }\n", "A,c1,a2,2,1.00,2024-03-05\n", true},
		{"too few fields", "group_by: ${ order }\n", "A,c1,a2,1\n", false},
		{"unclosed quote", "group_by: ${ order }\n", "A,c1,\"a2\"x,1,1.00,2024-03-05\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := parseMapping(t, base+tt.mapping)
			for _, sorted := range []bool{false, true} {
				_, rej, sum, err := runInput(t, Config{Mapping: m, MaxErrors: -1, Sorted: sorted}, []byte(header+good+tt.row+good))
				if err != nil {
					t.Fatal(err)
				}
				rejects := rejectsOf(t, rej)
				if len(rejects) == 0 || rejects[3] == "" {
					t.Fatalf("sorted %v: line 3 not rejected: %v", sorted, rejects)
				}
				fell := len(rejects) == 3
				if fell != tt.fallen || (fell && sum.GroupsRejected != 1) || (!fell && (len(rejects) != 1 || sum.Activities != 1)) {
					t.Errorf("sorted %v: rejects %v, %d activities, %d groups rejected; want group A fallen: %v", sorted, rejects, sum.Activities, sum.GroupsRejected, tt.fallen)
				}
			}
		})
	}
}

// TestStopAddsUp: a run stopped by --max-errors or an interruption still
// accounts for every row read, whether it was reading rows, building
// groups or streaming them, and says that it stopped.
func TestStopAddsUp(t *testing.T) {
	t.Parallel()
	input, clean, _, _ := brokenOrders(6000, true, 12)
	_, sortedClean, _, _ := brokenOrders(6000, false, 12)
	// A mapping whose activity breaks a rule for some groups: rejected
	// only once the groups are built.
	late := strings.Replace(orderMapping, "$ts: 1700000000000", "$ts: '${ qty == 3 ? 17 : 1700000000000 }'", 1)
	perLine := strings.Replace(orderMapping, "group_by: ${ order }\n", "", 1)
	tests := []struct {
		name, mapping string
		cfg           Config
		input         []byte
		building      bool // stopped while building groups: some written
	}{
		{"per line", perLine, Config{Workers: 2}, input, true},
		{"groups, while reading", orderMapping, Config{Workers: 2}, input, false},
		{"groups, while building", late, Config{Workers: 2}, clean, true},
		{"groups spilled, while building", late, Config{Workers: 2, MaxMemory: 32 << 10}, clean, true},
		{"sorted", late, Config{Workers: 2, Sorted: true}, sortedClean, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Mapping, cfg.MaxErrors = parseMapping(t, tt.mapping), 40
			_, _, sum, err := runInput(t, cfg, tt.input)
			var tooMany *TooManyRejectsError
			if !errors.As(err, &tooMany) || !sum.Stopped || sum.Rejected != 41 {
				t.Fatalf("got %v, %+v; want a stop after 41 rejects", err, sum)
			}
			if !strings.Contains(sum.String(), fmt.Sprintf(", %d not converted because the run stopped", sum.Unconverted)) {
				t.Errorf("summary %q does not say the run stopped", sum)
			}
			if tt.name != "per line" && sum.Unconverted == 0 {
				t.Errorf("stopped with no row waiting for its group: %+v", sum)
			}
			if (sum.Activities > 0) != tt.building {
				t.Errorf("stopped after %d activities; want the stop while building groups: %v", sum.Activities, tt.building)
			}
		})
	}
	t.Run("interrupted", func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(context.Background())
		m := parseMapping(t, orderMapping)
		var out bytes.Buffer
		rej := &cancelAfter{n: 20, cancel: cancel}
		cfg := Config{Mapping: m, MaxErrors: -1, Workers: 2, Stdin: bytes.NewReader(input)}
		sum, err := Run(ctx, cfg, []string{"-"}, &out, rej)
		if !errors.Is(err, context.Canceled) || !sum.Stopped || sum.Read == 0 {
			t.Fatalf("got %v, %+v; want an interrupted run", err, sum)
		}
		if got := sum.InActivities + sum.Filtered + sum.Rejected + sum.Unconverted; got != sum.Read {
			t.Errorf("%+v does not add up", sum)
		}
	})
}

// cancelAfter is a rejects writer that cancels the run after n lines.
type cancelAfter struct {
	n      int
	cancel context.CancelCauseFunc
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	if c.n -= bytes.Count(p, []byte("\n")); c.n <= 0 {
		c.cancel(context.Canceled)
	}
	return len(p), nil
}

// TestBigGroup: a group whose rows take more than its share of the memory
// budget is rejected whole, its rows streamed to the rejects file, while the
// other groups are written as without it; in memory, spilled and --sorted.
func TestBigGroup(t *testing.T) {
	m := parseMapping(t, orderMapping)
	var lines, without []string
	for i := range 500 {
		lines = append(lines, fmt.Sprintf("O%04d,C1,SKU-%d,1,2.50\n", i%200, i))
		if i%3 == 0 {
			lines = append(lines, fmt.Sprintf("BIG,C2,SKU-%d,2,1.25\n", i))
		}
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "BIG,") {
			without = append(without, l)
		}
	}
	const header = "order,customer,sku,qty,price\n"
	export := func(lines []string) []byte { return []byte(header + strings.Join(lines, "")) }
	for _, tt := range []struct {
		name   string
		budget int64
		sorted bool
	}{
		{"in memory", 64 << 10, false},
		{"spilled", 16 << 10, false},
		{"sorted", 16 << 10, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in, out := lines, without
			if tt.sorted {
				in, out = sortByOrder(lines), sortByOrder(without)
			}
			want, _, _, err := runInput(t, Config{Mapping: m, MaxErrors: -1}, export(out))
			if err != nil {
				t.Fatal(err)
			}
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			cfg := Config{Mapping: m, MaxErrors: -1, Workers: 2, MaxMemory: tt.budget, Sorted: tt.sorted}
			got, rej, sum, err := runInput(t, cfg, export(in))
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("the other groups' activities differ from a run without the big group")
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("spill files left behind: %v", left)
			}
			rejects := rejectsOf(t, rej)
			if len(rejects) != len(lines)-len(without) || sum.GroupsRejected != 1 {
				t.Fatalf("%d rows rejected, %d groups; want the %d rows of the big group, 1 group", len(rejects), sum.GroupsRejected, len(lines)-len(without))
			}
			prefix := fmt.Sprintf(`group "BIG" rejected whole: its rows take more than %s`, bytesize.Format(tt.budget/groupShare))
			for _, reason := range rejects {
				if !strings.HasPrefix(reason, prefix) {
					t.Fatalf("reason %q, want %q…", reason, prefix)
				}
			}
		})
	}
}

// sortByOrder sorts export lines by their first field, stably.
func sortByOrder(lines []string) []string {
	out := slices.Clone(lines)
	slices.SortStableFunc(out, func(a, b string) int {
		return strings.Compare(a[:strings.IndexByte(a, ',')], b[:strings.IndexByte(b, ',')])
	})
	return out
}

// TestLineLimit: an activity line longer than an upload execution may hold
// is rejected, never written, on the grouped and the per-line paths.
func TestLineLimit(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("order,customer,sku,qty,price\n")
	for i := range 40 {
		fmt.Fprintf(&b, "A,C1,SKU-%d,1,2.50\n", i)
	}
	b.WriteString("B,C2,SKU-1,1,2.50\n")
	m := parseMapping(t, orderMapping)
	out, rej, sum, err := runInput(t, Config{Mapping: m, MaxErrors: -1, MaxLineSize: 300}, []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	rejects := rejectsOf(t, rej)
	if sum.Activities != 1 || len(rejects) != 40 || !strings.Contains(rejects[2], `group "A" rejected whole: the activity is`) || !strings.Contains(rejects[2], "more than the 300 bytes an upload execution may hold") {
		t.Errorf("got %d activities, rejects %d: %q", sum.Activities, len(rejects), rejects[2])
	}
	if !strings.Contains(out, `"items":["SKU-1x1"]`) {
		t.Errorf("group B not written: %s", out)
	}
	perLine := `version: 1
activity:
  $type: TOUCH
  $ts: 1700000000000
  $user_account_id: ${ customer }
  sku: ${ sku }
`
	input := "customer,sku\nC1,short\nC2," + strings.Repeat("x", 200) + "\n"
	out, rej, _, err = runInput(t, Config{Mapping: parseMapping(t, perLine), MaxErrors: -1, MaxLineSize: 150}, []byte(input))
	if err != nil || strings.Count(out, "\n") != 1 || !strings.Contains(rejectsOf(t, rej)[3], "more than the 150 bytes") {
		t.Errorf("per line: err %v, out %s, rejects %s", err, out, rej)
	}
}
