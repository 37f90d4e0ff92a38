package transform

import "sync"

// Byte buffers are recycled between batches: a batch's input once its
// records are parsed (rows keep copies of what they need), a result's ndjson
// once it is written. This keeps the garbage collector out of the hot path.
var bufPool sync.Pool

// getBuf returns an empty buffer with room for at least n bytes.
func getBuf(n int) []byte {
	if p, ok := bufPool.Get().(*[]byte); ok && cap(*p) >= n {
		return (*p)[:0]
	}
	return make([]byte, 0, n)
}

// putBuf recycles b; the caller must not use it afterwards.
func putBuf(b []byte) {
	if cap(b) == 0 || cap(b) > 16<<20 {
		return
	}
	b = b[:0]
	bufPool.Put(&b)
}
