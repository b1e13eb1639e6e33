package gentest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/fhir"
	"github.com/fhirgen/fhirgen/generated/hotbeverage"
	"github.com/fhirgen/fhirgen/generated/r4"
)

// Every resource type is an xml.Marshaler and an xml.Unmarshaler: xml.Marshal
// writes what MarshalResourceXML writes, byte for byte, and xml.Unmarshal
// reads it back to the same resource.
func TestEncodingXMLCorpus(t *testing.T) {
	for _, f := range readFiles(t, "testdata/corpus/*.json") {
		r, err := r4.UnmarshalResource(f.data)
		if err != nil {
			continue // the corpus's invalid documents
		}
		want, err := r4.MarshalResourceXML(r)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		got, err := xml.Marshal(r)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: xml.Marshal wrote\n%s\n%v\nwant\n%s", f.name, got, err, want)
			continue
		}
		back := reflect.New(reflect.TypeOf(r).Elem()).Interface().(r4.Resource)
		if err := xml.Unmarshal(got, back); err != nil {
			t.Errorf("%s: xml.Unmarshal: %v", f.name, err)
			continue
		}
		if a, b := mustJSON(t, r), mustJSON(t, back); a != b {
			t.Errorf("%s: read back as\n%s\nwant\n%s", f.name, b, a)
		}
	}
}

// envelope is a document of the user's that holds resources.
type envelope struct {
	XMLName xml.Name            `xml:"urn:example:envelope Envelope"`
	Outcome r4.OperationOutcome `xml:"Body>OperationOutcome"`
	Event   *r4.AuditEvent      `xml:"Body>AuditEvent"`
}

// A resource inside a document of encoding/xml's: written in FHIR's
// namespace whatever the document's, its narrative byte for byte even when
// the encoder indents; read back with the prefixes it declares; its
// problems placed in the document read.
func TestEncodingXMLEnvelope(t *testing.T) {
	const div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>it's <![CDATA[<b>]]>\n  <br/></p></div>"
	res, err := r4.UnmarshalResource([]byte(`{"resourceType":"OperationOutcome","text":{"status":"generated","div":` + quoteJSON(div) + `},"issue":[{"severity":"error","code":"invalid"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	in := envelope{Outcome: *res.(*r4.OperationOutcome)}
	out, err := xml.MarshalIndent(in, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`<OperationOutcome xmlns="http://hl7.org/fhir"><text><status value="generated"/>`+div+`</text>`)) {
		t.Errorf("written as\n%s", out)
	}
	var back envelope
	if err := xml.Unmarshal(out, &back); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := back.Outcome.GetText().GetDiv().GetValue(); got != div {
		t.Errorf("narrative read back as %q, want %q", got, div)
	}
	if back.Event != nil {
		t.Errorf("an event from nowhere: %v", back.Event)
	}

	prefixed := `<Envelope xmlns="urn:example:envelope"><Body><f:OperationOutcome xmlns:f="http://hl7.org/fhir"><f:issue><f:severity value="error"/><f:code value="invalid"/></f:issue></f:OperationOutcome></Body></Envelope>`
	if err := xml.Unmarshal([]byte(prefixed), &back); err != nil || len(back.Outcome.Issue) != 1 || back.Outcome.GetText() != nil {
		t.Errorf("a prefixed resource: %v, %+v", err, back.Outcome)
	}

	for _, c := range []struct{ name, doc, want string }{
		{"out of order", "<Envelope xmlns=\"urn:example:envelope\">\n<Body>\n<OperationOutcome xmlns=\"http://hl7.org/fhir\">\n  <issue><code value=\"invalid\"/><severity value=\"error\"/></issue></OperationOutcome></Body></Envelope>",
			"OperationOutcome.issue[0].severity (line 4, column 33): element severity is out of order"},
		{"an unknown element on the start tag's line", "<Envelope xmlns=\"urn:example:envelope\"><Body><OperationOutcome xmlns=\"http://hl7.org/fhir\"><x/></OperationOutcome></Body></Envelope>",
			"OperationOutcome.x (line 1, column 92): unknown element x"},
		{"not in FHIR's namespace", "<Envelope xmlns=\"urn:example:envelope\"><Body><OperationOutcome><issue/></OperationOutcome></Body></Envelope>",
			"OperationOutcome (line 1, column 64): element OperationOutcome is in namespace urn:example:envelope, not FHIR's"},
	} {
		err := xml.Unmarshal([]byte(c.doc), &back)
		var xe fhir.XMLErrors
		if !errors.As(err, &xe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want fhir.XMLErrors with %q", c.name, err, c.want)
		}
	}
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func mustJSON(t *testing.T, r r4.Resource) string {
	t.Helper()
	b, err := r4.MarshalResource(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A profile's view is read and written by encoding/xml as its resource is.
func TestEncodingXMLProfileView(t *testing.T) {
	view := hotbeverage.NewBrewedLog()
	want, err := r4.MarshalResourceXML(view.AuditEvent)
	if err != nil {
		t.Fatal(err)
	}
	got, err := xml.Marshal(view)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("xml.Marshal wrote\n%s\n%v\nwant\n%s", got, err, want)
	}
	back := hotbeverage.AsBrewedLog(&r4.AuditEvent{})
	if err := xml.Unmarshal(got, back); err != nil {
		t.Fatal(err)
	}
	if a, b := mustJSON(t, view.AuditEvent), mustJSON(t, back.AuditEvent); a != b {
		t.Errorf("read back as\n%s\nwant\n%s", b, a)
	}
}

// AnyResourceXML takes a resource of whichever type is there, and writes it
// back; an element that is no resource type is an error, placed where its
// start tag ends (encoding/xml has read the tag when UnmarshalXML is called).
func TestAnyResourceXML(t *testing.T) {
	type body struct {
		XMLName   xml.Name            `xml:"urn:example:envelope Body"`
		Resources []r4.AnyResourceXML `xml:",any"`
	}
	doc := `<Body xmlns="urn:example:envelope">` +
		`<OperationOutcome xmlns="http://hl7.org/fhir"><issue><severity value="error"/><code value="invalid"/></issue></OperationOutcome>` +
		`<AuditEvent xmlns="http://hl7.org/fhir"><id value="a1"/></AuditEvent></Body>`
	var b body
	if err := xml.Unmarshal([]byte(doc), &b); err != nil {
		t.Fatal(err)
	}
	if len(b.Resources) != 2 {
		t.Fatalf("%d resources", len(b.Resources))
	}
	if _, ok := b.Resources[0].Resource.(*r4.OperationOutcome); !ok {
		t.Errorf("first: %T", b.Resources[0].Resource)
	}
	if ae, ok := b.Resources[1].Resource.(*r4.AuditEvent); !ok || ae.GetID().GetValue() != "a1" {
		t.Errorf("second: %T %v", b.Resources[1].Resource, b.Resources[1].Resource)
	}
	out, err := xml.Marshal(b)
	if err != nil || string(out) != doc {
		t.Errorf("written back as\n%s\n%v\nwant\n%s", out, err, doc)
	}
	bad := strings.Replace(doc, `<AuditEvent xmlns="http://hl7.org/fhir"><id value="a1"/></AuditEvent>`, `<Shoe xmlns="http://hl7.org/fhir"/>`, 1)
	err = xml.Unmarshal([]byte(bad), &body{})
	var xe fhir.XMLErrors
	if !errors.As(err, &xe) || !strings.Contains(err.Error(), "Shoe (line 1, column 199): unknown resource type Shoe") {
		t.Errorf("an unknown resource: %v", err)
	}
}
