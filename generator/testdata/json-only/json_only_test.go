package r4

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
)

// A module generated with formats ["json"] has no XML code: no _xml.go
// files, no internal/fhirxml; and it reads and writes JSON as ever.
func TestJSONOnly(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), "_xml.go") || e.Name() == "xml.go" {
			t.Errorf("%s: XML code in a JSON-only module", e.Name())
		}
	}
	if _, err := os.Stat("../internal/fhirxml"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("internal/fhirxml: %v; want none", err)
	}
	in := `{"resourceType":"Chooser","valueString":"x"}`
	r, err := UnmarshalResource([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := MarshalResource(r); err != nil || string(out) != in {
		t.Errorf("written back as %s (%v)", out, err)
	}
}
