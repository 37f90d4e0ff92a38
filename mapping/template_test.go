package mapping

import (
	"errors"
	"math/rand/v2"
	"testing"
	"unicode/utf8"

	"csv2activity/activity"
)

// directMappings are mappings without group_by whose activity compiles to a
// template (wantDirect) or not.
var directMappings = []struct {
	text       string
	wantDirect bool
}{
	{`columns:
  Order Date: {type: time, format: "%Y-%m-%d"}
  Quantity: int
  Sales: decimal
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
        $items:
          - $id: ${ Product_ID }
            $qty: ${ Quantity }
            $price: ${ Sales / Quantity }
            $category2: ${ Sub_Category }
`, true},
	{`columns:
  Order Date: {type: time, format: "%Y-%m-%d"}
  Quantity: {type: int, optional: true}
  Discount: {type: decimal, optional: true}
activity:
  $type: '${ Quantity >= 0 ? "TOUCH" : "TOUCHE" }'
  $ts: ${ Order_Date }
  $user_agent_id: 'vec:${ Customer_ID }'
  ignored: null
  note: ~
  $events:
    - $event_name: visit
      $ts: ${ Order_Date }
      $properties:
        discount: ${ Discount }
        ratio: ${ Quantity * 0.5 }
        list: [1, null, '${ Product_ID }', {a: '${ Sub_Category }'}]
        when: ${ Order_Date }
        row: ${ row }
    - $event_name: second
      $ts: '${ Quantity == 0 ? nil : Order_Date }'
`, true},
	{`columns:
  Order Date: {type: time, format: "%Y-%m-%d"}
  Sub-Category: {type: string, optional: true}
where: ${ Order_ID != "CA-1" }
activity:
  $type: TOUCH
  $ts: ${ Order_Date }
  $user_account_id: ${ Customer_ID }
  $events:
    - $event_name: $transaction_confirmed
      $ts: ${ Order_Date }
      $properties:
        order_id: ${ Order_ID }
        $currency: ${ Product_ID }
        $items:
          - $id: ${ Customer_ID }
            $qty: 1
            $price: '${ Order_ID == "CA-1" ? -1 : 0 }'
            $category1: ${ Sub_Category }
            $category2: ${ Sub_Category }
`, true},
	{`columns:
  Order Date: {type: time, format: "%Y-%m-%d"}
activity:
  $type: TOUCH
  $ts: ${ Order_Date }
  $email_hash:
    $hash: ${ sha256(normalize_email(Customer_ID)) }
    $email: ${ Customer_ID }
  $events:
    - $event_name: ${ Sub_Category }
      $ts: ${ Order_Date }
`, false},
	{`columns:
  Quantity: int
activity:
  $type: TOUCH
  $ts: ${ Quantity }
  $user_account_id: ${ Product_ID }
  $events:
    for_each: '${ [1, 2] }'
    item:
      $event_name: x
      $ts: ${ item }
`, false},
}

// directCells are the cells TestDirectMatchesApply draws rows from.
var directCells = [][]string{
	{"CA-1", "", "x\xffy"}, // Order ID
	{"2016-11-08", "2016-11-08", "1969-01-01", "08/11/2016"},          // Order Date
	{"C-042", "", "Ann@Example.COM ", "é\x80"},                        // Customer ID
	{"P-1", "", "FUR-BO-10001798", "USD", "EUR"},                      // Product ID
	{"3", "2", "0", "-1", "", "x"},                                    // Quantity
	{"731.94", "0.10", "", "1e3"},                                     // Sales
	{"", "0.2", "abc"},                                                // Discount
	{"Chairs", "", "Bookcases \"quoted\"", "line\nbreak\x00", "\xff"}, // Sub-Category
}

// TestDirectMatchesApply runs random rows through the compiled template and
// through the general path (Apply, Validate, AppendJSON): the same line, or
// the same reason to reject the row.
func TestDirectMatchesApply(t *testing.T) {
	rng := rand.New(rand.NewChaCha8([32]byte{3, 4}))
	for i, dm := range directMappings {
		m, err := Parse("m.yaml", []byte("version: 1\n"+dm.text))
		if err != nil {
			t.Fatalf("mapping %d: %v", i, err)
		}
		p, err := m.Compile(testHeader)
		if err != nil {
			t.Fatalf("mapping %d: %v", i, err)
		}
		if p.Templated() != dm.wantDirect {
			t.Fatalf("mapping %d: Templated() = %v, want %v", i, p.Templated(), dm.wantDirect)
		}
		if !p.Templated() {
			continue
		}
		t.Logf("mapping %d: text columns %v", i, p.text)
		direct, general := p.NewEvaluator(), p.NewEvaluator()
		written, rejected, other := 0, 0, 0
		for range 5000 {
			fields := make([]string, len(directCells))
			for c, cells := range directCells {
				fields[c] = cells[rng.IntN(len(cells))]
			}
			switch compareDirect(t, p, direct, general, fields) {
			case directWritten:
				written++
			case directRejected:
				rejected++
			case directDeclined:
				other++
			}
		}
		t.Logf("mapping %d: %d written, %d rejected, %d by the general path", i, written, rejected, other)
		if written == 0 || rejected == 0 {
			t.Errorf("mapping %d: %d rows written and %d rejected by the template: the rows do not test it", i, written, rejected)
		}
	}
}

// The outcomes of a row in compareDirect.
const (
	directUntyped = iota
	directWritten
	directRejected
	directDeclined
)

// compareDirect runs one row through both paths and fails the test when
// they disagree.
func compareDirect(t *testing.T, p *Program, direct, general *Evaluator, fields []string) int {
	vals, err := p.Row(fields)
	if err != nil {
		return directUntyped // typing comes before either path
	}
	want, wantErr := generalLine(general, vals)
	checkAppendRow(t, p, fields, want, wantErr)
	dvals, err := p.rowInto(nil, fields, p.text)
	if err != nil {
		t.Fatalf("row %q: rowInto for the template: %v, Row: nil", fields, err)
	}
	got, done, gotErr := direct.appendLine([]byte("prefix "), dvals, fields, allValid(fields))
	switch {
	case !done && gotErr == nil:
		p.complete(dvals, fields)
		if again, againErr := generalLine(general, dvals); again != want || againErr != wantErr {
			t.Fatalf("row %q: completed values give %s %s, not %s %s", fields, again, againErr, want, wantErr)
		}
		return directDeclined
	case gotErr != nil:
		if string(got) != "prefix " {
			t.Fatalf("row %q: a rejected row wrote %q", fields, got)
		}
		if wantErr == "" || reason(gotErr) != wantErr {
			t.Fatalf("row %q:\n direct: %v\ngeneral: %s %s", fields, reason(gotErr), wantErr, want)
		}
		return directRejected
	}
	if string(got) != "prefix "+want || wantErr != "" {
		t.Fatalf("row %q:\n direct: %s\ngeneral: %s %s", fields, got, want, wantErr)
	}
	return directWritten
}

// FuzzDirect compares the two paths on any row, for the compiled mappings
// of directMappings.
func FuzzDirect(f *testing.F) {
	f.Add("CA-1", "2016-11-08", "C-042", "P-1", "3", "731.94", "0.2", "Chairs")
	f.Add("", "2016-11-08", "", "P-1", "0", "1e3", "", "x\xffy")
	var progs []*Program
	for _, dm := range directMappings {
		m, err := Parse("m.yaml", []byte("version: 1\n"+dm.text))
		if err != nil {
			f.Fatal(err)
		}
		if p, err := m.Compile(testHeader); err == nil && p.Templated() {
			progs = append(progs, p)
		}
	}
	f.Fuzz(func(t *testing.T, id, date, customer, product, qty, sales, discount, sub string) {
		fields := []string{id, date, customer, product, qty, sales, discount, sub}
		for _, p := range progs {
			compareDirect(t, p, p.NewEvaluator(), p.NewEvaluator(), fields)
		}
	})
}

// allValid reports whether every field is valid UTF-8, as convert knows.
func allValid(fields []string) bool {
	for _, f := range fields {
		if !utf8.ValidString(f) {
			return false
		}
	}
	return true
}

// generalLine is what the general path makes of a row: its line, or the
// reason it is rejected.
func generalLine(ev *Evaluator, vals []any) (string, string) {
	return generalGroup(ev, [][]any{vals})
}

func reason(err error) string {
	var bad *activity.Violation
	var ruleErr *RuleError
	if errors.As(err, &bad) && !errors.As(err, &ruleErr) {
		return "activity breaks a rule: " + err.Error()
	}
	return err.Error()
}

// checkAppendRow checks that AppendRow, the door callers use, gives the
// general path's line or reason for a row that typing and where keep.
func checkAppendRow(t *testing.T, p *Program, fields []string, want, wantErr string) {
	t.Helper()
	if !allValid(fields) {
		return // AppendRow takes valid UTF-8 only
	}
	got, written, err := p.NewEvaluator().AppendRow([]byte("prefix "), fields)
	switch {
	case err != nil:
		if reason(err) != wantErr || string(got) != "prefix " {
			t.Fatalf("row %q: AppendRow: %q, %v; general: %s %s", fields, got, err, want, wantErr)
		}
	case !written:
		vals, _ := p.Row(fields)
		if pass, err := p.NewEvaluator().where(vals); pass || err != nil || string(got) != "prefix " {
			t.Fatalf("row %q: AppendRow left out a row where keeps (%v, %v) and wrote %q", fields, pass, err, got)
		}
	case string(got) != "prefix "+want || wantErr != "":
		t.Fatalf("row %q: AppendRow: %s; general: %s %s", fields, got, want, wantErr)
	}
}
