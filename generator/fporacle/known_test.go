package fporacle

import (
	"os"
	"path/filepath"
	"testing"
)

func TestKnownFilter(t *testing.T) {
	file := filepath.Join(t.TempDir(), "known.txt")
	os.WriteFile(file, []byte("# comment\nele-1\t*.div\ttrue/false\treason\n*\t*X.y[*\t*/none\treason\n"), 0o644)
	k, err := LoadKnown(file)
	if err != nil {
		t.Fatal(err)
	}
	tr, fa := int8(2), int8(1)
	ds := []Disagreement{
		{Location: "A.text.div", Key: "ele-1", Go: &tr, JS: &fa}, // listed
		{Location: "A.text.div", Key: "ele-1", Go: &fa, JS: &tr}, // results differ from the entry
		{Location: "A.text.div", Key: "txt-1", Go: &tr, JS: &fa}, // another key
		{Location: "B.X.y[2].z", Key: "dom-2", Go: &tr, JS: nil}, // any key, not evaluated by fhirpath.js
		{Location: "B.X.yz", Key: "dom-2", Go: &tr, JS: nil},     // the location does not match
	}
	unexplained, known := k.Filter(ds)
	if len(known) != 2 || len(unexplained) != 3 || known[0] != ds[0] || known[1] != ds[3] {
		t.Fatalf("known %v, unexplained %v", known, unexplained)
	}
	if u := k.Unused(); len(u) != 0 {
		t.Fatalf("unused %v", u)
	}
	os.WriteFile(file, []byte("ele-1\t*\ttrue/false\n"), 0o644)
	if _, err := LoadKnown(file); err == nil {
		t.Fatal("an entry without a reason was accepted")
	}
}
