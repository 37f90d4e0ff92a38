package mapping

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestBudgetRejects runs expressions that would take gigabytes or minutes:
// each must fail with ErrBudget, quickly, having allocated little. The step
// budget (MaxSteps closure steps, seconds of work to reach) and a join that
// builds 64 MiB are paid once, through the binary:
// testdata/script/expression_budget.txtar, steps.yaml and joining.yaml.
func TestBudgetRejects(t *testing.T) {
	t.Parallel() // seconds of CPU: beside the package's other tests
	tests := []struct{ src, want string }{
		{`repeat(repeat("x", 100000), 1000000)`, "repeat would build a string of 100000000000 bytes"},
		{`repeat("x", 2000000)`, "repeat would build a string of 2000000 bytes"},
		{`reduce(1..40, #acc + #acc, "x")`, "#acc + #acc: expression budget exceeded: + would build"},
		{`reduce(1..100, #acc + #acc, Customer_ID)`, "+ would build"},
		{`let s = repeat("x", 600000); s + s`, "s + s: expression budget exceeded"},
		{`join(map(1..2000, repeat("x", 1000)), "")`, "join would build a string of 2000000 bytes"},
		{`replace(repeat("x", 2000), "x", repeat("y", 2000))`, "replace would build a string of 4000000 bytes"},
		{`replace(repeat("x", 400000), "", "yy")`, "replace would build a string of 1200002 bytes"},
		{`let s = repeat("x", 1000000); map(1..100, upper(s))`, "built more than 64 MiB"},
		{`let s = repeat("a,", 500000); map(1..100, split(s, ","))`, "built more than 64 MiB"},
		{`let s = repeat("x", 700000); string([s, s])`, "string would build a string of"},
		{`let s = repeat("x", 700000); toJSON([s, s])`, "toJSON would build a string of"},
		{`toBase64(toBase64(repeat("x", 700000)))`, "toBase64 would build a string of"},
		{`let s = repeat("x", 100000); sha256(map(1..100, s))`, "the text of a []interface {} would build"},
		{`let s = repeat("x", 1000000); map(1..100, s)`, "built more than 64 MiB"},
		{`1..2000000`, "lists and maps of more than 1000000 elements"},
		{`map(1..600000, [#, #])`, "lists and maps of more than 1000000 elements"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, err := apply(t, typedColumns+"activity:\n  v: '${ "+tt.src+" }'\n", row1)
			if !errors.Is(err, ErrBudget) {
				t.Fatalf("got %.100s, %v; want a budget error", got, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to hold %q", err, tt.want)
			}
		})
	}
}

// TestInterpolationBudget bounds the text around ${ }.
func TestInterpolationBudget(t *testing.T) {
	_, err := apply(t, typedColumns+"activity:\n  v: 'a ${ repeat(\"x\", 600000) } b ${ repeat(\"y\", 600000) }'\n", row1)
	if !errors.Is(err, ErrBudget) || !strings.Contains(err.Error(), "the text would build a string of") {
		t.Fatalf("got %v, want a budget error on the text", err)
	}
}

// TestBoundedBuiltins checks that the bounded builtins give expr's results.
func TestBoundedBuiltins(t *testing.T) {
	tests := []struct{ src, want string }{
		{`repeat("ab", 3)`, `"ababab"`},
		{`repeat("ab", 0)`, `""`},
		{`replace("aXbX", "X", "--")`, `"a--b--"`},
		{`replace("aXbX", "X", "--", 1)`, `"a--bX"`},
		{`replace("ab", "", "-")`, `"-a-b-"`},
		{`join(split("a,b,c", ","), "-")`, `"a-b-c"`},
		{`join(["a", "b"])`, `"ab"`},
		{`string(12) + string([1, "a"])`, `"12[1 a]"`},
		{`toJSON({"a": [1, 2]})`, `"{\n  \"a\": [\n    1,\n    2\n  ]\n}"`},
		{`toBase64("hi") + fromBase64(toBase64("hé"))`, `"aGk=hé"`},
		{`upper(Customer_ID) + lower("ÉA")`, `"C-042éa"`},
		{`keys({"a": 1})`, `["a"]`},
		{`fromJSON("[1,2]")`, `[1,2]`},
		{`normalize_email(" A@B.fr ")`, `"a@b.fr"`},
		{`len(split(Customer_ID, "")) + len(uniq([1, 1, 2]))`, `7`},
		{`Customer_ID + "/" + Product_ID`, `"C-042/P-1"`},
		{`"label ${ Customer_ID }"`, `"label ${ Customer_ID }"`},
		{`sum(map(rows, len(upper(#.Customer_ID))))`, `5`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, err := apply(t, typedColumns+"activity:\n  v: '${ "+strings.ReplaceAll(tt.src, "'", "''")+" }'\n", row1)
			if err != nil {
				t.Fatal(err)
			}
			if want := `{"v":` + tt.want + `}`; got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

// TestStopWhen checks that a stopped run stops an expression that would
// run for minutes, within a step.
func TestStopWhen(t *testing.T) {
	// 999^3 closure steps with a regexp match on a 64 KiB string each: hours.
	m, err := parse("m.yaml", []byte("version: 1\nactivity:\n  v: '${ let r = 1..999; count(r, count(r, Customer_ID + repeat(\"x\", 65536) matches \"(x|y)+z\") == 0) }'\n"), false)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Compile(testHeader)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.StopWhen(ctx)
	vals, err := p.Row(row1)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := p.NewEvaluator().Apply([][]any{vals})
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("the expression ended before it was stopped: %v", err)
	case <-time.After(100 * time.Millisecond): // running: it would take hours
	}
	stopped := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, ErrInterrupted) {
			t.Errorf("got %v, want ErrInterrupted", err)
		}
		if d := time.Since(stopped); d > 5*time.Second {
			t.Errorf("stopped after %v", d)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the expression did not stop")
	}
}

// TestTimeFormatCacheBounded: a time() format that varies from row to row
// is parsed right, and the cache of compiled formats stops growing.
func TestTimeFormatCacheBounded(t *testing.T) {
	for i := range 500 {
		format := fmt.Sprintf("%%Y-%%m-%%d/%d", i)
		tm, err := parseTimeFormat(fmt.Sprintf("2024-03-05/%d", i), format, time.UTC)
		if err != nil || tm.Day() != 5 {
			t.Fatalf("format %s: got %v, %v", format, tm, err)
		}
	}
	n := 0
	layouts.Range(func(_, _ any) bool { n++; return true })
	if n > maxLayouts || layoutsCount.Load() > maxLayouts {
		t.Errorf("%d formats cached (count %d), want at most %d", n, layoutsCount.Load(), maxLayouts)
	}
}

// TestGuardNamesAreNotColumns checks that columns named as the guard and its
// step do not take their places: closures still count their steps, the
// columns are read by row["…"], and an expression that names one is told so.
func TestGuardNamesAreNotColumns(t *testing.T) {
	header := []string{stepName, guardName, "id"}
	const head = "version: 1\nactivity:\n  $type: TOUCH\n  $ts: 1700000000000\n  $user_account_id: ${ id }\n"
	m, err := parse("m.yaml", []byte(head+"  n: '${ count([1, 2, 3], # > 1) }'\n  s: '${ row[\"__step\"] + row[\"__guard\"] }'\n"), false)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Compile(header)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := p.NewEvaluator().AppendRow(nil, []string{"a", "b", "c"})
	if want := `{"$type":"TOUCH","$ts":1700000000000,"$user_account_id":"c","n":2,"s":"ab"}` + "\n"; err != nil || string(got) != want {
		t.Errorf("got %s, %v; want %s", got, err, want)
	}
	for _, name := range []string{stepName, guardName} {
		m, err := parse("m.yaml", []byte(head+"  n: '${ let named = "+name+"; count([1, 2, 3], # > 1) }'\n"), false)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf(`unknown column %s (did you mean row["%s"]?)`, name, name)
		if _, err := m.Compile(header); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("naming %s: %v, want %q", name, err, want)
		}
	}
}

// BenchmarkClosureSteps runs a million closure steps (a count within a
// count), each counted by the guard: 157 ms a run when the step was an
// expr.Function given the guard (a lookup of its name and a slice of
// arguments each time), 114 ms as the guard's own func() bool, 67 ms with no
// step at all.
func BenchmarkClosureSteps(b *testing.B) {
	m, err := parse("m.yaml", []byte("version: 1\nactivity:\n  $type: TOUCH\n  $ts: 1709630100000\n  $user_account_id: ${ id }\n  v: '${ let r = 1..999; count(r, count(r, # > 5) == 0) }'\n"), true)
	if err != nil {
		b.Fatal(err)
	}
	p, err := m.Compile([]string{"id"})
	if err != nil {
		b.Fatal(err)
	}
	ev := p.NewEvaluator()
	var dst []byte
	for b.Loop() {
		if dst, _, err = ev.AppendRow(dst[:0], []string{"x"}); err != nil {
			b.Fatal(err)
		}
	}
}
