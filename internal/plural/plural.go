// Package plural writes counts of things in English: Count(3, "row") is
// "3 rows", Count(1, "entry") "1 entry", Count(2, "activity") "2 activities".
package plural

import (
	"fmt"
	"strings"
)

// Count writes n and the noun, in the plural unless n is 1; a noun ending
// in y takes -ies.
func Count(n int, noun string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case strings.HasSuffix(noun, "y"):
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
