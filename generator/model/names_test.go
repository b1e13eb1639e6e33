package model

import "testing"

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"implicitRules": "ImplicitRules", "id": "ID", "versionId": "VersionID", "url": "URL", "uri": "URI",
		"base64Binary": "Base64Binary", "dateTime": "DateTime", "AuditEvent": "AuditEvent", "valueUuid": "ValueUUID",
		"oid": "OID", "identifier": "Identifier", "urlHttpId": "URLHTTPID", "Foo_bar": "FooBar", "3d": "X3d",
		"type": "Type", "xhtml": "XHTML", "SampledData": "SampledData", "HTTPVerb": "HTTPVerb", "": "X",
	} {
		if got := GoName(in); got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCodeGoName(t *testing.T) {
	for in, want := range map[string]string{
		"<=": "LessThanEqual", "!=": "NotEqual", "in-progress": "InProgress", "entered-in-error": "EnteredInError",
		"0": "0", "mL": "ML", "LDL": "LDL", "": "Empty", "*/": "Star", "text/plain": "TextPlain",
	} {
		if got := CodeGoName(in); got != want {
			t.Errorf("CodeGoName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPackageName(t *testing.T) {
	for in, want := range map[string]string{"hotbeverage": "hotbeverage", "vhdir": "vhdir", "Foo-Bar": "foobar", "type": "fhirtype", "9x": "fhir9x", "string": "fhirstring"} {
		if got := PackageName(in); got != want {
			t.Errorf("PackageName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNamespace(t *testing.T) {
	ns := NewNamespace("Reserved")
	if got := ns.Take("Reserved", "Element", "a"); got != "ReservedElement" {
		t.Errorf("got %q", got)
	}
	if got := ns.Take("Reserved", "Element", "b"); got != "ReservedElement2" {
		t.Errorf("got %q", got)
	}
	if got := ns.Take("Free", "Element", "c"); got != "Free" {
		t.Errorf("got %q", got)
	}
}
