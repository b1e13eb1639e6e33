package gentest

import (
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/fhir"
	"github.com/fhirgen/fhirgen/generated/r4"
)

// A document from a newer or sloppier peer: unknown properties at the root,
// in a backbone element and in a datatype.
const sloppy = `{"resourceType":"OperationOutcome","id":"x","fromR5":{"a":[1,2]},` +
	`"issue":[{"severity":"error","code":"invalid","details":{"text":"t","note":"n"},"extra":true}]}`

// Strict decoding (the default) refuses it; lenient decoding reports each
// unknown property as a warning and leaves it out or keeps it.
func TestLenientDecoding(t *testing.T) {
	if _, err := r4.UnmarshalResource([]byte(sloppy)); err == nil || !strings.Contains(err.Error(), "unknown property") {
		t.Fatalf("strict decoding: %v", err)
	}
	wantWarnings := []string{"OperationOutcome.fromR5", "OperationOutcome.issue[0].details.note", "OperationOutcome.issue[0].extra"}
	for _, c := range []struct {
		policy fhir.UnknownPolicy
		out    string
	}{
		{fhir.UnknownDrop, `{"resourceType":"OperationOutcome","id":"x","issue":[{"severity":"error","code":"invalid","details":{"text":"t"}}]}`},
		{fhir.UnknownKeep, `{"resourceType":"OperationOutcome","id":"x","issue":[{"severity":"error","code":"invalid","details":{"text":"t","note":"n"},"extra":true}],"fromR5":{"a":[1,2]}}`},
	} {
		res, warnings, err := r4.DecodeResource([]byte(sloppy), fhir.DecodeOptions{Unknown: c.policy})
		if err != nil {
			t.Fatalf("%s: %v", c.policy, err)
		}
		if len(warnings) != len(wantWarnings) {
			t.Fatalf("%s: warnings %v", c.policy, warnings)
		}
		for i, w := range warnings {
			if w.Path != wantWarnings[i] || !strings.Contains(w.Msg, "unknown property") {
				t.Errorf("%s: warning %d: %v", c.policy, i, w)
			}
		}
		out, err := r4.MarshalResource(res)
		if err != nil || string(out) != c.out {
			t.Errorf("%s: written back as\n%s\nwant\n%s (%v)", c.policy, out, c.out, err)
		}
	}
	// other errors stay errors
	bad := strings.Replace(sloppy, `"id":"x"`, `"id":5`, 1)
	if _, _, err := r4.DecodeResource([]byte(bad), fhir.DecodeOptions{Unknown: fhir.UnknownKeep}); err == nil {
		t.Fatal("a wrong JSON kind was let through")
	}
}

// The same document in XML, with an unknown attribute as well: strict
// decoding refuses it; with fhir.UnknownDrop (and fhir.UnknownKeep, which
// XML cannot honour) each unknown element and attribute is a warning, with
// its line and column, and left out. Other errors stay errors.
func TestLenientDecodingXML(t *testing.T) {
	const doc = `<OperationOutcome xmlns="http://hl7.org/fhir"><id value="x"/><fromR5><a value="1"/></fromR5>` +
		`<issue><severity value="error" lang="en"/><code value="invalid"/><details><text value="t"/><note value="n"/></details><extra value="true"/></issue></OperationOutcome>`
	if _, err := r4.UnmarshalResourceXML([]byte(doc)); err == nil || !strings.Contains(err.Error(), "unknown element") {
		t.Fatalf("strict decoding: %v", err)
	}
	want := []string{
		"OperationOutcome.fromR5 (line 1, column 62): unknown element fromR5, left out",
		"OperationOutcome.issue[0].severity (line 1, column 100): unknown attribute lang on element severity, left out",
		"OperationOutcome.issue[0].details.note (line 1, column 184): unknown element note, left out",
		"OperationOutcome.issue[0].extra (line 1, column 211): unknown element extra, left out",
	}
	for _, policy := range []fhir.UnknownPolicy{fhir.UnknownDrop, fhir.UnknownKeep} {
		res, warnings, err := r4.DecodeResourceXML([]byte(doc), fhir.DecodeOptions{Unknown: policy})
		if err != nil {
			t.Fatalf("%s: %v", policy, err)
		}
		var got []string
		for _, w := range warnings {
			got = append(got, w.Error())
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: warnings\n%s\nwant\n%s", policy, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		out, err := r4.MarshalResource(res)
		if wantOut := `{"resourceType":"OperationOutcome","id":"x","issue":[{"severity":"error","code":"invalid","details":{"text":"t"}}]}`; err != nil || string(out) != wantOut {
			t.Errorf("%s: decoded as\n%s\nwant\n%s (%v)", policy, out, wantOut, err)
		}
	}
	bad := strings.Replace(doc, `<code value="invalid"/>`, `<code value=""/>`, 1)
	if _, _, err := r4.DecodeResourceXML([]byte(bad), fhir.DecodeOptions{Unknown: fhir.UnknownDrop}); err == nil {
		t.Fatal("an empty value was let through")
	}
}
