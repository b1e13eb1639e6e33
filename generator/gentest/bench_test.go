package gentest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/r4"
)

// BenchmarkValidate measures Validate on the official R4 AuditEvent examples
// and on a UserSession (make bench prints it).
func BenchmarkValidate(b *testing.B) {
	files, _ := filepath.Glob("testdata/corpus/AuditEvent-*.json")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		res, err := r4.UnmarshalResource(data)
		if err != nil {
			b.Fatal(err)
		}
		ae := res.(*r4.AuditEvent)
		b.Run(filepath.Base(f), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				ae.Validate()
			}
		})
	}
	res, err := r4.UnmarshalResource([]byte(strings.Replace(strings.Replace(validSession, `"contained":[{"resourceType":"Patient","id":"p1"}],`, ``, 1), `"#p1"`, `"Patient/p1"`, 1)))
	if err != nil {
		b.Fatal(err)
	}
	s := res.(*r4.UserSession)
	b.Run("UserSession", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			s.Validate()
		}
	})
}
