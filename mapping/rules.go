package mapping

import (
	"github.com/goccy/go-yaml/ast"

	"csv2activity/activity"
)

// The activity rules at load: a key or a constant of the activity template
// that breaks a rule whatever the rows hold (a misspelt "$" key at any
// depth, $type: TOCH, $currency: EURO, a constant $ts in seconds, two
// constant identifiers, an item without $qty) is a mapping error, found
// before any row is read, instead of a rejection of every row. The template
// is handed to activity.CheckTemplate with its expressions as holes and its
// for_each lists as repeats; each problem is put back at its place in the
// file: the key, for an unknown key or a constant's value; the object's
// first key, for a key it lacks.

// allowKeys reads allow_keys: a list of "$" keys, each spelled with its
// place ("$events[].$properties.$items[].$discount"), that the activity
// rules then let through (activity.Rules.Allow).
func (l *loader) allowKeys(n ast.Node) {
	seq, ok := unwrap(n).(*ast.SequenceNode)
	if !ok {
		l.errorAt(n, `allow_keys must be a list of keys, like ["$events[].$properties.$items[].$discount"]`)
		return
	}
	for _, item := range seq.Values {
		key, ok := l.scalar(item, "an entry of allow_keys")
		if !ok {
			continue
		}
		if err := l.m.Rules.Allow(key); err != nil {
			l.errorAt(item, "allow_keys: %v", err)
		}
	}
}

// checkActivityRules checks the activity template against the activity rules.
func (l *loader) checkActivityRules() {
	l.checkTemplate(l.m.Rules.CheckTemplate)
}

// checkTemplate checks the template with check, a CheckTemplate of the
// rules of its document type, and puts each problem at its place.
func (l *loader) checkTemplate(check func(*activity.Object) []*activity.Violation) {
	t := &templateCheck{places: map[string]templatePlace{}}
	skeleton, _ := t.value(l.m.Activity, "", Pos{1, 1})
	obj, ok := skeleton.(*activity.Object)
	if !ok {
		return
	}
	for _, v := range check(obj) {
		at, ok := t.places[v.Path]
		if !ok { // cannot happen: every path of the skeleton is recorded
			at = t.places[""]
		}
		pos := at.pos
		if v.Key != "" && at.node != nil && at.node.Kind == ObjectNode {
			for i, k := range at.node.Keys {
				if k == v.Key {
					pos = at.node.KeyPos[i]
				}
			}
		}
		l.src.errorAt(pos.Line, pos.Col, "%s: %s", at.node.Path, v.Msg)
	}
}

// templateCheck builds the skeleton of a template for
// activity.CheckTemplate, recording the node and the position of every
// value by its path as activity.Violation spells it.
type templateCheck struct {
	places map[string]templatePlace
}

// templatePlace is a value of the skeleton: its node, and where it stands
// in the file.
type templatePlace struct {
	node *Node
	pos  Pos
}

// value returns the skeleton of n, whose path is path and which stands at
// pos (the key holding it), and false for a constant null, which the
// activity leaves out.
func (t *templateCheck) value(n *Node, path string, pos Pos) (any, bool) {
	if n.Kind == ObjectNode && len(n.KeyPos) > 0 {
		pos = n.KeyPos[0]
	}
	t.places[path] = templatePlace{node: n, pos: pos}
	switch n.Kind {
	case ConstNode:
		return n.Const, n.Const != nil
	case ObjectNode:
		obj := &activity.Object{}
		for i, key := range n.Keys {
			if v, ok := t.value(n.Values[i], activity.FieldPath(path, key), n.KeyPos[i]); ok {
				obj.Fields = append(obj.Fields, activity.Field{Key: key, Value: v})
			}
		}
		return obj, true
	case ListNode:
		list := []any{}
		for _, item := range n.Values {
			if v, ok := t.value(item, activity.ElemPath(path, len(list)), pos); ok {
				list = append(list, v)
			}
		}
		return list, true
	case ForEachNode:
		item, ok := t.value(n.Item, activity.ElemPath(path, 0), pos)
		if !ok {
			return []any{}, true
		}
		return &activity.Repeat{Item: item}, true
	}
	return &activity.Hole{}, true // an expression
}
