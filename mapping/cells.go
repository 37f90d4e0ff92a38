package mapping

import (
	"encoding/binary"
	"errors"
	"math"
	"time"

	"github.com/govalues/decimal"
)

// A row that waits for the rest of its group is typed once, when it is
// read: AppendCells writes its typed values in binary beside its text, and
// CellsRow gives them back when the group is built, without parsing its
// numbers and dates again. Text columns are not written: their value is
// the cell. TestCellsMatchRow compares CellsRow with Row.

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
		switch v := vals[i].(type) {
		case nil:
			dst = append(dst, cellNil)
		case int:
			dst = binary.AppendVarint(append(dst, cellInt), int64(v))
		case float64:
			dst = binary.LittleEndian.AppendUint64(append(dst, cellFloat), math.Float64bits(v))
		case decimal.Decimal:
			coef := v.Coef()
			if coef > math.MaxInt64 {
				return dst[:start], false
			}
			n := int64(coef)
			if v.IsNeg() {
				n = -n
			}
			dst = binary.AppendVarint(append(dst, cellDecimal), n)
			dst = append(dst, byte(v.Scale()))
		case bool:
			if v {
				dst = append(dst, cellTrue)
			} else {
				dst = append(dst, cellFalse)
			}
		case time.Time:
			switch v.Location() {
			case c.Timezone:
				dst = append(dst, cellTime)
			case time.UTC:
				dst = append(dst, cellTimeUTC)
			default:
				return dst[:start], false
			}
			dst = binary.AppendVarint(dst, v.Unix())
			dst = binary.AppendUvarint(dst, uint64(v.Nanosecond()))
		default:
			return dst[:start], false
		}
	}
	return dst, true
}

// errCells is a binary form of cells that does not read back.
var errCells = errors.New("internal error: stored cells do not read back")

// CellsRow returns the typed values of a row from its fields (one per header
// column) and the binary form AppendCells wrote of its typed values: the
// values Row gives, without typing the cells again.
func (p *Program) CellsRow(fields []string, cells []byte) ([]any, error) {
	vals := make([]any, len(p.cols))
	for i, c := range p.cols {
		if p.skip[i] {
			continue
		}
		if c.Type == String {
			vals[i], _ = c.parse(fields[i]) // a string: never fails
			continue
		}
		if len(cells) == 0 {
			return nil, errCells
		}
		tag := cells[0]
		cells = cells[1:]
		var k int
		switch tag {
		case cellNil:
		case cellInt:
			var n int64
			if n, k = binary.Varint(cells); k <= 0 {
				return nil, errCells
			}
			vals[i] = int(n)
		case cellFloat:
			if len(cells) < 8 {
				return nil, errCells
			}
			vals[i], k = math.Float64frombits(binary.LittleEndian.Uint64(cells)), 8
		case cellDecimal:
			var n int64
			if n, k = binary.Varint(cells); k <= 0 || k >= len(cells) {
				return nil, errCells
			}
			d, err := decimal.New(n, int(cells[k]))
			if err != nil {
				return nil, errors.Join(errCells, err)
			}
			vals[i], k = d, k+1
		case cellFalse, cellTrue:
			vals[i] = tag == cellTrue
		case cellTime, cellTimeUTC:
			sec, k1 := binary.Varint(cells)
			if k1 <= 0 {
				return nil, errCells
			}
			nsec, k2 := binary.Uvarint(cells[k1:])
			if k2 <= 0 {
				return nil, errCells
			}
			loc := time.UTC
			if tag == cellTime {
				loc = c.Timezone
			}
			vals[i], k = time.Unix(sec, int64(nsec)).In(loc), k1+k2
		default:
			return nil, errCells
		}
		cells = cells[k:]
	}
	return vals, nil
}
