package activity

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/govalues/decimal"
)

// AppendJSON appends the compact JSON form of v to dst and returns the extended
// slice. v is a value of the model: nil, bool, string, int64, int, float64,
// decimal.Decimal, json.Number, []any or *Object, nested to any depth but
// without cycles (a cycle recurses until the stack overflows).
//
// Objects keep their field order; a field whose value is nil is written as
// null (dropping nil keys is the producer's job). Strings are escaped so that
// the line stays one valid line: control characters and DEL as \n, \t, \r or
// \u00XX, '"' and '\' as \" and \\, U+2028 and U+2029 as \u2028 and \u2029,
// and each byte of invalid UTF-8 as \ufffd; <, > and & are left alone.
// Numbers are written as encoding/json writes them: a float64 in plain form
// for 1e-6 <= |f| < 1e21 (an integral float has no ".0") and in exponent form
// outside; a decimal.Decimal in plain form with trailing fractional zeros
// trimmed (12.50 -> 12.5, never an exponent); a json.Number as is.
//
// AppendJSON always appends valid JSON and never panics: what JSON cannot
// hold is written as null, namely NaN and infinite floats, a json.Number that
// is not a JSON number literal, a nil *Object and any type outside the model.
// Validate reports all of these. A nil []any is written as [] (unlike
// encoding/json). AppendJSON uses no reflection and allocates nothing beyond
// growing dst; it is safe for concurrent use on values nobody modifies.
func AppendJSON(dst []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, v)
	case string:
		return appendString(dst, v)
	case int64:
		return strconv.AppendInt(dst, v, 10)
	case int:
		return strconv.AppendInt(dst, int64(v), 10)
	case float64:
		return appendFloat(dst, v)
	case decimal.Decimal:
		dst, _ = v.Trim(0).AppendText(dst) // never fails
		return dst
	case json.Number:
		if !validNumber(v) {
			return append(dst, "null"...)
		}
		return append(dst, v...)
	case []any:
		return appendArray(dst, v)
	case *Object:
		return appendObject(dst, v)
	}
	return append(dst, "null"...)
}

// AppendString appends s as a JSON string, as AppendJSON writes it.
func AppendString(dst []byte, s string) []byte {
	return appendString(dst, s)
}

// appendObject writes o's fields in order; a nil *Object is null.
func appendObject(dst []byte, o *Object) []byte {
	if o == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '{')
	for i, f := range o.Fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		if f.EncodedKey != "" {
			dst = append(dst, f.EncodedKey...)
		} else {
			dst = append(appendString(dst, f.Key), ':')
		}
		dst = AppendJSON(dst, f.Value)
	}
	return append(dst, '}')
}

func appendArray(dst []byte, a []any) []byte {
	dst = append(dst, '[')
	for i, v := range a {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSON(dst, v)
	}
	return append(dst, ']')
}

// appendFloat writes f as encoding/json does: 'f' format for 1e-6 <= |f| < 1e21,
// else 'e' format with a one-digit negative exponent cleaned up (1e-07 -> 1e-7).
// NaN and the infinities have no JSON form and are written as null.
func appendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// plain marks the ASCII bytes a JSON string can hold unescaped.
var plain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != 0x7f
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string with the escapes AppendJSON documents.
// Runs of bytes that need no escape are copied in one append.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := plainPrefix(s)
	if start == len(s) {
		dst = append(dst, s...)
		return append(dst, '"')
	}
	dst = append(dst, s[:start]...)
	for i := start; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plain[c] {
				i++
				continue
			}
			dst = appendEscape(append(dst, s[start:i]...), c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			if r == utf8.RuneError {
				r = '\ufffd'
			}
			dst = append(dst, '\\', 'u', hexDigits[r>>12], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
			start = i + size
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// Masks for the word-at-a-time test of plainPrefix: each byte of a uint64.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// plainPrefix returns how many leading bytes of s are printable ASCII that a
// JSON string holds as is; it tests eight bytes at a time (most values are
// plain ASCII), with the classic "has a zero byte" and "has a byte below n"
// tricks.
func plainPrefix(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		b := s[i : i+8]
		w := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		special := (w-0x20*ones)&^w | w | zeroByte(w^('"'*ones)) | zeroByte(w^('\\'*ones)) | zeroByte(w^(0x7f*ones))
		if special&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || !plain[c] {
			return i
		}
	}
	return i
}

// zeroByte has the high bit of a byte set where w may have a zero byte (and
// only there, for the first zero byte; later bits may be false alarms, which
// only send plainPrefix to its byte loop).
func zeroByte(w uint64) uint64 {
	return (w - ones) &^ w
}

// appendEscape writes the escape of an ASCII byte that cannot stand as is.
func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\t':
		return append(dst, '\\', 't')
	case '\r':
		return append(dst, '\\', 'r')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}
