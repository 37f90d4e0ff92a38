// Package document holds the rules of the bulk import's document types beyond
// USER_ACTIVITY (MEDIARITHMICS.md): ParseType reads a type's name, Type.Rules
// gives its rules, which check a line (Validate, Problems) or a mapping's
// template of one (CheckTemplate), with one table of keys per place (keys.go).
package document
