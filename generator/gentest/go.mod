module github.com/fhirgen/fhirgen/generator/gentest

go 1.26.8

require github.com/fhirgen/fhirgen/generated v0.0.0

replace github.com/fhirgen/fhirgen/generated => ../../generated

require github.com/fhirgen/fhirgen v0.0.0

require (
	github.com/dave/jennifer v1.7.1 // indirect
	github.com/tidwall/gjson v1.20.1 // indirect
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.2.0 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)

replace github.com/fhirgen/fhirgen => ../..
