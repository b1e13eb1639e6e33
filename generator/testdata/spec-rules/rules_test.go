package r4_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"example.org/golden/fhir"
	"example.org/golden/r4"
)

// errorsOf validates a resource with opts and returns its errors as
// "location: message".
func errorsOf(t *testing.T, doc string, opts *fhir.ValidationOptions) []string {
	t.Helper()
	res, err := r4.UnmarshalResource([]byte(doc))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	var out []string
	for _, i := range r4.ValidateResourceWith(res, opts) {
		if i.Severity == fhir.SeverityError {
			out = append(out, i.Path+": "+i.Message)
		}
	}
	return out
}

const patient = `{"resourceType":"Patient","id":"p1"}`

func bundle(typ, entries string) string {
	return `{"resourceType":"Bundle","type":"` + typ + `","entry":[` + entries + `]}`
}

// Each rule the specification states in prose (rules/*.go.tmpl) and each
// validation option, with an instance that keeps it and one that breaks it.
func TestSpecRules(t *testing.T) {
	unknown := &fhir.ValidationOptions{UnknownExtensions: fhir.SeverityError}
	resolve := &fhir.ValidationOptions{ResolveReferences: true}
	cases := []struct {
		name string
		doc  string
		opts *fhir.ValidationOptions
		want string // the location and start of the one error; "" for none
	}{
		{"fullUrl: absolute", bundle("collection", `{"fullUrl":"http://a.org/fhir/Patient/p1","resource":`+patient+`}`), nil, ""},
		{"fullUrl: urn:uuid", bundle("collection", `{"fullUrl":"urn:uuid:9d2a5d3c-1f3a-4f0e-9b1a-2b7c1f0e4a11","resource":`+patient+`}`), nil, ""},
		{"fullUrl: relative", bundle("collection", `{"fullUrl":"Patient/p1","resource":`+patient+`}`), nil, "Bundle.entry[0]: the fullUrl must be an absolute URL"},
		{"fullUrl: missing", bundle("collection", `{"resource":`+patient+`}`), nil, "Bundle.entry[0]: the entry has a resource and no fullUrl"},
		{"fullUrl: missing on a POST", bundle("transaction", `{"resource":`+patient+`,"request":{"method":"POST","url":"Patient"}}`), nil, ""},
		{"fullUrl: RESTful, another id", bundle("collection", `{"fullUrl":"http://a.org/fhir/Patient/p2","resource":`+patient+`}`), nil, "Bundle.entry[0]: the fullUrl \"http://a.org/fhir/Patient/p2\" looks like a RESTful server URL"},
		{"fullUrl: RESTful, another type", bundle("collection", `{"fullUrl":"http://a.org/fhir/Group/p1","resource":`+patient+`}`), nil, "Bundle.entry[0]: the fullUrl \"http://a.org/fhir/Group/p1\" looks like a RESTful server URL"},
		{"fullUrl: RESTful, versioned (bdl-8's alone)", bundle("collection", `{"fullUrl":"http://a.org/fhir/Patient/p1/_history/2","resource":`+patient+`}`), nil, "Bundle.entry[0]: fullUrl cannot be a version specific reference"},
		{"search result with an id", bundle("searchset", `{"fullUrl":"http://a.org/fhir/Patient/p1","resource":`+patient+`,"search":{"mode":"match"}}`), nil, ""},
		{"search result without an id", bundle("searchset", `{"fullUrl":"urn:uuid:9d2a5d3c-1f3a-4f0e-9b1a-2b7c1f0e4a11","resource":{"resourceType":"Patient"},"search":{"mode":"match"}}`), nil, "Bundle.entry[0].resource: a search result must have an id"},
		{"search outcome without id or fullUrl", bundle("searchset", `{"resource":{"resourceType":"OperationOutcome","issue":[{"severity":"warning","code":"not-found"}]},"search":{"mode":"outcome"}}`), nil, ""},
		{"search result of the searched type", `{"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":"http://a.org/fhir/Patient?name=x"}],"entry":[{"fullUrl":"http://a.org/fhir/Patient/p1","resource":` + patient + `,"search":{"mode":"match"}}]}`, nil, ""},
		{"search result of another type", `{"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":"http://a.org/fhir/Group?name=x"}],"entry":[{"fullUrl":"http://a.org/fhir/Patient/p1","resource":` + patient + `,"search":{"mode":"match"}}]}`, nil, "Bundle.entry[0].resource: this Patient is not a match for a search of Group"},
		{"paging link in a searchset", `{"resourceType":"Bundle","type":"searchset","link":[{"relation":"next","url":"http://a.org/fhir/Patient?page=2"}]}`, nil, ""},
		{"paging link in a collection", `{"resourceType":"Bundle","type":"collection","link":[{"relation":"next","url":"http://a.org/fhir/Patient?page=2"}]}`, nil, "Bundle.link[0].relation: the paging link \"next\""},

		{"document: the Composition's references resolve", document(`"Patient/p1"`, patientEntry("http://a.org/fhir/Patient/p1", "p1", "")), nil, ""},
		{"document: a urn:uuid reference resolves", document(`"urn:uuid:9d2a5d3c-1f3a-4f0e-9b1a-2b7c1f0e4a11"`, patientEntry("urn:uuid:9d2a5d3c-1f3a-4f0e-9b1a-2b7c1f0e4a11", "p1", "")), nil, ""},
		{"document: a reference to no entry", document(`"Patient/p2"`, patientEntry("http://a.org/fhir/Patient/p1", "p1", "")), nil, "Bundle.entry[0].resource: the Composition's reference \"Patient/p2\" resolves to no entry"},
		{"document: a versioned reference to the version held", document(`"Patient/p1/_history/2"`, patientEntry("http://a.org/fhir/Patient/p1", "p1", "2")), nil, ""},
		{"document: a versioned reference to another version", document(`"Patient/p1/_history/3"`, patientEntry("http://a.org/fhir/Patient/p1", "p1", "2")), nil, "Bundle.entry[0].resource: the Composition's reference \"Patient/p1/_history/3\" resolves to no entry"},
		{"document: a reference to two versions", document(`"Patient/p1"`, patientEntry("http://a.org/fhir/Patient/p1", "p1", "1")+","+patientEntry("http://a.org/fhir/Patient/p1", "p1", "2")), nil, "Bundle.entry[0].resource: the Composition's reference \"Patient/p1\" resolves to 2 entries"},

		{"Attachment size matches", docRef(`"data":"aGVsbG8=","size":5`), nil, ""},
		{"Attachment size differs", docRef(`"data":"aGVsbG8=","size":6`), nil, "DocumentReference.content[0].attachment: the size 6 does not match the data, which holds 5 bytes"},

		{"Coding.system absolute", docRefType(`"system":"http://loinc.org","code":"1-8"`), nil, ""},
		{"Coding.system local", docRefType(`"system":"LOINC","code":"1-8"`), nil, "DocumentReference.type.coding[0].system: a Coding's system must be an absolute URI"},
		{"Coding.system a value set", docRefType(`"system":"http://hl7.org/fhir/ValueSet/doc-typecodes","code":"1-8"`), nil, "DocumentReference.type.coding[0].system: a Coding's system names a code system"},

		{"unknown extension, not asked", patientExt("http://a.org/ext/x"), nil, ""},
		{"unknown extension, asked", patientExt("http://a.org/ext/x"), unknown, "Patient.extension[0]: the extension http://a.org/ext/x is unknown"},
		{"unknown extension in an allowed domain", patientExt("http://a.org/ext/x"), &fhir.ValidationOptions{UnknownExtensions: fhir.SeverityError, ExtensionDomains: []string{"http://a.org/"}}, ""},
		{"known extension (R4 core, not generated)", patientExt("http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName"), unknown, ""},
		{"known extension, value of the type it allows", `{"resourceType":"Patient","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthPlace","valueAddress":{"city":"Ghent"}}]}`, nil, ""},
		{"known extension, value of another type", patientExt("http://hl7.org/fhir/StructureDefinition/patient-birthPlace"), nil, "Patient.extension[0]: the extension's definition allows a value of type Address only"},
		{"versioned extension url", patientExt("http://hl7.org/fhir/StructureDefinition/patient-birthPlace|4.0.1"), nil, "Patient.extension[0].url: an extension url must not contain a version"},

		{"extension context: a resource", ext("patient-birthPlace", `"valueAddress":{"city":"Ghent"}`, "Patient"), nil, ""},
		{"extension context: another element", ext("patient-birthPlace", `"valueAddress":{"city":"Ghent"}`, "Patient.name"), nil, "Patient.name[0]: the extension http://hl7.org/fhir/StructureDefinition/patient-birthPlace is not allowed here"},
		{"extension context: a primitive element", ext("patient-birthTime", `"valueDateTime":"2000-01-01T10:00:00Z"`, "Patient.birthDate"), nil, ""},
		{"extension context: not the resource", ext("patient-birthTime", `"valueDateTime":"2000-01-01T10:00:00Z"`, "Patient"), nil, "Patient: the extension http://hl7.org/fhir/StructureDefinition/patient-birthTime is not allowed here"},
		{"extension context: a datatype's element", ext("humanname-partner-prefix", `"valueString":"van"`, "Patient.name.family"), nil, ""},
		{"extension context: another element of the datatype", ext("humanname-partner-prefix", `"valueString":"van"`, "Patient.name.given"), nil, "Patient.name[0].given[0]: the extension http://hl7.org/fhir/StructureDefinition/humanname-partner-prefix is not allowed here"},
		{"extension context: an ancestor type (Resource)", ext("resource-pertainsToGoal", `"valueReference":{"reference":"Goal/g1"}`, "Patient"), nil, ""},
		{"extension context: an element, not a resource", ext("resource-pertainsToGoal", `"valueReference":{"reference":"Goal/g1"}`, "Patient.name"), nil, "Patient.name[0]: the extension http://hl7.org/fhir/StructureDefinition/resource-pertainsToGoal is not allowed here"},
		{"extension context: a nested backbone element (Composition.section)", ext("composition-section-subject", `"valueString":"s"`, "Composition.section.section"), nil, ""},
		{"extension context: not the backbone element", ext("composition-section-subject", `"valueString":"s"`, "Composition"), nil, "Composition: the extension http://hl7.org/fhir/StructureDefinition/composition-section-subject is not allowed here"},
		{"extension context: a resource in a Bundle", bundle("collection", `{"fullUrl":"http://a.org/fhir/Patient/p1","resource":`+set(ext("patient-birthPlace", `"valueAddress":{"city":"Ghent"}`, "Patient"), `"resourceType":"Patient",`, `"resourceType":"Patient","id":"p1",`)+`}`), nil, ""},
		{"extension context: a contained resource", set(ext("patient-birthPlace", `"valueAddress":{"city":"Ghent"}`, "Patient"), `{"resourceType":"Patient",`, `{"resourceType":"Patient","contained":[{"resourceType":"Patient","id":"c","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"2000-01-01T10:00:00Z"}]}],"link":[{"other":{"reference":"#c"},"type":"seealso"}],`), nil, "Patient.contained[0]: the extension http://hl7.org/fhir/StructureDefinition/patient-birthTime is not allowed here"},

		{"example URL, examples allowed", docRef(`"url":"http://example.org/doc"`), nil, ""},
		{"example URL, examples not allowed", docRef(`"url":"http://example.org/doc"`), &fhir.ValidationOptions{NoExampleURLs: true}, "DocumentReference.content[0].attachment.url: example URLs are not allowed"},
		{"URL elsewhere, examples not allowed", docRef(`"url":"http://hospital.test/doc"`), &fhir.ValidationOptions{NoExampleURLs: true}, ""},

		{"narrative link to an anchor by name", narrative(`<a name=\"top\"/><a href=\"#top\">top</a>`, ""), nil, ""},
		{"narrative link to an element by id", narrative(`<p id=\"p1\">x</p><a href='#p1'>p</a>`, ""), nil, ""},
		{"narrative link to a contained resource", narrative(`<a href=\"#c\">c</a>`, `"contained":[{"resourceType":"Patient","id":"c"}],"link":[{"other":{"reference":"#c"},"type":"seealso"}],`), nil, ""},
		{"narrative link to another page", narrative(`<a href=\"http://a.org/#x\">x</a>`, ""), nil, ""},
		{"narrative link that resolves to nothing", narrative(`<a href=\"#nowhere\">?</a><p title=\"id=nowhere\">x</p>`, ""), nil, "Patient.text.div: the hyperlink #nowhere resolves to no element"},
		{"narrative link in a Bundle: not checked", bundle("collection", `{"fullUrl":"http://a.org/fhir/Patient/p1","resource":`+set(narrative(`<a href=\"#elsewhere\">?</a>`, ""), `"resourceType":"Patient",`, `"resourceType":"Patient","id":"p1",`)+`}`), nil, ""},

		{"contained resource validated", containedBad, nil, "Patient.contained[0].gender: "},
		{"contained resource skipped", containedBad, &fhir.ValidationOptions{SkipContained: true}, ""},
		{"reference resolves in the Bundle", linked("p2"), resolve, ""},
		{"reference resolves nowhere, not asked", linked("p3"), nil, ""},
		{"reference resolves nowhere", linked("p3"), resolve, "Bundle.entry[0].resource.link[0].other.reference: the reference \"Patient/p3\" resolves to no resource"},
		{"absolute reference, not resolved", bundle("collection", `{"fullUrl":"http://a.org/fhir/Patient/p1","resource":{"resourceType":"Patient","id":"p1","link":[{"other":{"reference":"http://b.org/fhir/Patient/x"},"type":"seealso"}]}}`), resolve, ""},

		{"raw contained resource: its elements are valid", rawContained(`"meta":{"profile":["http://a.org/p"]},"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},"extension":[{"url":"http://a.org/x","valueString":"x"}]`), nil, ""},
		{"raw contained resource: meta.versionId (dom-4)", rawContained(`"meta":{"versionId":"2"}`), nil, "Patient: If a resource is contained in another resource, it SHALL NOT have a meta.versionId"},
		{"raw contained resource: meta.security (dom-5)", rawContained(`"meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]}`), nil, "Patient: If a resource is contained in another resource, it SHALL NOT have a security label"},
		{"raw contained resource: nested contained (dom-2)", rawContained(`"contained":[{"resourceType":"Patient","id":"n"}]`), nil, "Patient: If the resource is contained in another resource, it SHALL NOT contain nested Resources"},
		{"raw contained resource: an extension without url", rawContained(`"extension":[{"valueString":"x"}]`), nil, "Patient.contained[0].extension[0].url: minimum required = 1"},
		{"raw contained resource: an extension's context", rawContained(`"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"2000-01-01T10:00:00Z"}]`), nil, "Patient.contained[0]: the extension http://hl7.org/fhir/StructureDefinition/patient-birthTime is not allowed here"},

		{"unreferenced contained resource: dom-3", unreferenced, nil, "Patient: If the resource is contained in another resource, it SHALL be referred to"},
		{"unreferenced contained resource skipped: dom-3 with it", unreferenced, &fhir.ValidationOptions{SkipContained: true}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := errorsOf(t, tc.doc, tc.opts)
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Fatalf("errors: %q", errs)
			case tc.want != "" && (len(errs) != 1 || !strings.HasPrefix(errs[0], tc.want)):
				t.Fatalf("want one error %q..., got %q", tc.want, errs)
			}
		})
	}
}

func docRef(attachment string) string {
	return `{"resourceType":"DocumentReference","status":"current","content":[{"attachment":{"contentType":"text/plain",` + attachment + `}}]}`
}

func docRefType(coding string) string {
	return `{"resourceType":"DocumentReference","status":"current","type":{"coding":[{` + coding + `}]},"content":[{"attachment":{"contentType":"text/plain"}}]}`
}

// ext is an instance holding the R4 core extension name (with its value)
// at where: a resource (Patient, Composition) or a path in it whose steps
// are single (a primitive's extension goes to its _name).
func ext(name, value, where string) string {
	extension := `"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/` + name + `",` + value + `}]`
	switch where {
	case "Patient":
		return `{"resourceType":"Patient",` + extension + `}`
	case "Patient.name":
		return `{"resourceType":"Patient","name":[{"text":"x",` + extension + `}]}`
	case "Patient.birthDate":
		return `{"resourceType":"Patient","birthDate":"2000-01-01","_birthDate":{` + extension + `}}`
	case "Patient.name.family":
		return `{"resourceType":"Patient","name":[{"family":"Beethoven","_family":{` + extension + `}}]}`
	case "Patient.name.given":
		return `{"resourceType":"Patient","name":[{"given":["Ludwig"],"_given":[{` + extension + `}]}]}`
	case "Composition":
		return composition(extension+`,`, `{"title":"s","entry":[{"display":"e"}]}`)
	case "Composition.section.section":
		return composition("", `{"title":"s","section":[{"title":"n",`+extension+`,"entry":[{"display":"e"}]}]}`)
	}
	panic("ext: " + where)
}

// composition is a Composition with the properties given and one section.
func composition(props, section string) string {
	return `{"resourceType":"Composition",` + props + `"status":"final","type":{"text":"t"},"date":"2020-01-01","author":[{"display":"a"}],"title":"t","section":[` + section + `]}`
}

func patientExt(url string) string {
	return `{"resourceType":"Patient","extension":[{"url":"` + url + `","valueString":"x"}]}`
}

// rawContained is a Patient holding an Organization (a type the module
// does not have: a RawResource) with the elements given.
func rawContained(elements string) string {
	return `{"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o1",` + elements + `,"name":"x"}],"managingOrganization":{"reference":"#o1"}}`
}

// a contained Patient whose gender is not a code of its value set
const containedBad = `{"resourceType":"Patient","contained":[{"resourceType":"Patient","id":"c","gender":"none"}],"link":[{"other":{"reference":"#c"},"type":"seealso"}]}`

// narrative is a Patient (with the properties given) whose generated
// narrative holds the XHTML given.
func narrative(xhtml, props string) string {
	return `{"resourceType":"Patient",` + props + `"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">` + xhtml + `</div>"}}`
}

// set replaces the first occurrence of old in doc.
func set(doc, old, new string) string { return strings.Replace(doc, old, new, 1) }

// document is a document Bundle whose Composition's subject is the
// reference given (JSON string), with the entries given after it.
func document(subject, entries string) string {
	composition := `{"fullUrl":"http://a.org/fhir/Composition/c1","resource":{"resourceType":"Composition","id":"c1","status":"final","type":{"text":"note"},"subject":{"reference":` + subject + `},"date":"2024-01-01","author":[{"display":"Dr A"}],"title":"Note"}}`
	return `{"resourceType":"Bundle","identifier":{"system":"urn:ietf:rfc:3986","value":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0"},"type":"document","timestamp":"2024-01-01T00:00:00Z","entry":[` + composition + `,` + entries + `]}`
}

// patientEntry is a Bundle entry of a Patient with a fullUrl, an id and,
// unless "", a meta.versionId.
func patientEntry(fullURL, id, version string) string {
	meta := ""
	if version != "" {
		meta = `"meta":{"versionId":"` + version + `"},`
	}
	return `{"fullUrl":"` + fullURL + `","resource":{"resourceType":"Patient",` + meta + `"id":"` + id + `"}}`
}

// a contained Patient nothing refers to (dom-3)
const unreferenced = `{"resourceType":"Patient","contained":[{"resourceType":"Patient","id":"c"}]}`

// linked is a collection of Patient p1, which links to Patient/<to>, and
// Patient p2.
func linked(to string) string {
	return bundle("collection", `{"fullUrl":"http://a.org/fhir/Patient/p1","resource":{"resourceType":"Patient","id":"p1","link":[{"other":{"reference":"Patient/`+to+`"},"type":"seealso"}]}},`+
		`{"fullUrl":"http://a.org/fhir/Patient/p2","resource":{"resourceType":"Patient","id":"p2"}}`)
}

// TestUCUMRule: the code of a Quantity (or of a type derived from it) whose
// system is UCUM is written in UCUM's syntax; another system's is not read.
func TestUCUMRule(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want string // the location and start of the one error; "" for none
	}{
		{`{"value":5,"system":"http://unitsofmeasure.org","code":"mg/dL"}`, ""},
		{`{"value":5,"system":"http://unitsofmeasure.org","code":"10*3/uL"}`, ""},
		{`{"value":5,"system":"http://unitsofmeasure.org","code":"mg//dL"}`, "Quantity.code: a unit expected at offset 3"},
		{`{"value":5,"system":"http://unitsofmeasure.org","code":"mg per dL"}`, "Quantity.code: unexpected ' ' at offset 2"},
		{`{"value":5,"system":"http://snomed.info/sct","code":"mg per dL"}`, ""},
	} {
		var q r4.Quantity
		if err := json.Unmarshal([]byte(tc.doc), &q); err != nil {
			t.Fatalf("%s: %v", tc.doc, err)
		}
		var errs []string
		for _, i := range q.ValidateIssues() {
			if i.Severity == fhir.SeverityError {
				errs = append(errs, i.Path+": "+i.Message)
			}
		}
		switch {
		case tc.want == "" && len(errs) > 0:
			t.Errorf("%s: errors %q", tc.doc, errs)
		case tc.want != "" && (len(errs) != 1 || !strings.HasPrefix(errs[0], tc.want)):
			t.Errorf("%s: want one error %q..., got %q", tc.doc, tc.want, errs)
		}
	}
	// a type derived from Quantity
	var age r4.Age
	if err := json.Unmarshal([]byte(`{"value":5,"system":"http://unitsofmeasure.org","code":"a b"}`), &age); err != nil {
		t.Fatal(err)
	}
	if issues := age.ValidateIssues(); !strings.Contains(issues.Error(), "Age.code: unexpected ' '") {
		t.Errorf("Age: %v", issues)
	}
}

// TestRawResourceElements: a raw resource's common elements are decoded as
// strictly as a generated resource's, and its JSON is kept as read.
func TestRawResourceElements(t *testing.T) {
	_, err := r4.UnmarshalResource([]byte(rawContained(`"meta":"x"`)))
	if err == nil || !strings.Contains(err.Error(), "Patient.contained[0].meta") {
		t.Errorf("a meta that is not an object: %v", err)
	}
	doc := rawContained(`"meta":{"versionId":"2"}, "unknownToTheModule" : [1, 2]`)
	res, err := r4.UnmarshalResource([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := res.(*r4.Patient).Contained[0].(*r4.RawResource)
	if !ok || raw.GetMeta().GetVersionID().GetValue() != "2" || raw.GetID().GetValue() != "o1" {
		t.Fatalf("contained: %#v", res.(*r4.Patient).Contained[0])
	}
	if want := doc[strings.Index(doc, `{"resourceType":"Organization"`):strings.Index(doc, `],"managingOrganization"`)]; string(raw.JSON) != want {
		t.Errorf("raw JSON %s, want %s", raw.JSON, want)
	}
}

// knownCodes is a stand-in terminology server: the codes it knows, as
// "system|code" (a value set's code as "valueSet#code").
type knownCodes map[string]bool

func (k knownCodes) ValidateCode(_ context.Context, c fhir.CodeCheck) (fhir.CodeResult, error) {
	if c.ValueSet != "" {
		return fhir.CodeResult{Valid: k[c.ValueSet+"#"+c.Code]}, nil
	}
	return fhir.CodeResult{Valid: k[c.System+"|"+c.Code]}, nil
}

// TestTerminologyBindings: with a terminology server, a required binding
// the module cannot expand (Attachment.contentType, mime types) and an
// extensible one (Patient.maritalStatus) are checked through it.
func TestTerminologyBindings(t *testing.T) {
	tx := &fhir.ValidationOptions{Terminology: knownCodes{
		"http://hl7.org/fhir/ValueSet/mimetypes|4.0.1#text/plain":  true,
		"http://hl7.org/fhir/ValueSet/marital-status#M":            true,
		"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus|M": true,
		"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus|X": true,
	}}
	marital := func(code string) string {
		return `{"resourceType":"Patient","maritalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"` + code + `"}]}}`
	}
	for _, tc := range []struct {
		name, doc string
		opts      *fhir.ValidationOptions
		want      string // the one issue (error or warning), as "severity location: message"; "" for none
	}{
		{"required, in the value set", docRef(`"url":"http://a.org/doc"`), tx, ""},
		{"required, not in the value set", set(docRef(`"url":"http://a.org/doc"`), "text/plain", "text/unknown"), tx, `error DocumentReference.content[0].attachment.contentType: "text/unknown" is not in the value set http://hl7.org/fhir/ValueSet/mimetypes|4.0.1 (required binding)`},
		{"required, no server: not checked", set(docRef(`"url":"http://a.org/doc"`), "text/plain", "text/unknown"), nil, ""},
		{"extensible, in the value set", marital("M"), tx, ""},
		{"extensible, not in the value set", marital("X"), tx, `warning Patient.maritalStatus: no coding is in the value set http://hl7.org/fhir/ValueSet/marital-status (extensible binding)`},
		{"a code its system does not have", marital("Q"), tx, `error Patient.maritalStatus.coding[0]: the terminology server finds the code "Q"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := r4.UnmarshalResource([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, i := range r4.ValidateResourceWith(res, tc.opts) {
				if (i.Severity == fhir.SeverityError || i.Severity == fhir.SeverityWarning) && i.Key != "dom-6" { // dom-6: no narrative
					got = append(got, string(i.Severity)+" "+i.Path+": "+i.Message)
				}
			}
			if tc.want == "" && len(got) > 0 || tc.want != "" && (len(got) == 0 || !strings.HasPrefix(got[0], tc.want)) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
