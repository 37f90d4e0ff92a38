package mapping

import (
	"github.com/goccy/go-yaml/ast"

	"csv2activity/activity"
	"csv2activity/document"
)

// Document types beyond activities: document_type names the type, line:
// holds the template of its lines, whose keys and constants are checked
// at load against the type's rules (package document), as an activity's
// are against the activity rules; every other part of the mapping works
// the same.

// documentType reads document_type.
func (l *loader) documentType(n ast.Node) {
	v, ok := l.scalar(n, "document_type")
	if !ok {
		return
	}
	t, err := document.ParseType(v)
	if err != nil {
		l.errorAt(n, "document_type: %v", err)
		l.m.DocumentType = "" // no template is checked against a type unknown
		return
	}
	l.m.DocumentType, l.m.Doc = t, t.Rules()
}

// lineTemplate checks the top of a mapping of another document type than
// USER_ACTIVITY: its template under line:, none under activity:, no
// allow_keys (keys of the activity rules).
func (l *loader) lineTemplate(root ast.Node, mn *ast.MappingNode, seen map[string]bool) {
	t := l.m.DocumentType
	if seen["activity"] {
		l.errorAt(keyNode(mn, "activity"), "document_type %s takes the template of its lines under line:, not activity:", t)
	}
	if seen["allow_keys"] {
		l.errorAt(keyNode(mn, "allow_keys"), "allow_keys lets \"$\" keys through the activity rules; document_type %s has none to let through", t)
	}
	switch {
	case !seen["line"]:
		l.errorAt(root, "missing \"line:\": the template of the %s line to build", t)
	case l.m.Activity != nil && l.m.Activity.Kind != ObjectNode:
		l.errorAt(keyNode(mn, "line"), "line must be a map of fields")
	case l.m.Activity != nil && l.checkRules:
		l.checkTemplate(l.m.Doc.CheckTemplate)
	}
}

// keyNode returns the entry of key in the map mn, for its position.
func keyNode(mn *ast.MappingNode, key string) ast.Node {
	for _, kv := range mn.Values {
		if s, ok := unwrap(kv.Key).(*ast.StringNode); ok && s.Value == key {
			return kv
		}
	}
	return mn
}

// Check gives a line built by the mapping the form its document type sends
// (document.Rules.Prepare) and checks it against the type's rules, or
// against the activity rules: nil, or the *activity.Violation of the first
// rule it breaks.
func (m *Mapping) Check(o *activity.Object) error {
	if m.Doc == nil {
		return m.Rules.Validate(o)
	}
	m.Doc.Prepare(o)
	return m.Doc.Validate(o)
}
