module github.com/fhirgen/fhirgen/generated

go 1.24
