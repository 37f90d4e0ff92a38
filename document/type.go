package document

import (
	"errors"
	"fmt"
	"strings"
)

// Type is a document type of the bulk import API, as document_type names it.
type Type string

// The document types the bulk import takes as ndjson.
const (
	UserActivity            Type = "USER_ACTIVITY"
	UserProfile             Type = "USER_PROFILE"
	UserSegment             Type = "USER_SEGMENT"
	UserChoice              Type = "USER_CHOICE"
	UserAssociations        Type = "USER_IDENTIFIERS_ASSOCIATION_DECLARATIONS"
	UserIdentifiersDeletion Type = "USER_IDENTIFIERS_DELETION"
	UserPointsDeletion      Type = "USER_POINTS_DELETION"
)

// Types lists every document type, USER_ACTIVITY first.
var Types = []Type{UserActivity, UserProfile, UserSegment, UserChoice, UserAssociations, UserIdentifiersDeletion, UserPointsDeletion}

// ErrType is wrapped by the error of ParseType.
var ErrType = errors.New("unknown document type")

// ParseType returns the type named s; "" is USER_ACTIVITY. An unknown name
// is an error wrapping ErrType that lists the types, with a did-you-mean.
func ParseType(s string) (Type, error) {
	if s == "" {
		return UserActivity, nil
	}
	names := make([]string, len(Types))
	for i, t := range Types {
		if string(t) == s {
			return t, nil
		}
		names[i] = string(t)
	}
	return "", fmt.Errorf("%w %q%s: the bulk import takes %s", ErrType, s, didYouMean(s, names), strings.Join(names, ", "))
}

// Rules returns the rules of t's lines, or nil for USER_ACTIVITY, whose
// rules are package activity's.
func (t Type) Rules() *Rules {
	return rulesOf[t] // USER_ACTIVITY (and "") has no entry
}

// rulesOf holds the rules of every type but USER_ACTIVITY.
var rulesOf = map[Type]*Rules{}

func init() {
	for t, line := range linePlaces {
		rulesOf[t] = &Rules{typ: t, line: line}
	}
}
