package gentest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/fhir"
	"github.com/fhirgen/fhirgen/generated/r4"
	"github.com/fhirgen/fhirgen/generator"
	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/fhirgen/fhirgen/generator/fporacle"
)

// The compiled invariants agree with fhirpath.js, the reference FHIRPath
// engine, on every element of the official AuditEvent and OperationOutcome
// examples, the fixtures, and the instances that break each invariant
// (TestInvariants): same result (true, false, empty or error) for every
// invariant wherever it applies, none evaluated where it does not, none
// missed. Needs node and npm (the pinned fhirpath is installed on first use).
func TestInvariantsAgreeWithFHIRPathJS(t *testing.T) {
	var specs []fporacle.Spec
	for _, inv := range r4.Invariants() {
		if inv.Compiled {
			specs = append(specs, fporacle.Spec{Key: inv.Key, Expression: inv.Expression, Types: inv.Types, Elements: inv.Elements})
		}
	}
	if len(specs) < 30 {
		t.Fatalf("only %d compiled invariants", len(specs))
	}
	cfg, err := generator.ReadConfig(filepath.Join("..", "..", "definitions", "fhirgen.json"))
	if err != nil {
		t.Fatal(err)
	}
	_, mod, err := generator.Render(context.Background(), cfg, &diag.Report{})
	if err != nil {
		t.Fatal(err)
	}
	o, err := fporacle.Start(filepath.Join("..", "fporacle", "js"), "r4", specs, fporacle.ModelOf(mod))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	known, err := fporacle.LoadKnown(filepath.Join("..", "fporacle", "known-disagreements.txt"))
	if err != nil {
		t.Fatal(err)
	}

	docs := map[string][]byte{}
	for _, pattern := range []string{"testdata/corpus/*.json", "testdata/fixtures/*.json"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			docs[f] = data
		}
	}
	for _, tc := range invariantCases(t) {
		docs[tc.name] = []byte(tc.doc)
		for _, b := range tc.breaks {
			docs[tc.name+" breaking "+b.key] = []byte(strings.Replace(tc.doc, b.old, b.new, 1))
		}
	}
	for _, hc := range htmlCases {
		if hc.jsDiffers == "" {
			docs["narrative "+hc.name] = []byte(sessionWithDiv(hc.div))
		}
	}
	checked, evaluated, failing := 0, 0, 0
	for name, data := range docs {
		res, err := r4.UnmarshalResource(data)
		if err != nil {
			continue // fixtures of invalid JSON (their errors are tested elsewhere)
		}
		var evals []fporacle.Eval
		r4.TraceInvariants(res, func(loc, key string, r fhir.Truth) {
			evals = append(evals, fporacle.Eval{Location: loc, Key: key, Result: int8(r)})
			if r == fhir.TruthFalse {
				failing++
			}
		})
		n, ds, err := o.Check(name, data, evals)
		if err != nil {
			t.Fatal(err)
		}
		unexplained, _ := known.Filter(ds)
		for _, d := range unexplained {
			t.Error(d)
		}
		checked++
		evaluated += n
	}
	t.Logf("%d resources, %d invariant evaluations by fhirpath.js, %d false; known disagreements: %s", checked, evaluated, failing, strings.Join(known.Counts(), "; "))
	// (stale entries are found by make conformance, over all of R4)
	if checked < 40 || evaluated < 1000 || failing < 20 {
		t.Fatalf("too little was compared: %d resources, %d evaluations, %d false", checked, evaluated, failing)
	}
}
