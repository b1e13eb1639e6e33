// Command conformance round-trips every JSON resource of a FHIR package
// through a module generated with fhirgen -all: decode, encode, and compare
// JSON-equal (numbers by their exact text) to the input.
//
// It is run by make conformance (and make test), which first generates all of
// R4 into ./all. Files listed in the known-failures file (one per line: file
// name, a tab, the reason) may fail; any other failure, and any listed file
// that now passes, makes it exit 1.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/fhirgen/fhirgen/generator/fhirpkg"
	"github.com/fhirgen/fhirgen/generator/knownlist"
)

func main() {
	ver := flag.String("version", "r4", "the generated FHIR version: r4 (./all), r4b (./all-r4b) or r5 (./all-r5)")
	pkg := flag.String("package", "hl7.fhir.r4.examples@4.0.1", "the FHIR package whose resources to round-trip")
	known := flag.String("known", "known-failures-r4.txt", "known failures: file<TAB>reason per line")
	knownInvalid := flag.String("known-invalid", "", "examples with validation errors they deserve: file<TAB>reason per line")
	verbose := flag.Bool("v", false, "print every failure in full")
	oracle := flag.String("oracle", "", "compare the compiled invariants with fhirpath.js, installed in this directory (generator/fporacle/js)")
	oracleKnown := flag.String("oracle-known", "../fporacle/known-disagreements.txt", "the disagreements with fhirpath.js that are understood")
	hl7 := flag.String("hl7-cases", "", "instead: compare the generated validators with the HL7 validator's test cases in this `dir` (hl7cases)")
	hl7Bin := flag.String("hl7-bin", "bin", "with -hl7-cases: the `dir` of the modules' fhir-validate commands, r4-validate and r5-validate")
	hl7Fhirgen := flag.String("hl7-fhirgen", "", "with -hl7-cases: the fhirgen `command` that generates each profile case's module")
	hl7R4 := flag.String("hl7-r4", "", "with -hl7-cases: the fhirgen generate `arguments` (-package ...) of the R4 module, for the profile cases")
	hl7R5 := flag.String("hl7-r5", "", "with -hl7-cases: the fhirgen generate `arguments` (-package ...) of the R5 module, for the profile cases")
	xmlDefs := flag.String("xml-defs", "", "instead: read every definition of -package (R4), written as XML by FHIR.js installed in this `dir` (generator/xmloracle/js), with fhirgen's loader, and compare it with the JSON; differences listed in -known")
	xmlInstances := flag.String("xml-instances", "", "instead: write every R4 example of -package as XML with the generated R4 and with FHIR.js installed in this `dir` (generator/xmloracle/js), and compare the two; differences listed in -known")
	flag.Parse()
	if *xmlInstances != "" {
		if err := runXMLInstances(*pkg, *xmlInstances, *known, *verbose); err != nil {
			fmt.Fprintln(os.Stderr, "conformance:", err)
			os.Exit(1)
		}
		return
	}
	if *xmlDefs != "" {
		if err := runXMLDefinitions(*pkg, *xmlDefs, *known, *verbose); err != nil {
			fmt.Fprintln(os.Stderr, "conformance:", err)
			os.Exit(1)
		}
		return
	}
	if *hl7 != "" {
		if *hl7Fhirgen == "" || *hl7R4 == "" || *hl7R5 == "" {
			fmt.Fprintln(os.Stderr, "conformance: -hl7-cases needs -hl7-fhirgen, -hl7-r4 and -hl7-r5 (the profile cases)")
			os.Exit(2)
		}
		gen := hl7Gen{fhirgen: *hl7Fhirgen, args: map[string][]string{"r4": strings.Fields(*hl7R4), "r5": strings.Fields(*hl7R5)}}
		if err := runHL7Cases(*hl7, *hl7Bin, gen, *known, *verbose); err != nil {
			fmt.Fprintln(os.Stderr, "conformance:", err)
			os.Exit(1)
		}
		return
	}
	v, ok := versions[*ver]
	if !ok {
		fmt.Fprintln(os.Stderr, "conformance: no version", *ver)
		os.Exit(2)
	}
	if err := run(v, *ver, *pkg, *known, *knownInvalid, *verbose, *oracle, *oracleKnown); err != nil {
		fmt.Fprintln(os.Stderr, "conformance:", err)
		os.Exit(1)
	}
}

func run(v version, name, pkgRef, knownFile, knownInvalidFile string, verbose bool, oracleDir, oracleKnown string) error {
	ref, dir, err := ensurePackage(pkgRef)
	if err != nil {
		return err
	}
	knownFailures, err := knownlist.Read(knownFile)
	if err != nil {
		return err
	}
	files, err := exampleFiles(dir)
	if err != nil {
		return err
	}
	var total, passed, raw int
	var unexpected, fixed, resourceFiles []string
	var bytesIn int64
	for _, f := range files {
		base := filepath.Base(f)
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		total++
		resourceFiles = append(resourceFiles, f)
		bytesIn += int64(len(data))
		problem, isRaw := roundTrip(v, data)
		if isRaw {
			raw++
		}
		_, isKnown := knownFailures[base]
		switch {
		case problem == "" && isKnown:
			fixed = append(fixed, base)
			passed++
		case problem == "":
			passed++
		case !isKnown:
			if !verbose && len(problem) > 600 {
				problem = problem[:600] + "..."
			}
			unexpected = append(unexpected, base+": "+problem)
		}
	}
	fmt.Printf("%s %s: %d of %d resources round-trip, in JSON and through XML (%d known failures, %d kept raw, %.1f MB)\n",
		name, ref, passed, total, total-passed-len(unexpected), raw, float64(bytesIn)/1e6)
	for _, u := range unexpected {
		fmt.Println("FAIL", u)
	}
	for _, f := range fixed {
		fmt.Println("FIXED (remove it from the known failures):", f)
	}
	if len(unexpected) > 0 || len(fixed) > 0 {
		return fmt.Errorf("%d unexpected failures, %d known failures now pass", len(unexpected), len(fixed))
	}
	sum := &summary{version: name, pkg: ref.String(), roundTrip: fmt.Sprintf("%d/%d round-trip", passed, total)}
	validErr := validateAll(v, name, resourceFiles, knownInvalidFile, verbose, sum)
	var oracleErr error
	switch {
	case oracleDir != "" && v.fhirpathModel != "":
		oracleErr = compareInvariants(v, name, resourceFiles, oracleDir, oracleKnown, verbose, sum)
	case oracleDir != "":
		fmt.Printf("%s invariants: not compared, fhirpath.js has no model of this version\n", name)
		sum.invariants = fmt.Sprintf("%d invariants compiled, not compared (fhirpath.js has no %s model)", len(v.specs()), name)
	default:
		sum.invariants = fmt.Sprintf("%d invariants compiled", len(v.specs()))
	}
	err = errors.Join(validErr, oracleErr)
	status := "ok"
	if err != nil {
		status = "FAILED"
	}
	fmt.Printf("== %s (%s): %s; %s; %s: %s\n", sum.version, sum.pkg, sum.roundTrip, sum.validation, sum.invariants, status)
	return err
}

// ensurePackage fetches a package into the cache when it is not there, and
// returns its reference and its directory.
func ensurePackage(pkgRef string) (fhirpkg.Ref, string, error) {
	ref, err := fhirpkg.ParseRef(pkgRef)
	if err != nil {
		return ref, "", err
	}
	cache := &fhirpkg.Cache{Dir: fhirpkg.DefaultCacheDir(), Log: os.Stderr}
	dir, err := cache.Ensure(context.Background(), ref)
	return ref, dir, err
}

// summary is the one line a run ends with.
type summary struct{ version, pkg, roundTrip, validation, invariants string }

// roundTrip decodes, encodes and compares; it returns "" when the output is
// JSON-equal to the input.
func roundTrip(v version, data []byte) (problem string, raw bool) {
	res, err := v.unmarshal(data)
	if err != nil {
		return "decode: " + err.Error(), false
	}
	raw = v.raw(res)
	out, err := v.marshal(res)
	if err != nil {
		return "encode: " + err.Error(), raw
	}
	want, err := parse(data)
	if err != nil {
		return "input: " + err.Error(), raw
	}
	got, err := parse(out)
	if err != nil {
		return "output is not JSON: " + err.Error(), raw
	}
	if !reflect.DeepEqual(want, got) {
		return "differs: " + firstDifference("", want, got), raw
	}
	if raw {
		return "", raw // a type not generated: no XML
	}
	// and through XML: JSON -> Go -> XML -> Go -> JSON
	x, err := v.marshalXML(res)
	if err != nil {
		return "encode XML: " + err.Error(), raw
	}
	back, err := v.unmarshalXML(x)
	if err != nil {
		return "decode XML: " + err.Error(), raw
	}
	if out, err = v.marshal(back); err != nil {
		return "encode after XML: " + err.Error(), raw
	}
	if got, err = parse(out); err != nil || !reflect.DeepEqual(want, got) {
		return "differs after XML: " + firstDifference("", want, got), raw
	}
	return "", raw
}

// exampleFiles lists a package's JSON resources, sorted: its .json files
// but package.json and hidden ones.
func exampleFiles(dir string) ([]string, error) {
	all, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range all {
		if base := filepath.Base(f); base != "package.json" && !strings.HasPrefix(base, ".") {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out, nil
}

func parse(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// firstDifference describes where two JSON values first differ.
func firstDifference(path string, a, b any) string {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			return path + ": kind differs"
		}
		keys := map[string]bool{}
		for k := range av {
			keys[k] = true
		}
		for k := range bv {
			keys[k] = true
		}
		var names []string
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			x, inA := av[k]
			y, inB := bv[k]
			switch {
			case !inA:
				return path + "." + k + ": added"
			case !inB:
				return path + "." + k + ": dropped"
			case !reflect.DeepEqual(x, y):
				return firstDifference(path+"."+k, x, y)
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return path + ": array differs in kind or length"
		}
		for i := range av {
			if !reflect.DeepEqual(av[i], bv[i]) {
				return firstDifference(fmt.Sprintf("%s[%d]", path, i), av[i], bv[i])
			}
		}
	}
	return fmt.Sprintf("%s: %v became %v", path, a, b)
}
