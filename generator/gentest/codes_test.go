package gentest

import (
	"testing"

	"github.com/fhirgen/fhirgen/generated/r4"
)

// TestCodeSetMethods checks IsValid, System and Display of a small code set
// (switches) and of a large one (FHIRAllTypes, over 200 codes: a sorted
// table searched by binary search), at both ends of the table and between,
// against the R4 code systems, and for values that are not codes.
func TestCodeSetMethods(t *testing.T) {
	type methods interface {
		IsValid() bool
		System() string
		Display() string
	}
	cases := []struct {
		code            methods
		valid           bool
		system, display string
	}{
		{r4.AddressTypeBoth, true, "http://hl7.org/fhir/address-type", "Postal & Physical"},
		{r4.AddressType("Both"), false, "", ""},
		{r4.FHIRAllTypes("Account"), true, "http://hl7.org/fhir/resource-types", "Account"},
		{r4.FHIRAllTypes("Age"), true, "http://hl7.org/fhir/data-types", "Age"},
		{r4.FHIRAllTypes("Patient"), true, "http://hl7.org/fhir/resource-types", "Patient"},
		{r4.FHIRAllTypes("Any"), true, "http://hl7.org/fhir/abstract-types", "Any"},
		{r4.FHIRAllTypes("xhtml"), true, "http://hl7.org/fhir/data-types", "XHTML"},
		{r4.FHIRAllTypes("VisionPrescription"), true, "http://hl7.org/fhir/resource-types", "VisionPrescription"},
		{r4.FHIRAllTypes("patient"), false, "", ""},
		{r4.FHIRAllTypes(""), false, "", ""},
		{r4.FHIRAllTypes("Zzz"), false, "", ""},
		{r4.FHIRAllTypes("A"), false, "", ""},
	}
	for _, tc := range cases {
		if got := tc.code.IsValid(); got != tc.valid {
			t.Errorf("%v.IsValid() = %v, want %v", tc.code, got, tc.valid)
		}
		if got := tc.code.System(); got != tc.system {
			t.Errorf("%v.System() = %q, want %q", tc.code, got, tc.system)
		}
		if got := tc.code.Display(); got != tc.display {
			t.Errorf("%v.Display() = %q, want %q", tc.code, got, tc.display)
		}
	}
}
