package sandbox

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCheckLinesUsesTheActivityRules checks that the sandbox judges lines
// by the activity rules at every depth, as convert and validate do: a
// misspelt item key and a return fail like any broken line.
func TestCheckLinesUsesTheActivityRules(t *testing.T) {
	misspelt := strings.Replace(validLine(2), `"$qty":1`, `"$quantity":1`, 1)
	refund := strings.Replace(validLine(3), `"$qty":1`, `"$qty":-1`, 1)
	body := validLine(1) + "\n" + misspelt + "\n" + refund + "\n"
	success, failure, errLines := checkLines([]byte(body), lineRules("USER_ACTIVITY"), nil)
	if success != 1 || failure != 2 {
		t.Fatalf("got %d success, %d failure, want 1 and 2", success, failure)
	}
	want := []string{
		`$events[0].$properties.$items[0]: unknown key "$quantity" (did you mean "$qty"?)`,
		`$events[0].$properties.$items[0].$qty: -1 is not a quantity bought`,
	}
	lines := strings.Split(strings.TrimSuffix(string(errLines), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d error lines, want %d:\n%s", len(lines), len(want), errLines)
	}
	for i, l := range lines {
		var e struct {
			Line  int    `json:"line"`
			Error string `json:"error"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		if e.Line != i+2 || !strings.HasPrefix(e.Error, want[i]) {
			t.Errorf("error line %d: got line %d %q, want line %d %q…", i, e.Line, e.Error, i+2, want[i])
		}
	}
}
