package generator

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
