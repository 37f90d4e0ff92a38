package input

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compressed inputs are recognised by their first bytes, never by their
// names: a gzip'd export called orders.csv reads as one, and so does
// standard input. Decompression runs on a goroutine of its own (inflateAhead),
// so that it overlaps the decoding and cutting of the records it makes.

// Magic numbers of the containers an export may arrive in.
var (
	gzipMagic    = []byte{0x1f, 0x8b}
	zstdMagic    = []byte{0x28, 0xb5, 0x2f, 0xfd}
	zipMagic     = []byte("PK\x03\x04")
	zipEmpty     = []byte("PK\x05\x06")
	parquetMagic = []byte("PAR1")
)

// ErrZipMembers is the error of a zip archive that holds no file or several,
// given without naming one (archive.zip:member.csv).
var ErrZipMembers = errors.New("name the file to read as ARCHIVE.zip:MEMBER")

// peekSize is the buffer that recognises an input by its first bytes: small,
// so that the reads of a plain input mostly go straight to its file.
const peekSize = 4 << 10

// container is what an input's first bytes say it is.
type container uint8

const (
	plain container = iota
	gzipped
	zstded
	zipped
	workbookFile // an Excel workbook (.xlsx): a zip archive of XML
	parquetFile
)

// sniff says which container head starts.
func sniff(head []byte) container {
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		return gzipped
	case bytes.HasPrefix(head, zstdMagic):
		return zstded
	case bytes.HasPrefix(head, zipMagic), bytes.HasPrefix(head, zipEmpty):
		return zipped
	case bytes.HasPrefix(head, parquetMagic):
		return parquetFile
	}
	return plain
}

// what names a container that needs random access, in errors.
func (c container) what() string {
	if c == parquetFile {
		return "Parquet file"
	}
	return "zip archive"
}

// peek buffers r and says which container its first bytes start; errors
// name the input.
func peek(name string, r io.Reader) (*bufio.Reader, container, error) {
	br := bufio.NewReaderSize(r, peekSize)
	head, err := br.Peek(8)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, plain, fmt.Errorf("read %s: %w", name, err)
	}
	return br, sniff(head), nil
}

// opened is an input as found: what reads its content, and what to close.
type opened struct {
	r      io.Reader
	file   *os.File // the input's file (nil for standard input)
	closer io.Closer
	kind   container
	member string // the member asked for, if any

	ra   io.ReaderAt // a zip archive or workbook: its bytes
	size int64
}

// openRaw opens path ("-": stdin) without looking inside: a path that does
// not exist but reads as ARCHIVE:MEMBER names a member of a zip archive.
func openRaw(path string, stdin io.Reader) (*opened, error) {
	if path == "-" {
		if stdin == nil {
			stdin = os.Stdin
		}
		return &opened{r: stdin, closer: io.NopCloser(nil)}, nil
	}
	f, err := os.Open(path)
	if err == nil {
		return &opened{r: f, file: f, closer: f}, nil
	}
	if i := strings.LastIndexByte(path, ':'); i > 0 && errors.Is(err, os.ErrNotExist) {
		if af, aerr := os.Open(path[:i]); aerr == nil {
			return &opened{r: af, file: af, closer: af, member: path[i+1:]}, nil
		}
	}
	return nil, fmt.Errorf("open input: %w", err)
}

// uncompress looks at the first bytes of o and returns a reader of its
// content: decompressed on a goroutine of its own for gzip and zstd; for a
// zip archive, the member asked for (or its only file). A zip archive read
// from a pipe is first copied to a temporary file, since zip keeps its
// directory at its end; so is a gzip'd or zstd'd workbook, Parquet file or
// zip archive (see decompressed). Errors name the input.
func uncompress(ctx context.Context, name string, o *opened) error {
	src := o.r
	if ctx.Done() != nil { // else nothing can stop a run: no goroutine
		src = o.readAhead(ctx, src, cancelReadSize, 2)
	}
	br, kind, err := peek(name, src)
	if err != nil {
		return err
	}
	o.kind = kind
	if o.member != "" && o.kind != zipped {
		return fmt.Errorf("open input %s: %s is not a zip archive", name, strings.TrimSuffix(name, ":"+o.member))
	}
	switch o.kind {
	case gzipped:
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("read %s: gzip: %w", name, err)
		}
		return decompressed(ctx, name, o, "gzip", o.inflateAhead(ctx, "gzip", gz))
	case zstded:
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			return fmt.Errorf("read %s: zstd: %w", name, err)
		}
		o.closer = closers{zr.IOReadCloser(), o.closer}
		return decompressed(ctx, name, o, "zstd", o.inflateAhead(ctx, "zstd", zr))
	case zipped, parquetFile:
		ra, size, err := readerAt(o, br)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		return random(ctx, name, o, ra, size)
	default:
		o.r = br
	}
	return nil
}

// decompressed looks at the first bytes of r, the decompressed content of
// o (format names its compression). Text is read as it comes. A zip archive
// (a workbook is one) or a Parquet file needs random access: it is copied
// to a temporary file first, at most maxSpool bytes of it (spool). Content
// compressed again is refused, naming the input.
func decompressed(ctx context.Context, name string, o *opened, format string, r io.Reader) error {
	br, inner, err := peek(name, r)
	if err != nil {
		return err
	}
	switch inner {
	case plain:
		o.r = br
		return nil
	case gzipped, zstded:
		return fmt.Errorf("read %s: its %s content is compressed again: decompress it first and give the file itself", name, format)
	}
	tmp, size, err := spool(o, br, fmt.Sprintf("%s'd %s", format, inner.what()), maxSpool)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	o.kind = inner
	return random(ctx, name, o, tmp, size)
}

// random opens o, a zip archive or a Parquet file, through ra, its bytes.
func random(ctx context.Context, name string, o *opened, ra io.ReaderAt, size int64) error {
	o.ra, o.size = ra, size
	if o.kind == zipped {
		return openZip(ctx, name, o)
	}
	return nil
}

// openZip opens the zip archive o (o.ra) and positions o.r on its member:
// the one named, or the only file it holds. A workbook (.xlsx) is left to
// openWorkbook: o.kind says so.
func openZip(ctx context.Context, name string, o *opened) error {
	zr, err := zip.NewReader(o.ra, o.size)
	if err != nil {
		return fmt.Errorf("read %s: zip: %w", name, err)
	}
	if o.member == "" && isWorkbook(zr) {
		o.kind = workbookFile
		return nil
	}
	f, err := zipMember(zr, o.member)
	if err != nil {
		return fmt.Errorf("open input %s: %w", name, err)
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("read %s: zip member %s: %w", name, f.Name, err)
	}
	// A member is read as text: one that is itself compressed, a workbook
	// or a Parquet file is refused rather than read as mojibake.
	mr := bufio.NewReaderSize(rc, peekSize)
	if head, _ := mr.Peek(8); sniff(head) != plain {
		rc.Close()
		return fmt.Errorf("read %s: zip member %s is itself compressed, a workbook or a Parquet file: unzip it and give it alone", name, f.Name)
	}
	o.closer = closers{rc, o.closer}
	o.r = o.inflateAhead(ctx, "zip member "+f.Name, mr)
	return nil
}

// zipMember is the member called name, or when name is "" the archive's
// only file (folders and macOS's __MACOSX/ metadata aside).
func zipMember(zr *zip.Reader, name string) (*zip.File, error) {
	var files []*zip.File
	for _, f := range zr.File {
		if name != "" && f.Name == name {
			return f, nil
		}
		if !f.FileInfo().IsDir() && !strings.HasPrefix(f.Name, "__MACOSX/") && !strings.HasPrefix(path.Base(f.Name), "._") {
			files = append(files, f)
		}
	}
	if name == "" && len(files) == 1 {
		return files[0], nil
	}
	names := make([]string, 0, len(files))
	for _, f := range files {
		names = append(names, f.Name)
	}
	switch {
	case name != "":
		return nil, fmt.Errorf("the zip archive has no file %q (it holds: %s)", name, strings.Join(names, ", "))
	case len(files) == 0:
		return nil, fmt.Errorf("the zip archive holds no file: %w", ErrZipMembers)
	}
	return nil, fmt.Errorf("the zip archive holds %d files (%s): %w", len(files), strings.Join(names, ", "), ErrZipMembers)
}

// isWorkbook reports whether a zip archive is an Excel workbook.
func isWorkbook(zr *zip.Reader) bool {
	for _, f := range zr.File {
		if f.Name == "xl/workbook.xml" {
			return true
		}
	}
	return false
}

// readAhead reads r ahead on a goroutine of its own (see cancelReader),
// stopped when o is closed.
func (o *opened) readAhead(ctx context.Context, r io.Reader, size, n int) io.Reader {
	c := readAhead(ctx, r, size, n)
	o.closer = closers{c, o.closer}
	return c
}

// inflateAhead decompresses r on a goroutine of its own, up to
// inflateBlocks blocks ahead of its reader; what names the format in errors.
func (o *opened) inflateAhead(ctx context.Context, what string, r io.Reader) io.Reader {
	return o.readAhead(ctx, &named{what: what, r: r}, inflateBlock, inflateBlocks)
}

// named fills each read from a decompressor (whose reads stop at its window,
// 32 KiB for gzip: fewer, larger chunks cross the read-ahead's channel) and
// wraps its errors with what it decompresses (the reader of the records adds
// the input's name).
type named struct {
	what string
	r    io.Reader
}

func (n *named) Read(p []byte) (int, error) {
	k := 0
	for k < len(p) {
		m, err := n.r.Read(p[k:])
		k += m
		if err == io.EOF {
			return k, err
		}
		if err != nil {
			return k, fmt.Errorf("%s: %w", n.what, err)
		}
	}
	return k, nil
}

// closers closes each of its closers, returning the first error.
type closers []io.Closer

func (cs closers) Close() error {
	var first error
	for _, c := range cs {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
