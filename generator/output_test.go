package generator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generator/emit"
)

var genHeader = []byte("// " + emit.Header + "\n\npackage r4\n")

func newModFile(module string) []byte {
	return []byte("// " + emit.Header + "\n\nmodule " + module + "\n\ngo 1.24\n")
}

// A go.mod fhirgen did not write means the directory is another module:
// refused, and nothing changes, unless forced.
func TestOutputRefusesForeignModule(t *testing.T) {
	out := filepath.Join(t.TempDir(), "app")
	writeFile(t, filepath.Join(out, "go.mod"), []byte("module example.com/app\n\ngo 1.24\nrequire example.com/x v1.0.0\n"))
	writeFile(t, filepath.Join(out, "main.go"), []byte("package main\n"))
	before := snapshotDir(t, out)
	o, err := OpenOutput(out, false)
	if err != nil {
		t.Fatal(err)
	}
	err = o.Replace(emit.Files{"go.mod": newModFile("example.com/app"), "r4/a.go": genHeader})
	o.Close()
	if err == nil || !strings.Contains(err.Error(), "did not write") {
		t.Fatalf("foreign go.mod replaced: %v", err)
	}
	if snapshotDir(t, out) != before {
		t.Fatal("a refused generation changed the directory")
	}
	o, err = OpenOutput(out, true)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if err := o.Replace(emit.Files{"go.mod": newModFile("example.com/app"), "r4/a.go": genHeader}); err != nil {
		t.Fatalf("forced: %v", err)
	}
}

// The go.mod fhirgen wrote before it had a header is its own.
func TestOutputAcceptsItsOldGoMod(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gen")
	writeFile(t, filepath.Join(out, "go.mod"), []byte("module example.com/gen\n\ngo 1.24\n"))
	replace(t, out, emit.Files{"go.mod": newModFile("example.com/gen")})
}

// The current module's root, or a directory above it, is never the output
// (unless forced): fhirgen would replace the project's own files.
func TestOutputRefusesCurrentModule(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "proj", "go.mod"), []byte("module example.com/proj\n"))
	writeFile(t, filepath.Join(root, "proj", "sub", "x.go"), []byte("package sub\n"))
	t.Chdir(filepath.Join(root, "proj", "sub"))
	for _, out := range []string{"..", "../..", root} {
		if o, err := OpenOutput(out, false); err == nil {
			o.Close()
			t.Errorf("-out %s (the module or above it) accepted", out)
		}
	}
	// a directory inside the module is fine, given relatively
	replace(t, "gen", emit.Files{"r4/a.go": genHeader})
	if _, err := os.Stat(filepath.Join(root, "proj", "sub", "gen", "r4", "a.go")); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir("."); len(entries) != 2 {
		t.Errorf("something was left beside the output: %v", entries)
	}
}

// -out . works: the tree is staged beside the directory, never inside it.
func TestOutputDot(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pkg")
	writeFile(t, filepath.Join(dir, "gen.go"), []byte("package pkg\n\n//go:generate fhirgen ...\n"))
	t.Chdir(dir)
	replace(t, ".", emit.Files{"r4/a.go": genHeader, "go.mod": newModFile("example.com/pkg")})
	replace(t, ".", emit.Files{"r4/b.go": genHeader, "go.mod": newModFile("example.com/pkg")})
	got := snapshotDir(t, dir)
	if got != snapshotDir(t, dir) || !strings.Contains(got, "gen.go=") || !strings.Contains(got, "r4/b.go=") || strings.Contains(got, "r4/a.go=") {
		t.Fatalf("tree after two generations into .: %s", got)
	}
}

// Nested modules, hidden and underscore directories and testdata are kept
// whole: a file there carrying fhirgen's header is not fhirgen's to remove.
func TestOutputKeepsNestedModules(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gen")
	writeFile(t, filepath.Join(out, "tools", "go.mod"), []byte("module example.com/tools\n"))
	writeFile(t, filepath.Join(out, "tools", "r4", "x.go"), genHeader)
	writeFile(t, filepath.Join(out, ".cache", "x.go"), genHeader)
	writeFile(t, filepath.Join(out, "testdata", "golden", "x.go"), genHeader)
	writeFile(t, filepath.Join(out, "r4", "stale.go"), genHeader)
	if err := os.Symlink("tools/go.mod", filepath.Join(out, "link")); err != nil {
		t.Fatal(err)
	}
	replace(t, out, emit.Files{"r4/a.go": genHeader})
	for _, keep := range []string{"tools/go.mod", "tools/r4/x.go", ".cache/x.go", "testdata/golden/x.go", "r4/a.go"} {
		if _, err := os.Stat(filepath.Join(out, keep)); err != nil {
			t.Errorf("%s: %v", keep, err)
		}
	}
	if l, err := os.Readlink(filepath.Join(out, "link")); err != nil || l != "tools/go.mod" {
		t.Errorf("link not carried over: %q %v", l, err)
	}
	if _, err := os.Stat(filepath.Join(out, "r4", "stale.go")); !os.IsNotExist(err) {
		t.Errorf("stale generated file kept: %v", err)
	}
}

// What a killed generation left beside the directory goes: a staged tree
// is removed; a tree moved aside by the two-rename exchange while the
// directory is missing is put back.
func TestOutputRecoversInterruptedRuns(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "gen")
	writeFile(t, filepath.Join(parent, ".gen.fhirgen-new-123", "r4", "half.go"), genHeader)
	writeFile(t, filepath.Join(parent, ".gen.new-456", "x.go"), genHeader) // fhirgen's earlier staging
	writeFile(t, filepath.Join(parent, ".gen.fhirgen-old-789", "r4", "old.go"), genHeader)
	writeFile(t, filepath.Join(parent, ".gen.fhirgen-old-789", "notes.txt"), []byte("mine"))
	o, err := OpenOutput(out, false)
	if err != nil {
		t.Fatal(err)
	}
	o.Close()
	if data, err := os.ReadFile(filepath.Join(out, "notes.txt")); err != nil || string(data) != "mine" {
		t.Fatalf("the old tree was not put back: %v", err)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Fatalf("left beside the output: %v", entries)
	}
	// the two-rename exchange itself
	stage := filepath.Join(parent, "stage")
	writeFile(t, filepath.Join(stage, "new.txt"), []byte("new"))
	if err := renameExchange(stage, out, filepath.Join(parent, "aside")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "new.txt")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(stage, "notes.txt")); err != nil {
		t.Fatalf("the old tree is not where the caller removes it: %v", err)
	}
}
