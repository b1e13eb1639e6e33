package emit

import (
	"strings"
	"testing"
)

// Moving from R4 to R5 is reported per type and element, not as every r4
// type removed and every r5 type added.
func TestAPIChangesAcrossVersions(t *testing.T) {
	r4 := `# listing
type r4.AuditEvent resource AuditEvent
field r4.AuditEvent.Recorded *r4.Instant 1..1 AuditEvent.recorded
field r4.AuditEvent.Period *r4.Period 0..1 AuditEvent.period
field r4.AuditEvent.Outcome *r4.Code[r4.AuditEventOutcome] 0..1 AuditEvent.outcome
field r4.AuditEvent.Agent []r4.AuditEventAgent 1..* AuditEvent.agent
bind r4.AuditEvent.Outcome required http://hl7.org/fhir/ValueSet/audit-event-outcome|4.0.1
code r4.AuditEventOutcome.AuditEventOutcome0 0
type r4.AuditEventAgent backbone AuditEvent.agent
field r4.AuditEventAgent.Requestor *r4.Boolean 1..1 AuditEvent.agent.requestor
type r4.Period complex Period
type hotbeverage.BrewedLog profile BrewedLog
`
	r5 := `# listing
type r5.AuditEvent resource AuditEvent
field r5.AuditEvent.Recorded *r5.Instant 1..1 AuditEvent.recorded
field r5.AuditEvent.Occurred AuditEventOccurred(Period|dateTime) 0..1 AuditEvent.occurred[x]
field r5.AuditEvent.Outcome *r5.AuditEventOutcome 0..1 AuditEvent.outcome
field r5.AuditEvent.Agent []r5.AuditEventAgent 1..* AuditEvent.agent
type r5.AuditEventAgent backbone AuditEvent.agent
field r5.AuditEventAgent.Requestor *r5.Boolean 0..1 AuditEvent.agent.requestor
type r5.Period complex Period
type hotbeverage.BrewedLog profile BrewedLog
`
	report, summary := APIChanges(r4, r5)
	for _, want := range []string{
		"Package r4 is now r5",
		"field r5.AuditEvent.Period removed (AuditEvent.period)",
		"field r5.AuditEvent.Outcome retyped: *r5.Code[r5.AuditEventOutcome] → *r5.AuditEventOutcome",
		"field r5.AuditEventAgent.Requestor cardinality 1..1 → 0..1",
		"field r5.AuditEvent.Occurred added",
		"code r5.AuditEventOutcome.AuditEventOutcome0 (0) dropped",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	for _, unwanted := range []string{"type r4.AuditEvent removed", "type r5.AuditEvent added", "type r5.Period added"} {
		if strings.Contains(report, unwanted) {
			t.Errorf("the report says %q:\n%s", unwanted, report)
		}
	}
	if summary != "6 API changes, 3 breaking" {
		t.Errorf("summary %q\n%s", summary, report)
	}
}
