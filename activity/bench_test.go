package activity

import (
	"encoding/json"
	"testing"
)

func BenchmarkAppendJSON(b *testing.B) {
	a := sampleActivity()
	dst := AppendJSON(nil, a)
	b.SetBytes(int64(len(dst)))
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendJSON(dst[:0], a)
	}
}

func BenchmarkValidate(b *testing.B) {
	a := sampleActivity()
	b.ReportAllocs()
	for b.Loop() {
		if err := Validate(a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	line := []byte(sampleLine)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(line); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateLine(b *testing.B) {
	line := []byte(sampleLine)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if err := ValidateLine(line); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeEncodingJSON is the reference for BenchmarkParse:
// encoding/json decoding the same line into map[string]any.
func BenchmarkDecodeEncodingJSON(b *testing.B) {
	line := []byte(sampleLine)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(line, &v); err != nil {
			b.Fatal(err)
		}
	}
}
