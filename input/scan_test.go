package input

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// scanTests are inputs whose records the scanner must cut exactly where
// encoding/csv ends them, including the malformed ones.
var scanTests = []string{
	"a,b,c\n1,2,3\n",
	"a,b\r\n1,2\r\n",
	"a,b\n\"x,y\",2\n",
	"a,b\n\"multi\nline\",2\n3,4\n",
	"a,b\n\"multi\r\nline\",2\r\n3,4\r\n",
	"a,b\n\"esc \"\"q\"\"\",2\n",
	"a,b\n12\" pizza,2\n3,4\n",
	"a,b\n\"bad\"x,2\n3,4\n",
	"a,b\n\"unterminated,2\n3,4\n",
	"a,b\n\n\n1,2\n",
	"a,b\n1,2",
	"a,b\n\"q\"\r\n3,4\n",
	"a,b\n\"q\"\rx\n3,4\n",
	"a;b\n1;\"2;3\"\n",
	"a,b\n1,\"x\n\"\"y\"\"\nz\"\n3,4\n",
	"a,b\n1,\"stray,2\n3,4\n5,\"x\"y\n",
	"",
	"\n",
}

// csvRecords parses data with encoding/csv and describes every record.
func csvRecords(data []byte, comma rune) []string {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = comma
	r.FieldsPerRecord = -1
	var out []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			out = append(out, fmt.Sprintf("error %v", pe.Err))
			continue
		}
		out = append(out, fmt.Sprintf("%q", rec))
	}
}

// scannedRecords cuts data into records with the scanner and parses each one
// on its own.
func scannedRecords(data []byte, comma rune) []string {
	sc := scanner{comma: byte(comma)}
	var out []string
	for start := 0; start < len(data); {
		end := sc.scan(data, start)
		if end < 0 {
			end = len(data)
		}
		out = append(out, csvRecords(data[start:end], comma)...)
		out = append(out, multiMissed(&sc, data[start:end])...)
		start = end
	}
	return out
}

// multiMissed checks the scanner's multi flag after the record rec (and
// clears it): set whenever rec spans lines. It describes a miss, so that the
// comparison with encoding/csv fails on it.
func multiMissed(sc *scanner, rec []byte) []string {
	spans := bytes.IndexByte(rec[:rowLen(rec)], '\n') >= 0
	missed := spans && !sc.multi
	sc.multi = false
	if missed {
		return []string{fmt.Sprintf("multi not set for %q", rec)}
	}
	return nil
}

func TestScannerMatchesEncodingCSV(t *testing.T) {
	for _, in := range scanTests {
		t.Run(fmt.Sprintf("%q", in), func(t *testing.T) {
			comma := ','
			if strings.Contains(in, ";") {
				comma = ';'
			}
			want := csvRecords([]byte(in), comma)
			got := scannedRecords([]byte(in), comma)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func FuzzScanner(f *testing.F) {
	for _, in := range scanTests {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		want := csvRecords([]byte(in), ',')
		got := scannedRecords([]byte(in), ',')
		if !reflect.DeepEqual(got, want) {
			t.Errorf("input %q: got %v, want %v", in, got, want)
		}
	})
}

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		line string
		want rune
	}{
		{"Order ID,Order Date,Sales", ','},
		{"N° ticket;Date;Montant TTC", ';'},
		{"a\tb\tc", '\t'},
		{"a|b|c", '|'},
		{`"Name, full";Date;Amount`, ';'},
		{"single", ','},
	}
	for _, tt := range tests {
		if got := sniffDelimiter([]byte(tt.line)); got != tt.want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestSplitRecordKeepsCRLF(t *testing.T) {
	got := splitRecord([]byte("\"Once upon \r\na time\",5,\"x\"\"y\",,\"\""), ',')
	want := []string{"Once upon \r\na time", "5", "x\"y", "", ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// chunkedRecords cuts data into records feeding the scanner a few bytes at a
// time, as the source does when input arrives in pieces.
func chunkedRecords(data []byte, comma rune, step int) []string {
	sc := scanner{comma: byte(comma)}
	var out []string
	start, scanned := 0, 0
	for end := min(step, len(data)); ; end = min(end+step, len(data)) {
		for scanned < end {
			e := sc.scan(data[:end], scanned)
			if e < 0 {
				scanned = end
				break
			}
			out = append(out, csvRecords(data[start:e], comma)...)
			out = append(out, multiMissed(&sc, data[start:e])...)
			start, scanned = e, e
		}
		if end == len(data) {
			break
		}
	}
	if start < len(data) {
		out = append(out, csvRecords(data[start:], comma)...)
		out = append(out, multiMissed(&sc, data[start:])...)
	}
	return out
}

func FuzzScannerChunked(f *testing.F) {
	for _, in := range scanTests {
		f.Add(in, uint8(1))
		f.Add(in, uint8(3))
	}
	f.Fuzz(func(t *testing.T, in string, step uint8) {
		want := csvRecords([]byte(in), ',')
		got := chunkedRecords([]byte(in), ',', 1+int(step%16))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("input %q step %d: got %v, want %v", in, 1+step%16, got, want)
		}
	})
}
