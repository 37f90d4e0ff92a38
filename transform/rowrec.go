package transform

import (
	"encoding/binary"
	"unicode/utf8"
	"unsafe"

	"csv2activity/mapping"
)

// A stored record is how a row waits for the rest of its group, in memory
// and in spill files: its text as read (for the rejects file) and where each
// of its fields stands, so that building its group does not parse CSV again.
// It holds no pointer: the group store keeps records end to end in large
// chunks, which the garbage collector does not scan.
//
// Layout: uvarint len(raw), uvarint len(extra), raw, extra, uvarint the
// number of fields, then per field uvarint offset and uvarint length into
// raw followed by extra; last, the row's typed values (Program.AppendCells)
// after a byte 1, or a byte 0 when the row is to be typed again. A field is found in raw as it stands there, bare
// or between quotes; one that is not (doubled quotes, a line break made
// \n) is written out in extra.

// recordWriter makes stored records, reusing its memory from row to row.
type recordWriter struct {
	offs []int // where each field starts in raw, or -1
}

// append appends the stored record of a row (its text raw, its fields, its
// delimiter comma) to dst. A field's offset is only taken where raw holds
// its very bytes, so that a field placed wrong cannot be read back wrong.
func (w *recordWriter) append(dst, raw []byte, fields []string, comma rune) []byte {
	extra := 0
	cur, width := 0, utf8.RuneLen(comma)
	w.offs = append(w.offs[:0], make([]int, len(fields))...)
	offs := w.offs
	for i, f := range fields {
		offs[i] = -1
		switch {
		case cur < 0:
		case cur+len(f) <= len(raw) && string(raw[cur:cur+len(f)]) == f && (cur+len(f) == len(raw) || raw[cur+len(f)] != '"'):
			offs[i] = cur
			cur += len(f) + width
		case cur+len(f)+2 <= len(raw) && raw[cur] == '"' && string(raw[cur+1:cur+1+len(f)]) == f && raw[cur+1+len(f)] == '"':
			offs[i] = cur + 1
			cur += len(f) + 2 + width
		default:
			cur = -1 // the next fields cannot be placed either
		}
		if offs[i] < 0 {
			extra += len(f)
		}
	}
	dst = binary.AppendUvarint(dst, uint64(len(raw)))
	dst = binary.AppendUvarint(dst, uint64(extra))
	dst = append(dst, raw...)
	for i, f := range fields {
		if offs[i] < 0 {
			dst = append(dst, f...)
		}
	}
	dst = binary.AppendUvarint(dst, uint64(len(fields)))
	next := len(raw)
	for i, f := range fields {
		off := offs[i]
		if off < 0 {
			off, next = next, next+len(f)
		}
		dst = binary.AppendUvarint(dst, uint64(off))
		dst = binary.AppendUvarint(dst, uint64(len(f)))
	}
	return dst
}

// recordRaw returns the text of a stored record as read.
func recordRaw(rec []byte) []byte {
	n, k := binary.Uvarint(rec)
	_, k2 := binary.Uvarint(rec[k:])
	start := k + k2
	return rec[start : start+int(n)]
}

// appendCells ends a stored record with the row's typed values, when
// AppendCells can write them.
func appendCells(dst []byte, p *mapping.Program, vals []any) []byte {
	if vals == nil {
		return append(dst, 0)
	}
	out, ok := p.AppendCells(append(dst, 1), vals)
	if !ok {
		return append(dst, 0)
	}
	return out
}

// recordFields appends the fields of a stored record to dst, and returns the
// record's typed values (nil when the row is to be typed again). The fields
// point into rec, which must not change while they are in use.
func recordFields(dst []string, rec []byte) ([]string, []byte) {
	n, k := binary.Uvarint(rec)
	extra, k2 := binary.Uvarint(rec[k:])
	text := rec[k+k2 : k+k2+int(n+extra)]
	rest := rec[k+k2+len(text):]
	count, k := binary.Uvarint(rest)
	rest = rest[k:]
	for range count {
		off, k := binary.Uvarint(rest)
		size, k2 := binary.Uvarint(rest[k:])
		rest = rest[k+k2:]
		if size == 0 {
			dst = append(dst, "")
			continue
		}
		dst = append(dst, unsafe.String(&text[off], int(size)))
	}
	if len(rest) == 0 || rest[0] == 0 {
		return dst, nil
	}
	return dst, rest[1:]
}
