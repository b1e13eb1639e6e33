// Package autest uses the module generated for AU Base 6.0.0 as a user
// would: typed extension slices of the AU Patient profile, and the slice
// rules its validator enforces (make ig-conformance runs it).
package autest

import (
	"strings"
	"testing"

	"fhirgen.test/au/aubase"
	"fhirgen.test/au/r4"
)

const indigenousStatus = "http://hl7.org.au/fhir/StructureDefinition/indigenous-status"

func status(code string) *r4.Coding {
	return &r4.Coding{System: r4.NewURI("https://healthterminologies.gov.au/fhir/CodeSystem/australian-indigenous-status-1"), Code: r4.NewCode(code)}
}

func errorsOf(t *testing.T, p *aubase.AUBasePatient) string {
	t.Helper()
	var out []string
	for _, i := range aubase.ValidateProfileAUBasePatient(p.Patient) {
		if i.Severity == "error" {
			out = append(out, i.String())
		}
	}
	return strings.Join(out, "\n")
}

func TestExtensionSliceTypedValue(t *testing.T) {
	p := aubase.NewAUBasePatient()
	if p.IndigenousStatusValue() != nil {
		t.Fatal("a new patient has an indigenous status")
	}
	p.SetIndigenousStatusValue(status("4"))
	if len(p.Extension) != 1 || p.Extension[0].URL != indigenousStatus {
		t.Fatalf("the extension added has url %q, want %s", p.Extension[0].URL, indigenousStatus)
	}
	if got := p.IndigenousStatusValue(); got == nil || got.GetCode().String() != "4" {
		t.Fatalf("IndigenousStatusValue = %v after setting 4", got)
	}
	p.SetIndigenousStatusValue(status("1")) // replaces, does not add
	if len(p.Extension) != 1 || p.IndigenousStatusValue().GetCode().String() != "1" {
		t.Fatalf("setting again: %d extensions, value %v", len(p.Extension), p.IndigenousStatusValue())
	}
	if errs := errorsOf(t, p); errs != "" {
		t.Fatalf("a patient with an indigenous status is invalid:\n%s", errs)
	}
	p.SetIndigenousStatusValue(nil)
	if len(p.Extension) != 0 {
		t.Fatalf("setting nil left %d extensions", len(p.Extension))
	}
}

func TestExtensionSliceMaximum(t *testing.T) {
	p := aubase.NewAUBasePatient()
	p.SetIndigenousStatusValue(status("4"))
	p.Extension = append(p.Extension, r4.Extension{URL: indigenousStatus, Value: status("1")})
	if errs := errorsOf(t, p); !strings.Contains(errs, "indigenousStatus") {
		t.Fatalf("two indigenous-status extensions (max 1) are not an error; errors:\n%s", errs)
	}
	p.RemoveIndigenousStatus()
	if len(p.Extension) != 0 {
		t.Fatalf("RemoveIndigenousStatus left %d extensions", len(p.Extension))
	}
}

func TestRepeatingExtensionSlice(t *testing.T) {
	p := aubase.NewAUBasePatient()
	other := r4.Extension{URL: "http://example.org/other", Value: r4.NewString("x")}
	p.Extension = append(p.Extension, other)
	p.AddVeteranStatusValue(&r4.Coding{Code: r4.NewCode("a")})
	p.AddVeteranStatusValue(&r4.Coding{Code: r4.NewCode("b")})
	if vs := p.VeteranStatusValues(); len(vs) != 2 || vs[1].GetCode().String() != "b" {
		t.Fatalf("VeteranStatusValues = %v", vs)
	}
	if n := len(p.VeteranStatusList()); n != 2 {
		t.Fatalf("VeteranStatusList has %d items, want 2", n)
	}
	p.RemoveVeteranStatus()
	if len(p.Extension) != 1 || p.Extension[0].URL != other.URL {
		t.Fatalf("RemoveVeteranStatus left %v", p.Extension)
	}
}

func TestExtensionOnAnElement(t *testing.T) {
	// the extension slice of an element below the root (Patient.birthDate)
	// is recognized by its url as well
	p := aubase.NewAUBasePatient()
	p.BirthDate = r4.NewDate("1980-01-01")
	p.BirthDate.Extension = []r4.Extension{
		{URL: "http://hl7.org/fhir/StructureDefinition/patient-birthTime", Value: r4.NewDateTime("1980-01-01T10:00:00+10:00")},
		{URL: "http://hl7.org/fhir/StructureDefinition/patient-birthTime", Value: r4.NewDateTime("1980-01-01T11:00:00+10:00")},
	}
	if errs := errorsOf(t, p); !strings.Contains(errs, "birthTime") {
		t.Fatalf("two birthTime extensions (max 1) are not an error; errors:\n%s", errs)
	}
}

func TestComplexExtension(t *testing.T) {
	p := aubase.NewAUBasePatient()
	in := &r4.PronounsValue{
		Value:   &r4.CodeableConcept{Coding: []r4.Coding{{System: r4.NewURI("http://loinc.org"), Code: r4.NewCode("LA29518-0")}}},
		Comment: r4.NewString("she/her"),
	}
	p.AddIndividualPronounsValue(in)
	if errs := errorsOf(t, p); errs != "" {
		t.Fatalf("a patient with pronouns is invalid:\n%s", errs)
	}
	data, err := r4.MarshalResource(p.Patient)
	if err != nil {
		t.Fatal(err)
	}
	want := `"extension":[{"extension":[{"url":"value","valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA29518-0"}]}},{"url":"comment","valueString":"she/her"}],"url":"http://hl7.org/fhir/StructureDefinition/individual-pronouns"}]`
	if !strings.Contains(string(data), want) {
		t.Fatalf("JSON:\n%s\nlacks\n%s", data, want)
	}
	back, err := r4.UnmarshalResource(data)
	if err != nil {
		t.Fatal(err)
	}
	got := aubase.AsAUBasePatient(back.(*r4.Patient)).IndividualPronounsValues()
	if len(got) != 1 || got[0].Comment.String() != "she/her" || got[0].Value.Coding[0].GetCode().String() != "LA29518-0" || got[0].Period != nil {
		t.Fatalf("read back %+v", got)
	}
	if _, ok := r4.PronounsValueOf(&r4.Extension{URL: "http://example.org/other"}); ok {
		t.Fatal("PronounsValueOf accepted another extension")
	}
	// a nested extension of the wrong type is not read as the field, and
	// validation says why
	p.Extension[0].Extension[1].Value = r4.NewBoolean(true)
	if v := p.IndividualPronounsValues(); len(v) != 1 || v[0].Comment != nil {
		t.Fatalf("a boolean comment was read as %+v", v)
	}
	if errs := errorsOf(t, p); errs == "" {
		t.Fatal("a boolean comment in the pronouns extension is valid")
	}
}
