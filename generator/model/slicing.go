package model

import (
	"fmt"
	"strings"

	"github.com/fhirgen/fhirgen/generator/snapshot"
)

// defaultExtensionSlicing is the slicing FHIR gives extension and
// modifierExtension when a profile slices them without saying how: by url.
func defaultExtensionSlicing() *Slicing {
	return &Slicing{Discriminators: []Discriminator{{Type: "value", Path: "url"}}, Rules: "open"}
}

// isExtensionList reports whether an element id names an extension list
// (its last step is extension or modifierExtension).
func isExtensionList(id string) bool {
	last := id[strings.LastIndexByte(id, '.')+1:]
	if i := strings.IndexByte(last, ':'); i >= 0 {
		last = last[:i]
	}
	return last == "extension" || last == "modifierExtension"
}

// sliceKeys resolves, for each slice of a profile, what the discriminators
// of its sliced element require, as the HL7 validator does: following the
// discriminator's path through the slice's children and, where the profile
// says nothing more, into the profile its type names (an extension slice's
// url is the url fixed by its extension definition).
func (b *builder) sliceKeys(d *snapshot.Definition, prof *Profile) {
	byID := map[string]*ProfileElement{}
	for _, pe := range prof.Elements {
		byID[pe.ID] = pe
	}
	for _, pe := range prof.Elements {
		if pe.Slicing == nil && pe.SliceName == "" && isExtensionList(pe.ID) && hasSlices(prof, pe.ID) {
			pe.Slicing = defaultExtensionSlicing()
		}
	}
	for _, pe := range prof.Elements {
		colon := strings.LastIndexByte(pe.ID, ':')
		if pe.SliceName == "" || colon < strings.LastIndexByte(pe.ID, '.') {
			continue
		}
		slicedID := pe.ID[:colon]
		if k := strings.LastIndexByte(pe.SliceName, '/'); k >= 0 {
			slicedID += ":" + pe.SliceName[:k] // a reslice: a slice of its parent slice
		}
		sliced := byID[slicedID]
		if sliced == nil || sliced.Slicing == nil {
			continue
		}
		for _, disc := range sliced.Slicing.Discriminators {
			pe.Keys = append(pe.Keys, b.sliceKey(d, pe, disc))
		}
		openKeys(pe.Keys)
	}
}

// openKeys marks the value and pattern discriminators a slice has no value
// for as open (SliceKey.Any) when the slice constrains another of the
// slicing's discriminators; with none constrained, they stay problems.
func openKeys(keys []*SliceKey) {
	constrained := false
	for _, k := range keys {
		constrained = constrained || !k.noValue
	}
	if !constrained {
		return
	}
	for _, k := range keys {
		if k.noValue {
			k.Any, k.Problem = true, ""
		}
	}
}

func hasSlices(prof *Profile, id string) bool {
	for _, pe := range prof.Elements {
		if strings.HasPrefix(pe.ID, id+":") && !strings.Contains(pe.ID[len(id)+1:], ".") {
			return true
		}
	}
	return false
}

// sliceKey resolves one discriminator for one slice.
func (b *builder) sliceKey(d *snapshot.Definition, slice *ProfileElement, disc Discriminator) *SliceKey {
	k := &SliceKey{Type: disc.Type}
	path := strings.TrimSpace(disc.Path)
	if path != "" && path != "$this" {
		k.Path = strings.Split(strings.TrimPrefix(path, "$this."), ".")
	}
	el, def, problem := b.walkDiscriminator(d, slice.ID, k.Path)
	if problem != "" && (disc.Type == "value" || disc.Type == "pattern") && len(k.Path) == 1 && k.Path[0] == "url" {
		// an extension slice whose definition is not loaded: an
		// extension's url is its definition's canonical
		if se := elementByID(d, slice.ID); se != nil {
			if ps := se.Get("type.0.profile").Array(); len(se.Get("type").Array()) == 1 && len(ps) == 1 && se.Get("type.0.code").String() == "Extension" {
				url, _, _ := strings.Cut(ps[0].String(), "|")
				k.Value = &Value{Kind: ValueString, Str: url, TypeCode: "uri"}
				return k
			}
		}
	}
	if problem != "" {
		k.Problem = problem
		return k
	}
	switch disc.Type {
	case "value", "pattern":
		if _, v, ok := el.WithPrefix("fixed"); ok {
			k.Value = valueOf(v)
		} else if _, v, ok := el.WithPrefix("pattern"); ok {
			k.Value = valueOf(v)
		} else if root := b.profileRoot(el); root != nil {
			// the value is the one the type's profile fixes on its root
			if _, v, ok := root.WithPrefix("fixed"); ok {
				k.Value = valueOf(v)
			} else if _, v, ok := root.WithPrefix("pattern"); ok {
				k.Value = valueOf(v)
			}
		}
		if k.Value == nil {
			b.bindingKey(k, def, el)
		}
	case "exists":
		k.Exists = el.Min() > 0
		if el.Max() == 0 {
			k.Exists = false
		} else if el.Min() == 0 {
			k.Problem = fmt.Sprintf("the exists discriminator on %s: the slice neither requires (min > 0) nor forbids (max 0) it", el.ID())
		}
	case "type":
		k.Types = el.TypeCodes()
		if resolves(k.Path) {
			k.Types = b.targetTypeNames(el)
		}
	case "profile":
		for _, t := range el.Get("type").Array() {
			key := "profile"
			if resolves(k.Path) {
				key = "targetProfile"
			}
			for _, p := range t.Get(key).Array() {
				if pd, err := b.snap.Lookup(p.String(), def.File(), el.ID()); err == nil && pd.Derivation == "constraint" {
					k.Profiles = append(k.Profiles, p.String())
				} else if err == nil {
					k.Types = append(k.Types, pd.Type) // a base type: being of it is conforming
				}
			}
		}
		switch {
		case len(k.Profiles) == 0 && len(k.Types) == 0 && !resolves(k.Path):
			// no profile on the type: conforming to the type's own
			// definition is being of that type
			k.Type, k.Types = "type", el.TypeCodes()
		case len(k.Profiles) == 0 && len(k.Types) > 0:
			k.Type = "type"
		case len(k.Profiles) == 0:
			k.Problem = fmt.Sprintf("the profile discriminator on %s: the slice names no profile", el.ID())
		}
	default:
		k.Problem = fmt.Sprintf("unknown discriminator type %q", disc.Type)
	}
	return k
}

// bindingKey resolves a value discriminator on an element that has no
// fixed or pattern value from the binding on it or on the element it
// belongs to, up to the slice (AU's imaging category slice binds its
// CodeableConcept): the items are those whose codes are in the value set.
func (b *builder) bindingKey(k *SliceKey, def *snapshot.Definition, el *snapshot.Element) {
	for id := el.ID(); id != ""; id = parentID(id) {
		e := elementByID(def, id)
		if e == nil {
			break
		}
		if vs := e.Get("binding.valueSet").String(); vs != "" {
			if s := e.Get("binding.strength").String(); s == "required" || s == "extensible" {
				k.ValueSet = vs
				codes, problems, _, err := b.exp.Expand(vs)
				switch {
				case err != nil:
					k.Problem = err.Error()
				case len(problems) > 0:
					k.Unknowable = "value set " + vs + " cannot be expanded: " + strings.Join(problems, "; ")
				default:
					k.Codes = codes
				}
				return
			}
		}
		if strings.Contains(id[strings.LastIndexByte(id, '.')+1:], ":") {
			break // the slice itself was looked at
		}
	}
	k.noValue = true
	k.Problem = fmt.Sprintf("%s: no fixed or pattern value, and no binding, at %s for the %s discriminator", def.File(), el.ID(), k.Type)
}

// walkDiscriminator follows a discriminator's path from a slice: through
// the profile's own elements first, and into the profile an element's type
// names where the profile has nothing deeper. resolve() steps into the
// target profile of a reference. It returns the element reached and the
// definition it belongs to.
func (b *builder) walkDiscriminator(d *snapshot.Definition, sliceID string, path []string) (*snapshot.Element, *snapshot.Definition, string) {
	def, id := d, sliceID
	el := elementByID(def, id)
	if el == nil {
		return nil, nil, "slice " + sliceID + " not found in the snapshot"
	}
	for i, step := range path {
		if step == "resolve()" && i == len(path)-1 {
			break // the reference itself: its target profiles say what it resolves to
		}
		if step == "resolve()" {
			targets := el.Get("type.0.targetProfile").Array()
			if len(targets) != 1 {
				return nil, nil, fmt.Sprintf("resolve() at %s needs exactly one target profile", id)
			}
			td, err := b.snap.Lookup(targets[0].String(), def.File(), id)
			if err != nil {
				return nil, nil, err.Error()
			}
			def, id = td, td.Root().ID()
			el = td.Root()
			continue
		}
		if strings.ContainsAny(step, "()") {
			return nil, nil, fmt.Sprintf("the path step %s is not supported", step)
		}
		next := childOf(def, id, step)
		if next == nil {
			// into the profile the type names (an extension's definition)
			pd := b.typeProfile(el)
			if pd == nil {
				return nil, nil, fmt.Sprintf("%s has no element %s (and its type names no profile to look into)", id, step)
			}
			def, id = pd, pd.Root().ID()
			next = childOf(def, id, step)
			if next == nil {
				return nil, nil, fmt.Sprintf("%s (the profile of %s) has no element %s", pd.URL, el.ID(), step)
			}
		}
		el, id = next, next.ID()
	}
	return el, def, ""
}

// elementByID finds an element of a definition's snapshot.
func elementByID(d *snapshot.Definition, id string) *snapshot.Element {
	for _, e := range d.Snapshot {
		if e.ID() == id {
			return e
		}
	}
	return nil
}

// childOf finds the child named step (value: value[x]) of the element id.
func childOf(d *snapshot.Definition, id, step string) *snapshot.Element {
	for _, cand := range []string{id + "." + step, id + "." + step + "[x]"} {
		if e := elementByID(d, cand); e != nil {
			return e
		}
	}
	return nil
}

// typeProfile is the definition of the one profile an element's single
// type names, or nil.
func (b *builder) typeProfile(el *snapshot.Element) *snapshot.Definition {
	types := el.Get("type").Array()
	if len(types) != 1 {
		return nil
	}
	profiles := types[0].Get("profile").Array()
	if len(profiles) != 1 {
		return nil
	}
	pd, err := b.snap.Lookup(profiles[0].String(), "", el.ID())
	if err != nil || len(pd.Snapshot) == 0 {
		return nil
	}
	return pd
}

// profileRoot is the root element of the profile an element's type names.
func (b *builder) profileRoot(el *snapshot.Element) *snapshot.Element {
	if pd := b.typeProfile(el); pd != nil {
		return pd.Root()
	}
	return nil
}

// resolves reports whether a discriminator path ends in resolve().
func resolves(path []string) bool { return len(path) > 0 && path[len(path)-1] == "resolve()" }

// targetTypeNames are the resource types a reference's target profiles
// name (a profile counts as the type it constrains).
func (b *builder) targetTypeNames(el *snapshot.Element) []string {
	var out []string
	for _, t := range el.Get("type").Array() {
		for _, p := range t.Get("targetProfile").Array() {
			if pd, err := b.snap.Lookup(p.String(), "", el.ID()); err == nil {
				out = append(out, pd.Type)
			}
		}
	}
	return out
}
