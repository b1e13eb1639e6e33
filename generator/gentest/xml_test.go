package gentest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/fhir"
	"github.com/fhirgen/fhirgen/generated/r4"
)

// The XML a resource is written as, per http://hl7.org/fhir/xml.html, written
// out by hand: element order from the definitions, id and url as attributes
// before the children, a primitive's id, value and extensions, an array item
// with no value, a choice by its typed name, a contained resource wrapped
// and without a namespace of its own, the narrative as read, attribute
// values escaped (tab and line feed as references, which a reader would
// otherwise turn into spaces), a decimal as written.
func TestMarshalResourceXML(t *testing.T) {
	in := `{"resourceType":"AuditEvent","id":"x1",
	"meta":{"lastUpdated":"2020-01-01T00:00:00Z"},
	"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>a &amp; b</p></div>"},
	"contained":[{"resourceType":"OperationOutcome","id":"oo","issue":[{"severity":"error","code":"invalid"}]}],
	"extension":[{"url":"http://example.org/e","valueDecimal":1.50},
		{"url":"http://example.org/c","extension":[{"url":"a","valueString":"x\ty\n\"<&>"}]}],
	"type":{"system":"http://s","code":"c"},
	"subtype":[{"code":"a"}],
	"action":"E","_action":{"id":"a1","extension":[{"url":"http://example.org/f","valueBoolean":true}]},
	"recorded":"2013-06-20T23:41:23Z",
	"agent":[{"requestor":true,"policy":["http://p1",null],"_policy":[null,{"extension":[{"url":"http://example.org/g","valueInteger":3}]}]}],
	"source":{"observer":{"reference":"#oo"}}}`
	want := `<AuditEvent xmlns="http://hl7.org/fhir"><id value="x1"/><meta><lastUpdated value="2020-01-01T00:00:00Z"/></meta>` +
		`<text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>a &amp; b</p></div></text>` +
		`<contained><OperationOutcome><id value="oo"/><issue><severity value="error"/><code value="invalid"/></issue></OperationOutcome></contained>` +
		`<extension url="http://example.org/e"><valueDecimal value="1.50"/></extension>` +
		`<extension url="http://example.org/c"><extension url="a"><valueString value="x&#x9;y&#xA;&quot;&lt;&amp;&gt;"/></extension></extension>` +
		`<type><system value="http://s"/><code value="c"/></type><subtype><code value="a"/></subtype>` +
		`<action id="a1" value="E"><extension url="http://example.org/f"><valueBoolean value="true"/></extension></action>` +
		`<recorded value="2013-06-20T23:41:23Z"/>` +
		`<agent><requestor value="true"/><policy value="http://p1"/><policy><extension url="http://example.org/g"><valueInteger value="3"/></extension></policy></agent>` +
		`<source><observer><reference value="#oo"/></observer></source></AuditEvent>`
	r, err := r4.UnmarshalResource([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	got, err := r4.MarshalResourceXML(r)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	oo := &r4.OperationOutcome{ID: r4.NewString("x"), Issue: []r4.OperationOutcomeIssue{{Severity: r4.NewCode(r4.IssueSeverityError), Code: r4.NewCode(r4.IssueTypeInvalid)}}}
	got, err = r4.MarshalResourceXMLIndent(oo, "", "  ")
	wantIndent := `<OperationOutcome xmlns="http://hl7.org/fhir">
  <id value="x"/>
  <issue>
    <severity value="error"/>
    <code value="invalid"/>
  </issue>
</OperationOutcome>`
	if err != nil || string(got) != wantIndent {
		t.Errorf("indented: %v\n%s", err, got)
	}
}

// What XML cannot hold is an error naming the element, not output that
// would lose it or not parse.
func TestMarshalResourceXMLRefuses(t *testing.T) {
	ctl := &r4.OperationOutcome{Issue: []r4.OperationOutcomeIssue{{Severity: r4.NewCode(r4.IssueSeverityError), Code: r4.NewCode(r4.IssueTypeInvalid), Diagnostics: r4.NewString("bell \a")}}}
	kept, _, err := r4.DecodeResource([]byte(`{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","future":1}]}`), fhir.DecodeOptions{Unknown: fhir.UnknownKeep})
	if err != nil {
		t.Fatal(err)
	}
	empty := &r4.OperationOutcome{Issue: []r4.OperationOutcomeIssue{{Severity: r4.NewCode(r4.IssueSeverityError), Code: r4.NewCode(r4.IssueTypeInvalid), Diagnostics: r4.NewString("")}}}
	for _, c := range []struct {
		name string
		r    r4.Resource
		want string
	}{
		{"control character", ctl, "OperationOutcome.issue.diagnostics"},
		{"properties kept from JSON", kept, "ExtraJSON"},
		{"empty string", empty, "empty string"},
		{"nil", nil, "not a resource"},
	} {
		out, err := r4.MarshalResourceXML(c.r)
		var ee *fhir.EncodeError
		if !errors.As(err, &ee) || !strings.Contains(err.Error(), c.want) || out != nil {
			t.Errorf("%s: %q, %v; want an EncodeError with %q", c.name, out, err, c.want)
		}
	}
}

// Every resource of the corpus writes XML that a strict XML reader takes,
// with one root element in FHIR's namespace.
func TestMarshalResourceXMLCorpus(t *testing.T) {
	written := 0
	for _, f := range readFiles(t, "testdata/corpus/*.json") {
		r, err := r4.UnmarshalResource(f.data)
		if err != nil {
			continue // the corpus's invalid examples
		}
		written++
		out, err := r4.MarshalResourceXML(r)
		if err != nil {
			t.Errorf("%s: %v", f.name, err)
			continue
		}
		d := xml.NewDecoder(bytes.NewReader(out))
		d.Strict = true
		depth, roots := 0, 0
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%s: %v", f.name, err)
				break
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				if depth == 0 {
					roots++
					if tok.Name.Space != "http://hl7.org/fhir" || tok.Name.Local != r.ResourceType() {
						t.Errorf("%s: root %v", f.name, tok.Name)
					}
				}
				depth++
			case xml.EndElement:
				depth--
			}
		}
		if roots != 1 {
			t.Errorf("%s: %d root elements", f.name, roots)
		}
	}
	if written < 10 {
		t.Errorf("only %d resources of the corpus written", written)
	}
}
