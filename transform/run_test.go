package transform

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"csv2activity/internal/testenv"
	"csv2activity/mapping"
)

// convertString runs a mapping over one input given as bytes (read as
// standard input) and returns the ndjson, the rejects and the summary.
func convertString(t *testing.T, mappingText string, input []byte, workers int) (string, string, Summary) {
	t.Helper()
	m, err := mapping.Parse("m.yaml", []byte(mappingText))
	if err != nil {
		t.Fatal(err)
	}
	var out, rej bytes.Buffer
	cfg := Config{Mapping: m, MaxErrors: -1, Workers: workers, Stdin: bytes.NewReader(input)}
	sum, err := Run(context.Background(), cfg, []string{"-"}, &out, &rej)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if sum.Read != sum.InActivities+sum.Filtered+sum.Rejected {
		t.Errorf("read %d != in activities %d + filtered %d + rejected %d", sum.Read, sum.InActivities, sum.Filtered, sum.Rejected)
	}
	return out.String(), rej.String(), sum
}

const rowMapping = `version: 1
activity:
  $type: TOUCH
  $ts: 1700000000000
  $user_agent_id: vec:1
  fields: ${ row }
`

// TestEdgeCases runs the classic CSV edge cases (quotes, embedded newlines,
// CRLF, UTF-8, empty fields) through a mapping that writes the whole row.
func TestEdgeCases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, csv string
		want      []map[string]string
	}{
		{"comma in quotes", "first,last,address\nJohn,Doe,\"120 any st., Anytown\"\n",
			[]map[string]string{{"first": "John", "last": "Doe", "address": "120 any st., Anytown"}}},
		{"escaped quotes", "a,b\n1,\"ha \"\"ha\"\" ha\"\n3,4\n",
			[]map[string]string{{"a": "1", "b": `ha "ha" ha`}, {"a": "3", "b": "4"}}},
		{"newlines", "a,b,c\n1,2,3\n\"Once upon \na time\",5,6\n7,8,9\n",
			[]map[string]string{{"a": "1", "b": "2", "c": "3"}, {"a": "Once upon \na time", "b": "5", "c": "6"}, {"a": "7", "b": "8", "c": "9"}}},
		{"newlines crlf", "a,b,c\r\n1,2,3\r\n\"Once upon \r\na time\",5,6\r\n7,8,9\r\n",
			[]map[string]string{{"a": "1", "b": "2", "c": "3"}, {"a": "Once upon \r\na time", "b": "5", "c": "6"}, {"a": "7", "b": "8", "c": "9"}}},
		{"newlines cr", "a,b,c\r1,2,3\r\"Once upon \ra time\",5,6\r7,8,9\r",
			[]map[string]string{{"a": "1", "b": "2", "c": "3"}, {"a": "Once upon \ra time", "b": "5", "c": "6"}, {"a": "7", "b": "8", "c": "9"}}},
		{"quotes and newlines", "a,b\n1,\"ha \n\"\"ha\"\" \nha\"\n3,4\n",
			[]map[string]string{{"a": "1", "b": "ha \n\"ha\" \nha"}, {"a": "3", "b": "4"}}},
		{"simple crlf", "a,b,c\r\n1,2,3\r\n", []map[string]string{{"a": "1", "b": "2", "c": "3"}}},
		{"utf8", "a,b,c\n1,2,3\n4,5,ʤ\n", []map[string]string{{"a": "1", "b": "2", "c": "3"}, {"a": "4", "b": "5", "c": "ʤ"}}},
		{"empty fields", "a,b,c\n1,\"\",\"\"\n2,3,4\n", []map[string]string{{"a": "1", "b": "", "c": ""}, {"a": "2", "b": "3", "c": "4"}}},
		{"empty crlf", "a,b,c\r\n1,\"\",\"\"\r\n2,3,4\r\n", []map[string]string{{"a": "1", "b": "", "c": ""}, {"a": "2", "b": "3", "c": "4"}}},
		{"json in a field", "key,val\n1,\"{\"\"type\"\": \"\"Point\"\", \"\"coordinates\"\": [102.0, 0.5]}\"\n",
			[]map[string]string{{"key": "1", "val": `{"type": "Point", "coordinates": [102.0, 0.5]}`}}},
		{"utf-8 bom not glued to the first name", "\xef\xbb\xbfa,b\n1,2\n", []map[string]string{{"a": "1", "b": "2"}}},
		{"control characters and NUL", "a,b\n\"x\x00y\",\"\x01\"\n", []map[string]string{{"a": "x\x00y", "b": "\x01"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, rej, _ := convertString(t, rowMapping, []byte(tt.csv), 2)
			if rej != "" {
				t.Fatalf("rejected: %s", rej)
			}
			var got []map[string]string
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				var act struct{ Fields map[string]string }
				if err := json.Unmarshal([]byte(line), &act); err != nil {
					t.Fatalf("line %q: %v", line, err)
				}
				got = append(got, act.Fields)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

const nameMapping = `version: 1
activity:
  $type: TOUCH
  $ts: 1700000000000
  $user_agent_id: ${ "vec:" + id }
  name: ${ name }
`

func TestEncodings(t *testing.T) {
	t.Parallel()
	text := "id;name\n1;Crème brûlée\n2;Pâte à tartiner\n"
	utf16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	utf16be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().String(text)
	cp1252, _ := charmap.Windows1252.NewEncoder().String(text)
	tests := []struct {
		name, encoding, input string
	}{
		{"utf-8", "auto", text},
		{"utf-8 with BOM", "auto", "\xef\xbb\xbf" + text},
		{"utf-16le BOM", "auto", utf16le},
		{"utf-16be BOM", "auto", utf16be},
		{"windows-1252 detected", "auto", cp1252},
		{"windows-1252 declared", "windows-1252", cp1252},
		{"windows-1252 after a long ASCII prefix", "auto", "id;name\n" + strings.Repeat("0;plain ascii\n", 20000) + cp1252[len("id;name\n"):]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := strings.Replace(nameMapping, "version: 1\n", "version: 1\ninput: {encoding: "+tt.encoding+"}\n", 1)
			out, rej, _ := convertString(t, m, []byte(tt.input), 2)
			if rej != "" {
				t.Fatalf("rejected: %s", rej)
			}
			if !strings.Contains(out, `"name":"Crème brûlée"`) || !strings.Contains(out, `"name":"Pâte à tartiner"`) {
				t.Errorf("accents lost: %s", out[max(0, len(out)-300):])
			}
		})
	}
}

func TestInvalidUTF8Rejected(t *testing.T) {
	t.Parallel()
	m := strings.Replace(nameMapping, "version: 1\n", "version: 1\ninput: {encoding: utf-8}\n", 1)
	out, rej, sum := convertString(t, m, []byte("id;name\n1;ok\n2;bad \xe9 byte\n3;ok too\n"), 1)
	if sum.Activities != 2 || sum.Rejected != 1 {
		t.Fatalf("got %d activities and %d rejected, want 2 and 1:\n%s%s", sum.Activities, sum.Rejected, out, rej)
	}
	want := `{"line":3,"file":"-","reason":"invalid UTF-8: byte 0xe9 at offset 6 of the row (column \"name\"); declare the right input.encoding","raw":"2;bad \ufffd byte"}` + "\n"
	if rej != want {
		t.Errorf("got %s, want %s", rej, want)
	}
}

// orderMapping makes one activity per order of ordersCSV.
const orderMapping = testenv.OrdersMapping

// ordersCSV makes n order lines spread over n/3 orders, shuffled so that no
// order's lines are contiguous, with a few bad and filtered rows.
func ordersCSV(n int, seed int64) []byte {
	rng := rand.New(rand.NewSource(seed))
	lines := make([]string, n)
	for i := range lines {
		qty := fmt.Sprint(1 + i%4)
		switch i % 97 {
		case 13:
			qty = "zero"
		case 29:
			qty = "0"
		}
		lines[i] = fmt.Sprintf("O%05d,C%03d,SKU-%d,%s,%d.%02d", i/3, (i/3)%500, i, qty, i%300, i%100)
	}
	rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	return []byte("order,customer,sku,qty,price\n" + strings.Join(lines, "\n") + "\n")
}

// TestDeterministic checks that the output does not depend on the number of
// workers or on how the input is cut into batches.
func TestDeterministic(t *testing.T) { // not parallel: sets batchSize
	input := ordersCSV(8000, 1) // 240 KB: two batches of 128 KiB
	want, wantRej, sum := convertString(t, orderMapping, input, 1)
	if sum.Rejected == 0 || sum.Filtered == 0 || sum.Activities < 2400 {
		t.Fatalf("test input too tame: %+v", sum)
	}
	defer func(n int) { batchSize = n }(batchSize)
	for _, size := range []int{1, 777, 128 << 10} {
		batchSize = size
		for _, workers := range []int{2, 5} {
			got, gotRej, _ := convertString(t, orderMapping, input, workers)
			if got != want || gotRej != wantRej {
				t.Errorf("batch size %d, %d workers: output differs from 1 worker", size, workers)
			}
		}
	}
}

// TestGroupOrder checks that groups come out in order of first appearance,
// with their rows in input order, whatever the row order.
func TestGroupOrder(t *testing.T) {
	t.Parallel()
	input := "order,customer,sku,qty,price\nB,c1,b1,1,1\nA,c2,a1,1,1\nB,c1,b2,2,1\nC,c3,c1,1,1\nA,c2,a2,3,1\n"
	out, _, _ := convertString(t, orderMapping, []byte(input), 3)
	want := `{"$type":"TOUCH","$ts":1700000000000,"$user_account_id":"c1","total":3,"items":["b1x1","b2x2"]}
{"$type":"TOUCH","$ts":1700000000000,"$user_account_id":"c2","total":4,"items":["a1x1","a2x3"]}
{"$type":"TOUCH","$ts":1700000000000,"$user_account_id":"c3","total":1,"items":["c1x1"]}
`
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

// TestHeaderless reads a tab-separated file without a header line, its
// columns named by the mapping; the first line is data line 1.
func TestHeaderless(t *testing.T) {
	t.Parallel()
	m := `version: 1
input:
  delimiter: "\t"
  header: false
  names: [id, sold_at, amount]
columns:
  sold_at: {type: time, format: unix}
  amount: {type: decimal}
activity:
  $type: TOUCH
  $ts: ${ sold_at }
  $user_agent_id: ${ "vec:" + id }
  amount: ${ amount }
`
	out, rej, sum := convertString(t, m, []byte("1\t1709650200\t12.50\n2\tnot a time\t3\n"), 2)
	want := `{"$type":"TOUCH","$ts":1709650200000,"$user_agent_id":"vec:1","amount":12.5}` + "\n"
	if out != want || sum.Rejected != 1 || !strings.Contains(rej, `"line":2`) {
		t.Errorf("got %s%s, want %s and line 2 rejected", out, rej, want)
	}
}

// TestBareQuotes takes a quote inside an unquoted field for a literal
// character, as spreadsheets do, and still rejects a badly closed quoted field.
func TestBareQuotes(t *testing.T) {
	t.Parallel()
	in := "Contact Phone Number,Location Coordinates,Cities,Counties\n" +
		"02095257564,37°36'37.8\"N 121°2'17.9\"W,Modesto,Stanislaus\n" +
		"1,\"Eldon \"Wood\" desk\",x,y\n"
	out, rej, sum := convertString(t, rowMapping, []byte(in), 1)
	want := `"fields":{"Contact Phone Number":"02095257564","Location Coordinates":"37°36'37.8\"N 121°2'17.9\"W","Cities":"Modesto","Counties":"Stanislaus"}`
	if !strings.Contains(out, want) {
		t.Errorf("got %s, want it to hold %s", out, want)
	}
	if sum.Rejected != 1 || !strings.Contains(rej, `"line":3`) || !strings.Contains(rej, "a quoted field is not closed properly") {
		t.Errorf("got rejects %s, want line 3 rejected for its quotes", rej)
	}
}

// TestSpill gives group_by a memory budget far below the input, so that rows
// go through many spill files (more than maxRuns at the smallest, so that
// they are compacted), and checks that they do, that the output is the
// in-memory one byte for byte and that no spill file is left behind.
func TestSpill(t *testing.T) {
	input := ordersCSV(10000, 3) // 300 KB: more than every budget below
	want, wantRej, _ := convertString(t, orderMapping, input, 2)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	m, err := mapping.Parse("m.yaml", []byte(orderMapping))
	if err != nil {
		t.Fatal(err)
	}
	runs := 0
	spilled = func() { runs++ }
	defer func() { spilled = nil }()
	for _, budget := range []int64{32 << 10, 64 << 10, 160 << 10} {
		runs = 0
		var out, rej bytes.Buffer
		cfg := Config{Mapping: m, MaxErrors: -1, Workers: 2, MaxMemory: budget, Stdin: bytes.NewReader(input)}
		if _, err := Run(context.Background(), cfg, []string{"-"}, &out, &rej); err != nil {
			t.Fatal(err)
		}
		if out.String() != want || rej.String() != wantRej {
			t.Errorf("budget %d: output differs from the in-memory run", budget)
		}
		if runs < 2 {
			t.Errorf("budget %d: got %d spill runs, want several", budget, runs)
		}
		if budget == 32<<10 && runs <= maxRuns {
			t.Errorf("budget %d: got %d spill runs, want more than %d, so that runs are compacted", budget, runs, maxRuns)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("spill files left behind: %v", left)
	}
}

// TestSorted checks that --sorted gives the gathering path's bytes on input
// whose groups stand together, whatever the workers and batches (groups
// within a batch, across batches, larger than a batch), and rejects
// (rather than writes twice) the rows of a group that comes back.
func TestSorted(t *testing.T) { // not parallel: sets batchSize
	var b strings.Builder
	b.WriteString("order,customer,sku,qty,price\n")
	for i := range 9000 {
		qty := fmt.Sprint(1 + i%4)
		if i%97 == 13 {
			qty = "zero"
		}
		fmt.Fprintf(&b, "O%05d,C%03d,SKU-%d,%s,%d.%02d\n", i/3, (i/3)%500, i, qty, i%300, i%100)
		if i == 4502 { // an order larger than the chunks --sorted keeps groups in
			for j := range 6000 {
				fmt.Fprintf(&b, "BIG,C007,SKU-%d,1,%d.50\n", j, j%40)
			}
		}
	}
	input := []byte(b.String())
	want, wantRej, _ := convertString(t, orderMapping, input, 2)
	m, err := mapping.Parse("m.yaml", []byte(orderMapping))
	if err != nil {
		t.Fatal(err)
	}
	defer func(n int) { batchSize = n }(batchSize)
	for _, size := range []int{100, 128 << 10} {
		batchSize = size
		var out, rej bytes.Buffer
		cfg := Config{Mapping: m, MaxErrors: -1, Workers: 3, Sorted: true, Stdin: bytes.NewReader(input)}
		if _, err := Run(context.Background(), cfg, []string{"-"}, &out, &rej); err != nil {
			t.Fatal(err)
		}
		if out.String() != want || sortedLines(rej.String()) != sortedLines(wantRej) {
			t.Errorf("batch size %d: --sorted output differs from the gathering path", size)
		}
	}
	back := append(append([]byte{}, input...), "O00001,C001,SKU-x,1,1.00\n"...)
	var out, rej bytes.Buffer
	cfg := Config{Mapping: m, MaxErrors: -1, Sorted: true, Stdin: bytes.NewReader(back)}
	sum, err := Run(context.Background(), cfg, []string{"-"}, &out, &rej)
	if err != nil || out.String() != want || !strings.Contains(rej.String(), `"line":15002,"file":"-","reason":"group \"O00001\" was already complete (it started at line 5)`) {
		t.Errorf("a group coming back: err %v, summary %+v, rejects %s", err, sum, rej.String()[max(0, rej.Len()-300):])
	}
}

// sortedLines sorts the lines of s, for comparing rejects whose order
// differs between paths.
func sortedLines(s string) string {
	lines := strings.Split(s, "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
