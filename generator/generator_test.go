package generator

import (
	"bytes"
	"context"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/fhirgen/fhirgen/generator/emit"
	"golang.org/x/tools/go/packages"
)

const projectConfig = "../definitions/fhirgen.json"

func projectCfg(t *testing.T) *Config {
	t.Helper()
	cfg, err := ReadConfig(projectConfig)
	if err != nil {
		t.Fatal(err)
	}
	preload(t, cfg)
	return cfg
}

// The committed generated/ must be exactly what the generator writes now.
func TestCommittedGeneratedIsFresh(t *testing.T) {
	cfg := projectCfg(t)
	files, _, err := Render(context.Background(), cfg, &diag.Report{})
	if err != nil {
		t.Fatal(err)
	}
	diffs, err := Compare(cfg.OutDir(), files)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) > 0 {
		t.Fatalf("generated/ is stale (run make generate):\n%s", strings.Join(diffs, "\n"))
	}
}

// Same inputs, byte-identical output.
func TestDeterministic(t *testing.T) {
	var prev emit.Files
	for i := 0; i < 2; i++ {
		cfg := projectCfg(t)
		files, _, err := Render(context.Background(), cfg, &diag.Report{})
		if err != nil {
			t.Fatal(err)
		}
		if prev != nil {
			if len(prev) != len(files) {
				t.Fatalf("run %d wrote %d files, run 0 wrote %d", i, len(files), len(prev))
			}
			for name, data := range files {
				if !bytes.Equal(prev[name], data) {
					t.Fatalf("%s differs between two runs", name)
				}
			}
		}
		prev = files
	}
}

// Every generated Go file has the header, is gofmt-clean, and the module
// type-checks on its own.
func TestGeneratedModule(t *testing.T) {
	root := "../generated"
	var goFiles int
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		if strings.Contains(filepath.ToSlash(p), "/examples/") {
			return nil // hand-written programs
		}
		goFiles++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !bytes.HasPrefix(data, []byte("// "+emit.Header+"\n")) {
			t.Errorf("%s does not start with the generated-code header", p)
		}
		formatted, err := format.Source(data)
		if err != nil {
			t.Errorf("%s: %v", p, err)
		} else if !bytes.Equal(formatted, data) {
			t.Errorf("%s is not gofmt-clean", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if goFiles == 0 {
		t.Fatal("no generated Go files")
	}
	abs, _ := filepath.Abs(root)
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes | packages.NeedSyntax, Dir: abs, Tests: true}, "./...")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 3 {
		t.Fatalf("loaded %d packages from generated/, want r4, hotbeverage, vhdir and more", len(pkgs))
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			t.Errorf("%s: %v", p.PkgPath, e)
		}
	})
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = abs
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet in generated/: %v\n%s", err, out)
	}
}

// A failed generation leaves the output directory exactly as it was.
func TestFailedGenerationLeavesOutputUntouched(t *testing.T) {
	for _, c := range []string{"bad-unknown-type", "bad-widening", "bad-malformed-json", "bad-name-collision"} {
		t.Run(c, func(t *testing.T) {
			cfg, _ := readCase(t, filepath.Join("testdata", c))
			out := t.TempDir()
			cfg.Out = out
			writeFile(t, filepath.Join(out, "r4", "old.go"), []byte("// "+emit.Header+"\n\npackage r4\n"))
			writeFile(t, filepath.Join(out, "notes.txt"), []byte("mine"))
			before := snapshotDir(t, out)
			if _, err := Generate(context.Background(), cfg); err == nil {
				t.Fatal("generation succeeded on bad input")
			}
			if after := snapshotDir(t, out); after != before {
				t.Fatalf("output changed:\nbefore %s\nafter  %s", before, after)
			}
			entries, _ := os.ReadDir(filepath.Dir(out))
			for _, e := range entries {
				if strings.Contains(e.Name(), ".fhirgen-") || strings.Contains(e.Name(), ".new-") {
					t.Fatalf("left a temporary directory behind: %s", e.Name())
				}
			}
		})
	}
}

func snapshotDir(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		var data []byte
		if d.Type().IsRegular() {
			data, _ = os.ReadFile(p)
		}
		rel, _ := filepath.Rel(dir, p)
		b.WriteString(rel + "=" + string(data) + ";")
		return nil
	})
	return b.String()
}

// A successful generation keeps files fhirgen does not own and drops the
// generated files it no longer writes.
func TestWriteAtomicCarriesOverForeignFiles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gen")
	writeFile(t, filepath.Join(out, "examples", "main.go"), []byte("package main\n"))
	writeFile(t, filepath.Join(out, "r4", "gone.go"), []byte("// "+emit.Header+"\n\npackage r4\n"))
	writeFile(t, filepath.Join(out, "r4", "keep.go"), []byte("// "+emit.Header+"\n\npackage r4\n"))
	replace(t, out, emit.Files{"r4/keep.go": []byte("new")})
	if data, _ := os.ReadFile(filepath.Join(out, "examples", "main.go")); string(data) != "package main\n" {
		t.Fatalf("hand-written file not carried over: %q", data)
	}
	if _, err := os.Stat(filepath.Join(out, "r4", "gone.go")); !os.IsNotExist(err) {
		t.Fatalf("stale generated file kept: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(out, "r4", "keep.go")); string(data) != "new" {
		t.Fatalf("generated file not replaced: %q", data)
	}
}

// -all over R4 writes a module that compiles and vets.
func TestGenerateAllR4Compiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds all of R4; run without -short")
	}
	cfg := &Config{Packages: []string{"hl7.fhir.r4.examples@4.0.1"}, Out: filepath.Join(t.TempDir(), "all"), Module: "example.com/fhir/all", All: true, Invariants: "report"}
	preload(t, cfg)
	res, err := Generate(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	resources := 0
	for _, p := range res.Module.Packages {
		for _, ty := range p.Types {
			if ty.Kind.String() == "resource" {
				resources++
			}
		}
	}
	// R4 defines 146 concrete resources (plus Resource and DomainResource).
	if resources != 146 {
		t.Errorf("generated %d resources, want 146", resources)
	}
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = cfg.Out
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet on all of R4: %v\n%s", err, out)
	}
}

// replace writes files to dir as a generation does.
func replace(t *testing.T, dir string, files emit.Files) {
	t.Helper()
	o, err := OpenOutput(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if err := o.Replace(files); err != nil {
		t.Fatal(err)
	}
}
