package input

import (
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// byteReader decodes a one-byte charset (windows-1252, ISO 8859-1) into
// UTF-8. It does what x/text's charmap decoder does, byte for byte (the
// table is made from it, and a test compares the two), but copies runs of
// ASCII whole: a till export is mostly ASCII, and the reader goroutine that
// decodes it must keep up with the workers.
type byteReader struct {
	r       io.Reader
	table   *[128]string // the UTF-8 of bytes 0x80 to 0xFF
	src     []byte
	pending []byte // decoded, not yet read (after a Read into fewer than utf8Max bytes)
}

// utf8Max is the most UTF-8 bytes a one-byte charset's byte becomes (€ is
// three).
const utf8Max = 3

func newByteReader(r io.Reader, table *[128]string) *byteReader {
	return &byteReader{r: r, table: table}
}

// Read decodes at most len(p)/utf8Max bytes of the input into p, so that
// they always fit.
func (b *byteReader) Read(p []byte) (int, error) {
	switch {
	case len(p) == 0:
		return 0, nil
	case len(b.pending) > 0:
		n := copy(p, b.pending)
		b.pending = b.pending[n:]
		return n, nil
	case len(p) < utf8Max:
		var one [utf8Max]byte
		n, err := b.Read(one[:])
		c := copy(p, one[:n])
		if c < n {
			b.pending = append(b.pending[:0], one[c:n]...)
			return c, nil
		}
		return c, err
	}
	n := len(p) / utf8Max
	if cap(b.src) < n {
		b.src = make([]byte, n)
	}
	m, err := b.r.Read(b.src[:n])
	out, _ := decodeBytes(p, b.src, m, b.table, false)
	return out, err
}

// decodeBytes decodes src[:n] into p (which has room for utf8Max bytes each)
// with a one-byte charset's table, copying ASCII runs whole. With check, it
// stops at the first byte that starts the UTF-8 encoding of a character the
// table has (looking past n for its end) and returns its offset as twin, or
// -1: autoReader's sign that windows-1252 input holds UTF-8.
func decodeBytes(p, src []byte, n int, table *[128]string, check bool) (out, twin int) {
	i := 0
	for i < n {
		run := asciiPrefix(src[i:n])
		out += copy(p[out:], src[i:i+run])
		i += run
		for ; i < n && src[i] >= utf8.RuneSelf; i++ {
			if check && src[i] >= 0xc2 && src[i] <= 0xe2 && utf8Twin(src[i:]) {
				return out, i
			}
			out += copy(p[out:], table[src[i]-utf8.RuneSelf])
		}
	}
	return out, -1
}

// utf8Twin reports whether b starts with the UTF-8 encoding of a non-ASCII
// character windows-1252 has (its lead byte is then one of c2 c3 c5 c6 cb e2).
func utf8Twin(b []byte) bool {
	r, size := utf8.DecodeRune(b)
	return size > 1 && windows1252Runes[r]
}

// windows1252Runes is the set of non-ASCII characters windows-1252 has.
var windows1252Runes = func() map[rune]bool {
	set := map[rune]bool{}
	for _, s := range windows1252 {
		if r, _ := utf8.DecodeRuneInString(s); r != utf8.RuneError {
			set[r] = true
		}
	}
	return set
}()

// byteTable is the UTF-8 of the upper half of a one-byte charset.
func byteTable(c *charmap.Charmap) *[128]string {
	var t [128]string
	for i := range t {
		t[i] = string(c.DecodeByte(byte(i + utf8.RuneSelf)))
	}
	return &t
}

var (
	windows1252 = byteTable(charmap.Windows1252)
	iso88591    = byteTable(charmap.ISO8859_1)
)
