package generator

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fhirgen/fhirgen/generator/diag"
)

// FuzzDefinition feeds arbitrary bytes to the whole pipeline as a
// StructureDefinition (with the R4 base loaded) and a root pointing at it.
// Generation may fail, but must never panic or hang: an input that takes
// longer than fuzzDeadline fails.
// fuzzDeadline is how long one input may take: a small closure generates
// in well under a second.
const fuzzDeadline = 20 * time.Second

func FuzzDefinition(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/defs/StructureDefinition-*.json")
	hostile, _ := filepath.Glob("testdata/hostile/defs/StructureDefinition-*.json")
	seeds = append(seeds, hostile...)
	seeds = append(seeds, "../definitions/hotbeverage/StructureDefinition-BrewedLog.json",
		"../definitions/vhdir/StructureDefinition-usage-restriction.json",
		"../definitions/usersession/StructureDefinition-UserSession.json")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	// a derivation cycle through a definition that has its snapshot
	f.Add([]byte(`{"resourceType":"StructureDefinition","url":"http://x/StructureDefinition/S","name":"S","type":"S","kind":"resource","derivation":"specialization","baseDefinition":"http://x/StructureDefinition/S","snapshot":{"element":[{"id":"S","path":"S","min":0,"max":"*"}]}}`))
	f.Add([]byte(`{"resourceType":"StructureDefinition","url":"http://x/StructureDefinition/F","name":"F","type":"F","kind":"resource","derivation":"specialization","baseDefinition":"http://x/StructureDefinition/F","differential":{"element":[{"id":"F","path":"F"}]}}`))
	cfg := &Config{Packages: []string{"hl7.fhir.r4.examples@4.0.1"}, Module: "example.org/fuzz"}
	base, err := cfg.Load(context.Background())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		set := base.Clone()
		if err := set.AddBytes(data, "fuzz.json"); err != nil {
			return
		}
		r := set.All[len(set.All)-1]
		if r.Type != "StructureDefinition" || r.Origin != "" || r.Source != "fuzz.json" {
			return
		}
		c := *cfg
		c.Types = []string{r.URL}
		done := make(chan struct{})
		go func() {
			defer close(done)
			RenderSet(set, &c, &diag.Report{})
		}()
		select {
		case <-done:
		case <-time.After(fuzzDeadline):
			t.Fatalf("generation did not finish in %s", fuzzDeadline)
		}
	})
}
