package mapping

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/agnivade/levenshtein"
)

// Ident is the name by which expressions reach a column: every run of
// characters other than letters, digits and _ becomes one _ ("Order Date" ->
// "Order_Date", "Sub-Category" -> "Sub_Category", "Prix TTC (€)" ->
// "Prix_TTC_"). Letters include accented ones, so "Qté" stays "Qté".
func Ident(name string) string {
	if isIdent(name) {
		return name
	}
	var b strings.Builder
	under := false
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			b.WriteRune(r)
			under = false
			continue
		}
		if !under {
			b.WriteByte('_')
			under = true
		}
	}
	return b.String()
}

// didYouMean returns ` (did you mean "X"?)` for the closest of known, or "".
func didYouMean(name string, known []string) string {
	if best := closest(name, known); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// closest returns the entry of known nearest to name when it is near enough to
// be a typo, or "".
func closest(name string, known []string) string {
	best, bestDist := "", 0
	lname := strings.ToLower(name)
	for _, k := range known {
		d := levenshtein.ComputeDistance(lname, strings.ToLower(k))
		if best == "" || d < bestDist {
			best, bestDist = k, d
		}
	}
	limit := max(2, len([]rune(name))/3)
	if best == "" || bestDist > limit {
		return ""
	}
	return best
}

// isIdent reports whether name is its own identifier: letters, digits and
// _ only (most header names are).
func isIdent(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 0x80 {
			return false // let Ident decide on the letters beyond ASCII
		}
		if !(c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			return false
		}
	}
	return true
}
