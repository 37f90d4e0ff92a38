package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

// The authoring commands (init, preview, check, validate) driven end to end
// through the built binary.

func TestAuthoringCommandLine(t *testing.T) {
	tests := []struct {
		name   string
		args   []string // DIR is replaced by a folder holding the fixtures below
		stdin  string
		code   int
		stdout []string // each must appear in stdout
		stderr []string // each must appear in stderr
	}{
		{name: "init without input", args: []string{"init"}, code: 2, stderr: []string{"give exactly one INPUT"}},
		{name: "init bad sample", args: []string{"init", "--sample", "0", "samples/loyalty.csv"}, code: 2, stderr: []string{"--sample"}},
		{name: "init missing input", args: []string{"init", "nope.csv"}, code: 1, stderr: []string{"open input", "nope.csv"}},
		{name: "init empty input", args: []string{"init", "-"}, code: 1, stderr: []string{"input is empty"}},
		{name: "init US orders", args: []string{"init", "samples/us-orders.csv"}, code: 0,
			stdout: []string{"group_by: ${ Order_ID }", `Order Date: {type: time, format: "%m/%d/%Y"}`, "$user_account_id: ${ Customer_ID }", "$id: ${ Product_ID }"},
			stderr: []string{"order id: Order ID, purchase date: Order Date"}},
		{name: "init French till", args: []string{"init", "samples/fr-caisse.csv"}, code: 0,
			stdout: []string{`delimiter: ";"`, "encoding: windows-1252", "Qté: int", `Montant TTC: {type: decimal, decimal_separator: ","}`, `time(Date + " " + Heure, "%d/%m/%Y %H:%M")`}},
		{name: "init standard input", args: []string{"init", "-"}, stdin: "order,date,customer,sku\nA,2024-03-05,c1,s1\nA,2024-03-05,c1,s2\n", code: 0,
			stdout: []string{"Starter mapping for standard input", "group_by: ${ order }", "format: iso8601"}},
		{name: "init notes broken cells", args: []string{"init", "testdata/broken/fr-caisse.csv"}, code: 0,
			stderr: []string{`note: column "Date": 1 value ("31/02/2024") does not read as %d/%m/%Y`}},
		{name: "init help teaches", args: []string{"init", "--help"}, code: 0, stdout: []string{"csv2activity init orders.csv > mapping.yaml", "--quick"}},
		{name: "check without mapping", args: []string{"check", "samples/us-orders.csv"}, code: 2, stderr: []string{`"mapping" not set`}},
		{name: "check mapping error", args: []string{"check", "-m", "testdata/mappings/typo.yaml", "samples/us-orders.csv"}, code: 2,
			stderr: []string{"typo.yaml:8:11: activity.$ts: unknown column Order_Dat (did you mean Order_Date?)", "^"}},
		{name: "check clean", args: []string{"check", "-m", "mappings.example.yaml", "samples/us-orders.csv"}, code: 0,
			stdout: []string{"28 rows read: 28 in 14 activities written", "no row rejected: convert would write 14 activities"}},
		{name: "check broken", args: []string{"check", "-m", "mappings.example.yaml", "testdata/broken/us-orders.csv"}, code: 3,
			stdout: []string{"5 rows rejected, for 5 reasons:", `1 row: column "Quantity": "five" is not an integer; group "US-2015-108966" rejected whole (line 5)`,
				"row has 16 fields, the header has 21 (line 10)", `1 row: group "US-2015-108966" rejected whole: line 5: column "Quantity": "five" is not an integer (line 6)`}},
		{name: "check several inputs name files", args: []string{"check", "-m", "mappings.example.yaml", "samples/us-orders.csv", "testdata/broken/us-orders.csv"}, code: 3,
			stdout: []string{"(line testdata/broken/us-orders.csv:5)"}},
		{name: "check max errors", args: []string{"check", "-m", "mappings.example.yaml", "--max-errors", "1", "testdata/broken/us-orders.csv"}, code: 1,
			stdout: []string{"2 rows rejected"}, stderr: []string{"more than 1 rows rejected (--max-errors): stopped at testdata/broken/us-orders.csv line 5"}},
		{name: "check missing input", args: []string{"check", "-m", "mappings.example.yaml", "nope.csv"}, code: 1, stderr: []string{"open input"}},
		{name: "check without input", args: []string{"check", "-m", "mappings.example.yaml"}, code: 0,
			stdout: []string{"the YAML and the expressions parse; the columns they name could not be checked without an input"}},
		{name: "check against names", args: []string{"check", "-m", "DIR/names.yaml"}, code: 0, stdout: []string{"compiles against the 3 columns of input.names"}},
		{name: "check against names, unknown column", args: []string{"check", "-m", "DIR/names-typo.yaml"}, code: 2, stderr: []string{"unknown column custmer (did you mean customer?)"}},
		{name: "check help teaches", args: []string{"check", "--help"}, code: 0, stdout: []string{"csv2activity check -m mapping.yaml orders.csv"}},
		{name: "preview", args: []string{"preview", "-m", "mappings.example.yaml", "-n", "1", "samples/us-orders.csv"}, code: 0,
			stdout: []string{"activity 1, from samples/us-orders.csv line 2", "     2 │ 1,CA-2016-152156,", `  "$user_account_id": "CG-12520",`, "1 activity shown (0 breaking a rule)"}},
		{name: "preview broken", args: []string{"preview", "-m", "mappings.example.yaml", "testdata/broken/us-orders.csv"}, code: 3,
			stdout: []string{`✗ line 5 rejected: column "Quantity": "five" is not an integer`, "activity 3, from testdata/broken/us-orders.csv lines 5-6 (2 rows)",
				`✗ not built: group "US-2015-108966" rejected whole: line 5: column "Quantity": "five" is not an integer`,
				"activity 4, from testdata/broken/us-orders.csv lines 8-12 (3 rows)", "4 activities shown (0 breaking a rule, 2 rejected whole)"}},
		{name: "preview breaking a rule", args: []string{"preview", "-m", "DIR/seconds.yaml", "-n", "1", "samples/loyalty.csv"}, code: 3,
			stdout: []string{`"$ts": 1718978513,   ← 1718978513 looks like seconds`, "✗ breaks a rule, convert would reject its rows: $ts:"}},
		{name: "preview two inputs", args: []string{"preview", "-m", "mappings.example.yaml", "samples/us-orders.csv", "samples/us-orders.csv"}, code: 2,
			stderr: []string{"give exactly one INPUT"}},
		{name: "preview n 0", args: []string{"preview", "-m", "mappings.example.yaml", "-n", "0", "samples/us-orders.csv"}, code: 2, stderr: []string{"-n"}},
		{name: "preview help teaches", args: []string{"preview", "--help"}, code: 0, stdout: []string{"NO_COLOR"}},
		{name: "validate golden", args: []string{"validate", "testdata/golden/us-orders.ndjson", "testdata/golden/loyalty.ndjson"}, code: 0,
			stderr: []string{"0 of 32 lines invalid"}},
		{name: "validate standard input", args: []string{"validate", "-"}, stdin: "{\"$type\":\"TOUCH\",\"$ts\":1,\"$user_agent_id\":\"x\"}\n", code: 3,
			stdout: []string{"-:1: $ts: 1 looks like seconds"}, stderr: []string{"1 of 1 lines invalid"}},
		{name: "validate nothing", args: []string{"validate"}, code: 2, stderr: []string{"no FILE given"}},
		{name: "validate missing file", args: []string{"validate", "nope.ndjson", "testdata/golden/loyalty.ndjson"}, code: 1,
			stderr: []string{"read ndjson: open nope.ndjson", "0 of 18 lines invalid", "1 of 2 files could not be read"}},
		{name: "validate long line", args: []string{"validate", "--max-line-size", "100B", "-"},
			stdin: "{\"$type\":\"TOUCH\",\"$ts\":1700000000000,\"$user_agent_id\":\"" + strings.Repeat("x", 200) + "\"}\n{}\n", code: 3,
			stdout: []string{"-:1: line too long: longer than 100 bytes", `-:2: missing required key "$ts"`}},
		{name: "validate help teaches", args: []string{"validate", "--help"}, code: 0, stdout: []string{"FILE:LINE: reason"}},
	}
	dir := t.TempDir()
	writeFile(t, dir, "names.yaml", "version: 1\ninput: {header: false, names: [customer, date, sku]}\nactivity:\n  $type: TOUCH\n  $ts: ${ millis(time(date)) }\n  $user_account_id: ${ customer }\n")
	writeFile(t, dir, "names-typo.yaml", "version: 1\ninput: {header: false, names: [customer, date, sku]}\nactivity:\n  $type: TOUCH\n  $ts: 1700000000000\n  $user_account_id: ${ custmer }\n")
	writeFile(t, dir, "seconds.yaml", "version: 1\ncolumns:\n  occurred_at: {type: time, format: iso8601}\nactivity:\n  $type: TOUCH\n  $ts: '${ millis(occurred_at) / 1000 }'\n  $user_account_id: ${ member_id }\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "DIR", dir)
			}
			res := runCLI(t, "", strings.NewReader(tt.stdin), nil, args...)
			if res.code != tt.code {
				t.Fatalf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", res.code, tt.code, res.stdout, res.stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(res.stdout, s) {
					t.Errorf("stdout does not say %q:\n%s", s, res.stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(res.stderr, s) {
					t.Errorf("stderr does not say %q:\n%s", s, res.stderr)
				}
			}
			if strings.Contains(res.stdout, "\x1b[") {
				t.Errorf("colour on a pipe:\n%q", res.stdout)
			}
		})
	}
}

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
	}
	return files
}

func TestInitCheckConvert(t *testing.T) {
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
		})
	}
}

// storeOrder is one generated order of a Superstore-like export.
type storeOrder struct {
	id, customer string
	date         time.Time
	lines        [][2]string // product id, quantity
	firstLine    int
}

type storeExport struct {
	csv    string
	orders []storeOrder
}

// superstore writes a Superstore-like export: multi-line orders, m/d/yyyy
// dates with days past 12, the ship date a few days later, a few empty
// postal codes.
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
			p, q := fmt.Sprintf("OFF-PA-%08d", rng.Intn(1800)), fmt.Sprint(1+rng.Intn(9))
			ord.lines = append(ord.lines, [2]string{p, q})
			fmt.Fprintf(&b, "%d,%s,%d/%d/%d,%d/%d/%d,Standard Class,%s,Sean O'Donnell,Consumer,United States,Los Angeles,California,%s,West,%s,Office Supplies,Paper,\"Xerox 1967, \"\"Bright\"\" White\",%d.%04d,%s,0.2,-%d.%d\n",
				row, ord.id, date.Month(), date.Day(), date.Year(), ship.Month(), ship.Day(), ship.Year(), ord.customer, postal, p, rng.Intn(3000), rng.Intn(10000), q, rng.Intn(100), rng.Intn(10))
			row++
			line++
		}
		ex.orders = append(ex.orders, ord)
	}
	ex.csv = b.String()
	return ex
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
// Customer ID, one item per line; preview -n 2 shows the first two orders.
func TestInitSuperstore(t *testing.T) {
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
	for i, l := range lines {
		checkOrder(t, l, ex.orders[i])
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

// checkOrder compares one activity with the order it must hold.
func checkOrder(t *testing.T, line string, o storeOrder) {
	t.Helper()
	var a struct {
		TS      int64  `json:"$ts"`
		Account string `json:"$user_account_id"`
		Events  []struct {
			Name  string `json:"$event_name"`
			Props struct {
				Items []struct {
					ID  string  `json:"$id"`
					Qty float64 `json:"$qty"`
				} `json:"$items"`
			} `json:"$properties"`
		} `json:"$events"`
	}
	if err := json.Unmarshal([]byte(line), &a); err != nil {
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
		if it.ID != o.lines[i][0] || fmt.Sprint(it.Qty) != o.lines[i][1] {
			t.Errorf("order %s item %d: got %s x%v, want %s x%s", o.id, i, it.ID, it.Qty, o.lines[i][0], o.lines[i][1])
		}
	}
}

func TestPreviewColour(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("no script(1) to run the preview on a terminal")
	}
	cmd := binary + " preview -m mappings.example.yaml -n 1 samples/us-orders.csv"
	for _, tt := range []struct {
		env    []string
		colour bool
	}{{nil, true}, {[]string{"NO_COLOR=1"}, false}} {
		c := exec.Command("script", "-qec", cmd, "/dev/null")
		c.Env = append(append(os.Environ(), "TERM=xterm"), tt.env...)
		out, err := c.Output()
		if err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		if got := strings.Contains(string(out), "\x1b["); got != tt.colour || !strings.Contains(string(out), "CG-12520") {
			t.Errorf("env %v on a terminal: colour %v, want %v:\n%q", tt.env, got, tt.colour, out)
		}
	}
}
