// Package activity holds the mediarithmics user-activity object: an ordered JSON
// value model (Object), its encoder (AppendJSON), a line parser (Parse) and the
// rules every activity must meet before it is written or sent: Validate for the
// first rule an activity breaks, Rules.Problems for every one, and Rules.Allow
// for a "$" key the platform reads that no public page lists. Rules.CheckTemplate
// and Plan check a template activity, whose values are known only later, once.
//
// The rules are those of the bulk import API: bulk-imported activities are stored
// exactly as sent, so this package is the last line of defence for their shape.
package activity
