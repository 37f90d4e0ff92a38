package mapping

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// TestStoredMatchesGroup runs random groups of good and bad rows through
// AppendStoredGroup, their rows stored as a conversion stores them (cells
// and, most of the time, the binary form of their typed values), and
// through AppendGroup on the rows typed in full: the same line, or the same
// reason to reject the group.
func TestStoredMatchesGroup(t *testing.T) {
	t.Parallel() // seconds of CPU: beside the package's other tests
	rng := rand.New(rand.NewChaCha8([32]byte{7, 8}))
	for i, gm := range groupedMappings {
		p := compileGroupedMapping(t, i)
		if got := storedTemplate(p, 2) != nil; got != gm.wantStored {
			t.Fatalf("mapping %d: groups of 2 rows have a stored plan: %v, want %v", i, got, gm.wantStored)
		}
		stored, typed := p.NewEvaluator(), p.NewEvaluator()
		written, rejected := 0, 0
		for range 1200 {
			n := 1 + rng.IntN(5)
			if rng.IntN(50) == 0 {
				n = maxPlanned + rng.IntN(2)
			}
			var fields [][]string
			for len(fields) < n {
				row := make([]string, len(directCells))
				for c, cells := range directCells {
					row[c] = cells[0]
					if rng.IntN(4) == 0 {
						row[c] = cells[rng.IntN(len(cells))]
					}
				}
				if _, err := p.Row(row); err == nil && storable(row) { // typing comes before either path
					fields = append(fields, row)
				}
			}
			if compareStored(t, p, stored, typed, fields, rng.IntN(8) == 0) {
				written++
			} else {
				rejected++
			}
		}
		if written == 0 || gm.wantTemplate && rejected == 0 {
			t.Errorf("mapping %d: %d groups written and %d rejected: the groups do not test it", i, written, rejected)
		}
	}
}

// compareStored runs the rows of fields through AppendStoredGroup (without
// the binary form of their values when retype) and through AppendGroup,
// and fails the test when they disagree; it reports whether the group was
// written. Its cells must be valid UTF-8 (storable).
func compareStored(t *testing.T, p *Program, stored, typed *Evaluator, fields [][]string, retype bool) bool {
	t.Helper()
	var group [][]any
	var rows []StoredRow
	for _, f := range fields {
		vals, err := p.Row(f)
		if err != nil {
			t.Fatalf("row %q: %v", f, err)
		}
		group = append(group, vals)
		cells, ok := p.AppendCells(nil, vals)
		if retype || !ok {
			cells = nil
		}
		rows = append(rows, StoredRow{Fields: f, Cells: cells})
	}
	want, wantErr := typed.AppendGroup([]byte("prefix "), group)
	got, err := stored.AppendStoredGroup([]byte("prefix "), rows)
	if (err == nil) != (wantErr == nil) || err != nil && reason(err) != reason(wantErr) || string(got) != string(want) {
		t.Fatalf("group %q:\nAppendStoredGroup: %q %v\n      AppendGroup: %q %v", fields, got, err, want, wantErr)
	}
	if d := storedTemplate(p, len(rows)); d != nil {
		// The stored plan types what the template reads: it declines a
		// group only where the template declines the group typed in full.
		_, wantDone, _ := typed.appendGrouped(nil, d, group, nil)
		part, err := stored.storedGroup(rows, d.stored)
		if err != nil {
			t.Fatalf("group %q: storedGroup: %v", fields, err)
		}
		if _, done, _ := stored.appendGrouped(nil, d, part, rows); done != wantDone {
			t.Fatalf("group %q: the template on the stored plan's rows is done: %v, on the typed rows: %v", fields, done, wantDone)
		}
	}
	return err == nil
}

// storedTemplate is p's grouped template for groups of n rows when it has a
// stored plan, else nil.
func storedTemplate(p *Program, n int) *direct {
	if !p.GroupTemplated(n) {
		return nil
	}
	if d := p.groupTemplate(p.grouped, n); d.stored != nil {
		return d
	}
	return nil
}

// storable reports whether a conversion stores a row with these cells: it
// rejects one with invalid UTF-8 as it reads it.
func storable(fields []string) bool {
	for _, f := range fields {
		if !utf8.ValidString(f) {
			return false
		}
	}
	return true
}
