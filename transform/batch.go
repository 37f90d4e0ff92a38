package transform

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"csv2activity/input"
)

// batch is a batch of records read from one of the run's inputs, the unit of
// work of the parallel workers.
type batch struct {
	*input.Batch
	input uint32 // index of the input among the run's inputs
}

// batchSize is how many bytes of records a batch holds (at least one record).
// Tests lower it to cut inputs into many batches.
var batchSize = 128 << 10

// malformed is the reject of a batch's Malformed line.
func (b *batch) malformed() Reject {
	m := b.Malformed
	kind := RejectCSV
	if m.TooLong {
		kind = RejectRowSize
	}
	return Reject{File: b.File, Line: m.Line, Reason: m.Reason, Raw: m.Raw, Kind: kind}
}

// errHeaderMismatch is the cause when a later input's header differs.
var errHeaderMismatch = errors.New("header differs from the first input's")

// errKindMismatch is the cause when a later input is not of the first one's
// kind (sameKind).
var errKindMismatch = errors.New("not of the first input's kind")

// sameKind refuses an input that is not of the first input's kind: a
// workbook or Parquet file writes its numbers and dates in one form
// (mapping.TypedCells) and CSV text in the forms its columns declare, so
// that a cell of one read as the other could give another value ("1.234"
// under decimal_separator ",").
func sameKind(name string, typed, firstTyped bool) error {
	if typed == firstTyped {
		return nil
	}
	kind := map[bool]string{true: "a workbook or Parquet file", false: "CSV"}
	return fmt.Errorf("%s: %w: it is %s and the first input is %s; convert them in separate runs",
		name, errKindMismatch, kind[typed], kind[firstTyped])
}

// sameHeader checks that a later input has the first one's columns.
func sameHeader(name string, got, want []string) error {
	if slices.Equal(got, want) {
		return nil
	}
	return fmt.Errorf("%s: %w: got %s, want %s", name, errHeaderMismatch, strings.Join(got, ","), strings.Join(want, ","))
}
