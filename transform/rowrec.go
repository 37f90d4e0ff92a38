package transform

import (
	"encoding/binary"
	"unicode/utf8"
	"unsafe"
)

// A stored record is how a row waits for the rest of its group, in memory
// and in spill files: its text as read (for the rejects file) and where each
// of its fields stands, so that building its group does not parse CSV again.
// It holds no pointer: the group store keeps records end to end in large
// chunks, which the garbage collector does not scan.
//
// Layout: uvarint len(raw), uvarint len(extra), raw, extra, uvarint the
// number of fields, a byte the delimiter's width in UTF-8, then per field
// one uvarint: its length times 4 plus where it stands (fieldBare, in raw
// where the last field placed ends, past a delimiter; fieldQuoted, the same
// between quotes; fieldExtra, next in extra); last, the row's typed values
// (Program.AppendCells) after a byte 1, or a byte 0 when the row is to be
// typed again. A field that does not stand in raw as it is (doubled quotes,
// a line break made \n) is written out in extra, and so is every field
// after it.

// Where a field of a stored record stands.
const (
	fieldBare   = iota // in raw, as it is
	fieldQuoted        // in raw, between quotes
	fieldExtra         // in extra
)

// recordWriter makes stored records, reusing its memory from row to row.
type recordWriter struct {
	where []byte // where each field stands
}

// append appends the stored record of a row (its text raw, its fields, its
// delimiter comma) to dst. A field is only placed in raw where raw holds its
// very bytes, so that a field placed wrong cannot be read back wrong.
func (w *recordWriter) append(dst, raw []byte, fields []string, comma rune) []byte {
	extra := 0
	cur, width := 0, utf8.RuneLen(comma)
	w.where = append(w.where[:0], make([]byte, len(fields))...)
	for i, f := range fields {
		switch {
		case cur < 0:
			w.where[i] = fieldExtra
		case cur+len(f) <= len(raw) && string(raw[cur:cur+len(f)]) == f && (cur+len(f) == len(raw) || raw[cur+len(f)] != '"'):
			w.where[i] = fieldBare
			cur += len(f) + width
		case cur+len(f)+2 <= len(raw) && raw[cur] == '"' && string(raw[cur+1:cur+1+len(f)]) == f && raw[cur+1+len(f)] == '"':
			w.where[i] = fieldQuoted
			cur += len(f) + 2 + width
		default:
			w.where[i] = fieldExtra
			cur = -1 // the next fields cannot be placed either
		}
		if w.where[i] == fieldExtra {
			extra += len(f)
		}
	}
	dst = binary.AppendUvarint(dst, uint64(len(raw)))
	dst = binary.AppendUvarint(dst, uint64(extra))
	dst = append(dst, raw...)
	for i, f := range fields {
		if w.where[i] == fieldExtra {
			dst = append(dst, f...)
		}
	}
	dst = binary.AppendUvarint(dst, uint64(len(fields)))
	dst = append(dst, byte(width))
	for i, f := range fields {
		dst = binary.AppendUvarint(dst, uint64(len(f))<<2|uint64(w.where[i]))
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

// recordFields appends the fields of a stored record to dst, and returns the
// record's typed values (nil when the row is to be typed again). The fields
// point into rec, which must not change while they are in use.
func recordFields(dst []string, rec []byte) ([]string, []byte) {
	n, k := binary.Uvarint(rec)
	extra, k2 := binary.Uvarint(rec[k:])
	text := rec[k+k2 : k+k2+int(n+extra)]
	rest := rec[k+k2+len(text):]
	count, k := binary.Uvarint(rest)
	width := int(rest[k])
	rest = rest[k+1:]
	cur, next := 0, int(n) // in raw, in extra
	for range count {
		var v uint64
		if rest[0] < 0x80 { // most fields are short: one byte
			v, rest = uint64(rest[0]), rest[1:]
		} else {
			v, k = binary.Uvarint(rest)
			rest = rest[k:]
		}
		size, off := int(v>>2), 0
		switch v & 3 {
		case fieldBare:
			off, cur = cur, cur+size+width
		case fieldQuoted:
			off, cur = cur+1, cur+size+2+width
		default:
			off, next = next, next+size
		}
		if size == 0 {
			dst = append(dst, "")
			continue
		}
		dst = append(dst, unsafe.String(&text[off], size))
	}
	if len(rest) == 0 || rest[0] == 0 {
		return dst, nil
	}
	return dst, rest[1:]
}
