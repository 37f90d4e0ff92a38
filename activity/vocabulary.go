package activity

import "slices"

// Vocabulary is what the rules know by name, for tools that check a template
// before any activity exists (a mapping's keys and constants). Each call
// returns fresh slices.
type Vocabulary struct {
	ActivityKeys    []string // the "$" keys of an activity
	EventKeys       []string // the "$" keys of an event
	Types           []string // the values of $type
	SessionStatuses []string // the values of $session_status
}

// Words returns the rules' vocabulary.
func Words() Vocabulary {
	return Vocabulary{
		ActivityKeys:    slices.Clone(activityKeys),
		EventKeys:       slices.Clone(eventKeys),
		Types:           slices.Clone(activityTypes),
		SessionStatuses: slices.Clone(sessionStatuses),
	}
}
