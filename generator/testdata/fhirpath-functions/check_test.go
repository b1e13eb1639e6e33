package r4

import (
	"strings"
	"testing"
)

// Each FHIRPath function the compiler supports beyond those R4's own
// invariants exercise, on a valid instance and on one that breaks exactly
// the invariant using it.
func TestFunctions(t *testing.T) {
	const valid = `{"resourceType":"Probe","id":"p","contained":[{"resourceType":"Probe","id":"c"}],
		"a":"aBc","b":"abC","c":"a-b-c","d":"a1b22c","s":"42","e":"x",
		"t":["a","b","c","x"],"u":["y","z"],"n":3,"r":[{"reference":"#c"}],"vBoolean":true,
		"g":[true,true],"h":[false,true],"k":[false],"m":[true,false],"w":["a","b"]}`
	// key lists the invariants the instance breaks
	cases := []struct{ name, doc, key string }{
		{"valid", valid, ""},
		{"lower", `{"resourceType":"Probe","a":"abd"}`, "fp-lower"},
		{"upper", `{"resourceType":"Probe","b":"abd"}`, "fp-upper"},
		{"replace", `{"resourceType":"Probe","c":"a_b_c"}`, "fp-replace"},
		{"replaceMatches", `{"resourceType":"Probe","d":"a1b2d"}`, "fp-replacematches"},
		{"skip", `{"resourceType":"Probe","t":["a","c"]}`, "fp-skip"},
		{"take", `{"resourceType":"Probe","t":["x","b"]}`, "fp-take"},
		{"isDistinct", `{"resourceType":"Probe","u":["y","y"]}`, "fp-isdistinct"},
		{"intersect", `{"resourceType":"Probe","t":["a","b"],"u":["b"]}`, "fp-intersect"},
		{"iif", `{"resourceType":"Probe","n":-1}`, "fp-iif"},
		{"toInteger", `{"resourceType":"Probe","s":"+7"}`, "fp-tointeger"},
		{"toInteger of a non-number is empty, and passes", `{"resourceType":"Probe","s":"4x"}`, ""},
		{"resolve", `{"resourceType":"Probe","r":[{"reference":"#nowhere"}]}`, "fp-resolve ref-1"},
		{"%context", `{"resourceType":"Probe","e":"x"}`, "fp-context"},
		{"allTrue", `{"resourceType":"Probe","g":[true,false]}`, "fp-alltrue"},
		{"anyTrue", `{"resourceType":"Probe","h":[false,false]}`, "fp-anytrue"},
		{"allFalse", `{"resourceType":"Probe","k":[false,true]}`, "fp-allfalse"},
		{"anyFalse", `{"resourceType":"Probe","m":[true]}`, "fp-anyfalse"},
		{"distinct", `{"resourceType":"Probe","w":["a","a"]}`, "fp-distinct"},
		{"is Boolean", `{"resourceType":"Probe","vString":"true"}`, "fp-boolean"},
		{"memberOf, a code in", `{"resourceType":"Probe","q":"female"}`, ""},
		{"memberOf, a code out", `{"resourceType":"Probe","q":"femme"}`, "fp-memberof"},
		{"memberOf, a Coding in", `{"resourceType":"Probe","cd":{"system":"http://hl7.org/fhir/administrative-gender","code":"male"}}`, ""},
		{"memberOf, a Coding of another system", `{"resourceType":"Probe","cd":{"system":"http://example.org/gender","code":"male"}}`, "fp-memberof-coding"},
		{"repeat, distinct labels at every depth", `{"resourceType":"Probe","node":[{"label":"a","node":[{"label":"b","node":[{"label":"c"}]}]},{"label":"d"}]}`, ""},
		{"repeat, a label repeated three levels down", `{"resourceType":"Probe","node":[{"label":"a","node":[{"label":"b","node":[{"label":"a"}]}]}]}`, "fp-repeat fp-repeat-any"},
		{"repeat over two types, distinct labels", `{"resourceType":"Probe","node":[{"label":"a","leaf":[{"label":"b"}],"node":[{"label":"c","leaf":[{"label":"d"}]}]}]}`, ""},
		{"repeat over two types, a leaf repeating a node's label", `{"resourceType":"Probe","node":[{"label":"a","node":[{"label":"c","leaf":[{"label":"a"}]}]}]}`, "fp-repeat-any"},
		{"lowBoundary, highBoundary: a year before a day in it", `{"resourceType":"Probe","pd":"2014","pe":"2014-06-01"}`, ""},
		{"lowBoundary, highBoundary: a day before the end of its year", `{"resourceType":"Probe","pd":"2014-06-01","pe":"2014"}`, ""},
		{"lowBoundary, highBoundary: a time before the end of its second", `{"resourceType":"Probe","pd":"2014-01-01T10:00:00.500Z","pe":"2014-01-01T10:00:00Z"}`, ""},
		{"lowBoundary, highBoundary: zones applied", `{"resourceType":"Probe","pd":"2014-01-01T10:00:00+02:00","pe":"2014-01-01T09:00:00Z"}`, ""},
		{"lowBoundary, highBoundary: a later day", `{"resourceType":"Probe","pd":"2015-01-01","pe":"2014-12-31"}`, "fp-boundary-date"},
		{"lowBoundary, highBoundary: a later instant", `{"resourceType":"Probe","pd":"2014-01-01T10:00:00Z","pe":"2014-01-01T09:59:59.999Z"}`, "fp-boundary-date"},
		{"boundaries of quantities that overlap at their precision", `{"resourceType":"Probe","qa":{"value":1.25,"system":"http://unitsofmeasure.org","code":"mg"},"qb":{"value":1.2,"system":"http://unitsofmeasure.org","code":"mg"}}`, ""},
		{"boundaries of quantities that do not overlap", `{"resourceType":"Probe","qa":{"value":3,"system":"http://unitsofmeasure.org","code":"mg"},"qb":{"value":1,"system":"http://unitsofmeasure.org","code":"mg"}}`, "fp-boundary-quantity"},
		{"quantities of other units are not comparable, and pass", `{"resourceType":"Probe","qa":{"value":3,"system":"http://unitsofmeasure.org","code":"mg"},"qb":{"value":1,"system":"http://unitsofmeasure.org","code":"g"}}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := UnmarshalResource([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			failed := map[string]bool{}
			for _, i := range res.(*Probe).ValidateIssues() {
				if i.Code == "invariant" && i.Severity == "error" {
					failed[i.Key] = true
				}
			}
			want := map[string]bool{}
			for _, k := range strings.Fields(tc.key) {
				want[k] = true
				if !failed[k] {
					t.Errorf("%s is not caught", k)
				}
			}
			for key := range failed {
				if !want[key] {
					t.Errorf("%s fails", key)
				}
			}
		})
	}
}
