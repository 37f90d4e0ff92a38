package main

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"
)

// Script commands that make big generated exports and read a run's
// summary:
//
//	gen orders [-shuffle] [-fr] N SEED FILE
//	    write an export of N order lines over about N/2 multi-line orders
//	    (genOrders, seeded by SEED), shuffled with -shuffle, as an American
//	    export (usExport: the columns of testdata/mappings/us-grouped.yaml)
//	    or with -fr as a French till export (frExport).
//	summary FILE [NAME OP N]...
//	    FILE (a copy of a run's stderr) holds a summary whose counts add up
//	    (read = in activities + filtered + rejected + not converted); each
//	    NAME (read, in, activities, filtered, rejected, unconverted)
//	    compares to N by OP (=, >=, <=, !=, N a number or another NAME).
func init() {
	scriptCmds["gen"] = cmdGen
	scriptCmds["summary"] = cmdSummary
}

func cmdGen(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 4 || args[0] != "orders" {
		ts.Fatalf("usage: gen orders [-shuffle] [-fr] N SEED FILE")
	}
	args = args[1:]
	shuffle, fr := false, false
	for len(args) > 3 {
		switch args[0] {
		case "-shuffle":
			shuffle = true
		case "-fr":
			fr = true
		default:
			ts.Fatalf("gen: unknown option %s", args[0])
		}
		args = args[1:]
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	seed, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	rng := rand.New(rand.NewSource(seed))
	lines := genOrders(n, rng)
	if shuffle {
		rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	}
	text := usExport(lines)
	if fr {
		text, err = frExportText(lines)
		ts.Check(err)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(text), 0o644))
}

func cmdSummary(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || (len(args)-1)%3 != 0 {
		ts.Fatalf("usage: summary FILE [NAME OP N]...")
	}
	n, err := summaryCounts(ts.ReadFile(args[0]))
	ts.Check(err)
	for c := args[1:]; len(c) > 0; c = c[3:] {
		got, ok := n[c[0]]
		if !ok {
			ts.Fatalf("summary: no count named %s", c[0])
		}
		want, err := strconv.Atoi(c[2])
		if err != nil {
			w, ok := n[c[2]]
			if !ok {
				ts.Fatalf("summary: %s is neither a number nor a count", c[2])
			}
			want = w
		}
		ok, err = compare(got, c[1], want)
		ts.Check(err)
		if !ok {
			ts.Fatalf("summary: %s is %d, want %s %s (%v)", c[0], got, c[1], c[2], n)
		}
	}
	ts.Logf("summary %v", n)
}

// compare reports whether got OP want.
func compare(got int, op string, want int) (bool, error) {
	switch op {
	case "=", "==":
		return got == want, nil
	case ">=":
		return got >= want, nil
	case "<=":
		return got <= want, nil
	case "!=":
		return got != want, nil
	}
	return false, fmt.Errorf("summary: unknown comparison %q", op)
}
