package activity

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The "$" namespace is the platform's: a key starting with "$" means what the
// platform says it means, wherever it stands. This file holds the places of
// an activity, whose keys the tables of table.go define (MEDIARITHMICS.md,
// "Known $ keys, place by place"), and the Rules that let a user allow a key
// the platform reads but no page lists.

// place is an object of the activity whose "$" keys the platform defines.
type place uint8

// The places, each with its tables (table.go) and its row in knownKeys.
const (
	placeActivity    place = iota // the activity itself
	placeEmailHash                // $email_hash
	placeIdentifier               // an entry of $user_identifiers
	placeOrigin                   // $origin
	placeLocation                 // $location
	placeEvent                    // an event of $events
	placeProperties               // the $properties of an event no page lists keys for
	placeTransaction              // the $properties of a $transaction_confirmed
	placeAd                       // the $properties of an $ad_click or $ad_view
	placeConversion               // the $properties of a $conversion
	placeItem                     // an element of $items
	numPlaces
)

// knownKeys are the "$" keys the platform defines at each place: those of
// its tables, in their order (for did-you-mean ties, the earlier wins).
var knownKeys = func() (known [numPlaces][]string) {
	for _, t := range tables {
		for _, k := range t.keys {
			if !slices.Contains(known[t.place], k.name) {
				known[t.place] = append(known[t.place], k.name)
			}
		}
	}
	return known
}()

// placePaths spell each place as an allowed key names it: the path of the
// object from the top of the activity, "[]" standing for any element of an
// array. The properties of every event share one spelling.
var placePaths = [numPlaces]string{
	placeActivity:    "",
	placeEmailHash:   "$email_hash.",
	placeIdentifier:  "$user_identifiers[].",
	placeOrigin:      "$origin.",
	placeLocation:    "$location.",
	placeEvent:       "$events[].",
	placeProperties:  "$events[].$properties.",
	placeTransaction: "$events[].$properties.",
	placeAd:          "$events[].$properties.",
	placeConversion:  "$events[].$properties.",
	placeItem:        "$events[].$properties.$items[].",
}

// allowPlace is the place whose allowed keys apply at pl: the properties of
// every event share theirs.
func (pl place) allowPlace() place {
	switch pl {
	case placeTransaction, placeAd, placeConversion:
		return placeProperties
	}
	return pl
}

// knows reports whether key is one of the platform's keys at pl.
func (pl place) knows(key string) bool {
	return slices.Contains(knownKeys[pl], key)
}

// synonyms are names the platform spells otherwise, offered as a did-you-mean
// where their spelling is a key of the place. Keys one or two edits away need
// no entry ($category is close to $category1).
var synonyms = map[string]string{
	"$quantity": "$qty", "$quantite": "$qty", "$qte": "$qty", "$count": "$qty",
	"$unit_price": "$price", "$unitprice": "$price", "$price_unit": "$price", "$prix": "$price",
	"$sku": "$id", "$product_id": "$id", "$item_id": "$id", "$ref": "$id",
	"$timestamp": "$ts", "$time": "$ts", "$date": "$ts",
	"$name": "$event_name", "$event": "$event_name", "$props": "$properties",
	"$lines": "$items", "$products": "$items",
	"$zip": "$zip_code", "$postal_code": "$zip_code", "$postcode": "$zip_code",
}

// ErrAllowKey is wrapped by the errors of Rules.Allow.
var ErrAllowKey = errors.New("cannot allow key")

// Rules are the platform's rules, and the "$" keys a user allows besides
// them: a key the platform reads that no public page lists, allowed in the
// mapping (allow_keys) or on the command line (--allow-key) without a new
// release. The zero Rules, like a nil *Rules, are the platform's rules alone.
//
// Allow every key before validating: Rules are safe for concurrent use by
// the checks, not while Allow changes them.
type Rules struct {
	allowed [numPlaces][]string
}

// Allow lets key through, spelled as the path of the place and the key:
// "$foo" at the top of the activity, "$origin.$foo", "$location.$foo",
// "$email_hash.$foo", "$user_identifiers[].$foo", "$events[].$foo",
// "$events[].$properties.$foo" (in the properties of any event) or
// "$events[].$properties.$items[].$foo" (in any item). An allowed key is
// taken for a custom property: any value of the model. Allowing a key the
// platform already defines changes nothing. The error wraps ErrAllowKey.
func (r *Rules) Allow(key string) error {
	pl, name, ok := splitAllowed(key)
	switch {
	case !ok:
		return fmt.Errorf("%w %q: not a place of the activity followed by a key; write %s", ErrAllowKey, key, allowForms())
	case !strings.HasPrefix(name, "$"):
		return fmt.Errorf("%w %q: %q does not start with $; keys without $ are custom properties and need no allowing", ErrAllowKey, key, name)
	case len(name) == 1:
		return fmt.Errorf("%w %q: the key is empty after the $", ErrAllowKey, key)
	}
	if !pl.knows(name) && !slices.Contains(r.allowed[pl], name) {
		r.allowed[pl] = append(r.allowed[pl], name)
	}
	return nil
}

// splitAllowed splits an allowed key into its place and its key, taking the
// longest place path that key starts with; ok is false when what follows it
// is not a single key.
func splitAllowed(s string) (pl place, name string, ok bool) {
	best := -1
	for p, prefix := range placePaths {
		if strings.HasPrefix(s, prefix) && (best < 0 || len(prefix) > len(placePaths[best])) {
			best = p
		}
	}
	pl = place(best).allowPlace()
	name = s[len(placePaths[pl]):]
	return pl, name, name != "" && !strings.ContainsAny(name, ".[]")
}

// allowForms lists the spellings Allow takes, for its errors.
func allowForms() string {
	var forms []string
	for p, prefix := range placePaths {
		if place(p).allowPlace() == place(p) {
			forms = append(forms, `"`+prefix+`$KEY"`)
		}
	}
	return strings.Join(forms, ", ")
}

// allows reports whether the user allowed key at pl. A nil *Rules allows
// nothing.
func (r *Rules) allows(pl place, key string) bool {
	return r != nil && slices.Contains(r.allowed[pl.allowPlace()], key)
}

// candidates are the keys a misspelt key at pl may have meant: the
// platform's and the allowed ones.
func (r *Rules) candidates(pl place) []string {
	if r == nil || len(r.allowed[pl.allowPlace()]) == 0 {
		return knownKeys[pl]
	}
	return slices.Concat(knownKeys[pl], r.allowed[pl.allowPlace()])
}
