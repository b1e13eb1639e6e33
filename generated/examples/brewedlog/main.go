// Command brewedlog shows the generated packages at work: it builds an
// AuditEvent that conforms to the HotBeverage BrewedLog profile with the
// typed profile view, marks it with a usage restriction (the VhDir
// extension), validates it against the base definition and the profile, and
// prints it as FHIR JSON.
package main

import (
	"fmt"
	"os"

	"github.com/fhirgen/fhirgen/generated/hotbeverage"
	"github.com/fhirgen/fhirgen/generated/r4"
	"github.com/fhirgen/fhirgen/generated/vhdir"
)

func main() {
	// NewBrewedLog fills in every fixed and pattern value: type, subtype,
	// action, outcome, and the client, server and data slices.
	log := hotbeverage.NewBrewedLog()
	log.ID = r4.NewString("brew-42")
	log.Recorded = r4.NewInstant("2026-11-23T08:00:00Z")
	log.Source = &r4.AuditEventSource{Observer: &r4.Reference{Reference: r4.NewString("Device/coffee-machine")}}

	client := log.Client()
	client.Who = &r4.Reference{Reference: r4.NewString("Device/coffee-app")}
	client.Requestor = r4.NewBoolean(false)
	client.Network = &r4.AuditEventAgentNetwork{Address: r4.NewString("10.0.0.12"), Type: r4.NewCode(r4.AuditEventAgentNetworkType2)}

	server := log.Server()
	server.Who = &r4.Reference{Reference: r4.NewString("Device/coffee-machine")}
	server.Requestor = r4.NewBoolean(false)
	server.Network = &r4.AuditEventAgentNetwork{Address: r4.NewString("coffee-machine.local"), Type: r4.NewCode(r4.AuditEventAgentNetworkType1)}

	// The human slice is optional: EnsureHuman adds it with its pattern
	// values (the beneficiary type, requestor true).
	human := log.EnsureHuman()
	human.Who = &r4.Reference{Reference: r4.NewString("Practitioner/adams")}
	human.Name = r4.NewString("Dr Adams")

	data := log.Data()
	data.Description = r4.NewString("Double espresso")
	data.Detail = []r4.AuditEventEntityDetail{{Type: r4.NewString("BrewedProduct"), Value: r4.NewString("espresso")}}

	// The usage restriction goes on the resource; setting it again replaces it.
	vhdir.SetUsageRestriction(&log.Extension, &r4.Reference{Reference: r4.NewString("Consent/staff-only")})
	vhdir.SetUsageRestriction(&log.Extension, &r4.Reference{Reference: r4.NewString("Consent/kitchen-staff")})

	if err := log.Validate(); err != nil {
		fmt.Fprintln(os.Stderr, "invalid BrewedLog:", err)
		os.Exit(1)
	}
	out, err := r4.MarshalResourceIndent(log.AuditEvent, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(string(out))
}
