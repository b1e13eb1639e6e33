package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generator"
	"github.com/fhirgen/fhirgen/generator/fhirpkg"
)

// userModule is a scratch module of a user's, outside this repository,
// that declares fhirgen as a tool (required through a replace to this
// checkout, as a published version would be).
type userModule struct {
	t   *testing.T
	dir string
}

func newUserModule(t *testing.T) *userModule {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a user's module with go generate")
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	u := &userModule{t: t, dir: filepath.Join(t.TempDir(), "app")}
	u.write("go.mod", "module example.com/app\n\ngo 1.24\n")
	u.run("go", "mod", "edit", "-require=github.com/fhirgen/fhirgen@v0.0.0", "-replace=github.com/fhirgen/fhirgen="+repo)
	// what go get -tool does for a published version (go get would look
	// the unpublished path up in the module proxy)
	u.run("go", "mod", "edit", "-tool=github.com/fhirgen/fhirgen/cmd/fhirgen")
	u.run("go", "mod", "tidy")
	return u
}

func (u *userModule) write(name, content string) {
	u.t.Helper()
	p := filepath.Join(u.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		u.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		u.t.Fatal(err)
	}
}

func (u *userModule) run(args ...string) string {
	u.t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = u.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		u.t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// exampleBundle is the path of an official R4 document Bundle holding a
// Patient, an Encounter, an Observation, a MedicationRequest and resources
// of types the user did not generate.
func exampleBundle(t *testing.T) string {
	t.Helper()
	cfg := &generator.Config{}
	cache, err := cfg.NewCache()
	if err != nil {
		t.Fatal(err)
	}
	ref := "hl7.fhir.r4.examples@4.0.1"
	r, err := fhirpkg.ParseRef(ref)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := cache.Ensure(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "Bundle-father.json")
}

const userTypes = " -type Patient -type Observation -type Bundle -type Encounter -type MedicationRequest"

// A user generates the types into a package of their own module with a
// //go:generate line, and builds, vets and runs a program that reads an
// official Bundle, edits it, validates it and writes it back, without
// touching go.mod by hand.
func TestUserModuleInModule(t *testing.T) {
	u := newUserModule(t)
	u.write("fhir/gen.go", "// Package fhir holds the FHIR types of the app.\npackage fhir\n\n"+
		"//go:generate go tool fhirgen generate -package hl7.fhir.r4.examples@4.0.1 -out ."+userTypes+"\n")
	main, err := os.ReadFile("testdata/userapp/main.go.txt")
	if err != nil {
		t.Fatal(err)
	}
	u.write("main.go", string(main))
	u.write("readme.go", readmeSnippet(t))
	u.run("go", "generate", "./...")
	if _, err := os.Stat(filepath.Join(u.dir, "fhir", "go.mod")); err == nil {
		t.Fatal("the packages were written as a module of their own")
	}
	u.checkProgram()
	// generating again, in place, keeps the user's files and still builds
	u.run("go", "generate", "./...")
	if _, err := os.Stat(filepath.Join(u.dir, "fhir", "gen.go")); err != nil {
		t.Fatalf("the package's own file is gone: %v", err)
	}
	u.checkProgram()
}

// The standalone mode: a module of its own, which the user's module
// requires (with a replace while it is not published).
func TestUserModuleStandalone(t *testing.T) {
	u := newUserModule(t)
	lib := filepath.Join(filepath.Dir(u.dir), "fhirlib")
	u.write("gen.go", "package main\n\n"+
		"//go:generate go tool fhirgen generate -package hl7.fhir.r4.examples@4.0.1 -out ../fhirlib -module example.com/fhirlib"+userTypes+"\n")
	main, err := os.ReadFile("testdata/userapp/main.go.txt")
	if err != nil {
		t.Fatal(err)
	}
	u.write("main.go", strings.ReplaceAll(string(main), "example.com/app/fhir/", "example.com/fhirlib/"))
	u.run("go", "generate", "./...")
	if _, err := os.Stat(filepath.Join(lib, "go.mod")); err != nil {
		t.Fatalf("no module written: %v", err)
	}
	u.run("go", "mod", "edit", "-require=example.com/fhirlib@v0.0.0", "-replace=example.com/fhirlib="+lib)
	u.checkProgram()
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = lib
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet in the standalone module: %v\n%s", err, out)
	}
}

// checkProgram builds, vets and runs the user's program on the Bundle, and
// checks that the user's go directive stayed where it was.
func (u *userModule) checkProgram() {
	u.t.Helper()
	u.run("go", "build", "./...")
	u.run("go", "vet", "./...")
	out := u.run("go", "run", ".", exampleBundle(u.t))
	for _, want := range []string{"patient ", "observation final", "encounter ", "medication request ", "kept as JSON: Composition",
		`"resourceType": "OperationOutcome"`, "written back: born 1970-03-01"} {
		if !strings.Contains(out, want) {
			u.t.Errorf("the program's output lacks %q:\n%s", want, out)
		}
	}
	gomod, err := os.ReadFile(filepath.Join(u.dir, "go.mod"))
	if err != nil {
		u.t.Fatal(err)
	}
	// go 1.24 or go 1.24.0 (the same release, the form fhirgen's
	// dependencies name): never a newer Go than the user chose
	if !strings.Contains(string(gomod), "\ngo 1.24\n") && !strings.Contains(string(gomod), "\ngo 1.24.0\n") {
		u.t.Errorf("the user's go directive moved:\n%s", gomod)
	}
}

// readmeSnippet is the README's example of the generated packages in a
// user's module, as a function of the user's program (so that go build
// checks it).
func readmeSnippet(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range strings.Split(string(readme), "```go\n")[1:] {
		src := b[:strings.Index(b, "```")]
		if strings.Contains(src, "r4.Bundle") {
			return "package main\n\nimport (\n\t\"time\"\n\n\t\"example.com/app/fhir/fhir\"\n\t\"example.com/app/fhir/r4\"\n)\n\n" +
				"func readmeExample() error {\n" + src + "\t_ = out\n\treturn err\n}\n"
		}
	}
	t.Fatal("the README has no example of a user's module")
	return ""
}
