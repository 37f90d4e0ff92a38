// Command baseline is the hand-written converter that csv2activity is
// measured against: the same per-line mapping as bench/perline.yaml, written
// the fastest plain way — encoding/csv on one goroutine, JSON appended by
// hand, no generality, no checks beyond parsing.
//
//	go run ./bench/baseline < lines.csv > out.ndjson
package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/govalues/decimal"
)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
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
	orderID, date, customer, product := col["Order ID"], col["Order Date"], col["Customer ID"], col["Product ID"]
	category, sub, sales, qty := col["Category"], col["Sub-Category"], col["Sales"], col["Quantity"]
	var buf []byte
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		t, err := time.Parse("2006-01-02", rec[date])
		if err != nil {
			return err
		}
		q, err := strconv.Atoi(rec[qty])
		if err != nil {
			return err
		}
		s, err := decimal.Parse(rec[sales])
		if err != nil {
			return err
		}
		price, err := s.Quo(decimal.MustNew(int64(q), 0))
		if err != nil {
			return err
		}
		ms := strconv.FormatInt(t.UnixMilli(), 10)
		buf = append(buf[:0], `{"$type":"TOUCH","$session_status":"NO_SESSION","$ts":`...)
		buf = append(buf, ms...)
		buf = append(buf, `,"$user_account_id":`...)
		buf = strconv.AppendQuote(buf, rec[customer])
		buf = append(buf, `,"$compartment_id":"1","$events":[{"$event_name":"$transaction_confirmed","$ts":`...)
		buf = append(buf, ms...)
		buf = append(buf, `,"$properties":{"$currency":"USD","order_id":`...)
		buf = strconv.AppendQuote(buf, rec[orderID])
		buf = append(buf, `,"$items":[{"$id":`...)
		buf = strconv.AppendQuote(buf, rec[product])
		buf = append(buf, `,"$qty":`...)
		buf = strconv.AppendInt(buf, int64(q), 10)
		buf = append(buf, `,"$price":`...)
		buf = append(buf, price.Trim(0).String()...)
		buf = append(buf, `,"$category1":`...)
		buf = strconv.AppendQuote(buf, rec[category])
		buf = append(buf, `,"$category2":`...)
		buf = strconv.AppendQuote(buf, rec[sub])
		buf = append(buf, "}]}}]}\n"...)
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return w.Flush()
}
