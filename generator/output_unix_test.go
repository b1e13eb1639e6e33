//go:build unix

package generator

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/fhirgen/fhirgen/generator/emit"
)

// An error while the new tree is built (here: a FIFO fhirgen cannot carry
// over) leaves the directory exactly as it was and nothing beside it.
func TestOutputErrorMidwayLeavesOldTree(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "gen")
	files := emit.Files{}
	for i := range 200 {
		writeFile(t, filepath.Join(out, "r4", fmt.Sprintf("f%03d.go", i)), genHeader)
		files[fmt.Sprintf("r4/f%03d.go", i)] = append(append([]byte(nil), genHeader...), "// new\n"...)
	}
	if err := syscall.Mkfifo(filepath.Join(out, "zz-fifo"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	before := snapshotDir(t, out)
	o, err := OpenOutput(out, false)
	if err != nil {
		t.Fatal(err)
	}
	err = o.Replace(files)
	o.Close()
	if err == nil {
		t.Fatal("a FIFO was carried over")
	}
	if snapshotDir(t, out) != before {
		t.Fatal("the failed replacement changed the directory")
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Fatalf("left beside the output: %v", entries)
	}
}
