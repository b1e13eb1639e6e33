package gentest

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/fhir"
	"github.com/fhirgen/fhirgen/generated/r4"
)

// json.Marshal writes FHIR JSON for a resource held by value, by pointer,
// embedded by value in a struct of the user's, and for a primitive value.
func TestMarshalByValue(t *testing.T) {
	oo := r4.OperationOutcome{ID: r4.NewString("x"), Issue: []r4.OperationOutcomeIssue{{Severity: r4.NewCode(r4.IssueSeverityError), Code: r4.NewCode(r4.IssueTypeInvalid)}}}
	want := `{"resourceType":"OperationOutcome","id":"x","issue":[{"severity":"error","code":"invalid"}]}`
	for name, v := range map[string]any{"value": oo, "pointer": &oo, "in a slice": []r4.OperationOutcome{oo}} {
		got, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s := strings.TrimSuffix(strings.TrimPrefix(string(got), "["), "]"); s != want {
			t.Errorf("%s: %s", name, got)
		}
	}
	type stored struct {
		r4.OperationOutcome
	}
	if got, err := json.Marshal(stored{oo}); err != nil || string(got) != want {
		t.Errorf("embedded by value: %s %v", got, err)
	}
	if got, err := json.Marshal(*r4.NewString("a\"b")); err != nil || string(got) != `"a\"b"` {
		t.Errorf("a primitive value: %s %v", got, err)
	}
}

// What cannot be FHIR JSON is not written: the decoder would reject it.
func TestMarshalRefusesInvalidPrimitives(t *testing.T) {
	ext := r4.Extension{URL: "http://x", Value: &r4.Decimal{Value: ptr(fhir.Decimal("1,5"))}}
	ae := &r4.AuditEvent{Extension: []r4.Extension{ext}}
	_, err := r4.MarshalResource(ae)
	var ee *fhir.EncodeError
	if !errors.As(err, &ee) || ee.Member != "valueDecimal" || !strings.Contains(ee.Msg, "not a JSON number") {
		t.Fatalf("decimal 1,5: %v", err)
	}
	if _, err := json.Marshal(ae); err == nil {
		t.Fatal("json.Marshal wrote decimal 1,5")
	}
	ae = &r4.AuditEvent{OutcomeDesc: r4.NewString("")}
	if _, err := r4.MarshalResource(ae); err == nil || !strings.Contains(err.Error(), `"outcomeDesc"`) {
		t.Fatalf("empty string: %v", err)
	}
	// "" with an id is FHIR JSON (the value is in _outcomeDesc's company)
	ae = &r4.AuditEvent{OutcomeDesc: &r4.String{Value: ptr(""), ID: ptr("a")}}
	if _, err := r4.MarshalResource(ae); err != nil {
		t.Fatalf("empty string with an id: %v", err)
	}
	ok := &r4.AuditEvent{Extension: []r4.Extension{{URL: "http://x", Value: &r4.Decimal{Value: ptr(fhir.Decimal("1.50"))}}}}
	if out, err := r4.MarshalResource(ok); err != nil || !strings.Contains(string(out), `"valueDecimal":1.50`) {
		t.Fatalf("decimal 1.50: %s %v", out, err)
	}
}

func ptr[T any](v T) *T { return &v }
