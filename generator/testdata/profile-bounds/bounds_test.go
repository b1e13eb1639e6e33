package r4_test

import (
	"strings"
	"testing"

	"example.org/golden/bounds"
	"example.org/golden/r4"
)

const treatment = `"referenceRange":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/referencerange-meaning","code":"treatment"}]},"text":"t"}]`

// obs is an Observation of the profile BoundedObservation with the
// properties given (and the required treatment range unless given).
func obs(props string) string {
	if !strings.Contains(props, `"referenceRange"`) {
		props += "," + treatment
	}
	return `{"resourceType":"Observation","status":"final","code":{"text":"weight"},` + props + `}`
}

func pat(props string) string { return `{"resourceType":"Patient",` + props + `}` }

// Each bound (minValue, maxValue of a date, dateTime, instant, integer and
// Quantity), the binding of a Quantity's unit, a value set without its
// inactive codes, and a discriminator a slice leaves open: an instance that
// keeps the rule and one that breaks it.
func TestProfileBounds(t *testing.T) {
	cases := []struct {
		name, doc string
		patient   bool
		want      string // a part of the one error expected; "" for none
	}{
		{"dateTime at its minimum", obs(`"effectiveDateTime":"2020-01-01T00:00:00Z"`), false, ""},
		{"dateTime below its minimum", obs(`"effectiveDateTime":"2019-12-31T23:00:00Z"`), false, "Observation.effectiveDateTime: the value is less than the minimum \"2020-01-01\""},
		{"dateTime, a year that cannot be ordered", obs(`"effectiveDateTime":"2020"`), false, ""},
		{"dateTime, an earlier year", obs(`"effectiveDateTime":"2019"`), false, "Observation.effectiveDateTime: the value is less than the minimum"},
		{"instant below its maximum (another zone)", obs(`"issued":"2030-01-01T00:30:00+01:00"`), false, ""},
		{"instant above its maximum", obs(`"issued":"2030-01-01T00:00:01Z"`), false, "Observation.issued: the value is greater than the maximum"},
		{"Quantity within its bounds", obs(`"valueQuantity":{"value":70,"system":"http://unitsofmeasure.org","code":"kg"}`), false, ""},
		{"Quantity in grams within its bounds", obs(`"valueQuantity":{"value":500,"system":"http://unitsofmeasure.org","code":"g"}`), false, ""},
		{"Quantity in grams below its minimum", obs(`"valueQuantity":{"value":499.9,"system":"http://unitsofmeasure.org","code":"g"}`), false, "Observation.valueQuantity: the value is less than the minimum"},
		{"Quantity above its maximum", obs(`"valueQuantity":{"value":2.001e2,"system":"http://unitsofmeasure.org","code":"kg"}`), false, "Observation.valueQuantity: the value is greater than the maximum"},
		{"Quantity unit not in the bound value set", obs(`"valueQuantity":{"value":1,"system":"http://unitsofmeasure.org","code":"[lb_av]"}`), false, "Observation.valueQuantity: the value is not in the value set http://example.org/fhir/bounds/ValueSet/mass-units"},
		{"slice leaving appliesTo open: any appliesTo", obs(`"referenceRange":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/referencerange-meaning","code":"treatment"}]},"appliesTo":[{"text":"any"}],"text":"t"}]`), false, ""},
		{"slice leaving appliesTo open: missing", obs(`"referenceRange":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/referencerange-meaning","code":"normal"}]},"text":"n"}]`), false, "slice treatment: minimum required = 1"},
		{"date within its bounds", pat(`"birthDate":"1900-01-01"`), true, ""},
		{"date below its minimum", pat(`"birthDate":"1899-12-31"`), true, "Patient.birthDate: the value is less than the minimum \"1900-01-01\""},
		{"date above its maximum, to the month", pat(`"birthDate":"2101-01"`), true, "Patient.birthDate: the value is greater than the maximum"},
		{"integer within its bounds", pat(`"multipleBirthInteger":9`), true, ""},
		{"integer below its minimum", pat(`"multipleBirthInteger":0`), true, "Patient.multipleBirthInteger: the value is less than the minimum 1"},
		{"active code of a value set of active codes", pat(`"maritalStatus":{"coding":[{"system":"http://example.org/fhir/bounds/CodeSystem/statuses","code":"married"}]}`), true, ""},
		{"inactive code", pat(`"maritalStatus":{"coding":[{"system":"http://example.org/fhir/bounds/CodeSystem/statuses","code":"widowed"}]}`), true, "Patient.maritalStatus: the value is not in the value set"},
		{"retired code", pat(`"maritalStatus":{"coding":[{"system":"http://example.org/fhir/bounds/CodeSystem/statuses","code":"annulled"}]}`), true, "Patient.maritalStatus: the value is not in the value set"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := r4.UnmarshalResource([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			issues := bounds.ValidateProfileBoundedObservation(res)
			if tc.patient {
				issues = bounds.ValidateProfileBoundedPatient(res)
			}
			var errs []string
			for _, i := range issues {
				if i.Severity == "error" {
					errs = append(errs, i.String())
				}
			}
			ok := len(errs) == 0
			if tc.want != "" {
				ok = len(errs) == 1 && strings.Contains(errs[0], tc.want)
			}
			if !ok {
				t.Fatalf("want %q, got:\n%s", tc.want, strings.Join(errs, "\n"))
			}
		})
	}
}
