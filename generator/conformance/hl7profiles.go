package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// profileJob is a case of the HL7 suite to validate with a module generated
// for it: a profile case (kind "profile", validated with -profile), or a
// base case whose instance names, in meta.profile, profiles the case's own
// definitions define, or uses extensions they define (kind "base": the HL7
// harness loads them, applies what meta.profile names, and knows those
// extensions).
type profileJob struct {
	caseID
	file    string   // the instance, under cases/
	defs    []string // the definitions to generate from, under cases/
	types   []string // the roots: canonical URLs
	profile string   // "": validate without -profile
	flags   []string // the fhir-validate flags the HL7 harness's options map to
	want    *int     // the errors HL7 reports (nil: as its outcome file has)
	outcome string   // HL7's outcome file, under outcomes/ ("": none)
}

// runProfileCases runs the jobs, as many at once as there are CPUs (each
// generates and builds a module), and returns their results in order.
func runProfileCases(dir string, gen hl7Gen, jobs []profileJob) ([]hl7Result, error) {
	results := make([]hl7Result, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(runtime.NumCPU(), 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], errs[i] = runProfileCase(dir, gen, jobs[i])
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", jobs[i].key(), err)
		}
	}
	return results, nil
}

// runProfileCase generates the job's definitions on its version's base
// (fhirgen generate -defs ... -type ...) into a module of its own, builds
// that module's fhir-validate, and validates the case's instance with it. A
// generation that fails is a result (the case differs, and must be listed);
// a generated module that does not build is an error.
func runProfileCase(dir string, gen hl7Gen, j profileJob) (hl7Result, error) {
	cases := filepath.Join(dir, "cases")
	work, err := os.MkdirTemp("", "hl7-profile-")
	if err != nil {
		return hl7Result{}, err
	}
	defer os.RemoveAll(work)
	module := filepath.Join(work, "module")
	args := slices.Concat([]string{"generate"}, gen.args[j.ver])
	for _, f := range j.defs {
		args = append(args, "-defs", filepath.Join(cases, f))
	}
	for _, t := range j.types {
		args = append(args, "-type", t)
	}
	args = append(args, "-invariants", "report", "-out", module, "-module", "fhirgen.test/hl7case")
	if out, err := command(gen.fhirgen, "", args...); err != nil {
		r, err := compareHL7(dir, j.caseID, j.outcome, j.want, nil)
		r.genErr, r.verdict, r.count, r.loc = lastLine(out), false, false, false
		return r, err
	}
	validate := filepath.Join(work, "fhir-validate")
	if out, err := command("go", module, "build", "-o", validate, "./cmd/fhir-validate"); err != nil {
		return hl7Result{}, fmt.Errorf("the generated module does not build: %v\n%s", err, out)
	}
	flags := slices.Clone(j.flags)
	if j.profile != "" {
		flags = append(flags, "-profile", j.profile)
	}
	got, err := runValidate(validate, flags, filepath.Join(cases, j.file))
	if err != nil {
		return hl7Result{}, err
	}
	return compareHL7(dir, j.caseID, j.outcome, j.want, got)
}

// caseDefs are the definition files a case brings: its profile's (for a
// profile case), its supporting files and the manifest's, each once.
func caseDefs(c hl7Case, m hl7Manifest, profile bool) []string {
	var lists [][]string
	if profile {
		lists = append(lists, []string{c.Profile.Source}, c.Profile.Supporting)
	}
	lists = append(lists, c.Supporting, m.Supporting, m.Profiles)
	var out []string
	for _, f := range slices.Concat(lists...) {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// caseRoots are what a case's own definition files (JSON or XML) define that its
// instance uses (none when the instance is not JSON): the profiles it names
// in meta.profile, which the HL7 harness applies, and the extensions it
// holds, which the HL7 harness knows from those files (their value types,
// their contexts).
func caseRoots(cases, instance string, defs []string) ([]string, error) {
	var res struct {
		ResourceType string
		Meta         struct{ Profile []string }
	}
	if len(defs) == 0 {
		return nil, nil
	}
	data, err := os.ReadFile(filepath.Join(cases, instance))
	if err != nil {
		return nil, err
	}
	if json.Unmarshal(data, &res) != nil {
		return nil, nil // not JSON (a case of a syntax error): it names nothing
	}
	var out []string
	for _, f := range defs {
		d, err := readDefinitionHead(filepath.Join(cases, f))
		if err != nil {
			return nil, err
		}
		used := d.Type == "Extension" && bytes.Contains(data, []byte(strconv.Quote(d.URL)))
		if d.URL != "" && (slices.Contains(res.Meta.Profile, d.URL) || used) {
			out = append(out, d.URL)
		}
	}
	if len(out) > 0 && res.ResourceType != "" {
		// the instance's own type, which an extension does not bring
		out = append(out, "http://hl7.org/fhir/StructureDefinition/"+res.ResourceType)
	}
	return out, nil
}

// command runs a program in a directory ("": this one) and returns its
// combined output.
func command(name, dir string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// lastLine is the last non-empty line of a command's output: fhirgen's
// error.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// canonicalURL is the canonical URL of the definition in a file, JSON or
// XML.
func canonicalURL(file string) (string, error) {
	d, err := readDefinitionHead(file)
	if err == nil && d.URL == "" {
		err = fmt.Errorf("%s: no url", file)
	}
	return d.URL, err
}
