package activity

import (
	"strings"
	"testing"
)

// TestTables checks what the walk assumes of the tables: every key starts
// with "$" (find skips other keys), appears once in its table, and names a
// rule that exists; a required key lies within the first 64 (the walk
// marks the keys met in a uint64); the tables of one place agree on custom
// keys; every list names its elements' rule, and every object rule the
// walk meets has a table.
func TestTables(t *testing.T) {
	custom := map[place]bool{}
	for r := firstObjectRule; r < ruleEventProperties; r++ {
		tb := &tables[r]
		if tb.what == "" || len(tb.keys) == 0 {
			t.Errorf("rule %d: an object rule without a table, or without keys (find reads the first)", r)
		}
		if c, ok := custom[tb.place]; ok && c != tb.custom {
			t.Errorf("rule %d: place %d takes custom keys in one table, not in another", r, tb.place)
		}
		custom[tb.place] = tb.custom
		seen := map[string]bool{}
		for i, k := range tb.keys {
			switch {
			case !strings.HasPrefix(k.name, "$") || len(k.name) < 3:
				t.Errorf("rule %d: key %q does not start with $ or is shorter than 3 bytes", r, k.name)
			case tb.find(k.name) != &tb.keys[i] || tb.find(k.name+"x") != nil || tb.find(k.name[:len(k.name)-1]) != nil:
				t.Errorf("rule %d: key %q not found, or found for another", r, k.name)
			case seen[k.name]:
				t.Errorf("rule %d: key %q twice", r, k.name)
			case k.rule >= numRules || k.rule == ruleNone && k.required:
				t.Errorf("rule %d: key %q has rule %d", r, k.name, k.rule)
			case k.required && i >= 64:
				t.Errorf("rule %d: required key %q at index %d, past the walk's 64", r, k.name, i)
			}
			seen[k.name] = true
		}
	}
	for r := firstListRule; r < firstObjectRule; r++ {
		if l := lists[r]; l.what == "" || l.elem == ruleNone || l.elem >= numRules {
			t.Errorf("rule %d: list %+v", r, l)
		}
	}
	for r := ruleNone + 1; r <= lastScalarRule; r++ {
		func() {
			defer func() {
				if recover() != nil {
					t.Errorf("rule %d: scalarProblem has no case for it", r)
				}
			}()
			r.scalarProblem(nil, nil)
		}()
	}
}

// TestPlacesAgree checks that the tables of one place (an item, of a
// purchase or not) take the same keys, so that the keys Allow and the
// did-you-mean know at a place are those of each of its tables; a
// $user_identifiers entry, whose $type chooses its keys, is the exception.
func TestPlacesAgree(t *testing.T) {
	for r := firstObjectRule; r < ruleEventProperties; r++ {
		tb := &tables[r]
		if tb.place == placeIdentifier {
			continue
		}
		if len(tb.keys) != len(knownKeys[tb.place]) {
			t.Errorf("rule %d: %d keys, its place knows %d", r, len(tb.keys), len(knownKeys[tb.place]))
		}
		for _, name := range knownKeys[tb.place] {
			if tb.find(name) == nil {
				t.Errorf("rule %d: key %q of its place not in its table", r, name)
			}
		}
	}
}
