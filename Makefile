# fhirgen: FHIR definitions in, Go out. See README.md.
GO      ?= go
CONFIG  ?= definitions/fhirgen.json
FHIRGEN  = $(GO) run ./cmd/fhirgen

CONFORMANCE = generator/conformance
R4       = hl7.fhir.r4.examples@4.0.1
R4B      = hl7.fhir.r4b.core@4.3.0
R4B_EX   = hl7.fhir.r4b.examples@4.3.0
R5       = hl7.fhir.r5.core@5.0.0
R5_EX    = hl7.fhir.r5.examples@5.0.0
# the extensions pack the HL7 validator loads with every version: its extensions are known, not generated
R4_EXT   = -package hl7.fhir.uv.extensions.r4@5.3.0-ballot-tc1 -substitute hl7.terminology.r4@6.5.0= -substitute hl7.fhir.r4.core@4.0.1=$(R4)
R5_EXT   = -package hl7.fhir.uv.extensions.r5@5.3.0-ballot-tc1 -substitute hl7.terminology.r5@6.5.0=

STATICCHECK = $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: generate test check fetch all-r4 conformance ig-conformance hl7-cases all-module bench lint

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
	$(MAKE) lint-generated

## lint: staticcheck (pinned, from the module proxy) on the generator, on generated/,
## on the mission module generated with -formats json, on all of R4 generated and on the IPS and AU Base modules
## (make test runs the part on generated code)
lint: all-module ig-conformance lint-generated
	$(STATICCHECK) ./...

lint-generated:
	cd generated && $(STATICCHECK) ./...
	rm -rf /tmp/fhirgen-jsononly && $(FHIRGEN) generate -config $(CONFIG) -formats json -out /tmp/fhirgen-jsononly -module fhirgen.lint/jsononly > /dev/null
	cd /tmp/fhirgen-jsononly && $(STATICCHECK) ./...
	cd $(CONFORMANCE)/all && $(STATICCHECK) ./...
	cd $(CONFORMANCE)/ig-ips && $(STATICCHECK) ./...
	cd $(CONFORMANCE)/ig-au && $(STATICCHECK) ./...

## check: fail when generated/ differs from what the generator produces now
check:
	$(FHIRGEN) generate -config $(CONFIG) -check

## fetch: download the pinned FHIR packages into the package cache
fetch:
	$(FHIRGEN) fetch -lock definitions/fhir-packages.lock.json hl7.fhir.r4.examples@4.0.1

## all-module: generate all of R4, R4B and R5 into generator/conformance/all, all-r4b and all-r5
## (R4 and R5 with the extensions pack loaded), in the default strict mode: every invariant compiles
## (used by conformance and bench)
all-module:
	rm -rf $(CONFORMANCE)/all $(CONFORMANCE)/all-r4b $(CONFORMANCE)/all-r5
	$(FHIRGEN) generate -package $(R4) $(R4_EXT) -all -out $(CONFORMANCE)/all -module fhirgen.test/all
	$(FHIRGEN) generate -package $(R4B) -all -out $(CONFORMANCE)/all-r4b -module fhirgen.test/allr4b 2> /dev/null
	$(FHIRGEN) generate -package $(R5) $(R5_EXT) -all -out $(CONFORMANCE)/all-r5 -module fhirgen.test/allr5 2> /dev/null

## conformance: for R4, R4B and R5: round-trip every JSON example through that version, generated
## whole; validate each (errors only where the example deserves them, known-invalid-*.txt); and
## compare every compiled invariant on every element with fhirpath.js (npm, pinned; R4 and R5);
## and read every R4 definition back from the XML FHIR.js (npm, pinned) writes of it; and write every
## R4 example as XML and compare it with what FHIR.js writes (known-xml-instances-r4.txt)
conformance: all-module ig-conformance
	cd $(CONFORMANCE) && $(GO) vet ./... && \
		$(GO) run . -version r4 -package $(R4) -known known-failures-r4.txt -known-invalid known-invalid-r4.txt -oracle ../fporacle/js && \
		$(GO) run . -xml-defs ../xmloracle/js -package $(R4) -known known-xml-defs-r4.txt && \
		$(GO) run . -xml-instances ../xmloracle/js -package $(R4) -known known-xml-instances-r4.txt && \
		$(GO) run . -version r4b -package $(R4B_EX) -known known-failures-r4b.txt -known-invalid known-invalid-r4b.txt -oracle ../fporacle/js && \
		$(GO) run . -version r5 -package $(R5_EX) -known known-failures-r5.txt -known-invalid known-invalid-r5.txt -oracle ../fporacle/js -oracle-known ../fporacle/known-disagreements-r5.txt
	$(MAKE) hl7-cases

## ig-conformance: for IPS 2.0.0 and AU Base 6.0.0 (generator/conformance/ig/*.json): generate every
## profile and extension in strict mode, build and vet the module; recompute every snapshot of the IG and
## of the extensions pack from its differential and compare it with the published one; validate every
## example against the profiles it claims and the one the ImplementationGuide gives it (igcheck)
IG = $(CONFORMANCE)/ig
ig-conformance:
	$(FHIRGEN) generate -config $(IG)/ips.json > /dev/null
	$(FHIRGEN) generate -config $(IG)/au.json > /dev/null
	cd $(CONFORMANCE)/ig-ips && $(GO) vet ./... && $(GO) build -o ../bin/ips-validate ./cmd/fhir-validate
	cd $(CONFORMANCE)/ig-au && $(GO) vet ./... && $(GO) build -o ../bin/au-validate ./cmd/fhir-validate
	cd $(IG)/autest && $(GO) vet ./... && $(GO) test ./...
	$(GO) run ./generator/igcheck -config $(IG)/ips.json -check hl7.fhir.uv.ips@2.0.0 -check hl7.fhir.uv.extensions.r4@5.3.0-ballot-tc1 \
		-known-snapshots $(IG)/known-snapshots-ips.txt -validate $(CONFORMANCE)/bin/ips-validate
	$(GO) run ./generator/igcheck -config $(IG)/au.json -validate $(CONFORMANCE)/bin/au-validate -known-examples $(IG)/known-examples-au.txt

## hl7-cases: validate the HL7 validator's own test cases (generator/conformance/hl7cases, from its
## fhir-test-cases repository) with the fhir-validate of the R4 and R5 modules, with the options the HL7
## harness sets (each case that has an XML form in XML too), and compare verdict, error count and error
## locations with HL7's outcomes; every difference
## is listed with its reason in known-hl7-cases.txt (part of make conformance; alone, after make all-module)
hl7-cases:
	cd $(CONFORMANCE)/all && $(GO) build -o ../bin/r4-validate ./cmd/fhir-validate
	cd $(CONFORMANCE)/all-r5 && $(GO) build -o ../bin/r5-validate ./cmd/fhir-validate
	$(GO) build -o $(CONFORMANCE)/bin/fhirgen ./cmd/fhirgen
	cd $(CONFORMANCE) && $(GO) run . -hl7-cases hl7cases -hl7-bin bin -known known-hl7-cases.txt \
		-hl7-fhirgen bin/fhirgen -hl7-r4 "-package $(R4) $(R4_EXT)" -hl7-r5 "-package $(R5) $(R5_EXT)"

## bench: the time to generate all of R4 (all-module prints it); what compiling costs (Go lines, compiler CPU, peak
## compiler memory) for the mission module, all of R4 and samply's R4 models; decode/encode throughput and allocations against encoding/json, json.Valid and samply,
## XML decode/encode throughput against encoding/xml into a generic tree (and its bare token scan),
## validation time and allocations for the R4 AuditEvent examples and a UserSession, and the
## cost of the compiled invariants: the same definitions generated with -invariants off into
## another module, both validated in one process (ratios)
bench: all-module
	cd $(CONFORMANCE) && $(GO) run ./cmd/bench -package $(R4)
	cd $(CONFORMANCE) && $(GO) build -o bin/compilecost ./cmd/compilecost && bin/compilecost \
		-case mission=../../generated:./... -case all-r4=all:./... -case samply-r4=.:github.com/samply/golang-fhir-models/fhir-models/fhir
	cd generator/gentest && $(GO) test -run '^$$' -bench Validate -benchmem .
	rm -rf /tmp/fhirgen-noinv && $(FHIRGEN) generate -config $(CONFIG) -invariants off -out /tmp/fhirgen-noinv -module fhirgen.bench/noinv > /dev/null
	cd generator/gentest && (cat go.mod; printf '\nrequire fhirgen.bench/noinv v0.0.0\n\nreplace fhirgen.bench/noinv => /tmp/fhirgen-noinv\n') > /tmp/fhirgen-noinv.mod && cp go.sum /tmp/fhirgen-noinv.sum && \
		$(GO) test -modfile=/tmp/fhirgen-noinv.mod -tags invbench -run InvariantCost -v . | grep -v '^=== \|^--- \|^ok\|^PASS'

## all-r4: generate every R4 resource and datatype into a scratch module and build it
all-r4:
	rm -rf /tmp/fhirgen-all-r4
	$(FHIRGEN) generate -package hl7.fhir.r4.examples@4.0.1 -all -invariants report -out /tmp/fhirgen-all-r4 -module example.com/fhir/all
	cd /tmp/fhirgen-all-r4 && $(GO) build ./... && $(GO) vet ./...
