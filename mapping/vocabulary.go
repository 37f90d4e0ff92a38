package mapping

import (
	"slices"
	"strings"

	"csv2activity/activity"
)

// checkVocabulary catches, when the mapping loads, the mistakes that would
// otherwise reject every row one by one: a misspelt "$" key of the activity
// or of an event ($user_acount_id), and a constant $type or $session_status
// the platform does not know. The activity rules still check every activity.
func (l *loader) checkVocabulary(act *Node) {
	words := activity.Words()
	l.checkKeys(act, words.ActivityKeys, "activity")
	for i, key := range act.Keys {
		v := act.Values[i]
		switch key {
		case "$type":
			l.checkConst(v, act.KeyPos[i], "activity type", words.Types)
		case "$session_status":
			l.checkConst(v, act.KeyPos[i], "session status", words.SessionStatuses)
		case "$events":
			l.checkEvents(v, words.EventKeys)
		}
	}
}

// checkEvents checks the keys of the events of a $events list or for_each.
func (l *loader) checkEvents(n *Node, eventKeys []string) {
	switch n.Kind {
	case ListNode:
		for _, ev := range n.Values {
			if ev.Kind == ObjectNode {
				l.checkKeys(ev, eventKeys, "an event")
			}
		}
	case ForEachNode:
		if n.Item.Kind == ObjectNode {
			l.checkKeys(n.Item, eventKeys, "an event")
		}
	}
}

func (l *loader) checkKeys(obj *Node, known []string, where string) {
	for i, key := range obj.Keys {
		if strings.HasPrefix(key, "$") && !slices.Contains(known, key) {
			p := obj.KeyPos[i]
			l.src.errorAt(p.Line, p.Col, "unknown key %q in %s%s; keys without $ are custom properties", key, where, didYouMean(key, known))
		}
	}
}

func (l *loader) checkConst(n *Node, p Pos, what string, known []string) {
	s, ok := n.Const.(string)
	if n.Kind != ConstNode || !ok || slices.Contains(known, s) {
		return
	}
	l.src.errorAt(p.Line, p.Col, "unknown %s %q%s", what, s, didYouMean(s, known))
}
