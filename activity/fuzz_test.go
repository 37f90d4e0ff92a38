package activity

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"
)

// seedLines adds every line of the table tests to the corpus of f.
func seedLines(f *testing.F) {
	f.Add([]byte(sampleLine))
	for _, tt := range parseTests {
		f.Add([]byte(tt.line))
	}
	for _, tt := range parseErrorTests {
		f.Add([]byte(tt.line))
	}
	for _, tests := range [][]validateTest{activityTests, identifierTests, eventTests, returnTests} {
		for _, tt := range tests {
			f.Add([]byte(tt.line))
		}
	}
}

// FuzzParse checks Parse against encoding/json: it accepts the same lines
// (but for duplicate keys), reads the same values, never panics, and what it
// returns survives AppendJSON and a second Parse unchanged.
func FuzzParse(f *testing.F) {
	seedLines(f)
	f.Fuzz(func(t *testing.T, line []byte) {
		o, err := Parse(line)
		if err != nil {
			checkParseError(t, line, o, err)
			return
		}
		if !json.Valid(line) {
			t.Fatalf("Parse accepted %q, encoding/json refuses it", line)
		}
		want := decodeStd(t, line)
		if got := toStd(o); !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(%q): got %#v, want encoding/json's %#v", line, got, want)
		}
		out := AppendJSON(nil, o)
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(AppendJSON(%q)) = %s: %v", line, out, err)
		}
		if !reflect.DeepEqual(again, o) {
			t.Fatalf("round trip of %q: got %s, want %s", line, again, o)
		}
	})
}

// checkParseError checks that a Parse error agrees with encoding/json.
func checkParseError(t *testing.T, line []byte, o *Object, err error) {
	t.Helper()
	if o != nil {
		t.Fatalf("Parse(%q) returned an object with error %v", line, err)
	}
	switch {
	case errors.Is(err, ErrSyntax), errors.Is(err, ErrTrailingData):
		if json.Valid(line) {
			t.Fatalf("Parse(%q): got %v, but encoding/json accepts it", line, err)
		}
	case errors.Is(err, ErrNotObject):
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			t.Fatalf("Parse(%q): got %v, but encoding/json cannot read a first value", line, err)
		}
		if _, isObject := v.(map[string]any); isObject {
			t.Fatalf("Parse(%q): got %v, but encoding/json reads an object", line, err)
		}
	case errors.Is(err, ErrDuplicateKey):
	default:
		t.Fatalf("Parse(%q): got %v, wrapping none of the documented errors", line, err)
	}
}

// decodeStd decodes line as encoding/json does, numbers as json.Number.
func decodeStd(t *testing.T, line []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("encoding/json cannot decode %q: %v", line, err)
	}
	return v
}

// toStd converts a model value to encoding/json's: objects as maps.
func toStd(v any) any {
	switch v := v.(type) {
	case *Object:
		m := make(map[string]any, len(v.Fields))
		for _, f := range v.Fields {
			m[f.Key] = toStd(f.Value)
		}
		return m
	case []any:
		a := make([]any, len(v))
		for i, e := range v {
			a[i] = toStd(e)
		}
		return a
	}
	return v
}

// FuzzValidateLine checks that ValidateLine never panics, is Parse then
// Validate, returns a *Violation for a parsed line, judges a line the same
// after AppendJSON re-encodes it, and that Problems finds no problem on a
// valid line and Validate's violation first on an invalid one.
func FuzzValidateLine(f *testing.F) {
	seedLines(f)
	f.Fuzz(func(t *testing.T, line []byte) {
		err := ValidateLine(line)
		o, perr := Parse(line)
		if perr != nil {
			if err == nil || err.Error() != perr.Error() {
				t.Fatalf("ValidateLine(%q): got %v, want Parse's %v", line, err, perr)
			}
			return
		}
		verr := Validate(o)
		if errorText(err) != errorText(verr) {
			t.Fatalf("ValidateLine(%q): got %v, want Validate's %v", line, err, verr)
		}
		var v *Violation
		if err != nil && !errors.As(err, &v) {
			t.Fatalf("ValidateLine(%q): got %T, want a *Violation", line, err)
		}
		found, more := (&Rules{}).Problems(o, 3)
		switch {
		case err == nil && (len(found) > 0 || more > 0):
			t.Fatalf("ValidateLine(%q) passes, but Problems finds %v", line, found)
		case err != nil && (len(found) == 0 || found[0].Error() != err.Error()):
			t.Fatalf("ValidateLine(%q) = %v, but Problems finds %v first", line, err, found)
		}
		out := AppendJSON(nil, o)
		if again := ValidateLine(out); errorText(again) != errorText(err) {
			t.Fatalf("ValidateLine(%q) = %v, but after AppendJSON (%s): %v", line, err, out, again)
		}
	})
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// FuzzAppendJSONString checks string escaping against encoding/json: valid
// JSON, the same decoded text, no raw control byte, DEL, U+2028 or U+2029.
func FuzzAppendJSONString(f *testing.F) {
	for _, tt := range appendJSONTests {
		if s, ok := tt.v.(string); ok {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := AppendJSON(nil, s)
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("AppendJSON(%q) = %s: not JSON: %v", s, out, err)
		}
		std, _ := json.Marshal(s)
		var want string
		if err := json.Unmarshal(std, &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("AppendJSON(%q) decodes to %q, want %q", s, got, want)
		}
		if !utf8.Valid(out) {
			t.Fatalf("AppendJSON(%q) = %q: not UTF-8", s, out)
		}
		for _, c := range string(out) {
			if c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' {
				t.Fatalf("AppendJSON(%q) = %q: raw %U", s, out, c)
			}
		}
	})
}
