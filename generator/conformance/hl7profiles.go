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
	"strings"
	"sync"
)

// profileJob is a case of the HL7 suite to validate against its profile.
type profileJob struct {
	ver   string
	c     hl7Case
	m     hl7Manifest
	flags []string // the base run's fhir-validate flags
}

// runProfileCases runs the profile cases, as many at once as there are CPUs
// (each generates and builds a module), and returns their results in order.
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
			return nil, fmt.Errorf("%s (profile): %w", jobs[i].c.Name, err)
		}
	}
	return results, nil
}

// runProfileCase generates the case's profile, with the definitions the case
// brings, on its version's base (fhirgen generate -defs ... -type <profile>)
// into a module of its own, builds that module's fhir-validate, and
// validates the case's instance against the profile. A generation that fails
// is a result (the case differs, and must be listed); a generated module
// that does not build is an error.
func runProfileCase(dir string, gen hl7Gen, j profileJob) (hl7Result, error) {
	cases := filepath.Join(dir, "cases")
	source := filepath.Join(cases, j.c.Profile.Source)
	url, err := canonicalURL(source)
	if err != nil {
		return hl7Result{}, err
	}
	work, err := os.MkdirTemp("", "hl7-profile-")
	if err != nil {
		return hl7Result{}, err
	}
	defer os.RemoveAll(work)
	module := filepath.Join(work, "module")
	args := slices.Concat([]string{"generate"}, gen.args[j.ver])
	var defs []string
	for _, f := range slices.Concat([]string{j.c.Profile.Source}, j.c.Profile.Supporting, j.c.Supporting, j.m.Supporting, j.m.Profiles) {
		if !slices.Contains(defs, f) {
			defs = append(defs, f)
			args = append(args, "-defs", filepath.Join(cases, f))
		}
	}
	args = append(args, "-type", url, "-invariants", "report", "-out", module, "-module", "fhirgen.test/hl7case")
	if out, err := command(gen.fhirgen, "", args...); err != nil {
		r, err := compareHL7(dir, j.ver, j.c.Name, "profile", outcomeFile(j.m.Profile.Java), j.c.Profile.Errors, nil)
		r.genErr, r.verdict, r.count, r.loc = lastLine(out), false, false, false
		return r, err
	}
	validate := filepath.Join(work, "fhir-validate")
	if out, err := command("go", module, "build", "-o", validate, "./cmd/fhir-validate"); err != nil {
		return hl7Result{}, fmt.Errorf("the generated module does not build: %v\n%s", err, out)
	}
	got, err := runValidate(validate, append(slices.Clone(j.flags), "-profile", url), filepath.Join(cases, j.c.File))
	if err != nil {
		return hl7Result{}, err
	}
	return compareHL7(dir, j.ver, j.c.Name, "profile", outcomeFile(j.m.Profile.Java), j.c.Profile.Errors, got)
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
	data, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	if strings.HasSuffix(file, ".xml") {
		if m := xmlURL.FindSubmatch(data); m != nil {
			return string(m[1]), nil
		}
		return "", fmt.Errorf("%s: no url", file)
	}
	var sd struct{ URL string }
	if err := json.Unmarshal(data, &sd); err != nil || sd.URL == "" {
		return "", fmt.Errorf("%s: no url (%v)", file, err)
	}
	return sd.URL, nil
}
