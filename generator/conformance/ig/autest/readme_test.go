package autest

import (
	"testing"

	"fhirgen.test/au/aubase"
	"fhirgen.test/au/r4"
)

// TestReadmeSnippet runs the README's AU Base snippet, held here verbatim
// (generator/readme_test.go checks it is).
func TestReadmeSnippet(t *testing.T) {
	p := aubase.NewAUBasePatient()
	p.SetIndigenousStatusValue(&r4.Coding{System: r4.NewURI("https://healthterminologies.gov.au/fhir/CodeSystem/australian-indigenous-status-1"), Code: r4.NewCode("4")})
	status := p.IndigenousStatusValue() // *r4.Coding, nil when absent
	p.AddIndividualPronounsValue(&r4.PronounsValue{Value: &r4.CodeableConcept{Text: r4.NewString("she/her")}})
	for _, pr := range p.IndividualPronounsValues() { // []*r4.PronounsValue, one field per nested extension
		_ = pr.Value
	}
	p.RemoveIndigenousStatus()
	_ = status
	if len(p.Extension) != 1 || len(p.IndividualPronounsValues()) != 1 {
		t.Fatalf("after the snippet: %+v", p.Extension)
	}
}
