package mapping

import (
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

var inputKeys = []string{"delimiter", "encoding", "timezone", "header", "names", "sheet"}

// Encodings are the values input.encoding accepts.
var Encodings = []string{"auto", "utf-8", "windows-1252", "iso-8859-1", "utf-16"}

// input reads the input: section.
func (l *loader) input(n ast.Node) {
	mn, ok := l.mapNode(n, "input")
	if !ok {
		return
	}
	l.m.Input.Line, _ = position(n)
	seen := map[string]bool{}
	for _, kv := range mn.Values {
		key, ok := l.key(kv, seen)
		if !ok {
			continue
		}
		switch key {
		case "delimiter":
			l.delimiter(kv.Value)
		case "encoding":
			l.encoding(kv.Value)
		case "timezone":
			if loc, ok := l.timezone(kv.Value); ok {
				l.m.Input.Timezone = loc
			}
		case "header":
			b, ok := unwrap(kv.Value).(*ast.BoolNode)
			if !ok {
				l.errorAt(kv.Value, "header must be true or false")
				continue
			}
			l.m.Input.Header = b.Value
		case "names":
			l.m.Input.Names = l.names(kv.Value)
		case "sheet":
			l.m.Input.Sheet, _ = l.scalar(kv.Value, "sheet")
		default:
			l.unknownKey(kv.Key, key, "input", inputKeys)
		}
	}
	if !l.m.Input.Header && len(l.m.Input.Names) == 0 {
		l.errorAt(n, "header: false needs names: [the column names, in order]")
	}
}

func (l *loader) delimiter(n ast.Node) {
	s, ok := l.scalar(n, "delimiter")
	if !ok {
		return
	}
	switch s {
	case "auto":
		l.m.Input.Delimiter = 0
	case ",", ";", "\t", "|":
		l.m.Input.Delimiter = rune(s[0])
	case `\t`, "tab":
		l.m.Input.Delimiter = '\t'
	default:
		l.errorAt(n, `delimiter must be auto, ",", ";", "\t" or "|", not %q`, s)
	}
}

func (l *loader) encoding(n ast.Node) {
	s, ok := l.scalar(n, "encoding")
	if !ok {
		return
	}
	e := strings.ToLower(s)
	switch e {
	case "utf8":
		e = "utf-8"
	case "cp1252", "windows1252":
		e = "windows-1252"
	case "latin1", "latin-1", "iso8859-1":
		e = "iso-8859-1"
	case "utf16":
		e = "utf-16"
	}
	for _, known := range Encodings {
		if e == known {
			l.m.Input.Encoding = e
			return
		}
	}
	l.errorAt(n, "unknown encoding %q: use one of %s", s, strings.Join(Encodings, ", "))
}

func (l *loader) timezone(n ast.Node) (*time.Location, bool) {
	s, ok := l.scalar(n, "timezone")
	if !ok {
		return nil, false
	}
	loc, err := time.LoadLocation(s)
	if err != nil || s == "" || strings.EqualFold(s, "local") {
		l.errorAt(n, "unknown timezone %q: use an IANA name such as Europe/Paris or UTC", s)
		return nil, false
	}
	return loc, true
}

func (l *loader) names(n ast.Node) []string {
	seq, ok := unwrap(n).(*ast.SequenceNode)
	if !ok {
		l.errorAt(n, "names must be a list of column names")
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, v := range seq.Values {
		s, ok := l.scalar(v, "a column name")
		if !ok {
			continue
		}
		if seen[s] {
			l.errorAt(v, "column name %q is listed twice", s)
		}
		if strings.TrimSpace(s) == "" {
			l.errorAt(v, "a column name is empty")
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}
