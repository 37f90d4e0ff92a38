package activity

import (
	"cmp"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/govalues/decimal"
)

// scanNumber reads the JSON number literal at the start of s
// (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?). It returns the index where the
// scan stopped and whether the bytes before it form a complete number: on ok the
// literal is s[:n] and s[n] (if any) is the caller's to judge; on !ok, s[n] is the
// offending byte or n == len(s) for a literal cut short.
func scanNumber[T ~string | ~[]byte](s T) (n int, ok bool) {
	if n < len(s) && s[n] == '-' {
		n++
	}
	switch {
	case n < len(s) && s[n] == '0':
		n++
	case n < len(s) && isDigit(s[n]):
		n = skipDigits(s, n)
	default:
		return n, false
	}
	if n < len(s) && s[n] == '.' {
		n++
		if n == len(s) || !isDigit(s[n]) {
			return n, false
		}
		n = skipDigits(s, n)
	}
	if n < len(s) && (s[n] == 'e' || s[n] == 'E') {
		n++
		if n < len(s) && (s[n] == '+' || s[n] == '-') {
			n++
		}
		if n == len(s) || !isDigit(s[n]) {
			return n, false
		}
		n = skipDigits(s, n)
	}
	return n, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// skipDigits returns the index of the first non-digit at or after i.
func skipDigits[T ~string | ~[]byte](s T, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// validNumber reports whether n is exactly one JSON number literal.
func validNumber(n json.Number) bool {
	end, ok := scanNumber(n)
	return ok && end == len(n)
}

// isNumber reports whether v holds one of the model's number types.
func isNumber(v any) bool {
	switch v.(type) {
	case int, int64, float64, decimal.Decimal, json.Number:
		return true
	}
	return false
}

// numberProblem returns why the number v cannot stand in an activity (NaN or an
// infinity, a json.Number that is no JSON literal or overflows a float64), or ""
// when it can, or when v is not a number.
func numberProblem(v any) string {
	switch v := v.(type) {
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "not a finite number, got " + numberText(v)
		}
	case json.Number:
		if !validNumber(v) {
			return "not a valid JSON number, got " + quote(string(v))
		}
		if f, err := strconv.ParseFloat(string(v), 64); err != nil && math.IsInf(f, 0) {
			return "not a finite number, got " + shorten(string(v)) + " (overflows a float64)"
		}
	}
	return ""
}

// maxExactFloat is 2^63, the first float64 beyond the int64 range.
const maxExactFloat = 1 << 63

// asInt returns the value of a number whose JSON form is an integer within the
// int64 range: int, int64, a float64 without fraction, a decimal that is whole
// once trimmed, a json.Number that parses as int64. ok is false otherwise.
func asInt(v any) (n int64, ok bool) {
	switch v := v.(type) {
	case int:
		return int64(v), true
	case int64:
		return v, true
	case float64:
		if v != math.Trunc(v) || v >= maxExactFloat || v < -maxExactFloat {
			return 0, false // also NaN and the infinities
		}
		return int64(v), true
	case decimal.Decimal:
		if !v.IsInt() {
			return 0, false
		}
		whole, _, ok := v.Int64(0)
		return whole, ok
	case json.Number:
		n, err := strconv.ParseInt(string(v), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// asFloat returns the value of a number as a float64; ok is false for
// non-numbers and for a json.Number that does not parse.
func asFloat(v any) (f float64, ok bool) {
	switch v := v.(type) {
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case float64:
		return v, true
	case decimal.Decimal:
		return v.Float64()
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		return f, err == nil
	}
	return 0, false
}

// sign returns -1, 0 or +1 for a number of the model that is below, at or
// above zero (a NaN is 0), without converting it; 0 for a non-number.
func sign(v any) int {
	switch v := v.(type) {
	case int:
		return cmp.Compare(v, 0)
	case int64:
		return cmp.Compare(v, 0)
	case float64:
		return cmp.Compare(v, 0) // NaN compares below every number: refused before
	case decimal.Decimal:
		return v.Sign()
	case json.Number:
		return numberSign(string(v))
	}
	return 0
}

// numberSign is sign for a JSON number literal: zero when every digit of
// its mantissa is.
func numberSign(s string) int {
	neg := strings.HasPrefix(s, "-")
	for _, c := range strings.TrimPrefix(s, "-") {
		switch {
		case c == 'e' || c == 'E':
			return 0
		case c >= '1' && c <= '9' && neg:
			return -1
		case c >= '1' && c <= '9':
			return 1
		}
	}
	return 0
}

// numberText returns a number as it reads in a message: its JSON form, or NaN,
// +Inf, -Inf, or a json.Number as is.
func numberText(v any) string {
	switch v := v.(type) {
	case float64:
		switch {
		case math.IsNaN(v):
			return "NaN"
		case math.IsInf(v, 1):
			return "+Inf"
		case math.IsInf(v, -1):
			return "-Inf"
		}
	case json.Number:
		return shorten(string(v))
	}
	return string(AppendJSON(nil, v))
}
