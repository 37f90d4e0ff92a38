package transform

import (
	"hash/maphash"
	"unsafe"
)

// keyIndex numbers the distinct group keys of a run in order of first
// appearance: the group store's index (group.go). It holds no pointer the
// garbage collector scans, however many keys it holds: the keys stand end
// to end in large chunks, and the table is an open-addressing array of
// plain slots that name them. A Go map of a million string keys would be a
// million objects to mark at every collection, and a grouped run collects
// often once its rows fill the memory budget.
//
// A key's hash is computed by the worker that keyed the row (keyHash), in
// parallel, so that the store's single goroutine only probes.
type keyIndex struct {
	slots  []keySlot // len a power of two, at most 3/4 full
	n      int       // keys held
	chunks [][]byte  // the keys, end to end
}

// keySlot is a slot of the table: a key's hash, where the key stands (the
// chunk in the high 32 bits of at, the offset in the low ones) and its
// length, and its number plus one (0 for an empty slot).
type keySlot struct {
	hash uint64
	at   uint64
	size uint32
	seq1 uint32
}

// keySeed is the seed of the keys' hashes, the same in every worker.
var keySeed = maphash.MakeSeed()

// keyHash is the hash of a group key in a keyIndex.
func keyHash(key string) uint64 { return maphash.String(keySeed, key) }

// keyChunk is the size of the chunks keys are kept in.
const keyChunk = 256 << 10

// lookup returns the number of key (whose hash is h), numbering it next
// when it is new, and the index's copy of the key, valid as long as the
// index.
func (x *keyIndex) lookup(key string, h uint64) (seq uint32, kept string, added bool) {
	if 4*(x.n+1) > 3*len(x.slots) {
		x.grow()
	}
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &x.slots[i]
		if s.seq1 == 0 {
			*s = keySlot{hash: h, at: x.store(key), size: uint32(len(key)), seq1: uint32(x.n) + 1}
			x.n++
			return s.seq1 - 1, x.key(s), true
		}
		if s.hash == h {
			if k := x.key(s); k == key {
				return s.seq1 - 1, k, false
			}
		}
	}
}

// key is the key of a slot.
func (x *keyIndex) key(s *keySlot) string {
	if s.size == 0 {
		return ""
	}
	c := x.chunks[s.at>>32]
	return unsafe.String(&c[s.at&(1<<32-1)], int(s.size))
}

// store copies key at the end of the last chunk, or of a new one, and
// returns where it stands.
func (x *keyIndex) store(key string) uint64 {
	last := len(x.chunks) - 1
	if last < 0 || len(x.chunks[last])+len(key) > cap(x.chunks[last]) {
		x.chunks = append(x.chunks, make([]byte, 0, max(keyChunk, len(key))))
		last++
	}
	c := x.chunks[last]
	x.chunks[last] = append(c, key...) // within its capacity: the chunk does not move
	return uint64(last)<<32 | uint64(len(c))
}

// grow doubles the table.
func (x *keyIndex) grow() {
	old := x.slots
	x.slots = make([]keySlot, max(1024, 2*len(old)))
	mask := uint64(len(x.slots) - 1)
	for _, s := range old {
		if s.seq1 == 0 {
			continue
		}
		i := s.hash & mask
		for x.slots[i].seq1 != 0 {
			i = (i + 1) & mask
		}
		x.slots[i] = s
	}
}
