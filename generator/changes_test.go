package generator

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Regenerating a module from a revised UserSession reports what changed for
// downstream code (renamed, retyped, newly required fields; codes dropped and
// added) in CHANGES.md, and the new module compiles.
func TestChangeReport(t *testing.T) {
	dir := filepath.Join("testdata", "usersession-revised")
	out := t.TempDir()
	generate := func(config string) *Result {
		cfg, err := ReadConfig(filepath.Join(dir, config))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Out = out
		res, err := Generate(context.Background(), cfg)
		if err != nil {
			t.Fatalf("%s: %v", config, err)
		}
		return res
	}
	if res := generate("before.json"); res.Changes != "" {
		t.Fatalf("a first generation reports changes: %s", res.Changes)
	}
	if _, err := os.Stat(filepath.Join(out, "CHANGES.md")); err == nil {
		t.Fatal("a first generation writes CHANGES.md")
	}
	res := generate("after.json")
	if !strings.Contains(res.Changes, "breaking") {
		t.Fatalf("summary %q", res.Changes)
	}
	got, err := os.ReadFile(filepath.Join(out, "CHANGES.md"))
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join(dir, "CHANGES.md")
	if *update {
		writeFile(t, golden, got)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("CHANGES.md differs from %s (refresh with -update):\n%s", golden, got)
	}
	// the same definitions again: nothing changed, and the report stays
	if res := generate("after.json"); res.Changes != "" {
		t.Errorf("regenerating the same definitions reports %q", res.Changes)
	}
	if again, _ := os.ReadFile(filepath.Join(out, "CHANGES.md")); !bytes.Equal(again, got) {
		t.Error("CHANGES.md changed on a regeneration that changed nothing")
	}
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = out
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the regenerated module: %v\n%s", err, msg)
	}
}
