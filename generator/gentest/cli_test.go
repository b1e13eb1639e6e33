package gentest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/r4"
)

// buildValidator builds the generated fhir-validate command.
func buildValidator(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fhir-validate")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/fhir-validate")
	cmd.Dir = "../../generated"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// eventFiles writes the valid event, and the event with old replaced by
// new, to files in a directory of their own.
func eventFiles(t *testing.T, old, new string) (good, bad string) {
	t.Helper()
	dir := t.TempDir()
	good, bad = filepath.Join(dir, "good.json"), filepath.Join(dir, "bad.json")
	for f, doc := range map[string]string{good: validEvent, bad: edit(t, validEvent, old, new)} {
		if err := os.WriteFile(f, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return good, bad
}

func runValidator(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	}
	t.Fatal(err)
	return "", -1
}

func TestFHIRValidateCommand(t *testing.T) {
	bin := buildValidator(t)
	good, bad := eventFiles(t, `"action":"R"`, `"action":"X"`)
	dir := filepath.Dir(good)

	// the event's extension is not one the module knows: a warning by
	// default, as the options say otherwise
	unknown := good + ": warning AuditEvent.extension[0]: the extension http://example.org/fhir/StructureDefinition/x is unknown"
	for _, tc := range []struct {
		args     []string
		wantCode int
		wantOut  string // a prefix; "" for no output
	}{
		{nil, 0, unknown},
		{[]string{"-unknown-extensions", "none"}, 0, ""},
		{[]string{"-unknown-extensions", "error"}, 1, strings.Replace(unknown, "warning", "error", 1)},
		{[]string{"-unknown-extensions", "error", "-extension-domain", "http://example.org/fhir/"}, 0, ""},
		{[]string{"-unknown-extensions", "fatal"}, 2, "fhir-validate: -unknown-extensions fatal"},
		// the event refers to a Practitioner, a Device and a Patient it does not hold
		{[]string{"-unknown-extensions", "none", "-resolve-references"}, 1, good + `: error AuditEvent.agent[0].who.reference: the reference "Practitioner/p1" resolves to no resource the instance holds`},
	} {
		out, code := runValidator(t, bin, append(tc.args, good)...)
		if code != tc.wantCode || !strings.HasPrefix(out, tc.wantOut) || tc.wantOut == "" && out != "" {
			t.Errorf("valid file %v: exit %d, output %q; want exit %d, output %q...", tc.args, code, out, tc.wantCode, tc.wantOut)
		}
	}
	// the bad event as XML, under a name that says neither: told by its content
	res, err := r4.UnmarshalResource(mustRead(t, bad))
	if err != nil {
		t.Fatal(err)
	}
	badXML, err := r4.MarshalResourceXML(res)
	if err != nil {
		t.Fatal(err)
	}
	sniffed := filepath.Join(dir, "bad-event.txt")
	if err := os.WriteFile(sniffed, badXML, 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := runValidator(t, bin, good, bad, sniffed, "testdata/fixtures/seed-001-ci-build-logout.json", "testdata/fixtures/seed-003-dstu2-login.xml")
	if code != 1 {
		t.Fatalf("invalid files: exit %d\n%s", code, out)
	}
	for _, want := range []string{
		bad + `: error AuditEvent.action: "X" is not in the value set http://hl7.org/fhir/ValueSet/audit-event-action`,
		sniffed + `: error AuditEvent.action: "X" is not in the value set http://hl7.org/fhir/ValueSet/audit-event-action`,
		"testdata/fixtures/seed-001-ci-build-logout.json: error AuditEvent.agent[0].networkString: unknown property, left out (at byte 978)",
		"testdata/fixtures/seed-003-dstu2-login.xml: error AuditEvent.source.identifier: unknown element identifier, left out (at line 4, column 2843)",
		// what is left is validated still: DSTU2's source.identifier is not
		// R4's source.observer, which R4 requires
		"testdata/fixtures/seed-003-dstu2-login.xml: error AuditEvent.source.observer: minimum required = 1, but only found 0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, code = runValidator(t, bin, "-json", "-unknown-extensions", "none", bad)
	var oo struct {
		ResourceType string `json:"resourceType"`
		Issue        []struct {
			Severity, Code, Diagnostics string
			Expression                  []string
		}
	}
	if err := json.Unmarshal([]byte(out), &oo); err != nil || code != 1 {
		t.Fatalf("-json: exit %d, %v\n%s", code, err, out)
	}
	if oo.ResourceType != "OperationOutcome" || len(oo.Issue) != 1 || oo.Issue[0].Severity != "error" || oo.Issue[0].Expression[0] != "AuditEvent.action" {
		t.Fatalf("-json: %+v", oo)
	}
	if _, code := runValidator(t, bin); code != 2 {
		t.Errorf("no files: exit %d, want 2", code)
	}
	if _, code := runValidator(t, bin, "-profile", "http://example.org/unknown", good); code != 2 {
		t.Errorf("unknown profile: exit %d, want 2", code)
	}
	// a resource type's own definition, as an ImplementationGuide's
	// exampleCanonical may name it
	if out, code := runValidator(t, bin, "-unknown-extensions", "none", "-profile", "http://hl7.org/fhir/StructureDefinition/AuditEvent", good); code != 0 || out != "" {
		t.Errorf("the AuditEvent definition as the profile of an AuditEvent: exit %d: %s", code, out)
	}
	if out, code := runValidator(t, bin, "-profile", "http://hl7.org/fhir/StructureDefinition/Patient", good); code != 1 || !strings.Contains(out, "error AuditEvent: the resource is of type AuditEvent; http://hl7.org/fhir/StructureDefinition/Patient defines Patient") {
		t.Errorf("the Patient definition as the profile of an AuditEvent: exit %d: %s", code, out)
	}
	if out, code := runValidator(t, bin, filepath.Join(dir, "missing.json")); code != 1 || !strings.Contains(out, "fatal") {
		t.Errorf("missing file: exit %d: %s", code, out)
	}
}

// TestFHIRValidateTerminology runs fhir-validate -tx against a stand-in
// terminology server that knows one code: the event's type is asked about
// once in its system and once in its binding's value set, and a code it does
// not know is an error with the server's message (and, outside the
// extensible binding's value set, a warning).
func TestFHIRValidateTerminology(t *testing.T) {
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		asked = append(asked, r.URL.Path+" "+q.Get("url")+" "+q.Get("code"))
		valid := q.Get("code") == "110110"
		w.Header().Set("Content-Type", "application/fhir+json")
		json.NewEncoder(w).Encode(map[string]any{"resourceType": "Parameters", "parameter": []map[string]any{
			{"name": "result", "valueBoolean": valid},
			{"name": "message", "valueString": "Unknown code '" + q.Get("code") + "'"},
		}})
	}))
	defer srv.Close()
	bin := buildValidator(t)
	good, bad := eventFiles(t, `"code":"110110"`, `"code":"999999"`)

	if out, code := runValidator(t, bin, "-unknown-extensions", "none", "-tx", srv.URL, good); code != 0 || out != "" {
		t.Errorf("a code the server knows: exit %d: %s", code, out)
	}
	// the code in its system, then in the value set of the type's
	// (extensible) binding
	if len(asked) != 2 || asked[0] != "/CodeSystem/$validate-code http://dicom.nema.org/resources/ontology/DCM 110110" ||
		asked[1] != "/ValueSet/$validate-code http://hl7.org/fhir/ValueSet/audit-event-type 110110" {
		t.Errorf("requests: %q", asked)
	}
	want := bad + ": error AuditEvent.type: Unknown code '999999'\n" +
		bad + ": warning AuditEvent.type: \"999999\" is not in the value set http://hl7.org/fhir/ValueSet/audit-event-type: Unknown code '999999' (extensible binding)\n"
	if out, code := runValidator(t, bin, "-unknown-extensions", "none", "-tx", srv.URL, bad); code != 1 || out != want {
		t.Errorf("a code the server does not know: exit %d: %s; want %q", code, out, want)
	}
	if out, code := runValidator(t, bin, "-unknown-extensions", "none", bad); code != 0 || out != "" {
		t.Errorf("no server: the code is not checked: exit %d: %s", code, out)
	}
	if out, code := runValidator(t, bin, "-tx", "tx.local", good); code != 2 || !strings.Contains(out, "want an http or https URL") {
		t.Errorf("-tx without a scheme: exit %d: %s", code, out)
	}
	srv.Close()
	if out, code := runValidator(t, bin, "-unknown-extensions", "none", "-tx", srv.URL, good); code != 0 || !strings.Contains(out, "warning AuditEvent.type: the code \"110110\" of http://dicom.nema.org/resources/ontology/DCM was not checked") {
		t.Errorf("an unreachable server: exit %d: %s", code, out)
	}
}

func mustRead(t *testing.T, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
