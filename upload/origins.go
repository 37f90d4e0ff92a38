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

	"csv2activity/output"
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
	f   *output.File
	w   *bufio.Writer
	buf []byte
}

// CreateOrigins starts the origins file of the state file statePath.
func CreateOrigins(statePath string) (*OriginsWriter, error) {
	output.RemoveStale(OriginsPath(statePath)) // left by a killed run
	f, err := output.Create(OriginsPath(statePath), 0o600)
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

// originsCursor reads an origins file forward, activity by activity; asked
// for an earlier activity, it starts again from the top. Error files list
// their lines in order, so tracing them all reads the file about once.
type originsCursor struct {
	path string
	f    *os.File
	br   *bufio.Reader
	next int // the output line of the next record
}

// rows returns the rows of the activity at output line (1-based).
func (oc *originsCursor) rows(line int) ([][2]int, error) {
	if oc.f == nil || line < oc.next {
		if err := oc.open(); err != nil {
			return nil, err
		}
	}
	for ; oc.next <= line; oc.next++ {
		rows, err := oc.record()
		if err != nil {
			oc.close()
			return nil, fmt.Errorf("%s: activity %d: %w", oc.path, oc.next, noEOF(err))
		}
		if oc.next == line {
			oc.next++
			return rows, nil
		}
	}
	return nil, fmt.Errorf("%s: activity %d not found", oc.path, line)
}

func (oc *originsCursor) open() error {
	oc.close()
	f, err := os.Open(oc.path)
	if err != nil {
		return err
	}
	oc.f, oc.br, oc.next = f, bufio.NewReaderSize(f, 64<<10), 1
	if head, err := oc.br.ReadString('\n'); err != nil || head != originsHeader {
		oc.close()
		return fmt.Errorf("%s is not an origins file", oc.path)
	}
	return nil
}

// record reads the next activity's rows.
func (oc *originsCursor) record() ([][2]int, error) {
	k, err := binary.ReadUvarint(oc.br)
	if err != nil {
		return nil, err
	}
	rows := make([][2]int, k)
	for i := range rows {
		in, err1 := binary.ReadUvarint(oc.br)
		ln, err2 := binary.ReadUvarint(oc.br)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		rows[i] = [2]int{int(in), int(ln)}
	}
	return rows, nil
}

func (oc *originsCursor) close() {
	if oc.f != nil {
		oc.f.Close()
		oc.f, oc.br = nil, nil
	}
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// trace names where the entries of an execution's error file come from:
// the line sent (FILE:LINE, or the output line for import) and, for import,
// the rows of the export.
type trace struct {
	c       *Chunk
	lines   [][]byte // the chunk's lines, read when an entry gives only its text
	read    bool
	origins *originsCursor // nil without one
	inputs  []string
}

// traced is where one entry comes from.
type traced struct {
	sent int      // its line in the file sent, or in the output; 0: unknown
	rows [][2]int // import: the rows of the export (input index, line)
}

// tracer prepares the tracing of the entries of chunk c's error file.
func (s *session) tracer(c *Chunk) *trace {
	t := &trace{c: c, inputs: s.st.Inputs}
	if c.File == "" && s.o.StatePath != "" {
		if s.origins == nil {
			s.origins = &originsCursor{path: OriginsPath(s.o.StatePath)}
		}
		t.origins = s.origins
	}
	return t
}

// trace finds where entry e comes from.
func (t *trace) trace(e errorEntry) traced {
	tr := traced{sent: t.sent(e)}
	if tr.sent > 0 && t.origins != nil {
		tr.rows, _ = t.origins.rows(tr.sent) // no origins file: the output line alone
	}
	return tr
}

// sent returns the number of an entry's line in the ndjson sent (the file,
// or the converted output), 0 when the entry does not say.
func (t *trace) sent(e errorEntry) int {
	if e.line >= 1 && e.line <= t.c.Lines {
		return t.c.FirstLine + e.line - 1
	}
	text := strings.TrimSpace(e.text)
	if text == "" || t.c.File == "" {
		return 0
	}
	if !t.read {
		t.read = true
		if body, err := readChunk(*t.c); err == nil {
			t.lines = bytes.Split(bytes.TrimSuffix(body, []byte{'\n'}), []byte{'\n'})
		}
	}
	for i, l := range t.lines {
		if string(bytes.TrimSpace(l)) == text {
			return t.c.FirstLine + i
		}
	}
	return 0
}

// name names where an entry comes from: "orders.ndjson:12" or, for import,
// the rows of the export, "orders.csv:21,22 (output line 12)"; the execution
// when the entry does not say.
func (t *trace) name(tr traced) string {
	switch {
	case tr.sent == 0:
		return fmt.Sprintf("execution %s (line not given)", t.c.ExecutionID)
	case t.c.File != "":
		return fmt.Sprintf("%s:%d", t.c.File, tr.sent)
	case tr.rows == nil:
		return fmt.Sprintf("output line %d", tr.sent)
	}
	return fmt.Sprintf("%s (output line %d)", t.rowsText(tr.rows), tr.sent)
}

// input names an input by its index.
func (t *trace) input(i int) string {
	if i < len(t.inputs) {
		return t.inputs[i]
	}
	return fmt.Sprintf("input %d", i+1)
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
		fmt.Fprintf(&b, "%s:%d", t.input(r[0]), r[1])
	}
	return b.String()
}
