package generator

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// The README's example program builds against the committed generated module
// and prints what its comments say.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "```go\npackage main")
	if start < 0 {
		t.Fatal("README has no example program")
	}
	src := text[start+len("```go\n"):]
	src = src[:strings.Index(src, "```")]
	gen, err := filepath.Abs("../generated")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.go"), []byte(src))
	writeFile(t, filepath.Join(dir, "go.mod"), []byte("module example.com/readme\n\ngo 1.24\n\nrequire github.com/fhirgen/fhirgen/generated v0.0.0\n\nreplace github.com/fhirgen/fhirgen/generated => "+gen+"\n"))
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, out)
	}
	var want []string
	for _, line := range strings.Split(src, "\n") {
		if i := strings.Index(line, "// "); i >= 0 && strings.Contains(line, "fmt.Println") {
			want = append(want, strings.TrimSpace(line[i+3:]))
		}
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("output:\n%s\nwant:\n%s", out, strings.Join(want, "\n"))
	}
}

// Every other Go snippet of the README type-checks against the committed
// generated module: each is the body of a function given data []byte and
// ae *r4.AuditEvent (a //go:generate line is checked for its command). Only
// "declared and not used" is forgiven: snippets show values, not uses.
func TestReadmeSnippetsCompile(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var funcs []string
	blocks := strings.Split(string(readme), "```go\n")[1:]
	for i, b := range blocks {
		src := b[:strings.Index(b, "```")]
		switch {
		case strings.HasPrefix(src, "package main"):
			continue // TestReadmeExample runs it
		case strings.Contains(src, "r4.Bundle"):
			continue // a user's module: TestUserModuleInModule compiles it there
		case strings.Contains(src, "aubase."):
			// the AU Base module: generator/conformance/ig/autest holds it
			// verbatim, and make ig-conformance builds and runs it
			autest, err := os.ReadFile("conformance/ig/autest/readme_test.go")
			if err != nil {
				t.Fatal(err)
			}
			indented := "\t" + strings.ReplaceAll(strings.TrimSuffix(src, "\n"), "\n", "\n\t") + "\n"
			if !strings.Contains(string(autest), indented) {
				t.Errorf("snippet %d is not in generator/conformance/ig/autest/readme_test.go:\n%s", i, src)
			}
			continue
		case strings.HasPrefix(src, "// Package"):
			if !strings.Contains(src, "//go:generate go tool fhirgen generate ") {
				t.Errorf("snippet %d: a package doc without the go:generate line", i)
			}
			continue
		}
		funcs = append(funcs, fmt.Sprintf("func snippet%d(data []byte, ae *r4.AuditEvent) {\n%s}\n", i, src))
	}
	if len(funcs) < 4 {
		t.Fatalf("found %d snippets", len(funcs))
	}
	gen, err := filepath.Abs("../generated")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := `package main

import (
	"encoding/xml"
	"errors"
	"fmt"
	"time"

	"github.com/fhirgen/fhirgen/generated/fhir"
	"github.com/fhirgen/fhirgen/generated/hotbeverage"
	"github.com/fhirgen/fhirgen/generated/r4"
	"github.com/fhirgen/fhirgen/generated/vhdir"
)

var _, _, _ = errors.New, fmt.Println, time.Now
var _ xml.Name
var _ fhir.Decimal
var _ = hotbeverage.NewBrewedLog
var _ = vhdir.UsageRestriction

func main() {}

` + strings.Join(funcs, "\n")
	writeFile(t, filepath.Join(dir, "main.go"), []byte(file))
	writeFile(t, filepath.Join(dir, "go.mod"), []byte("module example.com/readme\n\ngo 1.24\n\nrequire github.com/fhirgen/fhirgen/generated v0.0.0\n\nreplace github.com/fhirgen/fhirgen/generated => "+gen+"\n"))
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo, Dir: dir}, ".")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, p := range pkgs {
		for _, e := range p.Errors {
			if !strings.Contains(e.Msg, "declared and not used") {
				t.Errorf("%v", e)
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("nothing type-checked")
	}
}
