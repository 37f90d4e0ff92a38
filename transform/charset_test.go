package transform

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/charmap"
)

// TestAutoReaderChunks decodes ASCII, UTF-8 and windows-1252 inputs read in
// pieces of every size, so that the first non-ASCII byte falls at the end of
// a read, across reads, and in the middle.
func TestAutoReaderChunks(t *testing.T) {
	text := strings.Repeat("plain ascii line\n", 50) + "Crème brûlée, 12€\nfin\n"
	cp, _ := charmap.Windows1252.NewEncoder().String(text)
	readers := map[string]func(io.Reader) io.Reader{
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
		"whole":    func(r io.Reader) io.Reader { return r },
	}
	for _, in := range []struct{ name, data, want string }{
		{"utf-8", text, "utf-8"},
		{"windows-1252", cp, "windows-1252"},
		{"ascii", strings.Repeat("a,b\n", 100), "ascii"},
	} {
		for rname, wrap := range readers {
			t.Run(in.name+"/"+rname, func(t *testing.T) {
				dec, err := decode(wrap(bytes.NewReader([]byte(in.data))), "auto")
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(dec.r)
				if err != nil {
					t.Fatal(err)
				}
				want := in.data
				if in.name == "windows-1252" {
					want = text
				}
				if string(got) != want {
					t.Errorf("decoded text differs:\ngot  %q\nwant %q", got[max(0, len(got)-40):], want[max(0, len(want)-40):])
				}
				if e := dec.r.(*autoReader).Encoding(); e != in.want {
					t.Errorf("detected %s, want %s", e, in.want)
				}
			})
		}
	}
}
