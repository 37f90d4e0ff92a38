package testenv

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Reject is one object of a rejects file.
type Reject struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	Raw    string `json:"raw"`
}

// ParseRejects reads the objects of a rejects file's text, in order. An
// object that is not JSON, or that lacks its line, reason or raw row, is an
// error naming it.
func ParseRejects(text string) ([]Reject, error) {
	var rejects []Reject
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if l == "" {
			continue
		}
		var r Reject
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			return nil, fmt.Errorf("rejects line %q: %w", l, err)
		}
		if r.Line < 1 || r.Reason == "" || r.Raw == "" {
			return nil, fmt.Errorf("rejects line %q: want a line, a reason and the raw row", l)
		}
		rejects = append(rejects, r)
	}
	return rejects, nil
}
