package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/fhirgen/fhirgen/generator/load"
	"github.com/fhirgen/fhirgen/generator/snapshot"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// A golden case is a folder under testdata/ holding:
//
//	fhirgen.json   the generator config (paths relative to the folder)
//	defs/          the case's definitions
//	case.json      what to check: {"pin": [globs of generated files], "snapshots": [urls], "build": bool,
//	               "test": a _test.go file of the folder, run in the generated r4 package}
//	expected/      the pinned generated files, snapshots/<id>.json, warnings.txt
//	error.txt      for a case that must fail: the expected error message
type goldenCase struct {
	Pin       []string `json:"pin"`
	Snapshots []string `json:"snapshots"`
	Build     bool     `json:"build"`
	// Test names a Go test file of the case folder, copied into the
	// generated r4 package and run there (with build).
	Test string `json:"test"`
}

var (
	preloadMu sync.Mutex
	preloaded = map[string]*load.Set{}
)

// preload reads the config's packages once per test binary.
func preload(t *testing.T, cfg *Config) {
	t.Helper()
	if len(cfg.Packages) == 0 {
		return
	}
	key := strings.Join(cfg.Packages, ",")
	preloadMu.Lock()
	defer preloadMu.Unlock()
	set, ok := preloaded[key]
	if !ok {
		pkgOnly := *cfg
		pkgOnly.Defs = nil
		var err error
		set, err = pkgOnly.Load(context.Background())
		if err != nil {
			t.Fatalf("loading packages: %v", err)
		}
		preloaded[key] = set
	}
	cfg.Preloaded = set
}

func readCase(t *testing.T, dir string) (*Config, goldenCase) {
	t.Helper()
	cfg, err := ReadConfig(filepath.Join(dir, "fhirgen.json"))
	if err != nil {
		t.Fatal(err)
	}
	var gc goldenCase
	if data, err := os.ReadFile(filepath.Join(dir, "case.json")); err == nil {
		if err := json.Unmarshal(data, &gc); err != nil {
			t.Fatalf("case.json: %v", err)
		}
	}
	preload(t, cfg)
	return cfg, gc
}

func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/*/fhirgen.json")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, cf := range dirs {
		dir := filepath.Dir(cf)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cfg, gc := readCase(t, dir)
			report := &diag.Report{}
			files, _, err := Render(context.Background(), cfg, report)
			errFile := filepath.Join(dir, "error.txt")
			if want, readErr := os.ReadFile(errFile); readErr == nil || (*update && err != nil) {
				if err == nil {
					t.Fatalf("generation succeeded; want error %q", strings.TrimSpace(string(want)))
				}
				got := err.Error() + "\n"
				if *update {
					writeFile(t, errFile, []byte(got))
					return
				}
				if got != string(want) {
					t.Fatalf("error:\n got %s\nwant %s", got, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("generation failed: %v", err)
			}
			expected := filepath.Join(dir, "expected")
			got := map[string][]byte{}
			for _, name := range files.Names() {
				for _, pat := range gc.Pin {
					if ok, _ := path.Match(pat, name); ok {
						got[name] = files[name]
					}
				}
			}
			for _, pat := range gc.Pin {
				matched := false
				for name := range got {
					if ok, _ := path.Match(pat, name); ok {
						matched = true
					}
				}
				if !matched {
					t.Errorf("pin %q matches no generated file", pat)
				}
			}
			gen := snapshot.New(mustLoad(t, cfg), &diag.Report{})
			for _, url := range gc.Snapshots {
				d, err := gen.Lookup(url, "case.json", "")
				if err != nil {
					t.Fatalf("snapshot %s: %v", url, err)
				}
				raw, err := json.Marshal(d)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := json.Indent(&buf, raw, "", "  "); err != nil {
					t.Fatal(err)
				}
				buf.WriteByte('\n')
				got["snapshots/"+d.Res.ID+".json"] = buf.Bytes()
			}
			var warnings strings.Builder
			for _, w := range report.Sorted() {
				warnings.WriteString(w.Error() + "\n")
			}
			got["warnings.txt"] = []byte(warnings.String())
			if *update {
				os.RemoveAll(expected)
				for name, data := range got {
					writeFile(t, filepath.Join(expected, filepath.FromSlash(name)), data)
				}
			}
			compareTree(t, expected, got)
			if gc.Build {
				buildModule(t, files, gc.Test, dir)
			}
		})
	}
}

func mustLoad(t *testing.T, cfg *Config) *load.Set {
	t.Helper()
	set, err := cfg.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// compareTree checks that dir holds exactly the files in got.
func compareTree(t *testing.T, dir string, got map[string][]byte) {
	t.Helper()
	var names []string
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		want, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(n)))
		if err != nil {
			t.Errorf("%s: no golden file (run go test ./generator/... -update): %v", n, err)
			continue
		}
		if !bytes.Equal(want, got[n]) {
			t.Errorf("%s differs from the golden file (run go test ./generator/... -update and review the diff):\n%s", n, firstDiff(want, got[n]))
		}
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if _, ok := got[filepath.ToSlash(rel)]; !ok {
			t.Errorf("golden file %s is no longer produced", rel)
		}
		return nil
	})
}

func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return "(no line differs)"
}

// buildModule writes files to a temporary module and runs go vet on it
// (which type-checks and builds every package), then the case's test file,
// if any, in the r4 package.
func buildModule(t *testing.T, files map[string][]byte, test, caseDir string) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), data)
	}
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet on the generated module: %v\n%s", err, out)
	}
	if test == "" {
		return
	}
	data, err := os.ReadFile(filepath.Join(caseDir, test))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "r4", test), data)
	cmd = exec.Command("go", "test", "./r4")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the case's %s in the generated module: %v\n%s", test, err, out)
	}
}
