package model

import (
	"fmt"
	"strings"

	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/fhirgen/fhirgen/generator/load"
	"github.com/tidwall/gjson"
)

// maxValueSetDepth bounds nested value set includes (and catches cycles).
const maxValueSetDepth = 16

// Expander computes value set expansions from the loaded ValueSets and
// CodeSystems. What cannot be expanded is reported, never guessed.
type Expander struct {
	Defs  *load.Set
	cache map[string]*expansion
}

type expansion struct {
	vs       *load.Resource
	codes    []*Code
	problems []string // why it is incomplete: what is not loaded
	err      error    // a definition that is wrong (not FHIR JSON, includes itself)
}

// NewExpander returns an Expander.
func NewExpander(defs *load.Set) *Expander {
	return &Expander{Defs: defs, cache: map[string]*expansion{}}
}

// Expand returns the codes of a value set and the reasons it could not be
// fully expanded (when there are any, the codes are incomplete). The error
// is a value set or code system on the way that is wrong, not just missing.
func (x *Expander) Expand(canonical string) ([]*Code, []string, *load.Resource, error) {
	e := x.expand(canonical, 0)
	return e.codes, e.problems, e.vs, e.err
}

func (x *Expander) expand(canonical string, depth int) *expansion {
	url, _, _ := strings.Cut(canonical, "|")
	if e, ok := x.cache[url]; ok {
		if e == nil {
			vs, _ := x.Defs.Resolve("ValueSet", canonical)
			file := "value set " + url
			if vs != nil {
				file = vs.Source
			}
			return &expansion{err: diag.Errorf(file, "", "value set %s includes itself (directly or through the value sets it includes)", url)}
		}
		return e
	}
	if depth > maxValueSetDepth {
		return &expansion{problems: []string{"value sets nest deeper than " + fmt.Sprint(maxValueSetDepth)}}
	}
	x.cache[url] = nil
	e := &expansion{}
	defer func() { x.cache[url] = e }()
	vs, ok := x.Defs.Resolve("ValueSet", canonical)
	if !ok {
		e.problems = append(e.problems, "value set "+url+" is not loaded")
		return e
	}
	e.vs = vs
	if err := x.Defs.Check(vs); err != nil {
		e.err = err
		return e
	}
	j := gjson.ParseBytes(vs.JSON)
	compose := j.Get("compose")
	if !compose.Exists() {
		if contains := j.Get("expansion.contains"); contains.Exists() {
			e.codes = flattenContains(contains, nil)
			return e
		}
		e.problems = append(e.problems, "value set "+url+" has neither compose nor expansion")
		return e
	}
	seen := map[string]bool{}
	for _, inc := range compose.Get("include").Array() {
		codes, problems, err := x.include(inc, depth)
		if err != nil {
			e.err = err
			return e
		}
		e.problems = append(e.problems, problems...)
		for _, c := range codes {
			k := c.System + "|" + c.Code
			if !seen[k] {
				seen[k] = true
				e.codes = append(e.codes, c)
			}
		}
	}
	for _, exc := range compose.Get("exclude").Array() {
		codes, problems, err := x.include(exc, depth)
		if err != nil {
			e.err = err
			return e
		}
		e.problems = append(e.problems, problems...)
		drop := map[string]bool{}
		for _, c := range codes {
			drop[c.System+"|"+c.Code] = true
		}
		kept := e.codes[:0]
		for _, c := range e.codes {
			if !drop[c.System+"|"+c.Code] {
				kept = append(kept, c)
			}
		}
		e.codes = kept
	}
	if inactive := compose.Get("inactive"); inactive.Exists() && !inactive.Bool() {
		active := e.codes[:0]
		for _, c := range e.codes {
			if !c.Inactive {
				active = append(active, c)
			}
		}
		e.codes = active
	}
	return e
}

// inactiveConcept reports whether a code system's concept is inactive: its
// inactive property is true, or its status property is retired or
// inactive.
func inactiveConcept(c gjson.Result) bool {
	for _, p := range c.Get("property").Array() {
		switch p.Get("code").String() {
		case "inactive":
			if p.Get("valueBoolean").Bool() {
				return true
			}
		case "status":
			if s := p.Get("valueCode").String(); s == "retired" || s == "inactive" {
				return true
			}
		}
	}
	return false
}

func flattenContains(r gjson.Result, out []*Code) []*Code {
	r.ForEach(func(_, c gjson.Result) bool {
		if code := c.Get("code").String(); code != "" && !c.Get("abstract").Bool() {
			out = append(out, &Code{Code: code, System: c.Get("system").String(), Display: c.Get("display").String(), Inactive: c.Get("inactive").Bool()})
		}
		out = flattenContains(c.Get("contains"), out)
		return true
	})
	return out
}

// include evaluates one compose.include (or exclude).
func (x *Expander) include(inc gjson.Result, depth int) ([]*Code, []string, error) {
	system := inc.Get("system").String()
	var problems []string
	var codes []*Code
	haveCodes := false
	if system != "" {
		all, prob, err := x.systemCodes(system, inc.Get("version").String())
		if err != nil {
			return nil, nil, err
		}
		switch {
		case inc.Get("concept").Exists():
			byCode := map[string]*Code{}
			for _, c := range all {
				byCode[c.Code] = c
			}
			for _, c := range inc.Get("concept").Array() {
				code := &Code{Code: c.Get("code").String(), System: system, Display: c.Get("display").String()}
				if known, ok := byCode[code.Code]; ok {
					if code.Display == "" {
						code.Display = known.Display
					}
					code.Definition = known.Definition
				}
				codes = append(codes, code)
			}
		case inc.Get("filter").Exists():
			if prob != "" {
				return nil, []string{prob}, nil
			}
			filtered, fp := x.filter(system, inc.Get("version").String(), inc.Get("filter").Array())
			if fp != "" {
				return nil, []string{fp}, nil
			}
			codes = filtered
		default:
			if prob != "" {
				return nil, []string{prob}, nil
			}
			codes = all
		}
		haveCodes = true
	}
	for _, ref := range inc.Get("valueSet").Array() {
		sub := x.expand(ref.String(), depth+1)
		if sub.err != nil {
			return nil, nil, sub.err
		}
		problems = append(problems, sub.problems...)
		if !haveCodes {
			codes = append([]*Code(nil), sub.codes...)
			haveCodes = true
			continue
		}
		// several value sets (or a system and value sets): the intersection
		in := map[string]bool{}
		for _, c := range sub.codes {
			in[c.System+"|"+c.Code] = true
		}
		kept := codes[:0]
		for _, c := range codes {
			if in[c.System+"|"+c.Code] {
				kept = append(kept, c)
			}
		}
		codes = kept
	}
	return codes, problems, nil
}

// systemCodes lists every concept of a complete code system.
func (x *Expander) systemCodes(system, version string) ([]*Code, string, error) {
	canonical := system
	if version != "" {
		canonical += "|" + version
	}
	cs, ok := x.Defs.Resolve("CodeSystem", canonical)
	if !ok {
		return nil, "code system " + system + " is not loaded", nil
	}
	if err := x.Defs.Check(cs); err != nil {
		return nil, "", err
	}
	j := gjson.ParseBytes(cs.JSON)
	if content := j.Get("content").String(); content != "complete" {
		return nil, fmt.Sprintf("code system %s has content %q, not complete", system, content), nil
	}
	var out []*Code
	var walk func(r gjson.Result)
	walk = func(r gjson.Result) {
		r.ForEach(func(_, c gjson.Result) bool {
			out = append(out, &Code{Code: c.Get("code").String(), System: system, Display: c.Get("display").String(), Definition: c.Get("definition").String(), Inactive: inactiveConcept(c)})
			walk(c.Get("concept"))
			return true
		})
	}
	walk(j.Get("concept"))
	return out, "", nil
}

// filter supports the hierarchy filters (is-a, descendent-of, is-not-a) on
// concept, and = on concept.
func (x *Expander) filter(system, version string, filters []gjson.Result) ([]*Code, string) {
	canonical := system
	if version != "" {
		canonical += "|" + version
	}
	cs, ok := x.Defs.Resolve("CodeSystem", canonical)
	if !ok {
		return nil, "code system " + system + " is not loaded"
	}
	type node struct {
		code     *Code
		ancestry []string
	}
	var nodes []node
	var walk func(r gjson.Result, anc []string)
	walk = func(r gjson.Result, anc []string) {
		r.ForEach(func(_, c gjson.Result) bool {
			code := &Code{Code: c.Get("code").String(), System: system, Display: c.Get("display").String(), Definition: c.Get("definition").String(), Inactive: inactiveConcept(c)}
			nodes = append(nodes, node{code: code, ancestry: append([]string(nil), anc...)})
			walk(c.Get("concept"), append(anc, code.Code))
			return true
		})
	}
	walk(gjson.GetBytes(cs.JSON, "concept"), nil)
	out := []*Code{}
	for _, n := range nodes {
		keep := true
		for _, f := range filters {
			prop, op, val := f.Get("property").String(), f.Get("op").String(), f.Get("value").String()
			if prop != "concept" && prop != "code" {
				return nil, fmt.Sprintf("filter on property %q of %s is not supported", prop, system)
			}
			has := func(s string) bool {
				for _, a := range n.ancestry {
					if a == s {
						return true
					}
				}
				return false
			}
			switch op {
			case "is-a":
				keep = keep && (n.code.Code == val || has(val))
			case "descendent-of":
				keep = keep && has(val)
			case "is-not-a":
				keep = keep && !(n.code.Code == val || has(val))
			case "=":
				keep = keep && n.code.Code == val
			default:
				return nil, fmt.Sprintf("filter op %q on %s is not supported", op, system)
			}
		}
		if keep {
			out = append(out, n.code)
		}
	}
	return out, ""
}
