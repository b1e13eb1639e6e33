package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/fhirgen/fhirgen/generator/knownlist"
)

// hl7Case is a case of the HL7 validator's test suite, as
// hl7cases/selection.json lists it.
type hl7Case struct {
	Name, File, Module string
	Supporting         []string
	Errors             *int // nil: no expected outcome (not a case)
	Profile            *struct {
		Source     string
		Supporting []string
		Errors     *int // nil: as many as its outcome file has
	}
}

// hl7Manifest is the suite's own manifest entry of a case: its FHIR
// version, the outcome file, and the options the HL7 harness sets.
type hl7Manifest struct {
	Name, Version string
	File          string          // the instance its outcome is of: JSON, or the case's XML form
	Java          json.RawMessage // a file name, or an object with one in "outcome"
	// options that change the verdict, and the fhir-validate flag each maps to
	Examples          *bool  `json:"examples"`
	ValidateContains  string `json:"validateContains"`
	ValidateReference string `json:"validateReference"`
	ExtensionDomain   string `json:"allowed-extension-domain"`
	// definitions the HL7 harness loads with the case
	Supporting, Supporting5, Profiles []string
	// the case's profile: its outcome file
	Profile struct {
		Java json.RawMessage `json:"java"`
	} `json:"profile"`
}

// flags are the fhir-validate options the HL7 harness's settings of a case
// map to. The extensions the case's own definitions define (which the HL7
// harness loads, and the module was not generated from) are allowed,
// unchecked.
func (m hl7Manifest) flags(dir string, c hl7Case) ([]string, error) {
	out := []string{"-unknown-extensions", "error"} // the HL7 harness allows none by default
	for _, f := range slices.Concat(c.Supporting, m.Supporting, m.Supporting5, m.Profiles) {
		url, err := extensionURL(filepath.Join(dir, "cases", f))
		if err != nil {
			return nil, err
		}
		if url != "" {
			out = append(out, "-extension-domain", url)
		}
	}
	if m.Examples != nil && !*m.Examples {
		out = append(out, "-no-example-urls")
	}
	if m.ValidateContains == "IGNORE" {
		out = append(out, "-contained=false")
	}
	if strings.HasPrefix(m.ValidateReference, "CHECK_EXISTS") {
		out = append(out, "-resolve-references")
	}
	if m.ExtensionDomain != "" {
		out = append(out, "-extension-domain", m.ExtensionDomain)
	}
	return out, nil
}

var (
	xmlExtensionType = regexp.MustCompile(`<type\s+value="Extension"\s*/>`)
	xmlURL           = regexp.MustCompile(`<url\s+value="([^"]*)"\s*/>`)
)

// definitionHead is what the harness reads of a definition file: its
// resource type, the type a StructureDefinition defines, and its canonical
// URL.
type definitionHead struct{ ResourceType, Type, URL string }

// readDefinitionHead reads a definition file's head, from JSON or (by
// pattern: fhirgen reads the whole of it) from XML.
func readDefinitionHead(file string) (definitionHead, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return definitionHead{}, err
	}
	var d definitionHead
	if strings.HasSuffix(file, ".xml") {
		if bytes.Contains(data, []byte("<StructureDefinition")) {
			d.ResourceType = "StructureDefinition"
		}
		if xmlExtensionType.Match(data) {
			d.Type = "Extension"
		}
		if m := xmlURL.FindSubmatch(data); m != nil {
			d.URL = string(m[1])
		}
		return d, nil
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("%s: %w", file, err)
	}
	return d, nil
}

// extensionURL is the URL of the extension a definition file (JSON or XML)
// defines, or "" when it defines none.
func extensionURL(file string) (string, error) {
	d, err := readDefinitionHead(file)
	if err != nil || d.ResourceType != "StructureDefinition" || d.Type != "Extension" {
		return "", err
	}
	return d.URL, nil
}

// caseID names one run of a case: its FHIR version, its name, its kind
// (base: no profile; profile) and the format of the instance (json, xml).
type caseID struct{ ver, name, kind, format string }

func (c caseID) key() string {
	k := c.ver + " " + c.name
	if c.kind == "profile" {
		k += " (profile)"
	}
	if c.format == "xml" {
		k += " (xml)"
	}
	return k
}

// tally is the line a run is counted in: version, kind and, for XML, format.
func (c caseID) tally() string {
	if c.format == "xml" {
		return c.ver + " " + c.kind + " xml"
	}
	return c.ver + " " + c.kind
}

// hl7Result is how one case came out.
type hl7Result struct {
	caseID
	want                int      // errors HL7 reports
	wantAt, gotAt       []string // their locations, normalized, sorted (wantAt nil: no outcome file)
	got                 []issue
	genErr              string // a profile case's: why its module was not generated
	verdict, count, loc bool
}

// agrees: the verdict, the error count and (where HL7's outcome is known)
// the error locations are the same.
func (r hl7Result) agrees() bool { return r.verdict && r.count && r.loc }

// hl7Gen is how the module of a profile case is generated: the fhirgen
// command, and per FHIR version the -package arguments (and the like) its
// conformance module was generated with, so that the case's profile is
// generated on the same base.
type hl7Gen struct {
	fhirgen string
	args    map[string][]string // by version: r4, r5
}

// runHL7Cases validates each case of the HL7 validator's test suite with the
// fhir-validate of the generated module of its FHIR version
// (bin/<version>-validate), with the options the HL7 harness sets, and
// compares with the HL7 validator's outcome: the valid/invalid verdict, the
// number of errors, and their locations. A case that has a profile is run a
// second time against it: the profile and the definitions the case brings are
// generated (fhirgen -defs) into a module of their own, whose fhir-validate
// validates the instance with -profile. A case that differs must be listed
// in the known file with its reason; a listed case that agrees is an error
// too (the list must stay true). Cases listed as "terminology: ..." need a
// terminology server to decide and are counted apart.
func runHL7Cases(dir, bin string, gen hl7Gen, knownFile string, verbose bool) error {
	var cases []hl7Case
	if err := readJSON(filepath.Join(dir, "selection.json"), &cases); err != nil {
		return err
	}
	var manifest struct {
		TestCases []hl7Manifest `json:"test-cases"`
	}
	if err := readJSON(filepath.Join(dir, "cases", "manifest.json"), &manifest); err != nil {
		return err
	}
	known, err := knownlist.Read(knownFile)
	if err != nil {
		return err
	}
	byName := map[string]hl7Manifest{}
	for _, m := range manifest.TestCases {
		byName[m.Name] = m
	}
	var results []hl7Result
	var profiled []profileJob
	for _, c := range cases {
		m := byName[c.Name]
		ver := map[string]string{"4.0": "r4", "": "r5", "5.0": "r5"}[m.Version]
		if ver == "" {
			return fmt.Errorf("%s: version %q", c.Name, m.Version)
		}
		flags, err := m.flags(dir, c)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		if c.Profile != nil {
			url, err := canonicalURL(filepath.Join(dir, "cases", c.Profile.Source))
			if err != nil {
				return err
			}
			id := caseID{ver: ver, name: c.Name, kind: "profile", format: "json"}
			profiled = append(profiled, profileJob{caseID: id, file: c.File, defs: caseDefs(c, m, true),
				types: []string{url}, profile: url, flags: flags, want: c.Profile.Errors,
				outcome: outcomeOf(dir, id, outcomeFile(m.Profile.Java))})
		}
		if c.Errors == nil {
			continue
		}
		defs := caseDefs(c, m, false)
		roots, err := caseRoots(filepath.Join(dir, "cases"), c.File, defs)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		// The runs of the base case: its instance, and its XML form where the
		// suite has one. HL7's outcome file is of the instance the manifest
		// names; where that is the XML form, the JSON instance is judged by
		// the selection's error count alone, and the XML form by the outcome
		// (its count and locations).
		type form struct {
			id      caseID
			file    string
			want    *int
			outcome string
		}
		id := caseID{ver: ver, name: c.Name, kind: "base", format: "json"}
		forms := []form{{id, c.File, c.Errors, outcomeOf(dir, id, outcomeFile(m.Java))}}
		if x := strings.TrimSuffix(c.File, ".json") + ".xml"; m.File == x && x != c.File {
			xid := id
			xid.format = "xml"
			forms = []form{{id, c.File, c.Errors, ""}, {xid, x, nil, forms[0].outcome}}
		}
		for _, f := range forms {
			if len(roots) > 0 {
				profiled = append(profiled, profileJob{caseID: f.id, file: f.file, defs: defs,
					types: roots, flags: flags, want: f.want, outcome: f.outcome})
				continue
			}
			got, err := runValidate(filepath.Join(bin, ver+"-validate"), flags, filepath.Join(dir, "cases", f.file))
			if err != nil {
				return fmt.Errorf("%s: %w", c.Name, err)
			}
			r, err := compareHL7(dir, f.id, f.outcome, f.want, got)
			if err != nil {
				return err
			}
			results = append(results, r)
		}
	}
	pr, err := runProfileCases(dir, gen, profiled)
	if err != nil {
		return err
	}
	return reportHL7(append(results, pr...), known, verbose)
}

// outcomeOf is HL7's outcome file of a case's run, under outcomes/: the
// manifest's name for it (java), else java/<R4|R5>.<case>-<kind>.json. It
// may not exist: compareHL7 then has no locations to compare.
func outcomeOf(dir string, id caseID, java string) string {
	if java != "" {
		if _, err := os.Stat(filepath.Join(dir, "cases", "outcomes", java)); err == nil {
			return java
		}
	}
	return "java/" + strings.ToUpper(id.ver) + "." + id.name + "-" + id.kind + ".json"
}

// compareHL7 compares fhirgen's errors on a run of a case with the HL7
// validator's: their number, and their locations where its outcome file is
// at hand ("": none). want nil: as many errors as the outcome file has.
func compareHL7(dir string, id caseID, outcome string, want *int, got []issue) (hl7Result, error) {
	r := hl7Result{caseID: id, got: got}
	if outcome != "" {
		var err error
		if r.wantAt, err = javaErrors(filepath.Join(dir, "cases", "outcomes", outcome)); err != nil {
			return r, err
		}
	}
	switch {
	case want != nil:
		r.want = *want
	case r.wantAt != nil:
		r.want = len(r.wantAt)
	default:
		return r, fmt.Errorf("%s: neither an error count nor an outcome file", id.key())
	}
	for _, i := range got {
		r.gotAt = append(r.gotAt, normalizePath(i.Path))
	}
	sort.Strings(r.gotAt)
	r.verdict = (len(got) > 0) == (r.want > 0)
	r.count = len(got) == r.want
	r.loc = r.wantAt == nil || sameLocations(r.gotAt, r.wantAt)
	return r, nil
}

// reportHL7 prints the differences and the tallies, and fails on a
// difference not listed in known and on a listed case that agrees.
func reportHL7(results []hl7Result, known map[string]string, verbose bool) error {
	type tally struct{ cases, verdict, count, loc, term, termVerdict int }
	byVersion := map[string]*tally{}
	seen := map[string]bool{}
	var unexpected []string
	for _, r := range results {
		t := byVersion[r.tally()]
		if t == nil {
			t = &tally{}
			byVersion[r.tally()] = t
		}
		reason, listed := known[r.key()]
		if listed {
			seen[r.key()] = true
		}
		if strings.HasPrefix(reason, "terminology:") {
			t.term++
			t.termVerdict += b2i(r.verdict)
		} else {
			t.cases++
			t.verdict += b2i(r.verdict)
			t.count += b2i(r.count)
			t.loc += b2i(r.loc)
		}
		if !r.agrees() && !listed || verbose {
			line := fmt.Sprintf("%s: HL7 %d errors, fhirgen %d", r.key(), r.want, len(r.got))
			if r.genErr != "" {
				line = fmt.Sprintf("%s: HL7 %d errors; the profile's module was not generated: %s", r.key(), r.want, r.genErr)
			}
			line += fmt.Sprintf("\n\tHL7 at:     %s\n\tfhirgen at: %s", strings.Join(r.wantAt, ", "), strings.Join(r.gotAt, ", "))
			for _, i := range r.got {
				line += fmt.Sprintf("\n\t\t%s: %s [%s]", i.Path, i.Message, i.Key)
			}
			if !r.agrees() && !listed {
				unexpected = append(unexpected, "DIFFERS (fix it or list it with its reason): "+line)
			} else {
				fmt.Println(line)
			}
		}
		if r.agrees() && listed {
			delete(seen, r.key()) // listed, but it agrees: stale
		}
	}
	for _, u := range unexpected {
		fmt.Println(u)
	}
	stale := knownlist.Stale(known, seen)
	for _, s := range stale {
		fmt.Println("AGREES or GONE (remove it from the list):", s)
	}
	vers := make([]string, 0, len(byVersion))
	for v := range byVersion {
		vers = append(vers, v)
	}
	sort.Strings(vers)
	for _, v := range vers {
		t := byVersion[v]
		fmt.Printf("%s: %d HL7 validator cases (no terminology server needed): verdict agrees on %d (%.0f%%), error count on %d (%.0f%%), error locations on %d (%.0f%%); %d more need a terminology server (verdict agrees on %d)\n",
			v, t.cases, t.verdict, pct(t.verdict, t.cases), t.count, pct(t.count, t.cases), t.loc, pct(t.loc, t.cases), t.term, t.termVerdict)
	}
	if len(unexpected) > 0 || len(stale) > 0 {
		return fmt.Errorf("HL7 validator cases: %d unlisted differences, %d listed cases that agree or are gone", len(unexpected), len(stale))
	}
	return nil
}

// sameLocations reports whether two sorted lists of error locations agree,
// one to one: the same location first, else fhirgen's a child of HL7's (HL7
// reports a missing or unknown element, and a JSON error, at its parent;
// fhirgen at the element).
func sameLocations(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	left := slices.Clone(want)
	for _, g := range got {
		i := slices.IndexFunc(left, func(w string) bool { return locatedAt(g, w, false) })
		if i < 0 {
			i = slices.IndexFunc(left, func(w string) bool { return locatedAt(g, w, true) })
		}
		if i < 0 {
			return false
		}
		left = slices.Delete(left, i, i+1)
	}
	return true
}

// locatedAt reports whether fhirgen's location g is HL7's w, or (child) a
// child of it. A location of HL7's XML parser has no indexes (it is an
// XPath, normalized): against one, g is taken without its indexes.
func locatedAt(g, w string, child bool) bool {
	if !strings.Contains(w, "[") {
		g = pathIndex.ReplaceAllString(g, "")
	}
	if child {
		return strings.HasPrefix(g, w+".") && !strings.Contains(g[len(w)+1:], ".")
	}
	return g == w
}

// outcomeFile is the HL7 outcome file a manifest entry names: a file name,
// or an object with one in "outcome" ("" when it names none).
func outcomeFile(raw json.RawMessage) string {
	var java string
	if json.Unmarshal(raw, &java) != nil {
		var o struct{ Outcome string }
		_ = json.Unmarshal(raw, &o)
		java = o.Outcome
	}
	return java
}

// runValidate runs a module's fhir-validate on one file and returns its
// errors (fatal included).
func runValidate(bin string, flags []string, file string) ([]issue, error) {
	cmd := exec.Command(bin, append(append(flags, "-json"), file)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return nil, fmt.Errorf("%s: %v: %s", bin, err, stderr.String())
	}
	var oo struct {
		Issue []struct {
			Severity    string
			Diagnostics string
			Expression  []string
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &oo); err != nil {
		return nil, fmt.Errorf("%s: output: %v", bin, err)
	}
	var out []issue
	for _, i := range oo.Issue {
		if i.Severity != "error" && i.Severity != "fatal" {
			continue
		}
		at := ""
		if len(i.Expression) > 0 {
			at = i.Expression[0]
		}
		out = append(out, issue{Path: at, Message: i.Diagnostics})
	}
	return out, nil
}

// javaErrors are the sorted, normalized locations of the errors of an HL7
// validator outcome (nil when there is no outcome file).
func javaErrors(file string) ([]string, error) {
	var oo struct {
		Issue []struct {
			Severity   string
			Expression []string
		}
	}
	if err := readJSON(file, &oo); err != nil {
		if errors.Is(err, os.ErrNotExist) {
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
			out = append(out, normalizePath(loc))
		}
	}
	sort.Strings(out)
	return out, nil
}

var (
	// the HL7 validator's notes in a location: /*Composition/1*/ and [url='...']
	pathNote = regexp.MustCompile(`/\*[^*]*\*/|\[url='[^']*'\]`)
	// its choice steps: value.ofType(Quantity)
	pathOfType = regexp.MustCompile(`\.([a-z][A-Za-z0-9]*)\.ofType\(([A-Za-z0-9]+)\)`)
	// an index in a location: [0]
	pathIndex = regexp.MustCompile(`\[[0-9]+\]`)
)

// normalizePath writes an HL7 validator location as fhirgen writes one:
// no notes, a choice by its JSON name (valueQuantity), and an XPath of its
// XML parser (/f:List/f:entry) as a path (List.entry).
func normalizePath(p string) string {
	if strings.HasPrefix(p, "/f:") {
		p = strings.ReplaceAll(strings.TrimPrefix(p, "/f:"), "/f:", ".")
	}
	p = pathNote.ReplaceAllString(p, "")
	return pathOfType.ReplaceAllStringFunc(p, func(s string) string {
		m := pathOfType.FindStringSubmatch(s)
		return "." + m[1] + strings.ToUpper(m[2][:1]) + m[2][1:]
	})
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
