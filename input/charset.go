package input

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"

	xunicode "golang.org/x/text/encoding/unicode"
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
// reads as autoReader says.
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
		// The autoReader returns valid UTF-8 or stops: rows need no check.
		return &decoded{r: &autoReader{br: br}, encoding: "auto"}, nil
	}
	return nil, fmt.Errorf("unknown encoding %q", encoding)
}

// utf16 decodes UTF-16 by its BOM (little-endian without one).
func utf16(br *bufio.Reader) *decoded {
	dec := xunicode.BOMOverride(xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM).NewDecoder())
	return &decoded{r: transform.NewReader(br, dec), encoding: "utf-16"}
}

// autoReader reads an input whose encoding is not declared (encoding: auto,
// no byte order mark). It passes ASCII through until the first byte that is
// not ASCII, and that byte decides: the start of a UTF-8 character makes the
// input UTF-8; any other byte makes it windows-1252 (the usual charset of
// Excel and till exports), decoded from there on. Once decided, it checks
// that the rest agrees and stops with a *MixedEncodingError when it does not:
//
//   - read as UTF-8: a byte that is not UTF-8;
//   - read as windows-1252: the UTF-8 encoding of a character windows-1252
//     also has (é written c3 a9, which windows-1252 would turn into "Ã©"; €
//     written e2 82 ac, "â‚¬"). Genuine windows-1252 text holds such a pair
//     only where a capital Â, Ã, Å, Æ or Ë (or a lowercase â) is directly
//     followed by one of the symbols, curly quotes or letters of 0x80–0xBF
//     ("Ã©", "Â°"): no French, English, German, Spanish or Italian word
//     does. Other UTF-8-looking pairs ("É”", "CAFÉ" and a no-break space)
//     decode to characters windows-1252 does not have and do not count.
//
// So what it returns is always valid UTF-8, and never a silent mix. Until it
// has decided, it reads straight into the caller's buffer and only looks for
// a byte >= 0x80 (and counts lines, to name them), so ASCII costs one scan
// and no copy.
type autoReader struct {
	br      *bufio.Reader
	decided bool // UTF-8 or windows-1252 is known
	cp1252  bool
	first   encodingEvidence // the byte or character that decided
	err     error            // once the input is found mixed
	pending []byte           // decoded, not yet read (after a Read into fewer than utf8.UTFMax bytes)
	lf, cr  int              // line breaks read: \n, and lone-CR files' \r while no \n came
}

// encodingEvidence is a place that says what the input is.
type encodingEvidence struct {
	line int
	text []byte // a UTF-8 character, or the one byte that is not UTF-8
}

func (a *autoReader) Read(p []byte) (int, error) {
	switch {
	case a.err != nil:
		return 0, a.err
	case len(p) == 0:
		return 0, nil
	case len(a.pending) > 0:
		n := copy(p, a.pending)
		a.pending = a.pending[n:]
		return n, nil
	case !a.decided:
		return a.readASCII(p)
	case len(p) < utf8.UTFMax:
		var small [utf8.UTFMax * utf8Max]byte
		n, err := a.readDecided(small[:])
		c := copy(p, small[:n])
		a.pending = append(a.pending[:0], small[c:n]...)
		return c, err
	}
	return a.readDecided(p)
}

// readASCII reads until the first byte that is not ASCII, and decides there.
func (a *autoReader) readASCII(p []byte) (int, error) {
	if a.br.Buffered() > 0 {
		return a.readBuffered(p)
	}
	n, err := a.br.Read(p)
	i := asciiPrefix(p[:n])
	if i == n {
		a.count(p[:n])
		return n, err
	}
	// A non-ASCII byte: give back what follows it to decide on it with
	// enough lookahead (bufio cannot unread that much, so it is kept).
	a.br = bufio.NewReaderSize(io.MultiReader(bytes.NewReader(bytes.Clone(p[i:n])), a.br), 64<<10)
	if i > 0 {
		a.count(p[:i])
		return i, nil
	}
	return a.readBuffered(p)
}

// readBuffered is readASCII through the bufio.Reader, peeking at the first
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
		a.count(p[:n])
		a.br.Discard(n)
		return n, nil
	}
	a.decide()
	return a.Read(p)
}

// decide looks at the first non-ASCII character.
func (a *autoReader) decide() {
	a.decided = true
	head, _ := a.br.Peek(utf8.UTFMax)
	r, size := utf8.DecodeRune(head)
	a.cp1252 = r == utf8.RuneError && size <= 1
	a.first = encodingEvidence{line: a.line(nil), text: bytes.Clone(head[:max(size, 1)])}
}

// readDecided reads what follows the deciding byte, checking that it agrees.
func (a *autoReader) readDecided(p []byte) (int, error) {
	chunk, eof, err := a.chunk()
	if len(chunk) == 0 {
		return 0, err
	}
	if a.cp1252 {
		return a.readWindows1252(p, chunk, eof)
	}
	return a.readUTF8(p, chunk, eof)
}

// chunk returns the bytes buffered, at least utf8.UTFMax of them unless the
// input ends sooner (eof then), so that a character is seen whole.
func (a *autoReader) chunk() ([]byte, bool, error) {
	head, err := a.br.Peek(utf8.UTFMax)
	if len(head) < utf8.UTFMax {
		if err != io.EOF {
			return nil, false, err
		}
		return head, true, err
	}
	chunk, _ := a.br.Peek(a.br.Buffered())
	return chunk, false, nil
}

// readUTF8 passes UTF-8 through, stopping at a byte that is not.
func (a *autoReader) readUTF8(p, chunk []byte, eof bool) (int, error) {
	k := min(len(p), len(chunk))
	if !eof || k < len(chunk) {
		k = wholeRunes(chunk[:k])
	}
	if !utf8.Valid(chunk[:k]) {
		i := invalidAt(chunk[:k])
		return 0, a.mixed(chunk[:i], encodingEvidence{text: chunk[i : i+1]})
	}
	n := copy(p, chunk[:k])
	a.count(chunk[:n])
	a.br.Discard(n)
	return n, nil
}

// readWindows1252 decodes windows-1252, stopping at a UTF-8 character.
func (a *autoReader) readWindows1252(p, chunk []byte, eof bool) (int, error) {
	k := min(len(p)/utf8Max, len(chunk))
	if !eof {
		k = min(k, len(chunk)-(utf8.UTFMax-1)) // a character starting before k is seen whole
	}
	out, twin := decodeBytes(p, chunk, k, windows1252, true)
	if twin >= 0 {
		_, size := utf8.DecodeRune(chunk[twin:])
		return 0, a.mixed(chunk[:twin], encodingEvidence{text: chunk[twin : twin+size]})
	}
	a.count(chunk[:k])
	a.br.Discard(k)
	return out, nil
}

// mixed makes the error for the evidence found after the bytes before.
func (a *autoReader) mixed(before []byte, found encodingEvidence) error {
	found.line = a.line(before)
	e := &MixedEncodingError{ReadAs: "utf-8"}
	utf, other := a.first, found
	if a.cp1252 {
		e.ReadAs = "windows-1252"
		utf, other = found, a.first
	}
	e.UTF8Line, e.UTF8Text = utf.line, string(utf.text)
	e.OtherLine, e.Byte = other.line, other.text[0]
	a.err = e
	return e
}

// count takes note of the line breaks in bytes read.
func (a *autoReader) count(b []byte) {
	a.lf += bytes.Count(b, []byte{'\n'})
	if a.lf == 0 {
		a.cr += bytes.Count(b, []byte{'\r'})
	}
}

// line is the line number of the byte after the input read so far and then
// before (not yet counted). Lines end with \n, or with \r in a file
// without any \n (old Mac exports).
func (a *autoReader) line(before []byte) int {
	lf := a.lf + bytes.Count(before, []byte{'\n'})
	if lf == 0 {
		return 1 + a.cr + bytes.Count(before, []byte{'\r'})
	}
	return 1 + lf
}

// wholeRunes is the length of b without a UTF-8 character cut at its end.
func wholeRunes(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if c := b[i]; c < utf8.RuneSelf || utf8.RuneStart(c) {
			if c >= utf8.RuneSelf && !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

// invalidAt is the offset of the first byte of b that is not UTF-8.
func invalidAt(b []byte) int {
	i := 0
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return i
}

// ErrMixedEncoding is the cause of a MixedEncodingError.
var ErrMixedEncoding = errors.New("mixed encodings")

// MixedEncodingError stops the reading of an input with encoding: auto that
// holds both UTF-8 text and bytes that are not UTF-8: whichever it is read
// as, part of its text would come out wrong (as "Ã©" for é, or rejected).
type MixedEncodingError struct {
	ReadAs    string // what the first non-ASCII byte made the input: utf-8 or windows-1252
	UTF8Line  int    // a line holding UTF-8
	UTF8Text  string // the UTF-8 character found there
	OtherLine int    // a line holding a byte that is not UTF-8
	Byte      byte   // that byte
}

func (e *MixedEncodingError) Error() string {
	utf := fmt.Sprintf("line %d holds UTF-8 (%q, bytes % x)", e.UTF8Line, e.UTF8Text, e.UTF8Text)
	other := fmt.Sprintf("line %d has the byte 0x%02x, which is not UTF-8", e.OtherLine, e.Byte)
	var what string
	if e.ReadAs == "windows-1252" {
		var wrong []byte
		for _, c := range []byte(e.UTF8Text) {
			wrong = append(wrong, windows1252[c&0x7f]...)
		}
		what = fmt.Sprintf("%s, so the input was read as windows-1252; but %s, which would come out as %q", other, utf, wrong)
	} else {
		if r, _ := utf8.DecodeRuneInString(windows1252[e.Byte&0x7f]); unicode.IsGraphic(r) && !unicode.IsSpace(r) {
			other += fmt.Sprintf(" (%q in windows-1252)", string(r))
		}
		what = fmt.Sprintf("%s, so the input was read as UTF-8; but %s", utf, other)
	}
	return fmt.Sprintf("%v: %s. Set input.encoding in the mapping: utf-8 (rows that are not UTF-8 are then rejected) or windows-1252 (every byte is read as windows-1252)", ErrMixedEncoding, what)
}

func (e *MixedEncodingError) Unwrap() error { return ErrMixedEncoding }

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
