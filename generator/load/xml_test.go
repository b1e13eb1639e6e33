package load_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generator"
	"github.com/fhirgen/fhirgen/generator/load"
)

// A definition in XML reads as its JSON form (written out by hand in
// shape-sd-from-xml.json): attributes, primitives with ids and extensions,
// repeats, choice elements, the narrative's exact XHTML; comments,
// processing instructions and other namespaces' attributes skipped.
func TestXMLDefinition(t *testing.T) {
	data, err := os.ReadFile("testdata/shape-sd.xml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := load.NewShape(r4(t)).XMLToJSON(data, "shape-sd.xml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/shape-sd-from-xml.json")
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}

	// -defs reads it (by its content) as it reads JSON, and holds it to
	// the same rules
	set := r4(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "shape.xml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := set.AddPath(dir, "defs"); err != nil {
		t.Fatal(err)
	}
	r, ok := set.Resolve("StructureDefinition", "http://example.org/fhir/StructureDefinition/shape")
	if !ok || r.Source != "defs/shape.xml" || r.Name != "Shape" {
		t.Fatalf("not loaded from the directory: %+v", r)
	}
	if err := set.Check(r); err != nil {
		t.Fatal(err)
	}
}

// What FHIR XML does not allow, and what would make reading a hostile file
// costly, is refused with the file, the place and the line.
func TestXMLRefused(t *testing.T) {
	data, err := os.ReadFile("testdata/shape-sd.xml")
	if err != nil {
		t.Fatal(err)
	}
	deep := strings.Repeat("<extension>", 200) + strings.Repeat("</extension>", 200)
	for _, c := range []struct{ name, from, to, want string }{
		{"billion laughs", `<?xml version="1.0" encoding="UTF-8"?>`, `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>`, "a DTD or other declaration"},
		{"external entity", `<?xml version="1.0" encoding="UTF-8"?>`, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`, "a DTD or other declaration"},
		{"undeclared entity", `<short value="A shape"/>`, `<short value="A &xxe; shape"/>`, "invalid character entity &xxe;"},
		{"another encoding", `encoding="UTF-8"`, `encoding="ISO-8859-1"`, "ISO-8859-1"},
		{"nesting", `<derivation value="constraint"/>`, deep, "more than 128 nested elements"},
		{"wrong namespace", `xmlns="http://hl7.org/fhir" `, `xmlns="http://hl7.org/fhir/x" `, "not in the FHIR namespace"},
		{"text", `<name value="Shape"/>`, `<name value="Shape"/>Shape`, `line 14, column 24: text "Shape"`},
		{"out of order", `<abstract value="false"/>`, `<abstract value="false"/><version value="1"/>`, "StructureDefinition.version (line 19, column 28): out of order"},
		{"again after others", `<type value="Extension"/>`, `<type value="Extension"/><context><type value="element"/><expression value="Patient"/></context>`, "StructureDefinition.context again"},
		{"repeated", `<kind value="complex-type"/>`, `<kind value="complex-type"/><kind value="resource"/>`, "StructureDefinition.kind (line 18, column 31): repeated, but the element does not repeat"},
		{"unknown element", `<kind value="complex-type"/>`, `<colour value="red"/>`, "StructureDefinition.colour (line 18, column 3): unknown element"},
		{"unknown attribute", `<element id="Extension">`, `<element id="Extension" colour="red">`, `Extension: StructureDefinition.differential.element[0] (line 28, column 5): unknown attribute "colour"`},
		{"value on a complex element", `<binding>`, `<binding value="x">`, `unknown attribute "value"`},
		{"an attribute as an element", `<element id="Extension">`, `<element><id value="Extension"/>`, "StructureDefinition.differential.element[0].id (line 28, column 14): an attribute in FHIR XML, not an element"},
		{"an element as an attribute", `<StructureDefinition xmlns="http://hl7.org/fhir" `, `<StructureDefinition id="shape" xmlns="http://hl7.org/fhir" `, `unknown attribute "id"`},
		{"not a boolean", `<abstract value="false"/>`, `<abstract value="no"/>`, `StructureDefinition.abstract (line 19, column 3): "no" is not a boolean`},
		{"not a number", `<min value="0"/>`, `<min value="zero"/>`, `"zero" is not a valid unsignedInt`},
		{"not a whole number", `<min value="0"/>`, `<min value="0.5"/>`, `want unsignedInt (a whole number)`},
		{"no value", `<name value="Shape"/>`, `<name/>`, "StructureDefinition.name (line 14, column 3): no value attribute, id or extension"},
		{"an empty value", `<name value="Shape"/>`, `<name value=""/>`, "StructureDefinition.name: an empty string"},
		{"xhtml outside a narrative", `<status value="draft"/>`, `<status value="draft"/><div xmlns="http://www.w3.org/1999/xhtml">x</div>`, "an XHTML element outside a narrative"},
		{"two roots", `</StructureDefinition>`, `</StructureDefinition><StructureDefinition xmlns="http://hl7.org/fhir"/>`, "a second root element"},
		{"not a resource", "StructureDefinition", "Coding", "line 3, column 1: <Coding> is not a resource type"},
		{"malformed", `<min value="0"/>`, `<min value="0">`, "line 39: element <min> closed by </element>"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(string(data), c.from) {
				t.Fatalf("the fixture has no %s", c.from)
			}
			bad := strings.ReplaceAll(string(data), c.from, c.to)
			set := r4(t)
			err := set.AddBytes([]byte(bad), "bad.xml")
			if err == nil {
				err = set.Check(set.All[len(set.All)-1])
			}
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "bad.xml: ") {
				t.Fatalf("got %v, want an error in bad.xml with %q", err, c.want)
			}
		})
	}
}

// A definition refused that says it is for another FHIR release than the
// core package's gets that as the likely cause; one of the same release
// does not.
func TestXMLAnotherRelease(t *testing.T) {
	data, err := os.ReadFile("testdata/shape-sd.xml")
	if err != nil {
		t.Fatal(err)
	}
	const hint = "(the file is a definition for FHIR 5.0.0, read with the core package of FHIR 4.0.1: fhirgen does not convert definitions between FHIR releases)"
	for _, c := range []struct {
		version string
		hinted  bool
	}{{"5.0.0", true}, {"4.0.0", false}} {
		bad := strings.Replace(string(data), `<fhirVersion value="4.0.1"/>`, `<fhirVersion value="`+c.version+`"/>`, 1)
		bad = strings.Replace(bad, `<kind value="complex-type"/>`, `<colour value="red"/><kind value="complex-type"/>`, 1)
		err := r4(t).AddBytes([]byte(bad), "bad.xml")
		if err == nil || !strings.Contains(err.Error(), "StructureDefinition.colour (line 18, column 3): unknown element") ||
			strings.Contains(err.Error(), "does not convert") != c.hinted || c.hinted && !strings.HasSuffix(err.Error(), hint) {
			t.Errorf("fhirVersion %s: got %v", c.version, err)
		}
	}
}

// Reading XML takes the core definitions of its version; without them it
// says so.
func TestXMLNeedsTheCorePackage(t *testing.T) {
	data, err := os.ReadFile("testdata/shape-sd.xml")
	if err != nil {
		t.Fatal(err)
	}
	err = load.NewSet().AddBytes(data, "shape.xml")
	if err == nil || !strings.Contains(err.Error(), "shape.xml: line 3, column 1: <StructureDefinition> is not a resource type the loaded core package defines") {
		t.Fatalf("got %v", err)
	}
}

// No input panics the XML reader, and what it accepts is JSON.
func FuzzXMLToJSON(f *testing.F) {
	data, err := os.ReadFile("testdata/shape-sd.xml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`<ValueSet xmlns="http://hl7.org/fhir"><contained><CodeSystem><id value="a"/></CodeSystem></contained><url value="http://x"/></ValueSet>`))
	f.Add([]byte(`<CodeSystem xmlns="http://hl7.org/fhir"><concept><code value="a"/><concept><code value="b"/></concept></concept></CodeSystem>`))
	shape := load.NewShape(r4Fuzz(f))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := shape.XMLToJSON(in, "fuzz.xml")
		if err == nil && !json.Valid(out) {
			t.Fatalf("accepted, and wrote no JSON: %s", out)
		}
	})
}

func r4Fuzz(f *testing.F) *load.Set {
	r4Once.Do(func() {
		cfg := &generator.Config{Packages: []string{"hl7.fhir.r4.examples@4.0.1"}}
		r4Set, r4Err = cfg.Load(context.Background())
	})
	if r4Err != nil {
		f.Fatal(r4Err)
	}
	return r4Set
}
