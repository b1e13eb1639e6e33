# fhirgen: FHIR definitions in, Go out. See README.md.
GO      ?= go
CONFIG  ?= definitions/fhirgen.json
FHIRGEN  = $(GO) run ./cmd/fhirgen

.PHONY: generate test check fetch vet all-r4

## generate: regenerate generated/ from definitions/ (fetches the pinned packages on first use)
generate:
	$(FHIRGEN) generate -config $(CONFIG)

## test: every test of both modules (the generator and the generated module)
test:
	$(GO) vet ./...
	$(GO) test ./...
	cd generated && $(GO) vet ./... && $(GO) test ./...

## check: fail when generated/ differs from what the generator produces now
check:
	$(FHIRGEN) generate -config $(CONFIG) -check

## fetch: download the pinned FHIR packages into the package cache
fetch:
	$(FHIRGEN) fetch -lock definitions/fhir-packages.lock.json hl7.fhir.r4.examples@4.0.1

## all-r4: generate every R4 resource and datatype into a scratch module and build it
all-r4:
	rm -rf /tmp/fhirgen-all-r4
	$(FHIRGEN) generate -package hl7.fhir.r4.examples@4.0.1 -all -out /tmp/fhirgen-all-r4 -module example.com/fhir/all
	cd /tmp/fhirgen-all-r4 && $(GO) build ./... && $(GO) vet ./...
