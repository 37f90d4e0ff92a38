package transform

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"

	"csv2activity/input"
)

// TestRecordRoundTrip stores records parsed from CSV text (quotes, doubled
// quotes, line breaks in a field, empty fields, other delimiters) and reads
// their text and fields back; fields that stand in the text as they are
// take no room beyond it.
func TestRecordRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		comma   rune
		text    string
		inPlace bool // every field stands in the text: nothing is written out
	}{
		{',', `CA-1,2016-11-08,"Bush Somerset Collection Bookcase, Large",261.96,2`, true},
		{',', `a,,"",b,""`, true},
		{',', `a,"say ""hi""",c`, false},
		{',', "a,\"two\r\nlines\",c", true},
		{';', `N°1;12,5;"x;y";été`, true},
		{'\t', "a\tb\t\t", true},
		{'|', "a|b|\"|\"", true},
		{',', `"x""y",b,c`, false},
	}
	var w recordWriter
	for _, tt := range tests {
		var got int
		input.Parse([]byte(tt.text+"\n"), 1, tt.comma, func(rec *input.Record) {
			got++
			if rec.Err != nil {
				t.Fatalf("%q: %v", tt.text, rec.Err)
			}
			stored := w.append([]byte("before"), rec.Raw, rec.Fields, tt.comma)[len("before"):]
			if raw := recordRaw(stored); string(raw) != string(rec.Raw) {
				t.Errorf("%q: text read back %q", tt.text, raw)
			}
			if fields, _ := recordFields(nil, stored); !slices.Equal(fields, rec.Fields) {
				t.Errorf("%q: fields read back %q, want %q", tt.text, fields, rec.Fields)
			}
			n, k := binary.Uvarint(stored)
			extra, _ := binary.Uvarint(stored[k:])
			if n != uint64(len(rec.Raw)) || (extra == 0) != tt.inPlace {
				t.Errorf("%q: %d bytes of text and %d written out (in place: %v)", tt.text, n, extra, tt.inPlace)
			}
		})
		if got != 1 {
			t.Fatalf("%q: %d records", tt.text, got)
		}
	}
}

// TestRecordAnyFields reads back fields that do not match the text at all
// (a record the store never makes, but whose fields must still come back).
func TestRecordAnyFields(t *testing.T) {
	t.Parallel()
	var w recordWriter
	fields := []string{"", "x", strings.Repeat("é", 300), "", "a,b"}
	stored := w.append(nil, []byte("x,,y"), fields, ',')
	if got, _ := recordFields([]string{"keep"}, stored); !slices.Equal(got, append([]string{"keep"}, fields...)) {
		t.Fatalf("fields read back %q, want %q", got, fields)
	}
}
