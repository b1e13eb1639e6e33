package r4_test

import (
	"strings"
	"testing"

	"example.org/golden/acme"
	"example.org/golden/r4"
)

// A datatype profile is checked wherever a profile element names it: one
// profile's issues are reported where the value is; of several, the value
// must conform to one; with the type's own definition among them, any value
// of the type will do.
func TestDatatypeProfiles(t *testing.T) {
	const valid = `{"resourceType":"Patient",
		"identifier":[{"system":"http://example.org/mrn","value":"1"}],
		"telecom":[{"system":"phone","value":"555"},{"system":"email","value":"a@example.org"}],
		"contact":[{"telecom":[{"system":"fax","value":"1"}]}]}`
	cases := []struct {
		name, from, to string
		want           []string
	}{
		{"valid", "", "", nil},
		{"an identifier with another system", `"system":"http://example.org/mrn","value":"1"`, `"system":"http://example.org/other","value":"1"`,
			[]string{`Patient.identifier[0].system: the value does not match the fixed value "http://example.org/mrn"`}},
		{"an identifier without a value", `"system":"http://example.org/mrn","value":"1"`, `"system":"http://example.org/mrn"`,
			[]string{"Patient.identifier[0].value: minimum required = 1"}},
		{"a telecom of neither profile", `{"system":"email","value":"a@example.org"}`, `{"system":"url","value":"http://example.org"}`,
			[]string{"Patient.telecom[1]: the value conforms to none of the profiles"}},
		{"a telecom of neither profile: no value", `{"system":"phone","value":"555"}`, `{"system":"phone"}`,
			[]string{"Patient.telecom[0]: the value conforms to none of the profiles"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := r4.UnmarshalResource([]byte(strings.Replace(valid, tc.from, tc.to, 1)))
			if err != nil {
				t.Fatal(err)
			}
			var errs []string
			for _, i := range acme.ValidateProfileDTProbe(res) {
				if i.Severity == "error" {
					errs = append(errs, i.String())
				}
			}
			ok := len(errs) == len(tc.want)
			for i := 0; ok && i < len(errs); i++ {
				ok = strings.Contains(errs[i], tc.want[i])
			}
			if !ok {
				t.Fatalf("want errors containing %q, got:\n%s", tc.want, strings.Join(errs, "\n"))
			}
		})
	}
}

// A datatype profile's view validates a value on its own.
func TestDatatypeProfileView(t *testing.T) {
	id := &r4.Identifier{System: r4.NewURI("http://example.org/mrn")}
	err := acme.AsMRNIdentifier(id).Validate()
	if err == nil || !strings.Contains(err.Error(), "Identifier.value: minimum required = 1") {
		t.Fatalf("an MRN without a value: %v", err)
	}
	id.Value = r4.NewString("1")
	if err := acme.AsMRNIdentifier(id).Validate(); err != nil {
		t.Fatal(err)
	}
	if acme.AsMRNIdentifier(nil) != nil {
		t.Fatal("AsMRNIdentifier(nil) is not nil")
	}
}
