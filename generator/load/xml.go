package load

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/tidwall/gjson"
)

// FHIR's XML form (http://hl7.org/fhir/xml.html) is read by turning it into
// its JSON form, element by element, with the definitions of the resource's
// own type (StructureDefinition, ValueSet, CodeSystem and the datatypes they
// use) from the loaded core package, as Shape reads them: a repeating
// element becomes an array, a primitive's value attribute a JSON string,
// number or boolean, its id and extensions the "_name" object, a contained
// resource an object with its resourceType, a narrative's div the exact
// XHTML text. What follows is what the JSON form is held to (Shape.Check).
const (
	fhirNS  = "http://hl7.org/fhir"
	xhtmlNS = "http://www.w3.org/1999/xhtml"

	// maxXMLDepth bounds the nesting of an XML definition.
	maxXMLDepth = 128
)

// IsXML reports whether data is XML rather than JSON: its first byte, after
// a byte-order mark and white space, is '<'.
func IsXML(data []byte) bool {
	data = bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	return len(data) > 0 && data[0] == '<'
}

// xnode is one XML element as read.
type xnode struct {
	name      xml.Name
	attrs     []xml.Attr
	kids      []*xnode
	raw       []byte // an XHTML element: its exact text
	line, col int
}

func (n *xnode) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// xmlError is an error in an XML file, at a line and column.
func xmlError(file string, line, col int, format string, args ...any) error {
	return diag.Errorf(file, "", "line %d, column %d: %s", line, col, fmt.Sprintf(format, args...))
}

// position finds the line and column of offsets in a document, read in
// order.
type position struct{ offset, line, col int }

// at is the line and column (1-based, in bytes) of offset, at or after the
// last one asked for.
func (p *position) at(data []byte, offset int) (int, int) {
	if p.line == 0 {
		p.line, p.col = 1, 1
	}
	for ; p.offset < offset && p.offset < len(data); p.offset++ {
		if data[p.offset] == '\n' {
			p.line, p.col = p.line+1, 1
		} else {
			p.col++
		}
	}
	return p.line, p.col
}

// syntaxError locates an error of the XML decoder: at its line when it has
// one, else where the decoder stopped.
func syntaxError(file string, err error, line, col int) error {
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return diag.Errorf(file, "", "line %d: %s", syn.Line, syn.Msg)
	}
	return xmlError(file, line, col, "%v", err)
}

// parseXML reads a document into its tree of FHIR elements. It refuses what
// FHIR XML does not have and what could make reading it costly: a DTD (and
// so entity definitions: only XML's five and character references are
// known), text beside FHIR elements, elements outside the FHIR namespace
// (but the narrative's XHTML), more than maxXMLDepth levels. Comments and
// processing instructions are skipped.
func parseXML(data []byte, file string) (*xnode, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var root *xnode
	var stack []*xnode
	var pos position
	for {
		start := d.InputOffset()
		line, col := pos.at(data, int(start))
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, syntaxError(file, err, line, col)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &xnode{name: tok.Name, attrs: tok.Attr, line: line, col: col}
			switch {
			case len(stack) >= maxXMLDepth:
				return nil, xmlError(file, line, col, "more than %d nested elements", maxXMLDepth)
			case tok.Name.Space == xhtmlNS && len(stack) > 0:
				if err := d.Skip(); err != nil {
					return nil, syntaxError(file, err, line, col)
				}
				n.raw = data[start:d.InputOffset()]
				parent := stack[len(stack)-1]
				parent.kids = append(parent.kids, n)
				continue
			case tok.Name.Space != fhirNS:
				return nil, xmlError(file, line, col, "element <%s> is not in the FHIR namespace (%s), but in %q", tok.Name.Local, fhirNS, tok.Name.Space)
			case root == nil:
				root = n
			case len(stack) == 0:
				return nil, xmlError(file, line, col, "a second root element <%s>", tok.Name.Local)
			default:
				parent := stack[len(stack)-1]
				parent.kids = append(parent.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(bytes.TrimSpace(tok)) > 0 {
				return nil, xmlError(file, line, col, "text %.40q: FHIR XML holds values in value attributes", string(bytes.TrimSpace(tok)))
			}
		case xml.Directive:
			return nil, xmlError(file, line, col, "a DTD or other declaration (<!%.20s): not allowed in FHIR XML", string(tok))
		}
	}
	if root == nil {
		return nil, xmlError(file, 1, 1, "no root element")
	}
	return root, nil
}

// versionHint adds to err, a definition's refusal, the likely cause when
// the definition says it is for another FHIR release than the loaded core
// package's (R4's constraint.xpath in an R5 build): definitions are read
// with the core package's definitions, not converted between releases.
func (c *Shape) versionHint(root *xnode, err error) error {
	var own string
	for _, k := range root.kids {
		if k.name.Local == "fhirVersion" {
			own, _ = k.attr("value")
		}
	}
	core := ""
	if r, ok := c.set.Resolve("StructureDefinition", "http://hl7.org/fhir/StructureDefinition/Element"); ok {
		core = gjson.GetBytes(r.JSON, "fhirVersion").String()
	}
	if own == "" || core == "" || release(own) == release(core) {
		return err
	}
	return fmt.Errorf("%w (the file is a definition for FHIR %s, read with the core package of FHIR %s: fhirgen does not convert definitions between FHIR releases)", err, own, core)
}

// release is a FHIR version's release: its first two numbers (4.0 of 4.0.1).
func release(v string) string {
	if i := strings.IndexByte(v, '.'); i >= 0 {
		if j := strings.IndexByte(v[i+1:], '.'); j >= 0 {
			return v[:i+1+j]
		}
	}
	return v
}

// xmlReader writes the JSON form of one XML resource.
type xmlReader struct {
	c       *Shape
	file    string
	element string // the id of the ElementDefinition being read, if any
	out     []byte
	err     error
}

func (r *xmlReader) fail(n *xnode, loc, format string, args ...any) {
	if r.err == nil {
		r.err = diag.Errorf(r.file, r.element, "%s (line %d, column %d): %s", loc, n.line, n.col, fmt.Sprintf(format, args...))
	}
}

// XMLToJSON turns a FHIR resource in XML into its JSON form, with the
// definitions of the loaded core package. file names it in errors.
func (c *Shape) XMLToJSON(data []byte, file string) ([]byte, error) {
	root, err := parseXML(data, file)
	if err != nil {
		return nil, err
	}
	t := c.typ(root.name.Local)
	if t == nil || t.root == nil || t.kind != "resource" {
		return nil, xmlError(file, root.line, root.col, "<%s> is not a resource type the loaded core package defines (reading XML needs the core package of its FHIR version)", root.name.Local)
	}
	r := &xmlReader{c: c, file: file}
	r.object(root, t.root, t, root.name.Local, true)
	if r.err != nil {
		return nil, c.versionHint(root, r.err)
	}
	return r.out, nil
}

// object writes an element with children (a type's root or a backbone
// element): its attributes (id, an extension's url) and its child elements,
// which must come in the definition's order, each name's repeats together.
func (r *xmlReader) object(n *xnode, el *shapeElem, t *shapeType, loc string, resource bool) {
	if t.name == "ElementDefinition" && el == t.root {
		saved := r.element
		r.element, _ = n.attr("id")
		defer func() { r.element = saved }()
	}
	r.out = append(r.out, '{')
	first := true
	sep := func() {
		if !first {
			r.out = append(r.out, ',')
		}
		first = false
	}
	if resource {
		sep()
		r.out = append(r.out, `"resourceType":`...)
		r.out = appendJSONString(r.out, n.name.Local)
	}
	for _, a := range n.attrs {
		if !fhirAttr(a) || (a.Name.Local == "value" && t.kind == "primitive-type" && el == t.root) {
			continue // a primitive's value is written by primitives
		}
		child, code := childOf(el, t, a.Name.Local)
		if child == nil || !child.xmlAttr || !r.isPrimitive(code) || child.repeats {
			r.fail(n, loc, "unknown attribute %q", a.Name.Local)
			return
		}
		sep()
		r.key(a.Name.Local)
		r.primitive(n, a.Value, code, loc+"."+a.Name.Local)
	}
	lastOrder := -1
	seen := map[*shapeElem]bool{}
	for i := 0; i < len(n.kids) && r.err == nil; {
		k := n.kids[i]
		j := i + 1
		for j < len(n.kids) && n.kids[j].name == k.name {
			j++
		}
		group := n.kids[i:j]
		i = j
		name := k.name.Local
		at := loc + "." + name
		if k.raw != nil {
			if t.name != "Narrative" || name != "div" {
				r.fail(k, at, "an XHTML element outside a narrative")
				return
			}
			sep()
			r.key(name)
			r.out = appendJSONString(r.out, string(k.raw))
			continue
		}
		child, code := childOf(el, t, name)
		switch {
		case child == nil:
			r.fail(k, at, "unknown element")
			return
		case child.xmlAttr:
			r.fail(k, at, "an attribute in FHIR XML, not an element")
			return
		case seen[child]:
			r.fail(k, at, "%s again, after other elements (an element's values come together)", child.path)
			return
		case child.order < lastOrder:
			r.fail(k, at, "out of order (the definition puts it before the element above it)")
			return
		case len(group) > 1 && !child.repeats:
			r.fail(group[1], at, "repeated, but the element does not repeat")
			return
		}
		seen[child], lastOrder = true, child.order
		if r.isPrimitive(code) {
			r.primitives(group, child, code, at, sep)
			continue
		}
		sep()
		r.key(name)
		r.each(group, child.repeats, at, func(k *xnode, at string) { r.value(k, child, t, code, at) })
	}
	r.out = append(r.out, '}')
}

// each writes the values of one element: an array when it repeats.
func (r *xmlReader) each(group []*xnode, repeats bool, loc string, item func(*xnode, string)) {
	if !repeats {
		item(group[0], loc)
		return
	}
	r.out = append(r.out, '[')
	for i, k := range group {
		if i > 0 {
			r.out = append(r.out, ',')
		}
		item(k, loc+"["+strconv.Itoa(i)+"]")
	}
	r.out = append(r.out, ']')
}

// primitives writes a primitive element: its values under its name, and
// its ids and extensions under "_name" (nulls where an item has none).
func (r *xmlReader) primitives(group []*xnode, el *shapeElem, code, loc string, sep func()) {
	var values, extras int
	for _, k := range group {
		if _, ok := k.attr("value"); ok {
			values++
		}
		if len(k.kids) > 0 || fhirAttrs(k, "value") > 0 {
			extras++
		}
	}
	if values > 0 {
		sep()
		r.key(group[0].name.Local)
		r.each(group, el.repeats, loc, func(k *xnode, at string) {
			if v, ok := k.attr("value"); ok {
				r.primitive(k, v, code, at)
			} else {
				r.out = append(r.out, "null"...)
			}
		})
	}
	if extras > 0 {
		sep()
		r.key("_" + group[0].name.Local)
		r.each(group, el.repeats, loc, func(k *xnode, at string) {
			if len(k.kids) == 0 && fhirAttrs(k, "value") == 0 {
				r.out = append(r.out, "null"...)
				return
			}
			pt := r.primitiveType(code)
			if pt == nil || pt.root == nil {
				r.fail(k, at, "%s holds no extensions or id", code)
				return
			}
			r.object(k, pt.root, pt, at, false)
		})
	}
	if values == 0 && extras == 0 {
		r.fail(group[0], loc, "no value attribute, id or extension")
	}
}

// fhirAttr reports whether an attribute is one of FHIR's (id, value, url),
// not a namespace declaration or another namespace's (xsi:schemaLocation).
func fhirAttr(a xml.Attr) bool { return a.Name.Space == "" && a.Name.Local != "xmlns" }

// fhirAttrs counts an element's FHIR attributes but the one named except.
func fhirAttrs(n *xnode, except string) int {
	c := 0
	for _, a := range n.attrs {
		if fhirAttr(a) && a.Name.Local != except {
			c++
		}
	}
	return c
}

// primitiveType is the definition of a primitive type code, nil for a
// FHIRPath system type that stands for no FHIR type.
func (r *xmlReader) primitiveType(code string) *shapeType {
	if ft, ok := strings.CutPrefix(code, systemPrefix+"fhir:"); ok {
		code = ft
	} else if strings.HasPrefix(code, systemPrefix) {
		return nil
	}
	if t := r.c.typ(code); t != nil && t.kind == "primitive-type" {
		return t
	}
	return nil
}

func (r *xmlReader) key(name string) {
	r.out = appendJSONString(r.out, name)
	r.out = append(r.out, ':')
}

func (r *xmlReader) isPrimitive(code string) bool {
	return strings.HasPrefix(code, systemPrefix) || r.primitiveType(code) != nil
}

// primitive writes a value attribute as the JSON its type has.
func (r *xmlReader) primitive(n *xnode, v, code, loc string) {
	kind, name := jsonString, "string"
	if t := r.primitiveType(code); t != nil {
		kind, name = t.json, t.name
	}
	switch kind {
	case jsonBool:
		if v != "true" && v != "false" {
			r.fail(n, loc, "%.40q is not a boolean (true or false)", v)
			return
		}
		r.out = append(r.out, v...)
	case jsonInteger, jsonNumber:
		if gjson.Parse(v).Type != gjson.Number || !gjson.Valid(v) {
			r.fail(n, loc, "%.40q is not a valid %s", v, name)
			return
		}
		r.out = append(r.out, v...)
	default:
		r.out = appendJSONString(r.out, v)
	}
}

// value writes one value of a complex element.
func (r *xmlReader) value(n *xnode, el *shapeElem, t *shapeType, code, loc string) {
	switch {
	case code == "" || code == "Element" || code == "BackboneElement":
		if len(el.children) > 0 || el.ref != "" {
			r.object(n, el, t, loc, false)
			return
		}
		r.complex(n, code, loc)
	case code == "Resource" || code == "DomainResource":
		if len(n.kids) != 1 || fhirAttrs(n, "") > 0 {
			r.fail(n, loc, "want one resource element inside, found %d elements", len(n.kids))
			return
		}
		inner := r.c.typ(n.kids[0].name.Local)
		if inner == nil || inner.root == nil || inner.kind != "resource" {
			r.fail(n.kids[0], loc, "<%s> is not a resource type", n.kids[0].name.Local)
			return
		}
		r.object(n.kids[0], inner.root, inner, loc, true)
	default:
		r.complex(n, code, loc)
	}
}

func (r *xmlReader) complex(n *xnode, code, loc string) {
	t := r.c.typ(code)
	if t == nil || t.root == nil {
		r.fail(n, loc, "type %s is not defined in the loaded core package", code)
		return
	}
	r.object(n, t.root, t, loc, false)
}

// appendJSONString appends s as a JSON string, escaping only what JSON
// requires (so XHTML keeps its angle brackets).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
