package input

import (
	"context"
	"io"
)

// cancelReader reads r on a goroutine of its own, a few chunks ahead, so that a
// Read blocked on a silent pipe or a terminal does not keep a run from
// stopping: Read returns ctx's error as soon as ctx is done. The goroutine
// ends at r's end or error, once ctx is done or the reader is closed and its
// pending Read has returned (with the process, if that read never does).
type cancelReader struct {
	parent context.Context // the run's
	ctx    context.Context // parent's child, done once the reader is closed
	stop   context.CancelFunc
	chunks chan readChunk
	free   chan []byte
	cur    readChunk
	off    int           // bytes of cur already read
	exited chan struct{} // closed when the goroutine ends
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

// readAhead reads r on a goroutine of its own, up to n blocks of size bytes
// ahead (n >= 2), whatever ctx (a decompressor's work then overlaps its
// reader's); Read returns ctx's error once ctx is done. Close stops the
// goroutine: an input closed before its end (a header read alone) does not
// keep its blocks.
func readAhead(ctx context.Context, r io.Reader, size, n int) *cancelReader {
	if c, ok := r.(*cancelReader); ok && c.parent == ctx {
		return c
	}
	c := &cancelReader{parent: ctx, chunks: make(chan readChunk, n), free: make(chan []byte, n), exited: make(chan struct{})}
	c.ctx, c.stop = context.WithCancel(ctx)
	for range n {
		c.free <- make([]byte, size)
	}
	go c.loop(r)
	return c
}

// Close stops the reading ahead; it does not close r.
func (c *cancelReader) Close() error {
	c.stop()
	return nil
}

func (c *cancelReader) loop(r io.Reader) {
	defer close(c.exited)
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
