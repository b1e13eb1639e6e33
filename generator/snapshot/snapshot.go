// Package snapshot parses StructureDefinitions and computes the snapshot of a
// definition that has only a differential: for specializations (a new
// resource on DomainResource) and constraints (profiles, extensions) alike.
//
// The differential is merged onto a copy of the base snapshot: slices start as
// copies of the sliced element, constraints accumulate, cardinality and types
// only narrow (widening is an error), and children of a datatype are expanded
// from that datatype's snapshot when the differential reaches into them.
package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/fhirgen/fhirgen/generator/load"
	"github.com/tidwall/gjson"
)

// Definition is a parsed StructureDefinition.
type Definition struct {
	Res            *load.Resource
	URL            string
	Version        string
	Name           string
	Title          string
	Description    string
	Type           string // the type it defines or constrains
	Kind           string // primitive-type, complex-type, resource, logical
	Derivation     string // specialization, constraint, or "" for the roots
	BaseDefinition string
	FHIRVersion    string
	Abstract       bool
	Snapshot       []*Element
	Differential   []*Element
	Computed       bool // the snapshot was computed here, not read
	unnamed        bool // it has no name: Name is taken from URL
}

// File is where the definition came from, for error messages.
func (d *Definition) File() string { return d.Res.Source }

// Root is the first snapshot element.
func (d *Definition) Root() *Element {
	if len(d.Snapshot) == 0 {
		return nil
	}
	return d.Snapshot[0]
}

// Parse reads a StructureDefinition resource.
func Parse(r *load.Resource) (*Definition, error) {
	j := gjson.ParseBytes(r.JSON)
	d := &Definition{
		Res:            r,
		URL:            r.URL,
		Version:        r.Version,
		Name:           j.Get("name").String(),
		Title:          j.Get("title").String(),
		Description:    j.Get("description").String(),
		Type:           j.Get("type").String(),
		Kind:           j.Get("kind").String(),
		Derivation:     j.Get("derivation").String(),
		BaseDefinition: j.Get("baseDefinition").String(),
		FHIRVersion:    j.Get("fhirVersion").String(),
		Abstract:       j.Get("abstract").Bool(),
	}
	if d.Type == "" {
		return nil, diag.Errorf(r.Source, "", "StructureDefinition %s has no type", r.URL)
	}
	if d.Name == "" {
		// an authoring error (name is 1..1) that need not stop generation:
		// the name is the last step of the canonical URL (checkNames checks it)
		d.Name, d.unnamed = r.URL[strings.LastIndexAny(r.URL, "/:")+1:], true
	}
	var err error
	if d.Snapshot, err = parseElements(r, j.Get("snapshot.element")); err != nil {
		return nil, err
	}
	if d.Differential, err = parseElements(r, j.Get("differential.element")); err != nil {
		return nil, err
	}
	if err := checkNames(d); err != nil {
		return nil, err
	}
	return d, nil
}

func parseElements(r *load.Resource, arr gjson.Result) ([]*Element, error) {
	if !arr.Exists() {
		return nil, nil
	}
	if !arr.IsArray() {
		return nil, diag.Errorf(r.Source, "", "element is not an array")
	}
	var out []*Element
	var err error
	arr.ForEach(func(_, v gjson.Result) bool {
		if !v.IsObject() {
			err = diag.Errorf(r.Source, "", "element %d is not an object", len(out))
			return false
		}
		e := parseElement(v)
		if e.Path() == "" {
			err = diag.Errorf(r.Source, e.ID(), "element %d has no path", len(out))
			return false
		}
		if !e.Has("id") {
			id := e.Path()
			if s := e.SliceName(); s != "" {
				id += ":" + s
			}
			e.SetString("id", id)
		}
		out = append(out, e)
		return true
	})
	return out, err
}

// Generator computes snapshots, caching them by canonical URL.
type Generator struct {
	Defs   *load.Set
	Report *diag.Report
	done   map[*load.Resource]*Definition
	busy   map[*load.Resource]bool
	// bindable are the type codes a binding may be on (bindableTypes)
	bindable map[string]bool
}

// New returns a Generator over a set of loaded definitions.
func New(defs *load.Set, report *diag.Report) *Generator {
	return &Generator{Defs: defs, Report: report, done: map[*load.Resource]*Definition{}, busy: map[*load.Resource]bool{}}
}

// TypeURL is the canonical URL of a type code.
func TypeURL(code string) string {
	if strings.Contains(code, ":") {
		return code
	}
	return "http://hl7.org/fhir/StructureDefinition/" + code
}

// Lookup finds a StructureDefinition with its snapshot (computing it when
// needed). from names who asked, for the error message.
func (g *Generator) Lookup(canonical, fromFile, fromElement string) (*Definition, error) {
	r, ok := g.Defs.Resolve("StructureDefinition", canonical)
	if !ok {
		return nil, diag.Errorf(fromFile, fromElement, "StructureDefinition %s is not loaded", canonical)
	}
	return g.ForResource(r)
}

// ForResource parses a StructureDefinition and makes sure it has a snapshot.
func (g *Generator) ForResource(r *load.Resource) (*Definition, error) {
	if d, ok := g.done[r]; ok {
		return d, nil
	}
	if g.busy[r] {
		return nil, diag.Errorf(r.Source, "", "cycle: %s derives from itself", r.URL)
	}
	g.busy[r] = true
	defer delete(g.busy, r)
	if err := g.Defs.Check(r); err != nil {
		return nil, err
	}
	d, err := Parse(r)
	if err != nil {
		return nil, err
	}
	if d.unnamed {
		g.Report.Warnf(r.Source, "", "StructureDefinition %s has no name; named %s after its url", r.URL, d.Name)
	}
	if err := g.checkAncestry(d); err != nil {
		return nil, err
	}
	if len(d.Snapshot) == 0 {
		if err := g.compute(d); err != nil {
			return nil, err
		}
	}
	g.done[r] = d
	return d, nil
}

// maxDerivationDepth bounds a chain of baseDefinitions (R4's deepest is 6).
const maxDerivationDepth = 64

// checkAncestry follows d's baseDefinition chain through the loaded
// definitions, with or without snapshots, and refuses a cycle, so that
// no later stage can loop on one.
func (g *Generator) checkAncestry(d *Definition) error {
	seen := map[*load.Resource]bool{d.Res: true}
	chain := []string{d.URL}
	for base := d.BaseDefinition; base != ""; {
		r, ok := g.Defs.Resolve("StructureDefinition", base)
		if !ok {
			return nil // reported where the base is needed
		}
		chain = append(chain, r.URL)
		if seen[r] {
			return diag.Errorf(d.File(), "", "baseDefinition cycle: %s", strings.Join(chain, " → "))
		}
		if len(chain) > maxDerivationDepth {
			return diag.Errorf(d.File(), "", "baseDefinition chain longer than %d", maxDerivationDepth)
		}
		seen[r] = true
		base = gjson.GetBytes(r.JSON, "baseDefinition").String()
	}
	return nil
}

// TypeDefinition returns the definition of the type d constrains: d itself
// when it is not a constraint, else the first of its bases that is not.
func (g *Generator) TypeDefinition(d *Definition) (*Definition, error) {
	for d.Derivation == "constraint" {
		if d.BaseDefinition == "" {
			return nil, diag.Errorf(d.File(), "", "a constraint with no baseDefinition")
		}
		base, err := g.Lookup(d.BaseDefinition, d.File(), "")
		if err != nil {
			return nil, err
		}
		d = base
	}
	return d, nil
}

func (g *Generator) compute(d *Definition) error {
	if len(d.Differential) == 0 {
		return diag.Errorf(d.File(), "", "has neither a snapshot nor a differential")
	}
	if d.BaseDefinition == "" {
		return diag.Errorf(d.File(), d.Differential[0].ID(), "has no snapshot and no baseDefinition to build one from")
	}
	base, err := g.Lookup(d.BaseDefinition, d.File(), d.Differential[0].ID())
	if err != nil {
		return err
	}
	if len(base.Snapshot) == 0 {
		return diag.Errorf(d.File(), "", "base %s has no snapshot", d.BaseDefinition)
	}
	m := &merger{g: g, def: d, base: map[string]*Element{}}
	for _, e := range base.Snapshot {
		m.base[e.ID()] = e
	}
	switch d.Derivation {
	case "constraint":
		if base.Type != d.Type {
			return diag.Errorf(d.File(), "", "constrains %s but its base %s defines %s", d.Type, base.URL, base.Type)
		}
		m.elems = cloneAll(base.Snapshot)
	case "specialization":
		m.elems = renameRoot(cloneAll(base.Snapshot), base.Type, d.Type)
		root := m.elems[0]
		root.SetRaw("base", fmt.Sprintf(`{"path":%q,"min":0,"max":"*"}`, d.Type))
		root.Delete("sliceName")
	default:
		return diag.Errorf(d.File(), "", "unknown derivation %q", d.Derivation)
	}
	// an inherited constraint names the definition that introduced it, as
	// the base's own constraints may not (DomainResource's dom-2 in its
	// own snapshot)
	for _, e := range m.elems {
		sourceConstraints(e, base.URL)
	}
	for _, de := range d.Differential {
		if err := m.apply(de); err != nil {
			return err
		}
	}
	m.typeSlicing()
	m.raiseSlicedMins()
	m.dropUnboundable()
	if err := m.check(); err != nil {
		return err
	}
	d.Snapshot = m.elems
	d.Computed = true
	return nil
}

// sourceConstraints sets the source of e's constraints that have none.
func sourceConstraints(e *Element, url string) {
	cons := e.Get("constraint")
	if !cons.IsArray() {
		return
	}
	missing := false
	cons.ForEach(func(_, c gjson.Result) bool {
		missing = missing || !c.Get("source").Exists()
		return !missing
	})
	if !missing {
		return
	}
	var parts []string
	cons.ForEach(func(_, c gjson.Result) bool {
		parts = append(parts, withSource(c, url))
		return true
	})
	e.SetRaw("constraint", "["+strings.Join(parts, ",")+"]")
}

func cloneAll(in []*Element) []*Element {
	out := make([]*Element, len(in))
	for i, e := range in {
		out[i] = e.Clone()
	}
	return out
}

// renameRoot replaces the first path segment (the type name) of ids and paths.
func renameRoot(elems []*Element, from, to string) []*Element {
	for _, e := range elems {
		e.SetString("id", replaceHead(e.ID(), from, to))
		e.SetString("path", replaceHead(e.Path(), from, to))
	}
	return elems
}

func replaceHead(s, from, to string) string {
	if s == from {
		return to
	}
	if strings.HasPrefix(s, from) && (s[len(from)] == '.' || s[len(from)] == ':') {
		return to + s[len(from):]
	}
	return s
}

// MarshalJSON writes the definition as StructureDefinition JSON with its
// snapshot, keeping every other property of the source.
func (d *Definition) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	write := func(key string, raw []byte) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(raw)
	}
	snap, err := json.Marshal(map[string][]*Element{"element": d.Snapshot})
	if err != nil {
		return nil, err
	}
	wroteSnap := false
	gjson.ParseBytes(d.Res.JSON).ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "snapshot":
			return true
		case "differential":
			write("snapshot", snap)
			wroteSnap = true
		}
		write(k.Str, []byte(v.Raw))
		return true
	})
	if !wroteSnap {
		write("snapshot", snap)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// eld11Code matches a type code eld-11 allows a binding on.
var eld11Code = regexp.MustCompile(`code\s*=\s*'([^']+)'`)

// bindableTypes are the types a binding can be on, read from the loaded
// ElementDefinition's eld-11 ("Binding can only be present for coded
// elements, string, and uri"); none when it is not loaded.
func (g *Generator) bindableTypes() map[string]bool {
	if g.bindable != nil {
		return g.bindable
	}
	g.bindable = map[string]bool{}
	r, ok := g.Defs.Resolve("StructureDefinition", TypeURL("ElementDefinition"))
	if !ok {
		return g.bindable
	}
	for _, c := range gjson.GetBytes(r.JSON, "snapshot.element.0.constraint").Array() {
		if c.Get("key").String() == "eld-11" {
			for _, sm := range eld11Code.FindAllStringSubmatch(c.Get("expression").String(), -1) {
				g.bindable[sm[1]] = true
			}
		}
	}
	return g.bindable
}
