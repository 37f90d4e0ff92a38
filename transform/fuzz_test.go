package transform

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"csv2activity/activity"
	"csv2activity/input"
	"csv2activity/mapping"
)

// FuzzRun feeds arbitrary bytes through the whole pipeline (decoding,
// record scanning, encoding/csv, typing, a grouped and an ungrouped
// mapping, groups gathered and --sorted): it must never panic, every row
// must be accounted for, and every line written must be a valid activity.
func FuzzRun(f *testing.F) {
	f.Add([]byte("a,b,c\n1,2,3\n\"x\ny\",\"\",z\n"))
	f.Add([]byte("\xef\xbb\xbfa;b\r\n1;\"2\r\n3\"\r\n"))
	f.Add([]byte("a,b\n\"unterminated,1\n2,3\n"))
	f.Add([]byte("a,b\n12\" pizza,1\n\"bad\"x,2\n"))
	f.Add([]byte("a\tb\n\xff\xfe\x00,1\n"))
	f.Add([]byte("a,b\r1,2\r3,4\r"))
	f.Add([]byte("a,b\n1,\"stray\n2,3\n4,\"x\ny\"\n"))
	f.Add([]byte("a,b\n1,caf\xe9\n2,caf\xc3\xa9\n"))
	var mappings []*mapping.Mapping
	for _, text := range []string{rowMapping, rowMapping + "group_by: ${ string(row) }\n"} {
		m, err := mapping.Parse("fuzz.yaml", []byte(text))
		if err != nil {
			f.Fatal(err)
		}
		mappings = append(mappings, m)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		for i, m := range append(mappings, mappings[1]) {
			var out, rej bytes.Buffer
			cfg := Config{Mapping: m, MaxErrors: -1, Workers: 2, MaxRowSize: 64 << 10, MaxMemory: 4 << 10, Stdin: bytes.NewReader(in), Sorted: i == 2}
			sum, err := Run(context.Background(), cfg, []string{"-"}, &out, &rej)
			if err != nil {
				if errors.Is(err, input.ErrEmptyInput) || errors.Is(err, input.ErrHeaderTooLong) || errors.Is(err, input.ErrMixedEncoding) ||
					mapping.IsMappingError(err) || strings.Contains(err.Error(), "header line") {
					continue
				}
				t.Fatalf("run: %v", err)
			}
			if sum.Read != sum.InActivities+sum.Filtered+sum.Rejected || bytes.Count(rej.Bytes(), []byte("\n")) != sum.Rejected {
				t.Fatalf("read %d != %d + %d + %d, or not %d lines in the rejects", sum.Read, sum.InActivities, sum.Filtered, sum.Rejected, sum.Rejected)
			}
			for _, line := range bytes.Split(bytes.TrimSuffix(out.Bytes(), []byte("\n")), []byte("\n")) {
				if len(line) > 0 {
					if err := activity.ValidateLine(line); err != nil {
						t.Fatalf("invalid line %s: %v", line, err)
					}
				}
			}
		}
	})
}
