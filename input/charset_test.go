package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

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

// TestMixedEncoding: with encoding: auto, an input that turns out to hold
// both UTF-8 and bytes that are not stops, naming the two lines, however it
// arrives; one that does not decodes as before.
func TestMixedEncoding(t *testing.T) {
	rows := strings.Repeat("LY1,m1@example.fr,purchase,1,2.50,S01\n", 300) // past a read or two
	tests := []struct {
		name   string
		input  string
		readAs string // "" when the input is not mixed
		lines  [2]int // the UTF-8 line, the other line
		text   string // the UTF-8 character named
		b      byte   // the byte named
	}{
		{"windows-1252, then UTF-8", "id,note\n1,caf\xe9\n" + rows + "2,caf\xc3\xa9\n", "windows-1252", [2]int{303, 2}, "é", 0xe9},
		{"a stray byte, then UTF-8", "id,note\n1,N\xa0 5\n2,\xc3\x89pices\n", "windows-1252", [2]int{3, 2}, "É", 0xa0},
		{"windows-1252, then a UTF-8 euro", "id,note\n1,\x80\n2,\xe2\x82\xac\n", "windows-1252", [2]int{3, 2}, "€", 0x80},
		{"UTF-8, then windows-1252", "id,note\n1,café\n" + rows + "2,caf\xe9\n", "utf-8", [2]int{2, 303}, "é", 0xe9},
		{"UTF-8, then a cut character at the end", "id,note\n1,café\n2,caf\xc3", "utf-8", [2]int{2, 3}, "é", 0xc3},
		{"UTF-8 throughout", "id,note\n1,café\n" + rows + "2,Crème brûlée 12€\n", "", [2]int{}, "", 0},
		{"windows-1252 throughout", "id,note\n1,caf\xe9\n" + rows + "2,CAF\xc9\xa0\xbb \xc9T\xc9\x94 N\xb0 5\n", "", [2]int{}, "", 0},
	}
	for _, tt := range tests {
		for rname, wrap := range readers {
			t.Run(tt.name+"/"+rname, func(t *testing.T) {
				dec, err := decode(wrap(strings.NewReader(tt.input)), "auto")
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(dec.r)
				var mixed *MixedEncodingError
				if tt.readAs == "" {
					if err != nil {
						t.Fatalf("got %v, want no error", err)
					}
					if !utf8.Valid(got) {
						t.Errorf("decoded text is not UTF-8: %q", got)
					}
					return
				}
				if !errors.As(err, &mixed) || !errors.Is(err, ErrMixedEncoding) {
					t.Fatalf("got %v, want a MixedEncodingError", err)
				}
				want := MixedEncodingError{ReadAs: tt.readAs, UTF8Line: tt.lines[0], UTF8Text: tt.text, OtherLine: tt.lines[1], Byte: tt.b}
				if *mixed != want {
					t.Errorf("got %+v, want %+v", *mixed, want)
				}
			})
		}
	}
}

// TestWindows1252ExportNotMixed reads a French till export written in
// windows-1252 with what such exports hold next to accented capitals
// (no-break spaces, curly quotes, guillemets, degrees, the euro sign): auto
// reads it as windows-1252, exactly as the declared encoding does, and does
// not take it for UTF-8.
func TestWindows1252ExportNotMixed(t *testing.T) {
	text := "N° ticket;Date;Libellé article;Rayon;Qté;Prix unitaire TTC;Remarque\n"
	for i, l := range []string{
		"Éponges grattantes x3;ENTRETIEN;1;2,79;", "CAFÉ\u00a0MOULU PUR ARABICA;ÉPICERIE;1;5,49;«\u00a0ÉTÉ\u00a0»",
		"Pâtes «\u00a0ÉTÉ»;ÉPICERIE;2;1,15;", "Crème fraîche 30% MG;CRÉMERIE;1;1,89;”PROMO ÉTÉ”",
		"Bière blonde 5°;BOISSONS;6;0,99;N° 5", "Œufs plein air x12;CRÈMERIE;1;3,25;Prix… 3,25€",
		"Thé vert ‘Sencha’;ÉPICERIE;1;4,10;", "CHOCOLAT NOIR 70%™;ÉPICERIE;1;2,35;Ça coûte 2,35 €",
		"ÉCLAIR AU CAFÉ‚ x2;PÂTISSERIE;1;3,90;", "Fromage “AOP”;CRÉMERIE;1;6,75;ÎLE-DE-FRANCE",
	} {
		for j := range 40 {
			text += fmt.Sprintf("T%d;%02d/12/2024;%s\n", 48000+i*40+j, 1+j%28, l)
		}
	}
	cp, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for rname, wrap := range readers {
		t.Run(rname, func(t *testing.T) {
			dec, err := decode(wrap(strings.NewReader(cp)), "auto")
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(dec.r)
			if err != nil {
				t.Fatalf("got %v, want the export read as windows-1252", err)
			}
			if string(got) != text {
				t.Errorf("decoded text differs from the export")
			}
			if e := dec.r.(*autoReader).Encoding(); e != "windows-1252" {
				t.Errorf("detected %s, want windows-1252", e)
			}
		})
	}
}

// TestUTF8Twin: the UTF-8 encoding of each character windows-1252 has is a
// sign of UTF-8; lookalike pairs of other characters are not.
func TestUTF8Twin(t *testing.T) {
	for i, s := range windows1252 {
		if r, _ := utf8.DecodeRuneInString(s); r != utf8.RuneError && !utf8Twin([]byte(s)) {
			t.Errorf("byte 0x%02x: %q is not taken for UTF-8", i+0x80, s)
		}
	}
	for _, b := range []string{"\xc9\xa0", "\xc9\x94", "\xc9\xbb", "\xc3", "\xc3A", "\xe2\x80", "\xef\xbf\xbd", "é"[:1]} {
		if utf8Twin([]byte(b)) {
			t.Errorf("% x taken for the UTF-8 of a windows-1252 character", b)
		}
	}
}
