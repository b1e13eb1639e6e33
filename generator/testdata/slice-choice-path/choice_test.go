package r4_test

import (
	"strings"
	"testing"

	"example.org/golden/acme"
	"example.org/golden/r4"
)

// A discriminator path through a choice (value.unit on value[x]) is
// followed into each of the choice's types that has the rest of the path.
func TestDiscriminatorThroughAChoice(t *testing.T) {
	const obs = `{"resourceType":"Observation","status":"final","code":{"text":"bp"},"component":[%s]}`
	measured := `{"code":{"text":"a"},"valueQuantity":{"value":1,"unit":"mm"}}`
	unitless := `{"code":{"text":"b"},"valueQuantity":{"value":2}}`
	text := `{"code":{"text":"c"},"valueString":"x"}`
	cases := []struct {
		name, components, want string
	}{
		{"one measured component", measured + "," + unitless + "," + text, ""},
		{"two measured components (max 1)", measured + "," + measured, "slice measured: maximum allowed = 1, but found 2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := r4.UnmarshalResource([]byte(strings.Replace(obs, "%s", tc.components, 1)))
			if err != nil {
				t.Fatal(err)
			}
			var errs []string
			for _, i := range acme.ValidateProfileChoiceSliced(res) {
				if i.Severity == "error" {
					errs = append(errs, i.String())
				}
			}
			if (tc.want == "" && len(errs) > 0) || (tc.want != "" && (len(errs) != 1 || !strings.Contains(errs[0], tc.want))) {
				t.Fatalf("want %q, got %q", tc.want, errs)
			}
		})
	}
}
