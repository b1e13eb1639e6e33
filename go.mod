module github.com/fhirgen/fhirgen

go 1.24.0

require (
	github.com/dave/jennifer v1.7.1
	github.com/tidwall/gjson v1.20.1
	golang.org/x/mod v0.33.0
	golang.org/x/sys v0.41.0
	golang.org/x/tools v0.42.0
)

require (
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.2.0 // indirect
	golang.org/x/sync v0.19.0 // indirect
)

tool github.com/fhirgen/fhirgen/cmd/fhirgen
