package transform

import (
	"fmt"
	"strings"
)

// group is the rows that share a group_by key, in input order.
type group struct {
	rows []groupRow
}

// lines lists where a group's rows start, for reject reasons.
func (g *group) lines() string {
	var b strings.Builder
	b.WriteString("lines ")
	for i, r := range g.rows {
		if i == 8 {
			fmt.Fprintf(&b, ", … (%d rows)", len(g.rows))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, r.line)
	}
	return b.String()
}

// grouper gathers rows into groups across the whole input, whatever the row
// order, and hands them out in order of first appearance.
type grouper struct {
	byKey map[string]*group
	order []*group
}

func newGrouper() *grouper {
	return &grouper{byKey: map[string]*group{}}
}

// add files a row under its key. Rows arrive in input order.
func (g *grouper) add(r groupRow) {
	grp, ok := g.byKey[r.key]
	if !ok {
		grp = &group{}
		g.byKey[r.key] = grp
		g.order = append(g.order, grp)
	}
	grp.rows = append(grp.rows, r)
}

// runs emits the groups in order of first appearance, a few hundred rows at a
// time, releasing them as it goes.
func (g *grouper) runs(emit func([]*group) bool) {
	const runRows = 512
	var run []*group
	rows := 0
	for i, grp := range g.order {
		run = append(run, grp)
		rows += len(grp.rows)
		g.order[i] = nil
		if rows >= runRows {
			if !emit(run) {
				return
			}
			run, rows = nil, 0
		}
	}
	if len(run) > 0 {
		emit(run)
	}
	g.byKey = nil
}
