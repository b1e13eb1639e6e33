//go:build invbench

package gentest

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	noinv "fhirgen.bench/noinv/r4"
	"github.com/fhirgen/fhirgen/generated/r4"
)

// TestInvariantCost measures, in one process and on the same instances,
// Validate with the compiled invariants (the generated module) and without
// them (the same definitions generated with -invariants off into
// fhirgen.bench/noinv), and prints the ratio for each: the official R4
// AuditEvent examples as they are (each with a generated narrative of 0.1 to
// 4 KB, which htmlChecks scans), the same without their narrative (as
// services write audit events), a BrewedLog and a UserSession. make bench
// runs it (build tag invbench).
func TestInvariantCost(t *testing.T) {
	type doc struct{ name, json string }
	var docs []doc
	for _, f := range readFiles(t, "testdata/corpus/AuditEvent-*.json") {
		data := f.data
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f.name), "AuditEvent-"), ".json")
		docs = append(docs, doc{name, string(data)})
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "text")
		bare, _ := json.Marshal(m)
		docs = append(docs, doc{name + " (no narrative)", string(bare)})
	}
	docs = append(docs, doc{"BrewedLog", brewedLogFixture(t)})
	docs = append(docs, doc{"UserSession", strings.Replace(strings.Replace(validSession, `"contained":[{"resourceType":"Patient","id":"p1"}],`, ``, 1), `"#p1"`, `"Patient/p1"`, 1)})

	fmt.Println("validation time with the compiled invariants / without them (same process, same instance):")
	var bareRatios []float64
	for _, d := range docs {
		with, err := r4.UnmarshalResource([]byte(d.json))
		if err != nil {
			t.Fatal(err)
		}
		without, err := noinv.UnmarshalResource([]byte(d.json))
		if err != nil {
			t.Fatal(err)
		}
		withV := with.(interface{ Validate() error })
		withoutV := without.(interface{ Validate() error })
		a := testing.Benchmark(func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				withV.Validate()
			}
		})
		z := testing.Benchmark(func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				withoutV.Validate()
			}
		})
		ratio := float64(a.NsPerOp()) / float64(z.NsPerOp())
		if strings.HasSuffix(d.name, "(no narrative)") {
			bareRatios = append(bareRatios, ratio)
		}
		fmt.Printf("  %-36s %5.2fx   allocs %d vs %d\n", d.name, ratio, a.AllocsPerOp(), z.AllocsPerOp())
	}
	sum := 0.0
	for _, r := range bareRatios {
		sum += r
	}
	fmt.Printf("  mean over the AuditEvents without narrative: %.2fx\n", sum/float64(len(bareRatios)))
}
