module github.com/fhirgen/fhirgen/generator/jsontest

go 1.26

require github.com/fhirgen/fhirgen/generated v0.0.0

replace github.com/fhirgen/fhirgen/generated => ../../generated
