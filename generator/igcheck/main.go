// Command igcheck measures fhirgen against what the IG Publisher published
// in an implementation guide's package. It is run by make conformance for
// IPS and AU Base, after the IG's module is generated with the same config.
//
//   - Snapshots: every StructureDefinition of the checked packages that
//     has both a snapshot and a differential is stripped of its snapshot,
//     the snapshot recomputed from the differential (over the published
//     snapshots of its bases), and compared with the published one on
//     element ids, min/max, types with profiles and target profiles,
//     fixed/pattern values, slicing, binding strength and value set,
//     constraint keys and must-support ("|version" suffixes of canonicals
//     ignored). Every difference must be listed in the -known-snapshots
//     file with its reason; a definition whose snapshot cannot be computed
//     fails the run.
//   - Examples: every example of the IG's package is validated by the
//     module's fhir-validate against the profiles it claims (meta.profile)
//     and the one the ImplementationGuide resource gives it
//     (exampleCanonical). An example with an error must be listed in the
//     -known-examples file with its reason.
//
// A listed difference or example that no longer fails fails the run too, so
// that the lists stay true.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/fhirgen/fhirgen/generator"
	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/fhirgen/fhirgen/generator/fhirpkg"
	"github.com/fhirgen/fhirgen/generator/knownlist"
	"github.com/fhirgen/fhirgen/generator/load"
	"github.com/fhirgen/fhirgen/generator/snapshot"
	"github.com/tidwall/gjson"
)

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func main() {
	config := flag.String("config", "", "the fhirgen config the IG's module was generated with")
	var check multiFlag
	flag.Var(&check, "check", "`id@version` of a package whose snapshots to recompute (repeatable; default: the config's igs)")
	knownSnap := flag.String("known-snapshots", "", "snapshot differences understood: url#element-id<TAB>aspect<TAB>reason per line")
	validator := flag.String("validate", "", "the IG module's fhir-validate binary (no example check without it)")
	knownEx := flag.String("known-examples", "", "examples with errors they deserve: file<TAB>reason per line")
	verbose := flag.Bool("v", false, "print every difference")
	flag.Parse()
	if *config == "" {
		fmt.Fprintln(os.Stderr, "igcheck: -config is required")
		os.Exit(2)
	}
	if err := run(*config, check, *knownSnap, *validator, *knownEx, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "igcheck:", err)
		os.Exit(1)
	}
}

func run(configFile string, check []string, knownSnap, validator, knownEx string, verbose bool) error {
	cfg, err := generator.ReadConfig(configFile)
	if err != nil {
		return err
	}
	cfg.Log = io.Discard
	set, err := cfg.Load(context.Background())
	if err != nil {
		return err
	}
	if len(check) == 0 {
		check = cfg.IGs
	}
	var failed []string
	if err := checkSnapshots(set, check, knownSnap, verbose); err != nil {
		failed = append(failed, err.Error())
	}
	if validator != "" {
		for _, ig := range cfg.IGs {
			if err := checkExamples(cfg, ig, validator, knownEx, verbose); err != nil {
				failed = append(failed, err.Error())
			}
		}
	}
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "\n"))
	}
	return nil
}

func checkSnapshots(set *load.Set, pkgs []string, knownFile string, verbose bool) error {
	known, err := knownlist.Read(knownFile)
	if err != nil {
		return err
	}
	gen := snapshot.New(set, &diag.Report{})
	var defs, elements, agree int
	var failedDefs, unexplained []string
	seen := map[string]bool{}
	byAspect := map[string]int{}
	for _, r := range set.OfType("StructureDefinition") {
		if !slices.Contains(pkgs, r.Origin) || gjson.GetBytes(r.JSON, "kind").String() == "logical" {
			continue // fhirgen generates no logical model
		}
		published, err := gen.ForResource(r)
		if err != nil {
			failedDefs = append(failedDefs, fmt.Sprintf("%s: %v", r.URL, err))
			continue
		}
		if len(published.Differential) == 0 || published.Computed {
			continue
		}
		defs++
		stripped, err := withoutSnapshot(r)
		if err != nil {
			return err
		}
		computed, err := gen.ForResource(stripped)
		if err != nil {
			failedDefs = append(failedDefs, fmt.Sprintf("%s: %v", r.URL, err))
			elements += len(published.Snapshot)
			continue
		}
		diffs := compare(published.Snapshot, computed.Snapshot)
		elements += len(published.Snapshot)
		bad := map[string]bool{}
		for _, d := range diffs {
			key := r.URL + "#" + d.id + "\t" + d.aspect
			byAspect[d.aspect]++
			if d.id != "" {
				bad[d.id] = true
			}
			if _, ok := known[key]; ok {
				seen[key] = true
				continue
			}
			unexplained = append(unexplained, key+"\t"+d.detail)
		}
		for _, e := range published.Snapshot {
			if !bad[e.ID()] {
				agree++
			}
		}
	}
	pct := 100 * float64(agree) / float64(max(elements, 1))
	fmt.Printf("snapshots of %s: %d definitions recomputed from their differentials, %d failed; %d of %d elements agree with the published snapshot (%.2f%%)\n",
		strings.Join(pkgs, ", "), defs, len(failedDefs), agree, elements, pct)
	if len(byAspect) > 0 {
		var parts []string
		for a, n := range byAspect {
			parts = append(parts, fmt.Sprintf("%s %d", a, n))
		}
		sort.Strings(parts)
		fmt.Printf("  differences by aspect: %s\n", strings.Join(parts, ", "))
	}
	var problems []string
	for _, f := range failedDefs {
		problems = append(problems, "cannot compute: "+f)
	}
	for i, u := range unexplained {
		if i == 20 && !verbose {
			problems = append(problems, fmt.Sprintf("... and %d more unexplained differences (-v)", len(unexplained)-20))
			break
		}
		problems = append(problems, "unexplained difference: "+u)
	}
	for _, s := range knownlist.Stale(known, seen) {
		problems = append(problems, "listed difference no longer occurs (remove it): "+s)
	}
	if pct < 99.9 {
		problems = append(problems, fmt.Sprintf("%.2f%% of elements agree, below 99.9%%", pct))
	}
	if len(problems) > 0 {
		return fmt.Errorf("snapshots:\n\t%s", strings.Join(problems, "\n\t"))
	}
	return nil
}

// withoutSnapshot is a copy of a StructureDefinition with no snapshot.
func withoutSnapshot(r *load.Resource) (*load.Resource, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.JSON, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", r.Source, err)
	}
	delete(m, "snapshot")
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	c := *r
	c.JSON = data
	c.Source = r.Source + " (snapshot removed)"
	return &c, nil
}

type difference struct {
	id, aspect, detail string
}

// compare lists how a computed snapshot differs from the published one.
func compare(published, computed []*snapshot.Element) []difference {
	got := map[string]*snapshot.Element{}
	for _, e := range computed {
		got[e.ID()] = e
	}
	want := map[string]bool{}
	var out []difference
	for _, p := range published {
		want[p.ID()] = true
		c := got[p.ID()]
		if c == nil {
			out = append(out, difference{p.ID(), "missing", "the computed snapshot has no such element"})
			continue
		}
		for _, a := range aspects {
			if pv, cv := a.of(p), a.of(c); pv != cv {
				out = append(out, difference{p.ID(), a.name, fmt.Sprintf("published %s, computed %s", show(pv), show(cv))})
			}
		}
	}
	for _, c := range computed {
		if !want[c.ID()] {
			out = append(out, difference{c.ID(), "extra", "the published snapshot has no such element"})
		}
	}
	return out
}

func show(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

type aspect struct {
	name string
	of   func(*snapshot.Element) string
}

var aspects = []aspect{
	{"min", func(e *snapshot.Element) string { return e.Get("min").Raw }},
	{"max", func(e *snapshot.Element) string { return e.Get("max").String() }},
	{"type", types},
	{"fixed/pattern", fixedPattern},
	{"slicing", slicing},
	{"binding", binding},
	{"constraints", constraintKeys},
	{"mustSupport", func(e *snapshot.Element) string {
		if e.Get("mustSupport").Bool() {
			return "true"
		}
		return ""
	}},
}

// unversioned drops a canonical's |version.
func unversioned(s string) string {
	u, _, _ := strings.Cut(s, "|")
	return u
}

func types(e *snapshot.Element) string {
	var out []string
	for _, t := range e.Get("type").Array() {
		s := t.Get("code").String()
		var ps, ts []string
		for _, p := range t.Get("profile").Array() {
			ps = append(ps, unversioned(p.String()))
		}
		for _, p := range t.Get("targetProfile").Array() {
			ts = append(ts, unversioned(p.String()))
		}
		sort.Strings(ps)
		sort.Strings(ts)
		if len(ps) > 0 {
			s += " profile " + strings.Join(ps, " ")
		}
		if len(ts) > 0 {
			s += " target " + strings.Join(ts, " ")
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

func fixedPattern(e *snapshot.Element) string {
	var out []string
	for _, k := range e.Keys() {
		if strings.HasPrefix(k, "fixed") || strings.HasPrefix(k, "pattern") {
			out = append(out, k+"="+canonicalJSON(e.Get(k).Raw))
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func slicing(e *snapshot.Element) string {
	s := e.Get("slicing")
	if !s.Exists() {
		return ""
	}
	var ds []string
	for _, d := range s.Get("discriminator").Array() {
		ds = append(ds, d.Get("type").String()+":"+d.Get("path").String())
	}
	return fmt.Sprintf("%s rules=%s ordered=%v", strings.Join(ds, ","), s.Get("rules").String(), s.Get("ordered").Bool())
}

func binding(e *snapshot.Element) string {
	b := e.Get("binding")
	if !b.Exists() {
		return ""
	}
	return b.Get("strength").String() + " " + unversioned(b.Get("valueSet").String())
}

func constraintKeys(e *snapshot.Element) string {
	var ks []string
	for _, c := range e.Get("constraint").Array() {
		ks = append(ks, c.Get("key").String())
	}
	sort.Strings(ks)
	return strings.Join(slices.Compact(ks), " ")
}

// canonicalJSON prints a JSON value with sorted keys and numbers as written.
func canonicalJSON(raw string) string {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return raw
	}
	b, err := json.Marshal(v)
	if err != nil {
		return raw
	}
	return string(b)
}

// checkExamples validates the examples of an IG's package with the IG
// module's fhir-validate: each against the profiles it claims and the one
// the ImplementationGuide resource gives it.
func checkExamples(cfg *generator.Config, ig, validator, knownFile string, verbose bool) error {
	known, err := knownlist.Read(knownFile)
	if err != nil {
		return err
	}
	cache, err := cfg.NewCache()
	if err != nil {
		return err
	}
	ref, err := fhirpkg.ParseRef(ig)
	if err != nil {
		return err
	}
	dir := cache.Path(ref)
	// exampleCanonical by "Type/id"
	canonical := map[string]string{}
	examples := map[string]bool{}
	igFiles, err := filepath.Glob(filepath.Join(dir, "ImplementationGuide-*.json"))
	if err != nil {
		return err
	}
	for _, f := range igFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if gjson.GetBytes(data, "resourceType").String() != "ImplementationGuide" {
			continue
		}
		for _, res := range gjson.GetBytes(data, "definition.resource").Array() {
			key := res.Get("reference.reference").String()
			if c := res.Get("exampleCanonical"); c.Exists() {
				canonical[key] = c.String()
				examples[key] = true
			} else if res.Get("exampleBoolean").Bool() {
				examples[key] = true
			}
		}
	}
	var files []string
	for _, sub := range []string{"example", "."} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") || e.Name() == "package.json" {
				continue
			}
			path := filepath.Join(dir, sub, e.Name())
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			j := gjson.GetManyBytes(data, "resourceType", "id")
			if sub == "." && !examples[j[0].String()+"/"+j[1].String()] {
				continue // a conformance resource, not an example
			}
			files = append(files, path)
		}
	}
	// one run per profile given by the ImplementationGuide, one for the rest
	groups := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		j := gjson.GetManyBytes(data, "resourceType", "id", "meta.profile")
		p := canonical[j[0].String()+"/"+j[1].String()]
		for _, mp := range j[2].Array() {
			if mp.String() == p {
				p = ""
			}
		}
		groups[p] = append(groups[p], f)
	}
	profiles := make([]string, 0, len(groups))
	for p := range groups {
		profiles = append(profiles, p)
	}
	sort.Strings(profiles)
	errs := map[string][]string{}
	unvalidated := 0
	for _, p := range profiles {
		args := []string{}
		if p != "" {
			args = append(args, "-profile", p)
		}
		args = append(args, groups[p]...)
		cmd := exec.Command(validator, args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
			return fmt.Errorf("%s %s: %v\n%s", validator, strings.Join(args[:min(len(args), 2)], " "), err, stderr.String())
		}
		for _, line := range strings.Split(string(out), "\n") {
			if strings.Contains(line, "was not generated in this module and is not validated") {
				unvalidated++
			}
			file, rest, ok := strings.Cut(line, ": ")
			if ok && (strings.HasPrefix(rest, "error ") || strings.HasPrefix(rest, "fatal ")) {
				errs[filepath.Base(file)] = append(errs[filepath.Base(file)], rest)
			}
		}
	}
	var problems []string
	seen := map[string]bool{}
	bad := 0
	names := make([]string, 0, len(errs))
	for f := range errs {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		bad++
		if _, ok := known[f]; ok {
			seen[f] = true
			continue
		}
		msgs := errs[f]
		if !verbose && len(msgs) > 3 {
			msgs = append(msgs[:3], fmt.Sprintf("... %d more", len(errs[f])-3))
		}
		problems = append(problems, fmt.Sprintf("%s: %s", f, strings.Join(msgs, "\n\t\t")))
	}
	for _, s := range knownlist.Stale(known, seen) {
		problems = append(problems, "listed example now validates (remove it): "+s)
	}
	fmt.Printf("examples of %s: %d validated (%d also against the profile the ImplementationGuide gives them; %d of a type the IG does not profile, decoded only), %d with errors, %d of them listed\n",
		ig, len(files), len(files)-len(groups[""]), unvalidated, bad, len(seen))
	if len(problems) > 0 {
		return fmt.Errorf("examples of %s:\n\t%s", ig, strings.Join(problems, "\n\t"))
	}
	return nil
}
