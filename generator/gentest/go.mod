module github.com/fhirgen/fhirgen/generator/gentest

go 1.26

require github.com/fhirgen/fhirgen/generated v0.0.0

replace github.com/fhirgen/fhirgen/generated => ../../generated
