package transform

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// decoded is an input turned into UTF-8, and the encoding it was read as.
type decoded struct {
	r        io.Reader
	encoding string // what the input turned out to be, for the summary
	utf8     bool   // bytes pass through unchanged: rows must be checked for invalid UTF-8
}

// decode wraps r so that it reads UTF-8 without a byte order mark. encoding is
// the mapping's input.encoding: auto detects a BOM (UTF-8, UTF-16) and else
// reads UTF-8 until the first byte that is not, switching to windows-1252 if
// nothing but ASCII came before it.
func decode(r io.Reader, encoding string) (*decoded, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(3)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(head, bomUTF8) && (encoding == "auto" || encoding == "utf-8"):
		br.Discard(3)
		return &decoded{r: br, encoding: "utf-8 (BOM)", utf8: true}, nil
	case (bytes.HasPrefix(head, bomUTF16LE) || bytes.HasPrefix(head, bomUTF16BE)) && (encoding == "auto" || encoding == "utf-16"):
		return utf16(br), nil
	}
	switch encoding {
	case "utf-8":
		return &decoded{r: br, encoding: "utf-8", utf8: true}, nil
	case "windows-1252":
		return &decoded{r: newByteReader(br, windows1252), encoding: "windows-1252"}, nil
	case "iso-8859-1":
		return &decoded{r: newByteReader(br, iso88591), encoding: "iso-8859-1"}, nil
	case "utf-16":
		return utf16(br), nil
	case "auto":
		a := &autoReader{br: br}
		return &decoded{r: a, encoding: "auto", utf8: true}, nil
	}
	return nil, fmt.Errorf("unknown encoding %q", encoding)
}

// utf16 decodes UTF-16 by its BOM (little-endian without one).
func utf16(br *bufio.Reader) *decoded {
	dec := unicode.BOMOverride(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder())
	return &decoded{r: transform.NewReader(br, dec), encoding: "utf-16"}
}

// autoReader reads UTF-8 as long as the input is ASCII or valid UTF-8. At the
// first byte that is not valid UTF-8, if no multi-byte UTF-8 character came
// before it, the input is windows-1252 (the usual charset of Excel and till
// exports) and the rest is decoded as such; otherwise the input is UTF-8 with
// a bad byte, which the row that holds it will be rejected for.
//
// Until it has decided, it reads straight into the caller's buffer and only
// looks for a byte >= 0x80, so ASCII input costs one scan and no copy.
type autoReader struct {
	br      *bufio.Reader
	decided bool      // UTF-8 or windows-1252 is known
	r       io.Reader // once decided
	cp1252  bool
}

func (a *autoReader) Read(p []byte) (int, error) {
	if a.decided {
		return a.r.Read(p)
	}
	if a.br.Buffered() > 0 {
		return a.readBuffered(p)
	}
	n, err := a.br.Read(p)
	i := asciiPrefix(p[:n])
	if i == n {
		return n, err
	}
	// A non-ASCII byte: give back what follows it to decide on it with
	// enough lookahead (bufio cannot unread that much, so it is kept).
	a.br = bufio.NewReaderSize(io.MultiReader(bytes.NewReader(bytes.Clone(p[i:n])), a.br), 64<<10)
	if i > 0 {
		return i, nil
	}
	return a.readBuffered(p)
}

// readBuffered is Read through the bufio.Reader, peeking at the first
// non-ASCII character to decide.
func (a *autoReader) readBuffered(p []byte) (int, error) {
	head, err := a.br.Peek(min(len(p), a.br.Buffered()))
	if len(head) == 0 {
		head, err = a.br.Peek(1)
		if len(head) == 0 {
			return 0, err
		}
	}
	if i := asciiPrefix(head); i > 0 {
		n := copy(p, head[:i])
		a.br.Discard(n)
		return n, nil
	}
	a.decide()
	return a.r.Read(p)
}

// asciiPrefix returns how many leading bytes of b are ASCII.
func asciiPrefix(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(b) && b[i] < utf8.RuneSelf; i++ {
	}
	return i
}

// decide looks at the first non-ASCII character.
func (a *autoReader) decide() {
	a.decided = true
	head, _ := a.br.Peek(utf8.UTFMax)
	if r, size := utf8.DecodeRune(head); r != utf8.RuneError || size > 1 {
		a.r = a.br
		return
	}
	a.cp1252 = true
	a.r = newByteReader(a.br, windows1252)
}

// Encoding names what the reader found, once it has read past the first
// non-ASCII byte.
func (a *autoReader) Encoding() string {
	switch {
	case !a.decided:
		return "ascii"
	case a.cp1252:
		return "windows-1252"
	}
	return "utf-8"
}
