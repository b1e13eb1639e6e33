package emit

import (
	"github.com/dave/jennifer/jen"
	"github.com/fhirgen/fhirgen/generator/model"
)

// The XML concern: for every struct type an encodeXML method that follows
// http://hl7.org/fhir/xml.html. The elements come in the definition's order,
// as the fields do; the fields XML carries as attributes (Element.id,
// Extension.url: the xmlAttr representation) come first, on the start tag.
// Primitive types get theirs from the package templates.

func (e *emitter) xmlPath() string { return e.mod.Path + "/internal/fhirxml" }

// xmlFile emits the XML concern of a top-level type and its nested types.
func (e *emitter) xmlFile(t *model.Type) *jen.File {
	f := e.newFile()
	for _, ty := range append([]*model.Type{t}, t.Nested...) {
		e.encodeXMLStruct(f, ty)
	}
	return f
}

func (e *emitter) encodeXMLStruct(f *jen.File, t *model.Type) {
	f.Func().Params(jen.Id("x").Op("*").Id(t.GoName)).Id("encodeXML").Params(jen.Id("e").Op("*").Qual(e.xmlPath(), "Encoder"), jen.Id("name").String()).BlockFunc(func(g *jen.Group) {
		g.Id("e").Dot("Open").Call(jen.Id("name"))
		for _, fd := range t.Fields {
			if kindOf(fd) == kindAttr {
				e.encodeXMLField(g, fd)
			}
		}
		for _, fd := range t.Fields {
			if kindOf(fd) != kindAttr {
				e.encodeXMLField(g, fd)
			}
		}
		g.Id("encodeXMLExtra").Call(jen.Id("e"), jen.Len(jen.Id("x").Dot(model.ExtraField)))
		g.Id("e").Dot("Close").Call()
	})
}

func (e *emitter) encodeXMLField(g *jen.Group, fd *model.Field) {
	x := jen.Id("x").Dot(fd.GoName)
	name := jen.Lit(fd.Name)
	switch kindOf(fd) {
	case kindAttr:
		if fd.Min >= 1 {
			g.If(x.Clone().Op("!=").Lit("")).Block(jen.Id("e").Dot("Attr").Call(name, x.Clone()))
		} else {
			g.If(x.Clone().Op("!=").Nil()).Block(jen.Id("e").Dot("Attr").Call(name, jen.Op("*").Add(x.Clone())))
		}
	case kindPrimitive:
		fn := "encodeXML" + fd.Type.Type.GoName
		if fd.Repeats() {
			fn += "List"
		}
		g.Id(fn).Call(jen.Id("e"), name, x.Clone())
	case kindStruct:
		helper := "encodeXMLOne"
		if fd.Repeats() {
			helper = "encodeXMLEach"
		}
		g.Id(helper).Call(jen.Id("e"), name, x.Clone())
	case kindResource:
		if fd.Repeats() {
			g.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Add(x.Clone())).Block(
				jen.Id("encodeXMLResource").Call(jen.Id("e"), name, jen.Id("r")),
			)
			return
		}
		g.Id("encodeXMLResource").Call(jen.Id("e"), name, x.Clone())
	case kindChoice:
		g.Switch(jen.Id("v").Op(":=").Add(x.Clone()).Assert(jen.Type())).BlockFunc(func(sw *jen.Group) {
			for _, o := range fd.Choice.Options {
				ot := o.Ref.Type
				if ot.Kind == model.KindPrimitive {
					sw.Case(jen.Op("*").Add(e.typeExpr(o.Ref))).Block(
						jen.Id("encodeXML"+ot.GoName).Call(jen.Id("e"), jen.Lit(o.JSONName), jen.Id("v")),
					)
					continue
				}
				sw.Case(jen.Op("*").Add(e.typeExpr(o.Ref))).Block(jen.Id("encodeXMLOne").Call(jen.Id("e"), jen.Lit(o.JSONName), jen.Id("v")))
			}
		})
	}
}
