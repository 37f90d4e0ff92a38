package transform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"csv2activity/mapping"
)

// input is one opened CSV input, positioned after its header.
type input struct {
	name   string
	closer io.Closer
	src    *source
	comma  rune
	utf8   bool
	header []string // nil when the mapping gives names
	dec    *decoded
}

// encoding names the character set the input was read as (for auto, what it
// turned out to be so far).
func (in *input) encoding() string {
	if a, ok := in.dec.r.(*autoReader); ok {
		return a.Encoding()
	}
	return in.dec.encoding
}

// openInput opens path ("-" is stdin), decodes it, sniffs its delimiter and
// reads its header line. Its reads stop once ctx is done, even one blocked
// on a silent pipe.
func openInput(ctx context.Context, path string, stdin io.Reader, in mapping.Input, maxRow int) (*input, error) {
	var r io.Reader
	var closer io.Closer = io.NopCloser(nil)
	if path == "-" {
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("open input: %w", err)
		}
		r, closer = f, f
	}
	in2, err := readInput(ctx, path, newCancelReader(ctx, r), in, maxRow)
	if err != nil {
		closer.Close()
		return nil, err
	}
	in2.closer = closer
	return in2, nil
}

func readInput(ctx context.Context, name string, r io.Reader, in mapping.Input, maxRow int) (*input, error) {
	dec, err := decode(r, in.Encoding)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	src := newSource(ctx, name, dec.r, maxRow)
	head, err := src.head(64 << 10)
	if err != nil {
		return nil, err
	}
	if len(strings.TrimSpace(string(head))) == 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrEmptyInput)
	}
	comma := in.Delimiter
	if comma == 0 {
		first := string(head)
		if i := strings.IndexAny(first, "\r\n"); i >= 0 {
			first = first[:i]
		}
		comma = sniffDelimiter([]byte(first))
	}
	src.sc = scanner{comma: byte(comma), cr: crLineEnds(head)}
	inp := &input{name: name, src: src, comma: comma, utf8: dec.utf8, dec: dec}
	src.names = in.Names
	if in.Header {
		if inp.header, err = inp.readHeader(); err != nil {
			return nil, err
		}
		src.names = inp.header
	}
	return inp, nil
}

// readHeader reads the first non-blank record as the column names, exactly as
// written (spaces included: trimming could make two names one).
func (in *input) readHeader() ([]string, error) {
	in.src.inHeader = true
	defer func() { in.src.inHeader = false }()
	for {
		b, err := in.src.next(1)
		if err != nil {
			return nil, err
		}
		if b == nil {
			return nil, fmt.Errorf("%s: %w", in.name, ErrEmptyInput)
		}
		var header []string
		var perr error
		parseBatch(b, in.comma, func(rec *record) {
			perr = rec.err
			header = append(header, rec.fields...)
		})
		if perr != nil {
			return nil, fmt.Errorf("%s: header line: %s", in.name, csvReason(perr))
		}
		if header != nil {
			return header, nil
		}
	}
}

// errHeaderMismatch is the cause when a later input's header differs.
var errHeaderMismatch = errors.New("header differs from the first input's")

// sameHeader checks that a later input has the first one's columns.
func sameHeader(name string, got, want []string) error {
	if slices.Equal(got, want) {
		return nil
	}
	return fmt.Errorf("%s: %w: got %s, want %s", name, errHeaderMismatch, strings.Join(got, ","), strings.Join(want, ","))
}
