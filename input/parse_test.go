package input

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// parseCSV is the reference Parse: every record through
// encoding/csv, with the same two amendments (CR LF kept inside quotes, bare
// quotes read as characters). Parse must give the same records.
func parseCSV(data []byte, line0 int, comma rune, fn func(*Record)) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	prev := int64(0)
	for {
		fields, err := cr.Read()
		if err == io.EOF {
			return
		}
		off := cr.InputOffset()
		rec := Record{Raw: trimRecord(data[prev:off]), Fields: fields, Err: err}
		prev = off
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rec.Line = line0 + pe.StartLine - 1
			rec.Fields = nil
			if errors.Is(err, csv.ErrBareQuote) {
				if fields, lerr := bareQuotes(rec.Raw, comma); lerr == nil {
					rec.Fields, rec.Err = fields, nil
				}
			}
		} else {
			line, _ := cr.FieldPos(0)
			rec.Line = line0 + line - 1
			if bytes.Contains(rec.Raw, []byte("\r\n")) {
				rec.Fields = splitRecord(rec.Raw, byte(comma))
			}
		}
		fn(&rec)
	}
}

// parsed is a record as the tests compare it.
type parsed struct {
	Line   int
	Raw    string
	Fields []string
	Err    string
}

func collect(parse func([]byte, int, rune, func(*Record)), data []byte, comma rune) []parsed {
	var out []parsed
	parse(data, 7, comma, func(r *Record) {
		p := parsed{Line: r.Line, Raw: string(r.Raw), Fields: append([]string(nil), r.Fields...)}
		if r.Err != nil {
			p.Err = r.Reason()
		}
		out = append(out, p)
	})
	return out
}

var parseCases = []string{
	"",
	"a,b,c\n1,2,3\n",
	"a,b,c\r\n1,2,3\r\n",
	"a,b,c\n1,2,3",
	"a,b\r",
	"\n\n\r\na,b\n\n",
	"\r",
	"\rx,y\n",
	"a,\"b,c\",d\n",
	"\"\",\"\"\"\",x\n",
	"\"multi\nline\",2\n3,4\n",
	"\"multi\r\nline\",2\r\n3,4\r\n",
	"\"closed\"\r",
	"\"closed\"\rx\n",
	"12\" pizza,1\n2,3\n",
	"\"bad\"x,2\n3,4\n",
	"\"unterminated,1\n2,3\n",
	",,\n,\n",
	"a,b\rc,d\n",
	"x,\"y\"",
	"x,\"y\"\n\"z",
	"\"a\"\"\",\"\"\"b\"\n",
	"a\r\r\n",
	"\"a\"\r\r\n",
	"caf\xe9,na\xefve\n\xff\xfe,\x00\n",
	"abcdefghijklmnop,qrstuvwxyz0123456789,,,,,,,,,,,,,,,,,x\n",
	"abcdefgh,abcdefg,\"quoted, field\",abcdefghijklmnopq\r\nabcdefgh,abcdefg,\"quoted, field\",abcdefghijklmnopq\r\n",
	"abcdefghijklmnopqrstuvwx,abcdefghijk\"bare,x\nnext,line\n",
	"\x80,\xac,\xff\xff\xff\xff\xff\xff\xff,\xbb\x2c\x2d;\x3b\x3c\xab\x2b\x2c\n",
	"0123456789abcdef\"0123456789\"\n",
	"long unquoted field one,\"a \"\"quoted\"\" word\",\"two\nlines\",last one here\n",
}

func TestParseBatchMatchesEncodingCSV(t *testing.T) {
	for _, in := range parseCases {
		for _, comma := range []rune{',', ';', '\t'} {
			text := strings.ReplaceAll(in, ",", string(comma))
			want := collect(parseCSV, []byte(text), comma)
			got := collect(Parse, []byte(text), comma)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%q (delimiter %q):\n got %+v\nwant %+v", text, comma, got, want)
			}
		}
	}
}

// FuzzParseBatch checks Parse against encoding/csv on any input.
func FuzzParseBatch(f *testing.F) {
	for _, c := range parseCases {
		f.Add([]byte(c), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, semicolon bool) {
		comma := ','
		if semicolon {
			comma = ';'
		}
		want := collect(parseCSV, data, comma)
		got := collect(Parse, data, comma)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got %+v\nwant %+v", data, got, want)
		}
	})
}
