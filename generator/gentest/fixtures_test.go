// Package gentest tests the committed generated module as a user would: the
// FHIR JSON codec (golden fixtures for the mission types, one valid and one
// invalid instance for every rule, fuzz targets), the validators, and the
// fhir-validate command.
package gentest

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/fhir"
	"github.com/fhirgen/fhirgen/generated/r4"
)

var update = flag.Bool("update", false, "rewrite the expected outputs of the fixtures")

// jsonEqual compares two documents as JSON values, numbers by their text.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	return reflect.DeepEqual(parse(t, a), parse(t, b))
}

func parse(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

// Each fixture either decodes, re-encodes JSON-equal to itself and matches
// its .out.json (the canonical compact form), or fails with exactly the
// problems in its .errors.txt.
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/fixtures/*.json")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".out.json") {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			stem := strings.TrimSuffix(f, ".json")
			res, derr := r4.UnmarshalResource(data)
			errFile := stem + ".errors.txt"
			if _, statErr := os.Stat(errFile); statErr == nil || (*update && derr != nil) {
				if derr == nil {
					t.Fatal("decoded; want errors")
				}
				var list fhir.JSONErrors
				if !errors.As(derr, &list) {
					t.Fatalf("error %T is not a fhir.JSONErrors", derr)
				}
				var b strings.Builder
				for _, e := range list {
					b.WriteString(e.Error() + "\n")
				}
				check(t, errFile, []byte(b.String()))
				return
			}
			if derr != nil {
				t.Fatalf("decode: %v", derr)
			}
			out, err := r4.MarshalResource(res)
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(t, data, out) {
				t.Errorf("round trip is not JSON-equal to the input:\n%s", out)
			}
			check(t, stem+".out.json", append(out, '\n'))
			indented, err := r4.MarshalResourceIndent(res, "", "  ")
			if err != nil || !jsonEqual(t, data, indented) || !bytes.Contains(indented, []byte("\n  ")) {
				t.Errorf("indented form: %v\n%s", err, indented)
			}
		})
	}
	if n < 6 {
		t.Fatalf("only %d fixtures", n)
	}
}

func check(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs:\n got: %s\nwant: %s", file, got, want)
	}
}

// The CI-build AuditEvent (neither R4 nor R5) is rejected, naming the R5
// properties it uses.
func TestSeedCIBuildRejected(t *testing.T) {
	data, err := os.ReadFile("testdata/fixtures/seed-001-ci-build-logout.json")
	if err != nil {
		t.Fatal(err)
	}
	_, derr := r4.UnmarshalResource(data)
	var list fhir.JSONErrors
	if !errors.As(derr, &list) {
		t.Fatalf("err = %v", derr)
	}
	want := map[string]bool{
		"AuditEvent.outcome":                false,
		"AuditEvent.agent[0].networkString": false,
		"AuditEvent.agent[1].networkString": false,
	}
	for _, e := range list {
		if _, ok := want[e.Path]; ok {
			want[e.Path] = true
		}
		if e.Offset <= 0 || e.Offset >= len(data) {
			t.Errorf("%v: offset out of the document", e)
		}
	}
	for p, seen := range want {
		if !seen {
			t.Errorf("no problem reported at %s; got:\n%v", p, derr)
		}
	}
	if !strings.Contains(derr.Error(), "networkString") || !strings.Contains(derr.Error(), "outcome") {
		t.Errorf("message does not name networkString and outcome: %v", derr)
	}
}

// Decoded values are what the JSON said: typed codes, exact decimals,
// primitive extensions, null-aligned arrays, raw resources of types not
// generated.
func TestDecodedValues(t *testing.T) {
	data, err := os.ReadFile("testdata/fixtures/usersession.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := r4.UnmarshalResource(data)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := res.(*r4.UserSession)
	if !ok {
		t.Fatalf("got %T", res)
	}
	if v := s.GetStatus().GetValue(); v.GetValue() != r4.UserSessionStatusValueActive || v.GetID() != "sv" || len(v.GetExtension()) != 1 {
		t.Errorf("status.value = %+v", v)
	}
	if s.GetStatus().GetSource().GetValue() != r4.UserSessionStatusSourceUser {
		t.Error("status.source")
	}
	raw, ok := s.Contained[0].(*r4.RawResource)
	if !ok || raw.ResourceType() != "Patient" || !bytes.Contains(raw.JSON, []byte(`"Chalmers"`)) {
		t.Errorf("contained[0] = %#v", s.Contained[0])
	}
	if got := s.Focus[1].GetReference(); got.GetValue() != "Encounter/e1" || len(got.GetExtension()) != 1 {
		t.Errorf("focus[1].reference = %+v", got)
	}
	if !strings.Contains(s.GetText().GetDiv().GetValue(), "<b>Adams</b> &amp;") {
		t.Errorf("div = %q", s.GetText().GetDiv().GetValue())
	}

	data, err = os.ReadFile("testdata/fixtures/auditevent-primitive-extensions.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err = r4.UnmarshalResource(data)
	if err != nil {
		t.Fatal(err)
	}
	ae := res.(*r4.AuditEvent)
	pol := ae.Agent[0].Policy
	if len(pol) != 3 || pol[1].Value != nil || len(pol[1].Extension) != 1 || pol[2].GetID() != "p3" || pol[0].GetValue() != "http://consent.example.org/policy-1" {
		t.Errorf("policy = %+v", pol)
	}
	if ae.GetAction().GetValue() != r4.AuditEventActionR || len(ae.GetAction().GetExtension()) != 1 {
		t.Errorf("action = %+v", ae.Action)
	}
	d2 := ae.Entity[0].Detail[2]
	ext := d2.GetValueString().GetExtension()
	if d2.GetValueString().HasValue() || len(ext) != 1 {
		t.Fatalf("detail[2] = %+v", d2)
	}
	if dec := ext[0].Value.(*r4.Decimal).GetValue(); dec != "1.50" {
		t.Errorf("decimal kept as %q, want 1.50", dec)
	}
}

// The generated types are json.Marshaler and json.Unmarshaler, so that
// encoding/json uses the generated code.
func TestEncodingJSONUsesGeneratedCode(t *testing.T) {
	var _ json.Marshaler = (*r4.AuditEvent)(nil)
	var _ json.Unmarshaler = (*r4.AuditEvent)(nil)
	var ae r4.AuditEvent
	err := json.Unmarshal([]byte(`{"resourceType":"AuditEvent","action":"E","unknown":1}`), &ae)
	var list fhir.JSONErrors
	if !errors.As(err, &list) || list[0].Path != "AuditEvent.unknown" {
		t.Fatalf("err = %v", err)
	}
	if err := json.Unmarshal([]byte(`{"resourceType":"AuditEvent","action":"E"}`), &ae); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(&ae)
	if err != nil || string(out) != `{"resourceType":"AuditEvent","action":"E"}` {
		t.Fatalf("json.Marshal = %s, %v", out, err)
	}
	var c r4.Coding
	if err := json.Unmarshal([]byte(`{"system":"s","code":"c","userSelected":true}`), &c); err != nil || !c.GetUserSelected().GetValue() {
		t.Fatalf("Coding: %v %+v", err, c)
	}
}
