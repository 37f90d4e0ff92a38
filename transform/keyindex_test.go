package transform

import (
	"fmt"
	"strings"
	"testing"
)

// TestKeyIndex numbers keys in order of first appearance through the
// table's growth, finds each again, tells apart keys that differ in one
// byte, and keeps keys longer than a chunk and the empty key.
func TestKeyIndex(t *testing.T) {
	t.Parallel()
	var x keyIndex
	long := strings.Repeat("k", keyChunk+10)
	keys := []string{"", long, long[:keyChunk]}
	for i := range 20000 {
		keys = append(keys, fmt.Sprintf("CA-2016-%06d", i))
	}
	for pass := range 2 {
		for i, k := range keys {
			seq, kept, added := x.lookup(k, keyHash(k))
			if int(seq) != i || kept != k || added != (pass == 0) {
				t.Fatalf("pass %d, key %d (%.20q…): got %d %.20q added %v, want %d, added %v", pass, i, k, seq, kept, added, i, pass == 0)
			}
		}
	}
	if x.n != len(keys) || 4*x.n > 3*len(x.slots) {
		t.Fatalf("%d keys in %d slots, want %d keys, at most 3/4 full", x.n, len(x.slots), len(keys))
	}
	if seq, _, added := x.lookup("CA-2016-0000000", keyHash("CA-2016-0000000")); !added || int(seq) != len(keys) {
		t.Fatalf("a new key got %d, added %v; want %d, added", seq, added, len(keys))
	}
}

// TestGroupStoreKeysOver checks that the group store tells Config.KeptMemory
// of what its index of keys takes past three quarters of the budget, and of
// nothing below it.
func TestGroupStoreKeysOver(t *testing.T) {
	t.Parallel()
	const budget = 64 << 10
	g := newGroupStore(budget)
	var told int64
	g.grew = func(n int64) {
		if n <= 0 {
			t.Errorf("told of %d bytes, want more than 0", n)
		}
		told += n
	}
	for i := range 2000 {
		key := fmt.Sprintf("order-%06d", i)
		g.seq(key, keyHash(key))
		if want := max(0, g.keyMem-budget*3/4); told != want {
			t.Fatalf("after %d keys (%d bytes of index): told %d, want %d", i+1, g.keyMem, told, want)
		}
	}
	if told == 0 {
		t.Fatalf("told nothing: the index (%d bytes) never passed three quarters of %d", g.keyMem, budget)
	}
	g.seq("order-000000", keyHash("order-000000")) // a key already there takes nothing more
	if want := g.keyMem - budget*3/4; told != want {
		t.Errorf("told %d after a known key, want %d", told, want)
	}
}
