// Package bufpool recycles byte buffers between the CSV reader, the workers
// and the writer, pooled by size class.
package bufpool

import (
	"math/bits"
	"sync"
)

// Byte buffers are recycled between batches: a batch's input once its
// records are parsed (rows keep copies of what they need), a result's ndjson
// once it is written. This keeps the garbage collector out of the hot path.
//
// Buffers are pooled by size class (powers of two), so that the input
// batches and the larger ndjson buffers do not take each other's place and
// get dropped.
var bufPools [maxPooled + 1]sync.Pool

// maxPooled is the size class of the largest buffer kept: 16 MiB.
const maxPooled = 24

// Get returns an empty buffer with room for at least n bytes.
func Get(n int) []byte {
	class := bits.Len(uint(max(n, 1) - 1)) // the smallest power of two >= n
	if class > maxPooled {
		return make([]byte, 0, n)
	}
	if p, ok := bufPools[class].Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return make([]byte, 0, 1<<class)
}

// Put recycles b; the caller must not use it afterwards.
func Put(b []byte) {
	class := bits.Len(uint(cap(b))) - 1 // the largest power of two <= cap
	if cap(b) == 0 || class > maxPooled {
		return
	}
	b = b[:0]
	bufPools[class].Put(&b)
}
