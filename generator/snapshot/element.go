package snapshot

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// Element is an ElementDefinition kept as its ordered JSON properties, so that
// a computed snapshot can be printed back without losing anything the
// definition said. Typed accessors read the properties with gjson.
type Element struct {
	props []prop
	// profile is, for an element taken from a type profile's snapshot
	// (the children of a slice typed with a profile), that profile's URL.
	profile string
}

type prop struct {
	key string
	raw string // the property's JSON value
}

func parseElement(r gjson.Result) *Element {
	e := &Element{}
	r.ForEach(func(k, v gjson.Result) bool {
		e.props = append(e.props, prop{key: k.Str, raw: v.Raw})
		return true
	})
	return e
}

// Clone returns a deep copy.
func (e *Element) Clone() *Element {
	return &Element{props: append([]prop(nil), e.props...), profile: e.profile}
}

// Get returns a property (gjson's zero Result when absent). A dotted key
// ("base.max", "type.0.code") reads into the property's value.
func (e *Element) Get(key string) gjson.Result {
	head, rest, nested := strings.Cut(key, ".")
	for _, p := range e.props {
		if p.key == head {
			if nested {
				return gjson.Get(p.raw, rest)
			}
			return gjson.Parse(p.raw)
		}
	}
	return gjson.Result{}
}

// Has reports whether a property is present.
func (e *Element) Has(key string) bool {
	for _, p := range e.props {
		if p.key == key {
			return true
		}
	}
	return false
}

// Keys lists the property names in order.
func (e *Element) Keys() []string {
	out := make([]string, len(e.props))
	for i, p := range e.props {
		out[i] = p.key
	}
	return out
}

// WithPrefix returns the first property whose name starts with prefix and
// continues with an upper-case letter (fixed[x], pattern[x] and friends).
func (e *Element) WithPrefix(prefix string) (key string, val gjson.Result, ok bool) {
	for _, p := range e.props {
		if strings.HasPrefix(p.key, prefix) && len(p.key) > len(prefix) && p.key[len(prefix)] >= 'A' && p.key[len(prefix)] <= 'Z' {
			return p.key, gjson.Parse(p.raw), true
		}
	}
	return "", gjson.Result{}, false
}

// SetRaw sets a property to a raw JSON value, keeping its position if present.
func (e *Element) SetRaw(key, raw string) {
	for i, p := range e.props {
		if p.key == key {
			e.props[i].raw = raw
			return
		}
	}
	e.props = append(e.props, prop{key: key, raw: raw})
}

// SetString sets a string property.
func (e *Element) SetString(key, val string) {
	b, _ := json.Marshal(val)
	e.SetRaw(key, string(b))
}

// Delete removes a property.
func (e *Element) Delete(key string) {
	for i, p := range e.props {
		if p.key == key {
			e.props = append(e.props[:i], e.props[i+1:]...)
			return
		}
	}
}

// ID is the element id (computed from path and slice name when absent).
func (e *Element) ID() string { return e.Get("id").String() }

// Path is the element path.
func (e *Element) Path() string { return e.Get("path").String() }

// SliceName is the element's slice name, if any.
func (e *Element) SliceName() string { return e.Get("sliceName").String() }

// Min is the minimum cardinality (0 when absent).
func (e *Element) Min() int { return int(e.Get("min").Int()) }

// Max is the maximum cardinality: -1 for "*", and -2 when absent or invalid.
func (e *Element) Max() int { return parseMax(e.Get("max")) }

func parseMax(r gjson.Result) int {
	if !r.Exists() {
		return -2
	}
	if r.Str == "*" {
		return -1
	}
	n, err := strconv.Atoi(r.Str)
	if err != nil || n < 0 {
		return -2
	}
	return n
}

// TypeCodes lists the codes of the element's types.
func (e *Element) TypeCodes() []string {
	var out []string
	e.Get("type").ForEach(func(_, t gjson.Result) bool {
		out = append(out, t.Get("code").String())
		return true
	})
	return out
}

// propOrder is ElementDefinition's canonical property order.
var propOrder = []string{
	"id", "extension", "modifierExtension", "path", "representation", "sliceName", "sliceIsConstraining", "label", "code", "slicing",
	"short", "definition", "comment", "requirements", "alias", "min", "max", "base", "contentReference", "type",
	"defaultValue", "meaningWhenMissing", "orderMeaning", "fixed", "pattern", "example", "minValue", "maxValue",
	"maxLength", "condition", "constraint", "mustSupport", "isModifier", "isModifierReason", "isSummary", "binding", "mapping",
}

func propRank(key string) int {
	for i, k := range propOrder {
		if key == k {
			return i
		}
	}
	// choice properties: fixedCoding, patternCodeableConcept, minValueInteger ...
	for i, k := range propOrder {
		if strings.HasPrefix(key, k) && len(key) > len(k) && key[len(k)] >= 'A' && key[len(k)] <= 'Z' {
			return i
		}
	}
	return len(propOrder)
}

// MarshalJSON writes the element with its properties in canonical order.
func (e *Element) MarshalJSON() ([]byte, error) {
	props := append([]prop(nil), e.props...)
	sort.SliceStable(props, func(i, j int) bool { return propRank(props[i].key) < propRank(props[j].key) })
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range props {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(p.key)
		b.Write(k)
		b.WriteByte(':')
		b.WriteString(p.raw)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
