package gentest

import (
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/r4"
)

// A resource's logical id is an id ([A-Za-z0-9\-\.]{1,64}), though R4 types
// Resource.id as a string: the HL7 validator checks it so, and R5 types it
// so. Contained resources' ids too.
func TestResourceIDIsAnID(t *testing.T) {
	long := strings.Repeat("a", 65)
	cases := []struct {
		name, from, to string
		want           string // the location of the one error, "" for none
	}{
		{"valid", "", "", ""},
		{"letters, digits, - and .", `"id":"a1"`, `"id":"A-1.b"`, ""},
		{"64 characters", `"id":"a1"`, `"id":"` + long[:64] + `"`, ""},
		{"an underscore", `"id":"a1"`, `"id":"a_1"`, "AuditEvent.id"},
		{"65 characters", `"id":"a1"`, `"id":"` + long + `"`, "AuditEvent.id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := r4.UnmarshalResource([]byte(strings.Replace(validEvent, tc.from, tc.to, 1)))
			if err != nil {
				t.Fatal(err)
			}
			var locs []string
			for _, i := range res.(*r4.AuditEvent).ValidateIssues() {
				if i.Severity == "error" {
					locs = append(locs, i.Path+": "+i.Message)
				}
			}
			switch {
			case tc.want == "" && len(locs) > 0:
				t.Fatalf("errors: %q", locs)
			case tc.want != "" && (len(locs) != 1 || !strings.HasPrefix(locs[0], tc.want+":")):
				t.Fatalf("want one error at %s, got %q", tc.want, locs)
			}
		})
	}
}
