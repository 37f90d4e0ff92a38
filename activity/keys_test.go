package activity

import (
	"errors"
	"strings"
	"testing"
)

// allowing returns Rules allowing keys, failing the test on an error.
func allowing(t testing.TB, keys ...string) *Rules {
	t.Helper()
	r := &Rules{}
	for _, k := range keys {
		if err := r.Allow(k); err != nil {
			t.Fatalf("Allow(%q): %v", k, err)
		}
	}
	return r
}

func TestAllowErrors(t *testing.T) {
	tests := []struct {
		key, want string
	}{
		{"$events.$bar", `not a place of the activity followed by a key`},
		{"$events[].$properties.$items.$bar", `not a place of the activity followed by a key`},
		{"$origin.", `not a place of the activity followed by a key`},
		{"$events[].$properties.discount", `"discount" does not start with $; keys without $ are custom properties`},
		{"$", `the key is empty after the $`},
		{"", `not a place of the activity followed by a key`},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			err := (&Rules{}).Allow(tt.key)
			if !errors.Is(err, ErrAllowKey) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Allow(%q) = %v, want an ErrAllowKey saying %q", tt.key, err, tt.want)
			}
		})
	}
}

// TestAllowKeys checks that an allowed key passes at its place only, that
// its value is checked as a custom property's, and that misspellings of it
// get a did-you-mean.
func TestAllowKeys(t *testing.T) {
	r := allowing(t, "$loyalty_tier", "$origin.$coupon", "$location.$store_id", "$email_hash.$salt",
		"$user_identifiers[].$hashed_with", "$events[].$source", "$events[].$properties.$url",
		"$events[].$properties.$items[].$discount")
	tests := []validateTest{
		{"top level", act(`,"$loyalty_tier":"gold"`), ""},
		{"top level, misspelt", act(`,"$loyalty_teir":"gold"`), `unknown key "$loyalty_teir" (did you mean "$loyalty_tier"?)`},
		{"origin", act(`,"$origin":{"$coupon":"NOEL24"}`), ""},
		{"location", act(`,"$location":{"$store_id":"M027"}`), ""},
		{"email hash", who(`,"$email_hash":{"$hash":"h","$salt":"s"}`), ""},
		{"user identifier", who(`,"$user_identifiers":[{"$type":"USER_EMAIL","$hash":"h","$hashed_with":"sha256"}]`), ""},
		{"event", withEvents(`{"$event_name":"a","$ts":1704452400000,"$source":"till"}`), ""},
		{"page view", withEvents(event("$page_view", `{"$url":"/"}`)), ""},
		{"transaction", withEvents(purchase(`{"$url":"/","$items":[]}`)), ""},
		{"item", withEvents(items(item(`,"$discount":{"rate":0.2}`))), ""},
		{"item, value checked", withEvents(items(item(`,"$discount":1e999`))),
			`$events[0].$properties.$items[0].$discount: not a finite number, got 1e999 (overflows a float64)`},
		{"item, misspelt", withEvents(items(item(`,"$discont":2`))), `$events[0].$properties.$items[0]: unknown key "$discont" (did you mean "$discount"?)`},
		{"only at its place", withEvents(items(item(`,"$url":"/"`))), `$events[0].$properties.$items[0]: unknown key "$url": custom keys must not start with $`},
		{"not at the top", act(`,"$coupon":"NOEL24"`), `unknown key "$coupon": custom keys must not start with $`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errorText(r.ValidateLine([]byte(tt.line)))
			if got != tt.want {
				t.Errorf("got %q, want %q\nline: %s", got, tt.want, tt.line)
			}
			if tt.want == "" && ValidateLine([]byte(tt.line)) == nil {
				t.Errorf("the line passes without allowing any key: the case tests nothing")
			}
		})
	}
}
