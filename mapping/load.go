package mapping

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"csv2activity/activity"
	"csv2activity/document"
)

// Limits on a mapping file: a mapping is written by hand, so anything larger is
// a mistake or an attack, refused before it costs time or memory.
const (
	MaxFileSize = 256 << 10 // bytes of YAML
	MaxExprSize = 16 << 10
	MaxDepth    = 64 // nesting of maps and lists in activity
)

// Mapping is a loaded mapping file: its shape checked, its expressions parsed,
// not yet bound to an input. Compile binds it to a header.
type Mapping struct {
	File     string
	Version  int
	Input    Input
	Columns  []*Column // as declared, in file order
	Where    *Expr     // nil: every row passes
	GroupBy  *Expr     // nil: one activity per row
	Activity *Node     // an object template: activity:, or line: for another document type
	// Rules are the activity rules, with the keys allow_keys lets through.
	Rules activity.Rules
	// DocumentType is document_type: USER_ACTIVITY (the default) or another
	// type of the bulk import, whose template is under line: and whose
	// lines Doc checks instead of Rules.
	DocumentType document.Type
	Doc          *document.Rules

	// OnRejectedRow says what a rejected row does to its group (with
	// group_by): RejectGroup (the default) or DropRow.
	OnRejectedRow string

	src *source
}

// The values of on_rejected_row. With RejectGroup, a group with any rejected
// row is rejected whole, so that an order is written whole or not at all;
// DropRow writes the group without the rejected rows.
const (
	RejectGroup = "reject_group"
	DropRow     = "drop_row"
)

// Input says how to read the CSV.
type Input struct {
	Delimiter rune   // 0: sniffed from the header line
	Encoding  string // auto, utf-8, windows-1252, iso-8859-1 or utf-16
	Timezone  *time.Location
	Header    bool     // whether the first line names the columns (default true)
	Names     []string // column names when Header is false
	Sheet     string   // an Excel workbook's sheet; "" means its first
	Line      int      // where input: starts, for errors found at Compile
}

// Load reads and checks the mapping file at path. Errors are mapping errors
// (*Error inside Errors) naming the line and column, or an I/O error.
func Load(path string) (*Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read mapping: %w", err)
	}
	defer f.Close()
	// Read one byte past the limit, never more: the path may be a pipe or
	// a device that never ends.
	text, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read mapping %s: %w", path, err)
	}
	if len(text) > MaxFileSize {
		return nil, Errors{{File: path, Line: 1, Col: 1, Msg: fmt.Sprintf("mapping file is more than the %d bytes allowed", MaxFileSize)}}
	}
	return Parse(path, text)
}

// Parse is Load for a mapping already in memory; name is used in errors.
func Parse(name string, text []byte) (*Mapping, error) {
	return parse(name, text, true)
}

// parse is Parse; with checkRules false the activity template is not
// checked against the activity rules, for the tests of expressions, whose
// templates are no activities.
func parse(name string, text []byte, checkRules bool) (*Mapping, error) {
	src := newSource(name, text)
	if len(text) > MaxFileSize {
		src.errorAt(1, 1, "mapping file is %d bytes, more than the %d allowed", len(text), MaxFileSize)
		return nil, src.err()
	}
	if !nestingError(src, text) {
		return nil, src.err()
	}
	f, err := parser.ParseBytes(text, 0)
	if err != nil {
		yamlError(src, err)
		return nil, src.err()
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		src.errorAt(1, 1, "mapping file must hold exactly one YAML document")
		return nil, src.err()
	}
	l := &loader{src: src, checkRules: checkRules, m: &Mapping{File: name, src: src, OnRejectedRow: RejectGroup, DocumentType: document.UserActivity, Input: Input{Encoding: "auto", Header: true, Timezone: time.UTC}}}
	l.top(f.Docs[0].Body)
	if err := src.err(); err != nil {
		return nil, err
	}
	return l.m, nil
}

// yamlError records a YAML syntax error at the position its token gives.
func yamlError(src *source, err error) {
	type tokenError interface {
		GetToken() *token.Token
		GetMessage() string
	}
	if te, ok := err.(tokenError); ok && te.GetToken() != nil {
		p := te.GetToken().Position
		src.errorAt(p.Line, p.Column, "invalid YAML: %s", te.GetMessage())
		return
	}
	src.errorAt(1, 1, "invalid YAML: %v", err)
}

type loader struct {
	src        *source
	m          *Mapping
	checkRules bool
}

var topKeys = []string{"version", "input", "columns", "where", "group_by", "on_rejected_row", "activity", "allow_keys", "document_type", "line"}

// top walks the document's root map.
func (l *loader) top(root ast.Node) {
	mn, ok := l.mapNode(root, "the mapping file")
	if !ok {
		return
	}
	seen := map[string]bool{}
	for _, kv := range mn.Values {
		key, ok := l.key(kv, seen)
		if !ok {
			continue
		}
		switch key {
		case "version":
			l.version(kv.Value)
		case "input":
			l.input(kv.Value)
		case "columns":
			l.columns(kv.Value)
		case "where":
			l.m.Where = l.exprValue(kv.Value, "where")
		case "group_by":
			l.m.GroupBy = l.exprValue(kv.Value, "group_by")
		case "on_rejected_row":
			l.onRejectedRow(kv.Value)
		case "activity", "line":
			l.m.Activity = l.template(kv.Value, key, 0)
		case "allow_keys":
			l.allowKeys(kv.Value)
		case "document_type":
			l.documentType(kv.Value)
		default:
			l.unknownKey(kv.Key, key, "mapping", topKeys)
		}
	}
	if !seen["version"] {
		l.errorAt(root, "missing \"version: 1\" (the mapping language's version)")
	}
	switch l.m.DocumentType {
	case "": // document_type is not a type: reported
		return
	case document.UserActivity:
	default:
		l.lineTemplate(root, mn, seen)
		return
	}
	if seen["line"] {
		l.errorAt(keyNode(mn, "line"), "line: is the template of the other document types; set document_type (USER_PROFILE, USER_SEGMENT, …), or write an activity under activity:")
	}
	if !seen["activity"] {
		l.errorAt(root, "missing \"activity:\": the template of the activity to build")
	} else if l.m.Activity != nil && l.m.Activity.Kind != ObjectNode {
		l.errorAt(root, "activity must be a map of fields")
	} else if l.m.Activity != nil && l.checkRules {
		l.checkActivityRules()
	}
}

func (l *loader) version(n ast.Node) {
	v, ok := unwrap(n).(*ast.IntegerNode)
	if !ok || fmt.Sprint(v.Value) != "1" {
		l.errorAt(n, "unsupported version %s: this csv2activity reads version 1", strings.TrimSpace(n.String()))
		return
	}
	l.m.Version = 1
}

// onRejectedRow reads on_rejected_row: reject_group or drop_row.
func (l *loader) onRejectedRow(n ast.Node) {
	v, ok := l.scalar(n, "on_rejected_row")
	if !ok {
		return
	}
	if v != RejectGroup && v != DropRow {
		l.errorAt(n, "on_rejected_row: %q is neither %s nor %s%s", v, RejectGroup, DropRow, didYouMean(v, []string{RejectGroup, DropRow}))
		return
	}
	l.m.OnRejectedRow = v
}

// key returns a map entry's key as a string, reporting duplicates.
func (l *loader) key(kv *ast.MappingValueNode, seen map[string]bool) (string, bool) {
	k := unwrap(kv.Key)
	var key string
	switch kn := k.(type) {
	case *ast.StringNode:
		key = kn.Value
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NullNode:
		key = strings.TrimSpace(kn.String())
	default:
		l.errorAt(kv.Key, "a key must be a plain string")
		return "", false
	}
	if seen[key] {
		l.errorAt(kv.Key, "duplicate key %q", key)
		return "", false
	}
	seen[key] = true
	return key, true
}

func (l *loader) unknownKey(at ast.Node, key, where string, known []string) {
	l.errorAt(at, "unknown key %q in %s%s", key, where, didYouMean(key, known))
}

// mapNode returns n as a map, reporting what it is otherwise.
func (l *loader) mapNode(n ast.Node, what string) (*ast.MappingNode, bool) {
	switch v := unwrap(n).(type) {
	case *ast.MappingNode:
		return v, true
	case *ast.AnchorNode, *ast.AliasNode, *ast.MergeKeyNode:
		l.noAnchors(n)
	default:
		l.errorAt(n, "%s must be a map, not %s", what, describe(n))
	}
	return nil, false
}

func (l *loader) noAnchors(n ast.Node) {
	l.errorAt(n, "YAML anchors, aliases and merge keys are not supported in mapping files")
}

// scalar returns a scalar node's text, reporting non-scalars.
func (l *loader) scalar(n ast.Node, what string) (string, bool) {
	switch v := unwrap(n).(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return strings.TrimSpace(v.String()), true
	case *ast.AnchorNode, *ast.AliasNode:
		l.noAnchors(n)
	default:
		l.errorAt(n, "%s must be a single value, not %s", what, describe(n))
	}
	return "", false
}

// errorAt records a mistake at the position of node n.
func (l *loader) errorAt(n ast.Node, format string, args ...any) {
	line, col := position(n)
	l.src.errorAt(line, col, format, args...)
}

// position is the 1-based line and column where node n starts.
func position(n ast.Node) (int, int) {
	if n == nil {
		return 1, 1
	}
	if mv, ok := n.(*ast.MappingValueNode); ok {
		n = mv.Key
	}
	if mn, ok := n.(*ast.MappingNode); ok && len(mn.Values) > 0 && !mn.IsFlowStyle {
		n = mn.Values[0].Key
	}
	if t := n.GetToken(); t != nil {
		return t.Position.Line, t.Position.Column
	}
	return 1, 1
}

// unwrap removes YAML tags (!!str and the like) around a node.
func unwrap(n ast.Node) ast.Node {
	for {
		t, ok := n.(*ast.TagNode)
		if !ok {
			return n
		}
		n = t.Value
	}
}

func describe(n ast.Node) string {
	switch unwrap(n).(type) {
	case *ast.MappingNode:
		return "a map"
	case *ast.SequenceNode:
		return "a list"
	case *ast.NullNode:
		return "empty"
	default:
		return fmt.Sprintf("%q", strings.TrimSpace(n.String()))
	}
}
