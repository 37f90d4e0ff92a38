package input

import (
	"context"
	"io"
)

// cancelReader reads r on a goroutine of its own, a few chunks ahead, so that a
// Read blocked on a silent pipe or a terminal does not keep a run from
// stopping: Read returns ctx's error as soon as ctx is done. The goroutine
// ends at r's end or error, or once ctx is done and its pending Read has
// returned (with the process, if that read never does).
type cancelReader struct {
	ctx    context.Context
	chunks chan readChunk
	free   chan []byte
	cur    readChunk
	off    int // bytes of cur already read
}

type readChunk struct {
	buf []byte
	n   int
	err error
}

// cancelReadSize is the size of each read of the underlying reader.
const cancelReadSize = 64 << 10

// The read-ahead of a decompressor: inflating is serial work that must not
// leave the reader of the records waiting when the scheduler runs the
// workers instead (on two busy cores it does, for milliseconds at a time), so
// it runs up to this many bytes ahead, in blocks large enough that handing
// one over costs nothing next to making it.
const (
	inflateBlock  = 256 << 10
	inflateBlocks = 8
)

// newCancelReader returns r itself when ctx can never be done.
func newCancelReader(ctx context.Context, r io.Reader) io.Reader {
	if ctx.Done() == nil {
		return r
	}
	return readAhead(ctx, r, cancelReadSize, 2)
}

// readAhead reads r on a goroutine of its own, up to n blocks of size bytes
// ahead (n >= 2), whatever ctx (a decompressor's work then overlaps its
// reader's); Read returns ctx's error once ctx is done.
func readAhead(ctx context.Context, r io.Reader, size, n int) io.Reader {
	if c, ok := r.(*cancelReader); ok && c.ctx == ctx {
		return r
	}
	c := &cancelReader{ctx: ctx, chunks: make(chan readChunk, n), free: make(chan []byte, n)}
	for range n {
		c.free <- make([]byte, size)
	}
	go c.loop(r)
	return c
}

func (c *cancelReader) loop(r io.Reader) {
	for {
		var buf []byte
		select {
		case buf = <-c.free:
		case <-c.ctx.Done():
			return
		}
		n, err := r.Read(buf)
		select {
		case c.chunks <- readChunk{buf, n, err}:
		case <-c.ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

func (c *cancelReader) Read(p []byte) (int, error) {
	for c.off == c.cur.n {
		if c.cur.err != nil {
			return 0, c.cur.err
		}
		if c.cur.buf != nil {
			c.free <- c.cur.buf // never blocks: free holds every buffer
			c.cur.buf = nil
		}
		if err := c.ctx.Err(); err != nil {
			return 0, err
		}
		select {
		case c.cur = <-c.chunks:
			c.off = 0
		case <-c.ctx.Done():
			return 0, c.ctx.Err()
		}
	}
	n := copy(p, c.cur.buf[c.off:c.cur.n])
	c.off += n
	return n, nil
}
