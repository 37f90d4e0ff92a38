package document

// This file holds the one table of keys of every place of every document
// type (MEDIARITHMICS.md, "Other bulk document types"): which keys each
// place takes, what each holds and whether it is required. The checks on a
// whole line (one identifier, what an operation requires) are in rules.go.

// place is an object of a line whose keys the platform defines.
type place uint8

// The places, each with its row in placeKeys.
const (
	placeProfile       place = iota // a USER_PROFILE line
	placeSegment                    // a USER_SEGMENT line
	placeChoice                     // a USER_CHOICE line
	placeUserChoice                 // the user_choice of a USER_CHOICE line
	placeAssociation                // a USER_IDENTIFIERS_ASSOCIATION_DECLARATIONS line
	placeIdentDeletion              // a USER_IDENTIFIERS_DELETION line
	placePointDeletion              // a USER_POINTS_DELETION line
	placeAccount                    // an identifier of type USER_ACCOUNT
	placeEmail                      // an identifier of type USER_EMAIL in identifiers
	placeEmailDeletion              // an identifier of type USER_EMAIL that deletes it
	placeAgent                      // an identifier of type USER_AGENT
	placePoint                      // an identifier of type USER_POINT
	numPlaces
)

// kind is what a key's value must be.
type kind uint8

const (
	kindText   kind = iota + 1 // a non-empty string
	kindBool                   // true or false
	kindCount                  // a whole number, 0 or more
	kindMillis                 // epoch milliseconds: a whole number of 10^11 or more
	kindEnum                   // one of the key's values
	kindObject                 // any JSON object: the user's own fields
	kindJSON                   // a JSON object encoded as a string (an object is encoded for the user)
	kindID                     // a non-empty string or a whole number above 0
	kindPlace                  // an object of the key's place
	kindList                   // a list of typed identifiers
)

// spec is one key of a place: what its value must be, and whether the place
// requires it whatever its other keys say (what an operation or a type
// requires is in rules.go).
type spec struct {
	key      string
	kind     kind
	enum     []string // kindEnum
	place    place    // kindPlace
	required bool
}

// The identifiers of one user on a line of a profile, a segment or a
// choice; compartment_id goes with user_account_id.
var userIDKeys = []spec{
	{key: "compartment_id", kind: kindID},
	{key: "user_account_id", kind: kindText},
	{key: "email_hash", kind: kindText},
	{key: "user_agent_id", kind: kindText},
}

// identifierTypes are the places of the identifiers, by their type.
var identifierTypes = map[string]place{
	"USER_ACCOUNT": placeAccount, "USER_EMAIL": placeEmail, "USER_AGENT": placeAgent, "USER_POINT": placePoint,
}

// placeKeys are the keys each place takes, in the order the formats show
// them (the order matters for did-you-mean ties: the earlier wins).
var placeKeys = [numPlaces][]spec{
	placeProfile: append([]spec{
		{key: "operation", kind: kindEnum, enum: []string{"UPSERT", "DELETE"}, required: true},
		{key: "force_replace", kind: kindBool},
		{key: "merge_objects", kind: kindBool},
		{key: "update_strategy", kind: kindEnum, enum: []string{"PARTIAL_UPDATE", "PARTIAL_DELETE", "FORCE_REPLACE"}},
		{key: "user_profile", kind: kindObject},
	}, userIDKeys...),
	placeSegment: append([]spec{
		{key: "operation", kind: kindEnum, enum: []string{"UPDATE", "DELETE"}, required: true},
		{key: "segment_id", kind: kindID},
		{key: "segment_technical_name", kind: kindText},
		{key: "expiration_duration", kind: kindCount},
		{key: "expiration_ts", kind: kindMillis},
		{key: "data_bag", kind: kindJSON},
	}, userIDKeys...),
	placeChoice: append([]spec{
		{key: "operation", kind: kindEnum, enum: []string{"UPSERT", "DELETE"}, required: true},
		{key: "force_replace", kind: kindBool},
		{key: "user_choice", kind: kindPlace, place: placeUserChoice, required: true},
	}, userIDKeys...),
	placeUserChoice: {
		{key: "$processing_id", kind: kindID, required: true},
		{key: "$choice_ts", kind: kindMillis},
	},
	placeAssociation:   {{key: "identifiers", kind: kindList, required: true}},
	placeIdentDeletion: {{key: "type", kind: kindEnum, enum: []string{"USER_ACCOUNT", "USER_EMAIL", "USER_AGENT"}, required: true}},
	placePointDeletion: {{key: "type", kind: kindEnum, enum: []string{"USER_ACCOUNT", "USER_EMAIL", "USER_AGENT", "USER_POINT"}, required: true}},
	placeAccount: {
		{key: "type", kind: kindEnum, enum: []string{"USER_ACCOUNT"}, required: true},
		{key: "user_account_id", kind: kindText, required: true},
		{key: "compartment_id", kind: kindID},
	},
	placeEmail: {
		{key: "type", kind: kindEnum, enum: []string{"USER_EMAIL"}, required: true},
		{key: "hash", kind: kindText, required: true},
		{key: "email", kind: kindText},
	},
	placeEmailDeletion: {
		{key: "type", kind: kindEnum, enum: []string{"USER_EMAIL"}, required: true},
		{key: "hash", kind: kindText, required: true},
	},
	placeAgent: {
		{key: "type", kind: kindEnum, enum: []string{"USER_AGENT"}, required: true},
		{key: "user_agent_id", kind: kindText, required: true},
	},
	placePoint: {
		{key: "type", kind: kindEnum, enum: []string{"USER_POINT"}, required: true},
		{key: "user_point_id", kind: kindText, required: true},
	},
}

// linePlaces are the place of a whole line, by document type.
var linePlaces = map[Type]place{
	UserProfile:             placeProfile,
	UserSegment:             placeSegment,
	UserChoice:              placeChoice,
	UserAssociations:        placeAssociation,
	UserIdentifiersDeletion: placeIdentDeletion,
	UserPointsDeletion:      placePointDeletion,
}

// takesCustomKeys reports whether a place takes keys of its own besides its
// table's: the user_choice of a choice takes the user's fields (without $).
func (pl place) takesCustomKeys() bool { return pl == placeUserChoice }

// spec returns the spec of key at pl.
func (pl place) spec(key string) (spec, bool) {
	for _, s := range placeKeys[pl] {
		if s.key == key {
			return s, true
		}
	}
	return spec{}, false
}

// keyNames lists the keys of pl, for did-you-mean.
func (pl place) keyNames() []string {
	names := make([]string, len(placeKeys[pl]))
	for i, s := range placeKeys[pl] {
		names[i] = s.key
	}
	return names
}
