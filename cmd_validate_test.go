package main

import (
	"strings"
	"testing"
)

// TestValidateMixedFile names every bad line of a file mixing seconds for
// milliseconds, two identifiers, an unknown $type, an event without a name
// and a line that is not JSON, and passes the good lines.
func TestValidateMixedFile(t *testing.T) {
	lines := []string{
		`{"$type":"TOUCH","$ts":1700000000000,"$user_account_id":"c1","$events":[{"$event_name":"$transaction_confirmed","$ts":1700000000000}]}`,
		`{"$type":"TOUCH","$ts":1700000000,"$user_account_id":"c1"}`,
		``,
		`{"$type":"TOUCH","$ts":1700000000000,"$user_account_id":"c1","$email_hash":{"$hash":"ab12"}}`,
		`{"$type":"VISIT","$ts":1700000000000,"$user_account_id":"c1"}`,
		`{"$type":"TOUCH","$ts":1700000000000,"$user_agent_id":"vec:1","$events":[{"$ts":1700000000000}]}`,
		`{"$type":"TOUCH","$ts":1700000000000,"$user_agent_id":"vec:1"`,
		`{"$type":"EMAIL","$ts":1700000000000,"$email_hash":{"$hash":"ab12"}}`,
	}
	path := writeFile(t, t.TempDir(), "mixed.ndjson", strings.Join(lines, "\n")+"\n")
	res := runCLI(t, "", nil, nil, "validate", path)
	if res.code != 3 {
		t.Fatalf("exit %d, want 3; stderr:\n%s", res.code, res.stderr)
	}
	want := map[string]string{
		"2": "looks like seconds, not milliseconds",
		"4": "2 user identifiers ($user_account_id, $email_hash)",
		"5": `unknown activity type "VISIT"`,
		"6": `$events[0]: missing required key "$event_name"`,
		"7": "not JSON",
	}
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n") {
		rest, ok := strings.CutPrefix(l, path+":")
		if !ok {
			t.Fatalf("problem line %q does not start with FILE:", l)
		}
		n, reason, _ := strings.Cut(rest, ": ")
		got[n] = reason
	}
	if len(got) != len(want) {
		t.Errorf("lines reported %v, want exactly those of %v", got, want)
	}
	for n, w := range want {
		if !strings.Contains(got[n], w) {
			t.Errorf("line %s: got %q, want it to say %q", n, got[n], w)
		}
	}
	if want := "5 of 7 lines invalid (1 empty line skipped)"; !strings.Contains(res.stderr, want) {
		t.Errorf("stderr %q does not say %q", res.stderr, want)
	}
}
