package r4_test

import (
	"strings"
	"testing"

	"example.org/golden/acme"
	"example.org/golden/r4"
)

// Each discriminator type of the profile SliceProbe, on an instance that
// meets the profile and on instances that break exactly one slice's rule.
// valid is the base; each case replaces one of its properties.
const valid = `{"resourceType":"Patient","id":"p",
	"contained":[{"resourceType":"Organization","id":"org","name":"Clinic"},{"resourceType":"Practitioner","id":"dr"}],
	"identifier":[{"use":"official","system":"http://example.org/mrn","value":"1"},{"use":"old","system":"http://example.org/mrn","value":"0"},{"system":"http://example.org/other","value":"x"}],
	"telecom":[{"system":"phone","value":"555"},{"system":"email","value":"a@example.org"}],
	"address":[{"city":"A","period":{"start":"2020"}},{"city":"B"}],
	"contact":[{"relationship":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0131","code":"C"}]}],"name":{"text":"Em"}},{"relationship":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0131","code":"N"}]}],"name":{"text":"Kin"}}],
	"generalPractitioner":[{"reference":"#org"},{"reference":"#dr"}]}`

// with is the valid instance with a property replaced.
func with(prop, value string) string { return set(valid, prop, value) }

// set replaces a top-level property of doc (one that doc has).
func set(valid, prop, value string) string {
	start := strings.Index(valid, `"`+prop+`":`)
	end := start + len(prop) + 3
	depth := 0
	for ; end < len(valid); end++ {
		switch valid[end] {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		}
		if depth == 0 {
			break
		}
	}
	return valid[:start] + `"` + prop + `":` + value + valid[end+1:]
}

func TestDiscriminators(t *testing.T) {
	cases := []struct {
		name, doc string
		want      []string // a part of each error expected, in order (none for a valid instance)
	}{
		{"valid", valid, nil},
		// value on system, with a reslicing of mrn by value on use (closed)
		{"value: the required mrn slice missing", with("identifier", `[{"system":"http://example.org/other","value":"x"}]`), []string{"slice mrn: minimum required = 1", "slice mrn/current: minimum required = 1"}},
		{"reslice: mrn/current missing", with("identifier", `[{"use":"old","system":"http://example.org/mrn","value":"0"}]`), []string{"slice mrn/current: minimum required = 1"}},
		{"reslice: two mrn/current", with("identifier", `[{"use":"official","system":"http://example.org/mrn","value":"1"},{"use":"official","system":"http://example.org/mrn","value":"2"}]`), []string{"slice mrn/current: maximum allowed = 1"}},
		{"reslice: closed, an mrn of no reslice", with("identifier", `[{"use":"official","system":"http://example.org/mrn","value":"1"},{"use":"temp","system":"http://example.org/mrn","value":"2"}]`), []string{"matches no slice of mrn"}},
		// pattern on $this
		{"pattern: no phone", with("telecom", `[{"system":"email","value":"a@example.org"}]`), []string{"slice phone: minimum required = 1"}},
		{"pattern: two phones", with("telecom", `[{"system":"phone","value":"1"},{"system":"phone","value":"2"}]`), []string{"slice phone: maximum allowed = 1"}},
		// exists on period (closed: every address is dated or undated)
		{"exists: two undated addresses", with("address", `[{"city":"A"},{"city":"B"}]`), []string{"slice undated: maximum allowed = 1"}},
		// value on a bound element: membership in the value set
		{"binding: no emergency contact", with("contact", `[{"relationship":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0131","code":"N"}]}],"name":{"text":"Kin"}}]`), []string{"slice emergency: minimum required = 1"}},
		// type on resolve() (closed)
		{"type: a reference resolving to neither (a PractitionerRole)", set(with("contained", `[{"resourceType":"Organization","id":"org","name":"Clinic"},{"resourceType":"PractitionerRole","id":"role"}]`), "generalPractitioner", `[{"reference":"#org"},{"reference":"#role"}]`), []string{"matches no slice of generalPractitioner"}},
		{"type: two organizations", with("generalPractitioner", `[{"reference":"#org"},{"reference":"#org"},{"reference":"#dr"}]`), []string{"slice practice: maximum allowed = 1"}},
		// profile on $this: a contained Organization without a name is not
		// a NamedOrganization (the slicing is open: it is just another item)
		{"profile: two named organizations", with("contained", `[{"resourceType":"Organization","id":"org","name":"Clinic","partOf":{"reference":"#org2"}},{"resourceType":"Organization","id":"org2","name":"Other"},{"resourceType":"Practitioner","id":"dr"}]`), []string{"slice practice: maximum allowed = 1"}},
		{"profile: an organization without a name is not in the slice", with("contained", `[{"resourceType":"Organization","id":"org","name":"Clinic","partOf":{"reference":"#org2"}},{"resourceType":"Organization","id":"org2","identifier":[{"value":"o2"}]},{"resourceType":"Practitioner","id":"dr"}]`), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := r4.UnmarshalResource([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			var errs []string
			for _, i := range acme.ValidateProfileSliceProbe(res) {
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

// The view makes the items of each slice with what the discriminators
// require, and recognizes them.
func TestSliceAccessors(t *testing.T) {
	p := acme.NewSliceProbe()
	if cur := p.MrnCurrent(); cur == nil || cur.GetSystem().GetValue() != "http://example.org/mrn" {
		t.Fatalf("NewSliceProbe has no mrn/current identifier with the mrn system: %+v", p.Identifier)
	}
	if len(p.Identifier) != 1 {
		t.Fatalf("NewSliceProbe made %d identifiers; the mrn/current one is also the mrn one", len(p.Identifier))
	}
	if ph := p.Phone(); ph == nil || ph.GetSystem().GetValue() != "phone" {
		t.Fatalf("NewSliceProbe has no phone: %+v", p.Telecom)
	}
	p.AddMrnOld().Value = r4.NewString("0")
	if n := len(p.MrnOlds()); n != 1 {
		t.Fatalf("MrnOlds: %d after AddMrnOld", n)
	}
	if n := len(p.Mrns()); n != 2 {
		t.Fatalf("Mrns: %d, want the current and the old one", n)
	}
	p.RemoveMrnOld()
	if n := len(p.Identifier); n != 1 {
		t.Fatalf("RemoveMrnOld left %d identifiers", n)
	}
}
