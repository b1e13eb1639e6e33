package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/fhirgen/fhirgen/generator/load"
	"github.com/fhirgen/fhirgen/generator/xmloracle"
	"github.com/tidwall/gjson"
)

// runXMLDefinitions checks fhirgen's reading of definitions in XML against
// an independent writer: every StructureDefinition, ValueSet and CodeSystem
// of an R4 package is converted to XML by FHIR.js, read back by fhirgen's
// loader, and compared with the package's JSON (narratives compared as
// XHTML, without the white space between elements FHIR.js drops). Every
// difference is listed in the known file with its reason.
func runXMLDefinitions(pkgRef, oracleDir, knownFile string, verbose bool) error {
	_, dir, err := ensurePackage(pkgRef)
	if err != nil {
		return err
	}
	set := load.NewSet()
	if err := set.AddPackageDir(dir, pkgRef, nil); err != nil {
		return err
	}
	diffs, err := readKnownDiffs(knownFile, verbose)
	if err != nil {
		return err
	}
	var files []string
	for _, r := range set.All {
		if path, ok := strings.CutPrefix(r.Source, pkgRef+":package/"); ok && r.Origin == pkgRef {
			files = append(files, path)
		}
	}
	sort.Strings(files)
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join(dir, f)
	}
	results, err := xmloracle.ToXML(oracleDir, paths)
	if err != nil {
		return err
	}
	shape := load.NewShape(set)
	for i, f := range files {
		problem := "FHIR.js: " + results[i].Error
		if results[i].Error == "" {
			problem = readBack(shape, paths[i], []byte(results[i].XML))
		}
		diffs.note(f, problem)
	}
	return diffs.finish(files, "a definition of "+pkgRef,
		fmt.Sprintf("definitions in XML (%s, written by FHIR.js): %d of %d read back equal, %d listed", pkgRef, diffs.same, len(files), len(diffs.known)))
}

// readBack reads XML with the loader and compares it with the JSON file;
// "" when they are equal.
func readBack(shape *load.Shape, jsonFile string, xmlData []byte) string {
	got, err := shape.XMLToJSON(xmlData, filepath.Base(jsonFile))
	if err != nil {
		return "fhirgen: " + err.Error()
	}
	orig, err := os.ReadFile(jsonFile)
	if err != nil {
		return err.Error()
	}
	a, err := parse(canonicalDivs(got))
	if err != nil {
		return "fhirgen wrote no JSON: " + err.Error()
	}
	b, err := parse(canonicalDivs(orig))
	if err != nil {
		return err.Error()
	}
	if !reflect.DeepEqual(a, b) {
		return "differs: " + firstDifference("", b, a)
	}
	return ""
}

// canonicalDivs rewrites every narrative (a "div" string) in a JSON
// document in a canonical XHTML form.
func canonicalDivs(doc []byte) []byte {
	var edits []struct {
		at, end int
		text    string
	}
	var walk func(v gjson.Result)
	walk = func(v gjson.Result) {
		v.ForEach(func(k, x gjson.Result) bool {
			if k.Str == "div" && x.Type == gjson.String {
				edits = append(edits, struct {
					at, end int
					text    string
				}{x.Index, x.Index + len(x.Raw), canonicalXHTML(x.Str)})
			} else if x.IsObject() || x.IsArray() {
				walk(x)
			}
			return true
		})
	}
	walk(gjson.ParseBytes(doc))
	out := slices.Clone(doc)
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		q, _ := json.Marshal(e.text)
		out = slices.Concat(out[:e.at], q, out[e.end:])
	}
	return out
}

// canonicalXHTML writes XHTML as its elements (with sorted attributes) and
// text, without text that is only white space: what FHIR.js keeps of a
// narrative.
func canonicalXHTML(s string) string {
	d := xml.NewDecoder(strings.NewReader(s))
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			return "invalid XHTML: " + err.Error()
		}
		switch t := tok.(type) {
		case xml.StartElement:
			attrs := make([]string, 0, len(t.Attr))
			for _, a := range t.Attr {
				attrs = append(attrs, a.Name.Space+":"+a.Name.Local+"="+a.Value)
			}
			sort.Strings(attrs)
			fmt.Fprintf(&b, "<%s %s %v>", t.Name.Space, t.Name.Local, attrs)
		case xml.EndElement:
			fmt.Fprintf(&b, "</%s>", t.Name.Local)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				b.Write(t)
			}
		}
	}
}
