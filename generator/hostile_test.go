package generator

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"go/scanner"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generator/diag"
)

// hostileSlot is a placeholder of testdata/hostile/defs: a field of a
// definition (or of the package's package.json) whose text reaches
// generated code.
type hostileSlot struct {
	name   string
	benign string
	// identifier slots name things (types, slices, keys, packages): a
	// hostile value may be refused, with an error naming the file.
	identifier bool
}

var hostileSlots = []hostileSlot{
	{"SHORT", "A short text.", false},
	{"DEF", "A definition.", false},
	{"COMMENT", "A comment.", false},
	{"REQ", "Requirements.", false},
	{"DESC", "A description.", false},
	{"TITLE", "A title", false},
	{"HUMAN", "Says what the rule means.", false},
	{"BINDDESC", "The kinds.", false},
	{"SLICINGDESC", "By value.", false},
	{"FIXED", "fixed value", false},
	{"DISPLAY", "A display", false},
	{"CSDEF", "A code's definition.", false},
	{"EXPR", "y", true}, // inside a FHIRPath string: a quote ends it
	{"VERSION", "1.0.0", false},
	{"PKGNAME", "example.hostile", false},
	{"PKGVERSION", "0.1.0", false},
	{"RNAME", "Hostile", true},
	{"PNAME", "HostileProfile", true},
	{"XNAME", "HostileExtension", true},
	{"VSNAME", "HostileKinds", true},
	{"CSNAME", "HostileCodes", true},
	{"TYPE", "Hostile", true},
	{"SLICE", "first", true},
	{"KEY", "hst-1", true},
	{"PKEY", "hstp-1", true},
	{"CODE", "weird", true},
	{"URLSEG", "acme", true},
}

// hostileStrings are what an attacker writes into definitions. Each is a
// raw string placed inside a JSON string (JSON-escaped), except invalid
// UTF-8, which goes into the file as raw bytes.
var hostileStrings = map[string]string{
	"newline":     "a\nfunc init() { pwned() }\n//go:generate pwned\nvar _ = pwned //",
	"cr":          "a\rfunc init() { pwned() }\r",
	"crlf":        "a\r\nfunc init() { pwned() }\r\n",
	"u2028":       "a\u2028func init() { pwned() }\u2029b",
	"nel":         "a\u0085func init() { pwned() }",
	"endcomment":  "*/ func init() { pwned() } /*",
	"backtick":    "`+pwned+`\"+pwned+\"\\",
	"directive":   "//go:generate pwned",
	"nul":         "a\x00pwned",
	"bidi":        "a\u202e func init() { pwned() } \u2066b",
	"invalidutf8": "a\xff\xfepwned",
	"long":        strings.Repeat("long text ", 10<<10) + "\nfunc init() { pwned() }",
}

// hostileRun generates from the fixture with the given values in place of
// the placeholders.
func hostileRun(t *testing.T, values map[string]string) (map[string][]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	entries, err := os.ReadDir("testdata/hostile/defs")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/hostile/defs", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range hostileSlots {
			v, ok := values[s.name]
			if !ok {
				v = s.benign
			}
			enc := []byte(v)
			if !strings.Contains(v, "\xff") {
				q, _ := json.Marshal(v)
				enc = q[1 : len(q)-1]
			}
			data = bytes.ReplaceAll(data, []byte("@@"+s.name+"@@"), enc)
		}
		if err := tw.WriteHeader(&tar.Header{Name: "package/" + e.Name(), Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	tw.Close()
	gz.Close()
	tgz := filepath.Join(t.TempDir(), "hostile.tgz")
	if err := os.WriteFile(tgz, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Packages: []string{"hl7.fhir.r4.examples@4.0.1"}, Defs: []string{tgz}, Module: "example.org/hostile",
		Types: []string{"http://example.org/fhir/StructureDefinition/Hostile", "http://example.org/fhir/StructureDefinition/hostile-ext"}}
	urlSeg := "acme"
	if u, ok := values["URLSEG"]; ok {
		urlSeg = strings.ToValidUTF8(u, "\uFFFD")
	}
	cfg.Types = append(cfg.Types, "http://example.org/"+urlSeg+"/StructureDefinition/HostileProfile")
	preload(t, cfg)
	files, _, err := Render(context.Background(), cfg, &diag.Report{})
	if err != nil {
		return nil, err
	}
	return files, nil
}

// codeShape is the sequence of token kinds of a Go file, comments left
// out: hostile text may change names and literals, never the structure.
func codeShape(t *testing.T, name string, src []byte) string {
	t.Helper()
	var s scanner.Scanner
	fset := token.NewFileSet()
	errs := 0
	s.Init(fset.AddFile(name, -1, len(src)), src, func(pos token.Position, msg string) { errs++; t.Errorf("%s: %s", pos, msg) }, 0)
	var b strings.Builder
	for {
		_, tok, _ := s.Scan()
		if tok == token.EOF {
			break
		}
		b.WriteString(tok.String())
		b.WriteByte(' ')
	}
	return b.String()
}

// noPayload fails when a hostile string's payload became code: the
// identifier pwned as a token, a func init, or text that displays as a line
// break or reorders what a reader sees.
func noPayload(t *testing.T, name string, src []byte) {
	t.Helper()
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile(name, -1, len(src)), src, nil, scanner.ScanComments)
	prev := token.ILLEGAL
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		switch {
		case tok == token.IDENT && lit == "pwned":
			t.Errorf("%s: hostile text became code at %s", name, fset.Position(pos))
		case tok == token.IDENT && lit == "init" && prev == token.FUNC:
			t.Errorf("%s: func init at %s", name, fset.Position(pos))
		case tok == token.COMMENT && strings.ContainsAny(lit, "\u2028\u2029\u0085\u202e\u2066\x00\r"):
			t.Errorf("%s: comment at %s holds a line separator or bidi control: %.80q", name, fset.Position(pos), lit)
		}
		prev = tok
	}
}

func moduleShape(t *testing.T, files map[string][]byte) ([]string, []string) {
	t.Helper()
	var shapes, other []string
	for name, src := range files {
		if !strings.HasSuffix(name, ".go") {
			if name == "go.mod" {
				other = append(other, string(src))
			}
			continue
		}
		shapes = append(shapes, codeShape(t, name, src))
		noPayload(t, name, src)
		lines := strings.Split(string(src), "\n")
		for i, line := range lines {
			l := strings.TrimSpace(line)
			// the templates' one directive: //go:noinline just above a func
			if l == "//go:noinline" && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "func ") {
				continue
			}
			if strings.HasPrefix(l, "//go:") || strings.HasPrefix(l, "//line ") || strings.HasPrefix(l, "/*line ") {
				t.Errorf("%s: directive %q", name, l)
			}
		}
	}
	sort.Strings(shapes)
	return shapes, other
}

// TestHostileText puts each hostile string into every field of a resource,
// a profile with a slice, an extension, a value set, a code system and
// their package.json that reaches generated code. Generation must either
// refuse with an error naming the file, or produce code of exactly the
// shape the benign definitions give (same token kinds, file by file; no
// directive). Free-text fields must never be refused.
func TestHostileText(t *testing.T) {
	base, err := hostileRun(t, nil)
	if err != nil {
		t.Fatalf("benign fixture: %v", err)
	}
	buildModule(t, base, "", "")
	wantShapes, wantOther := moduleShape(t, base)
	names := make([]string, 0, len(hostileStrings))
	for n := range hostileStrings {
		names = append(names, n)
	}
	sort.Strings(names)
	check := func(t *testing.T, files map[string][]byte) {
		shapes, other := moduleShape(t, files)
		if strings.Join(other, "") != strings.Join(wantOther, "") {
			t.Errorf("go.mod differs:\n%s", other)
		}
		if len(shapes) != len(wantShapes) {
			t.Fatalf("%d Go files, want %d", len(shapes), len(wantShapes))
		}
		for i := range shapes {
			if shapes[i] != wantShapes[i] {
				t.Fatalf("the code's shape changed: a file has tokens\n%.300s\nwhere the benign fixture has\n%.300s", shapes[i], wantShapes[i])
			}
		}
	}
	// The free-text fields all at once: never refused (except text that is
	// not UTF-8, which the loader refuses naming the file).
	for _, n := range names {
		t.Run("text/"+n, func(t *testing.T) {
			values := map[string]string{}
			for _, s := range hostileSlots {
				if !s.identifier {
					values[s.name] = hostileStrings[n]
				}
			}
			files, err := hostileRun(t, values)
			if n == "invalidutf8" {
				if err == nil || !strings.Contains(err.Error(), "UTF-8") {
					t.Fatalf("invalid UTF-8 accepted: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("free text refused: %v", err)
			}
			check(t, files)
			if n == "newline" {
				// the module builds, and its own test finds no directive,
				// init or foreign import
				buildModule(t, files, "", "")
				runModuleTest(t, files, "./fhir")
			}
		})
	}
	// The naming fields one by one: refused naming the file, or safe.
	for _, s := range hostileSlots {
		if !s.identifier {
			continue
		}
		for _, n := range names {
			t.Run(fmt.Sprintf("%s/%s", s.name, n), func(t *testing.T) {
				files, err := hostileRun(t, map[string]string{s.name: hostileStrings[n]})
				if err != nil {
					if !strings.Contains(err.Error(), "package/") || strings.ContainsAny(err.Error(), "\x00\u2028") {
						t.Fatalf("error does not name the file, or holds raw hostile text: %.500q", err)
					}
					return
				}
				check(t, files)
			})
		}
	}
}

// runModuleTest writes files to a temporary module and runs go test on a
// package of it.
func runModuleTest(t *testing.T, files map[string][]byte, pkg string) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), data)
	}
	cmd := exec.Command("go", "test", pkg)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test %s in the generated module: %v\n%s", pkg, err, out)
	}
}
