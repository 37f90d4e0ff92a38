package input

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"csv2activity/internal/bufpool"
)

// readers are the ways an input may arrive: whole, or in pieces of every
// size, so that a record, a line or a quote falls across reads.
var readers = map[string]func(io.Reader) io.Reader{
	"whole":    func(r io.Reader) io.Reader { return r },
	"one byte": iotest.OneByteReader,
	"half":     iotest.HalfReader,
}

// readRows reads input as convert does, with the row size limit, and returns
// the header and what the workers receive, in order.
func readRows(input string, maxRow, target int, wrap func(io.Reader) io.Reader) ([]string, []sourceRow, error) {
	in, err := read(context.Background(), "in.csv", wrap(strings.NewReader(input)), Options{Encoding: "auto", Header: true, MaxRowSize: maxRow})
	if err != nil {
		return nil, nil, err
	}
	var out []sourceRow
	for {
		b, err := in.Next(target)
		if err != nil || b == nil {
			return in.header, out, err
		}
		if b.Malformed != nil {
			out = append(out, sourceRow{line: b.Malformed.Line, raw: b.Malformed.Raw, reason: b.Malformed.Reason})
			continue
		}
		Parse(b.Data, b.Line, b.Comma, func(r *Record) {
			row := sourceRow{line: r.Line, raw: string(r.Raw), fields: slices.Clone(r.Fields)}
			if r.Err != nil {
				row.reason = "malformed"
			}
			out = append(out, row)
		})
		bufpool.Put(b.Data) // as a worker does: one buffer a batch would be slow
	}
}

// sourceRow is a row as a worker receives it (fields), a record it will find
// malformed (reason "malformed"), or a line the reader rejected (its reason).
type sourceRow struct {
	line   int
	raw    string
	fields []string
	reason string
}

// String is "LINE [fields]", "LINE malformed RAW", or "LINE reject RAW |
// REASON".
func (r sourceRow) String() string {
	switch r.reason {
	case "":
		return fmt.Sprintf("%d %q", r.line, r.fields)
	case "malformed":
		return fmt.Sprintf("%d malformed %q", r.line, r.raw)
	}
	return fmt.Sprintf("%d reject %q | %s", r.line, r.raw, r.reason)
}

// sameRows compares rows with the wanted ones, where a reject's reason need
// only contain the wanted words.
func sameRows(rows []sourceRow, want []string) bool {
	if len(rows) != len(want) {
		return false
	}
	for i, r := range rows {
		g, gr, _ := strings.Cut(r.String(), " | ")
		w, wr, _ := strings.Cut(want[i], " | ")
		if g != w || !strings.Contains(gr, wr) {
			return false
		}
	}
	return true
}

const strayHeader = "id,email,amount\n"

// TestStrayQuote: a record that spans lines and turns out malformed costs
// only the line it starts on; reading resumes at the next line, and
// legitimate multi-line cells still read as one record.
func TestStrayQuote(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		maxRow int
		want   []string
	}{
		{"clean", "1,a@x.fr,2.50\n2,b@x.fr,3.00\n", 0, []string{
			`2 ["1" "a@x.fr" "2.50"]`, `3 ["2" "b@x.fr" "3.00"]`}},
		{"never closed, early", "1,\"a@x.fr,2.50\n2,b@x.fr,3.00\n3,c@x.fr,4.00\n", 0, []string{
			`2 reject "1,\"a@x.fr,2.50" | malformed CSV: a quote opened on line 2 (column "email") is never closed; lines 3–4, which it would have swallowed, were read again as rows: close the quote, or write a " that is part of the text as ""`,
			`3 ["2" "b@x.fr" "3.00"]`, `4 ["3" "c@x.fr" "4.00"]`}},
		{"never closed, one line swallowed", "1,a@x.fr,2.50\n2,\"b@x.fr,3.00\n3,c@x.fr,4.00\n", 0, []string{
			`2 ["1" "a@x.fr" "2.50"]`,
			`3 reject "2,\"b@x.fr,3.00" | line 4, which it would have swallowed, was read again as a row`,
			`4 ["3" "c@x.fr" "4.00"]`}},
		{"never closed, last line", "1,a@x.fr,2.50\n2,\"b@x.fr,3.00\n", 0, []string{
			`2 ["1" "a@x.fr" "2.50"]`,
			`3 reject "2,\"b@x.fr,3.00" | a quote opened on line 3 (column "email") is never closed: close the quote`}},
		{"never closed, last line without line break", "1,a@x.fr,2.50\n2,\"b@x.fr,3.00", 0, []string{
			`2 ["1" "a@x.fr" "2.50"]`,
			`3 reject "2,\"b@x.fr,3.00" | is never closed: close`}},
		{"closed wrongly further down", "1,\"a@x.fr,2.50\n2,b@x.fr,3.00\n3,\"c\"x,4.00\n4,d@x.fr,5.00\n", 0, []string{
			`2 reject "1,\"a@x.fr,2.50" | a quote opened on line 2 (column "email") is closed by a quote on line 4 with text after it, which is not CSV; lines 3–4, which it would have swallowed`,
			`3 ["2" "b@x.fr" "3.00"]`, `4 malformed "3,\"c\"x,4.00"`, `5 ["4" "d@x.fr" "5.00"]`}},
		{"closes into a row of another width", "1,\"a@x.fr,2.50\n2,b@x.fr,3.00\"\n3,c@x.fr,4.00\n", 0, []string{
			`2 reject "1,\"a@x.fr,2.50" | a quote opened on line 2 (column "email") closes on line 3, making one row of 2 fields where the header has 3; line 3, which it would have swallowed, was read again as a row`,
			`3 ["2" "b@x.fr" "3.00\""]`, `4 ["3" "c@x.fr" "4.00"]`}},
		{"closed by a legitimate multi-line cell's opening quote", "1,\"a@x.fr,2.50\n2,\"b\nx.fr\",3.00\n3,c@x.fr,4.00\n", 0, []string{
			`2 reject "1,\"a@x.fr,2.50" | closed by a quote on line 3 with text after it`,
			`3 ["2" "b\nx.fr" "3.00"]`, `5 ["3" "c@x.fr" "4.00"]`}},
		{"csv-spectrum newlines", "1,2,3\n\"Once upon \na time\",5,6\n7,8,9\n", 0, []string{
			`2 ["1" "2" "3"]`, `3 ["Once upon \na time" "5" "6"]`, `5 ["7" "8" "9"]`}},
		{"csv-spectrum quotes and newlines", "1,\"ha \n\"\"ha\"\" \nha\",x\n3,4,5\n", 0, []string{
			`2 ["1" "ha \n\"ha\" \nha" "x"]`, `5 ["3" "4" "5"]`}},
		{"a legitimate multi-line cell, then a stray quote", "1,\"12 rue de la Paix\nParis\",2.50\n2,\"b@x.fr,3.00\n3,c@x.fr,4.00\n", 0, []string{
			`2 ["1" "12 rue de la Paix\nParis" "2.50"]`,
			`4 reject "2,\"b@x.fr,3.00" | a quote opened on line 4 (column "email") is never closed; line 5`,
			`5 ["3" "c@x.fr" "4.00"]`}},
		{"a multi-line cell closed wrongly", "1,\"note\npart two\" x,2.50\n2,b@x.fr,3.00\n", 0, []string{
			`2 reject "1,\"note" | closed by a quote on line 3 with text after it`,
			`3 ["part two\" x" "2.50"]`, `4 ["2" "b@x.fr" "3.00"]`}},
		{"every other line with a stray quote", "1,\"a@x.fr,2.50\n2,b@x.fr,\"3.00\"\n3,\"c@x.fr,4.00\n4,d@x.fr,\"5.00\"\n", 0, []string{
			`2 reject "1,\"a@x.fr,2.50" | closed by a quote on line 3 with text after it`, `3 ["2" "b@x.fr" "3.00"]`,
			`4 reject "3,\"c@x.fr,4.00" | closed by a quote on line 5 with text after it`, `5 ["4" "d@x.fr" "5.00"]`}},
		{"CR LF", "1,\"a@x.fr,2.50\r\n2,b@x.fr,3.00\r\n", 0, []string{
			`2 reject "1,\"a@x.fr,2.50" | never closed; line 3, which`,
			`3 ["2" "b@x.fr" "3.00"]`}},
		{"lone CR", "\r1,\"a@x.fr,2.50\r2,b@x.fr,3.00\r3,c@x.fr,4.00\r", 0, []string{
			`2 reject "1,\"a@x.fr,2.50" | never closed; lines 3–4`,
			`3 ["2" "b@x.fr" "3.00"]`, `4 ["3" "c@x.fr" "4.00"]`}},
		{"a quote in the third field", "1,a@x.fr,\"2.50\n2,b@x.fr,3.00\n", 0, []string{
			`2 reject "1,a@x.fr,\"2.50" | (column "amount") is never closed`,
			`3 ["2" "b@x.fr" "3.00"]`}},
		{"a line longer than the limit", "1,a@x.fr,2.50\n2," + strings.Repeat("b", 200) + ",3.00\n3,c@x.fr,4.00\n", 64, []string{
			`2 ["1" "a@x.fr" "2.50"]`,
			`3 reject "2,` + strings.Repeat("b", 200) + `,3.00" | row is longer than the 64B row size limit (--max-row-size): 207 bytes`,
			`4 ["3" "c@x.fr" "4.00"]`}},
		{"a last line longer than the limit", "1,a@x.fr,2.50\n2," + strings.Repeat("b", 200), 64, []string{
			`2 ["1" "a@x.fr" "2.50"]`,
			`3 reject "2,` + strings.Repeat("b", 200) + `" | 202 bytes`}},
		{"a multi-line record longer than the limit", "1,\"" + strings.Repeat("x", 30) + "\n" + strings.Repeat("y", 30) + "\n" + strings.Repeat("z", 30) + "\",3\n4,d,5\n", 64, []string{
			`2 reject "1,\"` + strings.Repeat("x", 30) + `" | a quote opened on line 2 (column "email") is still open on line 3, past the 64B row size limit (--max-row-size); the lines from 3 on, which it would have swallowed, were read again as rows: close the quote, or write a " that is part of the text as "", or raise --max-row-size`,
			`3 ["` + strings.Repeat("y", 30) + `"]`, `4 ["` + strings.Repeat("z", 30) + `\"" "3"]`, `5 ["4" "d" "5"]`}},
		{"a quote open past the limit", "1,\"a@x.fr,2.50\n" + strings.Repeat("2,b@x.fr,3.00\n", 9), 64, append([]string{
			`2 reject "1,\"a@x.fr,2.50" | is still open on line 6, past the 64B row size limit (--max-row-size); the lines from 3 on`},
			strings.Split(strings.TrimSpace(strings.Repeat(`N ["2" "b@x.fr" "3.00"]`+"\n", 9)), "\n")...)},
	}
	for _, tt := range tests {
		if tt.maxRow == 0 {
			tt.maxRow = DefaultMaxRowSize
		}
		for i, w := range tt.want {
			if strings.HasPrefix(w, "N ") {
				tt.want[i] = fmt.Sprint(i+2) + w[1:]
			}
		}
		for rname, wrap := range readers {
			for _, target := range []int{1, 1 << 20} {
				t.Run(fmt.Sprintf("%s/%s/%d", tt.name, rname, target), func(t *testing.T) {
					input := strayHeader + tt.input
					if strings.HasPrefix(tt.input, "\r") { // a file whose lines end with a lone CR
						input = strings.TrimSuffix(strayHeader, "\n") + tt.input
					}
					_, got, err := readRows(input, tt.maxRow, target, wrap)
					if err != nil {
						t.Fatal(err)
					}
					if !sameRows(got, tt.want) {
						t.Errorf("got\n\t%s\nwant\n\t%s", join(got), strings.Join(tt.want, "\n\t"))
					}
				})
			}
		}
	}
}

// TestHeaderNotRecovered: the header line is not recovered from; one longer
// than the limit stops the reading at the limit, even with no end in sight.
func TestHeaderNotRecovered(t *testing.T) {
	tests := []struct {
		name  string
		input io.Reader
		want  string
	}{
		{"a quote never closed", strings.NewReader("id,\"email,amount\n1,a,2\n"), "header line: malformed CSV"},
		{"longer than the limit", strings.NewReader("id," + strings.Repeat("e", 100) + "\n1,a,2\n"), "the header line is longer than the row size limit (--max-row-size 64B)"},
		{"endless", endless{}, "the header line is longer than the row size limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := read(context.Background(), "in.csv", tt.input, Options{Encoding: "auto", Header: true, MaxRowSize: 64})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

// endless is an input that never ends: NUL bytes, as from /dev/zero.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestHeaderExact: the header's names reach the mapping as written, spaces
// included, so that trimming never makes two columns one.
func TestHeaderExact(t *testing.T) {
	in, err := read(context.Background(), "in.csv", strings.NewReader("\ufeffemail, email,Qté ,\" a \"\nx,y,1,2\n"), Options{Encoding: "auto", Header: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"email", " email", "Qté ", " a "}; !reflect.DeepEqual(in.header, want) {
		t.Errorf("got %q, want %q", in.header, want)
	}
}

// TestSepLine: a first line "sep=;" (Excel's) names the delimiter and is
// skipped, the lines after it keeping their numbers; any other first line
// is the header.
func TestSepLine(t *testing.T) {
	tests := []struct {
		name, input string
		opts        Options
		header      []string
		comma       rune
		sep         bool // read as a sep= line
		want        []string
	}{
		{"semicolon, CRLF", "sep=;\r\na;b\r\n1;2\r\n", Options{}, []string{"a", "b"}, ';', true, []string{`3 ["1" "2"]`}},
		{"tab, LF", "sep=\t\na\tb\n1\t2\n3\t4\n", Options{}, []string{"a", "b"}, '\t', true, []string{`3 ["1" "2"]`, `4 ["3" "4"]`}},
		{"pipe, CR, upper case", "SEP=|\ra|b\r1|2\r", Options{}, []string{"a", "b"}, '|', true, []string{`3 ["1" "2"]`}},
		{"comma in a UTF-8 BOM file", "\ufeffsep=,\na,b\n1,2\n", Options{}, []string{"a", "b"}, ',', true, []string{`3 ["1" "2"]`}},
		{"a header that sniffs otherwise", "sep=;\nName, first;Total\nAda, L;3\n", Options{}, []string{"Name, first", "Total"}, ';', true, []string{`3 ["Ada, L" "3"]`}},
		{"the mapping's delimiter wins", "sep=;\na,b\n1,2\n", Options{Delimiter: ','}, []string{"a", "b"}, ',', true, []string{`3 ["1" "2"]`}},
		{"without a header line", "sep=;\n1;2\n", Options{Names: []string{"a", "b"}}, nil, ';', true, []string{`2 ["1" "2"]`}},
		{"more on the line: a header", "sep=;x\n1;2\n", Options{}, []string{"sep=", "x"}, ';', false, []string{`2 ["1" "2"]`}},
		{"another delimiter: a header", "sep=:\n1\n", Options{}, []string{"sep=:"}, ',', false, []string{`2 ["1"]`}},
		{"a typed input's first row", "sep=;\n1\n", Options{typed: true, Delimiter: ','}, []string{"sep=;"}, ',', false, []string{`2 ["1"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Encoding, opts.Header = "auto", opts.Names == nil
			in, err := read(context.Background(), "in.csv", strings.NewReader(tt.input), opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(in.header, tt.header) || in.Comma() != tt.comma || in.SepLine() != tt.sep {
				t.Errorf("header %q, delimiter %q, sep line %v; want %q, %q, %v", in.header, in.Comma(), in.SepLine(), tt.header, tt.comma, tt.sep)
			}
			var got []sourceRow
			for {
				b, err := in.Next(1)
				if err != nil {
					t.Fatal(err)
				}
				if b == nil {
					break
				}
				Parse(b.Data, b.Line, b.Comma, func(r *Record) {
					got = append(got, sourceRow{line: r.Line, fields: slices.Clone(r.Fields)})
				})
			}
			if !sameRows(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// FuzzSource holds the reader to encoding/csv on well-formed input (every
// record parses and is as wide as the header: the same records, no
// rejects), and to the stray-quote rule on any input: whatever the reads'
// sizes, the same rows and rejects; every rejected line is one physical line;
// no record handed to the workers spans lines unless it is well-formed and as
// wide as the header.
func FuzzSource(f *testing.F) {
	f.Add([]byte("a,b\n1,\"x\ny\"\n\"stray,2\n3,4\n"), uint8(3), uint8(0))
	f.Add([]byte("a,b\n1,\"ha \n\"\"ha\"\" \nha\"\n3,4\n"), uint8(1), uint8(40))
	f.Add([]byte("a,b\r1,\"x\r2,3\r"), uint8(5), uint8(10))
	f.Add([]byte("a,b\n1,\"x\ny\",3\n4,5\n"), uint8(2), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, step uint8, limit uint8) {
		maxRow := DefaultMaxRowSize
		if limit > 0 {
			maxRow = 64 + int(limit) // from the smallest limit --max-row-size accepts
		}
		header, whole, errWhole := readRows(string(data), maxRow, 1<<20, func(r io.Reader) io.Reader { return r })
		_, pieces, errPieces := readRows(string(data), maxRow, 1, func(r io.Reader) io.Reader {
			return &chunkReader{r: r, n: 1 + int(step%32)}
		})
		if (errWhole == nil) != (errPieces == nil) || !reflect.DeepEqual(whole, pieces) {
			t.Fatalf("%q: whole and in pieces differ:\n%s %v\n%s %v", data, join(whole), errWhole, join(pieces), errPieces)
		}
		if errWhole != nil {
			return
		}
		for _, r := range whole {
			switch {
			case r.reason == "malformed" && strings.Contains(r.raw, "\n"):
				t.Fatalf("%q: a malformed record spans lines: %s", data, r)
			case r.reason != "" && r.reason != "malformed" && strings.ContainsAny(r.raw, "\n"):
				t.Fatalf("%q: a rejected line holds a line break: %s", data, r)
			case r.reason == "" && strings.Contains(r.raw, "\n") && len(r.fields) != len(header):
				t.Fatalf("%q: a record spanning lines of another width than %d: %s", data, len(header), r)
			}
		}
		if want, ok := wellFormed(data, maxRow); ok && join(whole) != join(want) {
			t.Fatalf("%q: well-formed input:\n got %s\nwant %s", data, join(whole), join(want))
		}
	})
}

func join(rows []sourceRow) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("\n\t" + r.String())
	}
	return b.String()
}

// chunkReader reads at most n bytes at a time.
type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	return c.r.Read(p[:min(len(p), c.n)])
}

// wellFormed reads data's rows with encoding/csv when every record is
// well-formed, as wide as the header and within maxRow; ok is false
// otherwise, or when the input holds what encoding/csv is not the reference
// for (a CR, which parseBatch keeps inside quotes; a delimiter that is not
// ","; a byte that is not ASCII, to be decoded; a first line "sep=,", which
// the reader skips).
func wellFormed(data []byte, maxRow int) ([]sourceRow, bool) {
	if n, _ := sepLine(data); n > 0 || bytes.ContainsAny(data, "\r;\t|") || !isASCII(data) {
		return nil, false
	}
	r := csv.NewReader(bytes.NewReader(data))
	var out []sourceRow
	prev := int64(0)
	for i := 0; ; i++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, i > 0
		}
		off := r.InputOffset()
		if err != nil || int(off-prev) > maxRow {
			return nil, false
		}
		raw := trimRecord(data[prev:off])
		prev = off
		if i > 0 {
			line, _ := r.FieldPos(0)
			out = append(out, sourceRow{line: line, raw: string(raw), fields: rec})
		}
	}
}

func isASCII(b []byte) bool {
	return asciiPrefix(b) == len(b)
}
