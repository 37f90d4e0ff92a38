package input

import (
	"context"
	"fmt"
	"io"
	"strings"

	"csv2activity/internal/progress"
)

// DefaultMaxRowSize is the longest row read when Options.MaxRowSize is 0: a
// longer one (an unterminated quote swallowing the file, say) is rejected.
const DefaultMaxRowSize = 4 << 20

// Options say how an input is read. The zero value reads a headerless input
// of unknown encoding (auto) with a sniffed delimiter, from os.Stdin for "-".
type Options struct {
	Encoding   string    // auto (""), utf-8, windows-1252, iso-8859-1 or utf-16
	Delimiter  rune      // 0: sniffed from the first line
	Header     bool      // the first line names the columns
	Names      []string  // the column names when Header is false
	MaxRowSize int       // the longest row read; 0 means DefaultMaxRowSize
	Stdin      io.Reader // what "-" reads; nil means os.Stdin
	// Progress, when set, counts the bytes read from the file or standard
	// input, as they are read (before any decompression or decoding).
	Progress *progress.Meter
	Sheet    string // an Excel workbook's sheet ("": its first); other kinds ignore it
	// TextColumns, when set, is called once with the first row of a typed
	// input (an Excel workbook or a Parquet file; its header when Header is
	// true) and reports which columns are read as numbers or times: their
	// text cells that start with a digit or '-' are written with a leading
	// space (typed.go). Other inputs ignore it.
	TextColumns func(first []string) []bool

	typed bool // the text is a typed input's rows (Open): no sep= line to read
}

// Reader is one opened CSV input, positioned after its header. It hands out
// batches of whole records with Next; it is not safe for concurrent use.
type Reader struct {
	name   string
	closer io.Closer
	src    *source
	comma  rune
	utf8   bool
	header []string // nil when the options give names
	dec    *decoded
	typed  bool   // cells are typed (Excel, Parquet): see Typed
	sheet  string // an Excel workbook's sheet read
	sep    bool   // the input started with a "sep=" line: see SepLine
}

// Open opens path ("-" is standard input), decompresses it (gzip, zstd, or
// a zip archive's only file or ARCHIVE:MEMBER, recognised by their first
// bytes), decodes it, sniffs its delimiter and reads its header line. Its
// reads stop once ctx is done, even one blocked on a silent pipe. Errors name the input; an input without even a
// header line is ErrEmptyInput.
func Open(ctx context.Context, path string, opts Options) (*Reader, error) {
	o, err := openRaw(path, opts.Stdin)
	if err != nil {
		return nil, err
	}
	o.r = opts.Progress.Reader(o.r)
	if err := uncompress(ctx, path, o); err != nil {
		o.closer.Close()
		return nil, err
	}
	t, err := typedRows(ctx, path, o, opts)
	if err != nil {
		o.closer.Close()
		return nil, err
	}
	name := path
	if t != nil {
		name, opts.Encoding, opts.Delimiter, opts.typed = t.name, "utf-8", ',', true
	}
	rd, err := read(ctx, name, o.r, opts)
	if err != nil {
		o.closer.Close()
		return nil, err
	}
	rd.closer = o.closer
	if t != nil {
		rd.typed, rd.sheet = true, t.sheet
	}
	return rd, nil
}

// read starts reading r, the input called name.
func read(ctx context.Context, name string, r io.Reader, opts Options) (*Reader, error) {
	if opts.Encoding == "" {
		opts.Encoding = "auto"
	}
	if opts.MaxRowSize == 0 {
		opts.MaxRowSize = DefaultMaxRowSize
	}
	dec, err := decode(r, opts.Encoding)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	src := newSource(ctx, name, dec.r, opts.MaxRowSize)
	head, err := src.head(64 << 10)
	if err != nil {
		return nil, err
	}
	if len(strings.TrimSpace(string(head))) == 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrEmptyInput)
	}
	comma := opts.Delimiter
	n, sep := sepLine(head)
	if opts.typed {
		n = 0
	}
	if n > 0 {
		// Excel's "sep=;" line: the delimiter, not the header. It counts as
		// a line, so that the lines after it keep their numbers in the file.
		src.resume(n, 1)
		head = head[n:]
		if comma == 0 {
			comma = sep
		}
	}
	if comma == 0 {
		first := string(head)
		if i := strings.IndexAny(first, "\r\n"); i >= 0 {
			first = first[:i]
		}
		comma = sniffDelimiter([]byte(first))
	}
	src.sc = scanner{comma: byte(comma), cr: crLineEnds(head)}
	rd := &Reader{name: name, src: src, comma: comma, utf8: dec.utf8, dec: dec, sep: n > 0}
	src.names = opts.Names
	if opts.Header {
		if rd.header, err = rd.readHeader(); err != nil {
			return nil, err
		}
		src.names = rd.header
	}
	return rd, nil
}

// sepLine reads the line some exports start with for Excel, "sep=;" alone
// on the first line, naming the delimiter: it returns the line's length,
// line break included, and the delimiter; 0 when head does not start with
// one (or names a delimiter the mapping could not name either).
func sepLine(head []byte) (int, rune) {
	if len(head) < 5 || !strings.EqualFold(string(head[:4]), "sep=") || !strings.ContainsRune(",;\t|", rune(head[4])) {
		return 0, 0
	}
	rest := head[5:]
	switch {
	case len(rest) == 0:
		return 5, rune(head[4])
	case rest[0] == '\n':
		return 6, rune(head[4])
	case rest[0] == '\r' && len(rest) > 1 && rest[1] == '\n':
		return 7, rune(head[4])
	case rest[0] == '\r':
		return 6, rune(head[4])
	}
	return 0, 0
}

// Name is the input's name as given to Open.
func (r *Reader) Name() string { return r.name }

// Header is the header line's column names, exactly as written, or nil when
// Options.Header is false.
func (r *Reader) Header() []string { return r.header }

// Typed reports whether the input's cells carry their type (an Excel
// workbook or a Parquet file): numbers are then written in their shortest decimal form and
// dates and times in ISO 8601, whatever their display.
func (r *Reader) Typed() bool { return r.typed }

// Sheet is the sheet read of an Excel workbook ("" for other inputs).
func (r *Reader) Sheet() string { return r.sheet }

// SepLine reports whether the input started with Excel's "sep=;" line,
// which named its delimiter (unless the options gave one) and was skipped:
// the header is on line 2.
func (r *Reader) SepLine() bool { return r.sep }

// Comma is the input's delimiter, as given or sniffed.
func (r *Reader) Comma() rune { return r.comma }

// Encoding names the character set the input was read as (for auto, what it
// turned out to be so far: ascii until a byte says otherwise).
func (r *Reader) Encoding() string {
	if a, ok := r.dec.r.(*autoReader); ok {
		return a.Encoding()
	}
	return r.dec.encoding
}

// Next returns the next batch: whole records holding at least target bytes
// (fewer at the end of the input or before a malformed line), or one
// Malformed line; nil at the end of the input. Its error names the input;
// once ctx is done it wraps ctx's error.
func (r *Reader) Next(target int) (*Batch, error) {
	b, err := r.src.next(target)
	if b != nil {
		b.Comma, b.CheckUTF8 = r.comma, r.utf8
	}
	return b, err
}

// Close closes the input's file (not standard input).
func (r *Reader) Close() error { return r.closer.Close() }

// readHeader reads the first non-blank record as the column names, exactly as
// written (spaces included: trimming could make two names one).
func (r *Reader) readHeader() ([]string, error) {
	r.src.inHeader = true
	defer func() { r.src.inHeader = false }()
	for {
		b, err := r.src.next(1)
		if err != nil {
			return nil, err
		}
		if b == nil {
			return nil, fmt.Errorf("%s: %w", r.name, ErrEmptyInput)
		}
		var header []string
		var reason string
		Parse(b.Data, b.Line, r.comma, func(rec *Record) {
			reason = rec.Reason()
			header = append(header, rec.Fields...)
		})
		if reason != "" {
			return nil, fmt.Errorf("%s: header line: %s", r.name, reason)
		}
		if header != nil {
			return header, nil
		}
	}
}
