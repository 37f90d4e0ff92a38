package main

import (
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

// orderLine is one line item of a generated export.
type orderLine struct {
	order, customer, product, category string
	date                               time.Time
	qty                                int
	sales                              string // exact decimal text, up to 4 places
}

// genOrders makes n line items over about n/2 multi-line orders.
func genOrders(n int, rng *rand.Rand) []orderLine {
	cats := []string{"Furniture", "Office Supplies", "Technology"}
	var lines []orderLine
	for o := 0; len(lines) < n; o++ {
		date := time.Date(2014+o%4, time.Month(1+o%12), 1+o%28, 0, 0, 0, 0, time.UTC)
		for range 1 + rng.Intn(3) {
			lines = append(lines, orderLine{
				order: fmt.Sprintf("CA-%d-%06d", date.Year(), 100000+o), customer: fmt.Sprintf("CG-%05d", rng.Intn(800)),
				product: fmt.Sprintf("OFF-PA-%08d", rng.Intn(1800)), category: cats[rng.Intn(3)], date: date,
				qty: 1 + rng.Intn(9), sales: fmt.Sprintf("%d.%04d", rng.Intn(5000), rng.Intn(10000)),
			})
		}
	}
	return lines[:n]
}

// usExport writes the lines as an American export; frExport as a French till
// export (";", windows-1252, dd/mm/yyyy, decimal commas).
func usExport(lines []orderLine) string {
	var b strings.Builder
	b.WriteString("Row ID,Order ID,Order Date,Customer ID,Product ID,Category,Product Name,Sales,Quantity\n")
	for i, l := range lines {
		fmt.Fprintf(&b, "%d,%s,%d/%d/%d,%s,%s,%s,\"Chair, \"\"deluxe\"\" %d\",%s,%d\n", i+1, l.order, l.date.Month(), l.date.Day(), l.date.Year(),
			l.customer, l.product, l.category, i, l.sales, l.qty)
	}
	return b.String()
}

func frExport(t *testing.T, lines []orderLine) string {
	var b strings.Builder
	b.WriteString("N° commande;Date commande;Client;Réf article;Catégorie;Libellé;Montant;Qté\r\n")
	for i, l := range lines {
		fmt.Fprintf(&b, "%s;%02d/%02d/%d;%s;%s;%s;Chaise ergonomique n°%d;%s;%d\r\n", l.order, l.date.Day(), l.date.Month(), l.date.Year(),
			l.customer, l.product, l.category, i, strings.Replace(l.sales, ".", ",", 1), l.qty)
	}
	s, err := charmap.Windows1252.NewEncoder().String(b.String())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const usMapping = `version: 1
input:
  timezone: America/New_York
columns:
  Order Date: {type: time, format: "%m/%d/%Y"}
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
            $category1: ${ Category }
`

const frMapping = `version: 1
input:
  delimiter: ";"
  encoding: windows-1252
  timezone: America/New_York
columns:
  Date commande: {type: time, format: "%d/%m/%Y"}
  Qté: int
  Montant: {type: decimal, decimal_separator: ","}
group_by: ${ N_commande }
activity:
  $type: TOUCH
  $session_status: NO_SESSION
  $ts: ${ Date_commande }
  $user_account_id: ${ Client }
  $compartment_id: "1"
  $events:
    - $event_name: $transaction_confirmed
      $ts: ${ Date_commande }
      $properties:
        $currency: USD
        order_id: ${ N_commande }
        total: '${ sum(rows, #.Montant) }'
        $items:
          for_each: rows
          item:
            $id: ${ Réf_article }
            $qty: ${ Qté }
            $price: ${ Montant / Qté }
            $category1: ${ Catégorie }
`

// TestAcceptance converts a 10,000-line export as exported, shuffled, and
// re-exported as a French till file, and checks every activity against the
// source: one per order in order of first appearance, the order date in
// epoch ms, the customer, the items in input order, exact money.
func TestAcceptance(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(42))
	lines := genOrders(10000, rng)
	shuffled := append([]orderLine(nil), lines...)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	dir := t.TempDir()
	cases := []struct {
		name, mapping, export string
		lines                 []orderLine
	}{
		{"as exported", usMapping, usExport(lines), lines},
		{"shuffled", usMapping, usExport(shuffled), shuffled},
		{"french till", frMapping, frExport(t, shuffled), shuffled},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := writeFile(t, dir, c.name+".yaml", c.mapping)
			in := writeFile(t, dir, c.name+".csv", c.export)
			out := filepath.Join(dir, c.name+".ndjson")
			res := runCLI(t, "", nil, nil, "convert", "-m", m, "-o", out, in)
			if res.code != 0 {
				t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
			}
			checkOrders(t, readLines(t, out), c.lines)
		})
	}
}

type gotActivity struct {
	TS      int64  `json:"$ts"`
	Account string `json:"$user_account_id"`
	Events  []struct {
		TS    int64 `json:"$ts"`
		Props struct {
			OrderID string      `json:"order_id"`
			Total   json.Number `json:"total"`
			Items   []struct {
				ID    string      `json:"$id"`
				Qty   int         `json:"$qty"`
				Price json.Number `json:"$price"`
			} `json:"$items"`
		} `json:"$properties"`
	} `json:"$events"`
}

// checkOrders compares the activities with the orders of the source lines.
func checkOrders(t *testing.T, got []string, lines []orderLine) {
	t.Helper()
	ny, _ := time.LoadLocation("America/New_York")
	var order []string
	byOrder := map[string][]orderLine{}
	for _, l := range lines {
		if byOrder[l.order] == nil {
			order = append(order, l.order)
		}
		byOrder[l.order] = append(byOrder[l.order], l)
	}
	if len(got) != len(order) {
		t.Fatalf("got %d activities, want %d orders", len(got), len(order))
	}
	for i, line := range got {
		var a gotActivity
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("activity %d: %v", i+1, err)
		}
		want := byOrder[order[i]]
		first := want[0]
		wantTS := time.Date(first.date.Year(), first.date.Month(), first.date.Day(), 0, 0, 0, 0, ny).UnixMilli()
		p := a.Events[0].Props
		if p.OrderID != first.order || a.TS != wantTS || a.Events[0].TS != wantTS || a.Account != first.customer {
			t.Fatalf("activity %d: got order %s ts %d account %s, want %s %d %s", i+1, p.OrderID, a.TS, a.Account, first.order, wantTS, first.customer)
		}
		total := new(big.Rat)
		if len(p.Items) != len(want) {
			t.Fatalf("order %s: got %d items, want %d", first.order, len(p.Items), len(want))
		}
		for j, l := range want {
			s, _ := new(big.Rat).SetString(l.sales)
			total.Add(total, s)
			it := p.Items[j]
			price, _ := new(big.Rat).SetString(it.Price.String())
			unit := new(big.Rat).Quo(s, big.NewRat(int64(l.qty), 1))
			diff := new(big.Rat).Sub(price, unit)
			if it.ID != l.product || it.Qty != l.qty || diff.Abs(diff).Cmp(big.NewRat(1, 1e15)) > 0 {
				t.Fatalf("order %s item %d: got %s x%d at %s, want %s x%d at %s", first.order, j, it.ID, it.Qty, it.Price, l.product, l.qty, unit.FloatString(18))
			}
		}
		if gotTotal, _ := new(big.Rat).SetString(p.Total.String()); gotTotal.Cmp(total) != 0 {
			t.Fatalf("order %s: total %s, want exactly %s", first.order, p.Total, total.FloatString(4))
		}
	}
}

// TestAcceptanceBrokenRows injects broken rows into the export and checks the
// exit code and the exact lines in the rejects file: the broken rows as they
// are read, then the other rows of the orders that a bad cell made fall (a
// malformed record has no reliable order id: it is rejected alone).
func TestAcceptanceBrokenRows(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(7))
	rows := strings.Split(strings.TrimSuffix(usExport(genOrders(2000, rng)), "\n"), "\n")
	broken := map[int]string{ // 1-based file line -> replacement
		17:   strings.Replace(rows[16], "/", "-", 2),
		250:  strings.Replace(rows[249], ",Furniture,", ",Furniture,extra,", 1),
		999:  rows[998][:strings.LastIndex(rows[998], ",")] + ",two",
		1500: strings.Replace(rows[1499], "\"Chair", "Chair\"", 1),
	}
	for line, text := range broken {
		rows[line-1] = text
	}
	dir := t.TempDir()
	m := writeFile(t, dir, "m.yaml", usMapping)
	in := writeFile(t, dir, "in.csv", strings.Join(rows, "\n")+"\n")
	out := filepath.Join(dir, "out.ndjson")
	res := runCLI(t, "", nil, nil, "convert", "-m", m, "-o", out, in)
	if res.code != 3 {
		t.Fatalf("exit %d, want 3; stderr:\n%s", res.code, res.stderr)
	}
	got := rejectLines(t, filepath.Join(dir, "out.rejects.ndjson"))
	want := []int{17, 250, 999, 1500}
	for _, bad := range []int{17, 999} {
		order := strings.Split(rows[bad-1], ",")[1]
		for i, row := range rows[1:] {
			if line := i + 2; line != bad && strings.Split(row, ",")[1] == order {
				want = append(want, line)
			}
		}
	}
	if len(want) < 6 {
		t.Fatalf("the broken cells stand in orders of one line: %v", want)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rejected lines %v, want %v", got, want)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("no output after exit 3: %v", err)
	}
}
