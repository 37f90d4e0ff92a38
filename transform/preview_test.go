package transform

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"csv2activity/mapping"
)

// TestPreviewsStopEarly reads no further than the first row of the group
// after the last shown, and shows a group with a rejected row as convert
// treats it: rejected whole by default, written without the row with
// on_rejected_row: drop_row.
func TestPreviewsStopEarly(t *testing.T) {
	t.Parallel()
	input := "order,customer,sku,qty,price\nA,c1,a1,1,1\nA,c1,a2,2,1\nB,c2,b1,zero,1\nB,c2,b2,1,2\nC,c3,c1,1,1\n" + strings.Repeat("D,c4,d,1,1\n", 100000)
	for _, policy := range []string{mapping.RejectGroup, mapping.DropRow} {
		t.Run(policy, func(t *testing.T) {
			m, err := mapping.Parse("m.yaml", []byte(orderMapping+"on_rejected_row: "+policy+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			stdin := bytes.NewReader([]byte(input))
			res, err := Previews(context.Background(), Config{Mapping: m, Stdin: stdin}, []string{"-"}, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Activities) != 2 || len(res.Rejected) != 1 || res.Rejected[0].Line != 4 {
				t.Fatalf("got %d previews and rejects %v, want 2 and line 4", len(res.Activities), res.Rejected)
			}
			b := res.Activities[1]
			var ge *GroupError
			switch {
			case policy == mapping.DropRow:
				if got, want := b.Activity.String(), `{"$type":"TOUCH","$ts":1700000000000,"$user_account_id":"c2","total":2,"items":["b2x1"]}`; got != want {
					t.Errorf("got %s, want %s", got, want)
				}
			case b.Activity != nil || !errors.As(b.Err, &ge) || ge.Key != "B" || len(b.Rows) != 2:
				t.Errorf("group B: got %v, error %v, %d rows; want it rejected whole with its 2 rows", b.Activity, b.Err, len(b.Rows))
			case ge.Reason != `group "B" rejected whole: line 4: column "qty": "zero" is not an integer`:
				t.Errorf("got reason %q", ge.Reason)
			}
			if lines := []int{res.Activities[0].Rows[0].Line, res.Activities[0].Rows[1].Line}; lines[0] != 2 || lines[1] != 3 {
				t.Errorf("source lines %v, want [2 3]", lines)
			}
			if res.Read > 10 || res.NextGroup != 6 || res.Scattered != nil {
				t.Errorf("read %d rows, stopped at line %d, scattered %v; want to stop at line 6, the third group", res.Read, res.NextGroup, res.Scattered)
			}
		})
	}
}

// TestPreviewsScattered says when the groups read do not stand together.
func TestPreviewsScattered(t *testing.T) {
	t.Parallel()
	m, err := mapping.Parse("m.yaml", []byte(orderMapping))
	if err != nil {
		t.Fatal(err)
	}
	input := "order,customer,sku,qty,price\nA,c1,a1,1,1\nB,c2,b1,1,1\nA,c1,a2,2,1\nC,c3,c1,1,1\n"
	res, err := Previews(context.Background(), Config{Mapping: m, Stdin: strings.NewReader(input)}, []string{"-"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Scattered; s == nil || s.Key != "A" || s.Lines != [2]int{2, 4} || res.NextGroup != 0 {
		t.Errorf("got scattered %+v, next group at line %d; want A's lines 2 and 4, and the whole input read", s, res.NextGroup)
	}
	if len(res.Activities) != 3 || len(res.Activities[0].Rows) != 2 {
		t.Errorf("got %d activities, want 3 with A's two rows gathered", len(res.Activities))
	}
}

// TestPreviewsBigGroup: a group over its share of the memory budget is shown
// rejected whole, as convert rejects it, without holding its rows.
func TestPreviewsBigGroup(t *testing.T) {
	t.Parallel()
	m, err := mapping.Parse("m.yaml", []byte(orderMapping))
	if err != nil {
		t.Fatal(err)
	}
	input := "order,customer,sku,qty,price\n" + strings.Repeat("A,c1,a1,1,1\n", 2000) + "B,c2,b1,1,1\n"
	cfg := Config{Mapping: m, MaxMemory: 64 << 10, Stdin: strings.NewReader(input)}
	res, err := Previews(context.Background(), cfg, []string{"-"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	var ge *GroupError
	if len(res.Activities) != 1 || !errors.As(res.Activities[0].Err, &ge) || !strings.HasPrefix(ge.Reason, `group "A" rejected whole: its rows take more than 4KiB`) {
		t.Fatalf("got %+v, want group A rejected whole for its size", res.Activities)
	}
	if rows := len(res.Activities[0].Rows); rows == 0 || rows > 4096/(len("A,c1,a1,1,1")+rowCost)+1 {
		t.Errorf("kept %d rows of the big group, want no more than fit in 4KiB", rows)
	}
	if res.Read != 2001 || res.NextGroup != 2002 {
		t.Errorf("read %d rows, stopped at line %d; want all of A and the first of B", res.Read, res.NextGroup)
	}
}
