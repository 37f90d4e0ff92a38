package transform

import (
	"encoding/binary"
	"hash/maphash"
)

// seenKeys is the set of group keys --sorted has completed, each with the
// line its group started at. A run of a million orders keeps a million
// keys to the end, so they are kept without a pointer for the garbage
// collector to scan: the keys end to end in chunks of bytes, and an open
// addressing table of where each one stands (its chunk and offset) and
// eight bits of its hash (keyHash, computed by the worker that keyed the
// row). It is exact: a key is found by its bytes, never by its hash alone.
// It is not safe for concurrent use.
type seenKeys struct {
	slots  []uint64 // 0: empty; else the key's place (seenPlace) and its hash's top byte
	chunks [][]byte // each entry: uvarint line, uvarint len(key), key
	n      int
	grew   func(n int64) // when set, told of each new chunk or larger table (Config.KeptMemory)
}

// seenChunk is the size of the chunks the keys are kept in; a longer key
// takes a chunk of its own.
const seenChunk = 256 << 10

// seenPlace packs where an entry stands: its chunk and offset, after the
// hash's top byte; 0 is never a place (the offset is counted from 1).
func seenPlace(chunk, off int, h uint64) uint64 {
	return uint64(chunk)<<40 | uint64(off+1)<<8 | h>>56
}

// entry returns the key and line of the entry a slot holds; the key points
// into its chunk.
func (s *seenKeys) entry(slot uint64) ([]byte, int) {
	c := s.chunks[slot>>40]
	e := c[int(slot>>8&(1<<32-1))-1:]
	line, k := binary.Uvarint(e)
	size, k2 := binary.Uvarint(e[k:])
	return e[k+k2 : k+k2+int(size)], int(line)
}

// find returns the slot of key, whose hash is h: the one that holds it
// (found), or the empty one where it would go.
func (s *seenKeys) find(key string, h uint64) (i int, found bool) {
	mask := len(s.slots) - 1
	for i = int(h) & mask; s.slots[i] != 0; i = (i + 1) & mask {
		if slot := s.slots[i]; slot&0xff == h>>56 {
			if k, _ := s.entry(slot); string(k) == key {
				return i, true
			}
		}
	}
	return i, false
}

// line returns the line key's group (h its keyHash) started at, and
// whether it is there.
func (s *seenKeys) line(key string, h uint64) (int, bool) {
	if s.n == 0 {
		return 0, false
	}
	i, found := s.find(key, h)
	if !found {
		return 0, false
	}
	_, line := s.entry(s.slots[i])
	return line, true
}

// add adds key (h its keyHash), which is not there, with the line its
// group started at.
func (s *seenKeys) add(key string, line int, h uint64) {
	if (s.n+1)*4 > len(s.slots)*3 {
		s.grow()
	}
	i, _ := s.find(key, h)
	s.slots[i] = s.store(key, line, h)
	s.n++
}

// store copies an entry into the chunks and returns its slot.
func (s *seenKeys) store(key string, line int, h uint64) uint64 {
	size := 2*binary.MaxVarintLen64 + len(key)
	last := len(s.chunks) - 1
	if last < 0 || len(s.chunks[last])+size > cap(s.chunks[last]) {
		s.chunks = append(s.chunks, make([]byte, 0, max(seenChunk, size)))
		s.told(max(seenChunk, size))
		last++
	}
	c := s.chunks[last]
	off := len(c)
	c = binary.AppendUvarint(c, uint64(line))
	c = binary.AppendUvarint(c, uint64(len(key)))
	s.chunks[last] = append(c, key...)
	return seenPlace(last, off, h)
}

// grow doubles the table (or makes its first one) and places the entries
// again.
func (s *seenKeys) grow() {
	old := s.slots
	s.slots = make([]uint64, max(1024, 2*len(old)))
	s.told(8 * (len(s.slots) - len(old)))
	mask := len(s.slots) - 1
	for _, slot := range old {
		if slot == 0 {
			continue
		}
		k, _ := s.entry(slot)
		i := int(maphash.Bytes(keySeed, k)) & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = slot
	}
}

// told tells grew of n more bytes kept.
func (s *seenKeys) told(n int) {
	if s.grew != nil {
		s.grew(int64(n))
	}
}
