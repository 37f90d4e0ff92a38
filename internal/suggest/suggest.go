// Package suggest finds the "did you mean" of a name that is not known: the
// known name nearest to it in edits (Levenshtein distance, ignoring case),
// when it is near enough to be a typo. The caller says how near with a
// Limit: Typo for most names, or a stricter one of its own.
package suggest

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
)

// Limit returns the most edits at which a candidate is offered for got.
type Limit func(got string) int

// Typo allows a third of got's characters, at least 2 edits and at most 3:
// "chekc" is "check", "hahs" is "hash", "Order_Dat" is "Order_Date", and a
// long name is not offered for another that merely shares its prefix.
func Typo(got string) int {
	return min(3, max(2, utf8.RuneCountInString(got)/3))
}

// Closest returns the candidate nearest to got in edits, ignoring case, if
// it is at most limit(got) edits away; ties go to the earlier candidate. It
// returns "" when none is near enough.
func Closest(got string, candidates []string, limit Limit) string {
	lower := strings.ToLower(got)
	best, bestDist := "", limit(got)+1
	for _, c := range candidates {
		if d := levenshtein.ComputeDistance(lower, strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// DidYouMean returns ` (did you mean "X"?)` for the Closest candidate X, or
// "" when there is none.
func DidYouMean(got string, candidates []string, limit Limit) string {
	if s := Closest(got, candidates, limit); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}
