package transform

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"csv2activity/mapping"
)

// typedRejects runs a mapping over input and returns the rejects as
// Config.Rejected hands them out, checking that the rejects file has the
// same rows with the same reasons, in the same order.
func typedRejects(t *testing.T, mappingText, input string) []Reject {
	t.Helper()
	m, err := mapping.Parse("m.yaml", []byte(mappingText))
	if err != nil {
		t.Fatal(err)
	}
	var got []Reject
	var out, rej bytes.Buffer
	cfg := Config{Mapping: m, MaxErrors: -1, Workers: 2, Stdin: strings.NewReader(input),
		Rejected: func(r *Reject) { got = append(got, *r) }}
	if _, err := Run(context.Background(), cfg, []string{"-"}, &out, &rej); err != nil {
		t.Fatalf("run: %v", err)
	}
	var file []byte
	for i := range got {
		file = appendReject(file, &got[i])
	}
	if !bytes.Equal(file, rej.Bytes()) {
		t.Errorf("rejects file:\n%s\ntyped rejects written again:\n%s", rej.Bytes(), file)
	}
	return got
}

// TestRejectsTyped: each rejection carries its kind, the column, value and
// place at fault, and with group_by the group that fell and why.
func TestRejectsTyped(t *testing.T) {
	t.Parallel()
	perLine := "version: 1\ncolumns:\n  qty: int\nactivity:\n  $type: TOUCH\n  $ts: 1700000000000\n" +
		"  $user_account_id: ${ customer }\n  n: ${ int(note) }\n"
	input := "customer,qty,note\n" +
		"c1,1,5\n" + // written
		"c2,five,5\n" + // cell
		"c3,1,x\n" + // expression
		",1,5\n" + // rule: an empty $user_account_id
		"c5,1\n" // fields
	got := typedRejects(t, perLine, input)
	want := []Reject{
		{Line: 3, Kind: RejectCell, Column: "qty", Value: "five"},
		{Line: 4, Kind: RejectExpression, Place: "activity.n"},
		{Line: 5, Kind: RejectRule, Place: "$user_account_id"},
		{Line: 6, Kind: RejectFields},
	}
	checkTyped(t, got, want)

	grouped := "version: 1\ncolumns:\n  qty: int\ngroup_by: ${ order }\nactivity:\n  $type: TOUCH\n  $ts: 1700000000000\n" +
		"  $user_account_id: ${ order }\n  n: '${ sum(rows, #.qty) }'\n"
	input = "order,qty\nA,1\nB,1\nA,x\nB,2\n"
	got = typedRejects(t, grouped, input)
	want = []Reject{
		{Line: 4, Kind: RejectCell, Column: "qty", Value: "x", Group: "A"},
		{Line: 2, Kind: RejectCell, Column: "qty", Value: "x", Group: "A", ByOther: true},
	}
	checkTyped(t, got, want)
}

// checkTyped compares the typed fields of rejects (not their reason).
func checkTyped(t *testing.T, got, want []Reject) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rejects, want %d: %+v", len(got), len(want), got)
	}
	for i, g := range got {
		w := want[i]
		w.File, w.Reason, w.Raw = g.File, g.Reason, g.Raw
		if g != w {
			t.Errorf("reject %d: got %+v, want %+v", i, g, w)
		}
	}
}
