package transform

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"csv2activity/mapping"
)

func TestPreviewsStopEarly(t *testing.T) {
	m, err := mapping.Parse("m.yaml", []byte(orderMapping))
	if err != nil {
		t.Fatal(err)
	}
	input := "order,customer,sku,qty,price\nA,c1,a1,1,1\nA,c1,a2,2,1\nB,c2,b1,zero,1\nB,c2,b2,1,2\nC,c3,c1,1,1\n" + strings.Repeat("D,c4,d,1,1\n", 100000)
	stdin := bytes.NewReader([]byte(input))
	res, err := Previews(context.Background(), Config{Mapping: m, Stdin: stdin}, []string{"-"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Activities) != 2 || len(res.Rejected) != 1 || res.Rejected[0].Line != 4 {
		t.Fatalf("got %d previews and rejects %v, want 2 and line 4", len(res.Activities), res.Rejected)
	}
	got := res.Activities[1].Activity.String()
	if want := `{"$type":"TOUCH","$ts":1700000000000,"$user_account_id":"c2","total":2,"items":["b2x1"]}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if lines := []int{res.Activities[0].Rows[0].Line, res.Activities[0].Rows[1].Line}; lines[0] != 2 || lines[1] != 3 {
		t.Errorf("source lines %v, want [2 3]", lines)
	}
	if res.Read > 10 {
		t.Errorf("read %d rows for 2 previews, want to stop at the third group", res.Read)
	}
}

func TestReadSample(t *testing.T) {
	in := "\xef\xbb\xbfN° ticket;Date;Montant\nT1;05/03/2024;1,50\nT2;06/03/2024;2,00\nT3;07/03/2024;3,00\n"
	dir := t.TempDir()
	path := dir + "/till.csv"
	if err := writeTestFile(path, in); err != nil {
		t.Fatal(err)
	}
	s, err := ReadSample(context.Background(), path, mapping.Input{Encoding: "auto", Header: true}, 2)
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
