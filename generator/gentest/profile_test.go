package gentest

import (
	"os"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/fhir"
	"github.com/fhirgen/fhirgen/generated/hotbeverage"
	"github.com/fhirgen/fhirgen/generated/r4"
	"github.com/fhirgen/fhirgen/generated/vhdir"
)

func brewedLogFixture(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("testdata/fixtures/brewedlog-conformant.json")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

const (
	clientAgent = `{
      "type": { "coding": [{ "system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110153", "display": "Source Role ID" }] },
      "who": { "reference": "Device/coffee-app" },
      "requestor": false,
      "network": { "address": "10.0.0.12", "type": "2" }
    }`
	serverAgent = `{
      "type": { "coding": [{ "system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110152", "display": "Destination Role ID" }] },
      "who": { "reference": "Device/coffee-machine" },
      "requestor": false,
      "network": { "address": "coffee-machine.local", "type": "1" }
    }`
	humanAgent = `{
      "type": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "BEN", "display": "beneficiary" }] },
      "who": { "reference": "Practitioner/adams" },
      "name": "Dr Adams",
      "requestor": true
    }`
)

// profileIssues decodes a document and validates it against BrewedLog (base
// rules and profile).
func profileIssues(t *testing.T, doc string) r4.Issues {
	t.Helper()
	res, err := r4.UnmarshalResource([]byte(doc))
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, doc)
	}
	return hotbeverage.ValidateProfileBrewedLog(res)
}

// One valid and one invalid BrewedLog for every rule of the profile.
func TestBrewedLogRules(t *testing.T) {
	base := brewedLogFixture(t)
	agents := func(items ...string) string {
		return `"agent": [` + strings.Join(items, ",") + `]`
	}
	withAgents := func(t *testing.T, items ...string) string {
		start := strings.Index(base, `"agent": [`)
		end := strings.Index(base, `"source"`)
		return base[:start] + agents(items...) + ",\n  " + base[end:]
	}
	tests := []struct {
		rule    string
		valid   func(t *testing.T) string
		invalid func(t *testing.T) string
		path    string
		want    string
	}{
		{"closed slicing: an agent of no slice",
			func(t *testing.T) string { return base },
			func(t *testing.T) string {
				other := strings.Replace(strings.Replace(humanAgent, `"BEN"`, `"AUT"`, 1), `"beneficiary"`, `"author"`, 1)
				return withAgents(t, clientAgent, serverAgent, other)
			},
			"AuditEvent.agent[2]", "matches no slice of agent, and the slicing is closed"},
		{"extra codings in an agent's type still match its slice",
			func(t *testing.T) string {
				extra := strings.Replace(clientAgent, `"display": "Source Role ID" }]`, `"display": "Source Role ID" }, { "system": "http://example.org/roles", "code": "brewer" }]`, 1)
				return withAgents(t, extra, serverAgent, humanAgent)
			},
			func(t *testing.T) string {
				wrong := strings.Replace(clientAgent, `"display": "Source Role ID"`, `"display": "Source"`, 1)
				return withAgents(t, wrong, serverAgent, humanAgent)
			},
			"AuditEvent.agent[0]", "matches no slice"},
		{"agents in another order (unordered slicing)",
			func(t *testing.T) string { return withAgents(t, humanAgent, serverAgent, clientAgent) },
			func(t *testing.T) string { return withAgents(t, humanAgent, serverAgent, serverAgent) },
			"AuditEvent.agent", "slice client: minimum required = 1, but only found 0"},
		{"the server agent is required",
			func(t *testing.T) string { return withAgents(t, clientAgent, serverAgent) },
			func(t *testing.T) string { return withAgents(t, clientAgent, humanAgent) },
			"AuditEvent.agent", "slice server: minimum required = 1, but only found 0"},
		{"at most three agents",
			func(t *testing.T) string { return withAgents(t, clientAgent, serverAgent, humanAgent) },
			func(t *testing.T) string { return withAgents(t, clientAgent, serverAgent, humanAgent, humanAgent) },
			"AuditEvent.agent", "maximum allowed = 3, but found 4"},
		{"at most one human",
			func(t *testing.T) string { return withAgents(t, clientAgent, serverAgent, humanAgent) },
			func(t *testing.T) string { return withAgents(t, clientAgent, serverAgent, humanAgent, humanAgent) },
			"AuditEvent.agent", "slice human: maximum allowed = 1, but found 2"},
		{"no altId on the human agent",
			func(t *testing.T) string { return base },
			func(t *testing.T) string {
				return withAgents(t, clientAgent, serverAgent, strings.Replace(humanAgent, `"name": "Dr Adams",`, `"name": "Dr Adams", "altId": "adams01",`, 1))
			},
			"AuditEvent.agent[2].altId", "prohibited"},
		{"the human agent is the requestor",
			func(t *testing.T) string { return base },
			func(t *testing.T) string {
				return withAgents(t, clientAgent, serverAgent, strings.Replace(humanAgent, `"requestor": true`, `"requestor": false`, 1))
			},
			"AuditEvent.agent[2].requestor", "does not match the pattern true"},
		{"the human's name is must-support, not required",
			func(t *testing.T) string {
				return withAgents(t, clientAgent, serverAgent, strings.Replace(humanAgent, `"name": "Dr Adams",`, ``, 1))
			},
			func(t *testing.T) string {
				return withAgents(t, clientAgent, serverAgent, strings.Replace(humanAgent, `"who": { "reference": "Practitioner/adams" },`, ``, 1))
			},
			"AuditEvent.agent[2].who", "minimum required = 1"},
		{"the client has a network",
			func(t *testing.T) string { return base },
			func(t *testing.T) string {
				return withAgents(t, strings.Replace(clientAgent, `,
      "network": { "address": "10.0.0.12", "type": "2" }`, ``, 1), serverAgent, humanAgent)
			},
			"AuditEvent.agent[0].network", "minimum required = 1"},
		{"the client has no role",
			func(t *testing.T) string { return base },
			func(t *testing.T) string {
				return withAgents(t, strings.Replace(clientAgent, `"requestor": false,`, `"requestor": false, "role": [{"text": "barista"}],`, 1), serverAgent, humanAgent)
			},
			"AuditEvent.agent[0].role", "prohibited"},
		{"agent extensions are allowed; usage-restriction is checked",
			func(t *testing.T) string {
				return withAgents(t, strings.Replace(clientAgent, `"who":`, `"extension": [{"url": "http://hl7.org/fhir/uv/vhdir/StructureDefinition/usage-restriction", "valueReference": {"reference": "Consent/c1"}}], "who":`, 1), serverAgent, humanAgent)
			},
			func(t *testing.T) string {
				return withAgents(t, strings.Replace(clientAgent, `"who":`, `"extension": [{"url": "http://hl7.org/fhir/uv/vhdir/StructureDefinition/usage-restriction", "valueString": "c1"}], "who":`, 1), serverAgent, humanAgent)
			},
			"AuditEvent.agent[0].extension[0].value", "must be one of: Reference"},
		{"type pattern",
			func(t *testing.T) string { return base },
			func(t *testing.T) string { return strings.Replace(base, `"code": "rest"`, `"code": "read"`, 1) },
			"AuditEvent.type", "does not match the pattern"},
		{"subtype 1..1",
			func(t *testing.T) string { return base },
			func(t *testing.T) string {
				return strings.Replace(base, `"subtype": [{`, `"subtype": [{ "system": "http://hl7.org/fhir/restful-interaction", "code": "operation", "display": "operation" }, {`, 1)
			},
			"AuditEvent.subtype", "maximum allowed = 1, but found 2"},
		{"action E",
			func(t *testing.T) string { return base },
			func(t *testing.T) string { return strings.Replace(base, `"action": "E"`, `"action": "R"`, 1) },
			"AuditEvent.action", `does not match the pattern "E"`},
		{"outcome 0",
			func(t *testing.T) string { return base },
			func(t *testing.T) string { return strings.Replace(base, `"outcome": "0"`, `"outcome": "4"`, 1) },
			"AuditEvent.outcome", `does not match the pattern "0"`},
		{"one data entity",
			func(t *testing.T) string { return base },
			func(t *testing.T) string {
				return strings.Replace(base, `"entity": [`, `"entity": [{"type": {"system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "2", "display": "System Object"}, "detail": [{"type": "x", "valueString": "y"}]},`, 1)
			},
			"AuditEvent.entity", "maximum allowed = 1, but found 2"},
		{"the data entity has no what",
			func(t *testing.T) string { return base },
			func(t *testing.T) string {
				return strings.Replace(base, `"description": "Double espresso",`, `"description": "Double espresso", "what": {"reference": "Basic/b"},`, 1)
			},
			"AuditEvent.entity[0].what", "prohibited"},
		{"the data entity's role pattern",
			func(t *testing.T) string { return base },
			func(t *testing.T) string {
				return strings.Replace(base, `"code": "20", "display": "Job"`, `"code": "21", "display": "Job"`, 1)
			},
			"AuditEvent.entity[0].role", "does not match the pattern"},
		{"the data entity has details",
			func(t *testing.T) string { return base },
			func(t *testing.T) string {
				start := strings.Index(base, `"detail": [`)
				end := strings.Index(base[start:], "]\n") + start + 1
				return base[:start] + `"name": "x"` + base[end:]
			},
			"AuditEvent.entity[0].detail", "minimum required = 1"},
		{"base rules still apply",
			func(t *testing.T) string { return base },
			func(t *testing.T) string {
				return strings.Replace(base, `"recorded": "2022-03-29T07:30:12.5+02:00",`, ``, 1)
			},
			"AuditEvent.recorded", "minimum required = 1"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			if is := profileIssues(t, tt.valid(t)); is.HasErrors() {
				t.Fatalf("the valid instance has errors:\n%v", is)
			}
			is := profileIssues(t, tt.invalid(t))
			for _, i := range is {
				if i.Severity == fhir.SeverityError && i.Path == tt.path && strings.Contains(i.Message, tt.want) {
					return
				}
			}
			t.Errorf("want an error at %s containing %q; got:\n%v", tt.path, tt.want, is)
		})
	}
}

// The view: the constructor's BrewedLog is valid once the free fields are
// set; the accessors find the slices; conversions go both ways.
func TestBrewedLogView(t *testing.T) {
	b := hotbeverage.NewBrewedLog()
	if err := b.Validate(); err == nil {
		t.Fatal("a BrewedLog without its free fields validated")
	}
	b.Recorded = r4.NewInstant("2026-11-23T08:00:00Z")
	b.Source = &r4.AuditEventSource{Observer: &r4.Reference{Display: r4.NewString("machine")}}
	for _, a := range []*r4.AuditEventAgent{b.Client(), b.Server()} {
		a.Who = &r4.Reference{Display: r4.NewString("device")}
		a.Requestor = r4.NewBoolean(false)
		a.Network = &r4.AuditEventAgentNetwork{Address: r4.NewString("10.0.0.1")}
	}
	b.Data().Detail = []r4.AuditEventEntityDetail{{Type: r4.NewString("t"), Value: r4.NewString("v")}}
	if err := b.Validate(); err != nil {
		t.Fatalf("filled BrewedLog: %v", err)
	}
	if b.Human() != nil {
		t.Fatal("a human agent before one was added")
	}
	h := b.EnsureHuman()
	if !h.GetRequestor().GetValue() || h.GetType().Coding[0].GetCode().GetValue() != "BEN" {
		t.Fatalf("the human slice's patterns were not filled: %+v", h)
	}
	h.Who = &r4.Reference{Reference: r4.NewString("Practitioner/p")}
	if b.EnsureHuman() != b.Human() || len(b.Agent) != 3 {
		t.Fatal("EnsureHuman added a second human")
	}
	if err := b.Validate(); err != nil {
		t.Fatalf("with a human: %v", err)
	}
	res, err := r4.UnmarshalResource([]byte(brewedLogFixture(t)))
	if err != nil {
		t.Fatal(err)
	}
	view := hotbeverage.AsBrewedLog(res.(*r4.AuditEvent))
	if view.Server().GetWho().GetReference().GetValue() != "Device/coffee-machine" || view.Data().GetDescription().GetValue() != "Double espresso" {
		t.Fatal("accessors on a decoded BrewedLog")
	}
	if view.AuditEvent != res || hotbeverage.AsBrewedLog(nil) != nil {
		t.Fatal("conversions")
	}
	if out, err := r4.MarshalResource(view.AuditEvent); err != nil || !strings.Contains(string(out), `"BrewedProduct"`) {
		t.Fatalf("marshal: %v", err)
	}
}

// The typed extension: read, set (replacing) and remove, on a resource, a
// datatype and a primitive.
func TestUsageRestriction(t *testing.T) {
	ae := &r4.AuditEvent{Action: r4.NewCode(r4.AuditEventActionE), Source: &r4.AuditEventSource{}}
	holders := map[string]*[]r4.Extension{
		"resource":  &ae.Extension,
		"datatype":  &ae.Source.Extension,
		"primitive": &ae.Action.Extension,
	}
	for name, exts := range holders {
		*exts = append(*exts, r4.Extension{URL: "http://example.org/other", Value: r4.NewBoolean(true)})
		if vhdir.UsageRestriction(*exts) != nil {
			t.Fatalf("%s: found before set", name)
		}
		vhdir.SetUsageRestriction(exts, &r4.Reference{Reference: r4.NewString("Consent/a")})
		vhdir.SetUsageRestriction(exts, &r4.Reference{Reference: r4.NewString("Consent/b")})
		if len(*exts) != 2 || vhdir.UsageRestriction(*exts).GetReference().GetValue() != "Consent/b" {
			t.Fatalf("%s: after two sets: %+v", name, *exts)
		}
		if !vhdir.RemoveUsageRestriction(exts) || len(*exts) != 1 || vhdir.RemoveUsageRestriction(exts) {
			t.Fatalf("%s: remove: %+v", name, *exts)
		}
		vhdir.SetUsageRestriction(exts, &r4.Reference{Reference: r4.NewString("Consent/c")})
	}
	ae.Recorded = r4.NewInstant("2026-01-01T00:00:00Z")
	ae.Type = &r4.Coding{Code: r4.NewCode("x")}
	ae.Agent = []r4.AuditEventAgent{{Requestor: r4.NewBoolean(true)}}
	ae.Source.Observer = &r4.Reference{Display: r4.NewString("o")}
	if err := ae.Validate(); err != nil {
		t.Fatalf("usage restrictions everywhere: %v", err)
	}
	// enforced wherever it appears: a primitive's extension with an identifier
	(*holders["primitive"])[1].Value.(*r4.Reference).Identifier = &r4.Identifier{Value: r4.NewString("x")}
	err := ae.Validate()
	if err == nil || !strings.Contains(err.Error(), "AuditEvent.action.extension[1].valueReference.identifier") {
		t.Fatalf("err = %v", err)
	}
}

// fhir-validate checks meta.profile and -profile.
func TestFHIRValidateProfiles(t *testing.T) {
	bin := buildValidator(t)
	dir := t.TempDir()
	bad := strings.Replace(brewedLogFixture(t), `"action": "E"`, `"action": "R"`, 1)
	file := dir + "/bad.json"
	os.WriteFile(file, []byte(bad), 0o644)
	out, code := runValidator(t, bin, file)
	if code != 1 || !strings.Contains(out, `error AuditEvent.action: the value does not match the pattern "E"`) {
		t.Fatalf("meta.profile: exit %d\n%s", code, out)
	}
	noMeta := strings.Replace(bad, `"meta": { "profile": ["http://fhir.org/guides/acme/hotbeverage/StructureDefinition/BrewedLog"] },`, ``, 1)
	os.WriteFile(file, []byte(noMeta), 0o644)
	if out, code := runValidator(t, bin, file); code != 0 {
		t.Fatalf("without a profile: exit %d\n%s", code, out)
	}
	if out, code := runValidator(t, bin, "-profile", "http://fhir.org/guides/acme/hotbeverage/StructureDefinition/BrewedLog", file); code != 1 || !strings.Contains(out, "AuditEvent.action") {
		t.Fatalf("-profile: exit %d\n%s", code, out)
	}
}
