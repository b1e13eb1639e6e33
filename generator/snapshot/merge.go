package snapshot

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/fhirgen/fhirgen/generator/load"
	"github.com/tidwall/gjson"
)

// merger applies one definition's differential onto a copy of its base.
type merger struct {
	g     *Generator
	def   *Definition
	elems []*Element
	base  map[string]*Element // the base's snapshot elements by id
	// typeSliced are the choice elements sliced by type without a slicing
	// in the differential
	typeSliced []*Element
}

func (m *merger) errf(id, format string, args ...any) error {
	return diag.Errorf(m.def.File(), id, format, args...)
}

func (m *merger) index(id string) int {
	for i, e := range m.elems {
		if e.ID() == id {
			return i
		}
	}
	return -1
}

// subtreeEnd returns the index just past the element at i and everything
// below it, its slices included.
func (m *merger) subtreeEnd(i int) int {
	id := m.elems[i].ID()
	j := i + 1
	for j < len(m.elems) {
		other := m.elems[j].ID()
		if !strings.HasPrefix(other, id) || len(other) == len(id) || (other[len(id)] != '.' && other[len(id)] != ':' && other[len(id)] != '/') {
			break
		}
		j++
	}
	return j
}

func (m *merger) hasChildren(i int) bool {
	return i+1 < len(m.elems) && strings.HasPrefix(m.elems[i+1].ID(), m.elems[i].ID()+".")
}

func (m *merger) insert(at int, elems []*Element) {
	m.elems = append(m.elems[:at], append(elems, m.elems[at:]...)...)
}

// splitID splits an element id at the dots that separate path segments
// (a slice name may not contain a dot in the ids handled here).
func splitID(id string) []string { return strings.Split(id, ".") }

// parentID drops the last segment.
func parentID(id string) string {
	i := strings.LastIndexByte(id, '.')
	if i < 0 {
		return ""
	}
	return id[:i]
}

// locate finds (or makes) the snapshot element a differential id refers to.
// It maps renamed choices (valueReference for value[x]), creates slices and
// expands datatype children on the way. It returns -1 when the element does
// not exist in the base, and the type a renamed choice selects.
func (m *merger) locate(id string) (int, string, error) {
	if i := m.index(id); i >= 0 {
		return i, "", nil
	}
	segs := splitID(id)
	cur := segs[0]
	if m.index(cur) < 0 {
		return -1, "", m.errf(id, "is not part of %s", m.def.Type)
	}
	choiceType := ""
	for k := 1; k < len(segs); k++ {
		seg := segs[k]
		name, slice, hasSlice := strings.Cut(seg, ":")
		pi := m.index(cur)
		if pi >= 0 && !m.hasChildren(pi) {
			if err := m.expand(pi, id); err != nil {
				return -1, "", err
			}
		}
		cand := cur + "." + seg
		if m.index(cand) >= 0 {
			cur, choiceType = cand, ""
			continue
		}
		plain := cur + "." + name
		if m.index(plain) < 0 {
			// A renamed choice: valueReference stands for value[x] with type Reference.
			if alias, typ := m.choiceAlias(cur, name); alias != "" {
				plain, choiceType = alias, typ
				if !hasSlice {
					cur = alias
					continue
				}
			}
		}
		if hasSlice {
			sliceID := plain + ":" + slice
			// a reslice (mrn/current) is a slice of its parent slice (mrn)
			sliced := plain
			if k := strings.LastIndexByte(slice, '/'); k >= 0 {
				sliced = plain + ":" + slice[:k]
			}
			si := m.index(sliced)
			if si < 0 {
				if sliced != plain {
					return -1, "", m.errf(id, "reslices %s, which is not a slice", sliced)
				}
				return -1, "", nil
			}
			if m.index(sliceID) < 0 {
				if err := m.makeSlice(si, slice, sliceID, id); err != nil {
					return -1, "", err
				}
			}
			cur = sliceID
			continue
		}
		return -1, "", nil
	}
	return m.index(cur), choiceType, nil
}

// choiceAlias maps "valueReference" under parent to "parent.value[x]" when
// that choice allows Reference.
func (m *merger) choiceAlias(parent, name string) (string, string) {
	for i, e := range m.elems {
		id := e.ID()
		if parentID(id) != parent || !strings.HasSuffix(id, "[x]") {
			continue
		}
		stem := strings.TrimSuffix(id[len(parent)+1:], "[x]")
		if !strings.HasPrefix(name, stem) || len(name) == len(stem) {
			continue
		}
		typ := name[len(stem):]
		for _, code := range m.elems[i].TypeCodes() {
			if code != "" && strings.EqualFold(code[:1], typ[:1]) && code[1:] == typ[1:] {
				return id, code
			}
		}
	}
	return "", ""
}

// expand inserts the children of the element at i, taken from the snapshot
// of its single type (or the element its contentReference names).
func (m *merger) expand(i int, forID string) error {
	e := m.elems[i]
	if ref := e.Get("contentReference").String(); ref != "" {
		target := strings.TrimPrefix(ref[strings.IndexByte(ref, '#')+1:], "")
		ti := m.index(target)
		if ti < 0 {
			return m.errf(forID, "contentReference %s names no element", ref)
		}
		var kids []*Element
		for _, c := range m.elems[ti+1 : m.subtreeEnd(ti)] {
			if strings.HasPrefix(c.ID(), target+":") {
				continue
			}
			k := c.Clone()
			k.SetString("id", e.ID()+strings.TrimPrefix(c.ID(), target))
			k.SetString("path", e.Path()+strings.TrimPrefix(c.Path(), m.elems[ti].Path()))
			kids = append(kids, k)
		}
		m.insert(i+1, kids)
		return nil
	}
	types := e.Get("type").Array()
	if len(types) == 0 {
		return m.errf(forID, "cannot reach into %s: it has no type", e.ID())
	}
	url := TypeURL(types[0].Get("code").String())
	if p := types[0].Get("profile.0").String(); p != "" {
		url = p
	}
	if len(types) > 1 {
		// a choice of several types has the children every type has:
		// Element's (id, extension)
		url = TypeURL("Element")
	}
	td, err := m.g.Lookup(url, m.def.File(), forID)
	if err != nil {
		return err
	}
	if len(td.Snapshot) < 2 {
		return m.errf(forID, "type %s of %s has no children", td.Type, e.ID())
	}
	rootID, rootPath := td.Snapshot[0].ID(), td.Snapshot[0].Path()
	var kids []*Element
	for _, c := range td.Snapshot[1:] {
		k := c.Clone()
		k.SetString("id", e.ID()+strings.TrimPrefix(c.ID(), rootID))
		k.SetString("path", e.Path()+strings.TrimPrefix(c.Path(), rootPath))
		if len(types) == 1 && types[0].Get("profile.0").Exists() {
			k.profile = url
		}
		kids = append(kids, k)
	}
	m.insert(i+1, kids)
	return nil
}

// makeSlice copies the sliced element at si (an element, or for a reslice
// the slice it reslices) and its children as the new slice sliceID.
func (m *merger) makeSlice(si int, name, sliceID, forID string) error {
	sliced := m.elems[si]
	if !sliced.Has("slicing") && !strings.HasSuffix(sliced.ID(), "[x]") && sliced.Get("type.0.code").String() != "Extension" {
		return m.errf(forID, "slice %q on %s, which has no slicing", name, sliced.ID())
	}
	switch {
	case sliced.Has("slicing"):
	case sliced.Get("type.0.code").String() == "Extension":
		// extensions are sliced by url unless said otherwise
		sliced.SetRaw("slicing", `{"discriminator":[{"type":"value","path":"url"}],"rules":"open"}`)
	case strings.HasSuffix(sliced.ID(), "[x]"):
		// a choice is sliced by type; its rules are settled once its
		// slices are (typeSlicing)
		sliced.SetRaw("slicing", `{"discriminator":[{"type":"type","path":"$this"}],"rules":"open"}`)
		m.typeSliced = append(m.typeSliced, sliced)
	}
	end := m.subtreeEnd(si)
	prefix := sliced.ID()
	// A slice's root starts as the base's sliced element (what the
	// differential says of the sliced element itself, its types and
	// constraints, is not said of the slice), its children as the sliced
	// element's children are now (constrained), as the IG Publisher has it.
	root := sliced.Clone()
	if b := m.base[sliced.ID()]; b != nil {
		root = b.Clone()
	}
	root.SetString("id", sliceID)
	root.SetString("sliceName", name)
	root.Delete("slicing")
	root.SetRaw("min", "0")
	out := []*Element{root}
	for _, c := range m.elems[si+1 : end] {
		if !strings.HasPrefix(c.ID(), prefix+".") {
			continue // other slices and their children
		}
		k := c.Clone()
		k.SetString("id", sliceID+c.ID()[len(prefix):])
		out = append(out, k)
	}
	m.insert(end, out)
	return nil
}

// apply merges one differential element.
func (m *merger) apply(de *Element) error {
	id := de.ID()
	if !strings.HasPrefix(id, m.def.Type) {
		return m.errf(id, "does not start with the type %s", m.def.Type)
	}
	i, choiceType, err := m.locate(id)
	if err != nil {
		return err
	}
	if i < 0 {
		if m.def.Derivation != "specialization" {
			return m.errf(id, "no such element in the base %s", m.def.BaseDefinition)
		}
		return m.addNew(de)
	}
	target := m.elems[i]
	if choiceType != "" && !de.Has("type") && len(target.TypeCodes()) > 1 {
		// A renamed choice narrows the choice to that one type.
		for _, t := range target.Get("type").Array() {
			if t.Get("code").String() == choiceType {
				target.SetRaw("type", "["+t.Raw+"]")
			}
		}
	}
	return m.merge(target, de)
}

// addNew adds an element a specialization introduces.
func (m *merger) addNew(de *Element) error {
	id := de.ID()
	pi := m.index(parentID(id))
	if pi < 0 {
		return m.errf(id, "its parent %s does not exist", parentID(id))
	}
	if strings.Contains(id[len(parentID(id)):], ":") {
		return m.errf(id, "a new element cannot be a slice")
	}
	if !de.Has("type") && !de.Has("contentReference") {
		return m.errf(id, "a new element needs a type")
	}
	if ref := de.Get("contentReference").String(); de.Has("contentReference") {
		if target := ref[strings.IndexByte(ref, '#')+1:]; !strings.HasPrefix(ref, "#") || m.index(target) < 0 {
			return m.errf(id, "contentReference %q names no element defined before it (want #<element id>)", ref)
		}
	}
	if de.Max() == -2 {
		return m.errf(id, "a new element needs a valid max")
	}
	for _, code := range de.TypeCodes() {
		if code == "" {
			return m.errf(id, "type without a code")
		}
		if strings.HasPrefix(code, load.SystemTypePrefix) {
			continue
		}
		if _, ok := m.g.Defs.Resolve("StructureDefinition", TypeURL(code)); !ok {
			return m.errf(id, "unknown type %q", code)
		}
	}
	e := &Element{}
	e.SetString("id", id)
	e.SetString("path", de.Path())
	e.SetRaw("min", strconv.Itoa(de.Min()))
	e.SetRaw("max", de.Get("max").Raw)
	e.SetRaw("base", fmt.Sprintf(`{"path":%q,"min":%d,"max":%s}`, de.Path(), de.Min(), de.Get("max").Raw))
	if ed, err := m.g.Lookup(TypeURL("Element"), m.def.File(), id); err == nil && ed.Root() != nil {
		if c := ed.Root().Get("constraint"); c.Exists() {
			e.SetRaw("constraint", c.Raw)
		}
	}
	e.SetRaw("isModifier", "false")
	e.SetRaw("isSummary", "false")
	if de.Has("contentReference") {
		// merge keeps a base element's; a new element takes the differential's
		e.SetRaw("contentReference", de.Get("contentReference").Raw)
	}
	at := m.subtreeEnd(pi)
	m.insert(at, []*Element{e})
	if err := m.merge(e, de); err != nil {
		return err
	}
	// A new backbone element gets the children its type implies (id,
	// extension, modifierExtension), ahead of the ones it declares.
	if codes := de.TypeCodes(); len(codes) == 1 && !de.Has("contentReference") {
		if td, err := m.g.Lookup(TypeURL(codes[0]), m.def.File(), id); err == nil && td.Kind == "complex-type" && (td.Type == "BackboneElement" || td.Type == "Element") {
			if err := m.expand(at, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// strengthRank orders binding strengths from weakest to strongest.
func strengthRank(s string) int {
	switch s {
	case "preferred":
		return 1
	case "extensible":
		return 2
	case "required":
		return 3
	}
	return 0
}

// merge applies a differential element's properties onto a snapshot element.
func (m *merger) merge(t, de *Element) error {
	id := de.ID()
	isSliceRoot := de.SliceName() != "" && !strings.Contains(id[strings.LastIndexByte(id, ':')+1:], ".")
	for _, key := range de.Keys() {
		v := de.Get(key)
		switch {
		case key == "id" || key == "path":
		case key == "min":
			if v.Type != gjson.Number || v.Int() < 0 {
				return m.errf(id, "min %s is not a non-negative integer", v.Raw)
			}
			if !isSliceRoot && int(v.Int()) < t.Min() {
				return m.errf(id, "min %d widens the base minimum %d", v.Int(), t.Min())
			}
			t.SetRaw("min", v.Raw)
		case key == "max":
			n := parseMax(v)
			if n == -2 {
				return m.errf(id, "max %s is not \"*\" or a non-negative integer", v.Raw)
			}
			if bm := t.Max(); bm >= 0 && (n == -1 || n > bm) {
				return m.errf(id, "max %s widens the base maximum %d", v.Str, bm)
			}
			t.SetRaw("max", v.Raw)
		case key == "type":
			if err := m.narrowTypes(t, de); err != nil {
				return err
			}
		case key == "binding":
			if err := m.mergeBinding(t, v, id); err != nil {
				return err
			}
		case key == "constraint":
			m.addConstraints(t, v)
		case key == "condition":
			t.SetRaw("condition", unionStrings(t.Get("condition"), v))
		case key == "mapping":
			t.SetRaw("mapping", concatArrays(t.Get("mapping"), v))
		case strings.HasPrefix(key, "fixed") || strings.HasPrefix(key, "pattern"):
			stem := "fixed"
			if strings.HasPrefix(key, "pattern") {
				stem = "pattern"
			}
			if k, old, ok := t.WithPrefix(stem); ok && (k != key || !jsonEqual(old.Raw, v.Raw)) {
				if t.profile == "" {
					return m.errf(id, "%s conflicts with the base's %s", key, k)
				}
				// as the IG Publisher does, the differential's value is used
				m.g.Report.Warnf(m.def.File(), id, "%s %s contradicts the %s %s of its type profile %s; the differential's value is used, as the IG Publisher does, and no instance can have both",
					key, v.Raw, k, old.Raw, t.profile)
				t.Delete(k)
			}
			if k, _, ok := t.WithPrefix("fixed"); ok && stem == "pattern" {
				return m.errf(id, "%s on an element the base already fixes with %s", key, k)
			}
			t.SetRaw(key, v.Raw)
		case key == "contentReference" || key == "base":
			// inherited as is
		default:
			t.SetRaw(key, v.Raw)
		}
	}
	if isSliceRoot && de.Has("type") && !de.Has("max") {
		m.extensionMax(t, id)
	}
	if mx := t.Max(); mx >= 0 && t.Min() > mx {
		return m.errf(id, "min %d is greater than max %d", t.Min(), mx)
	}
	return nil
}

// extensionMax gives a slice typed with one extension the max of that
// extension's root, where that is narrower (an extension defined as 0..1
// is a 0..1 slice unless the differential says otherwise).
func (m *merger) extensionMax(t *Element, id string) {
	types := t.Get("type").Array()
	if len(types) != 1 || types[0].Get("code").String() != "Extension" || len(types[0].Get("profile").Array()) != 1 {
		return
	}
	r, ok := m.g.Defs.Resolve("StructureDefinition", types[0].Get("profile.0").String())
	if !ok {
		return
	}
	ext, err := m.g.ForResource(r)
	if err != nil || ext.Root() == nil {
		return
	}
	if em := ext.Root().Max(); em >= 0 && (t.Max() < 0 || em < t.Max()) {
		t.SetRaw("max", strconv.Quote(strconv.Itoa(em)))
	}
}

func (m *merger) narrowTypes(t, de *Element) error {
	id := de.ID()
	base := t.Get("type").Array()
	if len(base) == 0 && t.Get("contentReference").Exists() {
		return m.errf(id, "cannot retype an element defined by contentReference")
	}
	for _, dt := range de.Get("type").Array() {
		code := dt.Get("code").String()
		if code == "" {
			return m.errf(id, "type without a code")
		}
		var match gjson.Result
		for _, bt := range base {
			if bc := fhirTypeOf(bt); bc == code || m.derivesFrom(code, bc) {
				match = bt
				break
			}
		}
		if !match.Exists() && len(base) > 0 {
			var codes []string
			for _, bt := range base {
				codes = append(codes, bt.Get("code").String())
			}
			return m.errf(id, "type %s is not one of the base's types (%s)", code, strings.Join(codes, ", "))
		}
		m.checkTargets(id, match, dt)
	}
	t.SetRaw("type", de.Get("type").Raw)
	return nil
}

// fhirTypeOf is a type's code, or for a FHIRPath system type the FHIR type
// its structuredefinition-fhir-type extension names (R4's Extension.url is
// System.String with fhir-type uri, and a differential may restate it as
// uri).
func fhirTypeOf(t gjson.Result) string {
	code := t.Get("code").String()
	if ft := load.FHIRTypeOf(t); ft != "" && strings.HasPrefix(code, load.SystemTypePrefix) {
		return ft
	}
	return code
}

// checkTargets reports target profiles that do not narrow the base's, and
// those that cannot be resolved (kept as they are, with a warning).
func (m *merger) checkTargets(id string, base, dt gjson.Result) {
	for _, tp := range dt.Get("targetProfile").Array() {
		url := tp.String()
		td, ok := m.g.Defs.Resolve("StructureDefinition", url)
		if !ok {
			m.g.Report.Warnf(m.def.File(), id, "target profile %s is not loaded; it is kept but cannot be checked", url)
			continue
		}
		allowed := base.Get("targetProfile").Array()
		if len(allowed) == 0 {
			continue
		}
		tdd, err := m.g.ForResource(td)
		if err != nil {
			continue
		}
		okTarget := false
		for _, a := range allowed {
			ad, ok := m.g.Defs.Resolve("StructureDefinition", a.String())
			if !ok {
				continue
			}
			aType := gjson.GetBytes(ad.JSON, "type").String()
			if a.String() == url || aType == "Resource" || m.derivesFrom(tdd.Type, aType) {
				okTarget = true
				break
			}
		}
		if !okTarget {
			m.g.Report.Warnf(m.def.File(), id, "target profile %s is not among the base's targets", url)
		}
	}
}

// derivesFrom reports whether type code derives (by specialization) from base.
func (m *merger) derivesFrom(code, base string) bool {
	seen := 0
	url := TypeURL(code)
	for seen < 32 {
		r, ok := m.g.Defs.Resolve("StructureDefinition", url)
		if !ok {
			return false
		}
		if gjson.GetBytes(r.JSON, "type").String() == base && seen > 0 || (seen == 0 && code == base) {
			return true
		}
		url = gjson.GetBytes(r.JSON, "baseDefinition").String()
		if url == "" {
			return false
		}
		seen++
	}
	return false
}

func (m *merger) mergeBinding(t *Element, v gjson.Result, id string) error {
	old := t.Get("binding")
	if was, now := old.Get("strength").String(), v.Get("strength").String(); was != "" && now != "" && strengthRank(now) < strengthRank(was) {
		return m.errf(id, "binding strength %s weakens the base's %s", now, was)
	}
	if !old.Exists() {
		t.SetRaw("binding", v.Raw)
		return nil
	}
	merged := parseElement(old)
	v.ForEach(func(k, val gjson.Result) bool {
		merged.SetRaw(k.Str, val.Raw)
		return true
	})
	raw, _ := merged.MarshalJSON()
	t.SetRaw("binding", string(raw))
	return nil
}

func (m *merger) addConstraints(t *Element, v gjson.Result) {
	have := map[string]bool{}
	var parts []string
	t.Get("constraint").ForEach(func(_, c gjson.Result) bool {
		have[c.Get("key").String()] = true
		parts = append(parts, c.Raw)
		return true
	})
	v.ForEach(func(_, c gjson.Result) bool {
		key := c.Get("key").String()
		if have[key] {
			return true
		}
		have[key] = true
		parts = append(parts, withSource(c, m.def.URL))
		return true
	})
	t.SetRaw("constraint", "["+strings.Join(parts, ",")+"]")
}

// withSource is constraint c as JSON, its source url when it names none.
func withSource(c gjson.Result, url string) string {
	if c.Get("source").Exists() {
		return c.Raw
	}
	ce := parseElement(c)
	ce.SetString("source", url)
	raw, _ := ce.MarshalJSON()
	return string(raw)
}

// check validates the finished snapshot: every slice's cardinality fits its
// sliced element.
func (m *merger) check() error {
	for i, e := range m.elems {
		if e.SliceName() == "" || !strings.Contains(e.ID(), ":") {
			continue
		}
		id := e.ID()
		slicedID := id[:strings.LastIndexByte(id, ':')]
		if strings.Contains(id[len(slicedID):], ".") {
			continue
		}
		si := m.index(slicedID)
		if si < 0 {
			continue
		}
		if sm := m.elems[si].Max(); sm >= 0 && (e.Max() == -1 || e.Max() > sm) {
			return m.errf(m.elems[i].ID(), "slice max %s exceeds the sliced element's max %d", e.Get("max").Str, sm)
		}
	}
	return nil
}

func unionStrings(a, b gjson.Result) string {
	seen := map[string]bool{}
	var parts []string
	for _, r := range []gjson.Result{a, b} {
		r.ForEach(func(_, v gjson.Result) bool {
			if !seen[v.Raw] {
				seen[v.Raw] = true
				parts = append(parts, v.Raw)
			}
			return true
		})
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func concatArrays(a, b gjson.Result) string {
	var parts []string
	for _, r := range []gjson.Result{a, b} {
		r.ForEach(func(_, v gjson.Result) bool {
			parts = append(parts, v.Raw)
			return true
		})
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func jsonEqual(a, b string) bool {
	return canonical(gjson.Parse(a)) == canonical(gjson.Parse(b))
}

// canonical renders JSON with sorted keys and no insignificant space.
func canonical(r gjson.Result) string {
	switch {
	case r.IsObject():
		keys := map[string]gjson.Result{}
		var names []string
		r.ForEach(func(k, v gjson.Result) bool {
			keys[k.Str] = v
			names = append(names, k.Str)
			return true
		})
		sort.Strings(names)
		var b strings.Builder
		b.WriteByte('{')
		for i, n := range names {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(n) + ":" + canonical(keys[n]))
		}
		b.WriteByte('}')
		return b.String()
	case r.IsArray():
		var parts []string
		r.ForEach(func(_, v gjson.Result) bool {
			parts = append(parts, canonical(v))
			return true
		})
		return "[" + strings.Join(parts, ",") + "]"
	default:
		return r.Raw
	}
}

// raiseSlicedMins raises a sliced element's min to the sum of its slices'
// mins where the differential slices it without stating it (as the IG
// Publisher does when it adds the slicing itself: the items the required
// slices must have are items the element must have). A sliced element the
// differential states keeps the min it is given or inherits.
func (m *merger) raiseSlicedMins() {
	stated := map[string]bool{}
	for _, de := range m.def.Differential {
		stated[de.ID()] = true
	}
	for i, e := range m.elems {
		if !e.Has("slicing") || stated[e.ID()] {
			continue
		}
		id, path := e.ID(), e.Path()
		last := splitID(id)[len(splitID(id))-1]
		sep := ":"
		if strings.Contains(last, ":") {
			sep = "/" // slices of a slice: reslices
		}
		sum := 0
		for _, s := range m.elems[i+1:] {
			name, ok := strings.CutPrefix(s.ID(), id+sep)
			if s.Path() != path || !ok || strings.ContainsAny(name, "/.") {
				continue
			}
			sum += s.Min()
		}
		if sum > e.Min() {
			e.SetRaw("min", strconv.Itoa(sum))
		}
	}
}

// dropUnboundable removes bindings from elements none of whose types can
// be bound (a slice of medication[x] typed Reference, a backbone element),
// as the IG Publisher does. The types that can be are those ElementDefinition's
// eld-11 names.
func (m *merger) dropUnboundable() {
	bindable := m.g.bindableTypes()
	if len(bindable) == 0 {
		return
	}
	for _, e := range m.elems {
		codes := e.TypeCodes()
		if !e.Has("binding") || len(codes) == 0 {
			continue
		}
		ok := false
		for _, c := range codes {
			if bindable[c] || strings.Contains(c, ":") {
				ok = true
				break
			}
		}
		if !ok {
			e.Delete("binding")
		}
	}
}

// typeSlicing settles the slicing of choice elements the differential
// slices by type without saying how, as the IG Publisher does: a choice
// whose types the differential does not state is narrowed to its slices'
// types; the slicing is closed when the slices cover every type, else open.
func (m *merger) typeSlicing() {
	stated := map[string]bool{}
	for _, de := range m.def.Differential {
		if de.Has("type") {
			stated[de.ID()] = true
		}
	}
	for _, e := range m.typeSliced {
		covered := map[string]bool{}
		var union []string
		for _, s := range m.elems {
			if name, ok := strings.CutPrefix(s.ID(), e.ID()+":"); ok && !strings.ContainsAny(name, ".:/") {
				for _, t := range s.Get("type").Array() {
					if c := t.Get("code").String(); !covered[c] {
						covered[c] = true
						union = append(union, t.Raw)
					}
				}
			}
		}
		if len(union) == 0 {
			continue
		}
		if !stated[e.ID()] {
			var keep []string
			for _, t := range e.Get("type").Array() {
				if covered[t.Get("code").String()] {
					keep = append(keep, t.Raw)
				}
			}
			e.SetRaw("type", "["+strings.Join(keep, ",")+"]")
		}
		closed := true
		for _, c := range e.TypeCodes() {
			closed = closed && covered[c]
		}
		if closed {
			e.SetRaw("slicing", `{"discriminator":[{"type":"type","path":"$this"}],"rules":"closed"}`)
		}
	}
}
