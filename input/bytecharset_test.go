package input

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/charmap"
)

// TestByteReaderMatchesXText decodes every byte, and random text mostly
// ASCII, as x/text's decoders do, whatever the size of the reads.
func TestByteReaderMatchesXText(t *testing.T) {
	rng := rand.New(rand.NewChaCha8([32]byte{9}))
	inputs := [][]byte{make([]byte, 256)}
	for i := range inputs[0] {
		inputs[0][i] = byte(i)
	}
	for range 50 {
		b := make([]byte, rng.IntN(10000))
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
			if rng.IntN(20) == 0 {
				b[i] = byte(rng.IntN(256))
			}
		}
		inputs = append(inputs, b)
	}
	for _, c := range []struct {
		name  string
		cm    *charmap.Charmap
		table *[128]string
	}{{"windows-1252", charmap.Windows1252, windows1252}, {"iso-8859-1", charmap.ISO8859_1, iso88591}} {
		for i, in := range inputs {
			want, err := c.cm.NewDecoder().Bytes(in)
			if err != nil {
				t.Fatal(err)
			}
			for _, read := range []func(io.Reader) io.Reader{
				func(r io.Reader) io.Reader { return r },
				iotest.OneByteReader,
				iotest.HalfReader,
			} {
				got, err := io.ReadAll(read(newByteReader(bytes.NewReader(in), c.table)))
				if err != nil || !bytes.Equal(got, want) {
					t.Fatalf("%s, input %d: got %q (%v), want %q", c.name, i, got, err, want)
				}
			}
			// Reads of one and two bytes at a time.
			for _, size := range []int{1, 2} {
				r, buf, got := newByteReader(bytes.NewReader(in), c.table), make([]byte, size), []byte(nil)
				for {
					n, err := r.Read(buf)
					got = append(got, buf[:n]...)
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("%s, input %d, reads of %d: got %q, want %q", c.name, i, size, got, want)
				}
			}
		}
	}
}
