package input

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"csv2activity/internal/bytesize"
)

// Zip archives, workbooks and Parquet files need random access: one read
// from a pipe, or found inside a gzip or zstd stream, is first copied to a
// temporary file in the temporary folder ($TMPDIR), removed from its folder
// as soon as it is made (the open file keeps it until the run closes it:
// nothing is left behind, even by kill -9).

// maxSpool bounds the copy of a decompressed zip archive, workbook or
// Parquet file, so that a stream that inflates without end cannot fill the
// temporary folder: past it, the input is refused (decompressed first, the
// file is read where it lies).
var maxSpool int64 = 4 << 30

// readerAt gives random access to o, a zip archive or a Parquet file: its
// file, or a temporary copy of a pipe.
func readerAt(o *opened, br *bufio.Reader) (io.ReaderAt, int64, error) {
	if f := o.file; f != nil {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			return f, fi.Size(), nil
		}
	}
	return spool(o, br, o.kind.what(), 0)
}

// spool copies r, the content of o that what names, to a temporary file
// (closed with o) and returns it and its size. A limit above 0 bounds the
// copy: a longer r is an error naming the limit.
func spool(o *opened, r io.Reader, what string, limit int64) (*os.File, int64, error) {
	tmp, err := os.CreateTemp("", "csv2activity-copy-*")
	if err != nil {
		return nil, 0, fmt.Errorf("copy the %s to a temporary file: %w", what, err)
	}
	os.Remove(tmp.Name())
	o.closer = closers{tmp, o.closer}
	src := r
	if limit > 0 {
		src = io.LimitReader(r, limit+1)
	}
	n, err := io.Copy(tmp, src)
	if err != nil {
		return nil, 0, fmt.Errorf("copy the %s to %s: %w", what, tmp.Name(), err)
	}
	if limit > 0 && n > limit {
		return nil, 0, fmt.Errorf("the %s is larger than %s: decompress it first and give the file itself", what, bytesize.Format(limit))
	}
	return tmp, n, nil
}
