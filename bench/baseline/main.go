// Command baseline is the hand-written converter that csv2activity is
// measured against: the same mapping as bench/perline.yaml (one activity per
// line) or, with -grouped, as bench/grouped.yaml (one activity per order,
// its lines as items and the exact sum of their sales), written the fastest
// plain way — encoding/csv on one goroutine, JSON appended by hand, no
// generality, no checks beyond parsing. -grouped streams: an order's lines
// must follow one another, as an export writes them (an order met again
// later is an error).
//
//	go run ./bench/baseline < lines.csv > out.ndjson
//	go run ./bench/baseline -grouped < lines.csv > orders.ndjson
package main

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/govalues/decimal"
)

func main() {
	grouped := flag.Bool("grouped", false, "one activity per order (bench/grouped.yaml), for an export whose orders' lines follow one another")
	flag.Parse()
	if err := run(os.Stdin, os.Stdout, *grouped); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

// columns are the indexes of the columns the mappings read.
type columns struct{ orderID, date, customer, product, category, sub, sales, qty int }

// line is what one CSV line gives the activity.
type line struct {
	ms    []byte // the order date in epoch milliseconds
	qty   int
	sales decimal.Decimal
	price decimal.Decimal
}

func run(in io.Reader, out io.Writer, grouped bool) error {
	r := csv.NewReader(bufio.NewReaderSize(in, 1<<20))
	r.ReuseRecord = true
	w := bufio.NewWriterSize(out, 1<<20)
	header, err := r.Read()
	if err != nil {
		return err
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	c := columns{col["Order ID"], col["Order Date"], col["Customer ID"], col["Product ID"], col["Category"], col["Sub-Category"], col["Sales"], col["Quantity"]}
	var o order
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		var l line
		if err := l.parse(rec, c); err != nil {
			return err
		}
		if !grouped {
			o.start(rec, c, &l)
			o.item(rec, c, &l)
			o.write(w, false)
			continue
		}
		if rec[c.orderID] != o.id {
			if err := o.next(w, rec[c.orderID]); err != nil {
				return err
			}
			o.start(rec, c, &l)
		}
		o.item(rec, c, &l)
	}
	if grouped && o.id != "" {
		o.write(w, true)
	}
	return w.Flush()
}

func (l *line) parse(rec []string, c columns) error {
	t, err := time.Parse("2006-01-02", rec[c.date])
	if err != nil {
		return err
	}
	if l.qty, err = strconv.Atoi(rec[c.qty]); err != nil {
		return err
	}
	if l.sales, err = decimal.Parse(rec[c.sales]); err != nil {
		return err
	}
	if l.price, err = l.sales.Quo(decimal.MustNew(int64(l.qty), 0)); err != nil {
		return err
	}
	l.ms = strconv.AppendInt(l.ms[:0], t.UnixMilli(), 10)
	return nil
}

// order is the activity being written: its first line's fields, its items
// and, grouped, the sum of its sales.
type order struct {
	id    string
	head  []byte // up to "order_id":…
	items []byte
	total decimal.Decimal
	seen  map[string]bool // the orders written, grouped
	buf   []byte
}

// next writes the order before id and checks that id is a new order.
func (o *order) next(w io.Writer, id string) error {
	if o.seen == nil {
		o.seen = map[string]bool{}
	}
	if o.id != "" {
		o.write(w, true)
	}
	if o.seen[id] {
		return fmt.Errorf("order %s: its lines do not follow one another (-grouped reads an export as written)", id)
	}
	o.seen[id] = true
	return nil
}

// start begins the activity with line l.
func (o *order) start(rec []string, c columns, l *line) {
	o.id = rec[c.orderID]
	h := append(o.head[:0], `{"$type":"TOUCH","$session_status":"NO_SESSION","$ts":`...)
	h = append(h, l.ms...)
	h = append(h, `,"$user_account_id":`...)
	h = strconv.AppendQuote(h, rec[c.customer])
	h = append(h, `,"$compartment_id":"1","$events":[{"$event_name":"$transaction_confirmed","$ts":`...)
	h = append(h, l.ms...)
	h = append(h, `,"$properties":{"$currency":"USD","order_id":`...)
	o.head = strconv.AppendQuote(h, rec[c.orderID])
	o.items = o.items[:0]
	o.total = decimal.Zero
}

// item adds line l as an item.
func (o *order) item(rec []string, c columns, l *line) {
	b := o.items
	if len(b) > 0 {
		b = append(b, ',')
	}
	b = append(b, `{"$id":`...)
	b = strconv.AppendQuote(b, rec[c.product])
	b = append(b, `,"$qty":`...)
	b = strconv.AppendInt(b, int64(l.qty), 10)
	b = append(b, `,"$price":`...)
	b = append(b, l.price.Trim(0).String()...)
	b = append(b, `,"$category1":`...)
	b = strconv.AppendQuote(b, rec[c.category])
	b = append(b, `,"$category2":`...)
	b = strconv.AppendQuote(b, rec[c.sub])
	o.items = append(b, '}')
	o.total, _ = o.total.Add(l.sales)
}

// write writes the activity; total says whether it carries the sum.
func (o *order) write(w io.Writer, total bool) {
	b := append(o.buf[:0], o.head...)
	if total {
		b = append(b, `,"total":`...)
		b = append(b, o.total.Trim(0).String()...)
	}
	b = append(b, `,"$items":[`...)
	b = append(b, o.items...)
	o.buf = append(b, "]}}]}\n"...)
	w.Write(o.buf)
}
