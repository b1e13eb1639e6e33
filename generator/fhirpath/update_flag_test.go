package fhirpath

import "flag"

// The golden tests live in package generator; this package accepts their
// -update flag so that "go test ./generator/... -update" runs everywhere.
var _ = flag.Bool("update", false, "rewrite golden files (used by package generator)")
