package load

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/tidwall/gjson"
)

// Shape checks a conformance resource's JSON against the definitions of its
// own type, read from the loaded core package (StructureDefinition,
// ElementDefinition, ValueSet, CodeSystem and the datatypes they use), the
// way the FHIR JSON rules and the HL7 validator's parser do: every property
// is one the definition has; a repeating element is a non-empty array and
// a single one is not an array; a primitive has the JSON kind of its type
// (an integer is a whole number, a boolean true or false) and matches the
// type's regex (so an id has no newline and a code is not ""); a complex
// value is an object; no object has a key twice, and nothing is null or
// empty. Fields fhirgen does not read are held to the same rules, so a
// definition either is FHIR JSON or is refused, naming the file, the
// element id and the location.
type Shape struct {
	set   *Set
	mu    sync.Mutex
	types map[string]*shapeType // by type name; nil when not loaded
}

type shapeType struct {
	name, kind string
	root       *shapeElem
	elems      map[string]*shapeElem // by path
	// primitives: the JSON kind of the value and its regex
	json  jsonKind
	regex *regexp.Regexp
}

type shapeElem struct {
	path     string
	name     string // the JSON name; for a choice the part before [x]
	choice   bool
	repeats  bool
	types    []string // FHIR type codes
	children map[string]*shapeElem
	ref      string // contentReference: the path of the element it reuses
	order    int    // its place in the snapshot (XML's element order)
	xmlAttr  bool   // an attribute in XML (an element's id, an extension's url)
}

type jsonKind int

const (
	jsonString jsonKind = iota
	jsonBool
	jsonInteger
	jsonNumber
)

// Canonicals every stage reads definitions by.
const (
	// SystemTypePrefix starts the FHIRPath system types (System.String)
	// the definitions of primitive values and of Resource.id use.
	SystemTypePrefix = "http://hl7.org/fhirpath/System."
	// FHIRTypeExtension says which FHIR type a system type stands for.
	FHIRTypeExtension = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type"
	// RegexExtension gives a primitive value's format.
	RegexExtension = "http://hl7.org/fhir/StructureDefinition/regex"

	systemPrefix = SystemTypePrefix
	fhirTypeExt  = FHIRTypeExtension
	regexExt     = RegexExtension
)

// FHIRTypeOf is the FHIR type an ElementDefinition.type's
// structuredefinition-fhir-type extension names ("" when it has none): R4's
// Resource.id is a System.String standing for string, R5's for id.
func FHIRTypeOf(t gjson.Result) string {
	for _, x := range t.Get("extension").Array() {
		if x.Get("url").String() == FHIRTypeExtension {
			if v := x.Get("valueUrl").String(); v != "" {
				return v
			}
			return x.Get("valueUri").String()
		}
	}
	return ""
}

// NewShape returns a checker over the definitions of s.
func NewShape(s *Set) *Shape { return &Shape{set: s, types: map[string]*shapeType{}} }

// Check checks one resource. It returns nil when the resource's type has no
// definition in the set (nothing to check against).
func (c *Shape) Check(r *Resource) error {
	root := gjson.ParseBytes(r.JSON)
	t := c.typ(r.Type)
	if t == nil || t.root == nil {
		return nil
	}
	w := &shapeWalk{c: c, file: r.Source}
	w.object(root, t.root, t, r.Type, true)
	return w.err
}

// typ returns the parsed definition of a type, or nil.
func (c *Shape) typ(name string) *shapeType {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.typLocked(name, 0)
}

func (c *Shape) typLocked(name string, depth int) *shapeType {
	if t, ok := c.types[name]; ok {
		return t
	}
	c.types[name] = nil
	if depth > 16 {
		return nil
	}
	r, ok := c.set.Resolve("StructureDefinition", "http://hl7.org/fhir/StructureDefinition/"+name)
	if !ok || r.Origin == "" {
		return nil // only the packages' definitions of the core types are trusted to check with
	}
	j := gjson.ParseBytes(r.JSON)
	t := &shapeType{name: name, kind: j.Get("kind").String(), elems: map[string]*shapeElem{}}
	j.Get("snapshot.element").ForEach(func(_, e gjson.Result) bool {
		id := e.Get("id").String()
		if strings.Contains(id, ":") {
			return true // slices do not change the JSON
		}
		path := e.Get("path").String()
		el := &shapeElem{path: path, children: map[string]*shapeElem{}, ref: strings.TrimPrefix(e.Get("contentReference").String(), "#"), order: len(t.elems)}
		name := path[strings.LastIndexByte(path, '.')+1:]
		el.name, el.choice = strings.CutSuffix(name, "[x]")
		for _, r := range e.Get("representation").Array() {
			el.xmlAttr = el.xmlAttr || r.String() == "xmlAttr"
		}
		maxRaw := e.Get("base.max")
		if !maxRaw.Exists() {
			maxRaw = e.Get("max")
		}
		el.repeats = maxRaw.String() != "1" && maxRaw.String() != "0"
		e.Get("type").ForEach(func(_, ty gjson.Result) bool {
			code := ty.Get("code").String()
			var regex string
			ty.Get("extension").ForEach(func(_, x gjson.Result) bool {
				switch x.Get("url").String() {
				case fhirTypeExt:
					// a FHIRPath system type standing for a FHIR type (the
					// ids): that type's JSON, without its regex, as the HL7
					// validator reads element ids
					if ft := x.Get("valueUrl").String() + x.Get("valueUri").String(); ft != "" {
						code = systemPrefix + "fhir:" + ft
					}
				case regexExt:
					regex = x.Get("valueString").String()
				}
				return true
			})
			if strings.HasSuffix(path, ".value") && strings.Count(path, ".") == 1 && t.kind == "primitive-type" {
				t.json = c.valueKind(t.name, ty.Get("code").String(), j.Get("baseDefinition").String(), depth)
				if regex != "" {
					t.regex, _ = regexp.Compile(`^(?:` + regex + `)$`)
				}
				return false
			}
			el.types = append(el.types, code)
			return true
		})
		if t.root == nil {
			t.root = el
		} else if parent := t.elems[path[:max(strings.LastIndexByte(path, '.'), 0)]]; parent != nil {
			parent.children[el.name] = el
		}
		t.elems[path] = el
		return true
	})
	c.types[name] = t
	return t
}

// PrimitiveJSON is how FHIR JSON writes the value of a primitive whose
// value element has the FHIRPath type system (System.Boolean ...) and,
// when given, the FHIR type the structuredefinition-fhir-type extension
// names: "boolean", "integer" (a whole JSON number), "number", or "string"
// (every other type, and integer64, which JSON carries as a string to keep
// its precision).
func PrimitiveJSON(system, fhirType string) string {
	switch strings.TrimPrefix(system, systemPrefix) {
	case "Boolean":
		return "boolean"
	case "Integer":
		if fhirType == "integer64" {
			return "string"
		}
		return "integer"
	case "Decimal":
		return "number"
	}
	return "string"
}

// valueKind is the JSON kind of a primitive's value: from its System type,
// or, for a primitive declared with a System.String value that specializes
// another primitive (R4's positiveInt from integer), from that primitive.
func (c *Shape) valueKind(fhirType, system, base string, depth int) jsonKind {
	switch PrimitiveJSON(system, fhirType) {
	case "boolean":
		return jsonBool
	case "integer":
		return jsonInteger
	case "number":
		return jsonNumber
	}
	if b := strings.TrimPrefix(base, "http://hl7.org/fhir/StructureDefinition/"); b != base {
		if bt := c.typLocked(b, depth+1); bt != nil && bt.kind == "primitive-type" {
			return bt.json
		}
	}
	return jsonString
}

type shapeWalk struct {
	c       *Shape
	file    string
	element string // the id of the ElementDefinition being read, if any
	err     error
}

func (w *shapeWalk) fail(loc, format string, args ...any) {
	if w.err == nil {
		w.err = diag.Errorf(w.file, w.element, "%s: %s", loc, fmt.Sprintf(format, args...))
	}
}

// object checks a JSON object against an element with children (the root
// of a type, or a backbone element).
func (w *shapeWalk) object(v gjson.Result, el *shapeElem, t *shapeType, loc string, resourceRoot bool) {
	if !v.IsObject() {
		w.fail(loc, "want an object, found %s", kindOf(v))
		return
	}
	if t.name == "ElementDefinition" && el == t.root {
		saved := w.element
		w.element = v.Get("id").String()
		if w.element == "" {
			w.element = v.Get("path").String()
		}
		defer func() { w.element = saved }()
	}
	seen := map[string]bool{}
	n := 0
	v.ForEach(func(k, val gjson.Result) bool {
		n++
		key := k.String()
		at := loc + "." + key
		if seen[key] {
			w.fail(at, "the property appears twice")
			return false
		}
		seen[key] = true
		if resourceRoot && key == "resourceType" {
			return true
		}
		if strings.HasPrefix(key, "_") {
			child, typ := childOf(el, t, key[1:])
			if child == nil || !w.isPrimitive(typ) {
				w.fail(at, "unknown property")
				return false
			}
			w.each(val, child, at, func(item gjson.Result, at string) {
				if item.Type != gjson.Null {
					w.complexValue(item, "Element", at)
				}
			}, true)
			return w.err == nil
		}
		child, typ := childOf(el, t, key)
		if child == nil {
			w.fail(at, "unknown property")
			return false
		}
		w.each(val, child, at, func(item gjson.Result, at string) { w.value(item, child, t, typ, at) }, false)
		return w.err == nil
	})
	if n == 0 && w.err == nil {
		w.fail(loc, "an empty object")
	}
}

// childOf finds the element a property names, and the type code it has
// there (from a choice's suffix).
func childOf(el *shapeElem, t *shapeType, key string) (*shapeElem, string) {
	if el.ref != "" {
		if target := t.elems[el.ref]; target != nil {
			el = target
		}
	}
	if c := el.children[key]; c != nil && !c.choice {
		typ := ""
		if len(c.types) == 1 {
			typ = c.types[0]
		}
		return c, typ
	}
	for name, c := range el.children {
		if !c.choice || !strings.HasPrefix(key, name) {
			continue
		}
		suffix := key[len(name):]
		for _, code := range c.types {
			if code != "" && strings.ToUpper(code[:1])+code[1:] == suffix {
				return c, code
			}
		}
	}
	return nil, ""
}

// each checks an element's JSON: an array of items when it repeats, else
// one value. Primitive extension arrays (_name) may hold nulls.
func (w *shapeWalk) each(v gjson.Result, el *shapeElem, loc string, item func(gjson.Result, string), nulls bool) {
	if el.repeats {
		if !v.IsArray() {
			w.fail(loc, "want an array (the element repeats), found %s", kindOf(v))
			return
		}
		i := 0
		v.ForEach(func(_, x gjson.Result) bool {
			at := loc + "[" + strconv.Itoa(i) + "]"
			i++
			if x.Type == gjson.Null && !nulls {
				w.fail(at, "null")
				return false
			}
			item(x, at)
			return w.err == nil
		})
		if i == 0 && w.err == nil {
			w.fail(loc, "an empty array")
		}
		return
	}
	if v.IsArray() {
		w.fail(loc, "want a single value, found an array (the element does not repeat)")
		return
	}
	if v.Type == gjson.Null {
		w.fail(loc, "null")
		return
	}
	item(v, loc)
}

func (w *shapeWalk) isPrimitive(code string) bool {
	t := w.c.typ(code)
	return t != nil && t.kind == "primitive-type"
}

// value checks one value of an element of type code.
func (w *shapeWalk) value(v gjson.Result, el *shapeElem, t *shapeType, code, loc string) {
	switch {
	case code == "" || code == "Element" || code == "BackboneElement":
		if len(el.children) > 0 || el.ref != "" {
			w.object(v, el, t, loc, false)
			return
		}
		w.complexValue(v, code, loc)
	case code == "Resource" || code == "DomainResource":
		if !v.IsObject() {
			w.fail(loc, "want a resource, found %s", kindOf(v))
			return
		}
		if rt := v.Get("resourceType").String(); rt != "" {
			if inner := w.c.typ(rt); inner != nil && inner.root != nil && inner.kind == "resource" {
				w.object(v, inner.root, inner, loc, true)
				return
			}
		}
		w.fail(loc, "a resource of an unknown type")
	case strings.HasPrefix(code, systemPrefix):
		var typ *shapeType
		if ft, ok := strings.CutPrefix(code, systemPrefix+"fhir:"); ok {
			if pt := w.c.typ(ft); pt != nil && pt.kind == "primitive-type" {
				typ = &shapeType{name: pt.name, json: pt.json}
			}
		}
		w.primitive(v, typ, loc)
	default:
		typ := w.c.typ(code)
		switch {
		case typ == nil:
			// a type the loaded packages do not define: nothing to check with
		case typ.kind == "primitive-type":
			w.primitive(v, typ, loc)
		default:
			w.complexValue(v, code, loc)
		}
	}
}

func (w *shapeWalk) complexValue(v gjson.Result, code, loc string) {
	typ := w.c.typ(code)
	if typ == nil || typ.root == nil {
		if !v.IsObject() {
			w.fail(loc, "want an object, found %s", kindOf(v))
		}
		return
	}
	w.object(v, typ.root, typ, loc, false)
}

// primitive checks a primitive's JSON value (t nil: a System.String).
func (w *shapeWalk) primitive(v gjson.Result, t *shapeType, loc string) {
	kind, name := jsonString, "string"
	if t != nil {
		kind, name = t.json, t.name
	}
	switch kind {
	case jsonBool:
		if v.Type != gjson.True && v.Type != gjson.False {
			w.fail(loc, "want %s (true or false), found %s", name, kindOf(v))
			return
		}
	case jsonInteger, jsonNumber:
		if v.Type != gjson.Number {
			w.fail(loc, "want %s (a JSON number), found %s", name, kindOf(v))
			return
		}
		if kind == jsonInteger && strings.ContainsAny(v.Raw, ".eE") {
			w.fail(loc, "want %s (a whole number), found %s", name, v.Raw)
			return
		}
	default:
		if v.Type != gjson.String {
			w.fail(loc, "want %s (a JSON string), found %s", name, kindOf(v))
			return
		}
		if v.Str == "" {
			w.fail(loc, "an empty string")
			return
		}
	}
	if t != nil && t.regex != nil {
		text := v.Str
		if v.Type != gjson.String {
			text = v.Raw
		}
		if !t.regex.MatchString(text) {
			w.fail(loc, "%.80q is not a valid %s", text, name)
		}
	}
}

func kindOf(v gjson.Result) string {
	switch {
	case v.IsArray():
		return "an array"
	case v.IsObject():
		return "an object"
	}
	switch v.Type {
	case gjson.String:
		return "a string"
	case gjson.Number:
		return "a number"
	case gjson.True, gjson.False:
		return "a boolean"
	case gjson.Null:
		return "null"
	}
	return "nothing"
}
