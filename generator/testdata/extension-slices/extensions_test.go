package r4_test

import (
	"strings"
	"testing"

	"example.org/golden/acme"
	"example.org/golden/r4"
)

func profileErrors(p *acme.ExtProbe) []string {
	var out []string
	for _, i := range acme.ValidateProfileExtProbe(p.Patient) {
		if i.Severity == "error" {
			out = append(out, i.String())
		}
	}
	return out
}

func pronouns() *acme.PronounsLiteValue {
	return &acme.PronounsLiteValue{
		Value: &r4.CodeableConcept{Text: r4.NewString("they/them")},
		Note:  []*r4.String{r4.NewString("at work"), r4.NewString("at home")},
		// a nested extension of several types holds any of them
		Source: &r4.Reference{Display: r4.NewString("the patient")},
	}
}

// Extension slices are recognized by url without a slicing in the
// differential (extensions are sliced by url by default), typed by their
// definitions, and keep their definitions' cardinality.
func TestExtensionSlices(t *testing.T) {
	p := acme.NewExtProbe()
	// the new pronouns extension has its url, and is empty: its required
	// nested value is missing
	errs := profileErrors(p)
	if len(errs) == 0 || p.Extension[0].URL != "http://example.org/fhir/acme/StructureDefinition/pronouns-lite" {
		t.Fatalf("NewExtProbe: %+v, errors %q", p.Extension, errs)
	}
	for _, e := range errs {
		if !strings.Contains(e, "Patient.extension[0]") {
			t.Fatalf("NewExtProbe: want only the errors of the empty pronouns, got %q", errs)
		}
	}
	p.RemovePronouns()
	p.AddPronounsValue(pronouns())
	p.SetEyeColourValue(r4.NewString("green"))
	if errs := profileErrors(p); len(errs) != 0 {
		t.Fatalf("errors: %q", errs)
	}
	if got := p.EyeColourValue(); got.String() != "green" {
		t.Fatalf("EyeColourValue = %v", got)
	}
	// another extension is not in a slice (the default slicing is open)
	p.Extension = append(p.Extension, r4.Extension{URL: "http://example.org/other", Value: r4.NewString("x")})
	if errs := profileErrors(p); len(errs) != 0 {
		t.Fatalf("an unrelated extension: %q", errs)
	}
	// the eye-colour extension is 0..1 by its definition
	p.Extension = append(p.Extension, r4.Extension{URL: "http://example.org/fhir/acme/StructureDefinition/eye-colour", Value: r4.NewString("blue")})
	if errs := profileErrors(p); len(errs) != 1 || !strings.Contains(errs[0], "slice eyeColour: maximum allowed = 1") {
		t.Fatalf("two eye colours: %q", errs)
	}
	p.RemoveEyeColour()
	if p.EyeColour() != nil || len(p.Extension) != 2 {
		t.Fatalf("RemoveEyeColour left %+v", p.Extension)
	}
	// the required pronouns slice
	p.RemovePronouns()
	if errs := profileErrors(p); len(errs) != 1 || !strings.Contains(errs[0], "slice pronouns: minimum required = 1") {
		t.Fatalf("no pronouns: %q", errs)
	}
}

// A complex extension is a struct with a field per nested extension, and
// converts to and from its JSON form.
func TestComplexExtension(t *testing.T) {
	p := acme.NewExtProbe()
	p.RemovePronouns()
	p.AddPronounsValue(pronouns())
	data, err := r4.MarshalResource(p.Patient)
	if err != nil {
		t.Fatal(err)
	}
	want := `"extension":[{"extension":[{"url":"value","valueCodeableConcept":{"text":"they/them"}},{"url":"note","valueString":"at work"},{"url":"note","valueString":"at home"},{"url":"source","valueReference":{"display":"the patient"}}],"url":"http://example.org/fhir/acme/StructureDefinition/pronouns-lite"}]`
	if !strings.Contains(string(data), want) {
		t.Fatalf("JSON\n%s\nlacks\n%s", data, want)
	}
	res, err := r4.UnmarshalResource(data)
	if err != nil {
		t.Fatal(err)
	}
	got := acme.AsExtProbe(res.(*r4.Patient)).PronounsValues()
	if len(got) != 1 || got[0].Value.Text.String() != "they/them" || len(got[0].Note) != 2 || got[0].Note[1].String() != "at home" ||
		got[0].Source.(*r4.Reference).Display.String() != "the patient" {
		t.Fatalf("read back %+v", got)
	}
	// the package-level functions work on any extension list
	var exts []r4.Extension
	acme.SetPronounsLite(&exts, pronouns())
	acme.SetPronounsLite(&exts, pronouns())
	if len(exts) != 1 || acme.PronounsLite(exts) == nil {
		t.Fatalf("SetPronounsLite twice: %+v", exts)
	}
	if !acme.RemovePronounsLite(&exts) || len(exts) != 0 {
		t.Fatalf("RemovePronounsLite: %+v", exts)
	}
	// a nested extension of the wrong type is not read, and is an error
	bad := pronouns().Extension()
	bad.Extension[0].Value = r4.NewString("they/them")
	if v, ok := acme.PronounsLiteValueOf(&bad); !ok || v.Value != nil {
		t.Fatalf("a string value read as %+v", v)
	}
	p.Extension = []r4.Extension{bad}
	if errs := profileErrors(p); len(errs) == 0 {
		t.Fatal("a pronouns extension with a string value is valid")
	}
	// and a source of a type it does not allow is an error
	bad = pronouns().Extension()
	bad.Extension[3].Value = r4.NewString("me")
	p.Extension = []r4.Extension{bad}
	if errs := profileErrors(p); len(errs) == 0 {
		t.Fatal("a pronouns extension with a string source is valid")
	}
}

// An extension slice on a primitive (birthDate's _birthDate.extension).
func TestPrimitiveExtensionSlice(t *testing.T) {
	p := acme.NewExtProbe()
	p.RemovePronouns()
	p.AddPronounsValue(pronouns())
	p.BirthDate = r4.NewDate("1970")
	acme.SetDateEstimated(&p.BirthDate.Extension, r4.NewBoolean(true))
	if errs := profileErrors(p); len(errs) != 0 {
		t.Fatalf("errors: %q", errs)
	}
	p.BirthDate.Extension = append(p.BirthDate.Extension, p.BirthDate.Extension[0])
	if errs := profileErrors(p); len(errs) != 1 || !strings.Contains(errs[0], "slice estimated: maximum allowed = 1") {
		t.Fatalf("two estimated flags: %q", errs)
	}
}
