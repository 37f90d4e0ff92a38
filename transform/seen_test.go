package transform

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestSeenKeys checks the keys --sorted remembers against a map: every key
// added is found with its line, through the table's growths and across
// chunks (one key longer than a chunk), and keys never added, however
// alike, are not found; grew is told of every byte the set keeps.
func TestSeenKeys(t *testing.T) {
	t.Parallel()
	var told int64
	s := seenKeys{grew: func(n int64) { told += n }}
	want := map[string]int{}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 50_000 {
		key := fmt.Sprintf("CA-%d-%06d", 2014+r.IntN(4), r.IntN(1_000_000))
		if i == 30_000 {
			key = strings.Repeat("k", seenChunk+10)
		}
		if _, ok := want[key]; ok {
			continue
		}
		if _, ok := s.line(key, keyHash(key)); ok {
			t.Fatalf("key %q found before it was added", key)
		}
		want[key] = i + 2
		s.add(key, i+2, keyHash(key))
	}
	for key, line := range want {
		if got, ok := s.line(key, keyHash(key)); !ok || got != line {
			t.Fatalf("key %q: got line %d (found %v), want %d", key, got, ok, line)
		}
		if _, ok := s.line(key+"x", keyHash(key+"x")); ok {
			t.Fatalf("key %q found, never added", key+"x")
		}
	}
	if _, ok := s.line("", keyHash("")); ok {
		t.Fatalf("the empty key found, never added")
	}
	kept := int64(8 * len(s.slots))
	for _, c := range s.chunks {
		kept += int64(cap(c))
	}
	if told != kept {
		t.Errorf("grew told of %d bytes, the set keeps %d", told, kept)
	}
}
