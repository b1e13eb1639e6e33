package main

import (
	"fmt"
	"slices"

	"github.com/fhirgen/fhirgen/generator/knownlist"
)

// knownDiffs holds a comparison's results to its known list: each file
// that differs must be listed with its reason, and each listed file must
// still differ.
type knownDiffs struct {
	known       map[string]string
	verbose     bool
	seen        map[string]bool // listed or not, the files that differ
	same        int
	unexplained []string
}

func readKnownDiffs(knownFile string, verbose bool) (*knownDiffs, error) {
	known, err := knownlist.Read(knownFile)
	if err != nil {
		return nil, err
	}
	return &knownDiffs{known: known, verbose: verbose, seen: map[string]bool{}}, nil
}

// note records how file f compared: problem is "" when it compared equal.
func (k *knownDiffs) note(f, problem string) {
	_, listed := k.known[f]
	if problem == "" {
		k.same++
		if listed {
			k.fail(f, "listed, but compares equal now (remove it from the list)")
		}
		return
	}
	k.seen[f] = true
	if !listed {
		if !k.verbose && len(problem) > 400 {
			problem = problem[:400] + "..."
		}
		k.fail(f, problem)
	}
}

// fail records a problem with f that no listing explains.
func (k *knownDiffs) fail(f, problem string) { k.unexplained = append(k.unexplained, f+": "+problem) }

// finish reports listed files that are not among files (not one of what),
// prints summary and every unexplained problem, and fails when there is
// one.
func (k *knownDiffs) finish(files []string, what, summary string) error {
	for _, f := range knownlist.Stale(k.known, k.seen) {
		if !slices.Contains(files, f) {
			k.fail(f, "listed, but not "+what)
		}
	}
	fmt.Println(summary)
	for _, u := range k.unexplained {
		fmt.Println("FAIL", u)
	}
	if len(k.unexplained) > 0 {
		return fmt.Errorf("%d differences not as listed (%s)", len(k.unexplained), what)
	}
	return nil
}
