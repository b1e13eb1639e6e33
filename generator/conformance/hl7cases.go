package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// hl7Case is a case of the HL7 validator's test suite, as
// shared/hl7-validator-cases/selection.json lists it.
type hl7Case struct {
	Name, File, Module string
	Errors             *int // nil: no expected outcome (not a case)
	Profile            *struct {
		Source string
		Errors int
	}
}

// runHL7Cases validates each case of the HL7 validator's test suite (base
// validation: no profile) with the generated version module it is for, and
// compares with the HL7 validator's outcome: the valid/invalid verdict,
// the number of errors, and their locations. It measures; it does not
// fail on differences (issue 14 sets the bar).
func runHL7Cases(dir string, verbose bool) error {
	var cases []hl7Case
	if err := readJSON(filepath.Join(dir, "selection.json"), &cases); err != nil {
		return err
	}
	var manifest struct {
		TestCases []struct {
			Name, Version string
			Java          json.RawMessage // a file name, or an object with one in "outcome"
		} `json:"test-cases"`
	}
	if err := readJSON(filepath.Join(dir, "cases", "manifest.json"), &manifest); err != nil {
		return err
	}
	versionOf, javaOf := map[string]string{}, map[string]string{}
	for _, m := range manifest.TestCases {
		var java string
		if json.Unmarshal(m.Java, &java) != nil {
			var o struct{ Outcome string }
			_ = json.Unmarshal(m.Java, &o)
			java = o.Outcome
		}
		versionOf[m.Name], javaOf[m.Name] = m.Version, java
	}
	type tally struct{ cases, verdict, count, locations int }
	byVersion := map[string]*tally{}
	var names []string
	for _, c := range cases {
		if c.Errors == nil {
			continue
		}
		ver := map[string]string{"4.0": "r4", "4.3": "r4b", "": "r5", "5.0": "r5"}[versionOf[c.Name]]
		v, ok := versions[ver]
		if ver == "" || !ok {
			return fmt.Errorf("%s: version %q", c.Name, versionOf[c.Name])
		}
		data, err := os.ReadFile(filepath.Join(dir, "cases", c.File))
		if err != nil {
			return err
		}
		var got []issue
		if res, err := v.unmarshal(data); err != nil {
			got = v.decodeErrors(err)
		} else {
			got = v.errors(res)
		}
		var want []string
		if javaOf[c.Name] != "" {
			if want, err = javaErrors(filepath.Join(dir, "cases", "outcomes", javaOf[c.Name])); err != nil {
				return err
			}
		}
		t := byVersion[ver]
		if t == nil {
			t = &tally{}
			byVersion[ver] = t
		}
		t.cases++
		verdict := (len(got) > 0) == (*c.Errors > 0)
		count := len(got) == *c.Errors
		var gotLocs []string
		for _, i := range got {
			gotLocs = append(gotLocs, i.Path)
		}
		sort.Strings(gotLocs)
		locations := want != nil && slices.Equal(gotLocs, want)
		t.verdict += b2i(verdict)
		t.count += b2i(count)
		t.locations += b2i(locations)
		if verbose || !verdict || !count {
			line := fmt.Sprintf("%s %s: HL7 %d errors, fhirgen %d", ver, c.Name, *c.Errors, len(got))
			if verbose {
				line += fmt.Sprintf("\n\tHL7 at:     %s\n\tfhirgen at: %s", strings.Join(want, ", "), strings.Join(gotLocs, ", "))
				for _, i := range got {
					line += fmt.Sprintf("\n\t\t%s: %s [%s]", i.Path, i.Message, i.Key)
				}
			}
			names = append(names, line)
		}
	}
	for _, n := range names {
		fmt.Println(n)
	}
	vers := make([]string, 0, len(byVersion))
	for v := range byVersion {
		vers = append(vers, v)
	}
	sort.Strings(vers)
	for _, v := range vers {
		t := byVersion[v]
		fmt.Printf("%s: %d cases (no profile): verdict agrees on %d (%.0f%%), error count on %d (%.0f%%), error locations on %d (%.0f%%)\n",
			v, t.cases, t.verdict, pct(t.verdict, t.cases), t.count, pct(t.count, t.cases), t.locations, pct(t.locations, t.cases))
	}
	return nil
}

// javaErrors are the sorted locations of the errors of an HL7 validator
// outcome (nil when there is no outcome file).
func javaErrors(file string) ([]string, error) {
	var oo struct {
		Issue []struct {
			Severity   string
			Expression []string
		}
	}
	if err := readJSON(file, &oo); err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	out := []string{}
	for _, i := range oo.Issue {
		if i.Severity == "error" || i.Severity == "fatal" {
			loc := ""
			if len(i.Expression) > 0 {
				loc = i.Expression[0]
			}
			out = append(out, loc)
		}
	}
	sort.Strings(out)
	return out, nil
}

func readJSON(file string, v any) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func pct(n, of int) float64 { return 100 * float64(n) / float64(max(of, 1)) }
