// Command journalfill prepares an import journal for bench/onlynew.sh: it
// records, as one finished run, the order_id key and line checksum of the
// first -fraction of an ndjson file's lines (a night already imported), then
// filler keys up to -total keys (the journal of a project after many nights).
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"time"

	"csv2activity/journal"
)

func main() {
	in := flag.String("ndjson", "", "the converted export (one activity a line, with order_id)")
	out := flag.String("o", "", "the journal to write (must not exist)")
	fraction := flag.Float64("fraction", 0.5, "share of the export's lines recorded as sent")
	total := flag.Int("total", 10_000_000, "keys in the journal, filler included")
	flag.Parse()
	if err := fill(*in, *out, *fraction, *total); err != nil {
		log.Fatal(err)
	}
}

func fill(in, out string, fraction float64, total int) error {
	lines, err := readLines(in)
	if err != nil {
		return err
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s exists", out)
	}
	j, err := journal.Open(out)
	if err != nil {
		return err
	}
	defer j.Close()
	ctx := context.Background()
	key := journal.KeySpec{Column: "Order_ID"}
	r, err := j.Begin(ctx, journal.RunInfo{Command: "import", Datamart: "1", ImportID: "bench", Key: key})
	if err != nil {
		return err
	}
	var batch []journal.Entry
	flush := func() error {
		err := r.Record(ctx, time.Now(), batch)
		batch = batch[:0]
		return err
	}
	sent := int(float64(len(lines)) * fraction)
	for i := 0; i < total; i++ {
		e := journal.Entry{Key: "F" + strconv.Itoa(i), Sum: journal.Sum([]byte(strconv.Itoa(i)))}
		if i < sent {
			k, err := orderID(lines[i])
			if err != nil {
				return err
			}
			e = journal.Entry{Key: k, Sum: journal.Sum(lines[i])}
		}
		if batch = append(batch, e); len(batch) == 100_000 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return r.Finish(ctx, journal.Outcome{Status: journal.StatusSucceeded})
}

func readLines(path string) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}
	return lines, sc.Err()
}

var marker = []byte(`"order_id":"`)

func orderID(line []byte) (string, error) {
	i := bytes.Index(line, marker)
	if i < 0 {
		return "", fmt.Errorf("a line without order_id: %.80s", line)
	}
	rest := line[i+len(marker):]
	return string(rest[:bytes.IndexByte(rest, '"')]), nil
}
