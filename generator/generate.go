package generator

import (
	"context"
	"errors"

	"github.com/fhirgen/fhirgen/generator/diag"
)

// Result summarizes a generation.
type Result struct {
	Files  int
	Types  int
	Report *diag.Report
}

// Generate runs the pipeline.
func Generate(ctx context.Context, cfg *Config) (*Result, error) {
	return nil, errors.New("not yet")
}
