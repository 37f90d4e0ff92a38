package activity

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Errors of Parse (and so of ValidateLine). Each error Parse returns wraps
// exactly one of them, for errors.Is:
//
//   - ErrSyntax: the line is not JSON ("not JSON: invalid character 'x'
//     looking for a value at offset 3"), or is nested deeper than 10000 levels
//     as encoding/json also refuses;
//   - ErrNotObject: the line is a JSON value other than an object;
//   - ErrTrailingData: something other than whitespace follows the object;
//   - ErrDuplicateKey: an object, at any depth, repeats a key
//     (`$events[0]: duplicate key "$ts"`); reported as soon as the key is
//     read, even if the line breaks further on.
var (
	ErrSyntax       = errors.New("not JSON")
	ErrNotObject    = errors.New("not a JSON object")
	ErrTrailingData = errors.New("trailing data after the object")
	ErrDuplicateKey = errors.New("duplicate key")
)

// maxDepth is the deepest nesting of arrays and objects Parse accepts, the same
// as encoding/json's; Validate holds in-memory activities to it too.
const maxDepth = 10000

// Parse parses one ndjson line, a JSON object with optional whitespace around
// it, into the model: objects as *Object keeping their key order, arrays as
// []any (empty arrays non-nil), numbers as json.Number exactly as written,
// strings with escapes resolved and each byte of invalid UTF-8, like each
// unpaired surrogate escape, replaced by U+FFFD (as encoding/json does).
//
// It accepts exactly what encoding/json accepts, but for duplicate keys, and
// returns an error wrapping one of ErrSyntax, ErrNotObject, ErrTrailingData or
// ErrDuplicateKey otherwise. It never panics; line is not retained.
func Parse(line []byte) (*Object, error) {
	p := parser{data: line}
	p.skipSpace()
	if p.pos == len(p.data) {
		return nil, fmt.Errorf("%w: empty line", ErrSyntax)
	}
	v, err := p.value(nil)
	if err != nil {
		return nil, err
	}
	o, ok := v.(*Object)
	if !ok {
		return nil, fmt.Errorf("%w: the line holds %s", ErrNotObject, kind(v))
	}
	p.skipSpace()
	if p.pos < len(p.data) {
		return nil, fmt.Errorf("%w at offset %d", ErrTrailingData, p.pos)
	}
	return o, nil
}

// kind names the JSON type of a parsed value.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a bool"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	}
	return "an array"
}

// interned holds the strings every activity repeats, the reserved keys and
// enumerations, so that Parse shares one copy instead of allocating each time.
// It is built once and only read.
var interned = func() map[string]string {
	m := make(map[string]string)
	lists := [][]string{activityTypes, sessionStatuses, locationSources, identifierTypes,
		{"$transaction_confirmed", "$ad_click", "$ad_view", "$conversion"}}
	for _, list := range slices.Concat(lists, knownKeys[:]) {
		for _, s := range list {
			m[s] = s
		}
	}
	return m
}()

// parser is a recursive-descent JSON parser over one line; pos is the offset of
// the next byte to read.
type parser struct {
	data []byte
	pos  int
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// peek returns the next byte, or 0 at the end of the line.
func (p *parser) peek() byte {
	if p.pos < len(p.data) {
		return p.data[p.pos]
	}
	return 0
}

// syntaxError reports the byte at pos (or the end of the line) as unexpected
// in the context what.
func (p *parser) syntaxError(pos int, what string) error {
	if pos >= len(p.data) {
		return fmt.Errorf("%w: unexpected end of line %s", ErrSyntax, what)
	}
	c := p.data[pos]
	char := strconv.QuoteRune(rune(c))
	if c >= utf8.RuneSelf {
		char = fmt.Sprintf("byte 0x%02x", c)
	}
	return fmt.Errorf("%w: invalid character %s %s at offset %d", ErrSyntax, char, what, pos)
}

// value parses the value starting at pos, whose place is at.
func (p *parser) value(at *path) (any, error) {
	switch c := p.peek(); {
	case c == '{':
		return p.object(at)
	case c == '[':
		return p.array(at)
	case c == '"':
		return p.string()
	case c == '-' || isDigit(c):
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, p.syntaxError(p.pos, "looking for a value")
}

// enter checks the nesting level of the array or object opening at pos.
func (p *parser) enter(at *path) error {
	if at.level()+1 > maxDepth {
		return fmt.Errorf("%w: nested deeper than %d levels at offset %d", ErrSyntax, maxDepth, p.pos)
	}
	p.pos++
	p.skipSpace()
	return nil
}

// object parses an object; keys must be unique.
func (p *parser) object(at *path) (*Object, error) {
	if err := p.enter(at); err != nil {
		return nil, err
	}
	o := &Object{}
	if p.peek() == '}' {
		p.pos++
		return o, nil
	}
	var keys keySet
	var child path // outside the loop, so that escape analysis keeps it on the stack
	for {
		key, err := p.objectKey(at, o, &keys)
		if err != nil {
			return nil, err
		}
		child = at.field(key)
		v, err := p.value(&child)
		if err != nil {
			return nil, err
		}
		o.Fields = append(o.Fields, Field{Key: key, Value: v})
		done, err := p.next('}', "after object value")
		if err != nil {
			return nil, err
		}
		if done {
			return o, nil
		}
	}
}

// objectKey reads the next key of o, which must not repeat one before it, and
// the colon after it.
func (p *parser) objectKey(at *path, o *Object, keys *keySet) (string, error) {
	if p.peek() != '"' {
		return "", p.syntaxError(p.pos, "looking for an object key")
	}
	key, err := p.string()
	if err != nil {
		return "", err
	}
	if keys.repeats(o.Fields, key) {
		return "", duplicateKeyError(at, key)
	}
	p.skipSpace()
	if p.peek() != ':' {
		return "", p.syntaxError(p.pos, "after object key")
	}
	p.pos++
	p.skipSpace()
	return key, nil
}

// duplicateKeyError reports key repeated in the object at.
func duplicateKeyError(at *path, key string) error {
	if at == nil {
		return fmt.Errorf("%w %s", ErrDuplicateKey, quote(key))
	}
	return fmt.Errorf("%s: %w %s", at.String(), ErrDuplicateKey, quote(key))
}

// next reads what follows a member of an array or object: a comma (done is
// false) or the closing byte (done is true).
func (p *parser) next(closing byte, what string) (done bool, err error) {
	p.skipSpace()
	switch p.peek() {
	case ',':
		p.pos++
		p.skipSpace()
		return false, nil
	case closing:
		p.pos++
		return true, nil
	}
	return false, p.syntaxError(p.pos, what)
}

// array parses an array; an empty one is a non-nil []any.
func (p *parser) array(at *path) ([]any, error) {
	if err := p.enter(at); err != nil {
		return nil, err
	}
	a := []any{}
	if p.peek() == ']' {
		p.pos++
		return a, nil
	}
	var child path // outside the loop, so that escape analysis keeps it on the stack
	for {
		child = at.elem(len(a))
		v, err := p.value(&child)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		done, err := p.next(']', "after array element")
		if err != nil {
			return nil, err
		}
		if done {
			return a, nil
		}
	}
}

// literal reads the keyword want (true, false or null).
func (p *parser) literal(want string) error {
	for i := 0; i < len(want); i++ {
		if p.pos >= len(p.data) || p.data[p.pos] != want[i] {
			return p.syntaxError(p.pos, "in literal "+want)
		}
		p.pos++
	}
	return nil
}

// number reads a number literal and keeps it as written.
func (p *parser) number() (json.Number, error) {
	n, ok := scanNumber(p.data[p.pos:])
	if !ok {
		return "", p.syntaxError(p.pos+n, "in number")
	}
	num := json.Number(p.data[p.pos : p.pos+n])
	p.pos += n
	return num, nil
}

// string reads a string. The common case, no escape and valid UTF-8, is one
// scan and one copy; others go through unquote.
func (p *parser) string() (string, error) {
	start := p.pos + 1
	escaped, ascii := false, true
	for i := start; i < len(p.data); i++ {
		switch c := p.data[i]; {
		case c == '"':
			raw := p.data[start:i]
			p.pos = i + 1
			if !escaped && (ascii || utf8.Valid(raw)) {
				if s, ok := interned[string(raw)]; ok {
					return s, nil
				}
				return string(raw), nil
			}
			return p.unquote(raw, start)
		case c == '\\':
			escaped = true
			i++ // the escaped byte cannot end the string; unquote checks it
		case c < 0x20:
			return "", p.syntaxError(i, "in string")
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", p.syntaxError(len(p.data), "in string")
}

// unquote decodes the body of a string that starts at offset base, resolving
// escapes and replacing invalid UTF-8 with U+FFFD the way encoding/json does.
// This is the parser's one long loop, a small state machine over the bytes.
func (p *parser) unquote(raw []byte, base int) (string, error) {
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\':
			var n int
			var err error
			b, n, err = p.escape(b, raw, i, base)
			if err != nil {
				return "", err
			}
			i += n
		case c < 0x20:
			return "", p.syntaxError(base+i, "in string")
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, raw[i:i+size]...)
			}
			i += size
		}
	}
	return string(b), nil
}

// shortEscapes maps the byte after a backslash to what it stands for.
var shortEscapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// escape decodes the escape at raw[i] (a backslash), appends it to b and
// returns how many bytes it took. A surrogate pair escape is joined; a lone
// surrogate becomes U+FFFD.
func (p *parser) escape(b, raw []byte, i, base int) ([]byte, int, error) {
	c := raw[i+1] // string() saw a byte after every backslash
	if c != 'u' {
		if r := shortEscapes[c]; r != 0 {
			return append(b, r), 2, nil
		}
		return b, 0, p.syntaxError(base+i+1, "in string escape")
	}
	r, ok := hex4(raw, i+2)
	if !ok {
		return b, 0, p.syntaxError(base+i+2+hexEnd(raw, i+2), "in \\u escape")
	}
	if !utf16.IsSurrogate(r) {
		return utf8.AppendRune(b, r), 6, nil
	}
	if i+7 < len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
		if r2, ok := hex4(raw, i+8); ok {
			if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
				return utf8.AppendRune(b, pair), 12, nil
			}
		}
	}
	return utf8.AppendRune(b, utf8.RuneError), 6, nil
}

// hex4 decodes the four hex digits at raw[i:].
func hex4(raw []byte, i int) (rune, bool) {
	if i+4 > len(raw) {
		return 0, false
	}
	var r rune
	for _, c := range raw[i : i+4] {
		d, ok := hexValue(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | d
	}
	return r, true
}

// hexEnd returns the offset from i of the first non-hex byte (at most 4).
func hexEnd(raw []byte, i int) int {
	n := 0
	for n < 4 && i+n < len(raw) {
		if _, ok := hexValue(raw[i+n]); !ok {
			break
		}
		n++
	}
	return n
}

func hexValue(c byte) (rune, bool) {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0'), true
	case 'a' <= c && c <= 'f':
		return rune(c-'a') + 10, true
	case 'A' <= c && c <= 'F':
		return rune(c-'A') + 10, true
	}
	return 0, false
}
