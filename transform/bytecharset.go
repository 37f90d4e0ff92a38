package transform

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
	src, out := b.src[:m], 0
	for len(src) > 0 {
		run := asciiPrefix(src)
		out += copy(p[out:], src[:run])
		src = src[run:]
		for len(src) > 0 && src[0] >= utf8.RuneSelf {
			out += copy(p[out:], b.table[src[0]-utf8.RuneSelf])
			src = src[1:]
		}
	}
	return out, err
}

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
