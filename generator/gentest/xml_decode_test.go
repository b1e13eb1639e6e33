package gentest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/fhir"
	"github.com/fhirgen/fhirgen/generated/r4"
)

const ooOpen = `<OperationOutcome xmlns="http://hl7.org/fhir">`

// issue is the valid body of an OperationOutcome used below.
const issue = `<issue><severity value="error"/><code value="invalid"/></issue>`

// UnmarshalResourceXML is strict, and each refusal names the place: the
// location, line and column. Each case is one rule, as HL7's parser and
// XML 1.0 have it.
func TestUnmarshalResourceXMLRefuses(t *testing.T) {
	deep := ooOpen + strings.Repeat("<extension url=\"u\">", 200) + strings.Repeat("</extension>", 200) + issue + `</OperationOutcome>`
	for _, c := range []struct {
		name, doc, want string
	}{
		{"a document type declaration (XXE)", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + ooOpen + issue + `</OperationOutcome>`,
			"$ (line 1, column 22): a document type declaration is not allowed"},
		{"billion laughs", `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>` + ooOpen + issue + `</OperationOutcome>`,
			"document type declaration is not allowed"},
		{"an encoding other than UTF-8", `<?xml version="1.0" encoding = 'ISO-8859-1'?>` + ooOpen + issue + `</OperationOutcome>`,
			`$ (line 1, column 1): the XML declaration names the encoding "ISO-8859-1": FHIR XML is UTF-8`},
		{"an undefined entity", ooOpen + `<issue><severity value="error"/><code value="invalid"/><diagnostics value="&lol;"/></issue></OperationOutcome>`,
			"OperationOutcome.issue[0] (line 1, column 122): the entity &lol; is not defined"},
		{"no namespace", `<OperationOutcome>` + issue + `</OperationOutcome>`,
			"OperationOutcome (line 1, column 1): element OperationOutcome has no namespace"},
		{"another namespace", `<OperationOutcome xmlns="http://hl7.org/fhir/x">` + issue + `</OperationOutcome>`,
			"is in namespace http://hl7.org/fhir/x, not FHIR's"},
		{"out of order", ooOpen + `<issue><code value="invalid"/><severity value="error"/></issue></OperationOutcome>`,
			"OperationOutcome.issue[0].severity (line 1, column 77): element severity is out of order"},
		{"repeated", ooOpen + `<id value="a"/><id value="b"/>` + issue + `</OperationOutcome>`,
			"OperationOutcome.id (line 1, column 62): element id repeats, but allows one value"},
		{"unknown element", ooOpen + `<issue><severity value="error"/><code value="invalid"/><detail value="x"/></issue></OperationOutcome>`,
			"OperationOutcome.issue[0].detail (line 1, column 102): unknown element detail"},
		{"unknown attribute", ooOpen + `<issue><severity value="error" lang="en"/><code value="invalid"/></issue></OperationOutcome>`,
			"unknown attribute lang on element severity"},
		{"text", ooOpen + `<issue>hello<severity value="error"/><code value="invalid"/></issue></OperationOutcome>`,
			"OperationOutcome.issue[0] (line 1, column 54): text is not allowed in element issue"},
		{"an empty value", ooOpen + `<issue><severity value="error"/><code value="invalid"/><diagnostics value=""/></issue></OperationOutcome>`,
			"an empty value attribute"},
		{"an unknown resource type", `<Extension xmlns="http://hl7.org/fhir"/>`, "Extension (line 1, column 1): unknown resource type Extension"},
		{"a value that is not a boolean", `<AuditEvent xmlns="http://hl7.org/fhir"><agent><requestor value="yes"/></agent></AuditEvent>`,
			"AuditEvent.agent[0].requestor (line 1, column 48): \"yes\" is not a boolean (true or false)"},
		{"a decimal that is not a number", ooOpen + `<extension url="u"><valueDecimal value="1,5"/></extension>` + issue + `</OperationOutcome>`,
			"OperationOutcome.extension[0].valueDecimal (line 1, column 66): \"1,5\" is not a decimal"},
		{"mismatched end tag", ooOpen + issue + `</OperationOutcomes>`,
			"OperationOutcome (line 1, column 110): end tag </OperationOutcomes> where </OperationOutcome> is expected"},
		{"no end", ooOpen + issue, "element OperationOutcome does not end"},
		{"content after the root", ooOpen + issue + `</OperationOutcome><x/>`, "content after the root element"},
		{"nesting deeper than fhir.MaxDepth", deep, "elements nest more than 128 deep"},
		{"a narrative without its namespace", ooOpen + `<text><status value="generated"/><div><p>x</p></div></text>` + issue + `</OperationOutcome>`,
			"OperationOutcome.text.div (line 1, column 80): the narrative must be an XHTML div (namespace http://www.w3.org/1999/xhtml)"},
		{"a narrative with a foreign element", ooOpen + `<text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><f:p xmlns:f="urn:x">x</f:p></div></text>` + issue + `</OperationOutcome>`,
			"the narrative's elements must be XHTML, without prefixes"},
		{"a control character", ooOpen + "<issue><severity value=\"error\"/><code value=\"invalid\"/><diagnostics value=\"a\x01\"/></issue></OperationOutcome>",
			"a control character is not allowed in XML"},
		{"a comment with --", ooOpen + `<!-- a -- b -->` + issue + `</OperationOutcome>`, "a comment that does not end with -->, or holds --"},
		{"an attribute twice", ooOpen + `<issue><severity value="error" value="fatal"/><code value="invalid"/></issue></OperationOutcome>`, "attribute value twice"},
		{"too many attributes", ooOpen + `<issue` + manyAttrs(300) + `/></OperationOutcome>`,
			"more than 256 attributes on one element"},
		{"a wrapper with two resources", `<AuditEvent xmlns="http://hl7.org/fhir"><contained><OperationOutcome>` + issue + `</OperationOutcome><OperationOutcome>` + issue + `</OperationOutcome></contained></AuditEvent>`,
			"AuditEvent.contained[0] (line 1, column 152): a second resource in one contained"},
		{"an element without content", ooOpen + `<issue><severity value="error"/><code value="invalid"/><details/></issue></OperationOutcome>`,
			"OperationOutcome.issue[0].details (line 1, column 102): an element without content"},
		{"an element without content, with an end tag", ooOpen + `<issue><severity value="error"/><code value="invalid"/><details> <!-- c --> </details></issue></OperationOutcome>`,
			"OperationOutcome.issue[0].details (line 1, column 102): an element without content"},
		{"a primitive without a value", ooOpen + `<issue><severity value="error"/><code value="invalid"/><diagnostics/></issue></OperationOutcome>`,
			"OperationOutcome.issue[0].diagnostics (line 1, column 102): an element without a value, an id or extensions"},
	} {
		r, err := r4.UnmarshalResourceXML([]byte(c.doc))
		var xe fhir.XMLErrors
		if r != nil || !errors.As(err, &xe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, %v; want fhir.XMLErrors with %q", c.name, r, err, c.want)
		}
	}
}

// A huge attribute value (16 MiB) is read, in time linear in its size.
func TestUnmarshalResourceXMLHugeAttribute(t *testing.T) {
	big := strings.Repeat("a&amp;b", 16<<20/7)
	r, err := r4.UnmarshalResourceXML([]byte(ooOpen + `<issue><severity value="error"/><code value="invalid"/><diagnostics value="` + big + `"/></issue></OperationOutcome>`))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.(*r4.OperationOutcome).Issue[0].GetDiagnostics().GetValue(); len(got) != len(big)/7*3 {
		t.Errorf("diagnostics of %d bytes, want %d", len(got), len(big)/7*3)
	}
}

// What XML allows and FHIR XML does not forbid is read: the declaration, a
// byte-order mark, comments and processing instructions, single quotes,
// references, CR LF line ends, white space between elements, a prefix for
// FHIR's namespace, the root's xsi:schemaLocation.
func TestUnmarshalResourceXMLAccepts(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"everything XML allows", "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!-- c --><?pi x?>\r\n" +
			`<OperationOutcome xmlns="http://hl7.org/fhir" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://hl7.org/fhir x.xsd">` + "\r\n" +
			`  <id value='a&amp;b&#x41;&#66;'/><!-- c --><issue><severity value="error"/><code value="invalid"/>` +
			`<diagnostics value="tab&#x9;lf&#xA;"/></issue></OperationOutcome><!-- after -->`,
			`{"resourceType":"OperationOutcome","id":"a&bAB","issue":[{"severity":"error","code":"invalid","diagnostics":"tab\tlf\n"}]}`},
		{"a prefix for FHIR's namespace", `<f:OperationOutcome xmlns:f="http://hl7.org/fhir"><f:issue><f:severity value="error"/><f:code value="invalid"/></f:issue></f:OperationOutcome>`,
			`{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid"}]}`},
		{"attribute white space normalized", ooOpen + "<issue><severity value=\"error\"/><code value=\"invalid\"/><diagnostics value=\"a\tb\r\nc\"/></issue></OperationOutcome>",
			`{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","diagnostics":"a b c"}]}`},
		{"a narrative kept as written", ooOpen + "<text><status value=\"generated\"/><div xmlns=\"http://www.w3.org/1999/xhtml\"><p class='x'>a &amp; b<br/><![CDATA[<c>]]></p></div></text>" + issue + `</OperationOutcome>`,
			`{"resourceType":"OperationOutcome","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p class='x'>a &amp; b<br/><![CDATA[<c>]]></p></div>"},"issue":[{"severity":"error","code":"invalid"}]}`},
	} {
		r, err := r4.UnmarshalResourceXML([]byte(c.doc))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		got, err := r4.MarshalResource(r)
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %s %v\nwant %s", c.name, got, err, c.want)
		}
	}
}

// Seed 003, DSTU2's login event in XML, is refused by R4 with an error for
// each of its DSTU2-only elements (agent.userId, source.identifier), as seed
// 001 is refused in JSON.
func TestSeed003DSTU2XML(t *testing.T) {
	data, err := os.ReadFile("testdata/fixtures/seed-003-dstu2-login.xml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = r4.UnmarshalResourceXML(data)
	var xe fhir.XMLErrors
	if !errors.As(err, &xe) {
		t.Fatalf("%v: want fhir.XMLErrors", err)
	}
	var got []string
	for _, e := range xe {
		got = append(got, e.Path+": "+e.Msg)
	}
	want := []string{
		"AuditEvent.agent[0].userId: unknown element userId",
		"AuditEvent.agent[1].userId: unknown element userId",
		"AuditEvent.source.identifier: unknown element identifier",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// FuzzUnmarshalResourceXML: no input panics or hangs; errors are
// fhir.XMLErrors; and whatever decodes writes XML that decodes to the same
// resource (its JSON the same), and validates without panicking.
func FuzzUnmarshalResourceXML(f *testing.F) {
	for _, file := range readFiles(f, "testdata/corpus/*.json") {
		if r, err := r4.UnmarshalResource(file.data); err == nil {
			if x, err := r4.MarshalResourceXML(r); err == nil {
				f.Add(x)
			}
		}
	}
	for _, file := range readFiles(f, "testdata/fixtures/*.xml") {
		f.Add(file.data)
	}
	for _, s := range []string{ooOpen + issue + `</OperationOutcome>`, `<!DOCTYPE a>`, `<a xmlns="http://hl7.org/fhir"/>`, `<?xml version="1.0"?>`,
		ooOpen + `<text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml">&#xD;<![CDATA[x]]></div></text>` + issue + `</OperationOutcome>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := r4.UnmarshalResourceXML(data)
		if err != nil {
			var xe fhir.XMLErrors
			if res != nil || !errors.As(err, &xe) {
				t.Fatalf("%v, %v: want no resource and fhir.XMLErrors", res, err)
			}
			return
		}
		if res == nil {
			t.Fatal("nil resource without an error")
		}
		j1, err := r4.MarshalResource(res)
		if err != nil {
			return // a value JSON cannot hold (an empty string with nothing else) is JSON's refusal
		}
		x, err := r4.MarshalResourceXML(res)
		if err != nil {
			t.Fatalf("decoded from XML, but not written back: %v", err)
		}
		again, err := r4.UnmarshalResourceXML(x)
		if err != nil {
			t.Fatalf("our own XML does not decode: %v\n%s", err, x)
		}
		j2, _ := r4.MarshalResource(again)
		if string(j1) != string(j2) {
			t.Fatalf("XML round trip changed the resource:\n%s\n%s", j1, j2)
		}
		if v, ok := res.(interface{ ValidateIssues() r4.Issues }); ok {
			v.ValidateIssues()
		}
	})
}

// FuzzXMLRoundTrip: whatever decodes from JSON and can be written as XML
// comes back from that XML with the same JSON.
func FuzzXMLRoundTrip(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := r4.UnmarshalResource(data)
		if err != nil {
			return
		}
		j1, err := r4.MarshalResource(res)
		if err != nil {
			return
		}
		x, err := r4.MarshalResourceXML(res)
		if err != nil {
			var ee *fhir.EncodeError
			if !errors.As(err, &ee) {
				t.Fatalf("%v: want a fhir.EncodeError", err)
			}
			return // what XML cannot hold: a control character, a type not generated
		}
		back, err := r4.UnmarshalResourceXML(x)
		if err != nil {
			t.Fatalf("our own XML does not decode: %v\n%s", err, x)
		}
		j2, err := r4.MarshalResource(back)
		if err != nil || string(j1) != string(j2) {
			t.Fatalf("XML round trip changed the resource (%v):\n%s\n%s\n%s", err, j1, x, j2)
		}
		// and through encoding/xml, the same (encoding/xml writes an empty
		// element with an end tag)
		want := x
		if bytes.HasSuffix(x, []byte("/>")) {
			want = append(bytes.TrimSuffix(x, []byte("/>")), "></"+res.ResourceType()+">"...)
		}
		if x2, err := xml.Marshal(res); err != nil || !bytes.Equal(x2, want) {
			t.Fatalf("xml.Marshal wrote (%v)\n%s\nwhere MarshalResourceXML wrote\n%s", err, x2, x)
		}
		back = reflect.New(reflect.TypeOf(res).Elem()).Interface().(r4.Resource)
		if err := xml.Unmarshal(x, back); err != nil {
			t.Fatalf("xml.Unmarshal: %v\n%s", err, x)
		}
		if j3, err := r4.MarshalResource(back); err != nil || string(j1) != string(j3) {
			t.Fatalf("xml.Unmarshal changed the resource (%v):\n%s\n%s\n%s", err, j1, x, j3)
		}
		var anyRes r4.AnyResourceXML
		if err := xml.Unmarshal(x, &anyRes); err != nil || anyRes.Resource == nil {
			t.Fatalf("xml.Unmarshal into AnyResourceXML: %v\n%s", err, x)
		}
		if j4, err := r4.MarshalResource(anyRes.Resource); err != nil || string(j1) != string(j4) {
			t.Fatalf("AnyResourceXML changed the resource (%v):\n%s\n%s\n%s", err, j1, x, j4)
		}
	})
}

// manyAttrs writes n attributes of distinct names.
func manyAttrs(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(" a" + strconv.Itoa(i) + `="1"`)
	}
	return b.String()
}
