package strftime

// This file reads month and weekday names, English and French, ignoring case
// and accents, so that "Févr.", "fevr", "FEB" and "February" all read as 2.

// name is one spelling of a month or weekday: lower case, unaccented ASCII.
type name struct {
	text  string
	value int // month 1-12, or weekday 0-6 from Sunday
}

// monthNames holds the English and French full names and usual abbreviations.
// The French accents are matched by folding (see foldPrefix), so "fevrier"
// also reads "février" and "FÉVRIER".
var monthNames = byInitial([]name{
	{"january", 1}, {"jan", 1}, {"janvier", 1}, {"janv", 1},
	{"february", 2}, {"feb", 2}, {"fevrier", 2}, {"fevr", 2}, {"fev", 2},
	{"march", 3}, {"mar", 3}, {"mars", 3},
	{"april", 4}, {"apr", 4}, {"avril", 4}, {"avr", 4},
	{"may", 5}, {"mai", 5},
	{"june", 6}, {"jun", 6}, {"juin", 6},
	{"july", 7}, {"jul", 7}, {"juillet", 7}, {"juil", 7},
	{"august", 8}, {"aug", 8}, {"aout", 8},
	{"september", 9}, {"sep", 9}, {"sept", 9}, {"septembre", 9},
	{"october", 10}, {"oct", 10}, {"octobre", 10},
	{"november", 11}, {"nov", 11}, {"novembre", 11},
	{"december", 12}, {"dec", 12}, {"decembre", 12},
})

// weekdayNames holds the English and French weekday names and abbreviations.
var weekdayNames = byInitial([]name{
	{"sunday", 0}, {"sun", 0}, {"dimanche", 0}, {"dim", 0},
	{"monday", 1}, {"mon", 1}, {"lundi", 1}, {"lun", 1},
	{"tuesday", 2}, {"tue", 2}, {"tues", 2}, {"mardi", 2}, {"mar", 2},
	{"wednesday", 3}, {"wed", 3}, {"mercredi", 3}, {"mer", 3},
	{"thursday", 4}, {"thu", 4}, {"thur", 4}, {"thurs", 4}, {"jeudi", 4}, {"jeu", 4},
	{"friday", 5}, {"fri", 5}, {"vendredi", 5}, {"ven", 5},
	{"saturday", 6}, {"sat", 6}, {"samedi", 6}, {"sam", 6},
})

// nameTable holds names grouped by their first letter, 'a' to 'z'.
type nameTable [26][]name

func byInitial(names []name) *nameTable {
	var t nameTable
	for _, n := range names {
		i := n.text[0] - 'a'
		t[i] = append(t[i], n)
	}
	return &t
}

// match reads the longest name of t at the start of s, then a "." unless
// keepDot is set. It returns the name's value and the bytes read, or n == 0
// when no name starts s.
func (t *nameTable) match(s string, keepDot bool) (value, n int) {
	if s == "" {
		return 0, 0
	}
	first, _ := fold(s)
	if first < 'a' || first > 'z' {
		return 0, 0
	}
	for _, nm := range t[first-'a'] {
		if k := foldPrefix(s, nm.text); k > n {
			value, n = nm.value, k
		}
	}
	if n > 0 && !keepDot && n < len(s) && s[n] == '.' {
		n++
	}
	return value, n
}

// foldPrefix reports how many bytes of s spell text, ignoring case and accents
// (precomposed Latin-1 letters or combining marks); it returns 0 when s does
// not start with text.
func foldPrefix(s, text string) int {
	i := 0
	for j := 0; j < len(text); j++ {
		c, k := fold(s[i:])
		if c != text[j] {
			return 0
		}
		i += k
		i += combiningMark(s[i:])
	}
	return i
}

// fold returns the first letter of s in lower case without its accent, and
// its length in bytes; it returns 0 for anything else.
func fold(s string) (c byte, n int) {
	if s == "" {
		return 0, 0
	}
	c = s[0]
	switch {
	case 'A' <= c && c <= 'Z':
		return c + 'a' - 'A', 1
	case c < 0x80:
		return c, 1
	case c == 0xC3 && len(s) > 1 && 0x80 <= s[1] && s[1] <= 0xBF:
		b := s[1]
		if b == 0x9F {
			return '?', 2 // ß has no upper case in Latin-1
		}
		if b < 0xA0 {
			b += 0x20 // À..Þ to à..þ
		}
		return latin1Base[b-0xA0], 2
	}
	return 0, 0
}

// latin1Base maps à..ÿ (U+00E0..U+00FF) to their base letters; '?' marks the
// characters that are not accented letters.
const latin1Base = "aaaaaa?ceeeeiiii?nooooo?ouuuuy?y"

// combiningMark returns the length of a combining diacritical mark
// (U+0300..U+036F) at the start of s, as decomposed (NFD) text carries after
// the letter, or 0.
func combiningMark(s string) int {
	if len(s) < 2 {
		return 0
	}
	if (s[0] == 0xCC && s[1] >= 0x80 && s[1] <= 0xBF) || (s[0] == 0xCD && s[1] >= 0x80 && s[1] <= 0xAF) {
		return 2
	}
	return 0
}
