package mapping

import (
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"time"

	"github.com/govalues/decimal"
)

// A row that waits for the rest of its group is typed once, when it is
// read: AppendCells writes its typed values in binary beside its text, and
// CellsRow gives them back when the group is built, without parsing its
// numbers and dates again. Text columns are not written: their value is
// the cell. KeyCells (append.go) types the cells that where and group_by do
// not read straight into this form (appendCell), boxing none of them.
// TestCellsMatchRow compares CellsRow with Row, TestKeyCellsMatchKeyRow
// KeyCells with KeyRow then AppendCells.

// The tags of a value in AppendCells' binary form.
const (
	cellNil byte = iota
	cellInt
	cellFloat
	cellDecimal
	cellFalse
	cellTrue
	cellTime    // in the column's time zone
	cellTimeUTC // in UTC
)

// AppendCells appends to dst the typed values of a row (vals, from KeyRow
// or Row) of the columns that are not text, in binary. ok is false when a
// value has no binary form (a decimal of 19 digits above 2^63, a time in
// another zone than its column's): dst is then returned as it was, and the
// row is typed again with Row.
func (p *Program) AppendCells(dst []byte, vals []any) (out []byte, ok bool) {
	start := len(dst)
	for i, c := range p.cols {
		if p.skip[i] || c.Type == String {
			continue
		}
		if dst, ok = c.appendValue(dst, vals[i]); !ok {
			return dst[:start], false
		}
	}
	return dst, true
}

// appendValue appends the binary form of v, a value of column c, or
// reports that it has none.
func (c *Column) appendValue(dst []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return append(dst, cellNil), true
	case int:
		return binary.AppendVarint(append(dst, cellInt), int64(v)), true
	case float64:
		return appendFloat(dst, v), true
	case decimal.Decimal:
		return appendDecimal(dst, v)
	case bool:
		return appendBool(dst, v), true
	case time.Time:
		return c.appendTime(dst, v)
	}
	return dst, false
}

func appendFloat(dst []byte, f float64) []byte {
	return binary.LittleEndian.AppendUint64(append(dst, cellFloat), math.Float64bits(f))
}

func appendDecimal(dst []byte, d decimal.Decimal) ([]byte, bool) {
	coef := d.Coef()
	if coef > math.MaxInt64 {
		return dst, false
	}
	n := int64(coef)
	if d.IsNeg() {
		n = -n
	}
	return append(binary.AppendVarint(append(dst, cellDecimal), n), byte(d.Scale())), true
}

func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, cellTrue)
	}
	return append(dst, cellFalse)
}

func (c *Column) appendTime(dst []byte, t time.Time) ([]byte, bool) {
	switch t.Location() {
	case c.Timezone:
		dst = append(dst, cellTime)
	case time.UTC:
		dst = append(dst, cellTimeUTC)
	default:
		return dst, false
	}
	dst = binary.AppendVarint(dst, t.Unix())
	return binary.AppendUvarint(dst, uint64(t.Nanosecond())), true
}

// appendCell types the cell s of column c (not a text column) as parse does
// and appends the binary form of its value, without boxing it into an
// interface; ok is false when the value has no binary form.
func (c *Column) appendCell(dst []byte, s string) (out []byte, ok bool, err error) {
	t := strings.TrimSpace(s)
	switch {
	case t == "" && c.Optional:
		return append(dst, cellNil), true, nil
	case t == "":
		return dst, false, errEmpty
	case c.typed: // a typed input's forms come first (parseTyped)
		v, err := c.parse(s)
		if err != nil {
			return dst, false, err
		}
		out, ok = c.appendValue(dst, v)
		return out, ok, nil
	}
	switch c.Type {
	case Int:
		n, err := c.intOf(t)
		return binary.AppendVarint(append(dst, cellInt), n), err == nil, err
	case Float:
		f, err := c.floatOf(t)
		return appendFloat(dst, f), err == nil, err
	case Decimal:
		d, err := c.decimalOf(t)
		if err != nil {
			return dst, false, err
		}
		out, ok = appendDecimal(dst, d)
		return out, ok, nil
	case Bool:
		b, err := boolOf(t)
		return appendBool(dst, b), err == nil, err
	}
	tm, err := c.timeOf(t)
	if err != nil {
		return dst, false, err
	}
	out, ok = c.appendTime(dst, tm)
	return out, ok, nil
}

// errCells is a binary form of cells that does not read back.
var errCells = errors.New("internal error: stored cells do not read back")

// CellsRow returns the typed values of a row from its fields (one per header
// column) and the binary form AppendCells wrote of its typed values: the
// values Row gives, without typing the cells again.
func (p *Program) CellsRow(fields []string, cells []byte) ([]any, error) {
	vals := make([]any, len(p.cols))
	if err := p.cellsRowInto(vals, fields, cells, nil); err != nil {
		return nil, err
	}
	return vals, nil
}

// cellsRowInto is CellsRow into vals (one per column), for the columns of
// need alone (every column when need is nil): the others are left as they
// are, their binary form skipped.
func (p *Program) cellsRowInto(vals []any, fields []string, cells []byte, need []bool) error {
	for i, c := range p.cols {
		if p.skip[i] {
			continue
		}
		want := need == nil || need[i]
		if c.Type == String {
			if want {
				vals[i], _ = c.parse(fields[i]) // a string: never fails
			}
			continue
		}
		v, k, err := readCell(c, cells, want)
		if err != nil {
			return err
		}
		if want {
			vals[i] = v
		}
		cells = cells[k:]
	}
	return nil
}

// readCell reads the binary form of the value of column c at the start of
// cells, and returns it (with value, else nil) and its length.
func readCell(c *Column, cells []byte, value bool) (any, int, error) {
	if len(cells) == 0 {
		return nil, 0, errCells
	}
	tag, body := cells[0], cells[1:]
	var v any
	var k int
	switch tag {
	case cellNil:
	case cellInt:
		var n int64
		if n, k = binary.Varint(body); k <= 0 {
			return nil, 0, errCells
		}
		if value {
			v = int(n)
		}
	case cellFloat:
		if len(body) < 8 {
			return nil, 0, errCells
		}
		if k = 8; value {
			v = math.Float64frombits(binary.LittleEndian.Uint64(body))
		}
	case cellDecimal:
		var n int64
		if n, k = binary.Varint(body); k <= 0 || k >= len(body) {
			return nil, 0, errCells
		}
		d, err := decimal.New(n, int(body[k]))
		if err != nil {
			return nil, 0, errors.Join(errCells, err)
		}
		if k++; value {
			v = d
		}
	case cellFalse, cellTrue:
		if value {
			v = tag == cellTrue
		}
	case cellTime, cellTimeUTC:
		sec, k1 := binary.Varint(body)
		if k1 <= 0 {
			return nil, 0, errCells
		}
		nsec, k2 := binary.Uvarint(body[k1:])
		if k2 <= 0 {
			return nil, 0, errCells
		}
		loc := time.UTC
		if tag == cellTime {
			loc = c.Timezone
		}
		if k = k1 + k2; value {
			v = time.Unix(sec, int64(nsec)).In(loc)
		}
	default:
		return nil, 0, errCells
	}
	return v, 1 + k, nil
}
