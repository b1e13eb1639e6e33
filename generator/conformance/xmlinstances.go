package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"fhirgen.test/all/r4"
	"github.com/fhirgen/fhirgen/generator/xmloracle"
)

// runXMLInstances checks fhirgen's XML codec, on every R4 example the
// generated R4 decodes from JSON:
//   - round trip: JSON -> Go -> XML (MarshalResourceXML) -> Go
//     (UnmarshalResourceXML) -> JSON gives the JSON fhirgen writes of the
//     example. No exception.
//   - against an independent writer: FHIR.js writes the example's JSON file
//     as XML; it must be the same XML as fhirgen's (elements, namespaces,
//     attributes and text, compared as tokens: white space between elements
//     and attribute order do not count), and UnmarshalResourceXML must read
//     it into the same resource. Every difference is listed in the known
//     file with its reason.
func runXMLInstances(pkgRef, oracleDir, knownFile string, verbose bool) error {
	_, dir, err := ensurePackage(pkgRef)
	if err != nil {
		return err
	}
	diffs, err := readKnownDiffs(knownFile, verbose)
	if err != nil {
		return err
	}
	all, err := exampleFiles(dir)
	if err != nil {
		return err
	}
	var files, paths []string
	var ours, jsons [][]byte
	trips := 0
	for _, p := range all {
		base := filepath.Base(p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		r, err := r4.UnmarshalResource(data)
		if err != nil {
			continue // the round trip reports these
		}
		if _, raw := r.(*r4.RawResource); raw {
			continue
		}
		out, err := r4.MarshalResourceXML(r)
		if err != nil {
			diffs.note(base, "fhirgen: "+err.Error())
			continue
		}
		want, err := r4.MarshalResource(r)
		if err != nil {
			return fmt.Errorf("%s: %v", base, err)
		}
		if problem := readXMLBack(out, want, false); problem != "" {
			diffs.fail(base, "round trip through fhirgen's XML: "+problem) // no listing explains this
		} else {
			trips++
		}
		files, paths, ours, jsons = append(files, base), append(paths, p), append(ours, out), append(jsons, want)
	}
	results, err := xmloracle.ToXML(oracleDir, paths)
	if err != nil {
		return err
	}
	for i, f := range files {
		problem := "FHIR.js: " + results[i].Error
		if results[i].Error == "" {
			problem = compareXML(ours[i], []byte(results[i].XML))
			if back := readXMLBack([]byte(results[i].XML), jsons[i], true); back != "" {
				problem += "; read back: " + back
			}
			problem = strings.TrimPrefix(problem, "; ")
		}
		diffs.note(f, problem)
	}
	return diffs.finish(files, "an example fhirgen writes as XML",
		fmt.Sprintf("instances in XML (%s): %d of %d round-trip through XML; %d written and read as FHIR.js writes them, %d listed", pkgRef, trips, len(files), diffs.same, len(diffs.known)))
}

// readXMLBack decodes XML with the generated R4 and compares the JSON it
// writes of the result with want; "" when they are the same. With
// canonical, narratives are compared as XHTML (FHIR.js rewrites them).
func readXMLBack(doc, want []byte, canonical bool) string {
	r, err := r4.UnmarshalResourceXML(doc)
	if err != nil {
		return "UnmarshalResourceXML: " + err.Error()
	}
	got, err := r4.MarshalResource(r)
	if err != nil {
		return "MarshalResource: " + err.Error()
	}
	if bytes.Equal(got, want) {
		return ""
	}
	if canonical {
		got, want = canonicalDivs(got), canonicalDivs(want)
		if a, b := parseOr(got), parseOr(want); a != nil && reflect.DeepEqual(a, b) {
			return ""
		}
	}
	a, errA := parse(got)
	b, errB := parse(want)
	if errA != nil || errB != nil {
		return "the JSON differs"
	}
	return "the JSON differs: " + firstDifference("", b, a)
}

// compareXML compares two XML documents as token lists; "" when they are
// the same, else the first difference.
func compareXML(ours, theirs []byte) string {
	a, err := xmlTokens(ours)
	if err != nil {
		return "fhirgen wrote XML that does not parse: " + err.Error()
	}
	b, err := xmlTokens(theirs)
	if err != nil {
		return "FHIR.js wrote XML that does not parse: " + err.Error()
	}
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("token %d: fhirgen %s, FHIR.js %s (in %s)", i, a[i], b[i], openElements(a, i))
		}
	}
	if len(a) != len(b) {
		return fmt.Sprintf("fhirgen wrote %d tokens, FHIR.js %d", len(a), len(b))
	}
	return ""
}

// openElements is the path of open elements before token i.
func openElements(toks []string, i int) string {
	var open []string
	for _, t := range toks[:i] {
		switch {
		case strings.HasPrefix(t, "</"):
			open = open[:max(len(open)-1, 0)]
		case strings.HasPrefix(t, "<"):
			name, _, _ := strings.Cut(strings.TrimPrefix(t, "<"), " ")
			open = append(open, name[strings.LastIndex(name, "}")+1:])
		}
	}
	return strings.Join(open, "/")
}

// xmlTokens lists a document's elements (namespace, name, attributes sorted,
// namespace declarations left out) and its text that is not only white
// space.
func xmlTokens(doc []byte) ([]string, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	var out []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			var attrs []string
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				attrs = append(attrs, fmt.Sprintf("%s:%s=%q", a.Name.Space, a.Name.Local, a.Value))
			}
			sort.Strings(attrs)
			out = append(out, fmt.Sprintf("<{%s}%s %s>", t.Name.Space, t.Name.Local, strings.Join(attrs, " ")))
		case xml.EndElement:
			out = append(out, "</"+t.Name.Local+">")
		case xml.CharData:
			if s := strings.TrimSpace(string(t)); s != "" {
				out = append(out, fmt.Sprintf("%q", string(t)))
			}
		}
	}
}

// parseOr parses JSON, or gives nil.
func parseOr(b []byte) any {
	v, err := parse(b)
	if err != nil {
		return nil
	}
	return v
}
