package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"golang.org/x/text/encoding/charmap"
)

// The authoring commands (init, preview, check, validate) driven end to end
// through the built binary, on generated exports whose activities are
// checked against what was generated (exact Sales, dates, customers). They
// stay in Go for those generators and checks; the authoring cases with fixed
// files are scripts (init_*, preview_*, check_*, validate_*).

// exports are the CSV files init must map with no rejected row: the samples,
// and exports with unusual headers.
func exports(t *testing.T, dir string) map[string]string {
	t.Helper()
	rng := rand.New(rand.NewSource(3))
	files := map[string]string{
		"us-orders":   "samples/us-orders.csv",
		"fr-caisse":   "samples/fr-caisse.csv",
		"loyalty":     "samples/loyalty.csv",
		"superstore":  writeFile(t, dir, "superstore.csv", superstore(rng, 600).csv),
		"french caps": writeFile(t, dir, "caps.csv", frenchCaps(t, rng)),
		"accents":     writeFile(t, dir, "accents.csv", accents(rng)),
		"retail":      writeFile(t, dir, "retail.csv", onlineRetail(rng)),
		"uci retail":  "testdata/exports/online-retail.csv",
	}
	return files
}

func TestInitCheckConvert(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, input := range exports(t, dir) {
		t.Run(name, func(t *testing.T) {
			res := runCLI(t, "", nil, nil, "init", input)
			if res.code != 0 {
				t.Fatalf("init: exit %d\n%s", res.code, res.stderr)
			}
			m := writeFile(t, t.TempDir(), "mapping.yaml", res.stdout)
			check := runCLI(t, "", nil, nil, "check", "-m", m, input)
			if check.code != 0 || !strings.Contains(check.stdout, "no row rejected") {
				t.Fatalf("check: exit %d\n%s%s\nmapping:\n%s", check.code, check.stdout, check.stderr, res.stdout)
			}
			out := filepath.Join(t.TempDir(), "out.ndjson")
			conv := runCLI(t, "", nil, nil, "convert", "-m", m, "-o", out, input)
			if conv.code != 0 || !strings.Contains(conv.stderr, " 0 rejected") {
				t.Fatalf("convert: exit %d\n%s", conv.code, conv.stderr)
			}
			if v := runCLI(t, "", nil, nil, "validate", out); v.code != 0 {
				t.Errorf("validate: exit %d\n%s%s", v.code, v.stdout, v.stderr)
			}
			checkPurchases(t, readLines(t, out))
		})
	}
}

// checkPurchases checks that every item of a $transaction_confirmed is a
// purchase: an $id, a $qty above 0 and a $price of 0 or more (no return,
// no cancellation, no missing amount).
func checkPurchases(t *testing.T, lines []string) {
	t.Helper()
	for n, l := range lines {
		var a struct {
			Events []struct {
				Name  string `json:"$event_name"`
				Props struct {
					Items []struct {
						ID    *string  `json:"$id"`
						Qty   *float64 `json:"$qty"`
						Price *float64 `json:"$price"`
					} `json:"$items"`
				} `json:"$properties"`
			} `json:"$events"`
		}
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatal(err)
		}
		for _, e := range a.Events {
			for i, it := range e.Props.Items {
				if e.Name != "$transaction_confirmed" {
					continue
				}
				if it.ID == nil || it.Qty == nil || *it.Qty <= 0 || it.Price == nil || *it.Price < 0 {
					t.Errorf("activity %d item %d is not a purchase: %s", n+1, i, l)
				}
			}
		}
	}
}

// storeOrder is one generated order of a Superstore-like export.
type storeOrder struct {
	id, customer string
	date         time.Time
	lines        []storeLine
	firstLine    int
}

// storeLine is a line of a storeOrder, as the export writes it.
type storeLine struct{ product, qty, sales string }

type storeExport struct {
	csv    string
	orders []storeOrder
}

// superstore writes a Superstore-like export: multi-line orders, m/d/yyyy
// dates with days past 12, the ship date a few days later, a few empty
// postal codes, and Sales as the real export computes them: a unit price
// times the quantity less a discount rate (1741.05 × 1 × (1 - 0.45) =
// 957.5775), so that a unit price has more than two decimals.
func superstore(rng *rand.Rand, n int) storeExport {
	var b strings.Builder
	b.WriteString("Row ID,Order ID,Order Date,Ship Date,Ship Mode,Customer ID,Customer Name,Segment,Country,City,State,Postal Code,Region,Product ID,Category,Sub-Category,Product Name,Sales,Quantity,Discount,Profit\n")
	var ex storeExport
	row, line := 1, 2
	for o := range n {
		date := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.Intn(1400))
		ship := date.AddDate(0, 0, 1+rng.Intn(6))
		ord := storeOrder{id: fmt.Sprintf("CA-%d-%06d", date.Year(), 100000+o), customer: fmt.Sprintf("CG-%05d", rng.Intn(800)), date: date, firstLine: line}
		postal := fmt.Sprint(10000 + rng.Intn(89999))
		if o%97 == 5 {
			postal = ""
		}
		for range 1 + rng.Intn(4) {
			discount := discountRates[rng.Intn(len(discountRates))]
			l := storeLine{product: fmt.Sprintf("OFF-PA-%08d", rng.Intn(1800)), qty: fmt.Sprint(1 + rng.Intn(14))}
			l.sales = lineSales(decimal.MustNew(int64(100+rng.Intn(300000)), 2), l.qty, discount)
			ord.lines = append(ord.lines, l)
			fmt.Fprintf(&b, "%d,%s,%d/%d/%d,%d/%d/%d,Standard Class,%s,Sean O'Donnell,Consumer,United States,Los Angeles,California,%s,West,%s,Office Supplies,Paper,\"Xerox 1967, \"\"Bright\"\" White\",%s,%s,%s,-%d.%d\n",
				row, ord.id, date.Month(), date.Day(), date.Year(), ship.Month(), ship.Day(), ship.Year(), ord.customer, postal, l.product, l.sales, l.qty, discount, rng.Intn(100), rng.Intn(10))
			row++
			line++
		}
		ex.orders = append(ex.orders, ord)
	}
	ex.csv = b.String()
	return ex
}

// discountRates are the Superstore's discounts: rates, not money.
var discountRates = []string{"0", "0", "0", "0.1", "0.15", "0.2", "0.2", "0.3", "0.32", "0.4", "0.45", "0.5", "0.6", "0.7", "0.8"}

// lineSales is unit × qty × (1 - discount), exactly.
func lineSales(unit decimal.Decimal, qty, discount string) string {
	q, d := decimal.MustParse(qty), decimal.MustParse(discount)
	gross, err := unit.Mul(q)
	if err == nil {
		var keep decimal.Decimal
		if keep, err = decimal.One.Sub(d); err == nil {
			gross, err = gross.Mul(keep)
		}
	}
	if err != nil {
		panic(err)
	}
	return gross.Trim(0).String()
}

// frenchCaps writes a French export in capitals, windows-1252, ";", with
// anonymous tickets.
func frenchCaps(t *testing.T, rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString("N° COMMANDE;DATE COMMANDE;CODE CLIENT;RÉF ARTICLE;LIBELLÉ;QTÉ;PRIX UNITAIRE;MONTANT TTC;MAGASIN;RAYON\r\n")
	for o := range 200 {
		d := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.Intn(700))
		client := fmt.Sprintf("29%011d", o%50)
		if o%17 == 0 {
			client = ""
		}
		for l := range 1 + rng.Intn(3) {
			q, p := 1+rng.Intn(5), 50+rng.Intn(5000)
			fmt.Fprintf(&b, "C%05d;%02d/%02d/%d;%s;%013d;Crème brûlée n°%d;%d;%d,%02d;%d,%02d;M%03d;Épicerie\r\n",
				o, d.Day(), d.Month(), d.Year(), client, rng.Int63n(1e12), l, q, p/100, p%100, p*q/100, p*q%100, o%7)
		}
	}
	s, err := charmap.Windows1252.NewEncoder().String(b.String())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// accents writes an export with spaces around and accents in its names, a
// BOM, an e-mail as the only identifier and ISO dates with times.
func accents(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString("\ufeff Numéro de commande , Date d'achat ,Adresse e-mail,Référence produit,Quantité,Prix (€),Catégorie\n")
	for o := range 150 {
		d := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(rng.Intn(500000)) * time.Minute)
		for range 1 + rng.Intn(2) {
			fmt.Fprintf(&b, "%d,%s, Client%d@Example.FR ,0%07d,%d,\"%d,%02d\",Maison\n",
				70000+o, d.Format("2006-01-02 15:04:05"), o%40, rng.Intn(1e6), 1+rng.Intn(3), 1+rng.Intn(99), rng.Intn(100))
		}
	}
	return b.String()
}

// onlineRetail writes a CamelCase export: InvoiceNo, m/d/yyyy h:mm dates,
// cancellations with negative quantities, missing customer ids.
func onlineRetail(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n")
	for o := range 300 {
		d := time.Date(2010, 12, 1, 8, 26, 0, 0, time.UTC).Add(time.Duration(rng.Intn(500000)) * time.Minute)
		customer := fmt.Sprint(12000 + o%300)
		if o%5 == 0 {
			customer = ""
		}
		for range 1 + rng.Intn(4) {
			q := rng.Intn(15) - 2
			fmt.Fprintf(&b, "%d,85123A,WHITE HANGING HEART T-LIGHT HOLDER,%d,%d/%d/%d %d:%02d,%d.%02d,%s,United Kingdom\n",
				536365+o, q, d.Month(), d.Day(), d.Year(), d.Hour(), d.Minute(), rng.Intn(10), rng.Intn(100), customer)
		}
	}
	return b.String()
}

// TestInitSuperstore is the authoring loop on a Superstore-like export: one
// activity per order, dated by Order Date (not Ship Date), identified by
// Customer ID, one item per line whose $price times $qty is exactly its Sales
// (no unit price rounded); preview -n 2 shows the first two orders.
func TestInitSuperstore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ex := superstore(rand.New(rand.NewSource(7)), 3400)
	input := writeFile(t, dir, "superstore.csv", ex.csv)
	res := runCLI(t, "", nil, nil, "init", input)
	if res.code != 0 {
		t.Fatalf("init: exit %d\n%s", res.code, res.stderr)
	}
	m := writeFile(t, dir, "mapping.yaml", res.stdout)
	out := filepath.Join(dir, "out.ndjson")
	if conv := runCLI(t, "", nil, nil, "convert", "-m", m, "-o", out, input); conv.code != 0 {
		t.Fatalf("convert: exit %d\n%s", conv.code, conv.stderr)
	}
	lines := readLines(t, out)
	if len(lines) != len(ex.orders) {
		t.Fatalf("got %d activities, want one per order: %d", len(lines), len(ex.orders))
	}
	beyondCents := 0
	for i, l := range lines {
		beyondCents += checkOrder(t, l, ex.orders[i])
	}
	if beyondCents == 0 {
		t.Error("no unit price has more than 2 decimals: the export does not test that prices are not rounded")
	}
	prev := runCLI(t, "", nil, nil, "preview", "-m", m, "-n", "2", input)
	if prev.code != 0 {
		t.Fatalf("preview: exit %d\n%s", prev.code, prev.stderr)
	}
	for i, o := range ex.orders[:3] {
		header := fmt.Sprintf("activity %d, from %s line", i+1, input)
		if shown := strings.Contains(prev.stdout, header); shown != (i < 2) {
			t.Errorf("order %d (line %d) shown: %v, want %v", i+1, o.firstLine, shown, i < 2)
		}
		if shown := strings.Contains(prev.stdout, `"order_id": "`+o.id+`"`); shown != (i < 2) {
			t.Errorf("order %s shown: %v, want %v", o.id, shown, i < 2)
		}
	}
}

// checkOrder compares one activity with the order it must hold, each
// item's $price times its $qty with the line's Sales to the last decimal. It
// returns how many prices have more than 2 decimals.
func checkOrder(t *testing.T, line string, o storeOrder) (beyondCents int) {
	t.Helper()
	var a struct {
		TS      int64  `json:"$ts"`
		Account string `json:"$user_account_id"`
		Events  []struct {
			Name  string `json:"$event_name"`
			Props struct {
				Items []struct {
					ID    string      `json:"$id"`
					Qty   json.Number `json:"$qty"`
					Price json.Number `json:"$price"`
				} `json:"$items"`
			} `json:"$properties"`
		} `json:"$events"`
	}
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&a); err != nil {
		t.Fatal(err)
	}
	if a.TS != o.date.UnixMilli() || a.Account != o.customer || len(a.Events) != 1 || a.Events[0].Name != "$transaction_confirmed" {
		t.Fatalf("order %s: got $ts %d, account %q, %d events; want %d (Order Date %s), %q, one $transaction_confirmed",
			o.id, a.TS, a.Account, len(a.Events), o.date.UnixMilli(), o.date.Format("1/2/2006"), o.customer)
	}
	items := a.Events[0].Props.Items
	if len(items) != len(o.lines) {
		t.Fatalf("order %s: got %d items, want %d", o.id, len(items), len(o.lines))
	}
	for i, it := range items {
		want := o.lines[i]
		if it.ID != want.product || it.Qty.String() != want.qty {
			t.Errorf("order %s item %d: got %s x%s, want %s x%s", o.id, i, it.ID, it.Qty, want.product, want.qty)
			continue
		}
		price := decimal.MustParse(it.Price.String())
		if amount, err := price.Mul(decimal.MustParse(want.qty)); err != nil || amount.Cmp(decimal.MustParse(want.sales)) != 0 {
			t.Errorf("order %s item %d: $price %s × $qty %s = %s, want Sales %s", o.id, i, price, want.qty, amount, want.sales)
		}
		if price.Scale() > 2 {
			beyondCents++
		}
	}
	return beyondCents
}

// TestInitReturnsAsCustomEvent follows the comment init writes under its
// where on an online-retail export: a copy of the mapping whose where keeps
// only the returns and whose event is the custom one shown converts the
// cancelled invoices, and only them, with no row rejected.
func TestInitReturnsAsCustomEvent(t *testing.T) {
	t.Parallel()
	const input = "testdata/exports/online-retail.csv"
	res := runCLI(t, "", nil, nil, "init", input)
	if res.code != 0 {
		t.Fatalf("init: exit %d\n%s", res.code, res.stderr)
	}
	dir := t.TempDir()
	mapping := returnsMapping(t, res.stdout)
	m := writeFile(t, dir, "returns.yaml", mapping)
	out := filepath.Join(dir, "returns.ndjson")
	conv := runCLI(t, "", nil, nil, "convert", "-m", m, "-o", out, input)
	if conv.code != 0 || !strings.HasPrefix(conv.stderr, "67 rows read: 9 in 4 activities written, 58 filtered by where, 0 rejected") {
		t.Fatalf("convert: exit %d\n%s\nmapping:\n%s", conv.code, conv.stderr, mapping)
	}
	for _, l := range readLines(t, out) {
		var a struct {
			Account string `json:"$user_account_id"`
			Events  []struct {
				Name  string `json:"$event_name"`
				Props struct {
					Invoice string `json:"invoice_no"`
					Items   []struct {
						ID  string `json:"id"`
						Qty int    `json:"qty"`
					} `json:"items"`
				} `json:"$properties"`
			} `json:"$events"`
		}
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatal(err)
		}
		ev := a.Events[0]
		if ev.Name != "return" || !strings.HasPrefix(ev.Props.Invoice, "C") || strings.HasSuffix(a.Account, ".0") || len(ev.Props.Items) == 0 {
			t.Errorf("got %s of invoice %s for %q with %d items, want a return of a C invoice for an account without .0", ev.Name, ev.Props.Invoice, a.Account, len(ev.Props.Items))
		}
		for _, it := range ev.Props.Items {
			if it.Qty <= 0 {
				t.Errorf("invoice %s: item %s returns %d units, want the quantity returned, above 0", ev.Props.Invoice, it.ID, it.Qty)
			}
		}
	}
}

// returnsMapping applies the comment under a starter mapping's where: its
// where and its $events replace the mapping's.
func returnsMapping(t *testing.T, starter string) string {
	t.Helper()
	lines := strings.Split(starter, "\n")
	var alt []string
	for i, l := range lines {
		if strings.HasPrefix(l, "#   where: ") {
			for _, a := range lines[i:] {
				if !strings.HasPrefix(a, "#   ") {
					break
				}
				alt = append(alt, strings.TrimPrefix(a, "#   "))
			}
			break
		}
	}
	if len(alt) < 2 || !strings.HasPrefix(alt[1], "$events:") {
		t.Fatalf("no where and $events to keep the returns in the comment:\n%s", starter)
	}
	var out []string
	for i := 0; i < len(lines); i++ {
		switch l := lines[i]; {
		case strings.HasPrefix(l, "where: "):
			out = append(out, alt[0])
		case l == "  $events:":
			for _, a := range alt[1:] {
				out = append(out, "  "+a)
			}
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "    ") {
				i++
			}
		default:
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
