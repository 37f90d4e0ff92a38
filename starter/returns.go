package starter

import (
	"fmt"
	"strings"
)

// The lines that are not purchases. An item of a $transaction_confirmed needs
// a quantity above zero and a price of zero or more (activity's rules), so
// the draft's where leaves out the lines without them, and the returns and
// cancellations: a negative quantity, price or amount, or an order id whose
// prefix only negative lines carry (C536548). The comment shows how to keep
// them as a custom event instead.

// condition is one clause of the draft's where: the expression, what it
// leaves out (a count: "4 rows without CustomerID") and why.
type condition struct {
	expr, what, why string
	isReturn        bool // it leaves out returns or cancellations
}

// items reports whether the activity lists the order's lines as $items: a
// product and a price (or an amount) to give each.
func (d *Draft) items() bool {
	return d.roles[Product] != nil && (d.roles[UnitPrice] != nil || d.roles[Amount] != nil)
}

// itemConditions are the clauses that keep the lines that cannot be items of
// a purchase out of the conversion.
func (d *Draft) itemConditions() []condition {
	var cs []condition
	items := d.items()
	if q := d.roles[Quantity]; q != nil {
		cs = append(cs, d.required(q, items)...)
		why := "returns and cancellations are not purchases"
		if q.Negatives == 0 {
			why = "nothing was bought"
		}
		cs = append(cs, d.signed(q, "> 0", q.Negatives+q.Zeros, d.quantityWhat(q), why, q.Negatives > 0)...)
	}
	cs = append(cs, d.cancellations()...)
	price, amount := d.roles[UnitPrice], d.roles[Amount]
	if price != nil {
		cs = append(cs, d.required(price, items)...)
		cs = append(cs, d.signed(price, ">= 0", price.Negatives, d.negativeWhat(price), "a refund, a discount line or an adjustment, not a purchase", true)...)
	}
	if amount != nil {
		cs = append(cs, d.required(amount, items && price == nil)...)
		cs = append(cs, d.signed(amount, ">= 0", amount.Negatives, d.negativeWhat(amount), "a refund or a discount line, not a purchase", true)...)
	}
	return cs
}

// required leaves out the rows where a column an item needs is empty.
func (d *Draft) required(c *Column, needed bool) []condition {
	if !needed || !c.Optional {
		return nil
	}
	return []condition{{expr: d.names.ref(c) + " != nil", what: fmt.Sprintf("%s without %s", plural(c.Blanks, "row"), c.Name),
		why: "an item needs one"}}
}

// signed leaves out the bad rows of a number column: those that fail the
// comparison op (returns, when isReturn).
func (d *Draft) signed(c *Column, op string, bad int, what, why string, isReturn bool) []condition {
	if bad == 0 {
		return nil
	}
	ref := d.names.ref(c)
	e := ref + " " + op
	if c.Optional {
		e = fmt.Sprintf("(%s == nil || %s)", ref, e) // an empty cell is no return: required leaves it out if need be
	}
	return []condition{{expr: e, what: what, why: why, isReturn: isReturn}}
}

func (d *Draft) quantityWhat(q *Column) string {
	switch {
	case q.Zeros == 0:
		return d.negativeWhat(q)
	case q.Negatives == 0:
		return fmt.Sprintf("%s with a %s of 0", plural(q.Zeros, "row"), q.Name)
	}
	return fmt.Sprintf("%s with a %s of 0 or less (%d negative, such as %s)", plural(q.Zeros+q.Negatives, "row"), q.Name, q.Negatives, q.Negative)
}

func (d *Draft) negativeWhat(c *Column) string {
	return fmt.Sprintf("%s with a negative %s (%s)", plural(c.Negatives, "row"), c.Name, c.Negative)
}

// cancellations leaves out the orders whose id has a prefix that only
// negative lines carry: cancelled invoices.
func (d *Draft) cancellations() []condition {
	order := d.roles[Order]
	if order == nil {
		return nil
	}
	p := d.lines.prefixesOf(order.index)
	if p == nil {
		return nil
	}
	list, rows := p.cancelled()
	if len(list) == 0 {
		return nil
	}
	var starts, quoted []string
	for _, pre := range list {
		starts = append(starts, fmt.Sprintf("%s startsWith %q", d.names.ref(order), pre))
		quoted = append(quoted, fmt.Sprintf("%q", pre))
	}
	what := fmt.Sprintf("%s whose %s starts with %s, every one of them negative", plural(rows, "row"),
		order.Name, strings.Join(quoted, " or "))
	return []condition{{expr: "not (" + strings.Join(starts, " or ") + ")", what: what, why: "cancelled orders", isReturn: true}}
}

// noteReturns says on standard error which returns the where leaves out.
func (d *Draft) noteReturns() {
	var what []string
	for _, c := range d.where {
		if c.isReturn {
			what = append(what, c.what)
		}
	}
	if len(what) > 0 {
		d.note("returns and cancellations are left out by where, not counted as purchases: " + strings.Join(what, "; ") +
			"; the mapping's comment shows how to keep them as a custom event")
	}
}

// writeReturns writes, after the where, how to keep the returns it leaves
// out: a second mapping whose where keeps only them and whose event is a
// custom one, which the platform stores without counting it as a purchase.
func (d *Draft) writeReturns(y *yamlOut) {
	var keep, returns []string
	for _, c := range d.where {
		if c.isReturn {
			returns = append(returns, c.expr)
		} else {
			keep = append(keep, c.expr)
		}
	}
	if len(returns) == 0 {
		return
	}
	keep = append(keep, "not ("+strings.Join(returns, " && ")+")")
	ts, _ := d.timestamp()
	y.comment(0, "Returns are not purchases: every $transaction_confirmed counts as one. To keep them, convert them",
		"with a copy of this mapping whose where keeps only them and whose event is a custom one (stored, not",
		"counted as a purchase; its keys without $):",
		"  where: "+expr(strings.Join(keep, " && ")),
		"  $events:",
		"    - $event_name: return",
		"      $ts: "+ts,
		"      $properties:")
	if o := d.roles[Order]; o != nil {
		y.comment(0, "        "+propertyKey(o.Name)+": "+expr(d.names.value(o)))
	}
	if p := d.roles[Product]; p != nil {
		y.comment(0, "        items:", "          for_each: rows", "          item:", "            id: "+expr(d.names.value(p)))
		if q := d.roles[Quantity]; q != nil {
			y.comment(0, "            qty: "+expr("-"+d.names.ref(q)))
		}
	}
}
