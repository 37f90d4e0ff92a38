// Package input is where CSV is read: it decodes an export (auto-detected or
// declared character set), sniffs its delimiter, reads its header and cuts
// the rest into batches of whole records, rejecting a malformed line without
// losing the rows after it.
//
// Open an input, call Next until it returns nil, and Parse each batch's Data
// into records (on any goroutine); ReadSample does the same for a sample.
package input
