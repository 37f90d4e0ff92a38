package upload

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeStream writes lines (each ending in a newline) to a file and returns
// its path and bytes.
func writeStream(t *testing.T, lines []string) (string, []byte) {
	t.Helper()
	data := []byte(strings.Join(lines, "\n") + "\n")
	path := filepath.Join(t.TempDir(), "s.ndjson")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, data
}

// sameChunks compares chunks but for their file (a stream's have none).
func sameChunks(a, b []Chunk) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		x.File, y.File = "", ""
		if fmt.Sprint(x) != fmt.Sprint(y) {
			return false
		}
	}
	return true
}

func randomLines(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 2))
	lines := make([]string, n)
	for i := range lines {
		lines[i] = activityLine(i, rng)
	}
	return lines
}

// streamChunks cuts data with a chunkWriter fed in pieces of the given size.
func streamChunks(t *testing.T, data []byte, max int64, cuts []int64, piece int) []Chunk {
	t.Helper()
	var got []Chunk
	var bodies bytes.Buffer
	w := newChunkWriter(max, cuts, func(c Chunk, body []byte) error {
		got = append(got, c)
		bodies.Write(body)
		return nil
	})
	for rest := data; len(rest) > 0; {
		n := min(piece, len(rest))
		if _, err := w.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bodies.Bytes(), data) {
		t.Fatalf("the chunks' bodies do not add up to the stream")
	}
	return got
}

func TestChunksAreCutBetweenLinesAsLateAsFits(t *testing.T) {
	t.Parallel()
	path, data := writeStream(t, randomLines(200, 1))
	for _, max := range []int64{900, 4096, 65536, 1 << 20} {
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			chunks, err := planFile(path, 0, max, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			var offset int64
			line := 1
			for i, c := range chunks {
				end := c.Offset + c.Length
				if c.Offset != offset || c.FirstLine != line || c.Length > max || data[end-1] != '\n' {
					t.Fatalf("chunk %d: %+v, want it at byte %d line %d, at most %d bytes, ending a line", i, c, offset, line, max)
				}
				if next := bytes.IndexByte(data[end:], '\n'); next >= 0 && c.Length+int64(next)+1 <= max {
					t.Errorf("chunk %d ends early: the next line (%d bytes) fits", i, next+1)
				}
				offset, line = end, line+c.Lines
			}
			if offset != int64(len(data)) || line != 201 {
				t.Errorf("the chunks cover %d bytes and %d lines, want %d and 200", offset, line-1, len(data))
			}
			for _, piece := range []int{1, 777, len(data)} {
				if got := streamChunks(t, data, max, nil, piece); !sameChunks(got, chunks) {
					t.Errorf("written in pieces of %d: the chunks differ from the file's", piece)
				}
			}
		})
	}
}

func TestRecordedCutsAreKeptWhateverTheSize(t *testing.T) {
	t.Parallel()
	path, data := writeStream(t, randomLines(100, 2))
	first, err := planFile(path, 0, 2000, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	cuts := []int64{first[0].Length, first[1].Length, first[2].Length}
	again, err := planFile(path, 0, 8000, cuts, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cuts {
		if fmt.Sprint(again[i]) != fmt.Sprint(first[i]) {
			t.Errorf("chunk %d: got %+v, want the recorded %+v", i, again[i], first[i])
		}
	}
	if len(again) >= len(first) || again[3].Offset != first[3].Offset {
		t.Errorf("got %d chunks, want fewer than %d: the rest cut at the new size from the same place", len(again), len(first))
	}
	if got := streamChunks(t, data, 8000, cuts, 999); !sameChunks(got, again) {
		t.Errorf("a stream does not follow the recorded cuts as a file does")
	}
}

func TestCutsThatNoLongerFitAreRefused(t *testing.T) {
	t.Parallel()
	path, _ := writeStream(t, randomLines(20, 3))
	chunks, _ := planFile(path, 0, 2000, nil, nil)
	tests := []struct {
		name string
		cuts []int64
	}{
		{"a cut inside a line", []int64{chunks[0].Length + 1}},
		{"more recorded than the input holds", []int64{1 << 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := planFile(path, 0, 2000, tt.cuts, nil); !IsUsage(err) || !strings.Contains(err.Error(), "has changed since") {
				t.Errorf("got %v, want a usage error saying the input changed", err)
			}
		})
	}
}

func TestLineLongerThanAChunkIsRefused(t *testing.T) {
	t.Parallel()
	lines := randomLines(5, 4)
	path, data := writeStream(t, lines)
	_, err := planFile(path, 0, 300, nil, nil)
	var le *LineError
	if !errors.As(err, &le) || le.Line != 1 || !strings.Contains(err.Error(), "--chunk-size") {
		t.Errorf("file: got %v, want line 1 refused naming --chunk-size", err)
	}
	w := newChunkWriter(300, nil, func(Chunk, []byte) error { return nil })
	if _, err := w.Write(data); !errors.As(err, &le) {
		t.Errorf("stream: got %v, want a *LineError", err)
	}
}

func TestLastLineWithoutNewline(t *testing.T) {
	t.Parallel()
	lines := randomLines(3, 5)
	path := filepath.Join(t.TempDir(), "s.ndjson")
	os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644)
	chunks, err := planFile(path, 0, 1<<20, nil, nil)
	if err != nil || len(chunks) != 1 || chunks[0].Lines != 3 {
		t.Fatalf("got %+v, %v; want one chunk of 3 lines", chunks, err)
	}
	var body []byte
	w := newChunkWriter(1<<20, nil, func(c Chunk, b []byte) error { body = append(body, b...); return nil })
	w.Write([]byte(strings.Join(lines, "\n")))
	if err := w.Close(); err != nil || string(body) != strings.Join(lines, "\n")+"\n" {
		t.Errorf("stream: got %q, %v; want the lines, the last one ended", body, err)
	}
}

func TestInvalidLinesNameFileAndLine(t *testing.T) {
	t.Parallel()
	lines := randomLines(4, 6)
	tests := []struct {
		name, line, want string
	}{
		{"not JSON", `{"$type":`, "not JSON"},
		{"blank", ``, "empty line"},
		{"seconds", strings.Replace(lines[0], "1700000000000", "1700000000", 1), "$ts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := append(append([]string{}, lines[:2]...), tt.line, lines[3])
			path, _ := writeStream(t, bad)
			_, err := planFile(path, 0, 1<<20, nil, nil)
			if want := path + ":3: "; err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %s… %s", err, want, tt.want)
			}
		})
	}
}

func TestTheFirstInvalidLineIsReportedWhateverTheCore(t *testing.T) {
	t.Parallel()
	lines := randomLines(12000, 7) // about 4 MB: several batches checked at once
	lines[9000] = `{"not": "an activity"}`
	lines[4321] = `[1, 2]`
	path, _ := writeStream(t, lines)
	for range 5 {
		_, err := planFile(path, 0, 1<<20, nil, nil)
		if want := path + ":4322: not a JSON object"; err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("got %v, want %s…", err, want)
		}
	}
}
