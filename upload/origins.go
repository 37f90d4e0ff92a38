package upload

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"csv2activity/internal/atomicfile"
)

// The origins file of an import sits beside its state file
// (orders.state.json -> orders.state.origins). It says, for each activity
// of the converted output in order, which rows of the inputs it was built
// from, so that a line the platform refused is traced back to the rows of
// the export. It is read from disk, never held in memory: a header line,
// then per activity the number of rows and each row's input (its index in
// the state's inputs) and line, as unsigned varints: a few bytes a row.

const originsHeader = "csv2activity origins 1\n"

// OriginsPath returns the origins file beside a state file.
func OriginsPath(statePath string) string {
	return strings.TrimSuffix(statePath, ".json") + ".origins"
}

// OriginsWriter writes an origins file, under a temporary name until
// Commit.
type OriginsWriter struct {
	f   *atomicfile.File
	w   *bufio.Writer
	buf []byte
}

// CreateOrigins starts the origins file of the state file statePath.
func CreateOrigins(statePath string) (*OriginsWriter, error) {
	f, err := atomicfile.Create(OriginsPath(statePath), 0o600)
	if err != nil {
		return nil, fmt.Errorf("create origins file: %w", err)
	}
	w := &OriginsWriter{f: f, w: bufio.NewWriterSize(f, 64<<10)}
	w.w.WriteString(originsHeader)
	return w, nil
}

// Add records the next activity's rows, each an input index and a line.
func (w *OriginsWriter) Add(rows [][2]int) error {
	b := binary.AppendUvarint(w.buf[:0], uint64(len(rows)))
	for _, r := range rows {
		b = binary.AppendUvarint(binary.AppendUvarint(b, uint64(r[0])), uint64(r[1]))
	}
	w.buf = b
	if _, err := w.w.Write(b); err != nil {
		return fmt.Errorf("write origins file: %w", err)
	}
	return nil
}

// Commit puts the complete file in place.
func (w *OriginsWriter) Commit() error {
	if err := w.w.Flush(); err != nil {
		w.f.Abort()
		return fmt.Errorf("write origins file: %w", err)
	}
	if err := w.f.Commit(); err != nil {
		return fmt.Errorf("write origins file: %w", err)
	}
	return nil
}

// Abort removes the incomplete file, leaving any earlier one in place.
func (w *OriginsWriter) Abort() { w.f.Abort() }

// readOrigins returns the rows of the activities at the output lines want
// (1-based), reading the file once, up to the last line wanted.
func readOrigins(path string, want map[int]bool) (map[int][][2]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	if head, err := br.ReadString('\n'); err != nil || head != originsHeader {
		return nil, fmt.Errorf("%s is not an origins file", path)
	}
	last := 0
	for l := range want {
		last = max(last, l)
	}
	got := map[int][][2]int{}
	for line := 1; line <= last; line++ {
		k, err := binary.ReadUvarint(br)
		if err != nil {
			return got, fmt.Errorf("%s holds %d activities, not %d: %w", path, line-1, last, noEOF(err))
		}
		rows := make([][2]int, k)
		for i := range rows {
			in, err1 := binary.ReadUvarint(br)
			ln, err2 := binary.ReadUvarint(br)
			if err := errors.Join(err1, err2); err != nil {
				return got, fmt.Errorf("%s: activity %d: %w", path, line, noEOF(err))
			}
			rows[i] = [2]int{int(in), int(ln)}
		}
		if want[line] {
			got[line] = rows
		}
	}
	return got, nil
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// trace names where the entries of an execution's error file come from:
// the line sent (FILE:LINE, or "output line N" for import) and, for
// import, the rows of the export.
type trace struct {
	c       *Chunk
	lines   [][]byte         // the chunk's lines, to find an entry by its text
	origins map[int][][2]int // output line -> rows
	inputs  []string
}

// tracer prepares the tracing of entries of chunk c's error file.
func (s *session) tracer(c *Chunk, entries []errorEntry) *trace {
	t := &trace{c: c, inputs: s.st.Inputs}
	if c.File != "" {
		if body, err := readChunk(*c); err == nil {
			t.lines = bytes.Split(bytes.TrimSuffix(body, []byte{'\n'}), []byte{'\n'})
		}
		return t
	}
	want := map[int]bool{}
	for _, e := range entries {
		if n := t.sent(e); n > 0 {
			want[n] = true
		}
	}
	if len(want) > 0 && s.o.StatePath != "" {
		t.origins, _ = readOrigins(OriginsPath(s.o.StatePath), want)
	}
	return t
}

// sent returns the number of an entry's line in the ndjson sent (the file,
// or the converted output), 0 when the entry does not say.
func (t *trace) sent(e errorEntry) int {
	if e.line >= 1 && e.line <= t.c.Lines {
		return t.c.FirstLine + e.line - 1
	}
	if text := strings.TrimSpace(e.text); text != "" {
		for i, l := range t.lines {
			if string(bytes.TrimSpace(l)) == text {
				return t.c.FirstLine + i
			}
		}
	}
	return 0
}

// where names an entry's line: "orders.ndjson:12" or, for import, the rows
// of the export it came from, "orders.csv:21,22 (output line 12)"; the
// execution when the entry does not say.
func (t *trace) where(e errorEntry) string {
	n := t.sent(e)
	switch {
	case n == 0:
		return fmt.Sprintf("execution %s (line not given)", t.c.ExecutionID)
	case t.c.File != "":
		return fmt.Sprintf("%s:%d", t.c.File, n)
	}
	rows, ok := t.origins[n]
	if !ok {
		return fmt.Sprintf("output line %d", n)
	}
	return fmt.Sprintf("%s (output line %d)", t.rowsText(rows), n)
}

// rowsText names rows FILE:LINE,LINE…, "; " between inputs.
func (t *trace) rowsText(rows [][2]int) string {
	var b strings.Builder
	for i, r := range rows {
		switch {
		case i > 0 && rows[i-1][0] == r[0]:
			fmt.Fprintf(&b, ",%d", r[1])
			continue
		case i > 0:
			b.WriteString("; ")
		}
		name := fmt.Sprintf("input %d", r[0]+1)
		if r[0] < len(t.inputs) {
			name = t.inputs[r[0]]
		}
		fmt.Fprintf(&b, "%s:%d", name, r[1])
	}
	return b.String()
}
