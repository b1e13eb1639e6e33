package gentest

import (
	"errors"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/fhir"
	"github.com/fhirgen/fhirgen/generated/r4"
)

const narrative = `"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">A <b>session</b></div>"},`

const validSession = `{"resourceType":"UserSession","id":"s1",` + narrative + `
 "contained":[{"resourceType":"Patient","id":"p1"}],
 "user":{"reference":"Practitioner/adams"},
 "status":{"value":"active","source":"user"},
 "focus":[{"reference":"#p1"},{"reference":"Encounter/e1"}],
 "created":"2026-11-23T07:55:00Z","expires":"2026-11-23T15:55:00.5+01:00",
 "meta":{"versionId":"3"},
 "extension":[{"url":"http://hl7.org/fhir/uv/vhdir/StructureDefinition/usage-restriction","valueReference":{"reference":"Consent/c1"}}]}`

const validEvent = `{"resourceType":"AuditEvent","id":"a1",` + narrative + `
 "type":{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110110"},
 "action":"R","recorded":"2026-02-28T10:00:00Z","outcome":"0",
 "agent":[{"who":{"reference":"Practitioner/p1"},"requestor":true,"network":{"address":"127.0.0.1","type":"2"},"policy":["http://example.org/policy"]}],
 "source":{"observer":{"reference":"Device/d1"}},
 "entity":[{"what":{"reference":"Patient/p1"},"detail":[{"type":"t","valueString":"v"}]}],
 "extension":[{"url":"http://example.org/fhir/StructureDefinition/x","valuePositiveInt":1}]}`

// edit replaces old with new in a document, failing when old is absent.
func edit(t *testing.T, doc, old, new string) string {
	t.Helper()
	if !strings.Contains(doc, old) {
		t.Fatalf("fixture lacks %q", old)
	}
	return strings.Replace(doc, old, new, 1)
}

func validate(t *testing.T, doc string) r4.Issues {
	t.Helper()
	res, err := r4.UnmarshalResource([]byte(doc))
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, doc)
	}
	return res.(interface{ ValidateIssues() r4.Issues }).ValidateIssues()
}

// One valid and one invalid instance for every rule, on UserSession and AuditEvent.
func TestValidationRules(t *testing.T) {
	tests := []struct {
		rule       string
		base       string
		old, new   string
		path, want string
		key        string
	}{
		{"UserSession.user 1..1", validSession, `"user":{"reference":"Practitioner/adams"},`, ``, "UserSession.user", "minimum required = 1", ""},
		{"UserSession.focus 1..*", validSession, `"focus":[{"reference":"#p1"},{"reference":"Encounter/e1"}],`, ``, "UserSession.focus", "minimum required = 1", ""},
		{"UserSession.status.value 1..1", validSession, `"value":"active",`, ``, "UserSession.status.value", "minimum required = 1", ""},
		{"status.value required binding", validSession, `"value":"active"`, `"value":"paused"`, "UserSession.status.value", `"paused" is not in the value set http://hl7.org/fhir/ValueSet/usersession-status-value`, ""},
		{"status.source required binding", validSession, `"source":"user"`, `"source":"robot"`, "UserSession.status.source", `"robot" is not in the value set http://hl7.org/fhir/ValueSet/usersession-status-source`, ""},
		{"instant needs a time zone", validSession, `"created":"2026-11-23T07:55:00Z"`, `"created":"2026-11-23T07:55:00"`, "UserSession.created", "not a valid instant", ""},
		{"instant is to the second", validSession, `"created":"2026-11-23T07:55:00Z"`, `"created":"2026-11-23"`, "UserSession.created", "not a valid instant", ""},
		{"instant is a real date", validSession, `"expires":"2026-11-23T15:55:00.5+01:00"`, `"expires":"2026-02-29T15:55:00.5+01:00"`, "UserSession.expires", "not a day of the calendar", ""},
		{"user reference target", validSession, `"Practitioner/adams"`, `"Device/d1"`, "UserSession.user.reference", "not one of the allowed types Patient, Practitioner, RelatedPerson", ""},
		{"contained reference resolves", validSession, `{"reference":"#p1"}`, `{"reference":"#p2"}`, "UserSession.focus[0]", `SHALL have a contained resource if a local reference is provided`, "ref-1"},
		{"id has no spaces", validSession, `"versionId":"3"`, `"versionId":"3 4"`, "UserSession.meta.versionId", "not a valid id", ""},
		{"extension url is absolute", validSession, `"url":"http://hl7.org/fhir/uv/vhdir/StructureDefinition/usage-restriction"`, `"url":"usage-restriction"`, "UserSession.extension[0].url", "absolute URI", ""},
		{"usage-restriction value is a Reference", validSession, `"valueReference":{"reference":"Consent/c1"}`, `"valueString":"c1"`, "UserSession.extension[0].value", "value[x] must be one of: Reference", ""},
		{"usage-restriction has a value", validSession, `,"valueReference":{"reference":"Consent/c1"}`, `,"extension":[{"url":"http://x","valueBoolean":true}]`, "UserSession.extension[0].value", "minimum required = 1", ""},
		{"usage-restriction identifier 0..0", validSession, `"valueReference":{"reference":"Consent/c1"}`, `"valueReference":{"reference":"Consent/c1","identifier":{"value":"x"}}`, "UserSession.extension[0].valueReference.identifier", "prohibited", ""},
		{"extension value or extensions, not both", validEvent, `"valuePositiveInt":1`, `"valuePositiveInt":1,"extension":[{"url":"http://y","valueBoolean":true}]`, "AuditEvent.extension[0]", "either extensions or value[x]", "ext-1"},
		{"AuditEvent.recorded 1..1", validEvent, `"recorded":"2026-02-28T10:00:00Z",`, ``, "AuditEvent.recorded", "minimum required = 1", ""},
		{"AuditEvent.agent 1..*", validEvent, `"agent":[{"who":{"reference":"Practitioner/p1"},"requestor":true,"network":{"address":"127.0.0.1","type":"2"},"policy":["http://example.org/policy"]}],`, ``, "AuditEvent.agent", "minimum required = 1", ""},
		{"agent.requestor 1..1", validEvent, `"requestor":true,`, ``, "AuditEvent.agent[0].requestor", "minimum required = 1", ""},
		{"AuditEvent.action required binding", validEvent, `"action":"R"`, `"action":"X"`, "AuditEvent.action", `"X" is not in the value set http://hl7.org/fhir/ValueSet/audit-event-action`, ""},
		{"AuditEvent.outcome required binding", validEvent, `"outcome":"0"`, `"outcome":"1"`, "AuditEvent.outcome", "audit-event-outcome", ""},
		{"network.type required binding", validEvent, `"type":"2"`, `"type":"6"`, "AuditEvent.agent[0].network.type", "ValueSet/network-type", ""},
		{"agent.who reference target", validEvent, `"who":{"reference":"Practitioner/p1"}`, `"who":{"reference":"Location/l1"}`, "AuditEvent.agent[0].who.reference", "not one of the allowed types", ""},
		{"source.observer reference target, absolute URL", validEvent, `"observer":{"reference":"Device/d1"}`, `"observer":{"reference":"http://server.example.org/fhir/Observation/o1/_history/2"}`, "AuditEvent.source.observer.reference", "points to a Observation", ""},
		{"uri has no spaces", validEvent, `"policy":["http://example.org/policy"]`, `"policy":["http://example.org/a policy"]`, "AuditEvent.agent[0].policy[0]", "not a valid uri", ""},
		{"positiveInt is at least 1", validEvent, `"valuePositiveInt":1`, `"valuePositiveInt":0`, "AuditEvent.extension[0].valuePositiveInt", "not a valid positiveInt", ""},
		{"dateTime is a real date", validEvent, `"recorded":"2026-02-28T10:00:00Z"`, `"recorded":"2026-02-31T10:00:00Z"`, "AuditEvent.recorded", "not a day of the calendar", ""},
		{"entity.detail.value[x] 1..1", validEvent, `,"valueString":"v"`, ``, "AuditEvent.entity[0].detail[0].value", "minimum required = 1", ""},
		{"base64Binary format", validEvent, `"valueString":"v"`, `"valueBase64Binary":"not base64!"`, "AuditEvent.entity[0].detail[0].valueBase64Binary", "not a valid base64Binary", ""},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			if is := validate(t, tt.base); len(is) != 0 && is.HasErrors() {
				t.Fatalf("the valid instance has errors:\n%v", is)
			}
			is := validate(t, edit(t, tt.base, tt.old, tt.new))
			for _, i := range is {
				if i.Severity == fhir.SeverityError && i.Path == tt.path && strings.Contains(i.Message, tt.want) && i.Key == tt.key {
					return
				}
			}
			t.Errorf("want an error at %s containing %q [%s]; got:\n%v", tt.path, tt.want, tt.key, is)
		})
	}
}

// Validate returns nil for a valid instance and Issues reachable with
// errors.As otherwise; ToOperationOutcome makes a valid OperationOutcome.
func TestValidateAPI(t *testing.T) {
	res, err := r4.UnmarshalResource([]byte(validEvent))
	if err != nil {
		t.Fatal(err)
	}
	ae := res.(*r4.AuditEvent)
	if err := ae.Validate(); err != nil {
		t.Fatalf("valid event: %v", err)
	}
	ae.Recorded = nil
	ae.Action = r4.NewCode(r4.AuditEventAction("Z"))
	err = ae.Validate()
	var issues r4.Issues
	if !errors.As(err, &issues) || len(issues) != 2 {
		t.Fatalf("err = %v", err)
	}
	oo := issues.ToOperationOutcome()
	if len(oo.Issue) != 2 || oo.Issue[0].GetSeverity().GetValue() != r4.IssueSeverityError || oo.Issue[0].Expression[0].GetValue() == "" {
		t.Fatalf("outcome = %+v", oo)
	}
	if err := oo.Validate(); err != nil {
		t.Fatalf("the OperationOutcome itself is invalid: %v", err)
	}
	if out, err := r4.MarshalResource(oo); err != nil || !strings.Contains(string(out), `"severity":"error"`) {
		t.Fatalf("%s %v", out, err)
	}
	if ok := (r4.Issues(nil)).ToOperationOutcome(); len(ok.Issue) != 1 || ok.Validate() != nil {
		t.Fatalf("empty outcome = %+v", ok)
	}
	var nilEvent *r4.AuditEvent
	if err := nilEvent.Validate(); err != nil {
		t.Fatalf("nil: %v", err)
	}
}

// Every official R4 AuditEvent example validates without errors.
func TestOfficialAuditEventsValidate(t *testing.T) {
	files := readFiles(t, "testdata/corpus/AuditEvent-*.json")
	if len(files) < 9 {
		t.Fatalf("only %d AuditEvent examples", len(files))
	}
	for _, f := range files {
		res, err := r4.UnmarshalResource(f.data)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if err := res.(*r4.AuditEvent).Validate(); err != nil {
			t.Errorf("%s: %v", f.name, err)
		}
	}
}

// A valid instance validates without allocating.
func TestValidateAllocatesNothingWhenValid(t *testing.T) {
	noRaw := edit(t, edit(t, validSession, `"contained":[{"resourceType":"Patient","id":"p1"}],`, ``), `"#p1"`, `"Patient/p1"`)
	for _, doc := range []string{validEvent, noRaw} {
		res, err := r4.UnmarshalResource([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		v := res.(interface{ Validate() error })
		if allocs := testing.AllocsPerRun(100, func() { v.Validate() }); allocs != 0 {
			t.Errorf("%s: %.0f allocations per Validate", res.ResourceType(), allocs)
		}
	}
}
