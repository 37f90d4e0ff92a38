package activity

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var parseTests = []struct {
	name string
	line string
	want *Object
}{
	{"empty object", `{}`, &Object{}},
	{"surrounding whitespace", " \t{\"a\":1}\r\n", obj("a", json.Number("1"))},
	{"key order kept", `{"z":1,"a":2,"m":3}`, obj("z", json.Number("1"), "a", json.Number("2"), "m", json.Number("3"))},
	{"scalars", `{"s":"x","t":true,"f":false,"n":null}`, obj("s", "x", "t", true, "f", false, "n", nil)},
	{"numbers as written", `{"a":-0,"b":1.50,"c":1E+2,"d":12345678901234567890123}`,
		obj("a", json.Number("-0"), "b", json.Number("1.50"), "c", json.Number("1E+2"), "d", json.Number("12345678901234567890123"))},
	{"nested", `{"e":[{"k":[]},{}],"o":{"p":{"q":[1,[2]]}}}`,
		obj("e", []any{obj("k", []any{}), &Object{}}, "o", obj("p", obj("q", []any{json.Number("1"), []any{json.Number("2")}})))},
	{"escapes", `{"s":"a\"b\\c\/d\b\f\n\r\t\u00e9\u2028"}`, obj("s", "a\"b\\c/d\b\f\n\r\té\u2028")},
	{"surrogate pair", `{"s":"\ud83d\ude00"}`, obj("s", "😀")},
	{"lone surrogates", `{"s":"\ud83d-\ude00-\ud83d\u0041"}`, obj("s", "\ufffd-\ufffd-\ufffdA")},
	{"invalid UTF-8 replaced", "{\"s\":\"Caf\xe9\"}", obj("s", "Caf\ufffd")},
	{"invalid UTF-8 in key", "{\"\xff\":1}", obj("\ufffd", json.Number("1"))},
	{"raw DEL and U+2028", "{\"s\":\"\x7f\u2028\"}", obj("s", "\x7f\u2028")},
	{"same key in sibling objects", `{"a":{"k":1},"b":{"k":2}}`, obj("a", obj("k", json.Number("1")), "b", obj("k", json.Number("2")))},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.line))
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

var parseErrorTests = []struct {
	name string
	line string
	is   error
	want string
}{
	{"empty", "", ErrSyntax, "not JSON: empty line"},
	{"blank", " \r\n", ErrSyntax, "not JSON: empty line"},
	{"garbage", "hello", ErrSyntax, "not JSON: invalid character 'h' looking for a value at offset 0"},
	{"cut short", `{"a":1`, ErrSyntax, "not JSON: unexpected end of line after object value"},
	{"missing value", `{"a":}`, ErrSyntax, "not JSON: invalid character '}' looking for a value at offset 5"},
	{"missing colon", `{"a" 1}`, ErrSyntax, "not JSON: invalid character '1' after object key at offset 5"},
	{"unquoted key", `{a:1}`, ErrSyntax, "not JSON: invalid character 'a' looking for an object key at offset 1"},
	{"trailing comma", `{"a":1,}`, ErrSyntax, "not JSON: invalid character '}' looking for an object key at offset 7"},
	{"array trailing comma", `{"a":[1,]}`, ErrSyntax, "not JSON: invalid character ']' looking for a value at offset 8"},
	{"array missing comma", `{"a":[1 2]}`, ErrSyntax, "not JSON: invalid character '2' after array element at offset 8"},
	{"single quotes", `{'a':1}`, ErrSyntax, `not JSON: invalid character '\'' looking for an object key at offset 1`},
	{"leading zero", `{"a":01}`, ErrSyntax, "not JSON: invalid character '1' after object value at offset 6"},
	{"bare minus", `{"a":-}`, ErrSyntax, "not JSON: invalid character '}' in number at offset 6"},
	{"dot without digits", `{"a":1.}`, ErrSyntax, "not JSON: invalid character '}' in number at offset 7"},
	{"exponent without digits", `{"a":1e+}`, ErrSyntax, "not JSON: invalid character '}' in number at offset 8"},
	{"NaN", `{"a":NaN}`, ErrSyntax, "not JSON: invalid character 'N' looking for a value at offset 5"},
	{"bad literal", `{"a":tru}`, ErrSyntax, "not JSON: invalid character '}' in literal true at offset 8"},
	{"raw newline in string", "{\"a\":\"x\ny\"}", ErrSyntax, `not JSON: invalid character '\n' in string at offset 7`},
	{"raw NUL in string", "{\"a\":\"\x00\"}", ErrSyntax, `not JSON: invalid character '\x00' in string at offset 6`},
	{"bad escape", `{"a":"\x"}`, ErrSyntax, "not JSON: invalid character 'x' in string escape at offset 7"},
	{"short unicode escape", `{"a":"\u12"}`, ErrSyntax, `not JSON: invalid character '"' in \u escape at offset 10`},
	{"bad unicode escape", `{"a":"\u12g4"}`, ErrSyntax, `not JSON: invalid character 'g' in \u escape at offset 10`},
	{"unterminated string", `{"a":"abc`, ErrSyntax, "not JSON: unexpected end of line in string"},
	{"byte outside string", "{\"a\":\xff}", ErrSyntax, "not JSON: invalid character byte 0xff looking for a value at offset 5"},
	{"BOM", "\xef\xbb\xbf{}", ErrSyntax, "not JSON: invalid character byte 0xef looking for a value at offset 0"},
	{"too deep", `{"a":` + strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth) + "}", ErrSyntax,
		"not JSON: nested deeper than 10000 levels at offset 10004"},
	{"array", `[{"a":1}]`, ErrNotObject, "not a JSON object: the line holds an array"},
	{"string", `"abc"`, ErrNotObject, "not a JSON object: the line holds a string"},
	{"number", `12`, ErrNotObject, "not a JSON object: the line holds a number"},
	{"null", `null`, ErrNotObject, "not a JSON object: the line holds null"},
	{"second object", `{"a":1} {"b":2}`, ErrTrailingData, "trailing data after the object at offset 8"},
	{"garbage after", `{"a":1}x`, ErrTrailingData, "trailing data after the object at offset 7"},
	{"two lines", "{}\n{}\n", ErrTrailingData, "trailing data after the object at offset 3"},
	{"duplicate key", `{"$ts":1,"$ts":2}`, ErrDuplicateKey, `duplicate key "$ts"`},
	{"duplicate nested key", `{"$events":[{"$ts":1},{"$ts":1,"x":2,"$ts":3}]}`, ErrDuplicateKey, `$events[1]: duplicate key "$ts"`},
	{"duplicate after escape", `{"a":1,"\u0061":2}`, ErrDuplicateKey, `duplicate key "a"`},
	{"duplicate in big object", `{` + manyKeys(40) + `,"k7":0}`, ErrDuplicateKey, `duplicate key "k7"`},
}

// manyKeys returns n members "k0":0 ... joined by commas.
func manyKeys(n int) string {
	members := make([]string, n)
	for i := range members {
		members[i] = `"k` + strconv.Itoa(i) + `":0`
	}
	return strings.Join(members, ",")
}

func TestParseErrors(t *testing.T) {
	for _, tt := range parseErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse([]byte(tt.line))
			if err == nil {
				t.Fatalf("got %s, want error %q", o, tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got error %q, want %q", got, tt.want)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("got error %v, want one wrapping %v", err, tt.is)
			}
			if o != nil {
				t.Errorf("got object %s with the error, want nil", o)
			}
		})
	}
}

func TestParseDeepNestingAccepted(t *testing.T) {
	line := `{"a":` + strings.Repeat("[", maxDepth-1) + strings.Repeat("]", maxDepth-1) + "}"
	if _, err := Parse([]byte(line)); err != nil {
		t.Errorf("got error %v, want none at %d levels", err, maxDepth)
	}
	if !json.Valid([]byte(line)) {
		t.Errorf("encoding/json refuses %d levels, want the same limit as Parse", maxDepth)
	}
	deeper := `{"a":` + strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth) + "}"
	if json.Valid([]byte(deeper)) {
		t.Errorf("encoding/json accepts %d levels, want the same limit as Parse", maxDepth+1)
	}
}

// TestRoundTrip checks that Parse then AppendJSON gives back compact input.
func TestRoundTrip(t *testing.T) {
	lines := []string{
		sampleLine,
		`{}`,
		`{"a":[],"b":{},"c":[{}],"d":null,"e":true,"f":-1.5e-300,"g":"\u2028\u0000\n<&>"}`,
		`{"$ts":1704452400000,"$type":"TOUCH","$user_agent_id":"vec:89998434","$events":[]}`,
	}
	for _, line := range lines {
		o, err := Parse([]byte(line))
		if err != nil {
			t.Fatalf("Parse(%s): %v", line, err)
		}
		if got := string(AppendJSON(nil, o)); got != line {
			t.Errorf("got %s, want %s", got, line)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, []byte(" "+line+"\n")); err != nil {
			t.Fatal(err)
		}
		if got := string(AppendJSON(nil, o)); got != compact.String() {
			t.Errorf("got %s, want encoding/json's compact %s", got, compact.String())
		}
	}
}

func TestParseDoesNotRetainLine(t *testing.T) {
	line := []byte(`{"k":"value","n":12}`)
	o, err := Parse(line)
	if err != nil {
		t.Fatal(err)
	}
	for i := range line {
		line[i] = 'x'
	}
	if got, want := o.String(), `{"k":"value","n":12}`; got != want {
		t.Errorf("got %s after overwriting the line, want %s", got, want)
	}
}
