package starter

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"csv2activity/mapping"
	"csv2activity/transform"
)

// drafts are exports whose starter mapping must convert every row without
// a reject, each with what init must have recognised.
var drafts = []struct {
	name       string
	csv        string
	activities int    // activities the draft makes
	filtered   int    // rows its where leaves out
	roles      []Role // roles that must be placed
	group      bool
	contains   []string // in the YAML
}{
	{name: "american orders", csv: "Row ID,Order ID,Order Date,Ship Date,Customer ID,Product ID,Sales,Quantity\n" +
		"1,CA-1,6/5/2016,6/16/2016,C1,P1,10.5,2\n2,CA-1,6/5/2016,6/16/2016,C1,P2,3,1\n3,CA-2,7/2/2016,7/4/2016,C2,P1,7.25,5\n",
		activities: 2, roles: []Role{Order, Date, Customer, Product, Quantity, Amount}, group: true,
		contains: []string{`Order Date: {type: time, format: "%m/%d/%Y"}`, "group_by: ${ Order_ID }", "$ts: ${ Order_Date }", "$user_account_id: ${ Customer_ID }", "(not Ship Date)"}},
	{name: "french till, all caps", csv: "N° TICKET;DATE;HEURE;CARTE FIDÉLITÉ;CODE ARTICLE;QTÉ;PRIX UNITAIRE TTC\n" +
		"T1;28/12/2024;20:29;2900007654321;0000000000017;1;2,79\nT1;28/12/2024;20:29;2900007654321;3270190207924;2;1,50\nT2;05/01/2025;08:49;;3270190207924;1;1,50\n",
		activities: 1, filtered: 1, roles: []Role{Order, Date, TimeOfDay, Customer, Product, Quantity, UnitPrice}, group: true,
		contains: []string{`delimiter: ";"`, `time(DATE + " " + HEURE, "%d/%m/%Y %H:%M")`, `where: ${ trim(CARTE_FIDÉLITÉ) != "" }`, `decimal_separator: ","`, "$currency: EUR"}},
	{name: "spaces, accents and an e-mail", csv: "Numéro de commande,Date d'achat,Adresse e-mail,Référence produit,Quantité,Prix (€)\n" +
		"70001,2024-03-05 10:00:00, Marie@Example.fr ,0042,1,\"12,50\"\n70001,2024-03-05 10:00:00, Marie@Example.fr ,0043,2,\"1,00\"\n",
		activities: 1, roles: []Role{Order, Date, Email, Product, Quantity, UnitPrice}, group: true,
		contains: []string{"$hash: ${ sha256(normalize_email(Adresse_e_mail)) }", "Prix (€): {type: decimal, decimal_separator: \",\"}"}},
	{name: "one row per purchase", csv: "member_id,email,event,points,amount,store_id,occurred_at\n" +
		"LY1,a@b.fr,purchase,10,12.5,S1,2024-03-05T10:15:00+01:00\nLY2,c@d.fr,signup,50,,S1,2024-03-05T11:00:00+01:00\n",
		activities: 2, roles: []Role{Customer, Email, Event, Amount, Store, Date},
		contains: []string{`'${ event == "purchase" ? "$transaction_confirmed" : event }'`, "amount: {type: decimal, optional: true}"}},
	{name: "awkward names", csv: "date,2024 sales,rows,Client: id,#ref,Prix \"TTC\",Qty,Qty\n" +
		"2024-03-05,1,a,C1,R1,2.5,1,9\n2024-03-06,2,b,C2,R2,3.5,2,9\n",
		activities: 2, roles: []Role{Date, Customer, Product, Quantity, UnitPrice},
		contains: []string{`$ts: ${ row["date"] }`, `'#ref': string`}},
	{name: "no identifier nor date columns make placeholders", csv: "Produit,Qté\nA,1\n", activities: -1},
	{name: "customer ids with blanks and orders without", csv: "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n" +
		"536365,85123A,6,12/1/2010 8:26,2.55,17850\n536365,71053,6,12/1/2010 8:26,3.39,17850\nC536379,D,-1,12/13/2010 9:41,27.50,\n",
		activities: 1, filtered: 1, roles: []Role{Order, Product, Quantity, Date, UnitPrice, Customer}, group: true,
		contains: []string{"%m/%d/%Y %H:%M", `where: ${ trim(CustomerID) != "" && Quantity > 0 }`, "1 row with a negative Quantity (-1)"}},
	{name: "amounts and zero quantities", csv: "order,date,customer,sku,qty,amount\nA,2024-01-02,c,s,0,0\nA,2024-01-02,c,t,2,5\n",
		activities: 1, filtered: 1, roles: []Role{Order, Amount, Quantity}, group: true,
		contains: []string{"$price: ${ amount / qty }", "where: ${ qty > 0 }", "1 row with a qty of 0: nothing was bought"}},
	{name: "cancelled invoices", csv: "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n" +
		"536365,85123A,6,12/1/2010 8:26,2.55,17850.0\nC536379,D,-1,12/1/2010 9:41,27.50,14527.0\n536366,22633,6,12/1/2010 8:28,1.85,17850.0\n" +
		"C536383,35004C,-1,12/1/2010 9:49,4.65,15311.0\nC536383,22557,-12,12/1/2010 9:49,1.65,15311.0\n",
		activities: 2, filtered: 3, roles: []Role{Order, Quantity, Customer}, group: true,
		contains: []string{`where: ${ Quantity > 0 && not (InvoiceNo startsWith "C") }`, `3 rows whose InvoiceNo starts with "C", every one of them negative: cancelled orders`,
			`$user_account_id: ${ trimSuffix(CustomerID, ".0") }`, "#   where: ${ not (Quantity > 0 && not (InvoiceNo startsWith \"C\")) }", "#     - $event_name: return"}},
	{name: "negative amounts and blank quantities", csv: "order,date,customer,sku,qty,amount\nA,2024-01-02,c,s,,4\nA,2024-01-02,c,t,2,5\nB,2024-01-03,c,t,1,-2.5\n",
		activities: 1, filtered: 2, roles: []Role{Order, Amount, Quantity}, group: true,
		contains: []string{"where: ${ qty != nil && amount >= 0 }", "1 row without qty: an item needs one", "1 row with a negative amount (-2.5): a refund"}},
	{name: "no quantity nor price", csv: "order,date,customer,sku\nA,2024-01-02,c,s\nA,2024-01-02,c,t\n",
		activities: 1, roles: []Role{Order, Product}, group: true,
		contains: []string{"products:", "no $items (each needs $qty and $price)"}},
	{name: "an amount without quantity is one unit", csv: "order,date,customer,sku,amount\nA,2024-01-02,c,s,4.5\nA,2024-01-02,c,t,2\n",
		activities: 1, roles: []Role{Order, Product, Amount}, group: true,
		contains: []string{"$qty: 1 ", "$price: ${ amount }"}},
	{name: "ambiguous dates", csv: "Order,Date,Customer,Product\nA,05/03/2024,c,p\nB,06/03/2024,c,p\n",
		activities: 2, contains: []string{"AMBIGUOUS", `# Date: {type: time, format: "%d/%m/%Y"}   # the other reading`}},
}

func TestDraftsConvert(t *testing.T) {
	for _, tt := range drafts {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "export.csv")
			if err := os.WriteFile(path, []byte(tt.csv), 0o644); err != nil {
				t.Fatal(err)
			}
			p, src, err := Read(context.Background(), path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			d := p.Draft(src)
			var yaml bytes.Buffer
			if err := d.Write(&yaml); err != nil {
				t.Fatal(err)
			}
			for _, r := range tt.roles {
				if d.Role(r) == nil {
					t.Errorf("no column placed as %s", r)
				}
			}
			if d.Group != tt.group {
				t.Errorf("group_by %v, want %v", d.Group, tt.group)
			}
			for _, s := range tt.contains {
				if !strings.Contains(yaml.String(), s) {
					t.Errorf("the mapping does not hold %q", s)
				}
			}
			sum, err := convertWith(t, yaml.Bytes(), path)
			if tt.activities < 0 {
				if !mapping.IsMappingError(err) || len(d.Notes) == 0 {
					t.Errorf("got %v and notes %q, want a placeholder that check refuses, and a note", err, d.Notes)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, yaml.String())
			}
			if sum.Rejected != 0 || sum.Activities != tt.activities || sum.Filtered != tt.filtered {
				t.Errorf("got %s; want %d activities, %d filtered, no reject\n%s", sum, tt.activities, tt.filtered, yaml.String())
			}
		})
	}
}

// convertWith converts path with the mapping text, into nothing.
func convertWith(t *testing.T, yaml []byte, path string) (transform.Summary, error) {
	t.Helper()
	m, err := mapping.Parse("starter.yaml", yaml)
	if err != nil {
		t.Fatalf("the mapping does not load: %v\n%s", err, yaml)
	}
	var rejects bytes.Buffer
	sum, err := transform.Run(context.Background(), transform.Config{Mapping: m, MaxErrors: -1}, []string{path}, io.Discard, &rejects)
	if rejects.Len() > 0 {
		t.Logf("rejects:\n%s", rejects.String())
	}
	return sum, err
}

func TestMalformedRowsAreNoted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export.csv")
	csv := "Order,Date,Customer,Product\nA,2024-03-05,c,p\nB,2024-03-05,c\nC,\"2024-03-05\"x,c,p\n"
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, quick := range []bool{false, true} {
		p, src, err := Read(context.Background(), path, Options{Quick: quick})
		if err != nil {
			t.Fatal(err)
		}
		if src.Malformed != 2 || p.Rows != 1 {
			t.Errorf("quick %v: got %d malformed rows (lines %v) and %d profiled, want 2 and 1", quick, src.Malformed, src.MalformedLines, p.Rows)
		}
		if d := p.Draft(src); len(d.Notes) != 1 || !strings.Contains(d.Notes[0], "lines 3, 4") {
			t.Errorf("quick %v: notes %q, want one naming lines 3, 4", quick, d.Notes)
		}
	}
}

func TestScalar(t *testing.T) {
	for _, s := range []string{"plain", "Order Date", "N° ticket", "#ref", "a: b", "yes", "12", "it's", "-x", "${ x }",
		"line\nbreak", " padded ", "tab\there", `back\slash`, "Prix \"TTC\"", "% off", ""} {
		text := "version: 1\nactivity:\n  $type: TOUCH\n  $ts: 1000000000000\n  $user_agent_id: x\n  v: " +
			strings.ReplaceAll(scalar(s), "${", "$${") + "\n"
		m, err := mapping.Parse("q.yaml", []byte(text))
		if err != nil {
			t.Errorf("scalar(%q) = %s: %v", s, scalar(s), err)
			continue
		}
		if got := constant(t, m); got != s {
			t.Errorf("scalar(%q) = %s reads back as %q", s, scalar(s), got)
		}
	}
}

// constant builds the activity of a mapping without columns and returns
// its "v".
func constant(t *testing.T, m *mapping.Mapping) any {
	t.Helper()
	p, err := m.Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	o, err := p.NewEvaluator().Apply([][]any{{}})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := o.Get("v")
	return v
}
