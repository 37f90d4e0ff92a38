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

// The acceptance runs: generated exports of 10,000 lines, converted as
// exported, shuffled and as a French till file, every activity checked
// against its source (epoch ms in the export's time zone, exact totals with
// math/big). They stay in Go for those checks; genOrders, usExport and
// frExport also make the scripts' exports (gen orders), among them the
// broken rows at chosen lines (broken_rows_in_orders).

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
	s, err := frExportText(lines)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func frExportText(lines []orderLine) (string, error) {
	var b strings.Builder
	b.WriteString("N° commande;Date commande;Client;Réf article;Catégorie;Libellé;Montant;Qté\r\n")
	for i, l := range lines {
		fmt.Fprintf(&b, "%s;%02d/%02d/%d;%s;%s;%s;Chaise ergonomique n°%d;%s;%d\r\n", l.order, l.date.Day(), l.date.Month(), l.date.Year(),
			l.customer, l.product, l.category, i, strings.Replace(l.sales, ".", ",", 1), l.qty)
	}
	s, err := charmap.Windows1252.NewEncoder().String(b.String())
	if err != nil {
		return "", fmt.Errorf("encode the French export: %w", err)
	}
	return s, nil
}

// usMapping reads testdata/mappings/us-grouped.yaml: usExport's columns,
// one activity per order (the scripts read the file). It is read when a test
// asks, not as a package variable: the test executable is also the program
// (see binary), so a package variable's work would run in every child.
func usMapping(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/mappings/us-grouped.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

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

// TestAcceptance converts a 3,000-line export as exported, shuffled, and
// re-exported as a French till file, and checks every activity against the
// source: one per order in order of first appearance, the order date in
// epoch ms, the customer, the items in input order, exact money.
func TestAcceptance(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(42))
	lines := genOrders(3000, rng)
	shuffled := append([]orderLine(nil), lines...)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	dir := t.TempDir()
	cases := []struct {
		name, mapping, export string
		lines                 []orderLine
	}{
		{"as exported", usMapping(t), usExport(lines), lines},
		{"shuffled", usMapping(t), usExport(shuffled), shuffled},
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
