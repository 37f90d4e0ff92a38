package transform

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"csv2activity/internal/progress"
	"csv2activity/mapping"
)

const benchPerLine = `version: 1
columns:
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
            $category1: ${ Category }
            $category2: ${ Sub_Category }
`

const benchGrouped = `version: 1
columns:
  Order Date: {type: time, format: "%Y-%m-%d"}
  Quantity: int
  Sales: decimal
group_by: ${ Order_ID }
activity:
  $type: TOUCH
  $session_status: NO_SESSION
  $ts: ${ Order_Date }
  $user_account_id: ${ Customer_ID }
  $events:
    - $event_name: $transaction_confirmed
      $ts: ${ Order_Date }
      $properties:
        total: '${ sum(rows, #.Sales) }'
        $items:
          for_each: rows
          item:
            $id: ${ Product_ID }
            $qty: ${ Quantity }
            $price: ${ Sales / Quantity }
`

// benchExport makes n Superstore-like line items, two per order.
func benchExport(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Row ID,Order ID,Order Date,Ship Date,Ship Mode,Customer ID,Customer Name,Segment,Country,City,State,Postal Code,Region,Product ID,Category,Sub-Category,Product Name,Sales,Quantity,Discount,Profit\n")
	cats := []string{"Furniture", "Office Supplies", "Technology"}
	for i := range n {
		o := i / 2
		fmt.Fprintf(&b, "%d,CA-2016-%d,2016-%02d-%02d,2016-%02d-%02d,Second Class,CG-%d,Claire Gute,Consumer,United States,Henderson,Kentucky,42420,South,FUR-BO-%d,%s,Bookcases,\"Bush Somerset Collection Bookcase, Large\",%d.%02d,%d,0.2,41.9136\n",
			i+1, 100000+o, 1+o%12, 1+o%28, 1+o%12, 1+o%28, 10000+o%7000, 10001798+i%1000, cats[i%3], 100+i%9000, i%100, 1+i%5)
	}
	return b.Bytes()
}

func benchRun(b *testing.B, mappingText string, workers int, set ...func(*Config)) {
	input := benchExport(20000)
	m, err := mapping.Parse("bench.yaml", []byte(mappingText))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(input)))
	b.ResetTimer()
	for range b.N {
		cfg := Config{Mapping: m, MaxErrors: -1, Workers: workers, Stdin: bytes.NewReader(input)}
		for _, s := range set {
			s(&cfg)
		}
		if _, err := Run(context.Background(), cfg, []string{"-"}, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPerLine is one activity per line item, on one worker: the cost of
// the hot path per row (divide by 20,000 for ns/row).
func BenchmarkPerLine(b *testing.B) { benchRun(b, benchPerLine, 1) }

// BenchmarkPerLineParallel is the same on every core.
func BenchmarkPerLineParallel(b *testing.B) { benchRun(b, benchPerLine, 0) }

// BenchmarkPerLineMetered is BenchmarkPerLine counting rows and bytes for a
// progress display: the cost of the meter.
func BenchmarkPerLineMetered(b *testing.B) {
	benchRun(b, benchPerLine, 1, func(c *Config) { c.Progress = new(progress.Meter) })
}

// BenchmarkGrouped is one activity per order (two lines each).
func BenchmarkGrouped(b *testing.B) { benchRun(b, benchGrouped, 1) }
