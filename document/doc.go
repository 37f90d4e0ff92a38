// Package document holds the rules of the bulk import's document types
// beyond USER_ACTIVITY (MEDIARITHMICS.md, "Other bulk document types"):
// ParseType reads a type's name, Type.Rules gives its rules, and Rules
// checks a line (Validate, ValidateLine, Problems) or a mapping's template
// of one (CheckTemplate) as package activity checks an activity: the key's
// path in every message, a did-you-mean for a misspelt key, one table of
// keys per place (keys.go).
package document
