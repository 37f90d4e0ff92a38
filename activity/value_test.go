package activity

import (
	"cmp"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/govalues/decimal"
)

// base returns a valid in-memory activity with extra fields appended.
func base(extra ...any) *Object {
	o := obj("$ts", int64(1704452400000), "$type", "TOUCH", "$user_agent_id", "vec:1")
	o.Fields = append(o.Fields, obj(extra...).Fields...)
	return o
}

// nested returns depth levels of one-element arrays around v.
func nested(depth int, v any) any {
	for range depth {
		v = []any{v}
	}
	return v
}

func TestValidateModel(t *testing.T) {
	cyclic := obj("a", 1)
	cyclic.Fields[0].Value = cyclic
	tests := []struct {
		name string
		o    *Object
		want string
	}{
		{"sample", sampleActivity(), ""},
		{"int ts", obj("$ts", 1704452400000, "$type", "TOUCH", "$user_agent_id", "v"), ""},
		{"float ts integral", obj("$ts", 1.7044524e12, "$type", "TOUCH", "$user_agent_id", "v"), ""},
		{"float ts seconds", obj("$ts", 1.7044524e9, "$type", "TOUCH", "$user_agent_id", "v"),
			"$ts: 1704452400 looks like seconds, not milliseconds (below 10^11)"},
		{"float ts NaN", obj("$ts", math.NaN(), "$type", "TOUCH", "$user_agent_id", "v"), "$ts: not a finite number, got NaN"},
		{"float ts huge", obj("$ts", 1e300, "$type", "TOUCH", "$user_agent_id", "v"),
			"$ts: must be an integer (epoch milliseconds), got number 1e+300"},
		{"decimal ts", obj("$ts", decimal.MustParse("1704452400000.000"), "$type", "TOUCH", "$user_agent_id", "v"), ""},
		{"decimal ts fraction", obj("$ts", decimal.MustParse("1704452400000.50"), "$type", "TOUCH", "$user_agent_id", "v"),
			"$ts: must be an integer (epoch milliseconds), got number 1704452400000.5"},
		{"float ttl integral", base("$ttl", 30.0), ""},
		{"decimal latlon", base("$location", obj("$latlon", []any{decimal.MustParse("45.76"), decimal.MustParse("4.83")})), ""},
		{"decimal latitude out of range", base("$location", obj("$latlon", []any{decimal.MustParse("-90.01"), 0})),
			"$location.$latlon[0]: latitude -90.01 out of range [-90, 90]"},
		{"infinite longitude", base("$location", obj("$latlon", []any{0, math.Inf(-1)})), "$location.$latlon[1]: not a finite number, got -Inf"},
		{"NaN deep in a custom property", base("x", []any{obj("y", math.NaN())}), "x[0].y: not a finite number, got NaN"},
		{"infinite price", base("$events", []any{obj("$event_name", "$transaction_confirmed", "$ts", int64(1704452400000),
			"$properties", obj("$items", []any{obj("$id", "SKU-1", "$price", math.Inf(1))}))}),
			"$events[0].$properties.$items[0].$price: not a finite number, got +Inf"},
		{"invalid json.Number", base("n", json.Number("12abc")), `n: not a valid JSON number, got "12abc"`},
		{"empty json.Number", base("n", json.Number("")), `n: not a valid JSON number, got ""`},
		{"unsupported type", base("n", int32(1)), "n: unsupported value type int32 (want nil, bool, string, a number, []any or *Object)"},
		{"unsupported map", base("m", map[string]any{}), "m: unsupported value type map[string]interface {} (want nil, bool, string, a number, []any or *Object)"},
		{"invalid UTF-8 value", base("note", "Caf\xe9"), `note: not valid UTF-8: "Caf\xe9" (check the input encoding)`},
		{"invalid UTF-8 id", obj("$ts", int64(1704452400000), "$type", "TOUCH", "$user_account_id", "Jos\xe9"),
			`$user_account_id: not valid UTF-8: "Jos\xe9" (check the input encoding)`},
		{"invalid UTF-8 key", base("Caf\xe9", 1), `key "Caf\xe9" is not valid UTF-8 (check the input encoding)`},
		{"duplicate top-level key", base("$ts", int64(1704452400000)), `duplicate key "$ts"`},
		{"duplicate event key", base("$events", []any{obj("$event_name", "a", "$ts", int64(1704452400000), "$event_name", "b")}),
			`$events[0]: duplicate key "$event_name"`},
		{"duplicate key in a big custom object", base("big", bigObject(40, "k3")), `big: duplicate key "k3"`},
		{"big custom object", base("big", bigObject(40, "")), ""},
		{"nil custom object", base("o", (*Object)(nil)), ""},
		{"nil custom value", base("o", nil), ""},
		{"nil events", base("$events", []any(nil)), ""},
		{"nil origin", base("$origin", (*Object)(nil)), "$origin: must be an object, got null"},
		{"deepest nesting", base("deep", nested(maxDepth-1, 1)), ""},
		{"cycle", base("c", cyclic), "c" + strings.Repeat(".a", maxDepth-1) + ": nested deeper than 10000 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.o)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("got error %q, want %q", shorten(got), shorten(tt.want))
			}
		})
	}
}

// bigObject returns an object with n keys k0... and, unless dup is "", a
// repeat of key dup at the end.
func bigObject(n int, dup string) *Object {
	o := &Object{}
	for i := range n {
		o.Fields = append(o.Fields, Field{Key: "k" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Value: i})
	}
	o.Fields[3].Key = "k3"
	if dup != "" {
		o.Fields = append(o.Fields, Field{Key: dup, Value: 0})
	}
	return o
}

func TestValidateNil(t *testing.T) {
	err := Validate(nil)
	if err == nil || err.Error() != "nil activity" {
		t.Errorf("got %v, want nil activity", err)
	}
}

func TestValidateTooDeep(t *testing.T) {
	err := Validate(base("deep", nested(maxDepth, 1)))
	v, ok := err.(*Violation)
	if !ok {
		t.Fatalf("got %v, want a *Violation", err)
	}
	if want := "deep" + strings.Repeat("[0]", maxDepth-1); v.Path != want {
		t.Errorf("got path %q, want deep[0]...[0] (%d indexes)", shorten(v.Path), maxDepth-1)
	}
	if want := "nested deeper than 10000 levels"; v.Msg != want {
		t.Errorf("got %q, want %q", v.Msg, want)
	}
}

func TestValidateAllocs(t *testing.T) {
	a := sampleActivity()
	allocs := testing.AllocsPerRun(100, func() {
		if err := Validate(a); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("got %v allocations per valid activity, want 0", allocs)
	}
}

func TestSign(t *testing.T) {
	tests := []struct {
		v    any
		want int
	}{
		{0, 0}, {-3, -1}, {int64(7), 1}, {0.0, 0}, {math.Copysign(0, -1), 0}, {-0.5, -1}, {1e-300, 1},
		{decimal.MustParse("0.00"), 0}, {decimal.MustParse("-0.01"), -1}, {decimal.MustParse("12.5"), 1},
		{json.Number("0"), 0}, {json.Number("-0"), 0}, {json.Number("-0.0e5"), 0}, {json.Number("0.001"), 1},
		{json.Number("-0.001"), -1}, {json.Number("-7"), -1}, {json.Number("1e-400"), 1}, {json.Number("-2E3"), -1},
		{"1", 0}, {nil, 0},
	}
	for _, tt := range tests {
		if got := sign(tt.v); got != tt.want {
			t.Errorf("sign(%#v) = %d, want %d", tt.v, got, tt.want)
		}
		if f, ok := asFloat(tt.v); ok && f != 0 && cmp.Compare(f, 0) != tt.want {
			t.Errorf("sign(%#v) = %d, but the number is %g", tt.v, tt.want, f)
		}
	}
}
