package emit

import (
	"slices"
	"strconv"

	"github.com/dave/jennifer/jen"
	"github.com/fhirgen/fhirgen/generator/model"
)

// The JSON concern: for every struct type, decodeJSON/encodeJSON methods that
// follow http://hl7.org/fhir/R4/json.html, json.Marshaler and
// json.Unmarshaler, and a list decoder. Primitive types get theirs from the
// package templates.

func (e *emitter) jsonPath() string { return e.mod.Path + "/internal/fhirjson" }

// fieldKind classifies a field for the codec.
type fieldKind int

const (
	kindAttr fieldKind = iota + 1
	kindPrimitive
	kindStruct
	kindResource
	kindChoice
)

func kindOf(f *model.Field) fieldKind {
	switch {
	case f.Attribute != nil:
		return kindAttr
	case f.Choice != nil:
		return kindChoice
	case f.Type.Type.Kind == model.KindPrimitive:
		return kindPrimitive
	case f.Type.Type.Kind == model.KindAbstractResource:
		return kindResource
	}
	return kindStruct
}

func quotedKey(name string) string { return strconv.Quote(name) + ":" }

// jsonFile emits the JSON concern of a top-level type and its nested types.
func (e *emitter) jsonFile(t *model.Type) *jen.File {
	f := e.newFile()
	for _, ty := range append([]*model.Type{t}, t.Nested...) {
		e.decodeStruct(f, ty)
		e.encodeStruct(f, ty)
		e.structMarshalers(f, ty)
		e.listDecoder(f, ty)
	}
	return f
}

// rootName is the location root of a type decoded on its own.
func rootName(t *model.Type) string { return t.Name }

func (e *emitter) decodeStruct(f *jen.File, t *model.Type) {
	e.decodeObject(f, t.GoName, t, t.Fields, false)
}

// decodeObject emits decodeJSON for the Go type goName, whose properties
// are fields (of t, or for a raw resource's elements of the abstract
// resource types). lenient skips the properties it does not know (and the
// resourceType) rather than reporting them.
//
// A switch over the key finds the property's index in a table of the
// names (jsonKeys<goName>); fhirjson.Decoder.Enter marks it seen (reporting
// a duplicate) and puts it on the location; a switch over the index
// decodes the value. So each property costs two short cases, where the
// check, push and pop repeated in every case cost the compiler far more.
func (e *emitter) decodeObject(f *jen.File, goName string, t *model.Type, fields []*model.Field, lenient bool) {
	isResource := t.Kind == model.KindResource && !lenient
	var names []string
	if isResource {
		names = append(names, "resourceType")
	}
	for _, fd := range fields {
		names = append(names, jsonKeys(fd)...)
	}
	index := func(key string) int { return slices.Index(names, key) }
	words := max((len(names)+63)/64, 1)
	table := "jsonKeys" + goName
	commentf(f.Add, "%s are the properties of %s in JSON, in the order of its fields; decodeJSON switches on their index (see fhirjson.Decoder.Enter). Read only.", table, goName)
	f.Var().Id(table).Op("=").Index(jen.Op("...")).String().ValuesFunc(func(g *jen.Group) {
		for _, n := range names {
			g.Line().Lit(n)
		}
		g.Line()
	})
	f.Func().Params(jen.Id("x").Op("*").Id(goName)).Id("decodeJSON").Params(jen.Id("s").Op("*").Id("decodeState")).BlockFunc(func(g *jen.Group) {
		g.Id("d").Op(":=").Id("s").Dot("d")
		g.Var().Id("seen").Index(jen.Lit(words)).Uint64()
		g.Id("n").Op(":=").Lit(0)
		g.For(jen.Id("d").Dot("NextKey").Call()).BlockFunc(func(loop *jen.Group) {
			loop.Id("n").Op("++")
			loop.Id("k").Op(":=").Len(jen.Id(table))
			loop.Switch(jen.String().Parens(jen.Id("d").Dot("Key"))).BlockFunc(func(sw *jen.Group) {
				for i, name := range names {
					sw.Case(jen.Lit(name)).Block(jen.Id("k").Op("=").Lit(i))
				}
			})
			loop.Switch(jen.Id("d").Dot("Enter").Call(jen.Id("k"), jen.Id(table).Index(jen.Op(":")), jen.Id("seen").Index(jen.Op(":")))).BlockFunc(func(sw *jen.Group) {
				sw.Case(jen.Lit(-1)).Block(jen.Continue()) // a duplicate, reported and skipped
				if isResource {
					sw.Case(jen.Lit(index("resourceType"))).Block(jen.Comment(`"resourceType"`),
						jen.If(jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Id("d").Dot("String").Call(), jen.Id("ok").Op("&&").Id("v").Op("!=").Lit(t.Name)).Block(
							jen.Id("d").Dot("Error").Call(jen.Lit("resourceType is ").Op("+").Qual("strconv", "Quote").Call(jen.Id("v")).Op("+").Lit(", want "+t.Name)),
						),
					)
				}
				for _, fd := range fields {
					e.decodeCases(sw, fd, index)
				}
				if lenient {
					sw.Default().Block(jen.Id("d").Dot("Skip").Call(), jen.Continue())
					return
				}
				sw.Default().Block(
					jen.If(jen.List(jen.Id("m"), jen.Id("keep")).Op(":=").Id("d").Dot("Unknown").Call(jen.True()), jen.Id("keep")).Block(
						jen.Id("x").Dot(model.ExtraField).Op("=").Append(jen.Id("x").Dot(model.ExtraField), jen.Id("m")),
					),
					jen.Continue(),
				)
			})
			loop.Id("d").Dot("Pop").Call()
		})
		g.If(jen.Id("n").Op("==").Lit(0)).Block(jen.Id("d").Dot("Error").Call(jen.Lit("empty object")))
		if isResource {
			i := index("resourceType")
			g.If(jen.Op("!").Qual(e.jsonPath(), "Has").Call(jen.Id("seen").Index(jen.Op(":")), jen.Lit(i))).Block(
				jen.Id("d").Dot("Error").Call(jen.Lit("missing resourceType")),
			)
		}
		for _, fd := range fields {
			if kindOf(fd) == kindPrimitive && fd.Repeats() {
				g.If(jen.Len(jen.Id("x").Dot(fd.GoName)).Op(">").Lit(0)).Block(
					jen.Id("check"+fd.Type.Type.GoName+"List").Call(jen.Id("d"), jen.Lit(fd.Name), jen.Id("x").Dot(fd.GoName)),
				)
			}
		}
	})
}

// jsonKeys are the JSON properties of a field: its name, a primitive's
// _name, a choice's typed names.
func jsonKeys(fd *model.Field) []string {
	switch kindOf(fd) {
	case kindPrimitive:
		return []string{fd.Name, "_" + fd.Name}
	case kindChoice:
		var out []string
		for _, o := range fd.Choice.Options {
			out = append(out, o.JSONName)
			if o.Ref.Type.Kind == model.KindPrimitive {
				out = append(out, "_"+o.JSONName)
			}
		}
		return out
	}
	return []string{fd.Name}
}

// decodeCases adds the switch cases of one field: index gives each of its
// JSON properties' case.
func (e *emitter) decodeCases(sw *jen.Group, fd *model.Field, index func(string) int) {
	x := jen.Id("x").Dot(fd.GoName)
	at := func(key string, body ...jen.Code) {
		sw.Case(jen.Lit(index(key))).BlockFunc(func(g *jen.Group) {
			commentf(g.Add, "%q", key)
			for _, c := range body {
				g.Add(c)
			}
		})
	}
	switch kindOf(fd) {
	case kindAttr:
		assign := jen.Id("x").Dot(fd.GoName).Op("=").Op("&").Id("v")
		if fd.Min >= 1 {
			assign = jen.Id("x").Dot(fd.GoName).Op("=").Id("v")
		}
		at(fd.Name,
			jen.If(jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Id("decodeAttr").Call(jen.Id("d")), jen.Id("ok")).Block(assign),
		)
	case kindPrimitive:
		pt := fd.Type.Type.GoName
		suffix := "Field"
		if fd.Repeats() {
			suffix = "List"
		}
		at(fd.Name, jen.Add(x.Clone()).Op("=").Id("decode"+pt+suffix).Call(jen.Id("s"), x.Clone()))
		at("_"+fd.Name, jen.Add(x.Clone()).Op("=").Id("decode"+pt+suffix+"Element").Call(jen.Id("s"), x.Clone()))
	case kindStruct:
		st := fd.Type.Type.GoName
		if fd.Repeats() {
			at(fd.Name, jen.Add(x.Clone()).Op("=").Id("decode"+st+"List").Call(jen.Id("s"), x.Clone()))
			return
		}
		at(fd.Name, jen.Add(x.Clone()).Op("=").Id("decodeOne").Call(jen.Id("s"), jen.Op("&").Id("s").Dot("a"+fd.Type.Type.GoName)))
	case kindResource:
		if fd.Repeats() {
			at(fd.Name, jen.Add(x.Clone()).Op("=").Id("decodeResourceList").Call(jen.Id("s"), x.Clone()))
			return
		}
		at(fd.Name,
			jen.If(jen.Id("r").Op(":=").Id("decodeResource").Call(jen.Id("s")), jen.Id("r").Op("!=").Nil()).Block(
				jen.Add(x.Clone()).Op("=").Id("r"),
			))
	case kindChoice:
		for _, o := range fd.Choice.Options {
			ot := o.Ref.Type
			te := e.typeExpr(o.Ref)
			if ot.Kind != model.KindPrimitive {
				// (a nil *T in the interface would not be nil)
				at(o.JSONName,
					jen.If(jen.Id("v").Op(":=").Id("decodeOne").Call(jen.Id("s"), jen.Op("&").Id("s").Dot("a"+ot.GoName)), jen.Id("v").Op("!=").Nil()).Block(
						jen.Add(x.Clone()).Op("=").Id("v"),
					))
				continue
			}
			conflict := jen.List(jen.Id("p"), jen.Id("ok")).Op(":=").Add(x.Clone()).Assert(jen.Op("*").Add(te.Clone()))
			conflictCheck := jen.If(jen.Op("!").Id("ok").Op("&&").Add(x.Clone()).Op("!=").Nil()).Block(
				jen.Id("d").Dot("Conflict").Call(jen.Lit("a second type of "+fd.Name+"[x]: a choice element has one type")),
				jen.Continue(),
			)
			at(o.JSONName, conflict.Clone(), conflictCheck.Clone(),
				jen.If(jen.Id("v").Op(":=").Id("decode"+ot.GoName+"Field").Call(jen.Id("s"), jen.Id("p")), jen.Id("v").Op("!=").Nil()).Block(
					jen.Add(x.Clone()).Op("=").Id("v"),
				))
			at("_"+o.JSONName, conflict.Clone(), conflictCheck.Clone(),
				jen.Add(x.Clone()).Op("=").Id("decode"+ot.GoName+"FieldElement").Call(jen.Id("s"), jen.Id("p")))
		}
	}
}

func (e *emitter) encodeStruct(f *jen.File, t *model.Type) {
	f.Func().Params(jen.Id("x").Op("*").Id(t.GoName)).Id("encodeJSON").Params(jen.Id("e").Op("*").Qual(e.jsonPath(), "Encoder")).BlockFunc(func(g *jen.Group) {
		g.If(jen.Id("x").Op("==").Nil()).Block(jen.Id("e").Dot("Null").Call(), jen.Return())
		g.Id("e").Dot("ObjectStart").Call()
		if t.Kind == model.KindResource {
			g.Id("e").Dot("Key").Call(jen.Lit(quotedKey("resourceType")))
			g.Id("e").Dot("String").Call(jen.Lit(t.Name))
		}
		for _, fd := range t.Fields {
			e.encodeField(g, fd)
		}
		g.If(jen.Len(jen.Id("x").Dot(model.ExtraField)).Op(">").Lit(0)).Block(jen.Id("e").Dot("Members").Call(jen.Id("x").Dot(model.ExtraField)))
		g.Id("e").Dot("ObjectEnd").Call()
	})
}

func (e *emitter) encodeField(g *jen.Group, fd *model.Field) {
	x := jen.Id("x").Dot(fd.GoName)
	key := func(name string) *jen.Statement { return jen.Id("e").Dot("Key").Call(jen.Lit(quotedKey(name))) }
	switch kindOf(fd) {
	case kindAttr:
		if fd.Min >= 1 {
			g.If(x.Clone().Op("!=").Lit("")).Block(key(fd.Name), jen.Id("e").Dot("String").Call(x.Clone()))
		} else {
			g.If(x.Clone().Op("!=").Nil()).Block(key(fd.Name), jen.Id("e").Dot("String").Call(jen.Op("*").Add(x.Clone())))
		}
	case kindPrimitive:
		fn := "encode" + fd.Type.Type.GoName + "Field"
		if fd.Repeats() {
			fn = "encode" + fd.Type.Type.GoName + "List"
		}
		g.Id(fn).Call(jen.Id("e"), jen.Lit(quotedKey(fd.Name)), jen.Lit(quotedKey("_"+fd.Name)), x.Clone())
	case kindStruct:
		helper := "encodeOne"
		if fd.Repeats() {
			helper = "encodeEach"
		}
		g.Id(helper).Call(jen.Id("e"), jen.Lit(quotedKey(fd.Name)), x.Clone())
	case kindResource:
		if fd.Repeats() {
			g.If(jen.Len(x.Clone()).Op(">").Lit(0)).Block(
				key(fd.Name),
				jen.Id("e").Dot("ArrayStart").Call(),
				jen.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Add(x.Clone())).Block(jen.Id("encodeResource").Call(jen.Id("e"), jen.Id("r"))),
				jen.Id("e").Dot("ArrayEnd").Call(),
			)
			return
		}
		g.If(x.Clone().Op("!=").Nil()).Block(key(fd.Name), jen.Id("encodeResource").Call(jen.Id("e"), x.Clone()))
	case kindChoice:
		e.choiceSwitch(g, fd, func(o *model.ChoiceOption) jen.Code {
			if o.Ref.Type.Kind == model.KindPrimitive {
				return jen.Id("encode"+o.Ref.Type.GoName+"Field").Call(jen.Id("e"), jen.Lit(quotedKey(o.JSONName)), jen.Lit(quotedKey("_"+o.JSONName)), jen.Id("v"))
			}
			return jen.Id("encodeOne").Call(jen.Id("e"), jen.Lit(quotedKey(o.JSONName)), jen.Id("v"))
		})
	}
}

// structMarshalers gives a struct type json.Marshaler and json.Unmarshaler.
func (e *emitter) structMarshalers(f *jen.File, t *model.Type) {
	commentf(f.Add, "UnmarshalJSON decodes FHIR JSON into x, replacing its content. The error, if any, is a fhir.JSONErrors listing every problem found with its location (from %s) and byte offset.", rootName(t))
	f.Func().Params(jen.Id("x").Op("*").Id(t.GoName)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Op("*").Id("x").Op("=").Id(t.GoName).Values(),
		jen.Return(jen.Id("unmarshalRoot").Call(jen.Id("data"), jen.Lit(rootName(t)), jen.Id("x"))),
	)
	comments(f.Add, "MarshalJSON encodes x as compact FHIR JSON, properties in the definition's order. Its receiver is a value, so that json.Marshal writes FHIR JSON for a value as for a pointer, and for a struct that embeds one. A value that FHIR JSON cannot hold (a decimal that is not a number, a primitive that is \"\" and nothing else) is an error.")
	f.Func().Params(jen.Id("x").Id(t.GoName)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Id("encode").Call(jen.Id("x").Dot("encodeJSON"))),
	)
}

// listDecoder emits decode<T>List, which reads an array of T.
func (e *emitter) listDecoder(f *jen.File, t *model.Type) {
	f.Func().Id("decode"+t.GoName+"List").Params(jen.Id("s").Op("*").Id("decodeState"), jen.Id("list").Index().Id(t.GoName)).Index().Id(t.GoName).Block(
		jen.Id("d").Op(":=").Id("s").Dot("d"),
		jen.If(jen.Op("!").Id("d").Dot("ArrayStart").Call()).Block(jen.Return(jen.Id("list"))),
		jen.Id("n").Op(":=").Lit(0),
		jen.For(jen.Id("d").Dot("NextItem").Call()).Block(
			jen.Id("d").Dot("PushIndex").Call(jen.Id("n")),
			jen.Id("n").Op("++"),
			jen.If(jen.Id("d").Dot("IsNull").Call()).Block(
				jen.Id("d").Dot("Error").Call(jen.Lit("null is not allowed in this array")),
			).Else().If(jen.Id("d").Dot("ObjectStart").Call()).Block(
				jen.Id("list").Op("=").Id("slabAppend").Call(jen.Op("&").Id("s").Dot("a"+t.GoName), jen.Id("list")),
				jen.Id("list").Index(jen.Len(jen.Id("list")).Op("-").Lit(1)).Dot("decodeJSON").Call(jen.Id("s")),
			),
			jen.Id("d").Dot("Pop").Call(),
		),
		jen.If(jen.Id("n").Op("==").Lit(0)).Block(jen.Id("d").Dot("Error").Call(jen.Lit("empty array"))),
		jen.Return(jen.Id("list")),
	)
}

// rawResource emits RawResource, which implements the root abstract resource
// (Resource) with getters that return nothing: it holds a resource of a type
// that was not generated, as JSON.
func (e *emitter) rawResource(root *model.Type) *jen.File {
	f := e.newFile()
	fields, dr := e.rawElementFields(root)
	commentf(f.Add, "RawResource holds a resource of a FHIR type this package was not generated for, as its exact JSON, so that nothing is dropped. Its %s elements (those of every %s) are decoded too, so that they are validated and its getters return them; the rest is decoded no further. A RawResource built by hand, not decoded, has none.", root.Name, dr.Name)
	f.Type().Id("RawResource").Struct(
		jen.Comment("// Type is the resourceType."),
		jen.Id("Type").String(),
		jen.Comment("// JSON is the resource object as read."),
		jen.Id("JSON").Qual("encoding/json", "RawMessage"),
		jen.Id("elements").Id("rawElements"),
	)
	f.Var().Id("_").Id(dr.GoName).Op("=").Parens(jen.Op("*").Id("RawResource")).Parens(jen.Nil())
	comments(f.Add, "ResourceType returns the resource's type.")
	f.Func().Params(jen.Id("r").Op("*").Id("RawResource")).Id("ResourceType").Params().String().Block(
		jen.If(jen.Id("r").Op("==").Nil()).Block(jen.Return(jen.Lit(""))),
		jen.Return(jen.Id("r").Dot("Type")),
	)
	for _, fd := range fields {
		get := jen.Id("r").Dot("elements").Dot(fd.GoName)
		if fd.Name == "id" && kindOf(fd) == kindPrimitive && !fd.Repeats() {
			commentf(f.Add, "Get%s returns the resource's id (read from its JSON when it was built by hand, so that references to a contained raw resource resolve).", fd.GoName)
			f.Func().Params(jen.Id("r").Op("*").Id("RawResource")).Id("Get"+fd.GoName).Params().Add(e.fieldType(dr, fd)).Block(
				jen.If(jen.Id("r").Op("==").Nil()).Block(jen.Return(jen.Nil())),
				jen.If(get.Clone().Op("!=").Nil()).Block(jen.Return(get.Clone())),
				jen.If(jen.Id("id").Op(":=").Id("rawID").Call(jen.Id("r")), jen.Id("id").Op("!=").Lit("")).Block(jen.Return(jen.Id("New"+fd.Type.Type.GoName).Call(jen.Id("id")))),
				jen.Return(jen.Nil()),
			)
			continue
		}
		commentf(f.Add, "Get%s returns %s, as decoded.", fd.GoName, fd.Path)
		f.Func().Params(jen.Id("r").Op("*").Id("RawResource")).Id("Get"+fd.GoName).Params().Add(e.fieldType(dr, fd)).Block(
			jen.If(jen.Id("r").Op("==").Nil()).Block(jen.Return(jen.Nil())),
			jen.Return(get),
		)
	}
	f.Func().Params(jen.Id("r").Op("*").Id("RawResource")).Id("encodeJSON").Params(jen.Id("e").Op("*").Qual(e.jsonPath(), "Encoder")).Block(
		jen.If(jen.Id("r").Op("==").Nil().Op("||").Len(jen.Id("r").Dot("JSON")).Op("==").Lit(0)).Block(jen.Id("e").Dot("Null").Call(), jen.Return()),
		jen.Id("e").Dot("Raw").Call(jen.Id("r").Dot("JSON")),
	)
	comments(f.Add, "MarshalJSON returns the resource's JSON as read.")
	f.Func().Params(jen.Id("r").Id("RawResource")).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.If(jen.Len(jen.Id("r").Dot("JSON")).Op("==").Lit(0)).Block(jen.Return(jen.Index().Byte().Parens(jen.Lit("null")), jen.Nil())),
		jen.Return(jen.Id("r").Dot("JSON"), jen.Nil()),
	)
	comments(f.Add, "rawElements are a raw resource's elements that every resource (and every domain resource) has.")
	f.Type().Id("rawElements").StructFunc(func(g *jen.Group) {
		for _, fd := range fields {
			g.Id(fd.GoName).Add(e.fieldType(dr, fd))
		}
	})
	e.decodeObject(f, "rawElements", dr, fields, true)
	comments(f.Add, "validate checks a raw resource's elements, as those of a generated resource; typ is its resourceType.")
	f.Func().Params(jen.Id("x").Op("*").Id("rawElements")).Id("validate").Params(jen.Id("v").Op("*").Id("validator"), jen.Id("typ").String()).BlockFunc(func(g *jen.Group) {
		g.Id("v").Dot("Typed").Call(jen.Lit("|").Op("+").Id("typ").Op("+").Lit(typesList(dr)), jen.Lit(""))
		for _, fd := range fields {
			e.validateField(g, dr, fd)
		}
	})
	return f
}

// rawElementFields are the fields of a raw resource: those of root (the
// abstract Resource) and of the abstract resource derived from it directly
// (DomainResource, when the package has it), which is returned (root when
// there is none).
func (e *emitter) rawElementFields(root *model.Type) ([]*model.Field, *model.Type) {
	dr := root
	for _, t := range e.pkg.Types {
		if t.Kind == model.KindAbstractResource && t.Base == root.Name {
			dr = t
		}
	}
	fields := slices.Clone(root.Fields)
	for _, fd := range dr.Fields {
		if !slices.ContainsFunc(fields, func(f *model.Field) bool { return f.Name == fd.Name }) {
			fields = append(fields, fd)
		}
	}
	return fields, dr
}

// choiceSwitch adds a type switch over the value of a choice field, v in
// each case, with the code body gives for each option.
func (e *emitter) choiceSwitch(g *jen.Group, fd *model.Field, body func(o *model.ChoiceOption) jen.Code) {
	g.Switch(jen.Id("v").Op(":=").Id("x").Dot(fd.GoName).Assert(jen.Type())).BlockFunc(func(sw *jen.Group) {
		for _, o := range fd.Choice.Options {
			sw.Case(jen.Op("*").Add(e.typeExpr(o.Ref))).Block(body(o))
		}
	})
}
