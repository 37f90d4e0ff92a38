package starter

import (
	"fmt"
	"strings"
)

// The activity template: one TOUCH activity per order (or row), identified by
// one user identifier, holding one $transaction_confirmed event whose $items
// are the order's lines.

func (d *Draft) writeActivity(y *yamlOut) {
	y.line(0, "activity:", "")
	y.kv(1, "$type", "TOUCH", "store purchases and other offline activities")
	y.kv(1, "$session_status", "NO_SESSION", "what bulk imports use")
	ts, why := d.timestamp()
	y.kv(1, "$ts", ts, why)
	if date := d.roles[Date]; d.Combined && date.Ambiguous != "" {
		y.comment(1, "$ts: "+d.readTogether(date.Ambiguous)+"   # the other reading: use it (in both $ts) if these dates are "+dateOrder(date.Ambiguous))
	}
	d.writeIdentifier(y)
	d.writeLocation(y)
	if s := d.roles[Store]; s != nil {
		y.kv(1, "store_id", expr(d.names.value(s)), "a custom property: keys without $ are free")
	}
	y.line(1, "$events:", "")
	name, why := d.eventName()
	y.kv(2, "- $event_name", name, why)
	y.kv(3, "$ts", ts, "")
	y.line(3, "$properties:", "")
	d.writeProperties(y, 4)
}

// timestamp returns the expression of $ts and the comment that explains it.
func (d *Draft) timestamp() (string, string) {
	date, clock := d.roles[Date], d.roles[TimeOfDay]
	if date == nil {
		return expr("PURCHASE_DATE"), "PLACEHOLDER: name the column that says when the purchase happened"
	}
	why := "when: " + date.Name + d.otherDates()
	if !d.Combined {
		return expr(d.names.ref(date)), why + "; a time becomes epoch milliseconds"
	}
	why = fmt.Sprintf("when: %s and %s read together%s", date.Name, clock.Name, d.otherDates())
	if date.Ambiguous != "" {
		why += "; AMBIGUOUS day and month: the other reading is on the next line"
	}
	return d.readTogether(date.Format), why
}

// readTogether returns the expression of a $ts read from the date column,
// written as dateFormat says, and the time of day column.
func (d *Draft) readTogether(dateFormat string) string {
	date, clock := d.roles[Date], d.roles[TimeOfDay]
	return expr(fmt.Sprintf(`time(%s + " " + %s, %s)`, d.names.ref(date), d.names.ref(clock), quoted(dateFormat+" "+clock.TimeOfDay)))
}

// otherDates names the time columns $ts does not use: "(not Ship Date)".
func (d *Draft) otherDates() string {
	var others []string
	for _, c := range d.Columns {
		if c.Type == "time" && c != d.roles[Date] {
			others = append(others, c.Name)
		}
	}
	if len(others) == 0 {
		return ""
	}
	return " (not " + strings.Join(others, ", ") + ")"
}

// writeIdentifier writes the one user identifier, with the alternatives.
func (d *Draft) writeIdentifier(y *yamlOut) {
	id := d.identifier()
	var alts []string
	if c := d.roles[Email]; c != nil && c != id {
		alts = append(alts, fmt.Sprintf("$email_hash: {$hash: %s}", expr(emailHash(d, c))))
	}
	if c := d.roles[UserAgent]; c != nil && c != id {
		alts = append(alts, "$user_agent_id: "+expr(d.names.value(c)))
	}
	y.comment(1, "The user: exactly one identifier per activity.")
	if len(alts) > 0 {
		y.comment(1, "Instead: "+strings.Join(alts, "  or  "))
	}
	switch {
	case id == nil:
		y.kv(1, "$user_account_id", expr("CUSTOMER_ID"), "PLACEHOLDER: name the column of customer ids")
		y.comment(1, "or $email_hash: {$hash: '${ sha256(normalize_email(EMAIL)) }'}, or $user_agent_id: ${ DEVICE_ID }")
	case id.Role == Customer:
		why := id.Name + ": the customer's account id"
		if id.FloatID {
			why += `, without the ".0" of a float`
		}
		y.kv(1, "$user_account_id", expr(d.names.value(id)), why)
		y.comment(1, `$compartment_id: "1"    the compartment of these accounts (without it, the datamart's default one)`)
	case id.Role == Email:
		y.line(1, "$email_hash:", id.Name+", trimmed, lower-cased and hashed with SHA-256")
		y.kv(2, "$hash", expr(emailHash(d, id)), "")
	default:
		y.kv(1, "$user_agent_id", expr(d.names.value(id)), id.Name+": a device or cookie id")
	}
}

func emailHash(d *Draft, c *Column) string {
	return "sha256(normalize_email(" + d.names.ref(c) + "))"
}

// writeLocation writes $location from the country, region, city and postal
// code columns there are.
func (d *Draft) writeLocation(y *yamlOut) {
	keys := []struct {
		role Role
		key  string
	}{{Country, "$country"}, {Region, "$region"}, {City, "$city"}, {Zip, "$zip_code"}}
	started := false
	for _, k := range keys {
		c := d.roles[k.role]
		if c == nil {
			continue
		}
		if !started {
			y.line(1, "$location:", "where: from the export's address columns")
			y.kv(2, "$source", "OTHER", "GPS, IP or OTHER")
			started = true
		}
		ref := d.names.value(c)
		if k.role != Zip || c.Short == 0 {
			y.kv(2, k.key, expr(ref), "")
			continue
		}
		y.kv(2, k.key, expr(ref), fmt.Sprintf("%s shorter than %d digits (%q): leading zeros lost?", plural(c.Short, "value"), c.Width, c.ShortExample))
		pad := fmt.Sprintf(`%s != "" && len(%s) < %d ? repeat("0", %d - len(%s)) + %s : %s`, ref, ref, c.Width, c.Width, ref, ref, ref)
		y.comment(2, k.key+": "+expr(pad)+"   # puts them back, if every code has "+fmt.Sprint(c.Width)+" digits")
	}
}

// purchaseWords are the values of an event column that mean a purchase.
var purchaseWords = []string{"purchase", "achat", "order", "commande", "sale", "vente", "transaction", "buy", "paiement", "payment"}

// eventName returns the event's name: $transaction_confirmed, or read from
// an event column whose values include a purchase.
func (d *Draft) eventName() (string, string) {
	const why = "a purchase: the event the platform's analytics read"
	ev := d.roles[Event]
	if ev == nil {
		return "$transaction_confirmed", why
	}
	for _, v := range ev.Distinct {
		for _, p := range purchaseWords {
			if strings.EqualFold(strings.TrimSpace(v), p) {
				src := fmt.Sprintf(`%s == %s ? "$transaction_confirmed" : %s`, d.names.ref(ev), quoted(v), d.names.ref(ev))
				return expr(src), fmt.Sprintf("%s says what happened: %q is a purchase, other names are kept", ev.Name, v)
			}
		}
	}
	return "$transaction_confirmed", why + fmt.Sprintf(" (or the values of %s: ${ %s })", ev.Name, d.names.ref(ev))
}

// writeProperties writes the event's properties: currency, order id, total
// and the items.
func (d *Draft) writeProperties(y *yamlOut, indent int) {
	amount, price := d.roles[Amount], d.roles[UnitPrice]
	if amount != nil || price != nil {
		d.writeCurrency(y, indent)
	}
	if o := d.roles[Order]; o != nil {
		y.kv(indent, propertyKey(o.Name), expr(d.names.value(o)), "")
	}
	if total, why := d.total(); total != "" {
		y.kv(indent, "total", total, why)
	}
	p := d.roles[Product]
	switch {
	case p == nil:
		y.comment(indent, "No column reads as a product id (sku, code article…): no $items.")
		return
	case !d.items():
		y.comment(indent, "No column reads as a price or an amount: no $items (each needs $qty and $price); the products",
			"are listed in a custom property.")
		y.line(indent, "products:", "")
		y.kv(indent+1, "for_each", "rows", "one per line of the order")
		y.kv(indent+1, "item", expr(d.names.value(p)), "")
		return
	}
	y.line(indent, "$items:", "")
	y.kv(indent+1, "for_each", "rows", "one item per line of the order")
	y.line(indent+1, "item:", "inside, bare column names read that line")
	d.writeItem(y, indent+2)
}

func (d *Draft) writeCurrency(y *yamlOut, indent int) {
	c := d.roles[Currency]
	date := d.roles[Date]
	country, code := d.roles[Country], ""
	if country != nil {
		code = currencyOf(country.Distinct)
	}
	switch {
	case c != nil:
		y.kv(indent, "$currency", expr(d.names.ref(c)), "from "+c.Name)
	case code != "":
		y.kv(indent, "$currency", code, "ISO 4217 code: the currency of every "+country.Name+" seen; check it")
	case d.French:
		y.kv(indent, "$currency", "EUR", "ISO 4217 code: assumed from the French conventions; check it")
	case date != nil && date.Ambiguous == "" && strings.HasPrefix(date.Format, "%m"):
		y.kv(indent, "$currency", "USD", "ISO 4217 code: assumed from the American dates; check it")
	default:
		y.comment(indent, "$currency: EUR    the ISO 4217 code of the amounts: not in the export")
	}
}

// currencies maps country names (unaccented lower-case words) to their
// currency, for the usual countries of retail exports.
var currencies = map[string]string{
	"united states": "USD", "usa": "USD", "us": "USD", "etats unis": "USD", "united kingdom": "GBP", "uk": "GBP",
	"great britain": "GBP", "england": "GBP", "royaume uni": "GBP", "france": "EUR", "fr": "EUR", "germany": "EUR",
	"allemagne": "EUR", "spain": "EUR", "espagne": "EUR", "italy": "EUR", "italie": "EUR", "belgium": "EUR",
	"belgique": "EUR", "netherlands": "EUR", "pays bas": "EUR", "portugal": "EUR", "ireland": "EUR", "irlande": "EUR",
	"austria": "EUR", "autriche": "EUR", "luxembourg": "EUR", "finland": "EUR", "greece": "EUR", "canada": "CAD",
	"switzerland": "CHF", "suisse": "CHF", "australia": "AUD", "australie": "AUD", "japan": "JPY", "japon": "JPY",
}

// currencyOf returns the one currency of the countries listed, or "" when
// they are unknown, too many to list, or use different currencies.
func currencyOf(countries []string) string {
	code := ""
	for _, c := range countries {
		cur := currencies[strings.Join(words(c), " ")]
		if cur == "" || (code != "" && cur != code) {
			return ""
		}
		code = cur
	}
	return code
}

// total returns the order's total: the sum of the lines' amounts, or of
// price times quantity.
func (d *Draft) total() (string, string) {
	amount, price, qty := d.roles[Amount], d.roles[UnitPrice], d.roles[Quantity]
	switch {
	case amount != nil && !d.Group:
		return expr(d.names.ref(amount)), "the amount: " + amount.Name
	case amount != nil:
		return expr(fmt.Sprintf("sum(rows, %s)", orZero(d.names.elem(amount), amount))), "the sum of the lines' " + amount.Name
	case price != nil && qty != nil:
		e := fmt.Sprintf("sum(rows, %s * %s)", orZero(d.names.elem(price), price), orZero(d.names.elem(qty), qty))
		return expr(e), fmt.Sprintf("the sum of %s times %s", price.Name, qty.Name)
	}
	return "", ""
}

// orZero reads an optional number as 0 when its cell is empty.
func orZero(ref string, c *Column) string {
	if c.Optional {
		return "(" + ref + " ?? 0)"
	}
	return ref
}

func (d *Draft) writeItem(y *yamlOut, indent int) {
	p := d.roles[Product]
	if p.Blanks > 0 {
		y.kv(indent, "$id", expr(fmt.Sprintf(`coalesce(%s, "unknown")`, d.names.value(p))),
			fmt.Sprintf("%s; %d lines have none", p.Name, p.Blanks))
	} else {
		y.kv(indent, "$id", expr(d.names.value(p)), "")
	}
	if q := d.roles[Quantity]; q != nil {
		y.kv(indent, "$qty", expr(d.names.ref(q)), "")
	} else {
		y.kv(indent, "$qty", "1", "no quantity column: each line is one unit")
	}
	price, why := d.itemPrice()
	y.kv(indent, "$price", price, why)
	if q := d.inexactPrices(); q != nil {
		a := d.roles[Amount]
		y.kv(indent, propertyKey(a.Name), expr(d.names.ref(a)), fmt.Sprintf("the line's exact amount: for %s, %s / %s does not end",
			plural(q.inexact, "line"), a.Name, d.roles[Quantity].Name))
	}
	for _, k := range []struct {
		role Role
		key  string
	}{{Brand, "$brand"}, {Category, "$category1"}, {SubCategory, "$category2"}, {ProductName, "name"}, {Discount, "discount"}} {
		if c := d.roles[k.role]; c != nil {
			why := ""
			if c.Rate {
				why = c.Why
			}
			y.kv(indent, k.key, expr(d.names.value(c)), why)
		}
	}
}

// itemPrice returns the unit price: its column, or the line's amount divided
// by its quantity, unrounded. The division is exact when the quotient ends
// (a decimal divided by an integer); where lets no zero or missing quantity
// through (itemConditions).
func (d *Draft) itemPrice() (string, string) {
	amount, price, qty := d.roles[Amount], d.roles[UnitPrice], d.roles[Quantity]
	switch {
	case price != nil:
		return expr(d.names.ref(price)), ""
	case qty == nil:
		return expr(d.names.ref(amount)), amount.Name + ": the line's amount, for one unit"
	}
	why := fmt.Sprintf("%s is the line's amount: divided by %s, exact", amount.Name, qty.Name)
	if q := d.lines.quotientOf(amount.index, qty.index); q != nil && q.inexact == 0 {
		why += fmt.Sprintf(": every quotient ends, so $price × $qty = %s", amount.Name)
	} else if q != nil {
		why += " where the quotient ends, else to 19 significant digits"
	}
	return expr(fmt.Sprintf("%s / %s", d.names.ref(amount), d.names.ref(qty))), why
}

// inexactPrices returns the quotients of the amount by the quantity when the
// unit price is one and some of them do not end (10.00 for 3), else nil.
func (d *Draft) inexactPrices() *quotient {
	amount, qty := d.roles[Amount], d.roles[Quantity]
	if !d.items() || d.roles[UnitPrice] != nil || amount == nil || qty == nil {
		return nil
	}
	if q := d.lines.quotientOf(amount.index, qty.index); q != nil && q.inexact > 0 {
		return q
	}
	return nil
}

// notePrice says when the unit price cannot be exact for some lines.
func (d *Draft) notePrice() {
	q := d.inexactPrices()
	if q == nil {
		return
	}
	amount, qty := d.roles[Amount], d.roles[Quantity]
	d.note(fmt.Sprintf("%s / %s gives the unit price, but it does not end for %d of %s (%s): their $price has 19 significant digits, "+
		"$price × $qty is not exactly %s, and the item keeps the exact amount in %s",
		amount.Name, qty.Name, q.inexact, plural(q.divided, "line"), q.example, amount.Name, propertyKey(amount.Name)))
}
