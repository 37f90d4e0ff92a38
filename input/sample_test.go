package input

import (
	"context"
	"os"
	"testing"
)

func TestReadSample(t *testing.T) {
	in := "\xef\xbb\xbfN° ticket;Date;Montant\nT1;05/03/2024;1,50\nT2;06/03/2024;2,00\nT3;07/03/2024;3,00\n"
	dir := t.TempDir()
	path := dir + "/till.csv"
	if err := writeTestFile(path, in); err != nil {
		t.Fatal(err)
	}
	s, err := ReadSample(context.Background(), path, Options{Encoding: "auto", Header: true}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if s.Delimiter != ';' || len(s.Rows) != 2 || s.Header[0] != "N° ticket" || s.Lines[1] != 3 || s.Encoding != "utf-8 (BOM)" {
		t.Errorf("got %+v", s)
	}
}

func writeTestFile(path, content string) error {
	return os.WriteFile(path, []byte(content), 0o644)
}
