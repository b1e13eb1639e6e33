package model

import (
	"fmt"
	"go/token"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/fhirgen/fhirgen/generator/load"
	"github.com/fhirgen/fhirgen/generator/snapshot"
	"github.com/tidwall/gjson"
)

// Options say what to build.
type Options struct {
	ModulePath string
	All        bool     // every type the core package defines
	Roots      []string // type names or canonical URLs
	// IGs are packages ("id@version", as loaded) every definition of which
	// is a root: profiles, extensions and types, not logical models.
	IGs          []string
	PackageNames map[string]string // canonical base -> Go package name
}

const (
	systemPrefix  = load.SystemTypePrefix
	regexExt      = load.RegexExtension
	maxCodeSetLen = 2000
)

// runtimeNames are identifiers the runtime templates define in every
// version package; generated names never take them.
func runtimeNames() []string {
	return []string{"RawResource", "Issues", "UnmarshalResource", "MarshalResource", "MarshalResourceIndent", "DecodeResource", "ResolveIn", "Invariants", "TraceInvariants"}
}

// reservedMethods are the method names generated types have; a field with
// such a name gets a trailing underscore (as protoc-gen-go does).
func reservedMethods() []string {
	return []string{"ResourceType", "MarshalJSON", "UnmarshalJSON", "Validate", "ValidateIssues", ExtraField}
}

// ExtraField is the field of every struct type that keeps the properties
// lenient decoding did not know (fhir.UnknownKeep).
const ExtraField = "ExtraJSON"

type builder struct {
	opts     Options
	defs     *load.Set
	snap     *snapshot.Generator
	report   *diag.Report
	exp      *Expander
	mod      *Module
	core     *Package
	pkgs     map[string]*Package // by Go package name
	types    map[string]*Type    // by StructureDefinition URL
	defOf    map[*Type]*snapshot.Definition
	queue    []*Type
	codeSets map[string]*CodeSet // by value set URL
}

// Build builds the model of a generation.
func Build(defs *load.Set, snap *snapshot.Generator, report *diag.Report, opts Options) (*Module, error) {
	b := &builder{
		opts: opts, defs: defs, snap: snap, report: report, exp: NewExpander(defs),
		mod:   &Module{Path: opts.ModulePath},
		pkgs:  map[string]*Package{},
		types: map[string]*Type{}, defOf: map[*Type]*snapshot.Definition{},
		codeSets: map[string]*CodeSet{},
	}
	for _, p := range defs.Packages {
		b.mod.Inputs = append(b.mod.Inputs, Input{Name: p.Name, FHIRVersion: p.FHIRVersion})
	}
	if err := b.setupCore(); err != nil {
		return nil, err
	}
	if err := b.roots(); err != nil {
		return nil, err
	}
	for len(b.queue) > 0 {
		t := b.queue[0]
		b.queue = b.queue[1:]
		if err := b.fill(t); err != nil {
			return nil, err
		}
	}
	if err := b.name(); err != nil {
		return nil, err
	}
	b.knownResources()
	b.knownCanonicals()
	return b.mod, nil
}

func (b *builder) setupCore() error {
	canonical, version := "", ""
	// the core package is the one that defines the root types (those with
	// no base), whatever order the packages were given in
	core := ""
	for _, r := range b.defs.OfType("StructureDefinition") {
		if r.Origin != "" && !gjson.GetBytes(r.JSON, "baseDefinition").Exists() {
			core = r.Origin
			break
		}
	}
	for _, p := range b.defs.Packages {
		if p.Canonical != "" && (core == "" || p.Name == core) {
			canonical, version = p.Canonical, p.FHIRVersion
			break
		}
	}
	if canonical == "" {
		canonical = "http://hl7.org/fhir"
		for _, r := range b.defs.OfType("StructureDefinition") {
			if v := gjson.GetBytes(r.JSON, "fhirVersion").String(); v != "" {
				version = v
				break
			}
		}
	}
	name := versionPackage(version)
	if n, ok := b.opts.PackageNames[canonical]; ok {
		if !token.IsIdentifier(n) || n != PackageName(n) || slices.Contains(reservedPackageNames(), n) {
			return diag.Errorf("configuration", "", "packageNames: %q for %s is not a Go package name fhirgen can use (lower-case letters and digits, not %s)",
				n, canonical, strings.Join(reservedPackageNames(), ", "))
		}
		name = n
	}
	b.core = b.pkg(name, canonical)
	b.core.FHIRVersion = version
	return nil
}

// knownResources lists the resource types of the core package's FHIR
// version and the generated ones.
func (b *builder) knownResources() {
	seen := map[string]bool{}
	for _, r := range b.defs.OfType("StructureDefinition") {
		j := gjson.GetManyBytes(r.JSON, "kind", "derivation", "abstract", "type", "url")
		if j[0].Str != "resource" || j[1].Str != "specialization" || j[2].Bool() {
			continue
		}
		if r.Origin == "" || !strings.HasPrefix(j[4].Str, b.core.Canonical+"/") {
			continue
		}
		seen[j[3].Str] = true
	}
	for _, t := range b.core.Types {
		if t.Kind == KindResource {
			seen[t.Name] = true
		}
	}
	for n := range seen {
		b.core.KnownResources = append(b.core.KnownResources, n)
	}
	sort.Strings(b.core.KnownResources)
}

// knownCanonicals lists the extensions and the value sets loaded.
func (b *builder) knownCanonicals() {
	exts, codeSystems, valueSets := map[string]bool{}, map[string]bool{}, map[string]bool{}
	b.core.ExtensionValueTypes = map[string][]string{}
	b.core.ExtensionContexts = map[string][]ExtensionContext{}
	defined := map[string]bool{} // the type names the definitions define
	for _, r := range b.defs.OfType("StructureDefinition") {
		if j := gjson.GetManyBytes(r.JSON, "type", "derivation"); j[1].Str != "constraint" {
			defined[j[0].Str] = true
		}
	}
	for _, r := range b.defs.OfType("StructureDefinition") {
		j := gjson.GetManyBytes(r.JSON, "type", "derivation", "url")
		if j[0].Str == "Extension" && j[1].Str == "constraint" && j[2].Str != "" {
			exts[j[2].Str] = true
			if types := extensionValueTypes(r.JSON); len(types) > 0 {
				b.core.ExtensionValueTypes[j[2].Str] = types
			}
			var ctx []ExtensionContext
			gjson.GetBytes(r.JSON, "context").ForEach(func(_, c gjson.Result) bool {
				x := ExtensionContext{Type: c.Get("type").Str, Expression: c.Get("expression").Str}
				head, _, _ := strings.Cut(x.Expression, ".")
				x.Foreign = x.Type == "element" && !defined[head]
				ctx = append(ctx, x)
				return true
			})
			if len(ctx) > 0 {
				b.core.ExtensionContexts[j[2].Str] = ctx
			}
		}
	}
	for _, r := range b.defs.OfType("CodeSystem") {
		codeSystems[gjson.GetBytes(r.JSON, "url").Str] = true
	}
	for _, r := range b.defs.OfType("ValueSet") {
		if u := gjson.GetBytes(r.JSON, "url").Str; u != "" && !codeSystems[u] {
			valueSets[u] = true
		}
	}
	b.core.KnownExtensions = sortedKeys(exts)
	b.core.ValueSetURLs = sortedKeys(valueSets)
}

// extensionValueTypes are the type codes an extension definition allows
// its value (Extension.value[x] in its snapshot, else its differential),
// sorted; none when it says nothing or allows no value (a complex
// extension).
func extensionValueTypes(sd []byte) []string {
	for _, list := range []string{"snapshot.element", "differential.element"} {
		var out []string
		found := false
		gjson.GetBytes(sd, list).ForEach(func(_, e gjson.Result) bool {
			if e.Get("id").Str != "Extension.value[x]" {
				return true
			}
			found = true
			if e.Get("max").Str == "0" {
				return false
			}
			e.Get("type").ForEach(func(_, t gjson.Result) bool {
				if c := t.Get("code").Str; c != "" && !slices.Contains(out, c) {
					out = append(out, c)
				}
				return true
			})
			return false
		})
		if found {
			sort.Strings(out)
			return out
		}
	}
	return nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// versionPackage names the core package after the FHIR release.
func versionPackage(v string) string {
	switch {
	case strings.HasPrefix(v, "4.0"):
		return "r4"
	case strings.HasPrefix(v, "4.3"), strings.HasPrefix(v, "4.1"):
		return "r4b"
	case strings.HasPrefix(v, "5."):
		return "r5"
	case strings.HasPrefix(v, "3.0"):
		return "stu3"
	case v == "":
		return "fhircore"
	}
	return PackageName("fhir" + v)
}

func (b *builder) pkg(name, canonical string) *Package {
	if p, ok := b.pkgs[name]; ok {
		return p
	}
	p := &Package{Name: name, ImportPath: b.opts.ModulePath + "/" + name, Canonical: canonical}
	p.Core = b.core
	if b.core == nil {
		p.Core = p
	}
	b.pkgs[name] = p
	b.mod.Packages = append(b.mod.Packages, p)
	return p
}

// reservedPackageNames are the directories of the module root that are not
// definition packages: the runtime, its internals, the commands, and the
// names the go command treats specially.
func reservedPackageNames() []string {
	return []string{"fhir", "internal", "cmd", "vendor", "testdata"}
}

// packageFor picks the Go package of a profile or extension by its
// canonical base: the packageNames setting, else the base's last segment
// (http://fhir.org/guides/acme/hotbeverage → hotbeverage). A name the
// runtime uses or another canonical took is not reused: the segments before
// it are added (http://hl7.org.au/fhir → hl7orgaufhir), and generation
// says so.
func (b *builder) packageFor(url, file string) (*Package, error) {
	base := url
	if i := strings.Index(url, "/StructureDefinition/"); i >= 0 {
		base = url[:i]
	}
	if base == b.core.Canonical {
		return b.core, nil
	}
	for _, p := range b.mod.Packages {
		if p.Canonical == base {
			return p, nil
		}
	}
	free := func(name string) bool {
		if slices.Contains(reservedPackageNames(), name) {
			return false
		}
		_, taken := b.pkgs[name]
		return !taken
	}
	if n, ok := b.opts.PackageNames[base]; ok {
		if !token.IsIdentifier(n) || n != PackageName(n) || !free(n) {
			return nil, diag.Errorf("configuration", "", "packageNames: %q for %s is not a free Go package name (lower-case letters and digits, not %s, nor another package's)",
				n, base, strings.Join(reservedPackageNames(), ", "))
		}
		return b.pkg(n, base), nil
	}
	segs := strings.FieldsFunc(base[strings.Index(base, ":")+1:], func(r rune) bool { return r == '/' })
	if len(segs) == 0 {
		segs = []string{"profiles"}
	}
	name := ""
	for i := len(segs) - 1; i >= 0; i-- {
		name = PackageName(strings.TrimPrefix(segs[i], "www.") + name)
		if free(name) {
			break
		}
	}
	for n := 2; !free(name); n++ {
		name = strings.TrimRight(name, "0123456789") + strconv.Itoa(n)
	}
	if last := PackageName(segs[len(segs)-1]); name != last {
		b.report.Warnf(file, "", "Go package %s for %s (%s is taken; packageNames in the config chooses another)", name, base, last)
	}
	return b.pkg(name, base), nil
}

func (b *builder) resolveRoot(root string) (*load.Resource, error) {
	url := root
	if !strings.Contains(root, "/") {
		url = snapshot.TypeURL(root)
	}
	r, ok := b.defs.Resolve("StructureDefinition", url)
	if !ok {
		hint := ""
		if s := b.suggest(root); s != "" {
			hint = fmt.Sprintf(" (did you mean %s?)", s)
		}
		return nil, diag.Errorf("configuration", "", "unknown type %q: no StructureDefinition %s is loaded%s", root, url, hint)
	}
	return r, nil
}

// suggest finds the loaded definition a mistyped root most likely means:
// the same name but for case, else the closest within two edits.
func (b *builder) suggest(root string) string {
	best, bestD := "", 3
	for _, r := range b.defs.OfType("StructureDefinition") {
		cand := r.URL
		if !strings.Contains(root, "/") {
			cand = gjson.GetBytes(r.JSON, "type").String()
			if !strings.HasPrefix(r.URL, "http://hl7.org/fhir/StructureDefinition/") || cand != r.URL[strings.LastIndexByte(r.URL, '/')+1:] {
				continue // only the core types have names
			}
		}
		d := editDistance(strings.ToLower(root), strings.ToLower(cand))
		if strings.EqualFold(root, cand) {
			d = 0
		}
		if d < bestD || (d == bestD && cand < best) {
			best, bestD = cand, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance, bounded: anything over 3 is 3.
func editDistance(a, b string) int {
	if d := len(a) - len(b); d > 3 || d < -3 {
		return 3
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], 3)
}

func (b *builder) roots() error {
	var defs []*snapshot.Definition
	if b.opts.All {
		corePkg := ""
		for _, p := range b.defs.Packages {
			if p.Canonical == b.core.Canonical {
				corePkg = p.Name
				break
			}
		}
		for _, r := range b.defs.OfType("StructureDefinition") {
			if r.Origin != corePkg {
				continue
			}
			j := gjson.GetManyBytes(r.JSON, "kind", "derivation")
			if j[0].Str == "logical" || j[1].Str == "constraint" {
				continue
			}
			d, err := b.snap.ForResource(r)
			if err != nil {
				return err
			}
			defs = append(defs, d)
		}
	}
	for _, ig := range b.opts.IGs {
		n := 0
		for _, r := range b.defs.OfType("StructureDefinition") {
			if r.Origin != ig || gjson.GetBytes(r.JSON, "kind").Str == "logical" {
				continue
			}
			d, err := b.snap.ForResource(r)
			if err != nil {
				return err
			}
			defs = append(defs, d)
			n++
		}
		if n == 0 {
			return diag.Errorf("configuration", "", "implementation guide %s: no package of that name is loaded, or it defines no StructureDefinition", ig)
		}
	}
	for _, root := range b.opts.Roots {
		r, err := b.resolveRoot(root)
		if err != nil {
			return err
		}
		d, err := b.snap.ForResource(r)
		if err != nil {
			return err
		}
		defs = append(defs, d)
	}
	for _, d := range defs {
		if d.Derivation == "constraint" {
			if err := b.profile(d); err != nil {
				return err
			}
			continue
		}
		if _, err := b.typeFor(d.URL, d.File(), d.Type); err != nil {
			return err
		}
	}
	// Validation reports its issues as an OperationOutcome (Issues.
	// ToOperationOutcome, fhir-validate -json): it is always generated when
	// the core package defines it.
	if oo := b.core.Canonical + "/StructureDefinition/OperationOutcome"; len(defs) > 0 {
		if _, ok := b.defs.Resolve("StructureDefinition", oo); ok {
			if _, err := b.typeFor(oo, "OperationOutcome", "OperationOutcome"); err != nil {
				return err
			}
		}
	}
	return nil
}

// profile records a profile or extension, and pulls in every type it uses.
func (b *builder) profile(d *snapshot.Definition) error {
	p, err := b.packageFor(d.URL, d.File())
	if err != nil {
		return err
	}
	for _, have := range p.Profiles {
		if have.URL == d.URL {
			return nil
		}
	}
	prof := &Profile{Name: d.Name, URL: d.URL, Version: d.Version, BaseType: d.Type, Extension: d.Type == "Extension", Source: d.File(), Package: p}
	if prof.Extension {
		if err := b.checkExtension(d); err != nil {
			return err
		}
	}
	if root := d.Root(); root != nil {
		prof.Doc = docOf(root)
	}
	if prof.Doc.Definition == "" {
		prof.Doc.Definition = d.Description
	}
	gjson.GetBytes(d.Res.JSON, "context").ForEach(func(_, c gjson.Result) bool {
		prof.Context = append(prof.Context, c.Get("expression").String())
		return true
	})
	p.Profiles = append(p.Profiles, prof)
	p.Definitions = append(p.Definitions, Definition{URL: d.URL, Version: d.Version, Source: d.File()})
	td, err := b.snap.TypeDefinition(d)
	if err != nil {
		return err
	}
	base, err := b.typeFor(td.URL, d.File(), d.Root().ID())
	if err != nil {
		return err
	}
	prof.Base = base
	for _, e := range d.Snapshot[1:] {
		pe, err := b.profileElement(d, e)
		if err != nil {
			return err
		}
		prof.Elements = append(prof.Elements, pe)
	}
	b.sliceKeys(d, prof)
	// the profiles that profile discriminators name are generated too:
	// their validators recognize the slices' items
	for _, pe := range prof.Elements {
		for _, k := range pe.Keys {
			if k.Type != "profile" {
				continue
			}
			for _, url := range k.Profiles {
				pd, err := b.snap.Lookup(url, d.File(), pe.ID)
				if err != nil {
					return err
				}
				if pd.Derivation == "constraint" && pd.Type != "Extension" {
					if err := b.profile(pd); err != nil {
						return err
					}
				}
			}
		}
	}
	// and so are the extensions that extension slices name (their typed
	// accessors take the value type from them) and the datatype profiles
	// elements name (their checks apply where they are named)
	for _, pe := range prof.Elements {
		if len(pe.Types) != 1 {
			continue
		}
		isExt := pe.Types[0].Code == "Extension"
		if isExt && (pe.SliceName == "" || len(pe.Types[0].Profiles) != 1) {
			continue
		}
		for _, url := range pe.Types[0].Profiles {
			r, ok := b.defs.Resolve("StructureDefinition", url)
			if !ok {
				continue // reported where the slice is keyed, or by the snapshot
			}
			pd, err := b.snap.ForResource(r)
			if err != nil && !isExt {
				// a profile only named to check values against: a broken
				// one is not checked, and does not stop generation
				b.report.Warnf(prof.Source, pe.ID, "type profile %s cannot be used, so values here are not checked against it: %v", url, err)
				continue
			}
			if err != nil {
				return err
			}
			if pd.Derivation == "constraint" && (pd.Type == "Extension") == isExt && (isExt || pd.Kind == "complex-type") {
				if err := b.profile(pd); err != nil {
					return err
				}
			}
		}
	}
	for _, e := range d.Snapshot {
		for _, code := range e.TypeCodes() {
			if strings.HasPrefix(code, systemPrefix) || code == "" {
				continue
			}
			if _, err := b.typeFor(snapshot.TypeURL(code), d.File(), e.ID()); err != nil {
				return err
			}
		}
	}
	return nil
}

// typeProfiles lists the profiles an element's type names, warning about
// those that are not loaded (nothing is checked against them).
func (b *builder) typeProfiles(tr gjson.Result, file, element string) []string {
	var out []string
	for _, p := range tr.Get("profile").Array() {
		out = append(out, p.String())
		if _, ok := b.defs.Resolve("StructureDefinition", p.String()); !ok {
			b.report.Warnf(file, element, "type profile %s is not loaded: values here are not checked against it", p.String())
		}
	}
	return out
}

// checkExtension refuses an extension definition no instance can satisfy
// or match: its url fixed to a canonical that is neither its own nor that of
// an extension it constrains (AU's au-timezone-usage keeps the url of the
// timezone extension it profiles), or an extension, at the root or nested,
// that requires both a value and nested extensions (ext-1 allows one).
func (b *builder) checkExtension(d *snapshot.Definition) error {
	byID := map[string]*snapshot.Element{}
	for _, e := range d.Snapshot {
		byID[e.ID()] = e
	}
	if u := byID["Extension.url"]; u != nil {
		if _, v, ok := u.WithPrefix("fixed"); ok && !b.extensionURLOf(d, v.String()) {
			return diag.Errorf(d.File(), u.ID(), "the url is fixed to %q, not to the extension's canonical %s (or that of an extension it constrains)", v.String(), d.URL)
		}
	}
	for _, e := range d.Snapshot {
		prefix, ok := strings.CutSuffix(e.ID(), ".value[x]")
		if !ok || e.Min() < 1 {
			continue
		}
		for _, x := range d.Snapshot {
			id := x.ID()
			nested := id == prefix+".extension" || (strings.HasPrefix(id, prefix+".extension:") && !strings.Contains(id[len(prefix)+len(".extension:"):], "."))
			if nested && x.Min() >= 1 {
				return diag.Errorf(d.File(), e.ID(), "requires a value and, at %s, nested extensions: ext-1 allows an extension only one of them", id)
			}
		}
	}
	return nil
}

// extensionURLOf reports whether url is d's canonical or that of an
// extension definition d derives from.
func (b *builder) extensionURLOf(d *snapshot.Definition, url string) bool {
	for cur := d; cur != nil && cur.Derivation == "constraint"; {
		if cur.URL == url {
			return true
		}
		base, err := b.snap.Lookup(cur.BaseDefinition, cur.File(), "")
		if err != nil {
			return false
		}
		cur = base
	}
	return false
}

func (b *builder) profileElement(d *snapshot.Definition, e *snapshot.Element) (*ProfileElement, error) {
	pe := &ProfileElement{ID: e.ID(), Path: e.Path(), SliceName: e.SliceName(), Min: e.Min(), Max: e.Max(),
		MustSupp: e.Get("mustSupport").Bool(), Short: e.Get("short").String()}
	if pe.Max == -2 {
		return nil, diag.Errorf(d.File(), pe.ID, "invalid max %q", e.Get("max").Raw)
	}
	for _, tr := range e.Get("type").Array() {
		code := tr.Get("code").String()
		ref := &TypeRef{Code: code}
		if strings.HasPrefix(code, systemPrefix) {
			ref.Code = load.FHIRTypeOf(tr)
		}
		ref.Profiles = b.typeProfiles(tr, d.File(), pe.ID)
		for _, p := range tr.Get("targetProfile").Array() {
			ref.TargetProfiles = append(ref.TargetProfiles, p.String())
		}
		if ref.Code != "" && ref.Code != "BackboneElement" && ref.Code != "Element" {
			t, err := b.typeFor(snapshot.TypeURL(ref.Code), d.File(), pe.ID)
			if err != nil {
				return nil, err
			}
			ref.Type = t
		}
		ref.TargetTypes = b.targetTypes(ref.TargetProfiles, d.File(), pe.ID)
		pe.Types = append(pe.Types, ref)
	}
	if k, v, ok := e.WithPrefix("fixed"); ok {
		pe.Fixed = valueOf(v)
		pe.Fixed.TypeCode = lowerFirstType(strings.TrimPrefix(k, "fixed"))
	}
	if k, v, ok := e.WithPrefix("pattern"); ok {
		pe.Pattern = valueOf(v)
		pe.Pattern.TypeCode = lowerFirstType(strings.TrimPrefix(k, "pattern"))
	}
	for _, bound := range []struct {
		prefix string
		v      **Value
	}{{"minValue", &pe.MinValue}, {"maxValue", &pe.MaxValue}} {
		if k, v, ok := e.WithPrefix(bound.prefix); ok {
			*bound.v = valueOf(v)
			(*bound.v).TypeCode = lowerFirstType(strings.TrimPrefix(k, bound.prefix))
		}
	}
	if e.Get("binding.strength").String() == "required" {
		if vs := e.Get("binding.valueSet").String(); vs != "" {
			codes, problems, _, err := b.exp.Expand(vs)
			if err != nil {
				return nil, err
			}
			pe.Binding = &ProfileBinding{ValueSet: vs}
			if len(problems) == 0 {
				pe.Binding.Codes = codes
			}
		}
	}
	if sl := e.Get("slicing"); sl.Exists() {
		pe.Slicing = &Slicing{Ordered: sl.Get("ordered").Bool(), Rules: sl.Get("rules").String()}
		for _, dsc := range sl.Get("discriminator").Array() {
			pe.Slicing.Discriminators = append(pe.Slicing.Discriminators, Discriminator{Type: dsc.Get("type").String(), Path: dsc.Get("path").String()})
		}
	}
	return pe, nil
}

// typeFor returns the (possibly not yet filled) type a definition URL
// defines, queueing it when new. Element and BackboneElement give nil: their
// elements are flattened into every type.
func (b *builder) typeFor(url, fromFile, fromElement string) (*Type, error) {
	if t, ok := b.types[url]; ok {
		return t, nil
	}
	d, err := b.snap.Lookup(url, fromFile, fromElement)
	if err != nil {
		return nil, err
	}
	if d.Derivation == "constraint" {
		// a profile used as a type (SimpleQuantity): its base type
		td, err := b.snap.TypeDefinition(d)
		if err != nil {
			return nil, err
		}
		return b.typeFor(td.URL, fromFile, fromElement)
	}
	if d.Kind == "logical" {
		return nil, diag.Errorf(fromFile, fromElement, "type %s is a logical model, not a FHIR type", url)
	}
	if d.URL != url {
		if t, ok := b.types[d.URL]; ok {
			b.types[url] = t
			return t, nil
		}
	}
	if err := b.checkSpecialization(d); err != nil {
		return nil, err
	}
	t := &Type{Name: d.Type, URL: d.URL, Abstract: d.Abstract, Source: d.File(), Package: b.core}
	switch {
	case d.Kind == "primitive-type":
		t.Kind = KindPrimitive
	case d.Kind == "resource" && d.Abstract:
		t.Kind = KindAbstractResource
	case d.Kind == "resource":
		t.Kind = KindResource
	case d.Kind == "complex-type" && d.Abstract:
		b.types[url] = nil
		return nil, nil
	case d.Kind == "complex-type":
		t.Kind = KindComplex
	default:
		return nil, diag.Errorf(d.File(), "", "unsupported kind %q", d.Kind)
	}
	if root := d.Root(); root != nil {
		t.Doc = docOf(root)
	}
	if t.Doc.Definition == "" {
		t.Doc.Definition = d.Description
	}
	if a := b.ancestry(d.URL); len(a) > 1 {
		t.Ancestors = a[1:]
		t.Base = t.Ancestors[0]
	}
	b.types[url] = t
	b.types[d.URL] = t
	b.defOf[t] = d
	b.core.Types = append(b.core.Types, t)
	if d.Res.Origin == "" {
		b.core.Definitions = append(b.core.Definitions, Definition{URL: d.URL, Version: d.Version, Source: d.File()})
	}
	b.queue = append(b.queue, t)
	return t, nil
}

// maxAncestry bounds a chain of base definitions followed for a type's
// ancestors (the snapshot stage refuses longer ones).
const maxAncestry = 16

// ancestry lists the type names of the definition url and of its
// baseDefinition chain, nearest first, as far as they are loaded, then the
// interfaces they declare they implement (R5's CanonicalResource, through
// the structuredefinition-implements extension) and those interfaces'
// ancestry.
func (b *builder) ancestry(url string) []string {
	var out, implements []string
	for url != "" && len(out) < maxAncestry {
		bd, ok := b.defs.Resolve("StructureDefinition", url)
		if !ok {
			break
		}
		j := gjson.GetManyBytes(bd.JSON, "type", "baseDefinition", `extension.#(url=="`+implementsExtension+`")#.valueUri`)
		if len(out) == 0 || out[len(out)-1] != j[0].Str { // a profile keeps its base's type
			out = append(out, j[0].Str)
		}
		for _, u := range j[2].Array() {
			implements = append(implements, u.Str)
		}
		url = j[1].Str
	}
	for _, u := range implements {
		if len(out) >= maxAncestry {
			break
		}
		for _, name := range b.ancestry(u) {
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

// implementsExtension declares, on a resource's definition, an interface
// (an abstract resource) it implements.
const implementsExtension = "http://hl7.org/fhir/StructureDefinition/structuredefinition-implements"

// fromPackage reports whether a type's definition came from a package
// (rather than a definition file of the user's).
func (b *builder) fromPackage(t *Type) bool {
	d := b.defOf[t]
	return d != nil && d.Res.Origin != ""
}

// checkSpecialization refuses a new type that Go code cannot be generated
// for: one whose kind its base's kind does not allow (a resource on a
// primitive), and a primitive type outside the core package (FHIR defines
// every primitive itself; the JSON and validation of one come from it).
func (b *builder) checkSpecialization(d *snapshot.Definition) error {
	if d.Kind == "primitive-type" && !strings.HasPrefix(d.URL, b.core.Canonical+"/") {
		return diag.Errorf(d.File(), d.Type, "defines a new primitive type %s; only FHIR itself defines primitive types (constrain one with a profile instead)", d.Type)
	}
	if d.BaseDefinition == "" {
		return nil
	}
	base, ok := b.defs.Resolve("StructureDefinition", d.BaseDefinition)
	if !ok {
		return nil // reported where the snapshot needs it
	}
	j := gjson.GetManyBytes(base.JSON, "kind", "type", "abstract", "baseDefinition")
	allowed := map[string][]string{
		"resource":       {"resource"},
		"complex-type":   {"complex-type"},
		"primitive-type": {"primitive-type", "complex-type"},
	}[d.Kind]
	// the abstract root of every type (R5's Base) may be any kind's base
	root := j[0].Str == "complex-type" && j[2].Bool() && j[3].Str == ""
	if allowed != nil && !root && !slices.Contains(allowed, j[0].Str) {
		return diag.Errorf(d.File(), d.Type, "a %s cannot derive from %s, a %s", d.Kind, j[1].Str, j[0].Str)
	}
	return nil
}

// fill builds the fields of a queued type from its snapshot.
func (b *builder) fill(t *Type) error {
	d := b.defOf[t]
	if t.Kind == KindResource || t.Kind == KindAbstractResource {
		// the abstract ancestors become interfaces the resource implements
		for base := d.BaseDefinition; base != ""; {
			at, err := b.typeFor(base, d.File(), d.Root().ID())
			if err != nil {
				return err
			}
			if at == nil {
				break
			}
			if at.Kind == KindAbstractResource {
				if at != t {
					t.Implements = append(t.Implements, at)
				}
			}
			bd := b.defOf[at]
			if bd == nil {
				break
			}
			base = bd.BaseDefinition
		}
	}
	elems := map[string]*snapshot.Element{}
	children := map[string][]*snapshot.Element{}
	var order []*snapshot.Element
	for _, e := range d.Snapshot {
		id := e.ID()
		if strings.Contains(id, ":") {
			continue // slices belong to profiles
		}
		if e.Path() != id {
			return diag.Errorf(d.File(), id, "element id and path %q differ", e.Path())
		}
		if _, dup := elems[id]; dup {
			return diag.Errorf(d.File(), id, "element appears twice")
		}
		elems[id] = e
		order = append(order, e)
		if p := parentID(id); p != "" {
			if _, ok := elems[p]; !ok {
				return diag.Errorf(d.File(), id, "comes before (or without) its parent %s", p)
			}
			children[p] = append(children[p], e)
		}
	}
	if len(order) == 0 || order[0].ID() != d.Type {
		return diag.Errorf(d.File(), "", "snapshot does not start with the element %s", d.Type)
	}
	t.Constraints = constraintsOf(d.File(), order[0])
	// Backbone types first, so that contentReferences find them.
	backbones := map[string]*Type{d.Type: t}
	for _, e := range order[1:] {
		if len(children[e.ID()]) > 0 {
			owner := backbones[parentID(e.ID())]
			if owner == nil {
				return diag.Errorf(d.File(), e.ID(), "its parent is not a type")
			}
			bt := &Type{Name: e.ID(), Kind: KindBackbone, Doc: docOf(e), Owner: t, Source: d.File(), Package: b.core, URL: d.URL}
			if codes := e.TypeCodes(); len(codes) == 1 {
				bt.Ancestors = b.ancestry(b.core.Canonical + "/StructureDefinition/" + codes[0])
			}
			backbones[e.ID()] = bt
			t.Nested = append(t.Nested, bt)
		}
	}
	for _, bt := range append([]*Type{t}, t.Nested...) {
		fields, err := b.fields(d, bt, children[bt.Name], backbones)
		if err != nil {
			return err
		}
		if bt.Kind == KindPrimitive {
			fields, err = b.primitiveValue(d, bt, fields)
			if err != nil {
				return err
			}
		}
		bt.Fields = fields
	}
	return nil
}

// primitiveValue takes the value element out of a primitive's fields.
func (b *builder) primitiveValue(d *snapshot.Definition, t *Type, fields []*Field) ([]*Field, error) {
	var rest []*Field
	for _, f := range fields {
		if f.Name == "value" && f.Attribute != nil {
			continue
		}
		rest = append(rest, f)
	}
	pv, err := b.valueRepresentation(d, 0)
	if err != nil {
		return nil, err
	}
	t.Value = pv
	t.Generic = t.Name == "code"
	return rest, nil
}

// valueRepresentation works out the Go and JSON form of a primitive's value.
// A primitive that specializes another primitive (positiveInt from integer,
// code from string) has its base's representation: R4 declares some of them
// (positiveInt, unsignedInt) with a System.String value, yet their JSON is a
// number like integer's. The regex is the primitive's own.
func (b *builder) valueRepresentation(d *snapshot.Definition, depth int) (*PrimitiveValue, error) {
	var ve *snapshot.Element
	for _, e := range d.Snapshot {
		if e.ID() == d.Type+".value" {
			ve = e
		}
	}
	if ve == nil {
		return nil, diag.Errorf(d.File(), d.Type, "primitive type has no value element")
	}
	types := ve.Get("type").Array()
	if len(types) != 1 {
		return nil, diag.Errorf(d.File(), ve.ID(), "a primitive value needs exactly one type")
	}
	regex := ""
	types[0].Get("extension").ForEach(func(_, x gjson.Result) bool {
		if x.Get("url").String() == regexExt {
			regex = x.Get("valueString").String()
		}
		return true
	})
	if d.BaseDefinition != "" && depth < 16 {
		if bd, err := b.snap.Lookup(d.BaseDefinition, d.File(), d.Type); err == nil && bd.Kind == "primitive-type" {
			pv, err := b.valueRepresentation(bd, depth+1)
			if err != nil {
				return nil, err
			}
			pv.Regex = regex
			pv.XHTML = pv.XHTML || hasRepresentation(ve, "xhtml")
			if ml := ve.Get("maxLength").Int(); ml > 0 {
				pv.MaxLength = int(ml)
			}
			return pv, nil
		}
	}
	code := types[0].Get("code").String()
	pv := &PrimitiveValue{Regex: regex, System: strings.TrimPrefix(code, systemPrefix), MaxLength: int(ve.Get("maxLength").Int()), XHTML: hasRepresentation(ve, "xhtml")}
	fhirType := load.FHIRTypeOf(types[0])
	switch strings.TrimPrefix(code, systemPrefix) {
	case "Boolean":
		pv.GoType, pv.JSON = "bool", "boolean"
	case "Integer":
		pv.GoType, pv.JSON = "int32", "number"
		if fhirType == "integer64" {
			pv.GoType, pv.JSON = "int64", "string"
		}
	case "Integer64":
		pv.GoType, pv.JSON = "int64", "string"
	case "Decimal":
		pv.GoType, pv.JSON = "Decimal", "number"
	case "String", "Date", "DateTime", "Time":
		pv.GoType, pv.JSON = "string", "string"
	default:
		return nil, diag.Errorf(d.File(), ve.ID(), "unsupported primitive value type %q", code)
	}
	return pv, nil
}

func parseMaxString(s string) int {
	if s == "*" {
		return -1
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 1<<20 {
			return -2
		}
		n = n*10 + int(c-'0')
	}
	if s == "" {
		return -2
	}
	return n
}

func parentID(id string) string {
	i := strings.LastIndexByte(id, '.')
	if i < 0 {
		return ""
	}
	return id[:i]
}

const bestPracticeExt = "http://hl7.org/fhir/StructureDefinition/elementdefinition-bestpractice"

func constraintsOf(file string, e *snapshot.Element) []Constraint {
	var out []Constraint
	e.Get("constraint").ForEach(func(_, c gjson.Result) bool {
		con := Constraint{
			Key: c.Get("key").String(), Severity: c.Get("severity").String(), Human: c.Get("human").String(),
			Expression: c.Get("expression").String(), Source: c.Get("source").String(),
			File: file, Element: e.ID(),
		}
		c.Get("extension").ForEach(func(_, x gjson.Result) bool {
			if x.Get("url").String() == bestPracticeExt && x.Get("valueBoolean").Bool() {
				con.BestPractice = true
			}
			return true
		})
		out = append(out, con)
		return true
	})
	return out
}

func docOf(e *snapshot.Element) Doc {
	return Doc{Short: e.Get("short").String(), Definition: e.Get("definition").String(), Comment: e.Get("comment").String()}
}

func (b *builder) fields(d *snapshot.Definition, owner *Type, elems []*snapshot.Element, backbones map[string]*Type) ([]*Field, error) {
	var out []*Field
	for _, e := range elems {
		id := e.ID()
		name := id[strings.LastIndexByte(id, '.')+1:]
		f := &Field{
			Name: strings.TrimSuffix(name, "[x]"), Path: e.Path(), ID: id,
			Min: e.Min(), Max: e.Max(), Doc: docOf(e),
			Modifier: e.Get("isModifier").Bool(), Summary: e.Get("isSummary").Bool(), MustSupp: e.Get("mustSupport").Bool(),
		}
		if f.Max == -2 {
			return nil, diag.Errorf(d.File(), id, "invalid max %q", e.Get("max").Raw)
		}
		f.BaseMax = f.Max
		if bm := e.Get("base").Get("max"); bm.Exists() {
			if f.BaseMax = parseMaxString(bm.String()); f.BaseMax == -2 {
				return nil, diag.Errorf(d.File(), id, "invalid base max %q", bm.Raw)
			}
		}
		f.Constraints = constraintsOf(d.File(), e)
		if bnd := e.Get("binding"); bnd.Exists() {
			f.Binding = &Binding{Strength: bnd.Get("strength").String(), ValueSet: bnd.Get("valueSet").String(), Description: bnd.Get("description").String()}
		}
		if k, v, ok := e.WithPrefix("fixed"); ok {
			f.Fixed = valueOf(v)
			f.Fixed.TypeCode = lowerFirstType(strings.TrimPrefix(k, "fixed"))
		}
		if k, v, ok := e.WithPrefix("pattern"); ok {
			f.Pattern = valueOf(v)
			f.Pattern.TypeCode = lowerFirstType(strings.TrimPrefix(k, "pattern"))
		}
		switch {
		case backbones[id] != nil:
			f.Type = &TypeRef{Code: "BackboneElement", Type: backbones[id]}
		case e.Has("contentReference"):
			ref := e.Get("contentReference").String()
			target := ref[strings.IndexByte(ref, '#')+1:]
			bt := backbones[target]
			if bt == nil {
				return nil, diag.Errorf(d.File(), id, "contentReference %s names no backbone element of %s", ref, d.Type)
			}
			f.ContentRef = target
			f.Type = &TypeRef{Code: "BackboneElement", Type: bt}
		default:
			types := e.Get("type").Array()
			if len(types) == 0 {
				return nil, diag.Errorf(d.File(), id, "element has no type")
			}
			choice := strings.HasSuffix(name, "[x]")
			if !choice && len(types) > 1 {
				return nil, diag.Errorf(d.File(), id, "several types on an element whose name does not end in [x]")
			}
			if !choice && isAttribute(e, types[0]) {
				f.Attribute = &Attribute{GoType: "string"}
				break
			}
			var refs []*TypeRef
			for _, tr := range types {
				ref, err := b.typeRef(d, e, tr, f)
				if err != nil {
					return nil, err
				}
				refs = append(refs, ref)
			}
			if choice {
				f.Choice = &Choice{Field: f, Owner: owner}
				for _, r := range refs {
					f.Choice.Options = append(f.Choice.Options, &ChoiceOption{Ref: r, JSONName: f.Name + upperFirst(r.Code)})
				}
				owner.Choices = append(owner.Choices, f.Choice)
			} else {
				f.Type = refs[0]
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// isAttribute tells whether an element is a plain value rather than a FHIR
// element: system-typed with an XML attribute or xhtml representation.
func isAttribute(e *snapshot.Element, t gjson.Result) bool {
	return strings.HasPrefix(t.Get("code").String(), systemPrefix) &&
		(hasRepresentation(e, "xmlAttr") || hasRepresentation(e, "xhtml"))
}

// hasRepresentation reports whether an element's XML representation
// includes r (xmlAttr, xmlText, typeAttr, cdaText, xhtml).
func hasRepresentation(e *snapshot.Element, r string) bool {
	for _, v := range e.Get("representation").Array() {
		if v.String() == r {
			return true
		}
	}
	return false
}

func (b *builder) typeRef(d *snapshot.Definition, e *snapshot.Element, tr gjson.Result, f *Field) (*TypeRef, error) {
	code := tr.Get("code").String()
	if code == "" {
		return nil, diag.Errorf(d.File(), e.ID(), "type without a code")
	}
	ref := &TypeRef{Code: code}
	if strings.HasPrefix(code, systemPrefix) {
		// a system-typed FHIR element (Resource.id): the FHIR type it stands for
		ft := load.FHIRTypeOf(tr)
		if ft == "" {
			ft = strings.ToLower(strings.TrimPrefix(code, systemPrefix))
		}
		ref.Code = ft
		ref.System = true
	}
	ref.Profiles = b.typeProfiles(tr, d.File(), e.ID())
	for _, p := range tr.Get("targetProfile").Array() {
		ref.TargetProfiles = append(ref.TargetProfiles, p.String())
	}
	t, err := b.typeFor(snapshot.TypeURL(ref.Code), d.File(), e.ID())
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, diag.Errorf(d.File(), e.ID(), "type %s is abstract and has no elements of its own here", ref.Code)
	}
	ref.Type = t
	if ref.System && ref.Code == "string" && e.Get("base.path").String() == "Resource.id" {
		idType, err := b.typeFor(snapshot.TypeURL("id"), d.File(), e.ID())
		if err != nil {
			return nil, err
		}
		if idType != nil && !idType.Generic && !t.Generic && idType.Package == t.Package {
			ref.Format = idType
		}
	}
	if f.Binding != nil && f.Binding.Strength == "required" && f.Binding.ValueSet != "" {
		cs, err := b.codeSet(f.Binding.ValueSet, d.File(), e.ID())
		if err != nil {
			return nil, err
		}
		f.Binding.CodeSet = cs
		if cs != nil {
			if t.Name == "code" && !strings.HasSuffix(e.ID(), "[x]") {
				ref.CodeSet = cs
				cs.Emitted = true
			} else {
				cs.Member = true
			}
		}
	}
	ref.TargetTypes = b.targetTypes(ref.TargetProfiles, d.File(), e.ID())
	return ref, nil
}

// targetTypes resolves target profiles to resource type names. Any target
// that is Resource itself, or that cannot be resolved (reported), turns the
// check off: nothing is guessed.
func (b *builder) targetTypes(profiles []string, file, element string) []string {
	var out []string
	for _, url := range profiles {
		r, ok := b.defs.Resolve("StructureDefinition", url)
		if !ok {
			b.report.Warnf(file, element, "target profile %s is not loaded: references here are not checked", url)
			return nil
		}
		typ := gjson.GetBytes(r.JSON, "type").String()
		if typ == "Resource" || typ == "" {
			return nil
		}
		out = append(out, typ)
	}
	sort.Strings(out)
	return out
}

// codeSet expands a value set for typed codes; nil when it cannot be fully
// expanded (reported) or is too large to be useful as constants.
func (b *builder) codeSet(canonical, file, element string) (*CodeSet, error) {
	url, version, _ := strings.Cut(canonical, "|")
	if cs, ok := b.codeSets[url]; ok {
		return cs, nil
	}
	codes, problems, vs, err := b.exp.Expand(canonical)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		hint := ""
		if strings.Contains(strings.Join(problems, " "), "http://terminology.hl7.org/") {
			// HL7's terminology is published as a package of its own
			pkg := "hl7.terminology.r4"
			if strings.HasPrefix(b.core.FHIRVersion, "5") {
				pkg = "hl7.terminology.r5"
			}
			hint = " (HL7's terminology package " + pkg + " has it: add it with -package)"
		}
		b.report.Warnf(file, element, "required binding to %s stays an untyped code: %s%s", url, strings.Join(problems, "; "), hint)
		b.codeSets[url] = nil
		return nil, nil
	}
	if len(codes) == 0 || len(codes) > maxCodeSetLen {
		b.report.Warnf(file, element, "required binding to %s stays an untyped code: %d codes", url, len(codes))
		b.codeSets[url] = nil
		return nil, nil
	}
	seen := map[string]bool{}
	var uniq []*Code
	for _, c := range codes {
		if !seen[c.Code] {
			seen[c.Code] = true
			cp := *c // expansions share codes; names are per code set
			uniq = append(uniq, &cp)
		}
	}
	j := gjson.ParseBytes(vs.JSON)
	name := j.Get("name").String()
	if name == "" {
		name = vs.ID
	}
	cs := &CodeSet{URL: url, Version: version, Name: name, Doc: j.Get("description").String(), Codes: uniq, Source: vs.Source, Package: b.core}
	if cs.Version == "" {
		cs.Version = vs.Version
	}
	b.codeSets[url] = cs
	b.core.CodeSets = append(b.core.CodeSets, cs)
	return cs, nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// lowerFirstType turns a fixed[x] suffix (Coding, Code, Base64Binary) into
// the FHIR type code (Coding, code, base64Binary): primitive codes start lower.
func lowerFirstType(s string) string {
	if s == "" {
		return s
	}
	switch s {
	case "Boolean", "Integer", "String", "Decimal", "Uri", "Url", "Canonical", "Base64Binary", "Instant", "Date",
		"DateTime", "Time", "Code", "Oid", "Id", "Markdown", "UnsignedInt", "PositiveInt", "Uuid", "Integer64":
		return strings.ToLower(s[:1]) + s[1:]
	}
	return s
}

func valueOf(r gjson.Result) *Value {
	switch {
	case r.IsObject():
		v := &Value{Kind: ValueObject}
		r.ForEach(func(k, x gjson.Result) bool {
			v.Fields = append(v.Fields, ValueField{Name: k.Str, Value: valueOf(x)})
			return true
		})
		return v
	case r.IsArray():
		v := &Value{Kind: ValueArray}
		r.ForEach(func(_, x gjson.Result) bool {
			v.Items = append(v.Items, valueOf(x))
			return true
		})
		return v
	case r.Type == gjson.String:
		return &Value{Kind: ValueString, Str: r.Str}
	case r.Type == gjson.Number:
		return &Value{Kind: ValueNumber, Str: r.Raw}
	default:
		return &Value{Kind: ValueBool, Str: r.Raw}
	}
}

// name assigns Go names: top-level types first (sorted by FHIR name), then
// nested types, choices and code sets, so that the names do not depend on the
// order the closure was discovered in.
func (b *builder) name() error {
	for _, p := range b.mod.Packages {
		ns := NewNamespace(runtimeNames()...)
		files := NewNamespace("doc")
		sort.Slice(p.Types, func(i, j int) bool { return p.Types[i].Name < p.Types[j].Name })
		for _, t := range p.Types {
			goName := GoName(t.Name)
			if owner, taken := ns.Owner(goName); taken {
				blame, other := t, owner
				// blame the user's definition, not the package's it meets
				if o := b.types[owner]; o != nil && b.fromPackage(t) && !b.fromPackage(o) {
					blame, other = o, t.URL
				}
				return diag.Errorf(blame.Source, blame.Name, "Go name %s collides with %s; rename this type", goName, other)
			}
			t.GoName = ns.Take(goName, "", t.URL)
			t.File = files.Take(FileName(t.GoName), "x", t.URL)
		}
		for _, t := range p.Types {
			if t.Kind == KindPrimitive {
				// the functions each primitive's file declares
				for _, fn := range []string{"New" + t.GoName, "New" + t.GoName + "Of", t.GoName + "Values"} {
					if owner, taken := ns.Owner(fn); taken {
						return diag.Errorf(t.Source, t.Name, "function %s collides with %s", fn, owner)
					}
					ns.Take(fn, "", t.URL)
				}
			}
		}
		for _, t := range p.Types {
			for _, n := range t.Nested {
				rel := strings.TrimPrefix(n.Name, t.Name+".")
				var gn strings.Builder
				gn.WriteString(t.GoName)
				for _, seg := range strings.Split(rel, ".") {
					gn.WriteString(GoName(seg))
				}
				n.GoName = ns.Take(gn.String(), "Element", n.Name)
			}
		}
		for _, t := range p.Types {
			for _, ty := range append([]*Type{t}, t.Nested...) {
				nameFields(ty)
				for _, c := range ty.Choices {
					c.GoName = ns.Take(ty.GoName+c.Field.GoName, "Choice", c.Field.Path)
				}
			}
		}
		sort.Slice(p.CodeSets, func(i, j int) bool { return p.CodeSets[i].URL < p.CodeSets[j].URL })
		for _, cs := range p.CodeSets {
			cs.GoName = ns.Take(GoName(cs.Name), "Code", cs.URL)
		}
		for _, cs := range p.CodeSets {
			for _, c := range cs.Codes {
				c.GoName = ns.Take(cs.GoName+CodeGoName(c.Code), "_", cs.URL+"#"+c.Code)
			}
		}
		sort.Slice(p.CodeSets, func(i, j int) bool { return p.CodeSets[i].GoName < p.CodeSets[j].GoName })
		sort.Slice(p.Types, func(i, j int) bool { return p.Types[i].GoName < p.Types[j].GoName })
		sort.Slice(p.Profiles, func(i, j int) bool { return p.Profiles[i].URL < p.Profiles[j].URL })
		for _, pr := range p.Profiles {
			pr.GoName = ns.Take(GoName(pr.Name), "Profile", pr.URL)
			pr.File = files.Take(FileName(pr.GoName), "x", pr.URL)
		}
		sort.Slice(p.Definitions, func(i, j int) bool { return p.Definitions[i].URL < p.Definitions[j].URL })
	}
	return nil
}

// nameFields gives a type's fields Go names, unique among its fields and
// clear of its methods.
func nameFields(t *Type) {
	used := map[string]bool{}
	for _, m := range reservedMethods() {
		used[m] = true
	}
	for _, f := range t.Fields {
		gn := GoName(f.Name)
		for used[gn] || used["Get"+gn] {
			gn += "_"
		}
		used[gn] = true
		used["Get"+gn] = true
		f.GoName = gn
	}
	for _, f := range t.Fields {
		if f.Choice == nil {
			continue
		}
		for _, o := range f.Choice.Options {
			g := "Get" + GoName(o.JSONName)
			for used[g] {
				g += "_"
			}
			used[g] = true
			o.Getter = g
		}
	}
}
