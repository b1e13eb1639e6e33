# fhirgen: FHIR definitions in, Go out. See README.md.
GO      ?= go
CONFIG  ?= definitions/fhirgen.json
FHIRGEN  = $(GO) run ./cmd/fhirgen

CONFORMANCE = generator/conformance
R4       = hl7.fhir.r4.examples@4.0.1

.PHONY: generate test check fetch all-r4 conformance all-module bench

## generate: regenerate generated/ from definitions/ (fetches the pinned packages on first use)
generate:
	$(FHIRGEN) generate -config $(CONFIG)

## test: every test of both modules (the generator and the generated module),
## the JSON codec tests, and the R4 round-trip conformance run
test:
	$(GO) vet ./...
	$(GO) test ./...
	cd generated && $(GO) vet ./... && $(GO) test ./... && $(GO) run ./examples/brewedlog > /dev/null
	cd generator/gentest && $(GO) vet ./... && $(GO) test ./...
	$(MAKE) conformance

## check: fail when generated/ differs from what the generator produces now
check:
	$(FHIRGEN) generate -config $(CONFIG) -check

## fetch: download the pinned FHIR packages into the package cache
fetch:
	$(FHIRGEN) fetch -lock definitions/fhir-packages.lock.json hl7.fhir.r4.examples@4.0.1

## all-module: generate all of R4 into generator/conformance/all (used by conformance and bench)
all-module:
	rm -rf $(CONFORMANCE)/all
	$(FHIRGEN) generate -package $(R4) -all -invariants report -out $(CONFORMANCE)/all -module fhirgen.test/all

## conformance: round-trip every JSON resource of the R4 package through all of R4, generated,
## then compare every compiled invariant on every element with fhirpath.js (npm, pinned)
conformance: all-module
	cd $(CONFORMANCE) && $(GO) vet ./... && $(GO) run . -package $(R4) -known known-failures-r4.txt -oracle ../fporacle/js

## bench: the time to generate all of R4 (all-module prints it), decode/encode throughput and allocations against encoding/json, json.Valid and samply,
## validation time and allocations for the R4 AuditEvent examples and a UserSession, and the
## cost of the compiled invariants: the same definitions generated with -invariants off into
## another module, both validated in one process (ratios)
bench: all-module
	cd $(CONFORMANCE) && $(GO) run ./cmd/bench -package $(R4)
	cd generator/gentest && $(GO) test -run '^$$' -bench Validate -benchmem .
	rm -rf /tmp/fhirgen-noinv && $(FHIRGEN) generate -config $(CONFIG) -invariants off -out /tmp/fhirgen-noinv -module fhirgen.bench/noinv > /dev/null
	cd generator/gentest && (cat go.mod; printf '\nrequire fhirgen.bench/noinv v0.0.0\n\nreplace fhirgen.bench/noinv => /tmp/fhirgen-noinv\n') > /tmp/fhirgen-noinv.mod && cp go.sum /tmp/fhirgen-noinv.sum && \
		$(GO) test -modfile=/tmp/fhirgen-noinv.mod -tags invbench -run InvariantCost -v . | grep -v '^=== \|^--- \|^ok\|^PASS'

## all-r4: generate every R4 resource and datatype into a scratch module and build it
all-r4:
	rm -rf /tmp/fhirgen-all-r4
	$(FHIRGEN) generate -package hl7.fhir.r4.examples@4.0.1 -all -invariants report -out /tmp/fhirgen-all-r4 -module example.com/fhir/all
	cd /tmp/fhirgen-all-r4 && $(GO) build ./... && $(GO) vet ./...
