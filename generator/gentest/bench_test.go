package gentest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/r4"
)

// BenchmarkValidate measures Validate on the official R4 AuditEvent examples
// and on a UserSession (make bench prints it).
func BenchmarkValidate(b *testing.B) {
	for _, f := range readFiles(b, "testdata/corpus/AuditEvent-*.json") {
		res, err := r4.UnmarshalResource(f.data)
		if err != nil {
			b.Fatal(err)
		}
		ae := res.(*r4.AuditEvent)
		b.Run(filepath.Base(f.name), func(b *testing.B) {
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
