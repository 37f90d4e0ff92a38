// Package transform is the streaming pipeline: it reads CSV exports, types
// their rows, filters and groups them, and writes one activity per row or
// group as ndjson, in input order, with every rejected row accounted for.
//
// Convert does a whole run from files (atomic output, rejects file, summary);
// Run does the same from already open readers and writers, for callers that
// send the ndjson elsewhere (an upload). A run reads its input once, holds a
// bounded amount of it in memory, and parses and maps it on every core.
package transform
