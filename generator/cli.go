package generator

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Version is fhirgen's release version, stamped in the package docs it
// writes; "(devel)" for a build from a checkout (a pseudo-version or a dirty
// tree), so that what a checkout generates does not change with each
// commit.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	v := info.Main.Version
	if !semver.IsValid(v) || module.IsPseudoVersion(v) || strings.Contains(v, "+") {
		return "(devel)"
	}
	return v
}

// BuildVersion is everything the binary knows of its build: the module
// version and the commit it was built from, for fhirgen version.
func BuildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	out := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
			out += " " + s.Key + "=" + s.Value
		}
	}
	return out + " " + info.GoVersion
}

// FindConfig finds the project's config when none is named: fhirgen.json in
// the working directory, else definitions/fhirgen.json at the root of the
// module the working directory is in; "" when there is neither.
func FindConfig() string {
	if fileExists("fhirgen.json") {
		return "fhirgen.json"
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	root, _, _, err := enclosingModule(wd)
	if err != nil || root == "" {
		return ""
	}
	if p := filepath.Join(root, "definitions", "fhirgen.json"); fileExists(p) {
		return p
	}
	return ""
}

// RootURL is the canonical URL a root names: a URL as it is, a type name
// (Patient) as the core definition of that type.
func RootURL(root string) string {
	if strings.Contains(root, "/") {
		return root
	}
	return "http://hl7.org/fhir/StructureDefinition/" + root
}
