package gentest

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/fhir"
	"github.com/fhirgen/fhirgen/generated/r4"
)

// htmlCases are narratives that pass and fail htmlChecks() (txt-1, txt-2):
// one well-formed XHTML div with content, basic formatting only, no
// scripts, forms, frames or objects, no event handlers.
var htmlCases = []struct {
	name, div string
	ok        bool
	// jsDiffers says why fhirpath.js gives another result ("" when it
	// agrees)
	jsDiffers string
}{
	{"plain", `<div xmlns="http://www.w3.org/1999/xhtml">A <b>session</b></div>`, true, ""},
	{"table and image", `<div xmlns="http://www.w3.org/1999/xhtml"><table><tr><td><img src="a.png" alt="a"/></td></tr></table></div>`, true, ""},
	{"image only", `<div xmlns="http://www.w3.org/1999/xhtml"><img src="a.png"/></div>`, true, ""},
	{"comment", `<div xmlns="http://www.w3.org/1999/xhtml"><!-- note -->x</div>`, true, ""},
	{"references", `<div xmlns="http://www.w3.org/1999/xhtml">a &amp; b &lt; c &#160; &#x263A;</div>`, true, ""},
	{"chapters 7-11 elements", `<div xmlns="http://www.w3.org/1999/xhtml"><address>x</address><kbd>k</kbd><bdo dir="ltr">b</bdo></div>`, true, ""},
	{"element attributes", `<div xmlns="http://www.w3.org/1999/xhtml"><a href="#x" name="x">x</a><td nowrap="nowrap" width="1">y</td></div>`, true, ""},
	{"no namespace declared (htmlChecks does not ask for it)", `<div>x</div>`, true, ""},
	{"prefixed element", `<div xmlns="http://www.w3.org/1999/xhtml" xmlns:h="http://www.w3.org/1999/xhtml"><h:p>x</h:p></div>`, false, ""},
	{"xml:lang and lang, as the IG Publisher writes them", `<div xmlns="http://www.w3.org/1999/xhtml" xml:lang="en-AU" lang="en-AU"><p xml:lang="en">x</p></div>`, true,
		"fhirpath.js's htmlChecks allows only the HTML attribute names; the HL7 validator allows xml:lang, which the IG Publisher writes on every narrative (AU Base, IPS)"},
	{"another namespace", `<div xmlns="http://example.org/">x</div>`, false, ""},
	{"HTML entity", `<div xmlns="http://www.w3.org/1999/xhtml">a&nbsp;b</div>`, false, ""},
	{"bare ampersand", `<div xmlns="http://www.w3.org/1999/xhtml">a & b</div>`, false, ""},
	{"bare less-than in a value", `<div xmlns="http://www.w3.org/1999/xhtml"><p title="a<b">x</p></div>`, false, ""},
	{"control character", "<div xmlns=\"http://www.w3.org/1999/xhtml\">a\u0001b</div>", false, ""},
	{"reference to an illegal character", `<div xmlns="http://www.w3.org/1999/xhtml">a&#1;b</div>`, false, ""},
	{"duplicate attribute", `<div xmlns="http://www.w3.org/1999/xhtml"><p class="a" class="b">x</p></div>`, false, ""},
	{"attribute of another element", `<div xmlns="http://www.w3.org/1999/xhtml"><p href="x">x</p></div>`, false, ""},
	{"double hyphen in a comment", `<div xmlns="http://www.w3.org/1999/xhtml"><!-- a -- b -->x</div>`, false, ""},
	{"comment outside the root", `<!-- a --><div xmlns="http://www.w3.org/1999/xhtml">x</div>`, false, ""},
	{"CDATA", `<div xmlns="http://www.w3.org/1999/xhtml"><![CDATA[x]]></div>`, false, ""},
	{"image without a source", `<div xmlns="http://www.w3.org/1999/xhtml"><img alt="a"/></div>`, false, ""},
	{"single-quoted attributes, spaces", `<div xmlns='http://www.w3.org/1999/xhtml' ><p class = 'c' >x</p ></div>`, true, ""},
	{"not a div", `<p xmlns="http://www.w3.org/1999/xhtml">x</p>`, false, ""},
	{"script", `<div xmlns="http://www.w3.org/1999/xhtml">x<script>alert(1)</script></div>`, false, ""},
	{"event handler", `<div xmlns="http://www.w3.org/1999/xhtml"><p onclick="alert(1)">x</p></div>`, false, ""},
	{"form", `<div xmlns="http://www.w3.org/1999/xhtml"><form>x</form></div>`, false, ""},
	{"iframe", `<div xmlns="http://www.w3.org/1999/xhtml"><iframe src="x"></iframe>x</div>`, false, ""},
	{"unclosed", `<div xmlns="http://www.w3.org/1999/xhtml"><p>x</div>`, false, ""},
	{"mismatched", `<div xmlns="http://www.w3.org/1999/xhtml"><b><i>x</b></i></div>`, false, ""},
	{"whitespace only", `<div xmlns="http://www.w3.org/1999/xhtml"> <p> </p> </div>`, false, ""},
	{"text outside", `<div xmlns="http://www.w3.org/1999/xhtml">x</div>y`, false, ""},
	{"two roots", `<div xmlns="http://www.w3.org/1999/xhtml">x</div><div xmlns="http://www.w3.org/1999/xhtml">y</div>`, false, ""},
	{"unquoted attribute", `<div xmlns="http://www.w3.org/1999/xhtml"><p class=c>x</p></div>`, false, ""},
	{"truncated", `<div xmlns="http://www.w3.org/1999/xhtml"><p`, false, ""},
	// long runs of text, read eight bytes at a time: what ends or breaks a
	// run in the middle of a word and at its end
	{"long text, reference after eight bytes", `<div xmlns="http://www.w3.org/1999/xhtml">abcdefghijk &amp; lmnopqrstu &#233;tude</div>`, true, ""},
	{"long text, non-ASCII after eight bytes", `<div xmlns="http://www.w3.org/1999/xhtml">Grahame Grieve — Généré</div>`, true, ""},
	{"long text, control character after eight bytes", "<div xmlns=\"http://www.w3.org/1999/xhtml\">abcdefghijk\u0002lm</div>", false, ""},
	{"long text, ]]> after eight bytes", `<div xmlns="http://www.w3.org/1999/xhtml">abcdefghijk]]>lm</div>`, false, ""},
	{"long text, ] alone", `<div xmlns="http://www.w3.org/1999/xhtml">abcdefghijk]lm] n</div>`, true, ""},
	{"long whitespace only", "<div xmlns=\"http://www.w3.org/1999/xhtml\">                 \n\t\t      <p>                    </p>          </div>", false, ""},
	{"long whitespace, then one letter", "<div xmlns=\"http://www.w3.org/1999/xhtml\">                 \n\t\t      <p>                    x</p></div>", true, ""},
	{"bare ampersand after eight bytes", `<div xmlns="http://www.w3.org/1999/xhtml">abcdefghijk & lm</div>`, false, ""},
	{"start tag without attributes at the end", `<div xmlns="http://www.w3.org/1999/xhtml">abcdefghijk<p>`, false, ""},
	{"end tag of another element with the same prefix", `<div xmlns="http://www.w3.org/1999/xhtml"><table><tr><td>x</td></tr></tab></div>`, false, ""},
	{"comment ending in a hyphen (XML forbids --->)", `<div xmlns="http://www.w3.org/1999/xhtml"><!-- a --->x</div>`, false, ""},
	{"a reference to a space is content", `<div xmlns="http://www.w3.org/1999/xhtml"><p>&#x20;&#32;&#10;</p></div>`, true, ""},
	{"a reference to a letter is content", `<div xmlns="http://www.w3.org/1999/xhtml"><p> &#65; </p></div>`, true, ""},
	{"processing instruction inside", `<div xmlns="http://www.w3.org/1999/xhtml"><?php echo 1 ?>x</div>`, false, ""},
}

// sessionWithDiv is a valid UserSession whose narrative is div.
func sessionWithDiv(div string) string {
	session := strings.Replace(strings.Replace(validSession, `"contained":[{"resourceType":"Patient","id":"p1"}],`, ``, 1), `"#p1"`, `"Patient/p1"`, 1)
	quoted, _ := json.Marshal(div)
	return strings.Replace(session, narrative, `"text":{"status":"generated","div":`+string(quoted)+`},`, 1)
}

func TestHTMLChecks(t *testing.T) {
	for _, tc := range htmlCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := fhir.HTMLChecks(tc.div); got != tc.ok {
				t.Fatalf("HTMLChecks = %v, want %v", got, tc.ok)
			}
			res, err := r4.UnmarshalResource([]byte(sessionWithDiv(tc.div)))
			if err != nil {
				t.Fatal(err)
			}
			caught := map[string]bool{}
			for _, i := range res.(*r4.UserSession).ValidateIssues() {
				if i.Severity == fhir.SeverityError && i.Code == "invariant" {
					caught[i.Key] = true
				}
			}
			if caught["txt-1"] == tc.ok || caught["txt-2"] == tc.ok {
				t.Fatalf("txt-1 caught %v, txt-2 caught %v; want both %v", caught["txt-1"], caught["txt-2"], !tc.ok)
			}
		})
	}
}

// FuzzHTMLChecks: no input panics, and what HTMLChecks accepts is, by an
// independent reading (encoding/xml, strict), well-formed XML with one div
// at the root and some character data or an image.
func FuzzHTMLChecks(f *testing.F) {
	for _, tc := range htmlCases {
		f.Add(tc.div)
	}
	for _, file := range readFiles(f, "testdata/corpus/*.json") {
		var res struct{ Text struct{ Div string } }
		if json.Unmarshal(file.data, &res) == nil && res.Text.Div != "" {
			f.Add(res.Text.Div)
		}
	}
	f.Fuzz(func(t *testing.T, div string) {
		if !fhir.HTMLChecks(div) {
			return
		}
		d := xml.NewDecoder(strings.NewReader(div))
		depth, roots, content := 0, 0, false
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("HTMLChecks accepts what encoding/xml rejects: %v", err)
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				if depth == 0 {
					roots++
					if tok.Name.Local != "div" {
						t.Fatalf("HTMLChecks accepts a root %s", tok.Name.Local)
					}
				}
				if tok.Name.Local == "img" {
					content = true
				}
				depth++
			case xml.EndElement:
				depth--
			case xml.CharData:
				if strings.Trim(string(tok), " \t\r\n") != "" { // XML white space
					content = true
				}
			case xml.ProcInst, xml.Directive:
				t.Fatalf("HTMLChecks accepts %T", tok)
			}
		}
		// a character reference is content, even to a space (as fhirpath.js
		// has it; XPath's normalize-space() in R4's txt-2 would not count it)
		if roots != 1 || !content && !strings.Contains(div, "&") {
			t.Fatalf("HTMLChecks accepts %d roots, content %v", roots, content)
		}
	})
}
