package gentest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fhirgen/fhirgen/generated/r4"
)

// testFile is a file of testdata, read.
type testFile struct {
	name string // its path
	data []byte
}

// readFiles reads the files matching pattern (at least one, or tb fails).
func readFiles(tb testing.TB, pattern string) []testFile {
	tb.Helper()
	paths, _ := filepath.Glob(pattern)
	if len(paths) == 0 {
		tb.Fatalf("no file matches %s", pattern)
	}
	files := make([]testFile, len(paths))
	for i, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		files[i] = testFile{p, data}
	}
	return files
}

// seedCorpus adds the fixtures (the seed examples among them) and the
// official AuditEvent and OperationOutcome examples.
func seedCorpus(f *testing.F) {
	for _, pattern := range []string{"testdata/fixtures/*.json", "testdata/corpus/*.json"} {
		for _, file := range readFiles(f, pattern) {
			f.Add(file.data)
		}
	}
	for _, s := range []string{`{"resourceType":"AuditEvent","_action":{}}`, `{"resourceType":"UserSession","focus":[{"reference":"a","_reference":null}]}`,
		`{"resourceType":"AuditEvent","contained":[{"resourceType":"Patient","contained":[{"resourceType":"Basic"}]}]}`, `[`, `{"a":`, `"\ud800"`} {
		f.Add([]byte(s))
	}
}

// FuzzUnmarshalResource: no input panics or hangs; errors are errors; and
// whatever decodes validates without panicking.
func FuzzUnmarshalResource(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := r4.UnmarshalResource(data)
		if err == nil && res == nil {
			t.Fatal("nil resource without an error")
		}
		if v, ok := res.(interface{ ValidateIssues() r4.Issues }); ok && err == nil {
			issues := v.ValidateIssues()
			if err := issues.ToOperationOutcome().Validate(); err != nil {
				t.Fatalf("the OperationOutcome of the issues is invalid: %v", err)
			}
		}
	})
}

// FuzzRoundTrip: whatever decodes re-encodes to JSON equal to the input, and
// encoding is stable.
func FuzzRoundTrip(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := r4.UnmarshalResource(data)
		if err != nil {
			return
		}
		out, err := r4.MarshalResource(res)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		if !reflect.DeepEqual(fuzzParse(t, data), fuzzParse(t, out)) {
			t.Fatalf("round trip changed the document:\n in: %s\nout: %s", data, out)
		}
		again, err := r4.UnmarshalResource(out)
		if err != nil {
			t.Fatalf("our own output does not decode: %v\n%s", err, out)
		}
		out2, _ := r4.MarshalResource(again)
		if !bytes.Equal(out, out2) {
			t.Fatalf("encoding is not stable:\n%s\n%s", out, out2)
		}
	})
}

func fuzzParse(t *testing.T, b []byte) any {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("not JSON (%v): %s", err, b)
	}
	return v
}
