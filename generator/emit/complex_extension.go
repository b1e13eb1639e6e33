package emit

import (
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/fhirgen/fhirgen/generator/model"
)

// extensionPart is a nested extension of a complex extension: a slice of
// its extension list with a value of one type.
type extensionPart struct {
	url, goName, short string
	min, max           int
	opt                *model.ChoiceOption // nil for a part of several types
	choice             *model.Choice       // the Extension's value choice, for a part of several types
	types              []string            // the types a part of several types allows (none: any)
}

// complexParts returns the nested extensions of a complex extension (one
// with no value of its own), each with a value of one type; ok is false
// when the extension is not complex or a part is not of that kind (itself
// complex, or of several types): no struct is generated for it then.
func (e *emitter) complexParts(pr *model.Profile) ([]extensionPart, bool) {
	if !pr.Extension || pr.Base == nil {
		return nil, false
	}
	vf, xf := fieldByName(pr.Base, "value"), fieldByName(pr.Base, "extension")
	if vf == nil || vf.Choice == nil || xf == nil {
		return nil, false
	}
	var parts []extensionPart
	taken := map[string]bool{"Extension": true}
	for _, c := range profileTree(pr).children {
		switch c.name() {
		case "value[x]":
			if c.el.Max != 0 {
				return nil, false // a simple extension
			}
		case "extension":
			for _, sl := range c.slices {
				p := extensionPart{goName: model.GoName(sl.sliceName()), short: sl.el.Short, min: sl.el.Min, max: sl.el.Max}
				for _, k := range sl.el.Keys {
					if k.Value != nil && len(k.Path) == 1 && k.Path[0] == "url" {
						p.url = k.Value.Str
					}
				}
				for _, sc := range sl.children {
					if sc.name() == "value[x]" && sc.el.Max != 0 {
						switch opts := narrowed(vf, sc.el); {
						case len(opts) == 1:
							p.opt = opts[0]
						case len(opts) > 1 || len(sc.el.Types) == 0:
							p.choice = vf.Choice // any of several types: the value as the Extension holds it
							for _, o := range opts {
								p.types = append(p.types, "*"+o.Ref.Type.GoName)
							}
						}
					}
				}
				if p.url == "" || (p.opt == nil && p.choice == nil) || taken[p.goName] {
					return nil, false
				}
				taken[p.goName] = true
				parts = append(parts, p)
			}
		}
	}
	return parts, len(parts) > 0
}

// complexExtension emits, for a complex extension, a struct holding its
// nested extensions as typed fields, its conversions to and from an
// Extension, and functions to read, set and remove it in a list of
// extensions (as a simple extension's).
func (e *emitter) complexExtension(f *jen.File, pr *model.Profile, parts []extensionPart) {
	core := e.corePath()
	ext := jen.Qual(core, pr.Base.GoName)
	st := pr.GoName + "Value"
	urlConst := pr.GoName + "URL"
	commentf(f.Add, "%s is the content of a %s extension (%s): each nested extension it defines is a field of its value's type.", st, pr.Name, pr.URL)
	f.Type().Id(st).StructFunc(func(g *jen.Group) {
		for _, p := range parts {
			card := minMax(p.min, p.max)
			if len(p.types) > 0 {
				card += "; one of " + strings.Join(p.types, ", ")
			}
			if s := sentence(p.short); s != "" {
				commentf(g.Add, "%s is the nested extension %s (%s): %s", p.goName, p.url, card, s)
			} else {
				commentf(g.Add, "%s is the nested extension %s (%s).", p.goName, p.url, card)
			}
			t := e.partType(p)
			if p.max != 1 {
				g.Id(p.goName).Index().Add(t)
			} else {
				g.Id(p.goName).Add(t)
			}
		}
	})
	commentf(f.Add, "Extension returns x as a %s extension: its url and a nested extension for each value that is set, in the order the definition lists them.", pr.Name)
	f.Func().Params(jen.Id("x").Op("*").Id(st)).Id("Extension").Params().Add(ext.Clone()).BlockFunc(func(g *jen.Group) {
		g.Id("out").Op(":=").Add(ext.Clone()).Values(jen.Dict{jen.Id("URL"): jen.Id(urlConst)})
		g.If(jen.Id("x").Op("==").Nil()).Block(jen.Return(jen.Id("out")))
		for _, p := range parts {
			add := func(v jen.Code) jen.Code {
				return jen.Id("out").Dot("Extension").Op("=").Append(jen.Id("out").Dot("Extension"), ext.Clone().Values(jen.Dict{jen.Id("URL"): jen.Lit(p.url), jen.Id("Value"): v}))
			}
			if p.max != 1 {
				g.For(jen.List(jen.Id("_"), jen.Id("v")).Op(":=").Range().Id("x").Dot(p.goName)).Block(
					jen.If(jen.Id("v").Op("!=").Nil()).Block(add(jen.Id("v"))),
				)
				continue
			}
			g.If(jen.Id("x").Dot(p.goName).Op("!=").Nil()).Block(add(jen.Id("x").Dot(p.goName)))
		}
		g.Return(jen.Id("out"))
	})
	of := st + "Of"
	commentf(f.Add, "%s reads a %s extension; ok is false when x is not one (nil, or another url). Of a nested extension allowed once, the first is read; nested extensions the definition does not list, and values of another type, are not in the result: validate x to find them.", of, pr.Name)
	f.Func().Id(of).Params(jen.Id("x").Op("*").Add(ext.Clone())).Params(jen.Op("*").Id(st), jen.Bool()).BlockFunc(func(g *jen.Group) {
		g.If(jen.Id("x").Op("==").Nil().Op("||").Id("x").Dot("URL").Op("!=").Id(urlConst)).Block(jen.Return(jen.Nil(), jen.False()))
		g.Id("out").Op(":=").Op("&").Id(st).Values()
		g.For(jen.Id("i").Op(":=").Range().Id("x").Dot("Extension")).Block(
			jen.Id("n").Op(":=").Op("&").Id("x").Dot("Extension").Index(jen.Id("i")),
			jen.Switch(jen.Id("n").Dot("URL")).BlockFunc(func(sw *jen.Group) {
				for _, p := range parts {
					get := jen.Id("n").Dot("GetValue").Call()
					if p.opt != nil {
						get = jen.Id("n").Dot(p.opt.Getter).Call()
					}
					if p.max != 1 {
						sw.Case(jen.Lit(p.url)).Block(
							jen.If(jen.Id("v").Op(":=").Add(get), jen.Id("v").Op("!=").Nil()).Block(
								jen.Id("out").Dot(p.goName).Op("=").Append(jen.Id("out").Dot(p.goName), jen.Id("v")),
							),
						)
						continue
					}
					sw.Case(jen.Lit(p.url)).Block(
						jen.If(jen.Id("out").Dot(p.goName).Op("==").Nil()).Block(jen.Id("out").Dot(p.goName).Op("=").Add(get)),
					)
				}
			}),
		)
		g.Return(jen.Id("out"), jen.True())
	})
	n := pr.GoName
	commentf(f.Add, "%s returns the content of the first %s extension in exts (a resource's, datatype's or primitive's Extension), or nil.", n, pr.Name)
	f.Func().Id(n).Params(jen.Id("exts").Index().Add(ext.Clone())).Op("*").Id(st).Block(
		jen.For(jen.Id("i").Op(":=").Range().Id("exts")).Block(
			jen.If(jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Id(of).Call(jen.Op("&").Id("exts").Index(jen.Id("i"))), jen.Id("ok")).Block(jen.Return(jen.Id("v"))),
		),
		jen.Return(jen.Nil()),
	)
	commentf(f.Add, "Set%s removes the %s extensions from *exts and, unless value is nil, appends value's, so there is never more than one.", n, pr.Name)
	f.Func().Id("Set"+n).Params(jen.Id("exts").Op("*").Index().Add(ext.Clone()), jen.Id("value").Op("*").Id(st)).Block(
		jen.Id("Remove"+n).Call(jen.Id("exts")),
		jen.If(jen.Id("value").Op("!=").Nil()).Block(
			jen.Op("*").Id("exts").Op("=").Append(jen.Op("*").Id("exts"), jen.Id("value").Dot("Extension").Call()),
		),
	)
	e.removeExtension(f, pr)
}

// complexValueAccessors emits, for a slice of a complex extension that
// has a struct (complexParts), the accessors of its content as that struct,
// and reports whether it did.
func (e *emitter) complexValueAccessors(f *jen.File, view, acc string, sl *pnode) bool {
	ext := e.sliceExtension(sl)
	if ext == nil || ext.Package == nil {
		return false
	}
	if _, ok := e.complexParts(ext); !ok {
		return false
	}
	st := jen.Op("*").Qual(ext.Package.ImportPath, ext.GoName+"Value")
	of := jen.Qual(ext.Package.ImportPath, ext.GoName+"ValueOf")
	recv := jen.Id("b").Op("*").Id(view)
	if sl.el.Max == 1 {
		commentf(f.Add, "%sValue returns the content of the extension in the slice %s (a copy: change it with Set%sValue), or nil.", acc, sl.sliceName(), acc)
		f.Func().Params(recv.Clone()).Id(acc+"Value").Params().Add(st.Clone()).Block(
			jen.List(jen.Id("v"), jen.Id("_")).Op(":=").Add(of.Clone()).Call(jen.Id("b").Dot(acc).Call()),
			jen.Return(jen.Id("v")),
		)
		commentf(f.Add, "Set%sValue sets the extension in the slice %s to v, adding it when there is none; nil removes it.", acc, sl.sliceName())
		f.Func().Params(recv.Clone()).Id("Set"+acc+"Value").Params(jen.Id("v").Add(st.Clone())).Block(
			jen.If(jen.Id("v").Op("==").Nil()).Block(jen.Id("b").Dot("Remove"+acc).Call(), jen.Return()),
			jen.Op("*").Id("b").Dot("Ensure"+acc).Call().Op("=").Id("v").Dot("Extension").Call(),
		)
		return true
	}
	commentf(f.Add, "%sValues returns the contents of the extensions in the slice %s (copies: change them with Remove%s and Add%sValue).", acc, sl.sliceName(), acc, acc)
	f.Func().Params(recv.Clone()).Id(acc+"Values").Params().Index().Add(st.Clone()).Block(
		jen.Var().Id("out").Index().Add(st.Clone()),
		jen.For(jen.List(jen.Id("_"), jen.Id("x")).Op(":=").Range().Id("b").Dot(plural(acc)).Call()).Block(
			jen.If(jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Add(of.Clone()).Call(jen.Id("x")), jen.Id("ok")).Block(
				jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("v")),
			),
		),
		jen.Return(jen.Id("out")),
	)
	commentf(f.Add, "Add%sValue adds an extension in the slice %s holding v.", acc, sl.sliceName())
	f.Func().Params(recv.Clone()).Id("Add" + acc + "Value").Params(jen.Id("v").Add(st.Clone())).Block(
		jen.Op("*").Id("b").Dot("Add" + acc).Call().Op("=").Id("v").Dot("Extension").Call(),
	)
	return true
}

// partType is the Go type of a nested extension's field: its value's type,
// or for a part of several types the Extension's value choice.
func (e *emitter) partType(p extensionPart) *jen.Statement {
	if p.opt == nil {
		return jen.Qual(e.corePath(), p.choice.GoName)
	}
	return jen.Op("*").Add(e.typeExpr(p.opt.Ref))
}
