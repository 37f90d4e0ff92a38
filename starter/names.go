package starter

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Role is what a column holds for a retail export, recognised by its name in
// English or French: the order it belongs to, when it happened, who bought,
// what was bought.
type Role int

// The roles init recognises. None is a column it does not place.
const (
	None        Role = iota
	Email            // e-mail address: the $email_hash identifier
	Date             // when the purchase happened: $ts
	TimeOfDay        // the time of the purchase, in a column of its own
	Order            // order, transaction, ticket or invoice id: group_by
	Customer         // customer, client, member or loyalty card id: $user_account_id
	UserAgent        // a device or cookie id: $user_agent_id
	ProductName      // the product's label
	Product          // sku, product or article code: $items[].$id
	Quantity         // $items[].$qty
	UnitPrice        // $items[].$price
	Amount           // the line's amount (price times quantity)
	Discount         // the line's discount
	SubCategory      // $items[].$category2
	Category         // $items[].$category1
	Brand            // $items[].$brand
	Store            // the store's id or name
	Currency         // a currency code per row
	Event            // the kind of event (purchase, signup…)
	Country          // $location
	Region           // $location
	City             // $location
	Zip              // $location
	numRoles
)

var roleNames = [numRoles]string{"", "e-mail", "purchase date", "time of day", "order id", "customer id", "user agent id",
	"product name", "product id", "quantity", "unit price", "amount", "discount", "sub-category", "category", "brand",
	"store", "currency", "event", "country", "region", "city", "postal code"}

func (r Role) String() string { return roleNames[r] }

// rule recognises a role by name: phrases are word sequences in order of
// preference, veto words rule a column out whatever else it says.
type rule struct {
	phrases []string
	veto    []string
}

// rules by role. Names are compared as their unaccented lower-case words, so
// "N° ticket" is "n ticket", "CustomerID" is "customer id", "Qté" is "qte".
var rules = [numRoles]rule{
	Email: {phrases: []string{"email", "e mail", "mail", "courriel", "adresse email", "adresse mail"},
		veto: []string{"hash", "sha256", "md5", "optin", "opt", "consent", "date"}},
	Date: {phrases: []string{"order date", "purchase date", "transaction date", "invoice date", "sale date", "sales date",
		"date commande", "date de commande", "date achat", "date d achat", "date vente", "date ticket", "date transaction",
		"date facture", "occurred at", "purchased at", "ordered at", "created at", "timestamp", "datetime", "date heure",
		"date", "time", "horodatage", "ts"},
		veto: dateVeto},
	TimeOfDay: {phrases: []string{"heure", "time", "hour", "heure ticket", "order time", "purchase time"}, veto: dateVeto},
	Order: {phrases: []string{"order id", "order number", "order no", "order num", "order", "transaction id", "transaction number",
		"transaction", "ticket id", "n ticket", "no ticket", "num ticket", "numero ticket", "ticket", "receipt id", "receipt number",
		"receipt", "invoice no", "invoice id", "invoice number", "invoice", "n commande", "no commande", "num commande",
		"numero commande", "id commande", "reference commande", "ref commande", "commande", "facture", "n facture", "basket id"},
		veto: []string{"date", "time", "heure", "line", "ligne", "item", "row", "status", "statut", "priority", "priorite", "quantity",
			"qty", "amount", "montant", "total", "type", "mode", "channel", "canal"}},
	Customer: {phrases: []string{"customer id", "customer number", "customer no", "customer code", "customer", "client id", "id client",
		"code client", "n client", "no client", "num client", "numero client", "client", "carte fidelite", "carte de fidelite",
		"n carte", "no carte", "numero carte", "carte", "loyalty card", "loyalty id", "loyalty number", "card number", "member id",
		"member number", "member", "membre", "adherent", "account id", "account", "user id", "cust id", "buyer id", "shopper id"},
		veto: []string{"name", "nom", "prenom", "first", "last", "email", "mail", "type", "segment", "city", "ville", "address",
			"adresse", "phone", "telephone", "since", "date", "age", "gender", "sexe", "country", "pays", "manager", "owner", "rep",
			"vendeur", "seller", "salesperson", "agent"}},
	UserAgent: {phrases: []string{"user agent id", "user agent", "device id", "cookie id", "cookie", "vec id", "mobile id",
		"advertising id", "idfa", "gaid"}},
	ProductName: {phrases: []string{"product name", "item name", "article name", "libelle article", "nom produit",
		"nom article", "designation", "description", "libelle produit", "libelle", "product title", "title"},
		veto: []string{"magasin", "store", "shop", "category", "categorie", "rayon", "brand", "marque", "client", "customer"}},
	Product: {phrases: []string{"product id", "sku", "product code", "item id", "item code", "article id", "code article",
		"ref article", "reference article", "id article", "n article", "code produit", "ref produit", "id produit",
		"reference produit", "stock code", "ean", "ean13", "gtin", "upc", "barcode", "code barre", "code ean", "reference",
		"ref", "article", "product", "produit", "item"},
		veto: []string{"name", "nom", "libelle", "description", "designation", "category", "categorie", "count", "nb",
			"quantity", "qty", "qte", "price", "prix", "amount", "montant", "brand", "marque", "type", "line", "ligne"}},
	Quantity: {phrases: []string{"quantity", "qty", "qte", "quantite", "quantity ordered", "nb articles", "nombre articles",
		"units", "unites", "nb", "nombre", "count", "pieces"},
		veto: []string{"price", "prix", "amount", "montant", "stock"}},
	UnitPrice: {phrases: []string{"unit price", "price each", "unitprice", "prix unitaire", "pu", "pu ttc", "prix unitaire ttc",
		"prix", "price", "prix ttc", "prix vente", "selling price"},
		veto: []string{"total", "list", "catalogue", "cost", "achat", "purchase"}},
	Amount: {phrases: []string{"sales", "amount", "montant", "line total", "total", "montant ttc", "total ttc", "revenue",
		"ca", "chiffre d affaires", "net amount", "total price", "line amount", "montant ligne", "sales amount", "vente",
		"ventes", "value", "valeur"},
		veto: []string{"discount", "remise", "tax", "tva", "profit", "marge", "margin", "shipping", "livraison", "points"}},
	Discount:    {phrases: []string{"discount", "remise", "reduction", "rabais", "discount amount", "montant remise"}},
	SubCategory: {phrases: []string{"sub category", "subcategory", "sous categorie", "sous famille", "sous rayon", "category 2", "categorie 2"}},
	Category: {phrases: []string{"category", "categorie", "rayon", "famille", "department", "departement", "category 1", "categorie 1",
		"product category", "univers"},
		veto: []string{"sub", "sous", "customer", "client", "id", "code"}},
	Brand: {phrases: []string{"brand", "marque", "manufacturer", "fabricant"}},
	Store: {phrases: []string{"store id", "store code", "store number", "code magasin", "n magasin", "id magasin", "magasin",
		"store", "shop id", "shop", "boutique", "point de vente", "pdv", "site id", "location id", "branch"},
		veto: []string{"name", "nom", "libelle", "city", "ville", "type", "address", "adresse"}},
	Currency: {phrases: []string{"currency", "devise", "currency code", "code devise", "monnaie"}},
	Event:    {phrases: []string{"event", "event type", "event name", "type evenement", "evenement", "action", "activity type"}},
	Country:  {phrases: []string{"country", "pays", "country code", "code pays"}},
	Region:   {phrases: []string{"region", "state", "province", "departement"}},
	City:     {phrases: []string{"city", "ville", "town", "commune", "localite"}},
	Zip:      {phrases: []string{"postal code", "zip code", "zip", "postcode", "code postal", "cp"}},
}

var dateVeto = []string{"ship", "shipped", "shipping", "delivery", "delivered", "livraison", "livre", "expedition", "expedie",
	"envoi", "birth", "naissance", "birthday", "due", "echeance", "update", "updated", "modified", "modification", "maj",
	"return", "returned", "retour", "cancel", "cancelled", "annulation", "signup", "inscription", "creation", "first", "last",
	"premier", "dernier", "expiry", "expiration", "since", "depuis"}

// recognise returns the role a column's name suggests and how strongly (0:
// none). A phrase matches when its words appear in a row in the name; an
// earlier phrase scores higher, and the whole name matching scores highest.
func recognise(r Role, name string) int {
	ws := words(name)
	for _, v := range rules[r].veto {
		for _, w := range ws {
			if w == v {
				return 0
			}
		}
	}
	for i, pw := range phraseWords()[r] {
		if contains(ws, pw) {
			score := 1000 - 10*i
			if len(pw) == len(ws) {
				score += 5
			}
			return score
		}
	}
	return 0
}

// phraseWords is the words of every rule's phrases, split once: recognise
// runs for every column and several roles (a header may have thousands).
var phraseWords = sync.OnceValue(func() (pw [numRoles][][]string) {
	for r, rule := range rules {
		for _, p := range rule.phrases {
			pw[r] = append(pw[r], strings.Fields(p))
		}
	}
	return pw
})

// contains reports whether the words phrase appear in a row in ws.
func contains(ws, phrase []string) bool {
	for i := 0; i+len(phrase) <= len(ws); i++ {
		match := true
		for j, p := range phrase {
			if ws[i+j] != p {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// words splits a column name into lower-case words without accents:
// "N° ticket" -> [n ticket], "CustomerID" -> [customer id], "Sub-Category" ->
// [sub category], "Qté" -> [qte], "ORDER_DATE" -> [order date].
func words(name string) []string {
	if ws, ok := wordsOf.Load(name); ok {
		return ws.([]string)
	}
	ws := splitWords(name)
	wordsOf.Store(name, ws)
	return ws
}

// wordsOf holds the words of the names already split: a column's name is
// split again for every role recognise tries and every check that reads its
// words (half of init's CPU on a header of 20,000 columns). It holds the
// header's names and the few values split (countries), no more. Callers
// never change the words they are given.
var wordsOf sync.Map

// splitWords is words, without the memory of names already split.
func splitWords(name string) []string {
	var ws []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			ws = append(ws, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(norm.NFKD.String(name))
	for i, r := range rs {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			continue
		case len(cur) > 0 && camelBoundary(cur[len(cur)-1], r, rs, i):
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	return ws
}

// camelBoundary reports whether a new word starts at rs[i] (r) after prev:
// "orderId" -> order|Id, "IDNumber" -> ID|Number.
func camelBoundary(prev, r rune, rs []rune, i int) bool {
	if unicode.IsLower(prev) && unicode.IsUpper(r) {
		return true
	}
	return unicode.IsUpper(prev) && unicode.IsUpper(r) && i+1 < len(rs) && unicode.IsLower(rs[i+1])
}

// hasWord reports whether the name has one of the words.
func hasWord(name string, list ...string) bool {
	for _, w := range words(name) {
		for _, l := range list {
			if w == l {
				return true
			}
		}
	}
	return false
}

// identifierWords mark a column that holds codes, not quantities: it stays a
// string whatever its values look like (leading zeros, long digit runs).
var identifierWords = []string{"id", "ids", "code", "ref", "reference", "sku", "ean", "ean13", "gtin", "upc", "barcode",
	"zip", "postal", "postcode", "cp", "phone", "tel", "telephone", "mobile", "siret", "siren", "iban", "card", "carte",
	"number", "numero", "num", "no", "n", "uuid", "guid", "key", "cle", "hash"}

// moneyWords mark a column of money: a decimal even when every value is whole.
var moneyWords = []string{"price", "prix", "amount", "montant", "sales", "sale", "total", "profit", "revenue", "cost", "cout",
	"discount", "remise", "tax", "tva", "ttc", "ht", "ca", "margin", "marge", "vente", "ventes", "pu", "paid", "paye",
	"unitprice", "value", "valeur", "eur", "usd", "euros", "dollars"}

// rateWords mark a column of rates or percentages: numbers, not money.
var rateWords = []string{"rate", "rates", "taux", "pct", "percent", "percentage", "pourcent", "pourcentage", "ratio"}

// discountWords mark a discount: money taken off, or a rate.
var discountWords = []string{"discount", "remise", "reduction", "rabais"}

// frenchWords mark an export written in French (for the timezone, the
// currency and the day-month order of ambiguous dates).
var frenchWords = []string{"commande", "magasin", "qte", "quantite", "prix", "montant", "libelle", "rayon", "fidelite",
	"remise", "heure", "ttc", "caisse", "achat", "produit", "categorie", "famille", "ville", "pays", "devise", "numero"}
