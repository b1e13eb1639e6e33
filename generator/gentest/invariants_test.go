package gentest

import (
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/fhir"
	"github.com/fhirgen/fhirgen/generated/hotbeverage"
	"github.com/fhirgen/fhirgen/generated/r4"
)

type breakage struct{ key, old, new string }

// invariantCase is an instance valid as far as the invariants go, and the
// edits that break it.
type invariantCase struct {
	name     string
	doc      string
	validate func(r4.Resource) r4.Issues
	breaks   []breakage
}

// invariantCases: a UserSession, an AuditEvent and a BrewedLog, and the
// edits breaking each of ele-1, ext-1, dom-2 to dom-5 and sev-1.
func invariantCases(t *testing.T) []invariantCase {
	const oo = `{"resourceType":"OperationOutcome","id":"o1","issue":[{"severity":"error","code":"invalid"}]`
	brewed := brewedLogFixture(t)
	session := strings.Replace(strings.Replace(validSession, `"contained":[{"resourceType":"Patient","id":"p1"}],`, ``, 1), `"#p1"`, `"Patient/p1"`, 1)
	breaks := func(root, idAnchor, refHolder string) []breakage {
		// contained resources go after the id; refHolder is where a reference to #o1 can go
		contained := func(res string) string { return idAnchor + `"contained":[` + res + `],` }
		return []breakage{
			{"ele-1", idAnchor, idAnchor + `"_language":{"id":"l"},`},
			{"ext-1", idAnchor, idAnchor + `"modifierExtension":[{"url":"http://example.org/x","valueBoolean":true,"extension":[{"url":"http://example.org/y","valueBoolean":true}]}],`},
			{"dom-2", idAnchor, contained(oo + `,"contained":[{"resourceType":"Patient","id":"p"}]}`)},
			{"dom-3", idAnchor, contained(oo + `}`)},
			{"dom-4", idAnchor, contained(oo + `,"meta":{"versionId":"1"}}`)},
			{"dom-5", idAnchor, contained(oo + `,"meta":{"security":[{"code":"R"}]}}`)},
		}
	}
	return []invariantCase{
		{"UserSession", session, func(r r4.Resource) r4.Issues { return r.(*r4.UserSession).ValidateIssues() },
			breaks(session, `"id":"s1",`, ``)},
		{"AuditEvent", validEvent, func(r r4.Resource) r4.Issues { return r.(*r4.AuditEvent).ValidateIssues() },
			append(breaks(validEvent, `"id":"a1",`, ``),
				breakage{"sev-1", `"detail":[`, `"name":"n","query":"cXVlcnk=","detail":[`})},
		{"BrewedLog", brewed, func(r r4.Resource) r4.Issues { return hotbeverage.ValidateProfileBrewedLog(r) },
			append(breaks(brewed, `"id": "brew-1",`, ``),
				breakage{"sev-1", `"description": "Double espresso",`, `"description": "Double espresso", "name": "n", "query": "cXVlcnk=",`})},
	}
}

// A UserSession, an AuditEvent and a BrewedLog that break each of ele-1,
// ext-1, dom-2 to dom-5 and sev-1 are caught with the right key; the
// unbroken ones are not.
func TestInvariants(t *testing.T) {
	cases := invariantCases(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := r4.UnmarshalResource([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			for _, i := range tc.validate(res) {
				if i.Code == "invariant" && i.Severity == fhir.SeverityError {
					t.Fatalf("the unbroken %s fails %s: %v", tc.name, i.Key, i)
				}
			}
			for _, b := range tc.breaks {
				t.Run(b.key, func(t *testing.T) {
					doc := edit(t, tc.doc, b.old, b.new)
					res, err := r4.UnmarshalResource([]byte(doc))
					if err != nil {
						t.Fatalf("decode: %v\n%s", err, doc)
					}
					issues := tc.validate(res)
					for _, i := range issues {
						if i.Key == b.key && i.Severity == fhir.SeverityError && i.Code == "invariant" {
							return
						}
					}
					t.Errorf("%s not caught; issues:\n%v", b.key, issues)
				})
			}
		})
	}
}

// The three-valued logic of compiled invariants: an empty result passes
// (a reference with only a display passes ref-1), a false one fails.
func TestInvariantEmptyPasses(t *testing.T) {
	doc := edit(t, validEvent, `"who":{"reference":"Practitioner/p1"}`, `"who":{"display":"somebody"}`)
	for _, i := range validate(t, doc) {
		if i.Key == "ref-1" {
			t.Fatalf("ref-1 on a reference without one: %v", i)
		}
	}
	doc = edit(t, validEvent, `"who":{"reference":"Practitioner/p1"}`, `"who":{"reference":"#nowhere"}`)
	found := false
	for _, i := range validate(t, doc) {
		found = found || (i.Key == "ref-1" && strings.HasSuffix(i.Path, "agent[0].who"))
	}
	if !found {
		t.Fatal("ref-1 not caught for #nowhere")
	}
}

// dom-3 holds for a contained resource that refers to its container ("#")
// though the container does not refer to it: descendants() of the contained
// resource has the reference. A contained resource referring to nothing
// breaks dom-3, even when the container has a "#" of its own (the
// descendants of the two roots are listed apart).
func TestDom3ContainedRefersToContainer(t *testing.T) {
	session := strings.Replace(strings.Replace(validSession, `"contained":[{"resourceType":"Patient","id":"p1"}],`, ``, 1), `"#p1"`, `"Patient/p1"`, 1)
	event := func(ref string) string {
		return `{"resourceType":"AuditEvent","id":"c1","type":{"code":"x"},"recorded":"2020-01-01T00:00:00Z",` +
			`"agent":[{"requestor":true,"who":{"reference":"` + ref + `"}}],"source":{"observer":{"reference":"` + ref + `"}}}`
	}
	for _, tc := range []struct {
		ref, container string // the contained event's references, the container's
		dom3           bool
	}{
		{"#", "Patient/p1", false},
		{"Device/d1", "Patient/p1", true},
		// the container's own "#" does not make the event refer to it
		{"Device/d1", "#", true},
	} {
		doc := edit(t, session, `"id":"s1",`, `"id":"s1","contained":[`+event(tc.ref)+`],`)
		doc = edit(t, doc, `"Patient/p1"`, `"`+tc.container+`"`)
		res, err := r4.UnmarshalResource([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		caught := false
		for _, i := range res.(*r4.UserSession).ValidateIssues() {
			caught = caught || i.Key == "dom-3" && i.Severity == fhir.SeverityError
		}
		if caught != tc.dom3 {
			t.Errorf("contained event referring to %q, container to %q: dom-3 caught %v, want %v", tc.ref, tc.container, caught, tc.dom3)
		}
	}
}
