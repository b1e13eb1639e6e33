package snapshot_test

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generator"
	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/fhirgen/fhirgen/generator/snapshot"
)

func generatorFor(t *testing.T) (*snapshot.Generator, *diag.Report) {
	t.Helper()
	cfg, err := generator.ReadConfig("../../definitions/fhirgen.json")
	if err != nil {
		t.Fatal(err)
	}
	set, err := cfg.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	report := &diag.Report{}
	return snapshot.New(set, report), report
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
