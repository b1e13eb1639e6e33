module fhirgen.test/autest

go 1.22

require fhirgen.test/au v0.0.0

replace fhirgen.test/au => ../../ig-au
