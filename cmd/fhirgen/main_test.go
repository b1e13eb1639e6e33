package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelp(t *testing.T) {
	code, _, stderr := runCLI(t, "-h")
	if code != 0 || !strings.Contains(stderr, "generate") || !strings.Contains(stderr, "snapshot") {
		t.Fatalf("fhirgen -h: code %d\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t, "generate", "-h")
	if code != 0 || !strings.Contains(stderr, "-module") || !strings.Contains(stderr, "-all") {
		t.Fatalf("fhirgen generate -h: code %d\n%s", code, stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Chdir(t.TempDir()) // no project config to fall back on
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"generate", "-package", "hl7.fhir.r4.examples@4.0.1"},
		{"generate", "-out", "x", "-module", "m", "-type", "Patient"},
		{"generate", "-package", "p@1", "-out", "x", "-module", "m"},
		{"snapshot"},
		{"fetch"},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("fhirgen %q: exit %d, want 2", args, code)
		}
	}
	if code, _, stderr := runCLI(t, "fetch", "../evil@1"); code != 1 || !strings.Contains(stderr, "id and version") {
		t.Errorf("fetch with a bad name: exit %d: %s", code, stderr)
	}
}

// fhirgen snapshot prints the computed BrewedLog snapshot: 140 elements.
func TestSnapshotCommand(t *testing.T) {
	code, stdout, stderr := runCLI(t, "snapshot", "-config", "../../definitions/fhirgen.json",
		"http://fhir.org/guides/acme/hotbeverage/StructureDefinition/BrewedLog")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var sd struct {
		ResourceType string `json:"resourceType"`
		Snapshot     struct {
			Element []struct {
				ID string `json:"id"`
			} `json:"element"`
		} `json:"snapshot"`
		Differential json.RawMessage `json:"differential"`
	}
	if err := json.Unmarshal([]byte(stdout), &sd); err != nil {
		t.Fatal(err)
	}
	if sd.ResourceType != "StructureDefinition" || len(sd.Snapshot.Element) != 140 || len(sd.Differential) == 0 {
		t.Fatalf("got %s with %d snapshot elements", sd.ResourceType, len(sd.Snapshot.Element))
	}
	if sd.Snapshot.Element[139].ID != "AuditEvent.entity:data.detail.value[x]" {
		t.Errorf("last element %s", sd.Snapshot.Element[139].ID)
	}
}

// A failing generate exits non-zero, names file and element, and writes nothing.
func TestGenerateBadInput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gen")
	code, _, stderr := runCLI(t, "generate", "-package", "hl7.fhir.r4.examples@4.0.1",
		"-defs", "../../generator/testdata/bad-unknown-type/defs", "-out", out, "-module", "example.org/x",
		"-type", "http://hl7.org/fhir/StructureDefinition/Typo")
	if code != 1 || !strings.Contains(stderr, "StructureDefinition-Typo.json: Typo.thing: unknown type") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("output written on failure: %v", err)
	}
}

// generate through the CLI contract, then -check agrees with what it wrote.
func TestGenerateAndCheck(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gen")
	args := []string{"generate", "-package", "hl7.fhir.r4.examples@4.0.1", "-defs", "../../definitions/usersession",
		"-out", out, "-module", "example.org/x", "-type", "http://hl7.org/fhir/StructureDefinition/UserSession", "-type", "Patient"}
	if code, _, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, stderr)
	}
	for _, f := range []string{"go.mod", "r4/usersession.go", "r4/patient.go", "fhir/decimal.go"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if code, _, stderr := runCLI(t, append(args, "-check")...); code != 0 {
		t.Fatalf("check after generate: exit %d: %s", code, stderr)
	}
	os.WriteFile(filepath.Join(out, "r4", "patient.go"), []byte("// changed"), 0o644)
	if code, _, stderr := runCLI(t, append(args, "-check")...); code != 1 || !strings.Contains(stderr, "differs: r4/patient.go") {
		t.Fatalf("check after an edit: exit %d: %s", code, stderr)
	}
}

// In the project, the commands find its config by themselves: the exact
// command the project documents works from the module root and from a
// subdirectory, and snapshot takes a type name as well as a URL.
func TestProjectConfigFound(t *testing.T) {
	for _, dir := range []string{"../..", "../../generator"} {
		t.Run(dir, func(t *testing.T) {
			t.Chdir(dir)
			code, stdout, stderr := runCLI(t, "snapshot", "http://fhir.org/guides/acme/hotbeverage/StructureDefinition/BrewedLog")
			if code != 0 || !strings.Contains(stdout, `"id": "AuditEvent.agent:client"`) {
				t.Fatalf("snapshot BrewedLog: exit %d\n%s", code, stderr)
			}
			code, stdout, stderr = runCLI(t, "snapshot", "UserSession")
			if code != 0 || !strings.Contains(stdout, `"id": "UserSession.focus"`) {
				t.Fatalf("snapshot UserSession: exit %d\n%s", code, stderr)
			}
		})
	}
}

// A mistyped -type is answered with the type meant; -check outside this
// repository says how to regenerate with the command itself.
func TestHelpfulMessages(t *testing.T) {
	code, _, stderr := runCLI(t, "generate", "-package", "hl7.fhir.r4.examples@4.0.1", "-type", "Pateint", "-out", t.TempDir(), "-module", "example.com/x")
	if code != 1 || !strings.Contains(stderr, "did you mean Patient?") {
		t.Errorf("mistyped type: exit %d: %s", code, stderr)
	}
	out := t.TempDir()
	args := []string{"generate", "-package", "hl7.fhir.r4.examples@4.0.1", "-type", "Period", "-out", out, "-module", "example.com/x"}
	if code, _, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("generate: %s", stderr)
	}
	if err := os.WriteFile(filepath.Join(out, "r4", "period.go"), []byte("// Code generated by fhirgen. DO NOT EDIT.\n\npackage r4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, append(args, "-check")...)
	if code != 1 || !strings.Contains(stderr, "regenerate it: fhirgen generate -package hl7.fhir.r4.examples@4.0.1 -type Period") || strings.Contains(stderr, "make generate") {
		t.Errorf("-check: exit %d: %s", code, stderr)
	}
	code, stdout, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "fhirgen ") {
		t.Errorf("version: %d %q", code, stdout)
	}
}
