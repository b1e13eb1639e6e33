package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fhirgen/fhirgen/generator/fporacle"
)

// compareInvariants evaluates every compiled invariant on every element of
// every resource with the generated code and with fhirpath.js, and fails on
// any disagreement the known-disagreements file does not explain.
func compareInvariants(v version, name string, files []string, oracleDir, knownFile string, verbose bool, sum *summary) error {
	specs := v.specs()
	compiled := len(specs)
	known, err := fporacle.LoadKnown(knownFile)
	if err != nil {
		return err
	}
	o, err := fporacle.Start(oracleDir, v.fhirpathModel, specs, nil)
	if err != nil {
		return err
	}
	defer o.Close()
	var resources, evaluated, falses int
	var unexplained []fporacle.Disagreement
	byKey := map[string]int{}
	for _, f := range files {
		data, res, err := v.load(f)
		if err != nil {
			return err
		}
		if res == nil {
			continue // it does not decode: reported by the round trip
		}
		var evals []fporacle.Eval
		v.trace(res, func(loc, key string, r int8) {
			evals = append(evals, fporacle.Eval{Location: loc, Key: key, Result: r})
			if r == 1 {
				falses++
			}
		})
		n, ds, err := o.Check(filepath.Base(f), data, evals)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		resources++
		evaluated += n
		u, _ := known.Filter(ds)
		for _, d := range u {
			byKey[d.Key]++
		}
		unexplained = append(unexplained, u...)
	}
	fmt.Printf("%s invariants: %d compiled, %d evaluations by fhirpath.js on %d resources (%d false): %d unexplained disagreements; known: %s\n",
		name, compiled, evaluated, resources, falses, len(unexplained), strings.Join(known.Counts(), "; "))
	sum.invariants = fmt.Sprintf("%d invariants compiled, %d evaluations compared with fhirpath.js, %d unexplained disagreements", compiled, evaluated, len(unexplained))
	var keys []string
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return byKey[keys[i]] > byKey[keys[j]] })
	for _, k := range keys {
		fmt.Printf("  %s: %d\n", k, byKey[k])
	}
	shown := 0
	for _, d := range unexplained {
		if !verbose && shown >= 40 {
			fmt.Printf("... and %d more (-v shows all)\n", len(unexplained)-shown)
			break
		}
		s := d.String()
		if !verbose && len(s) > 400 {
			s = s[:400] + "..."
		}
		fmt.Println("DISAGREE", s)
		shown++
	}
	unused := known.Unused()
	for _, u := range unused {
		fmt.Println("STALE known disagreement:", u)
	}
	if len(unexplained) > 0 || len(unused) > 0 {
		return fmt.Errorf("%d disagreements with fhirpath.js, %d stale known ones", len(unexplained), len(unused))
	}
	return nil
}
