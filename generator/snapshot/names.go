package snapshot

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/fhirgen/fhirgen/generator/diag"
)

// The names that become Go identifiers, file names or package names are
// held to FHIR's own rules for them before anything maps them:
var (
	// a type a definition defines: a FHIR type name
	typeNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,63}$`)
	// one segment of an element path (eld-19/eld-20, without the punctuation
	// FHIR tolerates there but no JSON property name uses)
	elementNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,63}(\[x\])?$`)
	// a slice name (eld-16)
	sliceNameRE = regexp.MustCompile(`^[a-zA-Z0-9/\-_\[\]@]{1,64}$`)
	// a constraint key: the id type
	constraintKeyRE = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)
)

// maxURLLength bounds a canonical URL.
const maxURLLength = 1024

// checkURL holds a canonical URL to the uri type: no whitespace or control
// characters, and absolute.
func checkURL(file, element, what, url string) error {
	if url == "" {
		return diag.Errorf(file, element, "%s is empty", what)
	}
	if len(url) > maxURLLength {
		return diag.Errorf(file, element, "%s is %d characters long (at most %d)", what, len(url), maxURLLength)
	}
	for _, r := range url {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar || unicode.Is(unicode.Cf, r) {
			return diag.Errorf(file, element, "%s %q holds a space or control character", what, url)
		}
	}
	if i := strings.Index(url, ":"); i <= 0 {
		return diag.Errorf(file, element, "%s %q is not absolute", what, url)
	}
	return nil
}

// checkNames holds a definition's names to FHIR's rules.
func checkNames(d *Definition) error {
	if err := checkURL(d.File(), "", "url", d.URL); err != nil {
		return err
	}
	if d.Kind != "logical" && !typeNameRE.MatchString(d.Type) {
		return diag.Errorf(d.File(), "", "type %q is not a FHIR type name (%s)", d.Type, typeNameRE)
	}
	if len(d.Name) > 255 || strings.IndexFunc(d.Name, unicode.IsLetter) < 0 {
		return diag.Errorf(d.File(), "", "name %.80q: a name needs a letter and at most 255 characters", d.Name)
	}
	for _, list := range [][]*Element{d.Snapshot, d.Differential} {
		for _, e := range list {
			if err := checkElementNames(d, e); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkElementNames(d *Definition, e *Element) error {
	id := e.ID()
	for i, seg := range strings.Split(e.Path(), ".") {
		if i == 0 {
			if d.Kind != "logical" && seg != d.Type {
				return diag.Errorf(d.File(), id, "path %q does not start with the type %s", e.Path(), d.Type)
			}
			continue
		}
		if !elementNameRE.MatchString(seg) {
			return diag.Errorf(d.File(), id, "element name %q in path %q is not a FHIR element name (%s)", seg, e.Path(), elementNameRE)
		}
		if i == 1 && seg == "resourceType" && d.Kind == "resource" {
			return diag.Errorf(d.File(), id, "a resource cannot have an element named resourceType: its JSON names the resource's type there")
		}
	}
	if e.Has("sliceName") && !sliceNameRE.MatchString(e.SliceName()) {
		return diag.Errorf(d.File(), id, "slice name %q is not made of the characters eld-16 allows (%s)", e.SliceName(), sliceNameRE)
	}
	for _, c := range e.Get("constraint").Array() {
		if key := c.Get("key").String(); !constraintKeyRE.MatchString(key) {
			return diag.Errorf(d.File(), id, "constraint key %q is not an id (%s)", key, constraintKeyRE)
		}
	}
	return nil
}
