package mapping

import (
	"errors"
	"strings"
)

type rawPart struct {
	text string
	expr bool
}

// splitTemplate cuts a YAML string into literal text and ${ … } expressions.
// "$${" writes a literal "${". Braces inside an expression nest, and braces in
// its string literals do not count.
func splitTemplate(s string) ([]rawPart, error) {
	var parts []rawPart
	var lit strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			lit.WriteString(s)
			break
		}
		if i > 0 && s[i-1] == '$' {
			lit.WriteString(s[:i-1])
			lit.WriteString("${")
			s = s[i+2:]
			continue
		}
		lit.WriteString(s[:i])
		end, err := closingBrace(s[i+2:])
		if err != nil {
			return nil, err
		}
		if lit.Len() > 0 {
			parts = append(parts, rawPart{text: lit.String()})
			lit.Reset()
		}
		body := s[i+2 : i+2+end]
		if strings.TrimSpace(body) == "" {
			return nil, errors.New("empty ${ }")
		}
		parts = append(parts, rawPart{text: body, expr: true})
		s = s[i+2+end+1:]
	}
	if lit.Len() > 0 {
		parts = append(parts, rawPart{text: lit.String()})
	}
	return parts, nil
}

// closingBrace returns the index of the } that closes an expression body.
func closingBrace(s string) (int, error) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return i, nil
			}
			depth--
		case '"', '\'', '`':
			j := skipString(s, i)
			if j < 0 {
				return 0, errors.New("unterminated string in ${ … }")
			}
			i = j
		}
	}
	return 0, errors.New(`"${" has no closing "}"`)
}

// skipString returns the index of the quote closing the string literal that
// opens at s[i], or -1.
func skipString(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		if s[j] == '\\' && q != '`' {
			j++
			continue
		}
		if s[j] == q {
			return j
		}
	}
	return -1
}
