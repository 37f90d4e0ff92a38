package starter

import (
	"fmt"
	"strings"
)

// Exports that are not purchases: a customer export (an identifier and the
// customer's attributes, no order, product or quantity) drafts USER_PROFILE
// lines; a list of a person's identifiers (two of them or more, and nothing
// else to say about the person) drafts identifier associations. Every other
// export drafts activities. DocumentType and Choice say which, and why.

// The document types init drafts besides activities.
const (
	Profiles     = "USER_PROFILE"
	Associations = "USER_IDENTIFIERS_ASSOCIATION_DECLARATIONS"
)

// retailRoles are the roles that make an export one of purchases.
var retailRoles = []Role{Order, Product, ProductName, Quantity, UnitPrice, Amount}

// attributeWords are the words of the column names that describe a
// customer: names, birth, contact, consents, address.
var attributeWords = []string{"first", "last", "name", "firstname", "lastname", "nom", "prenom", "birth", "birthday",
	"naissance", "dob", "gender", "sexe", "civilite", "title", "phone", "telephone", "mobile", "optin", "opt", "consent",
	"newsletter", "address", "adresse", "street", "rue", "language", "langue", "age"}

// chooseDocument decides whether the export drafts another document type
// than activities, and sets DocumentType and Choice when it does; the
// roles of a purchase it then leaves unplaced.
func (d *Draft) chooseDocument() bool {
	for _, r := range retailRoles {
		if d.roles[r] != nil {
			return false
		}
	}
	ids := d.identifiers()
	attrs := d.attributes(ids)
	switch {
	case len(ids) >= 1 && len(attrs) > 0:
		d.DocumentType = Profiles
		d.Choice = fmt.Sprintf("a customer export (%s identifies the customer; %s describe them; no order, product or "+
			"quantity column): drafting one USER_PROFILE line per row", ids[0].Name, strings.Join(columnNames(attrs), ", "))
	case len(ids) >= 2:
		d.DocumentType = Associations
		d.Choice = fmt.Sprintf("a list of identifiers per person (%s; nothing else describes the person, no order or product "+
			"column): drafting one USER_IDENTIFIERS_ASSOCIATION_DECLARATIONS line per row", strings.Join(columnNames(ids), ", "))
	default:
		return false
	}
	for r := Role(1); r < numRoles; r++ {
		if c := d.roles[r]; c != nil && r != Customer && r != Email && r != UserAgent {
			c.Role, d.roles[r] = None, nil
		}
	}
	return true
}

// identifiers returns the identifier columns: the customer id, the e-mail,
// the user agent id, those there are.
func (d *Draft) identifiers() []*Column {
	var ids []*Column
	for _, r := range []Role{Customer, Email, UserAgent} {
		if c := d.roles[r]; c != nil {
			ids = append(ids, c)
		}
	}
	return ids
}

// attributes returns the columns, identifiers aside, whose names describe
// a customer.
func (d *Draft) attributes(ids []*Column) []*Column {
	var attrs []*Column
	for _, c := range d.Columns {
		if c.Duplicate || c.Role == Customer || c.Role == UserAgent {
			continue
		}
		for _, w := range words(c.Name) {
			if contains(attributeWords, []string{w}) {
				attrs = append(attrs, c)
				break
			}
		}
	}
	return attrs
}

func columnNames(cs []*Column) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

// writeDocument writes the draft of another document type than
// activities: its where, leaving out the rows without an identifier, and
// its line.
func (d *Draft) writeDocument(y *yamlOut) {
	var conds, why []string
	for _, c := range d.identifiers() {
		if c.Blanks > 0 && (d.DocumentType == Associations || c == d.identifier()) {
			conds = append(conds, fmt.Sprintf(`trim(%s) != ""`, d.names.ref(c)))
			why = append(why, fmt.Sprintf("%s without %s", plural(c.Blanks, "row"), c.Name))
		}
	}
	if len(conds) > 0 {
		y.comment(0, "Rows left out of the conversion (counted as filtered by where, not rejected): "+strings.Join(why, ", ")+".")
		y.kv(0, "where", expr(strings.Join(conds, " && ")), "")
		y.WriteByte('\n')
	}
	y.line(0, "line:", "the template of each line, checked against the "+d.DocumentType+" rules")
	if d.DocumentType == Profiles {
		d.writeProfile(y)
		return
	}
	d.writeAssociation(y)
}

// writeProfile writes a USER_PROFILE line: the identifier and every other
// column in user_profile.
func (d *Draft) writeProfile(y *yamlOut) {
	id := d.identifier()
	y.kv(1, "operation", "UPSERT", "create or update the profile; DELETE removes it")
	switch id.Role {
	case Customer:
		y.kv(1, "user_account_id", expr(d.names.value(id)), id.Name+": the customer's account id")
		y.comment(1, `compartment_id: "1"    the compartment of these accounts (without it, the datamart's default one)`)
	case Email:
		y.kv(1, "email_hash", expr(emailHash(d, id)), id.Name+", trimmed, lower-cased and hashed with SHA-256")
	default:
		y.kv(1, "user_agent_id", expr(d.names.value(id)), id.Name+": a device or cookie id")
	}
	y.kv(1, "update_strategy", "PARTIAL_UPDATE", "merge these fields into the profile; FORCE_REPLACE replaces it whole")
	y.line(1, "user_profile:", "the customer's fields: every other column (an empty cell leaves its field out)")
	for _, c := range d.Columns {
		if c != id && !c.Duplicate {
			y.kv(2, propertyKey(c.Name), expr(d.fieldValue(c)), "")
		}
	}
}

// fieldValue is the expression of a column's value in a profile: an
// e-mail normalised, a date as YYYY-MM-DD, an empty text cell nil.
func (d *Draft) fieldValue(c *Column) string {
	ref := d.names.value(c)
	switch {
	case c.Role == Email:
		return "normalize_email(" + ref + ")"
	case c.Type == "time" && isDateOnly(c.Format) && c.Optional:
		return ref + ` != nil ? ` + ref + `.Format("2006-01-02") : nil`
	case c.Type == "time" && isDateOnly(c.Format):
		return ref + `.Format("2006-01-02")`
	case c.Type == "string" && c.Blanks > 0:
		return ref + ` != "" ? ` + ref + " : nil"
	}
	return ref
}

// writeAssociation writes a line of identifiers: one typed entry for each
// identifier column.
func (d *Draft) writeAssociation(y *yamlOut) {
	y.line(1, "identifiers:", "two or more identifiers of one person")
	for _, c := range d.identifiers() {
		switch c.Role {
		case Customer:
			y.line(2, "- type: USER_ACCOUNT", "")
			y.kv(3, "user_account_id", expr(d.names.value(c)), c.Name+": the customer's account id")
			y.comment(3, `compartment_id: "1"    the compartment of these accounts (without it, the datamart's default one)`)
		case Email:
			y.line(2, "- type: USER_EMAIL", "")
			y.kv(3, "hash", expr(emailHash(d, c)), c.Name+", trimmed, lower-cased and hashed with SHA-256")
		default:
			y.line(2, "- type: USER_AGENT", "")
			y.kv(3, "user_agent_id", expr(d.names.value(c)), c.Name+": a device or cookie id")
		}
	}
}
