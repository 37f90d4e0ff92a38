package mapping

import (
	"bytes"
	"fmt"
)

// The YAML parser spends time and memory that grow much faster than the
// nesting it reads: 200 KB of "[[[[…" took 57 s and 15 GB before the
// template's depth check could run, 1 MB crashed it. So the nesting of a
// mapping file is measured on its bytes first, by a scanner that knows just
// enough YAML to tell structure from text: block indentation and "- "
// entries, flow brackets and braces, quoted scalars, block scalars (| and
// >) and comments. It never counts less nesting than the parser will build
// (brackets it takes for text sit inside quotes or scalars for the parser
// too); it may count a little more in text that is not valid YAML anyway.

// MaxKeys bounds the keys of one block map: the parser checks each new key
// against the ones before (100,000 keys took it 30 s and 43 GB).
const MaxKeys = 5000

// MaxNesting bounds the nesting of a mapping file's YAML (indentation
// levels, "- " entries, keys and flow brackets together, a bracket
// counting twice): the activity's own MaxDepth, and room for the levels
// above it.
const MaxNesting = MaxDepth + 8

// nestingError checks the nesting of text, recording an error at the first
// place it goes past MaxNesting. It reports whether the text is within it.
func nestingError(src *source, text []byte) bool {
	if i := controlChar(text); i >= 0 {
		line := 1 + bytes.Count(text[:i], []byte("\n"))
		col := i - bytes.LastIndexByte(text[:i], '\n')
		src.errorAt(line, col, "the mapping file holds the control character 0x%02x", text[i])
		return false
	}
	s := &nestScanner{text: text}
	if line, col, ok := s.run(); !ok {
		msg := fmt.Sprintf("the YAML is nested more than %d levels deep (indentation, \"- \" entries, keys, [ and { together)", MaxNesting)
		if s.manyKeys {
			msg = fmt.Sprintf("a map of more than %d keys", MaxKeys)
		}
		src.errs = append(src.errs, &Error{File: src.file, Line: line, Col: col, Msg: msg})
		return false
	}
	return true
}

// nestScanner walks a YAML text line by line.
type nestScanner struct {
	text   []byte
	levels []level // block levels, outermost first
	flow   []byte  // open [ and {, innermost last; a [ holding a ":" is a 'p'
	pairs  int     // the 'p' in flow: "[a: b]" is a list of one map
	quote  byte    // the quote of a scalar left open at the end of a line, or 0
	// openKey is the column of the key that ended the last line without a
	// value, -1 if none: "- " entries at that column are its value.
	openKey int
	// emptyEntry is the column of a node left without content at the end
	// of the last line (a "-", a tag or an anchor), -1 if none. The YAML
	// parser reads the next line, even when it stands at that column or
	// before, as its content, however many times this repeats: the levels
	// its indentation closes stay counted, for good (quirks).
	emptyEntry int
	quirks     int
	// literal is the indentation a block scalar's lines must exceed, -1
	// outside one; its first line sets textIndent, which the others must
	// reach.
	literal, textIndent int
	line                int
	chain               int // the keys of the line so far ("a: b: c" chains them)
	deepest             int // the deepest nesting seen
	// manyKeys says that the scan stopped at a map of more than MaxKeys.
	manyKeys bool
}

// level is a block level: the column of its lines, and whether it is a
// list written at its key's column ("key:\n- a"), which a line at that
// column that is not a "- " entry ends.
type level struct {
	col  int
	flat bool
	keys int // the keys of the map at this level
}

// deeper records the nesting where the scan stands and reports whether
// it is within MaxNesting.
func (s *nestScanner) deeper() bool {
	n := len(s.levels) + s.chain + len(s.flow) + s.pairs + s.quirks
	s.deepest = max(s.deepest, n)
	return n <= MaxNesting
}

// run scans every line; it returns where the nesting first goes too deep.
func (s *nestScanner) run() (line, col int, ok bool) {
	s.literal, s.openKey, s.emptyEntry = -1, -1, -1
	for start := 0; start < len(s.text); {
		end := start
		for end < len(s.text) && s.text[end] != '\n' && s.text[end] != '\r' {
			end++
		}
		s.line++
		s.chain = 0
		if c, ok := s.scanLine(s.text[start:end]); !ok {
			return s.line, c + 1, false
		}
		start = end + 1
		if end+1 < len(s.text) && s.text[end] == '\r' && s.text[end+1] == '\n' {
			start++
		}
	}
	return 0, 0, true
}

// scanLine scans one line (the scanner's state machine: block scalar text,
// flow or quoted continuation, or a block line); on too deep a nesting it
// returns the 0-based column where it happens and false.
func (s *nestScanner) scanLine(l []byte) (int, bool) {
	if c, ok := s.anyBrackets(l); !ok {
		return c, false
	}
	indent := 0
	for indent < len(l) && blank(l[indent]) {
		indent++
	}
	if s.literal >= 0 {
		if indent == len(l) {
			return 0, true // a blank line of the block scalar's text
		}
		if s.textIndent < 0 && indent > s.literal {
			s.textIndent = indent
		}
		if s.textIndent >= 0 && indent >= s.textIndent {
			return 0, true // a line of the block scalar's text
		}
		s.literal = -1
	}
	if s.quote != 0 || len(s.flow) > 0 {
		return s.inline(l, 0, indent)
	}
	if indent == len(l) || l[indent] == '#' {
		return 0, true
	}
	quirk := s.emptyEntry >= 0 && indent <= s.emptyEntry && !(indent == s.emptyEntry && isEntry(l, indent))
	s.emptyEntry = -1
	before := len(s.levels)
	s.indent(indent, isEntry(l, indent))
	if quirk {
		// The levels the indentation closes stay open for the parser.
		s.quirks += max(before-len(s.levels), 0) + 1
	}
	if !s.deeper() {
		return indent, false
	}
	s.openKey = -1
	i := indent
	if indent == 0 && (bytes.HasPrefix(l, []byte("---")) || bytes.HasPrefix(l, []byte("..."))) {
		i = 3 // a document marker; the parser reads what follows it as a node
	}
	return s.value(l, i, indent)
}

// anyBrackets counts the brackets and braces of a line wherever they
// stand, quoted, commented or not, as if each opened a level (a closing one
// closes one opened on the line, never more): should the scan take for
// text what the parser reads as structure, the nesting of one line is
// still bounded.
func (s *nestScanner) anyBrackets(l []byte) (int, bool) {
	base := len(s.levels) + len(s.flow) + s.pairs + s.quirks
	open := 0
	for i, c := range l {
		switch c {
		case '[', '{':
			open++
			s.deepest = max(s.deepest, base+open)
			if base+open > MaxNesting {
				return i, false
			}
		case ']', '}':
			open = max(open-1, 0)
		}
	}
	return 0, true
}

// isEntry reports whether a "- " entry starts at l[i].
func isEntry(l []byte, i int) bool {
	return i < len(l) && l[i] == '-' && (i+1 == len(l) || blank(l[i+1]))
}

// indent sets the block levels for a line indented by indent; entry says
// whether it starts with "- ".
func (s *nestScanner) indent(indent int, entry bool) {
	top := func() *level { return &s.levels[len(s.levels)-1] }
	for len(s.levels) > 0 && (top().col > indent || (top().flat && top().col == indent && !entry)) {
		s.levels = s.levels[:len(s.levels)-1]
	}
	switch {
	case len(s.levels) == 0 || top().col < indent:
		s.levels = append(s.levels, level{col: indent})
	case entry && s.openKey == indent && !top().flat:
		s.levels = append(s.levels, level{col: indent, flat: true})
	}
}

// value scans a line from i, where a node may start; node is the
// indentation of the node it belongs to (for block scalars). A plain
// scalar followed by ": " is a key, and its value another node: each such
// value on the line counts as a level.
func (s *nestScanner) value(l []byte, i, node int) (int, bool) {
	for {
		for i < len(l) && blank(l[i]) {
			i++
		}
		if i == len(l) {
			return 0, true
		}
		switch c := l[i]; {
		case isEntry(l, i):
			// A "- " entry: a list one level deeper, its item after it.
			node = i
			if s.levels = append(s.levels, level{col: i + 2}); !s.deeper() {
				return i, false
			}
			if rest := bytes.TrimSpace(l[i+1:]); len(rest) == 0 || rest[0] == '#' {
				s.emptyEntry = i
			}
			i++
			continue
		case c == '!' || c == '&':
			// A tag or an anchor: the node follows.
			node = i
			for i < len(l) && l[i] != ' ' { // the parser reads a tab as part of the tag
				i++
			}
			if rest := bytes.TrimSpace(l[i:]); len(rest) == 0 || rest[0] == '#' {
				s.emptyEntry = node
			}
			continue
		}
		switch c := l[i]; c {
		case '[', '{':
			return s.inline(l, i, node)
		case '"', '\'':
			s.quote = c
			return s.inline(l, i+1, node)
		case '|', '>':
			s.literal, s.textIndent = node, -1
			return 0, true
		case '#':
			return 0, true
		}
		key := plainKey(l, i)
		if key < 0 {
			return 0, true
		}
		if s.chain++; !s.deeper() {
			return key + 1, false
		}
		if n := len(s.levels); s.chain == 1 && n > 0 {
			if s.levels[n-1].keys++; s.levels[n-1].keys > MaxKeys {
				s.manyKeys = true
				return i, false
			}
		}
		s.keyEnds(l, i, key+1)
		node, i = i, key+1
	}
}

// keyEnds notes a key at column col whose value would start at l[i:]:
// when the line ends there, the value is on the next lines.
func (s *nestScanner) keyEnds(l []byte, col, i int) {
	for i < len(l) && blank(l[i]) {
		i++
	}
	if i == len(l) || l[i] == '#' {
		s.openKey = col
	}
}

// plainKey is the index of the ": " that ends a plain scalar starting at
// i, or -1 when the scalar is a value (or ends in a comment).
func plainKey(l []byte, i int) int {
	for j := i; j < len(l); j++ {
		switch {
		case l[j] == '#' && j > i && blank(l[j-1]):
			return -1
		case l[j] == ':' && (j+1 == len(l) || blank(l[j+1])):
			return j
		}
	}
	return -1
}

// inline scans flow collections and quoted scalars from i to the end of
// the line (they may go on to the next lines).
func (s *nestScanner) inline(l []byte, i, node int) (int, bool) {
	start := true // where a flow node may start: a quote opens a scalar
	for ; i < len(l); i++ {
		c := l[i]
		if s.quote != 0 {
			i = s.quoted(l, i)
			if s.quote == 0 && len(s.flow) == 0 {
				return s.afterScalar(l, i+1, node)
			}
			continue
		}
		switch {
		case c == '[' || c == '{':
			if s.flow = append(s.flow, c); !s.deeper() {
				return i, false
			}
			start = true
		case c == ']' || c == '}':
			if n := len(s.flow); n > 0 {
				if s.flow[n-1] == 'p' {
					s.pairs--
				}
				s.flow = s.flow[:n-1]
			}
			if len(s.flow) == 0 {
				return s.afterScalar(l, i+1, node)
			}
		case c == ':':
			if n := len(s.flow); s.flow[n-1] == '[' {
				s.flow[n-1] = 'p'
				if s.pairs++; !s.deeper() {
					return i, false
				}
			}
			start = true
		case c == ',' || c == '?':
			start = true
		case c == '#' && (i == 0 || blank(l[i-1])):
			return 0, true
		case (c == '"' || c == '\'') && start:
			s.quote = c
		case (c == '*' || c == '&' || c == '!') && start:
			// An alias, anchor or tag runs to a space for the parser, "]"
			// included: within it, count what opens, never what closes.
			for ; i+1 < len(l) && l[i+1] != ' '; i++ {
				if b := l[i+1]; b == '[' || b == '{' {
					if s.flow = append(s.flow, b); !s.deeper() {
						return i + 1, false
					}
				}
			}
			start = false
		case !blank(c):
			start = false
		}
	}
	return 0, true
}

// quoted moves through a quoted scalar from i, returning the index of its
// closing quote (s.quote then 0), or the end of the line.
func (s *nestScanner) quoted(l []byte, i int) int {
	for ; i < len(l); i++ {
		switch {
		case s.quote == '"' && l[i] == '\\':
			i++
		case l[i] == s.quote && s.quote == '\'' && i+1 < len(l) && l[i+1] == '\'':
			i++
		case l[i] == s.quote:
			s.quote = 0
			return i
		}
	}
	return i
}

// afterScalar scans what follows a quoted key or a closed flow collection
// in block context: ": " and a value, or a comment.
func (s *nestScanner) afterScalar(l []byte, i, node int) (int, bool) {
	for ; i < len(l); i++ {
		switch {
		case l[i] == '#':
			return 0, true
		case l[i] == ':' && (i+1 == len(l) || blank(l[i+1])):
			s.keyEnds(l, node, i+1)
			return s.value(l, i+1, node)
		}
	}
	return 0, true
}

// controlChar is the index of the first control character YAML does not
// allow (all but tab, line feed and carriage return), or -1.
func controlChar(text []byte) int {
	for i, c := range text {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
			return i
		}
	}
	return -1
}

func blank(c byte) bool { return c == ' ' || c == '\t' }
