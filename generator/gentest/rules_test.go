package gentest

import (
	"errors"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/fhir"
	"github.com/fhirgen/fhirgen/generated/r4"
)

// wrap puts members into an AuditEvent.
func ae(members string) string {
	if members == "" {
		return `{"resourceType":"AuditEvent"}`
	}
	return `{"resourceType":"AuditEvent",` + members + `}`
}

// One valid and one invalid instance for every rule of the JSON format.
func TestRules(t *testing.T) {
	deep := strings.Repeat(`{"extension":[`, 70) + `{"url":"http://x","valueString":"v"}` + strings.Repeat(`]}`, 70)
	tests := []struct {
		rule, valid, invalid, wantPath, wantMsg string
	}{
		{"unknown property", ae(`"action":"E"`), ae(`"actionCode":"E"`), "AuditEvent.actionCode", "unknown property"},
		{"unknown property in a datatype", ae(`"type":{"code":"x"}`), ae(`"type":{"coding":[]}`), "AuditEvent.type.coding", "unknown property"},
		{"duplicate key", ae(`"id":"a"`), ae(`"id":"a","id":"b"`), "AuditEvent.id", "duplicate"},
		{"missing resourceType", ae(``), `{"id":"a"}`, "", "missing resourceType"},
		{"wrong resourceType in a typed decode", ae(``), `{"resourceType":"Foo"}`, "", "unknown resourceType"},
		{"resourceType not first", `{"id":"x","resourceType":"AuditEvent"}`, `{"id":"x","resourceType":"AuditEventX"}`, "", "unknown resourceType"},
		{"empty array", ae(`"subtype":[{"code":"a"}]`), ae(`"subtype":[]`), "AuditEvent.subtype", "empty array"},
		{"empty object", ae(`"period":{"start":"2020"}`), ae(`"period":{}`), "AuditEvent.period", "empty object"},
		{"empty string", ae(`"outcomeDesc":"ok"`), ae(`"outcomeDesc":""`), "AuditEvent.outcomeDesc", "empty string"},
		{"empty string with extensions", ae(`"outcomeDesc":"","_outcomeDesc":{"id":"a"}`), ae(`"outcomeDesc":"","_outcomeDesc":{}`), "AuditEvent._outcomeDesc", "empty object"},
		{"null outside primitive arrays", ae(`"period":{"start":"2020"}`), ae(`"period":null`), "AuditEvent.period", "null is not allowed"},
		{"null item in a complex array", ae(`"subtype":[{"code":"a"}]`), ae(`"subtype":[null]`), "AuditEvent.subtype[0]", "null is not allowed"},
		{"primitive extension", ae(`"action":"E","_action":{"extension":[{"url":"http://x","valueBoolean":true}]}`), ae(`"_action":{"extension":[{"url":"http://x","valueBoolean":"true"}]}`), "AuditEvent._action.extension[0].valueBoolean", "want a boolean"},
		{"non-repeating _name is an object", ae(`"_action":{"id":"a"}`), ae(`"_action":[{"id":"a"}]`), "AuditEvent._action", "want an object"},
		{"null-aligned arrays", ae(`"agent":[{"requestor":true,"policy":["a",null],"_policy":[null,{"id":"b"}]}]`), ae(`"agent":[{"requestor":true,"policy":["a",null],"_policy":[null,null]}]`), "AuditEvent.agent[0].policy[1]", "null in both"},
		{"null with no _ array", ae(`"agent":[{"requestor":true,"policy":["a"]}]`), ae(`"agent":[{"requestor":true,"policy":["a",null]}]`), "AuditEvent.agent[0].policy[1]", "null in both"},
		{"arrays of different lengths", ae(`"agent":[{"requestor":true,"policy":["a","b"],"_policy":[null,{"id":"x"}]}]`), ae(`"agent":[{"requestor":true,"policy":["a"],"_policy":[null,{"id":"x"}]}]`), "AuditEvent.agent[0]._policy", "different lengths"},
		{"boolean is a JSON boolean", ae(`"agent":[{"requestor":false}]`), ae(`"agent":[{"requestor":"false"}]`), "AuditEvent.agent[0].requestor", "want a boolean"},
		{"string is a JSON string", ae(`"outcomeDesc":"1"`), ae(`"outcomeDesc":1`), "AuditEvent.outcomeDesc", "want a string"},
		{"code is a JSON string", ae(`"action":"E"`), ae(`"action":true`), "AuditEvent.action", "want a string"},
		{"decimal is a JSON number", ae(`"extension":[{"url":"http://x","valueDecimal":1.50}]`), ae(`"extension":[{"url":"http://x","valueDecimal":"1.50"}]`), "AuditEvent.extension[0].valueDecimal", "want a number"},
		{"no NaN in JSON", ae(`"extension":[{"url":"http://x","valueDecimal":1.5}]`), ae(`"extension":[{"url":"http://x","valueDecimal":NaN}]`), "AuditEvent.extension[0].valueDecimal", "starts no JSON value (\"N\"; JSON has no NaN"},
		{"integer is a JSON integer", ae(`"extension":[{"url":"http://x","valueInteger":-3}]`), ae(`"extension":[{"url":"http://x","valueInteger":3.0}]`), "AuditEvent.extension[0].valueInteger", "want an integer"},
		{"integer in range", ae(`"extension":[{"url":"http://x","valueInteger":2147483647}]`), ae(`"extension":[{"url":"http://x","valueInteger":2147483648}]`), "AuditEvent.extension[0].valueInteger", "out of range"},
		{"positiveInt is a JSON number", ae(`"extension":[{"url":"http://x","valuePositiveInt":1}]`), ae(`"extension":[{"url":"http://x","valuePositiveInt":"1"}]`), "AuditEvent.extension[0].valuePositiveInt", "want an integer"},
		{"unsignedInt is a JSON number", ae(`"extension":[{"url":"http://x","valueUnsignedInt":0}]`), ae(`"extension":[{"url":"http://x","valueUnsignedInt":1e2}]`), "AuditEvent.extension[0].valueUnsignedInt", "want an integer"},
		{"one type per choice", ae(`"entity":[{"detail":[{"type":"t","valueString":"v"}]}]`), ae(`"entity":[{"detail":[{"type":"t","valueString":"v","valueBase64Binary":"AA=="}]}]`), "AuditEvent.entity[0].detail[0].valueBase64Binary", "second type"},
		{"choice _name matches its value", ae(`"entity":[{"detail":[{"type":"t","valueString":"v","_valueString":{"id":"x"}}]}]`), ae(`"entity":[{"detail":[{"type":"t","valueString":"v","_valueBase64Binary":{"id":"x"}}]}]`), "AuditEvent.entity[0].detail[0]._valueBase64Binary", "second type"},
		{"contained resource of a known type", ae(`"contained":[{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid"}]}]`), ae(`"contained":[{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","bogus":1}]}]`), "AuditEvent.contained[0].issue[0].bogus", "unknown property"},
		{"contained resource type", ae(`"contained":[{"resourceType":"Patient","id":"p"}]`), ae(`"contained":[{"resourceType":"Patiant","id":"p"}]`), "AuditEvent.contained[0]", "unknown resourceType"},
		{"valid JSON", ae(`"action":"E"`), ae(`"action":"E",`), "AuditEvent", "invalid JSON"},
		{"one document", ae(``), ae(``) + ` {}`, "AuditEvent", "after the end"},
		{"valid UTF-8", ae(`"outcomeDesc":"caf\u00e9"`), ae(`"outcomeDesc":"caf` + "\xe9" + `"`), "AuditEvent.outcomeDesc", "UTF-8"},
		{"nesting depth", ae(`"extension":[` + strings.Repeat(`{"url":"http://x","extension":[`, 20) + `{"url":"http://x","valueString":"v"}` + strings.Repeat(`]}`, 20) + `]`), ae(`"extension":[` + deep + `]`), "", "nesting deeper"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			if _, err := r4.UnmarshalResource([]byte(tt.valid)); err != nil {
				t.Errorf("valid instance rejected: %v\n%s", err, tt.valid)
			}
			_, err := r4.UnmarshalResource([]byte(tt.invalid))
			var list fhir.JSONErrors
			if !errors.As(err, &list) {
				t.Fatalf("invalid instance: err = %v\n%s", err, tt.invalid)
			}
			for _, e := range list {
				if strings.Contains(e.Msg, tt.wantMsg) && (tt.wantPath == "" || e.Path == tt.wantPath) {
					if e.Offset < 0 || e.Offset > len(tt.invalid) {
						t.Errorf("offset %d outside the input", e.Offset)
					}
					return
				}
			}
			t.Errorf("want %q at %q; got:\n%v", tt.wantMsg, tt.wantPath, err)
		})
	}
}

// Typed decoding into a resource of another type is an error.
func TestWrongResourceType(t *testing.T) {
	var s r4.UserSession
	err := s.UnmarshalJSON([]byte(ae(`"action":"E"`)))
	if err == nil || !strings.Contains(err.Error(), `resourceType is "AuditEvent", want UserSession`) {
		t.Fatalf("err = %v", err)
	}
	err = s.UnmarshalJSON([]byte(`{"status":{"value":"active","source":"user"}}`))
	if err == nil || !strings.Contains(err.Error(), "missing resourceType") {
		t.Fatalf("err = %v", err)
	}
}

// Decimals keep their exact text, and output is not HTML-escaped.
func TestExactOutput(t *testing.T) {
	in := `{"resourceType":"AuditEvent","extension":[{"url":"http://x","valueDecimal":1.50},{"url":"http://x","valueDecimal":1e2},{"url":"http://x","valueDecimal":-0.000}],"outcomeDesc":"<b>a & b</b> \u2028"}`
	res, err := r4.UnmarshalResource([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, err := r4.MarshalResource(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"valueDecimal":1.50`, `"valueDecimal":1e2`, `"valueDecimal":-0.000`, `"<b>a & b</b>`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

// Properties come out in definition order, whatever the input order.
func TestCanonicalOrder(t *testing.T) {
	in := `{"outcome":"0","recorded":"2020-01-01T00:00:00Z","action":"E","type":{"code":"x"},"id":"a","resourceType":"AuditEvent"}`
	res, err := r4.UnmarshalResource([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := r4.MarshalResource(res)
	want := `{"resourceType":"AuditEvent","id":"a","type":{"code":"x"},"action":"E","recorded":"2020-01-01T00:00:00Z","outcome":"0"}`
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
}
