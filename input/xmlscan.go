package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScan reads the elements of an XML stream: a worksheet, whose millions
// of cells encoding/xml would read at about 3 µs each, allocating for every
// token. It knows what a worksheet needs and no more: element tags (their
// local names: a prefix such as x: is dropped), their attributes, and the
// text of an element, its entities decoded and its line ends made \n as
// encoding/xml does; comments, processing instructions and declarations
// are skipped, CDATA is text. It does not check that the document is well
// formed beyond what it reads. Reference: TestXMLScanMatchesEncodingXML.
type xmlScan struct {
	r   io.Reader
	buf []byte
	pos int   // the next byte to read in buf
	err error // the reader's error, once it returned one
}

// xmlTag is an element's tag, valid until the next read.
type xmlTag struct {
	local []byte // the name without its prefix
	attrs []byte // the attributes, as written
	end   bool   // </name>
	empty bool   // <name/>: no content, no end tag
}

// maxXMLRun bounds what must be held whole: a tag, or the text of one
// element (a cell holds at most 32,767 characters).
const maxXMLRun = 16 << 20

var errLongXML = errors.New("a tag or text longer than 16 MiB")

func newXMLScan(r io.Reader) *xmlScan {
	return &xmlScan{r: r, buf: make([]byte, 0, 64<<10)}
}

// find returns the index, from s.pos, of the first pat at or after s.pos+from,
// reading more as needed; io.EOF when the stream ends first.
func (s *xmlScan) find(from int, pat []byte) (int, error) {
	for {
		if i := bytes.Index(s.buf[s.pos+from:], pat); i >= 0 {
			return from + i, nil
		}
		from = max(0, len(s.buf)-s.pos-len(pat)+1)
		if err := s.fill(); err != nil {
			return 0, err
		}
	}
}

// fill reads more of the stream after what is left from s.pos, growing the
// buffer when what is left fills it.
func (s *xmlScan) fill() error {
	if s.err != nil {
		return s.err
	}
	n := copy(s.buf[:cap(s.buf)], s.buf[s.pos:])
	s.buf, s.pos = s.buf[:n], 0
	if n == cap(s.buf) {
		if n >= maxXMLRun {
			return errLongXML
		}
		s.buf = append(s.buf, make([]byte, n)...)[:n]
	}
	m, err := s.r.Read(s.buf[n:cap(s.buf)])
	s.buf = s.buf[:n+m]
	if err != nil && m == 0 {
		s.err = err
		return err
	}
	return nil
}

// next returns the next tag, skipping the text before it (without holding
// it: white space between rows takes no memory); io.EOF at the end of the
// stream.
func (s *xmlScan) next() (xmlTag, error) {
	for {
		i := bytes.IndexByte(s.buf[s.pos:], '<')
		if i < 0 {
			s.pos = len(s.buf)
			if err := s.fill(); err != nil {
				return xmlTag{}, err
			}
			continue
		}
		s.pos += i
		tag, ok, err := s.markup(nil)
		if ok || err != nil {
			return tag, err
		}
	}
}

// markup reads the markup at s.pos ('<'): a tag, which it returns (ok), or
// something else it reads past: a comment, a processing instruction, a
// declaration, or CDATA, whose text it appends to *text when text is set.
func (s *xmlScan) markup(text *[]byte) (tag xmlTag, ok bool, err error) {
	for len(s.buf)-s.pos < len("<![CDATA[") {
		if err := s.fill(); err != nil && len(s.buf)-s.pos < 2 {
			return tag, false, unexpectedEOF(err)
		} else if err != nil {
			break
		}
	}
	rest := s.buf[s.pos:]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		return tag, false, s.skip(4, []byte("-->"))
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		end, err := s.find(9, []byte("]]>"))
		if err != nil {
			return tag, false, unexpectedEOF(err)
		}
		if text != nil {
			*text = appendLines(*text, s.buf[s.pos+9:s.pos+end])
		}
		s.pos += end + 3
		return tag, false, nil
	case rest[1] == '?':
		return tag, false, s.skip(2, []byte("?>"))
	case rest[1] == '!':
		return tag, false, s.skipDirective()
	}
	end, err := s.tagEnd()
	if err != nil {
		return tag, false, err
	}
	body := s.buf[s.pos+1 : s.pos+end]
	s.pos += end + 1
	if tag.end = len(body) > 0 && body[0] == '/'; tag.end {
		body = body[1:]
	} else if tag.empty = len(body) > 0 && body[len(body)-1] == '/'; tag.empty {
		body = body[:len(body)-1]
	}
	name := body
	for i, c := range body {
		if isSpace(c) {
			name, tag.attrs = body[:i], body[i:]
			break
		}
	}
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	tag.local = name
	return tag, true, nil
}

// skip reads past the first end after s.pos+from.
func (s *xmlScan) skip(from int, end []byte) error {
	i, err := s.find(from, end)
	if err != nil {
		return unexpectedEOF(err)
	}
	s.pos += i + len(end)
	return nil
}

// skipDirective reads past a declaration such as <!DOCTYPE …>: to its
// '>', outside quotes and nested <…>, from the second byte after "<!" as
// encoding/xml reads it.
func (s *xmlScan) skipDirective() error {
	var quote byte
	depth := 0
	for i := s.pos + 3; ; i++ {
		for i >= len(s.buf) {
			i -= s.pos
			if err := s.fill(); err != nil {
				return unexpectedEOF(err)
			}
			i += s.pos
		}
		switch c := s.buf[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '<':
			depth++
		case c == '>' && depth == 0:
			s.pos = i + 1
			return nil
		case c == '>':
			depth--
		}
	}
}

// tagEnd returns the index, from s.pos, of the '>' that ends the tag at
// s.pos, outside quoted attribute values. (One pass over a tag's few bytes
// costs less than searching them for '>' and then for quotes.)
func (s *xmlScan) tagEnd() (int, error) {
	from := 1
	var quote byte
	for {
		buf := s.buf[s.pos:]
		for i := from; i < len(buf); i++ {
			switch c := buf[i]; {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '>':
				return i, nil
			case c == '"' || c == '\'':
				quote = c
			}
		}
		from = len(buf)
		if err := s.fill(); err != nil {
			return 0, unexpectedEOF(err)
		}
	}
}

// text appends the text of the element whose start tag was just read to
// dst, reading past its end tag: the text directly in it, not in elements
// inside it.
func (s *xmlScan) text(dst []byte) ([]byte, error) {
	depth := 0
	for {
		i, err := s.find(0, []byte{'<'})
		if err != nil {
			return dst, unexpectedEOF(err)
		}
		if depth == 0 {
			if dst, err = appendXMLText(dst, s.buf[s.pos:s.pos+i]); err != nil {
				return dst, err
			}
		}
		s.pos += i
		text := &dst
		if depth > 0 {
			text = nil
		}
		tag, ok, err := s.markup(text)
		switch {
		case err != nil:
			return dst, err
		case !ok || tag.empty:
		case !tag.end:
			depth++
		case depth == 0:
			return dst, nil
		default:
			depth--
		}
	}
}

// richText appends the text of a string, a shared string's <si> or an
// inline string's <is> (end), whose start tag was just read, to dst, reading
// past its end tag: its <t> and its rich text runs' <t>, not its phonetic
// runs (<rPh>).
func (s *xmlScan) richText(dst []byte, end string) ([]byte, error) {
	for {
		tag, err := s.next()
		switch {
		case err != nil:
			return dst, unexpectedEOF(err)
		case tag.end && string(tag.local) == end:
			return dst, nil
		case tag.end || tag.empty:
		case string(tag.local) == "t":
			dst, err = s.text(dst)
		case string(tag.local) == "rPh":
			err = s.skipElement()
		}
		if err != nil {
			return dst, err
		}
	}
}

// skipElement reads past the end of the element whose start tag was just
// read.
func (s *xmlScan) skipElement() error {
	depth := 0
	for {
		tag, err := s.next()
		switch {
		case err != nil:
			return unexpectedEOF(err)
		case tag.empty:
		case !tag.end:
			depth++
		case depth == 0:
			return nil
		default:
			depth--
		}
	}
}

// eachAttr calls f with the local name and the value, its entities decoded
// and its line ends made \n, of each attribute of attrs.
func eachAttr(attrs []byte, f func(name, value []byte)) error {
	for {
		attrs = trimSpace(attrs)
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			return nil
		}
		name := trimSpace(attrs[:eq])
		if i := bytes.LastIndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		attrs = trimSpace(attrs[eq+1:])
		if len(attrs) == 0 || attrs[0] != '"' && attrs[0] != '\'' {
			return fmt.Errorf("attribute %s: unquoted value", name)
		}
		end := bytes.IndexByte(attrs[1:], attrs[0])
		if end < 0 {
			return fmt.Errorf("attribute %s: unclosed value", name)
		}
		value := attrs[1 : 1+end]
		if bytes.IndexByte(value, '&') >= 0 || bytes.IndexByte(value, '\r') >= 0 {
			v, err := appendXMLText(nil, value)
			if err != nil {
				return err
			}
			value = v
		}
		f(name, value)
		attrs = attrs[end+2:]
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// trimSpace is b without XML white space around it.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// appendXMLText appends raw, text as written in XML, to dst, its entities
// decoded and its line ends made \n.
func appendXMLText(dst, raw []byte) ([]byte, error) {
	for {
		i := bytes.IndexByte(raw, '&')
		if i < 0 {
			return appendLines(dst, raw), nil
		}
		dst = appendLines(dst, raw[:i])
		raw = raw[i:]
		end := bytes.IndexByte(raw, ';')
		if end < 0 {
			return dst, fmt.Errorf("unterminated entity %.10q", raw)
		}
		r, ok := entity(raw[1:end])
		if !ok {
			return dst, fmt.Errorf("invalid entity %q", raw[:end+1])
		}
		dst = utf8.AppendRune(dst, r)
		raw = raw[end+1:]
	}
}

// entity is the character of an entity's name: one of XML's five, or a
// character reference.
func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	digits, base := name[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || !utf8.ValidRune(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// appendLines appends text to dst with its line ends, \r\n or \r, made \n.
func appendLines(dst, text []byte) []byte {
	for {
		i := bytes.IndexByte(text, '\r')
		if i < 0 {
			return append(dst, text...)
		}
		dst = append(append(dst, text[:i]...), '\n')
		text = text[i+1:]
		if len(text) > 0 && text[0] == '\n' {
			text = text[1:]
		}
	}
}
