package upload

import (
	"csv2activity/activity"
	"csv2activity/document"
)

// lineRules checks one ndjson line: the activity rules (*activity.Rules,
// nil included) or the rules of another document type (*document.Rules).
type lineRules interface {
	ValidateLine(line []byte) error
}

// validateLine checks line with rules; nil rules are the activity rules.
func validateLine(rules lineRules, line []byte) error {
	if rules == nil {
		return activity.ValidateLine(line)
	}
	return rules.ValidateLine(line)
}

// lineRules returns the rules of the lines of o's document type.
func (o *Options) lineRules() lineRules {
	if r := o.DocumentType.Rules(); r != nil {
		return r
	}
	return o.Rules
}

// documentType is the type the state records; a state written before types
// were recorded is for USER_ACTIVITY.
func (st *State) documentType() document.Type {
	if st.DocumentType == "" {
		return document.UserActivity
	}
	return document.Type(st.DocumentType)
}
