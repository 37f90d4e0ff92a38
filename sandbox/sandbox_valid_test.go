package sandbox

import (
	"regexp"
	"strings"
	"testing"
)

// TestValidForms: validID and validStatus accept what the regular
// expressions they replace accept, on every short string of their
// characters and others, and on lengths around their limits.
func TestValidForms(t *testing.T) {
	id := regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	status := regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`)
	var cases []string
	alphabet := []string{"", "A", "z", "0", "_", "-", ".", "/", "é", " "}
	for _, a := range alphabet {
		for _, b := range alphabet {
			for _, c := range alphabet {
				cases = append(cases, a+b+c)
			}
		}
	}
	for _, n := range []int{63, 64, 65} {
		cases = append(cases, strings.Repeat("A", n), "A"+strings.Repeat("9", n-1), strings.Repeat("a", n))
	}
	for _, s := range cases {
		if got, want := validID(s), id.MatchString(s); got != want {
			t.Errorf("validID(%q) = %v, want %v", s, got, want)
		}
		if got, want := validStatus(s), status.MatchString(s); got != want {
			t.Errorf("validStatus(%q) = %v, want %v", s, got, want)
		}
	}
}
