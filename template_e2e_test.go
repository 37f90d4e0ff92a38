package main

import (
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"csv2activity/mapping"
)

// The template against the general path, end to end. It stays in Go: it
// asks the mapping package whether each mapping compiles to a template, so
// that the comparison cannot silently compare the general path with itself.

// perLineMappings are per-line mappings of the acceptance exports. EVENT is
// replaced by a constant $event_name, which compiles the mapping to a
// template, or by the same name computed, which sends every row the general
// way: both must give the same bytes.
var perLineMappings = map[string]string{
	"us": `version: 1
input:
  timezone: America/New_York
columns:
  Order Date: {type: time, format: "%m/%d/%Y"}
  Quantity: int
  Sales: decimal
activity:
  $type: TOUCH
  $session_status: NO_SESSION
  $ts: ${ Order_Date }
  $user_account_id: ${ Customer_ID }
  $compartment_id: "1"
  $events:
    - $event_name: EVENT
      $ts: ${ Order_Date }
      $properties:
        $currency: USD
        order_id: ${ Order_ID }
        label: 'line ${ Row_ID } of ${ Order_ID }'
        $items:
          - $id: ${ Product_ID }
            $qty: ${ Quantity }
            $price: ${ Sales / Quantity }
            $category1: ${ Category }
            name: ${ Product_Name }
`,
	"fr": `version: 1
input:
  delimiter: ";"
  timezone: Europe/Paris
columns:
  Date commande: {type: time, format: "%d/%m/%Y"}
  Qté: int
  Montant: {type: decimal, decimal_separator: ","}
activity:
  $type: TOUCH
  $session_status: NO_SESSION
  $ts: ${ Date_commande }
  $user_account_id: ${ Client }
  $events:
    - $event_name: EVENT
      $ts: ${ Date_commande }
      $properties:
        $currency: EUR
        order_id: ${ N_commande }
        $items:
          - $id: ${ Réf_article }
            $qty: ${ Qté }
            $price: ${ Montant / Qté }
            $category1: ${ Catégorie }
            name: ${ Libellé }
`,
}

// brokenLines are rows each path must reject for the same reason.
var brokenLines = map[string][]string{
	"us": {
		`9001,CA-2016-900001,13/45/2016,CG-00001,OFF-PA-1,Furniture,Chair,10.00,1`, // no such date
		`9002,CA-2016-900002,1/2/2016,,OFF-PA-1,Furniture,Chair,10.00,1`,           // no customer
		`9003,CA-2016-900003,1/2/2016,CG-00001,OFF-PA-1,Furniture,Chair,10.00,0`,   // division by zero
		`9004,CA-2016-900004,1/2/2016,CG-00001,,Furniture,Chair,10.00,2`,           // no product id
		`9005,CA-2016-900005,1/2/2016,CG-00001,OFF-PA-1,Furniture,"bad"x,1.00,1`,   // a broken quote
		`9006,CA-2016-900006,1/2/2016,CG-00001,OFF-PA-1,Furniture,Chair,1.00`,      // a field short
		`9007,CA-2016-900007,1/2/2016,CG-00001,OFF-PA-1,Furniture,Chair,abc,1`,     // no amount
		`9008,CA-2016-900008,1/2/1960,CG-00001,OFF-PA-1,Furniture,Chair,1.00,1`,    // before 1970
	},
	"fr": {
		`CA-2016-900001;31/02/2016;CG-00001;OFF-PA-1;Mobilier;Chaise;10,00;1`, // no such date
		`CA-2016-900002;01/02/2016;;OFF-PA-1;Mobilier;Chaise;10,00;1`,         // no customer
		`CA-2016-900003;01/02/2016;CG-00001;OFF-PA-1;Mobilier;Chaise;10.00;1`, // a decimal point
		`CA-2016-900004;01/02/2016;CG-00001;OFF-PA-1;Mobilier;Chaise;10,00;0`, // division by zero
	},
}

// TestTemplateMatchesGeneralPath converts the acceptance exports, with
// broken rows, through the built binary with a mapping that compiles to a
// template and with the same mapping forced the general way, with one and
// three workers: the activities and the rejects must be byte-identical.
func TestTemplateMatchesGeneralPath(t *testing.T) {
	t.Parallel()
	lines := genOrders(3000, rand.New(rand.NewSource(7)))
	exports := map[string]string{
		"us": usExport(lines) + strings.Join(brokenLines["us"], "\n") + "\n",
		"fr": frExport(t, lines[:1500]) + strings.Join(brokenLines["fr"], "\r\n") + "\r\n",
	}
	dir := t.TempDir()
	for name, export := range exports {
		in := writeFile(t, dir, name+".csv", export)
		var first, firstRejects []byte
		for _, event := range []string{"$transaction_confirmed", `'${ "$transaction_confirmed" }'`} {
			text := strings.Replace(perLineMappings[name], "EVENT", event, 1)
			m := writeFile(t, dir, name+".yaml", text)
			wantTemplate := !strings.Contains(event, "${")
			if got := compiles(t, text, headers[name]); got != wantTemplate {
				t.Fatalf("%s, $event_name %s: compiled to a template: %v, want %v", name, event, got, wantTemplate)
			}
			for _, workers := range []string{"1", "3"} {
				out, rej := filepath.Join(dir, name+".ndjson"), filepath.Join(dir, name+".rejects.ndjson")
				res := runCLI(t, "", nil, nil, "convert", "-m", m, "-o", out, "--rejects", rej, "--workers", workers, in)
				if res.code != 3 {
					t.Fatalf("%s: exit %d, want 3 (rows rejected):\n%s", name, res.code, res.stderr)
				}
				got, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				gotRejects, err := os.ReadFile(rej)
				if err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first, firstRejects = got, gotRejects
					if n := strings.Count(string(got), "\n"); n != good[name] {
						t.Fatalf("%s: %d activities, want one per good line", name, n)
					}
					if n := strings.Count(string(gotRejects), "\n"); n != len(brokenLines[name]) {
						t.Fatalf("%s: %d rejects, want %d:\n%s", name, n, len(brokenLines[name]), gotRejects)
					}
					continue
				}
				if string(got) != string(first) || string(gotRejects) != string(firstRejects) {
					t.Fatalf("%s, $event_name %s, %s workers: output differs from the template's\nrejects:\n%s\nwant:\n%s", name, event, workers, gotRejects, firstRejects)
				}
			}
		}
	}
}

// headers are the exports' first lines, good their good lines.
var (
	headers = map[string][]string{
		"us": {"Row ID", "Order ID", "Order Date", "Customer ID", "Product ID", "Category", "Product Name", "Sales", "Quantity"},
		"fr": {"N° commande", "Date commande", "Client", "Réf article", "Catégorie", "Libellé", "Montant", "Qté"},
	}
	good = map[string]int{"us": 3000, "fr": 1500}
)

// compiles reports whether a mapping compiles to a template for header.
func compiles(t *testing.T, text string, header []string) bool {
	t.Helper()
	m, err := mapping.Parse("m.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Compile(header)
	if err != nil {
		t.Fatal(err)
	}
	return p.Templated()
}
