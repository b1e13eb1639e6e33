package snapshot_test

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generator"
	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/fhirgen/fhirgen/generator/load"
	"github.com/fhirgen/fhirgen/generator/snapshot"
)

func generatorFor(t *testing.T) (*snapshot.Generator, *diag.Report) {
	t.Helper()
	report := &diag.Report{}
	return snapshot.New(projectDefinitions(t), report), report
}

// projectDefinitions loads what the project's config names.
func projectDefinitions(t *testing.T) *load.Set {
	t.Helper()
	cfg, err := generator.ReadConfig("../../definitions/fhirgen.json")
	if err != nil {
		t.Fatal(err)
	}
	set, err := cfg.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// patternSummary renders a pattern the way the seed table does.
func patternSummary(e *snapshot.Element) string {
	_, v, ok := e.WithPrefix("pattern")
	if !ok {
		return "-"
	}
	c := v
	if v.Get("coding").Exists() {
		c = v.Get("coding.0")
	}
	if c.IsObject() {
		return c.Get("system").String() + "|" + c.Get("code").String() + "|" + c.Get("display").String()
	}
	return c.String()
}

// The computed BrewedLog snapshot matches the 140 elements of the IG's page:
// ids, cardinalities, must-support flags and patterns.
func TestBrewedLogMatchesSeed(t *testing.T) {
	gen, _ := generatorFor(t)
	d, err := gen.Lookup("http://fhir.org/guides/acme/hotbeverage/StructureDefinition/BrewedLog", "test", "")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/brewedlog-seed.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			want = append(want, strings.Split(line, "\t"))
		}
	}
	if len(want) != 140 {
		t.Fatalf("seed table has %d rows, want 140", len(want))
	}
	if len(d.Snapshot) != len(want) {
		t.Fatalf("snapshot has %d elements, want %d", len(d.Snapshot), len(want))
	}
	for i, e := range d.Snapshot {
		max := e.Get("max").String()
		got := []string{e.ID(), e.Get("min").Raw + ".." + max, boolStr(e.Get("mustSupport").Bool()), patternSummary(e)}
		if strings.Join(got, "\t") != strings.Join(want[i], "\t") {
			t.Errorf("element %d:\n got %q\nwant %q", i+1, got, want[i])
		}
	}
	for _, id := range []string{"AuditEvent.agent", "AuditEvent.entity"} {
		for _, e := range d.Snapshot {
			if e.ID() != id {
				continue
			}
			s := e.Get("slicing")
			if s.Get("rules").String() != "closed" || s.Get("discriminator.0.type").String() != "pattern" || s.Get("discriminator.0.path").String() != "type" {
				t.Errorf("%s slicing = %s", id, s.Raw)
			}
		}
	}
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// The extension keeps its unresolvable target profile and says so.
func TestUsageRestrictionUnresolvedTarget(t *testing.T) {
	gen, report := generatorFor(t)
	d, err := gen.Lookup("http://hl7.org/fhir/uv/vhdir/StructureDefinition/usage-restriction", "test", "")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range d.Snapshot {
		switch e.ID() {
		case "Extension.value[x]":
			found = true
			types := e.Get("type").Array()
			if len(types) != 1 || types[0].Get("code").String() != "Reference" ||
				types[0].Get("targetProfile.0").String() != "http://hl7.org/fhir/uv/vhdir/StructureDefinition/vhdir-restriction" {
				t.Errorf("value[x] types = %s", e.Get("type").Raw)
			}
			if e.Min() != 1 {
				t.Errorf("value[x] min = %d, want 1", e.Min())
			}
		case "Extension.value[x].identifier":
			if e.Max() != 0 {
				t.Errorf("valueReference.identifier max = %d, want 0", e.Max())
			}
		case "Extension.url":
			if v := e.Get("fixedUri").String(); v != "http://hl7.org/fhir/uv/vhdir/StructureDefinition/usage-restriction" {
				t.Errorf("url fixed = %q", v)
			}
		}
	}
	if !found {
		t.Fatal("no Extension.value[x]")
	}
	warned := false
	for _, w := range report.Warnings {
		if strings.Contains(w.Error(), "vhdir-restriction is not loaded") {
			warned = true
		}
	}
	if !warned {
		t.Error("the unresolved target profile was not reported")
	}
}

// UserSession's snapshot has the elements of its table, with the implied
// backbone children and inherited DomainResource elements.
func TestUserSessionSnapshot(t *testing.T) {
	gen, _ := generatorFor(t)
	d, err := gen.Lookup("http://hl7.org/fhir/StructureDefinition/UserSession", "test", "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"UserSession.identifier": "0..*", "UserSession.user": "1..1", "UserSession.status": "0..1",
		"UserSession.status.id": "0..1", "UserSession.status.value": "1..1", "UserSession.status.source": "1..1",
		"UserSession.workstation": "0..1", "UserSession.focus": "1..*", "UserSession.created": "0..1",
		"UserSession.expires": "0..1", "UserSession.context": "0..*", "UserSession.context.type": "1..1",
		"UserSession.context.value": "1..1", "UserSession.contained": "0..*", "UserSession.text": "0..1",
	}
	for _, e := range d.Snapshot {
		if c, ok := want[e.ID()]; ok {
			if got := e.Get("min").Raw + ".." + e.Get("max").String(); got != c {
				t.Errorf("%s cardinality %s, want %s", e.ID(), got, c)
			}
			delete(want, e.ID())
		}
		if e.ID() == "UserSession.status.value" {
			if b := e.Get("binding"); b.Get("strength").String() != "required" || b.Get("valueSet").String() != "http://hl7.org/fhir/ValueSet/usersession-status-value" {
				t.Errorf("status.value binding = %s", b.Raw)
			}
		}
	}
	for id := range want {
		t.Errorf("missing element %s", id)
	}
	if root := d.Snapshot[0]; !strings.Contains(root.Get("constraint").Raw, "dom-2") {
		t.Error("root lost the DomainResource invariants")
	}
}

// computeProfile computes the snapshot of a profile on base with the given
// differential elements (JSON), over the project's definitions.
func computeProfile(t *testing.T, base, elements string) map[string]*snapshot.Element {
	t.Helper()
	set := projectDefinitions(t)
	sd := `{"resourceType":"StructureDefinition","id":"probe","url":"http://example.org/StructureDefinition/probe","name":"Probe","status":"draft",
		"fhirVersion":"4.0.1","kind":"resource","abstract":false,"type":"` + base + `",
		"baseDefinition":"http://hl7.org/fhir/StructureDefinition/` + base + `","derivation":"constraint",
		"differential":{"element":[{"id":"` + base + `","path":"` + base + `"},` + elements + `]}}`
	file := t.TempDir() + "/StructureDefinition-probe.json"
	if err := os.WriteFile(file, []byte(sd), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := set.AddPath(file, "probe.json"); err != nil {
		t.Fatal(err)
	}
	d, err := snapshot.New(set, &diag.Report{}).Lookup("http://example.org/StructureDefinition/probe", "test", "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*snapshot.Element{}
	for _, e := range d.Snapshot {
		out[e.ID()] = e
	}
	return out
}

// The rules the IG Publisher applies that a differential does not spell
// out, each on a profile that needs it and one that does not.
func TestPublisherRules(t *testing.T) {
	cases := []struct {
		name, base, diff string
		id, prop, want   string // the property of the element, as JSON ("" for absent)
	}{
		{"a sliced element's min is its slices' sum when the differential does not state it", "Patient",
			`{"id":"Patient.extension:a","path":"Patient.extension","sliceName":"a","min":1,"type":[{"code":"Extension","profile":["http://hl7.org/fhir/StructureDefinition/patient-birthPlace"]}]},
			 {"id":"Patient.extension:b","path":"Patient.extension","sliceName":"b","min":1,"type":[{"code":"Extension","profile":["http://hl7.org/fhir/StructureDefinition/patient-nationality"]}]}`,
			"Patient.extension", "min", "2"},
		{"and keeps its own when it does", "Patient",
			`{"id":"Patient.extension","path":"Patient.extension","slicing":{"discriminator":[{"type":"value","path":"url"}],"rules":"open"}},
			 {"id":"Patient.extension:a","path":"Patient.extension","sliceName":"a","min":1,"type":[{"code":"Extension","profile":["http://hl7.org/fhir/StructureDefinition/patient-birthPlace"]}]}`,
			"Patient.extension", "min", "0"},
		{"extensions are sliced by url by default", "Patient",
			`{"id":"Patient.extension:a","path":"Patient.extension","sliceName":"a","type":[{"code":"Extension","profile":["http://hl7.org/fhir/StructureDefinition/patient-birthPlace"]}]}`,
			"Patient.extension", "slicing", `{"discriminator":[{"type":"value","path":"url"}],"rules":"open"}`},
		{"an extension slice takes its definition's max", "Patient",
			`{"id":"Patient.extension:a","path":"Patient.extension","sliceName":"a","type":[{"code":"Extension","profile":["http://hl7.org/fhir/StructureDefinition/patient-birthPlace"]}]}`,
			"Patient.extension:a", "max", `"1"`},
		{"unless the differential says otherwise", "Patient",
			`{"id":"Patient.extension:a","path":"Patient.extension","sliceName":"a","max":"0","type":[{"code":"Extension","profile":["http://hl7.org/fhir/StructureDefinition/patient-birthPlace"]}]}`,
			"Patient.extension:a", "max", `"0"`},
		{"a binding goes where no type can be bound", "Observation",
			`{"id":"Observation.value[x]:valueQuantity","path":"Observation.value[x]","sliceName":"valueQuantity","type":[{"code":"Quantity"}]},
			 {"id":"Observation.value[x]:valueBoolean","path":"Observation.value[x]","sliceName":"valueBoolean","type":[{"code":"boolean"}],
			  "binding":{"strength":"required","valueSet":"http://hl7.org/fhir/ValueSet/administrative-gender"}}`,
			"Observation.value[x]:valueBoolean", "binding", ""},
		{"a choice sliced by type without a slicing: closed when its slices cover its types", "Observation",
			`{"id":"Observation.effective[x]","path":"Observation.effective[x]","type":[{"code":"dateTime"}]},
			 {"id":"Observation.effective[x]:effectiveDateTime","path":"Observation.effective[x]","sliceName":"effectiveDateTime","type":[{"code":"dateTime"}]}`,
			"Observation.effective[x]", "slicing", `{"discriminator":[{"type":"type","path":"$this"}],"rules":"closed"}`},
		{"and narrowed to its slices' types when the differential does not type it", "Observation",
			`{"id":"Observation.valueBoolean:valueBoolean","path":"Observation.valueBoolean","sliceName":"valueBoolean","type":[{"code":"boolean"}]}`,
			"Observation.value[x]", "type", `[{"code":"boolean"}]`},
		{"a choice of several types has Element's children", "Observation",
			`{"id":"Observation.value[x].extension","path":"Observation.value[x].extension","max":"0"}`,
			"Observation.value[x].extension", "max", `"0"`},
		{"a reslice starts from its slice", "Patient",
			`{"id":"Patient.identifier","path":"Patient.identifier","slicing":{"discriminator":[{"type":"value","path":"system"}],"rules":"open"}},
			 {"id":"Patient.identifier:mrn","path":"Patient.identifier","sliceName":"mrn","slicing":{"discriminator":[{"type":"value","path":"use"}],"rules":"open"}},
			 {"id":"Patient.identifier:mrn.system","path":"Patient.identifier.system","fixedUri":"http://example.org/mrn"},
			 {"id":"Patient.identifier:mrn/old","path":"Patient.identifier","sliceName":"mrn/old"}`,
			"Patient.identifier:mrn/old.system", "fixedUri", `"http://example.org/mrn"`},
		{"Extension.url restated as uri", "Extension",
			`{"id":"Extension.url","path":"Extension.url","type":[{"code":"uri"}],"fixedUri":"http://example.org/x"}`,
			"Extension.url", "type", `[{"code":"uri"}]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			els := computeProfile(t, tc.base, tc.diff)
			e := els[tc.id]
			if e == nil {
				t.Fatalf("no element %s", tc.id)
			}
			got := e.Get(tc.prop).Raw
			if got != tc.want {
				t.Fatalf("%s.%s = %s, want %s", tc.id, tc.prop, got, tc.want)
			}
		})
	}
}
