package upload

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestProgressOnAPipeIsOneLinePerChunk(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := newProgress(&buf)
	chunks := []Chunk{
		{Index: 0, File: "a.ndjson", FirstLine: 1, Lines: 30, Length: 4000},
		{Index: 1, File: "a.ndjson", FirstLine: 31, Lines: 1, Length: 100},
	}
	p.start(chunks)
	p.done(&chunks[0], "sent as execution 17")
	p.note("retry 1/8 in 1s: boom")
	p.done(&chunks[1], "already sent as execution 18")
	p.finish()
	want := "chunk 1/2: a.ndjson lines 1-30 (3.9KiB): sent as execution 17\n" +
		"retry 1/8 in 1s: boom\n" +
		"chunk 2/2: a.ndjson line 31 (100B): already sent as execution 18\n"
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func TestProgressOnATerminalIsABar(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := &progress{w: &buf, tty: true, totalLines: -1}
	chunks := []Chunk{{Index: 0, FirstLine: 1, Lines: 30, Length: 4000}}
	p.start(chunks)
	body := p.body(make([]byte, 4000))
	io.Copy(io.Discard, body)
	p.done(&chunks[0], "sent as execution 17")
	p.finish()
	out := buf.String()
	if !strings.Contains(out, "30/30 lines") || !strings.Contains(out, "100%") || strings.Contains(out, "chunk 1") {
		t.Errorf("got %q, want a bar with the lines done and no per-chunk line", out)
	}
}
