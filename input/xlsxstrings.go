package input

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"unsafe"
)

// stringTable holds a workbook's shared strings in bounded memory: their
// bytes one after the other and where each ends. Past spillSize bytes, they
// go to a temporary file instead, removed from its folder at once, and are
// read back from it one string at a time; only the ends stay in memory
// (8 bytes a string).
type stringTable struct {
	ends []int64
	mem  []byte
	file *os.File      // once spilled
	w    *bufio.Writer // writes to file
	size int64         // bytes written
	buf  []byte        // a string read back from file
}

// spillSize is how much of the shared strings is kept in memory.
var spillSize = 16 << 20

// add appends s to the table.
func (t *stringTable) add(s []byte) error {
	if t.file == nil && len(t.mem)+len(s) > spillSize {
		if err := t.spill(); err != nil {
			return err
		}
	}
	if t.file != nil {
		if _, err := t.w.Write(s); err != nil {
			return fmt.Errorf("write the shared strings to %s: %w", t.file.Name(), err)
		}
	} else {
		t.mem = append(t.mem, s...)
	}
	t.size += int64(len(s))
	t.ends = append(t.ends, t.size)
	return nil
}

// spill moves the table to a temporary file.
func (t *stringTable) spill() error {
	f, err := os.CreateTemp("", "csv2activity-strings-*")
	if err != nil {
		return fmt.Errorf("copy the shared strings to a temporary file: %w", err)
	}
	os.Remove(f.Name())
	t.file, t.w = f, bufio.NewWriterSize(f, 64<<10)
	if _, err := t.w.Write(t.mem); err != nil {
		return fmt.Errorf("write the shared strings to %s: %w", f.Name(), err)
	}
	t.mem = nil
	return nil
}

// done ends the writing of the table.
func (t *stringTable) done() error {
	if t.w == nil {
		return nil
	}
	if err := t.w.Flush(); err != nil {
		return fmt.Errorf("write the shared strings to %s: %w", t.file.Name(), err)
	}
	return nil
}

// get returns string i; ok is false when there is none.
func (t *stringTable) get(i int) (s string, ok bool, err error) {
	if i < 0 || i >= len(t.ends) {
		return "", false, nil
	}
	start := int64(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	end := t.ends[i]
	if t.file == nil {
		if start == end {
			return "", true, nil
		}
		// t.mem no longer changes once read: its strings are views of it.
		return unsafe.String(&t.mem[start], end-start), true, nil
	}
	if n := int(end - start); cap(t.buf) < n {
		t.buf = make([]byte, n)
	}
	b := t.buf[:end-start]
	if _, err := t.file.ReadAt(b, start); err != nil && err != io.EOF {
		return "", false, fmt.Errorf("read the shared strings from %s: %w", t.file.Name(), err)
	}
	return string(b), true, nil
}

// Close removes the table's temporary file, if any.
func (t *stringTable) Close() error {
	if t.file == nil {
		return nil
	}
	return t.file.Close()
}
