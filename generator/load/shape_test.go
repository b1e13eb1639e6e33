package load_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/fhirgen/fhirgen/generator"
	"github.com/fhirgen/fhirgen/generator/load"
)

var (
	r4Once sync.Once
	r4Set  *load.Set
	r4Err  error
)

func r4(t *testing.T) *load.Set {
	t.Helper()
	r4Once.Do(func() {
		cfg := &generator.Config{Packages: []string{"hl7.fhir.r4.examples@4.0.1"}}
		r4Set, r4Err = cfg.Load(context.Background())
	})
	if r4Err != nil {
		t.Fatal(r4Err)
	}
	return r4Set.Clone()
}

// Each definition is checked against the definitions of its own type: a
// valid one passes, and each change makes it fail at the named place.
func TestShape(t *testing.T) {
	for _, file := range []string{"shape-sd.json", "shape-vs.json", "shape-cs.json"} {
		data, err := os.ReadFile("testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		set := r4(t)
		if err := set.AddBytes(data, file); err != nil {
			t.Fatal(err)
		}
		if err := set.Check(set.All[len(set.All)-1]); err != nil {
			t.Fatalf("valid %s refused: %v", file, err)
		}
	}
	for _, c := range []struct{ name, file, from, to, want string }{
		{"abstract a string", "sd", `"abstract": false`, `"abstract": "no"`, "StructureDefinition.abstract: want boolean"},
		{"binding a string", "sd", `"binding": {"strength": "example", "valueSet": "http://example.org/fhir/ValueSet/shape"}`, `"binding": "example"`, "Extension.value[x]: StructureDefinition.differential.element[3].binding: want an object"},
		{"constraint an object", "sd", `"constraint": [{"key": "shp-1", "severity": "error", "human": "Has a value", "expression": "value.exists()"}]`, `"constraint": {"key": "shp-1"}`, "element[0].constraint: want an array"},
		{"expression a number", "sd", `"expression": "value.exists()"`, `"expression": 5`, "constraint[0].expression: want string"},
		{"maxLength a string", "sd", `"maxLength": 10`, `"maxLength": "10"`, "maxLength: want integer"},
		{"min a fraction", "sd", `"min": 0,`, `"min": 0.5,`, "element[0].min: want unsignedInt (a whole number)"},
		{"min negative", "sd", `"min": 0,`, `"min": -1,`, `"-1" is not a valid unsignedInt`},
		{"title a number", "sd", `"name": "Shape"`, `"name": "Shape", "title": 5`, "StructureDefinition.title: want string"},
		{"sliceName an array", "sd", `"sliceName": "valueString"`, `"sliceName": ["valueString"]`, "sliceName: want a single value"},
		{"fixed of the wrong kind", "sd", `"fixedUri": "http://example.org/fhir/StructureDefinition/shape"`, `"fixedUri": 5`, "fixedUri: want uri"},
		{"choice of an unknown type", "sd", `"fixedUri"`, `"fixedNothing"`, "fixedNothing: unknown property"},
		{"duplicate key", "sd", `"name": "Shape",`, `"name": "Shape", "name": "Other",`, "StructureDefinition.name: the property appears twice"},
		{"unknown property", "sd", `"status": "draft",`, `"status": "draft", "colour": "red",`, "StructureDefinition.colour: unknown property"},
		{"null", "sd", `"abstract": false`, `"abstract": null`, "StructureDefinition.abstract: null"},
		{"empty array", "sd", `"context": [{"type": "element", "expression": "Patient"}]`, `"context": []`, "StructureDefinition.context: an empty array"},
		{"empty string", "sd", `"short": "A shape"`, `"short": ""`, "short: an empty string"},
		{"code with two spaces", "sd", `"status": "draft"`, `"status": "dr  aft"`, "is not a valid code"},
		{"key not an id", "sd", `"key": "shp-1"`, `"key": "shp 1"`, "key: \"shp 1\" is not a valid id"},
		{"include an object", "vs", `"include": [{"system": "http://example.org/fhir/CodeSystem/shape"}]`, `"include": {"system": "http://example.org/fhir/CodeSystem/shape"}`, "ValueSet.compose.include: want an array"},
		{"empty code", "cs", `"code": "round"`, `"code": ""`, "CodeSystem.concept[0].code: an empty string"},
		{"code of spaces", "cs", `"code": "round"`, `"code": " round"`, `" round" is not a valid code`},
	} {
		t.Run(c.name, func(t *testing.T) {
			data, err := os.ReadFile("testdata/shape-" + c.file + ".json")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), c.from) {
				t.Fatalf("the fixture has no %s", c.from)
			}
			bad := strings.Replace(string(data), c.from, c.to, 1)
			set := r4(t)
			err = set.AddBytes([]byte(bad), "bad.json")
			if err == nil {
				err = set.Check(set.All[len(set.All)-1])
			}
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "bad.json: ") {
				t.Fatalf("got %v, want an error in bad.json with %q", err, c.want)
			}
		})
	}
}

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"9.9.9", "10.0.0", -1}, {"4.0.1", "4.0.1", 0}, {"1.0.0-ballot", "1.0.0", -1}, {"1.0.0", "1.0.0-ballot", 1},
		{"1.0", "1.0.1", -1}, {"5.3.0-ballot-tc1", "5.3.0-ballot", 1}, {"2.0.0", "", 1}, {"1.a", "1.b", -1}, {"1.2", "1.a", -1},
	} {
		if got := load.CompareVersions(c.a, c.b); got != c.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// A definition file with a package definition's url, in any version, is
// refused: it would stand in for the package's wherever the version is not
// named (core Patient "9.9.9" was taken over core Patient "4.0.1").
func TestLooseDefinitionCannotReplaceAPackages(t *testing.T) {
	set := r4(t)
	fake := `{"resourceType":"StructureDefinition","url":"http://hl7.org/fhir/StructureDefinition/Patient","version":"9.9.9","name":"Patient","type":"Patient"}`
	err := set.AddBytes([]byte(fake), "defs/Patient.json")
	if err == nil || !strings.Contains(err.Error(), "cannot replace a package's definition") {
		t.Fatalf("got %v", err)
	}
	if r, _ := set.Resolve("StructureDefinition", "http://hl7.org/fhir/StructureDefinition/Patient"); r.Version != "4.0.1" {
		t.Fatalf("Patient resolves to version %s", r.Version)
	}
}

// An archive given with -defs holds each entry to the definition size
// limit while it is read: four entries just under the archive limit of 256
// MiB each are refused at the first, not read into memory.
func TestDefsArchiveEntriesAreBounded(t *testing.T) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	zeros := make([]byte, 1<<20)
	for i := range 4 {
		size := int64(250 << 20)
		if err := tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("package/big%d.json", i), Mode: 0o644, Size: size, Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		for written := int64(0); written < size; written += int64(len(zeros)) {
			tw.Write(zeros)
		}
		if i == 0 {
			break // one is enough to be refused; the rest would only slow the test
		}
	}
	tw.Close()
	gz.Close()
	p := filepath.Join(t.TempDir(), "bomb.tgz")
	os.WriteFile(p, buf.Bytes(), 0o644)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := load.NewSet().AddPath(p, "")
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("got %v", err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<20 {
		t.Errorf("reading the bomb allocated %d MiB", grown>>20)
	}
}

// The fields the loader indexes by are strings; anything else is refused
// naming the file (url: {} was reported as an unknown type of the
// configuration).
func TestIndexedFieldsAreStrings(t *testing.T) {
	for _, field := range []string{`"url":{}`, `"url":["x"]`, `"version":1`, `"name":true`, `"id":null`} {
		data := `{"resourceType":"StructureDefinition",` + field + `}`
		if !strings.Contains(field, `"url"`) {
			data = `{"resourceType":"StructureDefinition","url":"http://x/y",` + field + `}`
		}
		err := load.NewSet().AddBytes([]byte(data), "defs/x.json")
		if err == nil || !strings.HasPrefix(err.Error(), "defs/x.json: ") || !strings.Contains(err.Error(), "want a JSON string") {
			t.Errorf("%s: %v", field, err)
		}
	}
}
