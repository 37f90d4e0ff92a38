package input

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// xmlDocs are documents xmlScan must read as encoding/xml does: worksheet
// and shared strings parts as writers write them, and what XML allows in
// them.
var xmlDocs = []string{
	`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45322.5</v></c></row></sheetData></worksheet>`,
	`<x:worksheet xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main"><x:sheetData><x:row><x:c t="inlineStr"><x:is><x:t>a &amp; b &lt;c&gt; &#233;&#x20AC;</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`,
	"<c a='1' b = \"x>y\" c=\"&quot;q&apos;\"><v>line\r\nbreak\rend</v><!-- a <comment> --><v><![CDATA[<raw> & ]]></v><?pi stuff?></c>",
	`<si><t xml:space="preserve"> spaced </t><r><rPr><b/></rPr><t>bold</t></r><rPh sb="0" eb="1"><t>ルビ</t></rPh></si>`,
	`<a><b/><c></c><d>text<e>inner</e>tail</d></a>`,
	`<!DOCTYPE x><a x="1"	y="2"
z="3">t</a>`,
}

// TestXMLScanMatchesEncodingXML reads documents with xmlScan, one byte at a
// time (every boundary a buffer can end on), and with encoding/xml: the
// same tags, attributes and text.
func TestXMLScanMatchesEncodingXML(t *testing.T) {
	for i, doc := range xmlDocs {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			want, err := decodedEvents([]byte(doc))
			if err != nil {
				t.Fatalf("encoding/xml: %v", err)
			}
			got, err := scannedEvents(iotest.OneByteReader(strings.NewReader(doc)))
			if err != nil {
				t.Fatalf("xmlScan: %v", err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}

// FuzzXMLScan holds xmlScan to encoding/xml on any document that
// encoding/xml reads.
func FuzzXMLScan(f *testing.F) {
	for _, doc := range xmlDocs {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		want, err := decodedEvents(doc)
		if err != nil {
			return
		}
		got, err := scannedEvents(bytes.NewReader(doc))
		if err != nil {
			t.Fatalf("xmlScan: %v; encoding/xml read %q", err, want)
		}
		if !slices.Equal(got, want) {
			t.Errorf("got  %q\nwant %q", got, want)
		}
	})
}

// decodedEvents are the tags and texts of doc as encoding/xml reads them.
func decodedEvents(doc []byte) ([]string, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var events []string
	var text []byte
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return events, nil
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.CharData:
			text = append(text, tok...)
		case xml.StartElement:
			events, text = flushText(events, text), text[:0]
			if oddName(tok.Name) {
				return nil, fmt.Errorf("name %q", tok.Name.Local)
			}
			e := "<" + tok.Name.Local
			for _, a := range tok.Attr {
				if oddName(a.Name) {
					return nil, fmt.Errorf("attribute name %q", a.Name.Local)
				}
				e += fmt.Sprintf(" %s=%q", a.Name.Local, a.Value)
			}
			events = append(events, e+">")
		case xml.EndElement:
			if oddName(tok.Name) {
				return nil, fmt.Errorf("name %q", tok.Name.Local)
			}
			events, text = flushText(events, text), text[:0]
			events = append(events, "</"+tok.Name.Local+">")
		}
	}
}

// scannedEvents are the tags and texts of what r reads as xmlScan reads them.
func scannedEvents(r io.Reader) ([]string, error) {
	s := newXMLScan(r)
	s.buf = make([]byte, 0, 16)
	var events []string
	var text []byte
	for {
		i, err := s.find(0, []byte{'<'})
		if err == io.EOF {
			return events, nil
		}
		if err != nil {
			return nil, err
		}
		if text, err = appendXMLText(text, s.buf[s.pos:s.pos+i]); err != nil {
			return nil, err
		}
		s.pos += i
		tag, ok, err := s.markup(&text)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		events, text = flushText(events, text), text[:0]
		if tag.end {
			events = append(events, "</"+string(tag.local)+">")
			continue
		}
		e := "<" + string(tag.local)
		if err := eachAttr(tag.attrs, func(name, value []byte) { e += fmt.Sprintf(" %s=%q", name, value) }); err != nil {
			return nil, err
		}
		events = append(events, e+">")
		if tag.empty {
			events = append(events, "</"+string(tag.local)+">")
		}
	}
}

// oddName reports whether n is a name with several colons or none after
// one, which each reader splits its own way: no workbook has one.
func oddName(n xml.Name) bool {
	return n.Local == "" || strings.Contains(n.Local, ":")
}

func flushText(events []string, text []byte) []string {
	if len(text) == 0 {
		return events
	}
	return append(events, string(text))
}

// TestXMLScanSkipsTextUnheld reads past 20 MB of text between two tags,
// more than a tag or an element's text may hold, without holding it.
func TestXMLScanSkipsTextUnheld(t *testing.T) {
	doc := io.MultiReader(strings.NewReader("<a>"), io.LimitReader(repeatReader(' '), 20<<20), strings.NewReader("<b/></a>"))
	s := newXMLScan(doc)
	var got []string
	for {
		tag, err := s.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(tag.local))
	}
	if want := []string{"a", "b", "a"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if cap(s.buf) > 1<<20 {
		t.Errorf("the buffer grew to %d bytes, want it as it was", cap(s.buf))
	}
}

// repeatReader reads the same byte without end.
type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}
