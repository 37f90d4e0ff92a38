package mapping

import (
	"strings"
	"unicode"

	"csv2activity/internal/suggest"
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
	return suggest.DidYouMean(name, known, suggest.Typo)
}

// closest returns the entry of known nearest to name when it is near enough to
// be a typo (suggest.Typo), or "".
func closest(name string, known []string) string {
	return suggest.Closest(name, known, suggest.Typo)
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
