package input

import (
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// A Parquet file (as data lakes export them) is read a batch of rows at a
// time with parquet-go; its header is its columns' names, and each cell is
// written from the column's type in the file's schema (typed.go): integers
// exactly, decimals to their scale, floats in their shortest form, dates as
// 2024-01-31, timestamps in ISO 8601 (with Z when the schema says UTC), byte
// arrays as text, null as an empty cell. Only flat schemas are read: a
// repeated or nested column is an error naming it (TestParquetFlatOnly).

// parquetRows reads a Parquet file's rows as text.
type parquetRows struct {
	r      *parquet.Reader
	cols   []parquetColumn
	text   []bool // the columns of text (byte arrays without a decimal type)
	header bool   // the header has been handed out
	rows   []parquet.Row
	n, i   int // rows in rows, and the next one to hand out
}

// parquetColumn is a leaf column: its name, and how its values are written.
type parquetColumn struct {
	name string
	text func(parquet.Value) string
}

// parquetBatch is how many rows are read at a time.
const parquetBatch = 256

// openParquet opens the Parquet file o.
func openParquet(name string, o *opened) (*parquetRows, error) {
	f, err := parquet.OpenFile(o.ra, o.size)
	if err != nil {
		return nil, fmt.Errorf("read %s: parquet: %w", name, err)
	}
	schema := f.Schema()
	var cols []parquetColumn
	var text []bool
	for _, path := range schema.Columns() {
		leaf, ok := schema.Lookup(path...)
		col := strings.Join(path, ".")
		if !ok || len(path) != 1 || leaf.MaxRepetitionLevel > 0 {
			return nil, fmt.Errorf("read %s: parquet column %q is nested or repeated: only flat columns are read", name, col)
		}
		cols = append(cols, parquetColumn{name: col, text: valueText(leaf.Node.Type())})
		text = append(text, isText(leaf.Node.Type()))
	}
	return &parquetRows{r: parquet.NewReader(f), cols: cols, text: text, rows: make([]parquet.Row, parquetBatch)}, nil
}

// next returns the header, then each row's cells, then io.EOF.
func (p *parquetRows) next() ([]string, []bool, error) {
	if !p.header {
		p.header = true
		names := make([]string, len(p.cols))
		for i, c := range p.cols {
			names[i] = c.name
		}
		return names, nil, nil
	}
	if p.i == p.n {
		n, err := p.r.ReadRows(p.rows)
		if n == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return nil, nil, io.EOF
			}
			return nil, nil, fmt.Errorf("parquet: %w", err)
		}
		p.n, p.i = n, 0
	}
	row := p.rows[p.i]
	p.i++
	cells := make([]string, len(p.cols))
	for _, v := range row {
		if c := v.Column(); c >= 0 && c < len(cells) && !v.IsNull() {
			cells[c] = p.cols[c].text(v)
		}
	}
	return cells, p.text, nil
}

// Close closes the rows' reader.
func (p *parquetRows) Close() error { return p.r.Close() }

// valueText is how the values of a column of type t are written.
func valueText(t parquet.Type) func(parquet.Value) string {
	if lt := t.LogicalType(); lt != nil && lt.Value != nil {
		switch l := lt.Value.(type) {
		case *format.DateType:
			return func(v parquet.Value) string {
				return time.Unix(int64(v.Int32())*86400, 0).UTC().Format(time.DateOnly)
			}
		case *format.TimestampType:
			return timestampText(l)
		case *format.DecimalType:
			return decimalText(t.Kind(), int(l.Scale))
		case *format.IntType:
			if !l.IsSigned {
				return func(v parquet.Value) string { return strconv.FormatUint(v.Uint64(), 10) }
			}
		}
	}
	switch t.Kind() {
	case parquet.Boolean:
		return func(v parquet.Value) string { return strconv.FormatBool(v.Boolean()) }
	case parquet.Int32:
		return func(v parquet.Value) string { return strconv.FormatInt(int64(v.Int32()), 10) }
	case parquet.Int64:
		return func(v parquet.Value) string { return strconv.FormatInt(v.Int64(), 10) }
	case parquet.Int96:
		return func(v parquet.Value) string { return int96Time(v).Format(isoUTC) }
	case parquet.Float:
		return func(v parquet.Value) string { return strconv.FormatFloat(float64(v.Float()), 'f', -1, 32) }
	case parquet.Double:
		return func(v parquet.Value) string { return strconv.FormatFloat(v.Double(), 'f', -1, 64) }
	}
	return func(v parquet.Value) string { return string(v.ByteArray()) }
}

// isText reports whether a column of type t holds text: a byte array (UTF8,
// ENUM, JSON, none…) that is not a decimal.
func isText(t parquet.Type) bool {
	switch t.Kind() {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		lt := t.LogicalType()
		if lt == nil {
			return true
		}
		_, decimal := lt.Value.(*format.DecimalType)
		return !decimal
	}
	return false
}

// isoUTC and isoLocal are how timestamps are written, with and without a zone.
const (
	isoUTC   = "2006-01-02T15:04:05.999999999Z"
	isoLocal = "2006-01-02T15:04:05.999999999"
)

// timestampText writes a timestamp of the schema's unit; one adjusted to UTC
// says so (Z), one that is not is a local time (the column's timezone).
func timestampText(l *format.TimestampType) func(parquet.Value) string {
	at := time.UnixMilli
	switch l.Unit.Value.(type) {
	case *format.MicroSeconds:
		at = time.UnixMicro
	case *format.NanoSeconds:
		at = func(n int64) time.Time { return time.Unix(0, n) }
	}
	layout := isoLocal
	if l.IsAdjustedToUTC {
		layout = isoUTC
	}
	return func(v parquet.Value) string { return at(v.Int64()).UTC().Format(layout) }
}

// int96Time is a legacy INT96 timestamp (Impala, Spark): nanoseconds of the
// day, then the Julian day.
func int96Time(v parquet.Value) time.Time {
	i := v.Int96()
	nanos := int64(i[1])<<32 | int64(i[0])
	day := int64(i[2]) - 2440588 // the Julian day of 1970-01-01
	return time.Unix(day*86400, nanos).UTC()
}

// decimalText writes a decimal of the given scale from its unscaled integer,
// stored as an INT32, an INT64 or big-endian two's complement bytes.
func decimalText(kind parquet.Kind, scale int) func(parquet.Value) string {
	return func(v parquet.Value) string {
		var unscaled *big.Int
		switch kind {
		case parquet.Int32:
			unscaled = big.NewInt(int64(v.Int32()))
		case parquet.Int64:
			unscaled = big.NewInt(v.Int64())
		default:
			b := v.ByteArray()
			unscaled = new(big.Int).SetBytes(b)
			if len(b) > 0 && b[0]&0x80 != 0 {
				unscaled.Sub(unscaled, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
			}
		}
		return scaled(unscaled.String(), scale)
	}
}

// scaled puts the point scale digits from the right of the integer s, as a
// CSV export of the column writes it: 12345, 2 -> 123.45; 1200, 2 -> 12.00.
func scaled(s string, scale int) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	if scale <= 0 {
		return sign + s
	}
	if len(s) <= scale {
		s = strings.Repeat("0", scale-len(s)+1) + s
	}
	return sign + s[:len(s)-scale] + "." + s[len(s)-scale:]
}
