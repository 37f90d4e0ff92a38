package mapping

import "csv2activity/activity"

// arena hands out the objects, fields and lists of one activity from chunks
// that are reused for the next activity, so that building an activity
// allocates almost nothing once the chunks have grown to size.
type arena struct {
	objs   []activity.Object
	fields []activity.Field
	lists  []any
}

// reset makes every chunk reusable; what was handed out before must no
// longer be used.
func (a *arena) reset() {
	a.objs, a.fields, a.lists = a.objs[:0], a.fields[:0], a.lists[:0]
}

// object returns an empty object with room for n fields.
func (a *arena) object(n int) *activity.Object {
	if len(a.objs) == cap(a.objs) {
		a.objs = make([]activity.Object, 0, max(16, 2*cap(a.objs)))
	}
	a.objs = a.objs[:len(a.objs)+1]
	o := &a.objs[len(a.objs)-1]
	o.Fields = grow(&a.fields, n)
	return o
}

// list returns an empty list with room for n elements.
func (a *arena) list(n int) []any {
	return grow(&a.lists, n)
}

// grow takes an empty slice of capacity n from the chunk *c, starting a new
// chunk when it is full (the old one stays with what it handed out).
func grow[T any](c *[]T, n int) []T {
	if len(*c)+n > cap(*c) {
		*c = make([]T, 0, max(64, 2*cap(*c), n))
	}
	start := len(*c)
	*c = (*c)[:start+n]
	return (*c)[start : start : start+n]
}
