package activity

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/govalues/decimal"
)

// obj builds an Object from alternating keys and values.
func obj(kv ...any) *Object {
	o := &Object{}
	for i := 0; i+1 < len(kv); i += 2 {
		o.Fields = append(o.Fields, Field{Key: kv[i].(string), Value: kv[i+1]})
	}
	return o
}

var appendJSONTests = []struct {
	name string
	v    any
	want string
}{
	{"null", nil, `null`},
	{"true", true, `true`},
	{"false", false, `false`},
	{"int", 42, `42`},
	{"int64 negative", int64(-9223372036854775808), `-9223372036854775808`},
	{"plain string", "Acme <b>&</b>", `"Acme <b>&</b>"`},
	{"short escapes", "a\"b\\c\nd\te\rf", `"a\"b\\c\nd\te\rf"`},
	{"other control characters", "\x01\x08\x0c\x1f\x7f", `"\u0001\u0008\u000c\u001f\u007f"`},
	{"NUL", "a\x00b", `"a\u0000b"`},
	{"invalid UTF-8", "Caf\xe9 \xff\xfe", `"Caf\ufffd \ufffd\ufffd"`},
	{"truncated rune", "\xe2\x82", `"\ufffd\ufffd"`},
	{"line and paragraph separators", "a\u2028b\u2029c", `"a\u2028b\u2029c"`},
	{"multi-byte runes kept", "Zoë 日本 😀", `"Zoë 日本 😀"`},
	{"U+FFFD kept", "\ufffd", "\"\ufffd\""},
	{"float 0.1", 0.1, `0.1`},
	{"float integral", 100.0, `100`},
	{"float negative zero", math.Copysign(0, -1), `-0`},
	{"float 1e21", 1e21, `1e+21`},
	{"float below 1e21", 999999999999999900000.0, `999999999999999900000`},
	{"float 1e-7", 1e-7, `1e-7`},
	{"float 1e-6", 1e-6, `0.000001`},
	{"float -1.5e-10", -1.5e-10, `-1.5e-10`},
	{"float 1e100", 1e100, `1e+100`},
	{"float NaN", math.NaN(), `null`},
	{"float +Inf", math.Inf(1), `null`},
	{"decimal 12.50", decimal.MustParse("12.50"), `12.5`},
	{"decimal 243.98", decimal.MustParse("243.98"), `243.98`},
	{"decimal 100.000", decimal.MustParse("100.000"), `100`},
	{"decimal 0.00", decimal.MustParse("0.00"), `0`},
	{"decimal -0.0010", decimal.MustParse("-0.0010"), `-0.001`},
	{"decimal tiny", decimal.MustParse("0.0000000000000000001"), `0.0000000000000000001`},
	{"decimal large", decimal.MustParse("9999999999999999999"), `9999999999999999999`},
	{"json.Number as is", json.Number("1.50e+3"), `1.50e+3`},
	{"json.Number invalid", json.Number("12abc"), `null`},
	{"json.Number empty", json.Number(""), `null`},
	{"empty array", []any{}, `[]`},
	{"nil array", []any(nil), `[]`},
	{"array", []any{1, "a", nil, []any{true}}, `[1,"a",null,[true]]`},
	{"empty object", &Object{}, `{}`},
	{"nil object", (*Object)(nil), `null`},
	{"unsupported type", struct{}{}, `null`},
	{"unsupported int32", int32(1), `null`},
	{"key order kept", obj("z", 1, "a", 2, "m", 3), `{"z":1,"a":2,"m":3}`},
	{"nil value kept", obj("a", nil), `{"a":null}`},
	{"escaped key", obj("a\"\n\x00", 1), `{"a\"\n\u0000":1}`},
	{"nested", obj("$events", []any{obj("$event_name", "$transaction_confirmed",
		"$properties", obj("$items", []any{obj("$id", "SKU-1", "$price", decimal.MustParse("19.90"))}))}),
		`{"$events":[{"$event_name":"$transaction_confirmed","$properties":{"$items":[{"$id":"SKU-1","$price":19.9}]}}]}`},
}

func TestAppendJSON(t *testing.T) {
	for _, tt := range appendJSONTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendJSON(nil, tt.v)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestAppendJSONAppends(t *testing.T) {
	got := string(AppendJSON([]byte("x="), obj("a", 1)))
	if want := `x={"a":1}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestAppendJSONFloatsLikeEncodingJSON compares the float form with encoding/json.
func TestAppendJSONFloatsLikeEncodingJSON(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 0.1, 1e-6, 9.99e-7, 1e20, 1e21, 123456789.125, 5e-324, math.MaxFloat64, -1e-7, 1577836800000} {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendJSON(nil, f); string(got) != string(want) {
			t.Errorf("%v: got %s, want %s", f, got, want)
		}
	}
}

func TestAppendJSONAllocs(t *testing.T) {
	a := sampleActivity()
	dst := AppendJSON(nil, a)
	allocs := testing.AllocsPerRun(100, func() { dst = AppendJSON(dst[:0], a) })
	if allocs != 0 {
		t.Errorf("got %v allocations per run, want 0", allocs)
	}
}

func TestObjectGetAndString(t *testing.T) {
	o := obj("a", 1, "b", "x")
	if v, ok := o.Get("b"); !ok || v != "x" {
		t.Errorf("Get(b): got %v, %v, want x, true", v, ok)
	}
	if v, ok := o.Get("c"); ok || v != nil {
		t.Errorf("Get(c): got %v, %v, want nil, false", v, ok)
	}
	if _, ok := (*Object)(nil).Get("a"); ok {
		t.Errorf("nil Get: got true, want false")
	}
	if got, want := o.String(), `{"a":1,"b":"x"}`; got != want {
		t.Errorf("String: got %s, want %s", got, want)
	}
}

func TestAppendJSONSample(t *testing.T) {
	if got := string(AppendJSON(nil, sampleActivity())); got != sampleLine {
		t.Errorf("got %s\nwant %s", got, sampleLine)
	}
}

// TestEncodedKey checks that a field with its key encoded beforehand is
// written exactly as one without.
func TestEncodedKey(t *testing.T) {
	for _, key := range []string{"$ts", "order id", "quote\"d", "é\u2028\x00", ""} {
		plain := &Object{Fields: []Field{{Key: key, Value: int64(1)}}}
		pre := &Object{Fields: []Field{{Key: key, Value: int64(1), EncodedKey: EncodeKey(key)}}}
		if got, want := string(AppendJSON(nil, pre)), string(AppendJSON(nil, plain)); got != want {
			t.Errorf("key %q: got %s, want %s", key, got, want)
		}
	}
}
