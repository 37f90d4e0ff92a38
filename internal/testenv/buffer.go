// Package testenv holds what the tests of several packages share: a buffer
// a child or a server writes while the test reads it, and the reader of a
// rejects file. It is imported by tests only.
package testenv

import (
	"bytes"
	"regexp"
	"sync"
)

// Buffer is a bytes.Buffer safe for concurrent writers and readers: a
// child's output, or a server's log, read while it is written.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what has been written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Count returns how many times re matches what has been written so far.
func (b *Buffer) Count(re *regexp.Regexp) int {
	return len(re.FindAllStringIndex(b.String(), -1))
}
