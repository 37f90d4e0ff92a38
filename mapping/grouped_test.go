package mapping

import (
	"math/rand/v2"
	"slices"
	"testing"

	"csv2activity/activity"
)

// groupedMappings are mappings with a for_each over rows, whose activity
// compiles to grouped templates (wantTemplate) or not, and whose templates
// type stored rows as they read them (wantStored: no expression of theirs
// runs on the VM) or not.
var groupedMappings = []struct {
	text         string
	wantTemplate bool
	wantStored   bool
}{
	{`columns:
  Order Date: {type: time, format: "%Y-%m-%d"}
  Quantity: int
  Sales: decimal
group_by: ${ Order_ID }
activity:
  $type: TOUCH
  $session_status: NO_SESSION
  $ts: ${ Order_Date }
  $user_account_id: ${ Customer_ID }
  $compartment_id: "1"
  $events:
    - $event_name: $transaction_confirmed
      $ts: ${ Order_Date }
      $properties:
        $currency: USD
        order_id: ${ Order_ID }
        total: '${ sum(rows, #.Sales) }'
        $items:
          for_each: rows
          item:
            $id: ${ Product_ID }
            $qty: ${ Quantity }
            $price: ${ Sales / Quantity }
            $category2: ${ Sub_Category }
`, true, true},
	{`columns:
  Order Date: {type: time, format: "%Y-%m-%d"}
  Quantity: int
  Sales: decimal
  Discount: {type: decimal, optional: true}
  Sub-Category: {type: string, optional: true}
group_by: ${ Order_ID }
activity:
  $type: '${ len(rows) > 4 ? "TOUCHE" : "TOUCH" }'
  $ts: ${ last(rows).Order_Date }
  $user_agent_id: 'vec:${ first(rows).Customer_ID }'
  ignored: null
  $events:
    - $event_name: $transaction_confirmed
      $ts: ${ Order_Date }
      $properties:
        lines: ${ len(rows) }
        first: ${ first(rows)["Product ID"] }
        discount: '${ sum(rows, #.Discount) }'
        $currency: '${ Product_ID == "P-1" ? "EUR" : Product_ID }'
        $items:
          for_each: rows
          item:
            $id: 'p-${ Product_ID }-${ index }'
            $qty: ${ Quantity }
            $price: '${ Sales - 1 }'
            $category1: ${ Sub_Category }
            note: ~
            row: ${ item }
    - $event_name: after
      $ts: ${ Order_Date }
      $properties: {n: '${ len(rows) }', d: '${ Discount ?? 0 }'}
`, true, false},
	{`columns:
  Quantity: int
activity:
  $type: TOUCH
  $ts: 1600000000000
  $user_account_id: ${ Product_ID }
  $events:
    - $event_name: x
      $ts: 1600000000000
      $properties:
        list:
          for_each: rows
          item: [1, '${ Quantity }']
`, true, true},
	{`columns:
  Quantity: int
group_by: ${ Order_ID }
activity:
  $type: TOUCH
  $ts: 1600000000000
  $user_account_id: ${ Product_ID }
  $events:
    for_each: rows
    item:
      $event_name: ${ Sub_Category }
      $ts: 1600000000000
`, false, false},
	{`columns:
  Quantity: int
group_by: ${ Order_ID }
activity:
  $type: TOUCH
  $ts: 1600000000000
  $user_account_id: ${ Product_ID }
  $events:
    - $event_name: x
      $ts: 1600000000000
      $properties:
        a: {for_each: rows, item: '${ Quantity }'}
        b: {for_each: rows, item: '${ Quantity }'}
`, false, false},
	{`columns:
  Order Date: {type: time, format: "%Y-%m-%d"}
  Quantity: int
  Sales: decimal
  Discount: {type: decimal, optional: true}
  Sub-Category: {type: string, optional: true}
group_by: ${ Order_ID }
activity:
  $type: TOUCH
  $ts: ${ last(rows).Order_Date }
  $user_account_id: ${ Customer_ID }
  $events:
    - $event_name: $transaction_confirmed
      $ts: ${ Order_Date }
      $properties:
        lines: ${ len(rows) }
        first: ${ first(rows)["Product ID"] }
        category: ${ Sub_Category }
        discount: '${ sum(rows, #.Discount) }'
        big: ${ Quantity > 2 }
        label: 'order ${ Order_ID } of ${ Customer_ID }'
        $items:
          for_each: rows
          item:
            $id: ${ Product_ID }
            $qty: ${ Quantity }
            $price: ${ Sales / Quantity }
            $category1: ${ Sub_Category }
`, true, true},
}

// compileGroupedMapping compiles groupedMappings[i] against testHeader.
func compileGroupedMapping(tb testing.TB, i int) *Program {
	tb.Helper()
	m, err := Parse("m.yaml", []byte("version: 1\n"+groupedMappings[i].text))
	if err != nil {
		tb.Fatalf("mapping %d: %v", i, err)
	}
	p, err := m.Compile(testHeader)
	if err != nil {
		tb.Fatalf("mapping %d: %v", i, err)
	}
	return p
}

// TestGroupedMatchesApply runs random groups of good and bad rows through
// the grouped template and through the general path (Apply, Validate,
// AppendJSON): the same line, or the same reason to reject the whole group.
func TestGroupedMatchesApply(t *testing.T) {
	t.Parallel() // seconds of CPU: beside the package's other tests
	rng := rand.New(rand.NewChaCha8([32]byte{5, 6}))
	for i, gm := range groupedMappings {
		p := compileGroupedMapping(t, i)
		if p.GroupTemplated(1) != gm.wantTemplate {
			t.Fatalf("mapping %d: GroupTemplated(1) = %v, want %v", i, p.GroupTemplated(1), gm.wantTemplate)
		}
		if !gm.wantTemplate {
			continue
		}
		if p.GroupTemplated(maxPlanned+1) || !p.GroupTemplated(maxPlanned) {
			t.Fatalf("mapping %d: a group of %d rows is templated, or one of %d is not", i, maxPlanned+1, maxPlanned)
		}
		tmpl, general := p.NewEvaluator(), p.NewEvaluator()
		count := [4]int{}
		for range 1200 {
			n := 1 + rng.IntN(5)
			if rng.IntN(50) == 0 {
				n = maxPlanned + rng.IntN(2) // the longest templated group, and one past it
			}
			var group [][]any
			for len(group) < n {
				fields := make([]string, len(directCells))
				for c, cells := range directCells {
					fields[c] = cells[0] // a good cell, most of the time
					if rng.IntN(4) == 0 {
						fields[c] = cells[rng.IntN(len(cells))]
					}
				}
				if vals, err := p.Row(fields); err == nil { // typing comes before either path
					group = append(group, vals)
				}
			}
			count[compareGrouped(t, p, tmpl, general, group)]++
		}
		t.Logf("mapping %d: %d groups written, %d rejected, %d by the general path", i, count[directWritten], count[directRejected], count[directDeclined])
		if count[directWritten] == 0 || count[directRejected] == 0 {
			t.Errorf("mapping %d: %d groups written and %d rejected by the template: the groups do not test it", i, count[directWritten], count[directRejected])
		}
	}
}

// compareGrouped runs one group through the template, the general path and
// the door (AppendGroup), and fails the test when they disagree.
func compareGrouped(t *testing.T, p *Program, tmpl, general *Evaluator, group [][]any) int {
	t.Helper()
	want, wantErr := generalGroup(general, group)
	got, err := p.NewEvaluator().AppendGroup([]byte("prefix "), group)
	if err != nil && (reason(err) != wantErr || string(got) != "prefix ") || err == nil && string(got) != "prefix "+want {
		t.Fatalf("group of %d: AppendGroup: %q, %v; general: %s %s", len(group), got, err, want, wantErr)
	}
	d := p.groupTemplate(p.grouped, len(group))
	if d == nil {
		if len(group) <= maxPlanned {
			t.Fatalf("group of %d rows has no template", len(group))
		}
		return directDeclined
	}
	got, done, err := tmpl.appendGrouped([]byte("prefix "), d, group, nil)
	switch {
	case err != nil:
		if string(got) != "prefix " || wantErr == "" || reason(err) != wantErr {
			t.Fatalf("group of %d:\ntemplate: %q %v\n general: %s %s", len(group), got, err, want, wantErr)
		}
		return directRejected
	case !done:
		if string(got) != "prefix " {
			t.Fatalf("group of %d: a declined group wrote %q", len(group), got)
		}
		return directDeclined
	case string(got) != "prefix "+want || wantErr != "":
		t.Fatalf("group of %d:\ntemplate: %s\n general: %s %s", len(group), got, want, wantErr)
	}
	return directWritten
}

// generalGroup is what the general path makes of a group: its line, or the
// reason it is rejected.
func generalGroup(ev *Evaluator, group [][]any) (string, string) {
	obj, err := ev.Apply(group)
	if err != nil {
		return "", err.Error()
	}
	if err := ev.p.Rules.Validate(obj); err != nil {
		return "", reason(err)
	}
	return string(activity.AppendJSON(nil, obj)) + "\n", ""
}

// FuzzGrouped compares the two paths on any group of one to three rows
// made of the fuzzed cells (each row a rotation of them), for the mappings
// of groupedMappings that compile to templates; and the group stored
// (AppendStoredGroup) with the group typed (AppendGroup).
func FuzzGrouped(f *testing.F) {
	f.Add(uint8(2), "CA-1", "2016-11-08", "C-042", "P-1", "3", "731.94", "0.2", "Chairs")
	f.Add(uint8(3), "", "2016-11-08", "", "USD", "0", "1e3", "", "x\xffy")
	var progs []*Program
	for i, gm := range groupedMappings {
		if gm.wantTemplate {
			progs = append(progs, compileGroupedMapping(f, i))
		}
	}
	f.Fuzz(func(t *testing.T, n uint8, id, date, customer, product, qty, sales, discount, sub string) {
		cells := []string{id, date, customer, product, qty, sales, discount, sub}
		for _, p := range progs {
			var group [][]any
			var rows [][]string
			for r := range 1 + int(n%3) {
				fields := make([]string, len(cells))
				for c := range cells {
					fields[c] = cells[(c+r)%len(cells)]
				}
				fields[4], fields[5] = cells[4], cells[5] // numbers stay numbers, so that groups type
				if vals, err := p.Row(fields); err == nil {
					group = append(group, vals)
					rows = append(rows, fields)
				}
			}
			if len(group) > 0 {
				compareGrouped(t, p, p.NewEvaluator(), p.NewEvaluator(), group)
			}
			if len(rows) > 0 && storable(slices.Concat(rows...)) {
				compareStored(t, p, p.NewEvaluator(), p.NewEvaluator(), rows, n&4 != 0)
			}
		}
	})
}
