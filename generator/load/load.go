// Package load reads FHIR conformance resources (StructureDefinition,
// ValueSet, CodeSystem) from packages, archives, directories and files, and
// resolves canonical references (url or url|version) between them.
package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/fhirgen/fhirgen/generator/fhirpkg"
	"github.com/tidwall/gjson"
)

// MaxFileBytes bounds one definition file.
const MaxFileBytes = 64 << 20

// Resource is one conformance resource as read.
type Resource struct {
	Type    string // resourceType
	URL     string // canonical url
	Version string
	Name    string
	ID      string
	Source  string // where it came from: "pkg@ver:package/X.json" or a file path
	Origin  string // the package it belongs to ("id@version"), or "" for loose definition files
	JSON    []byte
}

// Canonical is url|version, or url when there is no version.
func (r *Resource) Canonical() string {
	if r.Version == "" {
		return r.URL
	}
	return r.URL + "|" + r.Version
}

// Set holds loaded resources indexed by canonical URL.
type Set struct {
	All      []*Resource
	byURL    map[string][]*Resource
	Packages []PackageInfo

	shapeMu sync.Mutex
	shape   *Shape
	checked map[*Resource]error
}

// Check holds a resource to the JSON shape its type's definition gives
// (see Shape), once.
func (s *Set) Check(r *Resource) error {
	s.shapeMu.Lock()
	s.newShape()
	err, done := s.checked[r]
	s.shapeMu.Unlock()
	if done {
		return err
	}
	err = s.shape.Check(r)
	s.shapeMu.Lock()
	s.checked[r] = err
	s.shapeMu.Unlock()
	return err
}

// newShape makes the set's Shape on first use; shapeMu is held.
func (s *Set) newShape() {
	if s.shape == nil {
		s.shape, s.checked = NewShape(s), map[*Resource]error{}
	}
}

// PackageInfo describes one input package or definitions source.
type PackageInfo struct {
	Name        string // "hl7.fhir.r4.examples@4.0.1" or a path
	FHIRVersion string
	Canonical   string
}

// wanted are the resource types generation needs.
var wanted = map[string]bool{"StructureDefinition": true, "ValueSet": true, "CodeSystem": true}

// Clone returns a copy that can be added to without changing s.
func (s *Set) Clone() *Set {
	c := &Set{All: append([]*Resource(nil), s.All...), byURL: make(map[string][]*Resource, len(s.byURL)),
		Packages: append([]PackageInfo(nil), s.Packages...)}
	for k, v := range s.byURL {
		c.byURL[k] = append([]*Resource(nil), v...)
	}
	return c
}

// NewSet returns an empty set.
func NewSet() *Set { return &Set{byURL: map[string][]*Resource{}} }

// AddPackageDir reads the conformance resources of an extracted package.
// When m is given, every file read is checked against it, and every JSON
// file it lists must be there.
func (s *Set) AddPackageDir(dir, name string, m *fhirpkg.Manifest) error {
	info := PackageInfo{Name: name}
	seen := map[string]bool{}
	read := func(file string) ([]byte, error) {
		data, err := readBounded(filepath.Join(dir, file))
		if err == nil && m != nil {
			err = m.Check("package/"+file, data)
		}
		seen["package/"+file] = true
		return data, err
	}
	pj, err := read("package.json")
	if err != nil {
		return err
	}
	info.FHIRVersion = firstString(gjson.GetBytes(pj, "fhirVersions"))
	info.Canonical = gjson.GetBytes(pj, "canonical").String()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") || e.Name() == "package.json" || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if !e.Type().IsRegular() {
			return fmt.Errorf("%s: %s is not a regular file", dir, e.Name())
		}
		data, err := read(e.Name())
		if err != nil {
			return err
		}
		if err := s.add(data, name+":package/"+e.Name(), name); err != nil {
			return err
		}
	}
	if m != nil {
		topJSON := func(n string) bool {
			rest, ok := strings.CutPrefix(n, "package/")
			return ok && !strings.Contains(rest, "/") && strings.HasSuffix(rest, ".json") && !strings.HasPrefix(rest, ".")
		}
		if err := m.Missing(topJSON, seen); err != nil {
			return err
		}
	}
	s.Packages = append(s.Packages, info)
	return nil
}

// AddTGZ reads the conformance resources of a package archive. Every entry
// is held to MaxFileBytes while it is read, and only the definitions
// generation uses are kept in memory.
func (s *Set) AddTGZ(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info := PackageInfo{Name: filepath.Base(path)}
	var files []fhirpkg.File
	lim := fhirpkg.DefaultLimits()
	lim.MaxFileBytes = MaxFileBytes
	err = fhirpkg.WalkTGZ(f, lim, func(name string) bool {
		return strings.HasPrefix(name, "package/") && strings.Count(name, "/") == 1 && strings.HasSuffix(name, ".json")
	}, func(file fhirpkg.File) error {
		if file.Name == "package/package.json" {
			info.FHIRVersion = firstString(gjson.GetBytes(file.Data, "fhirVersions"))
			info.Canonical = gjson.GetBytes(file.Data, "canonical").String()
			if n, v := gjson.GetBytes(file.Data, "name").String(), gjson.GetBytes(file.Data, "version").String(); n != "" {
				info.Name = n + "@" + v
			}
			return nil
		}
		if rt := gjson.GetBytes(file.Data, "resourceType"); rt.Type == gjson.String && !wanted[rt.Str] {
			return nil // an example or another resource: not kept
		}
		files = append(files, file)
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, file := range files {
		if err := s.add(file.Data, info.Name+":"+file.Name, info.Name); err != nil {
			return err
		}
	}
	s.Packages = append(s.Packages, info)
	return nil
}

// AddPath reads loose definitions: a JSON file, or every JSON file in a
// directory tree (in lexical order). display is how path is named in
// messages ("" for path itself).
func (s *Set) AddPath(path, display string) error {
	if display == "" {
		display = path
	}
	name := func(p string) string {
		rel, err := filepath.Rel(path, p)
		if err != nil || rel == "." {
			return filepath.ToSlash(display)
		}
		return filepath.ToSlash(filepath.Join(display, rel))
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		if strings.HasSuffix(path, ".tgz") || strings.HasSuffix(path, ".tar.gz") {
			return s.AddTGZ(path)
		}
		data, err := readBounded(path)
		if err != nil {
			return err
		}
		s.Packages = append(s.Packages, PackageInfo{Name: name(path)})
		return s.addFile(data, name(path))
	}
	var paths []string
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".xml")) {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(paths)
	for _, p := range paths {
		data, err := readBounded(p)
		if err != nil {
			return err
		}
		if err := s.addFile(data, name(p)); err != nil {
			return err
		}
	}
	s.Packages = append(s.Packages, PackageInfo{Name: name(path)})
	return nil
}

func readBounded(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	if st.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%s: %d bytes, over the %d-byte limit", path, st.Size(), MaxFileBytes)
	}
	return os.ReadFile(path)
}

func firstString(r gjson.Result) string {
	if r.IsArray() {
		if a := r.Array(); len(a) > 0 {
			return a[0].String()
		}
		return ""
	}
	return r.String()
}

// AddBytes adds one resource read from elsewhere, in JSON or XML; source
// names it in messages.
func (s *Set) AddBytes(data []byte, source string) error { return s.addFile(data, source) }

// addFile adds a loose definition file, JSON or XML. XML is read with the
// definitions of the core package loaded before it (see XMLToJSON) and then
// held to the same rules as JSON.
func (s *Set) addFile(data []byte, source string) error {
	if IsXML(data) {
		s.shapeMu.Lock()
		s.newShape()
		shape := s.shape
		s.shapeMu.Unlock()
		var err error
		if data, err = shape.XMLToJSON(data, source); err != nil {
			return err
		}
	}
	return s.add(data, source, "")
}

func (s *Set) add(data []byte, source, origin string) error {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return fmt.Errorf("%s: not UTF-8 (JSON must be): invalid byte at offset %d", source, invalidUTF8At(data))
	}
	rt := gjson.GetBytes(data, "resourceType")
	if rt.Type != gjson.String {
		if !gjson.ValidBytes(data) {
			return invalidJSON(source, data)
		}
		if origin != "" {
			return nil // packages hold other JSON files too
		}
		return fmt.Errorf("%s: no resourceType", source)
	}
	if !wanted[rt.Str] {
		return nil
	}
	if !gjson.ValidBytes(data) {
		return invalidJSON(source, data)
	}
	f := gjson.GetManyBytes(data, "url", "version", "name", "id")
	for i, key := range []string{"url", "version", "name", "id"} {
		if f[i].Exists() && f[i].Type != gjson.String {
			return fmt.Errorf("%s: %s: want a JSON string, found %s", source, key, kindOf(f[i]))
		}
	}
	r := &Resource{Type: rt.Str, URL: f[0].String(), Version: f[1].String(), Name: f[2].String(), ID: f[3].String(), Source: source, Origin: origin, JSON: data}
	if r.URL == "" {
		return fmt.Errorf("%s: %s %q has no url", source, r.Type, r.ID)
	}
	for _, other := range s.byURL[r.URL] {
		if other.Type != r.Type {
			continue
		}
		if other.Version == r.Version {
			if bytes.Equal(other.JSON, r.JSON) {
				return nil
			}
			return fmt.Errorf("%s: %s %s is defined again (first in %s)", source, r.Type, r.Canonical(), other.Source)
		}
		if (origin == "") != (other.Origin == "") {
			// a loose file would silently stand in for a package's
			// definition wherever the version is not named (or the other way)
			return fmt.Errorf("%s: %s %s (version %q) has the url of %s (version %q); a definition file cannot replace a package's definition: give it its own url",
				source, r.Type, r.URL, r.Version, other.Source, other.Version)
		}
	}
	s.byURL[r.URL] = append(s.byURL[r.URL], r)
	s.All = append(s.All, r)
	return nil
}

// invalidUTF8At is the offset of the first byte that is not UTF-8.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// invalidJSON reports where a file stops being JSON.
func invalidJSON(source string, data []byte) error {
	var v json.RawMessage
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%s: not valid JSON at byte %d: %v", source, se.Offset, se)
	}
	if err != nil {
		return fmt.Errorf("%s: not valid JSON: %v", source, err)
	}
	return fmt.Errorf("%s: not valid JSON", source)
}

// Resolve finds a resource by canonical reference: "url" or "url|version".
// Without a version, the one version loaded is used; when several versions
// are loaded, the highest (compared as semantic versions) wins. typ filters
// by resourceType.
func (s *Set) Resolve(typ, canonical string) (*Resource, bool) {
	url, version, _ := strings.Cut(canonical, "|")
	var best *Resource
	for _, r := range s.byURL[url] {
		if r.Type != typ {
			continue
		}
		if version != "" && r.Version == version {
			return r, true
		}
		if best == nil || CompareVersions(r.Version, best.Version) > 0 {
			best = r
		}
	}
	// A version that is not loaded falls back to what is (R4 core bindings
	// name "|4.0.1" for resources whose own version is 4.0.1; others differ).
	return best, best != nil
}

// OfType lists the resources of a type in load order.
func (s *Set) OfType(typ string) []*Resource {
	var out []*Resource
	for _, r := range s.All {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// CompareVersions orders versions the way semantic versioning does:
// dot-separated parts compared as numbers when both are numbers (9.9.9 <
// 10.0.0), else as text, and a release after its pre-releases (1.0.0-ballot
// < 1.0.0), no version before any. It returns -1, 0 or 1.
func CompareVersions(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "": // no version sorts first
		return -1
	case b == "":
		return 1
	}
	ar, apre, _ := strings.Cut(a, "-")
	br, bpre, _ := strings.Cut(b, "-")
	if c := compareParts(strings.Split(ar, "."), strings.Split(br, ".")); c != 0 {
		return c
	}
	switch {
	case apre == bpre:
		return 0
	case apre == "":
		return 1
	case bpre == "":
		return -1
	}
	return compareParts(strings.Split(apre, "."), strings.Split(bpre, "."))
}

func compareParts(a, b []string) int {
	for i := 0; i < len(a) || i < len(b); i++ {
		if i >= len(a) {
			return -1
		}
		if i >= len(b) {
			return 1
		}
		an, aerr := strconv.ParseUint(a[i], 10, 64)
		bn, berr := strconv.ParseUint(b[i], 10, 64)
		switch {
		case aerr == nil && berr == nil && an != bn:
			if an < bn {
				return -1
			}
			return 1
		case aerr == nil && berr == nil:
		case aerr == nil: // numbers before text
			return -1
		case berr == nil:
			return 1
		default:
			if c := strings.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
	}
	return 0
}

// PackageDependencies reads the dependencies a package's package.json
// declares (id → version), checked against the package's manifest when it
// has one.
func PackageDependencies(dir string, m *fhirpkg.Manifest) (map[string]string, error) {
	pj, err := readBounded(filepath.Join(dir, "package.json"))
	if err == nil && m != nil {
		err = m.Check("package/package.json", pj)
	}
	if err != nil {
		return nil, err
	}
	deps := gjson.GetBytes(pj, "dependencies")
	if deps.Exists() && deps.Type != gjson.Null && !deps.IsObject() {
		return nil, fmt.Errorf("%s: dependencies is not an object", filepath.Join(dir, "package.json"))
	}
	out := map[string]string{}
	if !deps.IsObject() {
		return out, nil
	}
	var bad error
	deps.ForEach(func(k, v gjson.Result) bool {
		if v.Type != gjson.String {
			bad = fmt.Errorf("%s: dependency %q: the version is not a string", filepath.Join(dir, "package.json"), k.String())
			return false
		}
		out[k.String()] = v.String()
		return true
	})
	return out, bad
}
