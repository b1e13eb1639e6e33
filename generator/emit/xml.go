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
	if t.Kind == model.KindResource {
		e.resourceXMLMarshalers(f, t)
	}
	for _, ty := range append([]*model.Type{t}, t.Nested...) {
		e.encodeXMLStruct(f, ty)
		e.decodeXMLStruct(f, ty)
	}
	return f
}

// resourceXMLMarshalers gives a resource type xml.Marshaler and
// xml.Unmarshaler, for a resource inside a document of encoding/xml's.
func (e *emitter) resourceXMLMarshalers(f *jen.File, t *model.Type) {
	commentf(f.Add, "MarshalXML writes x into e as MarshalResourceXML writes it, for encoding/xml: its own element, %s in FHIR's namespace, whatever start names (wrap it in an element of yours to name a field), its content byte for byte.", t.Name)
	comments(f.Add, "Its receiver is a value, so that encoding/xml writes FHIR XML for a value as for a pointer.")
	f.Func().Params(jen.Id("x").Id(t.GoName)).Id("MarshalXML").Params(jen.Id("e").Op("*").Qual("encoding/xml", "Encoder"), jen.Id("_").Qual("encoding/xml", "StartElement")).Error().Block(
		jen.Return(jen.Id("marshalXMLElement").Call(jen.Id("e"), jen.Op("&").Id("x"))),
	)
	commentf(f.Add, "UnmarshalXML reads x, replacing its content, from the element start begins, for encoding/xml: a resource of type %s in FHIR's namespace, read as UnmarshalResourceXML reads one, its content byte for byte (the prefixes it uses declared on it, not on an ancestor). An error is a fhir.XMLErrors, with lines and columns in the document d reads, or what d reports.", t.Name)
	f.Func().Params(jen.Id("x").Op("*").Id(t.GoName)).Id("UnmarshalXML").Params(jen.Id("d").Op("*").Qual("encoding/xml", "Decoder"), jen.Id("start").Qual("encoding/xml", "StartElement")).Error().Block(
		jen.Op("*").Id("x").Op("=").Id(t.GoName).Values(),
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("unmarshalXMLElement").Call(jen.Id("d"), jen.Id("start"), jen.Id("x")),
		jen.Return(jen.Err()),
	)
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
		e.choiceSwitch(g, fd, func(o *model.ChoiceOption) jen.Code {
			if o.Ref.Type.Kind == model.KindPrimitive {
				return jen.Id("encodeXML"+o.Ref.Type.GoName).Call(jen.Id("e"), jen.Lit(o.JSONName), jen.Id("v"))
			}
			return jen.Id("encodeXMLOne").Call(jen.Id("e"), jen.Lit(o.JSONName), jen.Id("v"))
		})
	}
}

// decodeXMLStruct emits decodeXML: the element entered is t's. Its
// attributes first, then its children: a switch over the element's name
// checks its place in the definition's order (fhirxml.Decoder.Enter) and
// reads it.
func (e *emitter) decodeXMLStruct(f *jen.File, t *model.Type) {
	f.Func().Params(jen.Id("x").Op("*").Id(t.GoName)).Id("decodeXML").Params(jen.Id("s").Op("*").Id("decodeState")).BlockFunc(func(g *jen.Group) {
		g.Id("d").Op(":=").Id("s").Dot("x")
		var present []jen.Code // what makes the element not empty
		for _, fd := range t.Fields {
			if kindOf(fd) != kindAttr {
				continue
			}
			v := jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Id("d").Dot("Attr").Call(jen.Lit(fd.Name))
			if fd.Min >= 1 {
				// a missing one is validation's to report, as in JSON
				g.If(v, jen.Id("ok")).Block(jen.Id("x").Dot(fd.GoName).Op("=").Id("v"))
				present = append(present, jen.Id("x").Dot(fd.GoName).Op("!=").Lit(""))
				continue
			}
			g.If(v, jen.Id("ok")).Block(jen.Id("x").Dot(fd.GoName).Op("=").Id("s").Dot("str").Call(jen.Id("v")))
			present = append(present, jen.Id("x").Dot(fd.GoName).Op("!=").Nil())
		}
		g.Id("d").Dot("CheckAttrs").Call()
		if t.Kind != model.KindResource {
			// no attribute and no child: FHIR JSON's {}
			var cond *jen.Statement
			for _, p := range present {
				if cond == nil {
					cond = jen.Op("!").Parens(p)
				} else {
					cond = cond.Op("&&").Op("!").Parens(p)
				}
			}
			need := jen.Id("d").Dot("NeedContent").Call(jen.Lit("an element without content"))
			if cond == nil {
				g.Add(need)
			} else {
				g.If(cond).Block(need)
			}
		}
		g.For(jen.Id("d").Dot("Next").Call()).BlockFunc(func(loop *jen.Group) {
			loop.Switch(jen.Id("d").Dot("Name")).BlockFunc(func(sw *jen.Group) {
				for i, fd := range t.Fields {
					e.decodeXMLCases(sw, i, fd)
				}
				sw.Default().Block(jen.Id("d").Dot("Unknown").Call())
			})
		})
	})
}

// decodeXMLCall is the call that reads a primitive of type ref.
func (e *emitter) decodeXMLCall(ref *model.TypeRef, suffix string) *jen.Statement {
	fn := jen.Id("decodeXML" + ref.Type.GoName + suffix)
	if ref.Type.Generic && suffix == "" {
		if ref.CodeSet != nil {
			return fn.Types(jen.Qual(ref.CodeSet.Package.ImportPath, ref.CodeSet.GoName))
		}
		return fn.Types(jen.String())
	}
	return fn
}

// decodeXMLCases adds the switch cases of field i.
func (e *emitter) decodeXMLCases(sw *jen.Group, i int, fd *model.Field) {
	x := jen.Id("x").Dot(fd.GoName)
	at := func(name string, repeats bool, body ...jen.Code) {
		sw.Case(jen.Lit(name)).Block(
			jen.If(jen.Id("d").Dot("Enter").Call(jen.Lit(i), jen.Lit(name), jen.Lit(repeats))).Block(body...),
		)
	}
	switch kindOf(fd) {
	case kindPrimitive:
		if fd.Repeats() {
			at(fd.Name, true, x.Clone().Op("=").Add(e.decodeXMLCall(fd.Type, "List")).Call(jen.Id("s"), x.Clone()))
			return
		}
		at(fd.Name, false, x.Clone().Op("=").Add(e.decodeXMLCall(fd.Type, "")).Call(jen.Id("s")))
	case kindStruct:
		arena := jen.Op("&").Id("s").Dot("a" + fd.Type.Type.GoName)
		if fd.Repeats() {
			at(fd.Name, true, x.Clone().Op("=").Id("decodeXMLEach").Call(jen.Id("s"), arena, x.Clone()))
			return
		}
		at(fd.Name, false, x.Clone().Op("=").Id("decodeXMLOne").Call(jen.Id("s"), arena))
	case kindResource:
		if fd.Repeats() {
			at(fd.Name, true, jen.If(jen.Id("r").Op(":=").Id("decodeXMLResource").Call(jen.Id("s")), jen.Id("r").Op("!=").Nil()).Block(
				x.Clone().Op("=").Append(x.Clone(), jen.Id("r")),
			))
			return
		}
		at(fd.Name, false, jen.If(jen.Id("r").Op(":=").Id("decodeXMLResource").Call(jen.Id("s")), jen.Id("r").Op("!=").Nil()).Block(
			x.Clone().Op("=").Id("r"),
		))
	case kindChoice:
		for _, o := range fd.Choice.Options {
			var read *jen.Statement
			if o.Ref.Type.Kind == model.KindPrimitive {
				read = e.decodeXMLCall(o.Ref, "").Call(jen.Id("s"))
			} else {
				read = jen.Id("decodeXMLOne").Call(jen.Id("s"), jen.Op("&").Id("s").Dot("a"+o.Ref.Type.GoName))
			}
			// (a nil *T in the interface would not be nil)
			at(o.JSONName, false, jen.If(jen.Id("v").Op(":=").Add(read), jen.Id("v").Op("!=").Nil()).Block(x.Clone().Op("=").Id("v")))
		}
	}
}
