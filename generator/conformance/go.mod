module github.com/fhirgen/fhirgen/generator/conformance

go 1.26.8

require (
	fhirgen.test/all v0.0.0
	fhirgen.test/allr4b v0.0.0
	fhirgen.test/allr5 v0.0.0
	github.com/fhirgen/fhirgen v0.0.0
)

require (
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.2.0 // indirect
)

replace (
	fhirgen.test/all => ./all
	fhirgen.test/allr4b => ./all-r4b
	fhirgen.test/allr5 => ./all-r5
	github.com/fhirgen/fhirgen => ../..
)

require (
	github.com/samply/golang-fhir-models/fhir-models v0.3.2
	github.com/tidwall/gjson v1.20.1
)
