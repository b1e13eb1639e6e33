package emit

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/fhirgen/fhirgen/generator/model"
)

// Profile packages: for a resource profile, a typed view over the base
// resource (constructor with every fixed and pattern value, slice accessors,
// conversions, Validate); for an extension, typed read/set/remove functions.
// Everything comes from the profile's snapshot.

// profileFiles emits the files of one profile or extension.
func (e *emitter) profileFiles(pr *model.Profile) error {
	if pr.Base == nil {
		return nil
	}
	if pr.Extension {
		f := e.newFile()
		e.profile(f, pr)
		e.extensionAccessors(f, pr)
		return e.write(pr.File+".go", pr.Source, f)
	}
	if pr.Base.Kind == model.KindComplex {
		vf := e.newFile()
		e.profileCheck(vf, pr, profileTree(pr))
		e.datatypeProfileEntries(vf, pr)
		if err := e.write(pr.File+"_validate.go", pr.Source, vf); err != nil {
			return err
		}
		f := e.newFile()
		e.profile(f, pr)
		e.datatypeProfileView(f, pr)
		return e.write(pr.File+".go", pr.Source, f)
	}
	if pr.Base.Kind != model.KindResource {
		f := e.newFile()
		e.profile(f, pr)
		return e.write(pr.File+".go", pr.Source, f)
	}
	vf := e.newFile()
	tree := profileTree(pr)
	e.profileValidation(vf, pr, tree)
	if err := e.write(pr.File+"_validate.go", pr.Source, vf); err != nil {
		return err
	}
	names, err := sliceAccessors(pr, tree)
	if err != nil {
		return err
	}
	f := e.newFile()
	e.profile(f, pr)
	e.profileView(f, pr, tree, names)
	return e.write(pr.File+".go", pr.Source, f)
}

func (e *emitter) corePath() string { return e.pkg.Core.ImportPath }

// profileCheck emits validate<profile>, the profile's checks.
func (e *emitter) profileCheck(f *jen.File, pr *model.Profile, tree *pnode) {
	check := "validate" + pr.GoName
	commentf(f.Add, "%s checks what %s adds to %s.", check, pr.Name, pr.BaseType)
	f.Func().Id(check).Params(jen.Id("v").Op("*").Id("validator"), jen.Id("x").Op("*").Qual(e.corePath(), pr.Base.GoName)).BlockFunc(func(g *jen.Group) {
		counter := 0
		e.profileChecks(g, f, pr, tree, pr.Base, jen.Id("x"), &counter, 0)
	})
}

// profileValidation emits the profile's checks and their entry points.
func (e *emitter) profileValidation(f *jen.File, pr *model.Profile, tree *pnode) {
	base := jen.Qual(e.corePath(), pr.Base.GoName)
	issues := jen.Qual(e.corePath(), "Issues")
	check := "validate" + pr.GoName
	e.profileCheck(f, pr, tree)
	commentf(f.Add, "ProfileIssues%s returns what the profile %s finds wrong with a resource, beyond the rules of its base definition (which the resource's own Validate checks). References resolve in the resource's contained resources and in the resources given with it (its Bundle).", pr.GoName, pr.Name)
	f.Func().Id("ProfileIssues"+pr.GoName).Params(jen.Id("res").Qual(e.corePath(), "Resource"), jen.Id("within").Op("...").Qual(e.corePath(), "Resource")).Add(issues.Clone()).Block(
		jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Id("res").Assert(jen.Op("*").Add(base.Clone())),
		jen.If(jen.Op("!").Id("ok").Op("||").Id("x").Op("==").Nil()).Block(
			jen.Return(issues.Clone().Values(jen.Values(jen.Dict{
				jen.Id("Severity"): jen.Qual(e.fhirPath(), "SeverityError"),
				jen.Id("Code"):     jen.Lit("invalid"),
				jen.Id("Message"):  jen.Lit(fmt.Sprintf("the profile %s applies to %s resources", pr.URL, pr.BaseType)),
			}))),
		),
		jen.Id("v").Op(":=").Op("&").Id("validator").Values(),
		jen.Id("v").Dot("Reset").Call(jen.Lit(pr.BaseType)),
		jen.Id("v").Dot("within").Op("=").Append(jen.Index().Qual(e.corePath(), "Resource").Values(jen.Id("res")), jen.Id("within").Op("...")),
		jen.Id(check).Call(jen.Id("v"), jen.Id("x")),
		jen.Return(issues.Clone().Parens(jen.Id("v").Dot("Issues"))),
	)
	commentf(f.Add, "ValidateProfile%s returns every issue of a resource against the profile %s: its base definition's and the profile's.", pr.GoName, pr.Name)
	f.Func().Id("ValidateProfile"+pr.GoName).Params(jen.Id("res").Qual(e.corePath(), "Resource"), jen.Id("within").Op("...").Qual(e.corePath(), "Resource")).Add(issues.Clone()).Block(
		jen.Var().Id("all").Add(issues.Clone()),
		jen.If(jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Id("res").Assert(jen.Op("*").Add(base.Clone())), jen.Id("ok")).Block(
			jen.Id("all").Op("=").Id("x").Dot("ValidateIssues").Call(),
		),
		jen.Return(jen.Append(jen.Id("all"), jen.Id("ProfileIssues"+pr.GoName).Call(jen.Id("res"), jen.Id("within").Op("...")).Op("..."))),
	)
}

// viewSlices lists the slices that get accessors on a profile's view: those
// of the root's lists, with the field they slice.
func viewSlices(pr *model.Profile, tree *pnode, visit func(fd *model.Field, c, sl *pnode)) {
	for _, c := range tree.children {
		fd := fieldByName(pr.Base, c.name())
		if fd == nil || !fd.Repeats() || len(c.slices) == 0 || c.el.Slicing == nil || fd.Type == nil || kindOf(fd) == kindResource {
			continue // (a list of resources is of an interface type: no item to make)
		}
		for _, sl := range c.slices {
			visit(fd, c, sl)
		}
	}
}

// sliceAccessors names the accessors of each slice of a profile's view:
// the slice name in Go (client → Client), qualified by the field when the
// same slice name is used on several of the root's lists (FHIR allows it:
// AgentClient, EntityClient), and kept clear of the base's fields, getters
// and methods. Names that still collide (client and Client) are an error.
func sliceAccessors(pr *model.Profile, tree *pnode) (map[*pnode]string, error) {
	uses := map[string]int{}
	viewSlices(pr, tree, func(_ *model.Field, _, sl *pnode) { uses[sl.sliceName()]++ })
	taken := map[string]string{}
	for _, m := range []string{"Validate", "ValidateIssues", "MarshalJSON", "UnmarshalJSON", "MarshalXML", "UnmarshalXML", "ResourceType"} {
		taken[m] = "a method of " + pr.Base.GoName
	}
	for _, f := range pr.Base.Fields {
		for _, n := range []string{f.GoName, "Get" + f.GoName, "Ensure" + f.GoName, "Add" + f.GoName, plural(f.GoName), "Remove" + f.GoName} {
			taken[n] = "the field " + f.Name
		}
	}
	out := map[*pnode]string{}
	var err error
	viewSlices(pr, tree, func(fd *model.Field, _, sl *pnode) {
		if err != nil {
			return
		}
		acc := model.GoName(sl.sliceName())
		if uses[sl.sliceName()] > 1 {
			acc = fd.GoName + acc
		}
		if owner := taken[acc]; owner != "" && !strings.HasPrefix(owner, "the slice ") {
			acc += "Slice" // clear of the base's own names
		}
		names := []string{acc, "Ensure" + acc, "Add" + acc, plural(acc), "Remove" + acc,
			acc + "Value", "Set" + acc + "Value", acc + "Values", "Add" + acc + "Value"}
		for _, n := range names {
			if owner, clash := taken[n]; clash {
				err = diag.Errorf(pr.Source, sl.el.ID, "the Go name %s of the slice %s collides with %s; rename one of the slices", n, sl.sliceName(), owner)
				return
			}
		}
		for _, n := range names {
			taken[n] = "the slice " + sl.el.ID
		}
		out[sl] = acc
	})
	return out, err
}

// profileView emits the typed view of a resource profile.
func (e *emitter) profileView(f *jen.File, pr *model.Profile, tree *pnode, accessors map[*pnode]string) {
	base := jen.Qual(e.corePath(), pr.Base.GoName)
	name := pr.GoName
	comments(f.Add,
		fmt.Sprintf("%s is a view of %s as the profile %s (%s).", name, withArticle(e.pkg.Core.Name+"."+pr.Base.GoName), pr.Name, pr.URL),
		pr.Doc.Definition,
		fmt.Sprintf("The view holds the %s itself, so every field and method of it is at hand; New%s fills in the profile's fixed and pattern values and required slices, the slice accessors find (and add) the items of each slice, and Validate checks the base rules and the profile's.", pr.BaseType, name))
	f.Type().Id(name).Struct(jen.Op("*").Add(base.Clone()))
	commentf(f.Add, "As%s views %s as %s, without copying; nil stays nil.", name, withArticle(pr.BaseType), withArticle(name))
	f.Func().Id("As"+name).Params(jen.Id("x").Op("*").Add(base.Clone())).Op("*").Id(name).Block(
		jen.If(jen.Id("x").Op("==").Nil()).Block(jen.Return(jen.Nil())),
		jen.Return(jen.Op("&").Id(name).Values(jen.Id("x"))),
	)
	commentf(f.Add, "New%s returns a %s with every fixed and pattern value of the profile set and one item of each slice the profile requires, so that it is valid once the free fields are set.", name, name)
	f.Func().Id("New" + name).Params().Op("*").Id(name).BlockFunc(func(g *jen.Group) {
		g.Id("x").Op(":=").Op("&").Add(base.Clone()).Values()
		// claim conformance in meta.profile when the resource has one
		if mf := fieldByName(pr.Base, "meta"); mf != nil && mf.Type != nil && mf.Type.Type != nil {
			if pf := fieldByName(mf.Type.Type, "profile"); pf != nil && pf.Repeats() && pf.Type != nil && pf.Type.Type.Kind == model.KindPrimitive {
				g.Id("x").Dot(mf.GoName).Op("=").Op("&").Qual(e.corePath(), mf.Type.Type.GoName).Values(jen.Dict{
					jen.Id(pf.GoName): jen.Index().Qual(e.corePath(), pf.Type.Type.GoName).Values(jen.Op("*").Qual(e.corePath(), "New"+pf.Type.Type.GoName).Call(jen.Id(pr.GoName + "URL"))),
				})
			}
		}
		e.fill(g, tree, pr.Base, jen.Id("x"), 0)
		g.Return(jen.Op("&").Id(name).Values(jen.Id("x")))
	})
	commentf(f.Add, "Validate checks the %s against its base definition and the profile %s. It returns nil when no issue is an error, else the %s.Issues.", pr.BaseType, pr.Name, e.pkg.Core.Name)
	f.Func().Params(jen.Id("b").Op("*").Id(name)).Id("Validate").Params().Error().BlockFunc(func(g *jen.Group) {
		g.If(jen.Id("b").Op("==").Nil().Op("||").Id("b").Dot(pr.Base.GoName).Op("==").Nil()).Block(jen.Return(jen.Nil()))
		g.Id("issues").Op(":=").Id("ValidateProfile" + name).Call(jen.Id("b").Dot(pr.Base.GoName))
		g.If(jen.Id("issues").Dot("HasErrors").Call()).Block(jen.Return(jen.Id("issues")))
		g.Return(jen.Nil())
	})
	// slice accessors for the slices of the root's lists
	viewSlices(pr, tree, func(fd *model.Field, _, sl *pnode) {
		item := jen.Qual(e.corePath(), fd.Type.Type.GoName)
		fn := e.sliceFns[sl.el.ID]
		if fn == "" {
			return
		}
		acc := accessors[sl]
		ctor := "new" + name + acc
		commentf(f.Add, "%s returns a new %s with the fixed and pattern values of the slice %s.", ctor, fd.Name, sl.sliceName())
		f.Func().Id(ctor).Params().Add(item.Clone()).BlockFunc(func(g *jen.Group) {
			g.Id("y").Op(":=").Add(e.newSliceItem(fd, sl))
			e.fill(g, sl, fd.Type.Type, jen.Id("y"), 1)
			e.fillKeys(g, sl, fd.Type.Type, jen.Id("y"))
			g.Return(jen.Id("y"))
		})
		if sl.el.Max == 1 {
			commentf(f.Add, "%s returns the %s in the slice %s, or nil.", acc, fd.Name, sl.sliceName())
			f.Func().Params(jen.Id("b").Op("*").Id(name)).Id(acc).Params().Op("*").Add(item.Clone()).Block(
				jen.If(jen.Id("b").Op("==").Nil().Op("||").Id("b").Dot(pr.Base.GoName).Op("==").Nil()).Block(jen.Return(jen.Nil())),
				jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot(fd.GoName)).Block(
					jen.If(jen.Id(fn).Call(jen.Op("&").Id("b").Dot(fd.GoName).Index(jen.Id("i")), jen.Index().Qual(e.corePath(), "Resource").Values(jen.Id("b").Dot(pr.Base.GoName)))).Block(jen.Return(jen.Op("&").Id("b").Dot(fd.GoName).Index(jen.Id("i")))),
				),
				jen.Return(jen.Nil()),
			)
			commentf(f.Add, "Ensure%s returns the %s in the slice %s, adding one with the slice's fixed and pattern values when there is none. (Adding may move the other items: pointers to them from before are stale.)", acc, fd.Name, sl.sliceName())
			f.Func().Params(jen.Id("b").Op("*").Id(name)).Id("Ensure"+acc).Params().Op("*").Add(item.Clone()).Block(
				jen.If(jen.Id("y").Op(":=").Id("b").Dot(acc).Call(), jen.Id("y").Op("!=").Nil()).Block(jen.Return(jen.Id("y"))),
				jen.Id("b").Dot(fd.GoName).Op("=").Append(jen.Id("b").Dot(fd.GoName), jen.Id(ctor).Call()),
				jen.Return(jen.Op("&").Id("b").Dot(fd.GoName).Index(jen.Len(jen.Id("b").Dot(fd.GoName)).Op("-").Lit(1))),
			)
			e.sliceRemove(f, pr, fd, name, acc, fn, sl)
			e.extensionValueAccessors(f, name, acc, sl)
			return
		}
		commentf(f.Add, "%s returns the %s items in the slice %s.", plural(acc), fd.Name, sl.sliceName())
		f.Func().Params(jen.Id("b").Op("*").Id(name)).Id(plural(acc)).Params().Index().Op("*").Add(item.Clone()).Block(
			jen.If(jen.Id("b").Op("==").Nil().Op("||").Id("b").Dot(pr.Base.GoName).Op("==").Nil()).Block(jen.Return(jen.Nil())),
			jen.Var().Id("out").Index().Op("*").Add(item.Clone()),
			jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot(fd.GoName)).Block(
				jen.If(jen.Id(fn).Call(jen.Op("&").Id("b").Dot(fd.GoName).Index(jen.Id("i")), jen.Index().Qual(e.corePath(), "Resource").Values(jen.Id("b").Dot(pr.Base.GoName)))).Block(jen.Id("out").Op("=").Append(jen.Id("out"), jen.Op("&").Id("b").Dot(fd.GoName).Index(jen.Id("i")))),
			),
			jen.Return(jen.Id("out")),
		)
		commentf(f.Add, "Add%s adds a %s in the slice %s, with the slice's fixed and pattern values, and returns it.", acc, fd.Name, sl.sliceName())
		f.Func().Params(jen.Id("b").Op("*").Id(name)).Id("Add"+acc).Params().Op("*").Add(item.Clone()).Block(
			jen.Id("b").Dot(fd.GoName).Op("=").Append(jen.Id("b").Dot(fd.GoName), jen.Id(ctor).Call()),
			jen.Return(jen.Op("&").Id("b").Dot(fd.GoName).Index(jen.Len(jen.Id("b").Dot(fd.GoName)).Op("-").Lit(1))),
		)
		e.sliceRemove(f, pr, fd, name, acc, fn, sl)
		e.extensionValueAccessors(f, name, acc, sl)
	})
}

// fill emits the assignments that put a node's fixed and pattern values, and
// the items of its required slices, into val (a pointer to t).
func (e *emitter) fill(g *jen.Group, n *pnode, t *model.Type, val *jen.Statement, depth int) {
	for _, c := range n.children {
		fd := fieldByName(t, c.name())
		if fd == nil || kindOf(fd) == kindChoice || kindOf(fd) == kindResource {
			continue
		}
		x := val.Clone().Dot(fd.GoName)
		value := c.el.Fixed
		if value == nil {
			value = c.el.Pattern
		}
		if value != nil && c.el.Max != 0 {
			if kindOf(fd) == kindAttr {
				g.Add(x.Clone()).Op("=").Lit(value.Str)
			} else if fd.Repeats() {
				g.Add(x.Clone()).Op("=").Append(x.Clone(), e.elem(fd.Type, value))
			} else {
				g.Add(x.Clone()).Op("=").Add(e.literal(fd.Type, value))
			}
		}
		if len(c.slices) > 0 && fd.Repeats() && fd.Type != nil {
			for _, sl := range c.slices {
				// a slice's reslices hold items of the slice: only what they
				// do not make up is made as the slice's own
				need := sl.el.Min
				for _, r := range c.slices {
					if strings.HasPrefix(r.sliceName(), sl.sliceName()+"/") && !strings.Contains(r.sliceName()[len(sl.sliceName())+1:], "/") {
						need -= r.el.Min
					}
				}
				for k := 0; k < need; k++ {
					y := fmt.Sprintf("s%d", depth)
					g.BlockFunc(func(g *jen.Group) {
						g.Id(y).Op(":=").Add(e.newSliceItem(fd, sl))
						e.fill(g, sl, fd.Type.Type, jen.Id(y), depth+1)
						e.fillKeys(g, sl, fd.Type.Type, jen.Id(y))
						g.Add(x.Clone()).Op("=").Append(x.Clone(), jen.Id(y))
					})
				}
			}
		}
	}
}

// elem is an expression for a value (not a pointer) of the type ref names,
// for list items.
func (e *emitter) elem(ref *model.TypeRef, v *model.Value) *jen.Statement {
	lit := e.literal(ref, v)
	if ref.Type.Kind == model.KindPrimitive {
		return jen.Op("*").Add(lit)
	}
	return e.compositeLit(ref, v)
}

// literal is an expression for a pointer to a value of the type ref names.
func (e *emitter) literal(ref *model.TypeRef, v *model.Value) *jen.Statement {
	t := ref.Type
	core := e.corePath()
	if t.Kind == model.KindPrimitive {
		switch t.Value.GoType {
		case "bool":
			return jen.Qual(core, "New"+t.GoName).Call(jen.Lit(v.Str == "true"))
		case "int32", "int64":
			return jen.Qual(core, "New"+t.GoName).Call(jen.Id(v.Str))
		case "Decimal":
			return jen.Qual(core, "New"+t.GoName).Call(jen.Qual(e.fhirPath(), "Decimal").Call(jen.Lit(v.Str)))
		}
		if t.Generic {
			if ref.CodeSet != nil {
				return jen.Qual(core, "NewCode").Call(jen.Qual(ref.CodeSet.Package.ImportPath, ref.CodeSet.GoName).Call(jen.Lit(v.Str)))
			}
			return jen.Qual(core, "NewCode").Call(jen.Lit(v.Str))
		}
		return jen.Qual(core, "New"+t.GoName).Call(jen.Lit(v.Str))
	}
	return jen.Op("&").Add(e.compositeLit(ref, v))
}

// compositeLit is T{...} for a complex value.
func (e *emitter) compositeLit(ref *model.TypeRef, v *model.Value) *jen.Statement {
	t := ref.Type
	d := jen.Dict{}
	for _, prop := range v.Fields {
		fd, opt := jsonField(t, prop.Name)
		if fd == nil {
			continue
		}
		switch {
		case kindOf(fd) == kindAttr:
			if fd.Min >= 1 {
				d[jen.Id(fd.GoName)] = jen.Lit(prop.Value.Str)
			} else {
				d[jen.Id(fd.GoName)] = jen.Func().Params().Op("*").String().Block(jen.Id("s").Op(":=").Lit(prop.Value.Str), jen.Return(jen.Op("&").Id("s"))).Call()
			}
		case opt != nil:
			d[jen.Id(fd.GoName)] = e.literal(opt.Ref, prop.Value)
		case fd.Repeats():
			items := prop.Value.Items
			if prop.Value.Kind != model.ValueArray {
				items = []*model.Value{prop.Value}
			}
			var elems []jen.Code
			for _, it := range items {
				elems = append(elems, e.elem(fd.Type, it))
			}
			d[jen.Id(fd.GoName)] = jen.Index().Add(e.typeExpr(fd.Type)).Values(elems...)
		default:
			d[jen.Id(fd.GoName)] = e.literal(fd.Type, prop.Value)
		}
	}
	return e.typeExpr(ref).Values(d)
}

// extensionAccessors emits typed functions to read, set and remove a simple
// extension (one with a value) in a list of extensions: a resource's, a
// datatype's, or a primitive's (its _name part).
func (e *emitter) extensionAccessors(f *jen.File, pr *model.Profile) {
	if parts, ok := e.complexParts(pr); ok {
		e.complexExtension(f, pr, parts)
		return
	}
	valueField, one, ok := extensionValue(pr)
	if !ok {
		return // a complex extension whose parts are not all simple
	}
	core := e.corePath()
	ext := jen.Qual(core, pr.Base.GoName)
	var vt jen.Code = jen.Qual(core, valueField.Choice.GoName)
	var ref *model.TypeRef
	if one != nil {
		ref = one.Ref
		vt = jen.Op("*").Add(e.typeExpr(ref))
	}
	urlConst := pr.GoName + "URL"
	n := pr.GoName
	var zero jen.Code = jen.Nil()
	commentf(f.Add, "%s returns the value of the first %s extension in exts (a resource's, datatype's or primitive's Extension), or nil.", n, pr.Name)
	f.Func().Id(n).Params(jen.Id("exts").Index().Add(ext.Clone())).Add(vt).BlockFunc(func(g *jen.Group) {
		g.For(jen.Id("i").Op(":=").Range().Id("exts")).BlockFunc(func(b *jen.Group) {
			if ref != nil {
				b.If(jen.Id("exts").Index(jen.Id("i")).Dot("URL").Op("==").Id(urlConst)).Block(
					jen.If(jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Id("exts").Index(jen.Id("i")).Dot("Value").Assert(vt), jen.Id("ok")).Block(jen.Return(jen.Id("v"))),
				)
			} else {
				b.If(jen.Id("exts").Index(jen.Id("i")).Dot("URL").Op("==").Id(urlConst)).Block(jen.Return(jen.Id("exts").Index(jen.Id("i")).Dot("Value")))
			}
		})
		g.Return(zero)
	})
	commentf(f.Add, "Set%s sets the %s extension in *exts to value: the first one already there is replaced and any others removed, so there is never more than one. A nil value removes it.", n, pr.Name)
	f.Func().Id("Set"+n).Params(jen.Id("exts").Op("*").Index().Add(ext.Clone()), jen.Id("value").Add(vt)).Block(
		jen.If(jen.Id("value").Op("==").Nil()).Block(jen.Id("Remove"+n).Call(jen.Id("exts")), jen.Return()),
		jen.Id("out").Op(":=").Parens(jen.Op("*").Id("exts")).Index(jen.Empty(), jen.Lit(0)),
		jen.Id("set").Op(":=").False(),
		jen.For(jen.List(jen.Id("_"), jen.Id("x")).Op(":=").Range().Op("*").Id("exts")).Block(
			jen.If(jen.Id("x").Dot("URL").Op("==").Id(urlConst)).Block(
				jen.If(jen.Id("set")).Block(jen.Continue()),
				jen.Id("x").Dot("Value").Op("=").Id("value"),
				jen.Id("x").Dot("Extension").Op("=").Nil(),
				jen.Id("set").Op("=").True(),
			),
			jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("x")),
		),
		jen.If(jen.Op("!").Id("set")).Block(
			jen.Id("out").Op("=").Append(jen.Id("out"), ext.Clone().Values(jen.Dict{jen.Id("URL"): jen.Id(urlConst), jen.Id("Value"): jen.Id("value")})),
		),
		jen.Op("*").Id("exts").Op("=").Id("out"),
	)
	e.removeExtension(f, pr)
}

// removeExtension emits Remove<extension>, which removes an extension from
// a list of extensions.
func (e *emitter) removeExtension(f *jen.File, pr *model.Profile) {
	ext := jen.Qual(e.corePath(), pr.Base.GoName)
	n, urlConst := pr.GoName, pr.GoName+"URL"
	commentf(f.Add, "Remove%s removes every %s extension from *exts and reports whether there was one.", n, pr.Name)
	f.Func().Id("Remove"+n).Params(jen.Id("exts").Op("*").Index().Add(ext.Clone())).Bool().Block(
		jen.Id("out").Op(":=").Parens(jen.Op("*").Id("exts")).Index(jen.Empty(), jen.Lit(0)),
		jen.Id("found").Op(":=").False(),
		jen.For(jen.List(jen.Id("_"), jen.Id("x")).Op(":=").Range().Op("*").Id("exts")).Block(
			jen.If(jen.Id("x").Dot("URL").Op("==").Id(urlConst)).Block(jen.Id("found").Op("=").True(), jen.Continue()),
			jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("x")),
		),
		jen.If(jen.Len(jen.Id("out")).Op("==").Lit(0)).Block(jen.Id("out").Op("=").Nil()),
		jen.Op("*").Id("exts").Op("=").Id("out"),
		jen.Return(jen.Id("found")),
	)
}

// plural is the name of an accessor returning every item of a slice.
func plural(name string) string {
	switch {
	case strings.HasSuffix(name, "s"):
		return name + "List" // Status → StatusList, Pronouns → PronounsList
	case strings.HasSuffix(name, "x") || strings.HasSuffix(name, "z") || strings.HasSuffix(name, "ch") || strings.HasSuffix(name, "sh"):
		return name + "es"
	case len(name) > 1 && strings.HasSuffix(name, "y") && !strings.ContainsRune("aeiouAEIOU", rune(name[len(name)-2])):
		return name[:len(name)-1] + "ies"
	}
	return name + "s"
}

// extensionValue is the value of a simple extension (one with a value of
// its own): the Extension's value field and, when the definition allows
// one type, that option (nil for several: the value is the field's choice).
// ok is false for an extension with no value (a complex one).
func extensionValue(pr *model.Profile) (vf *model.Field, one *model.ChoiceOption, ok bool) {
	if !pr.Extension || pr.Base == nil {
		return nil, nil, false
	}
	if vf = fieldByName(pr.Base, "value"); vf == nil || vf.Choice == nil {
		return nil, nil, false
	}
	for _, el := range pr.Elements {
		if el.ID == pr.BaseType+".value[x]" && el.Max != 0 && len(el.Types) > 0 {
			if opts := narrowed(vf, el); len(opts) == 1 {
				one = opts[0]
			}
			return vf, one, true
		}
	}
	return nil, nil, false
}

// sliceExtension is the generated extension a slice of extensions is typed
// with, or nil.
func (e *emitter) sliceExtension(sl *pnode) *model.Profile {
	if len(sl.el.Types) != 1 || len(sl.el.Types[0].Profiles) != 1 {
		return nil
	}
	return e.extensionByURL(sl.el.Types[0].Profiles[0])
}

// extensionByURL finds a generated extension definition.
func (e *emitter) extensionByURL(url string) *model.Profile {
	return e.generatedProfile(url, func(pr *model.Profile) bool { return pr.Extension })
}

// extensionValueAccessors emits, for a slice of a simple extension, the
// accessors of its value in the value's own type.
func (e *emitter) extensionValueAccessors(f *jen.File, view, acc string, sl *pnode) {
	if e.complexValueAccessors(f, view, acc, sl) {
		return
	}
	ext := e.sliceExtension(sl)
	if ext == nil {
		return
	}
	vf, one, ok := extensionValue(ext)
	if !ok {
		return
	}
	// the value in its own type, or for several types the value choice
	vt := jen.Qual(e.corePath(), vf.Choice.GoName)
	getter, what := "GetValue", "value[x]"
	if one != nil {
		vt = jen.Op("*").Add(e.typeExpr(one.Ref))
		getter, what = one.Getter, one.JSONName
	}
	recv := jen.Id("b").Op("*").Id(view)
	if sl.el.Max == 1 {
		commentf(f.Add, "%sValue returns the value (%s) of the extension in the slice %s, or nil.", acc, what, sl.sliceName())
		f.Func().Params(recv.Clone()).Id(acc + "Value").Params().Add(vt.Clone()).Block(
			jen.Return(jen.Id("b").Dot(acc).Call().Dot(getter).Call()),
		)
		commentf(f.Add, "Set%sValue sets the value of the extension in the slice %s, adding the extension when there is none; nil removes it.", acc, sl.sliceName())
		f.Func().Params(recv.Clone()).Id("Set"+acc+"Value").Params(jen.Id("v").Add(vt.Clone())).Block(
			jen.If(jen.Id("v").Op("==").Nil()).Block(jen.Id("b").Dot("Remove"+acc).Call(), jen.Return()),
			jen.Id("b").Dot("Ensure"+acc).Call().Dot("Value").Op("=").Id("v"),
		)
		return
	}
	commentf(f.Add, "%sValues returns the values (%s) of the extensions in the slice %s.", acc, what, sl.sliceName())
	f.Func().Params(recv.Clone()).Id(acc+"Values").Params().Index().Add(vt.Clone()).Block(
		jen.Var().Id("out").Index().Add(vt.Clone()),
		jen.For(jen.List(jen.Id("_"), jen.Id("x")).Op(":=").Range().Id("b").Dot(plural(acc)).Call()).Block(
			jen.If(jen.Id("v").Op(":=").Id("x").Dot(getter).Call(), jen.Id("v").Op("!=").Nil()).Block(
				jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("v")),
			),
		),
		jen.Return(jen.Id("out")),
	)
	commentf(f.Add, "Add%sValue adds an extension in the slice %s holding v.", acc, sl.sliceName())
	f.Func().Params(recv.Clone()).Id("Add" + acc + "Value").Params(jen.Id("v").Add(vt.Clone())).Block(
		jen.Id("b").Dot("Add" + acc).Call().Dot("Value").Op("=").Id("v"),
	)
}

// fillKeys sets, in a new item of a slice, the values the slice's
// discriminators require of it that fill did not set: an extension's url
// taken from its definition, a value fixed in the slice's type profile.
func (e *emitter) fillKeys(g *jen.Group, sl *pnode, t *model.Type, val *jen.Statement) {
	for _, k := range sl.el.Keys {
		if (k.Type != "value" && k.Type != "pattern") || k.Value == nil || len(k.Path) != 1 {
			continue
		}
		fd := fieldByName(t, k.Path[0])
		if fd == nil || fd.Repeats() || kindOf(fd) == kindChoice || kindOf(fd) == kindResource {
			continue
		}
		filled := false
		for _, c := range sl.children {
			if c.name() == k.Path[0] && (c.el.Fixed != nil || c.el.Pattern != nil) && c.el.Max != 0 {
				filled = true
			}
		}
		if filled {
			continue
		}
		if kindOf(fd) == kindAttr {
			g.Add(val.Clone().Dot(fd.GoName)).Op("=").Lit(k.Value.Str)
		} else {
			g.Add(val.Clone().Dot(fd.GoName)).Op("=").Add(e.literal(fd.Type, k.Value))
		}
	}
}

// sliceRemove emits Remove<acc>, which drops the items of a slice.
func (e *emitter) sliceRemove(f *jen.File, pr *model.Profile, fd *model.Field, name, acc, fn string, sl *pnode) {
	within := jen.Index().Qual(e.corePath(), "Resource").Values(jen.Id("b").Dot(pr.Base.GoName))
	commentf(f.Add, "Remove%s removes the %s items in the slice %s. (The other items may move: pointers to them from before are stale.)", acc, fd.Name, sl.sliceName())
	f.Func().Params(jen.Id("b").Op("*").Id(name)).Id("Remove"+acc).Params().Block(
		jen.If(jen.Id("b").Op("==").Nil().Op("||").Id("b").Dot(pr.Base.GoName).Op("==").Nil()).Block(jen.Return()),
		jen.Id("kept").Op(":=").Id("b").Dot(fd.GoName).Index(jen.Empty(), jen.Lit(0)),
		jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot(fd.GoName)).Block(
			jen.If(jen.Op("!").Id(fn).Call(jen.Op("&").Id("b").Dot(fd.GoName).Index(jen.Id("i")), within.Clone())).Block(
				jen.Id("kept").Op("=").Append(jen.Id("kept"), jen.Id("b").Dot(fd.GoName).Index(jen.Id("i"))),
			),
		),
		jen.Id("clear").Call(jen.Id("b").Dot(fd.GoName).Index(jen.Len(jen.Id("kept")), jen.Empty())),
		jen.Id("b").Dot(fd.GoName).Op("=").Id("kept"),
	)
}

// datatypeProfileEntries emits the entry points of a datatype profile's
// validation: ProfileIssues<name> for a value on its own, and
// ValidateAt<name>, which the module's other packages call to check a value
// where a profile element names this profile.
func (e *emitter) datatypeProfileEntries(f *jen.File, pr *model.Profile) {
	base := jen.Qual(e.corePath(), pr.Base.GoName)
	issues := jen.Qual(e.corePath(), "Issues")
	check := "validate" + pr.GoName
	commentf(f.Add, "ProfileIssues%s returns what the profile %s finds wrong with %s, beyond the rules of %s itself (which its own validation checks).", pr.GoName, pr.Name, withArticle(pr.BaseType), pr.BaseType)
	f.Func().Id("ProfileIssues"+pr.GoName).Params(jen.Id("x").Op("*").Add(base.Clone())).Add(issues.Clone()).Block(
		jen.Id("v").Op(":=").Op("&").Id("validator").Values(),
		jen.Id("v").Dot("Reset").Call(jen.Lit(pr.BaseType)),
		jen.Id(check).Call(jen.Id("v"), jen.Id("x")),
		jen.Return(issues.Clone().Parens(jen.Id("v").Dot("Issues"))),
	)
	commentf(f.Add, "ValidateAt%s records, in r, what the profile %s finds wrong with x, at r's location. The module's packages call it where a profile element names %s; a program calls ProfileIssues%s.", pr.GoName, pr.Name, pr.Name, pr.GoName)
	f.Func().Id("ValidateAt"+pr.GoName).Params(jen.Id("r").Op("*").Qual(e.mod.Path+"/internal/validation", "Recorder"), jen.Id("x").Op("*").Add(base.Clone())).Block(
		jen.If(jen.Id("x").Op("==").Nil()).Block(jen.Return()),
		jen.Id("v").Op(":=").Id("validator").Values(jen.Dict{jen.Id("Recorder"): jen.Op("*").Id("r")}),
		jen.Id(check).Call(jen.Op("&").Id("v"), jen.Id("x")),
		jen.Op("*").Id("r").Op("=").Id("v").Dot("Recorder"),
	)
}

// datatypeProfileView emits the typed view of a datatype profile.
func (e *emitter) datatypeProfileView(f *jen.File, pr *model.Profile) {
	base := jen.Qual(e.corePath(), pr.Base.GoName)
	name := pr.GoName
	comments(f.Add,
		fmt.Sprintf("%s is a view of %s as the profile %s (%s).", name, withArticle(e.pkg.Core.Name+"."+pr.Base.GoName), pr.Name, pr.URL),
		pr.Doc.Definition,
		fmt.Sprintf("Wherever a profile's element names %s, that profile's validation checks the value against it too.", pr.Name))
	f.Type().Id(name).Struct(jen.Op("*").Add(base.Clone()))
	commentf(f.Add, "As%s views %s as %s, without copying; nil stays nil.", name, withArticle(pr.BaseType), withArticle(name))
	f.Func().Id("As"+name).Params(jen.Id("x").Op("*").Add(base.Clone())).Op("*").Id(name).Block(
		jen.If(jen.Id("x").Op("==").Nil()).Block(jen.Return(jen.Nil())),
		jen.Return(jen.Op("&").Id(name).Values(jen.Id("x"))),
	)
	commentf(f.Add, "Validate checks the %s against the profile %s (the rules of %s itself are checked where it is used). It returns nil when no issue is an error, else the %s.Issues.", pr.BaseType, pr.Name, pr.BaseType, e.pkg.Core.Name)
	f.Func().Params(jen.Id("b").Op("*").Id(name)).Id("Validate").Params().Error().BlockFunc(func(g *jen.Group) {
		g.If(jen.Id("b").Op("==").Nil().Op("||").Id("b").Dot(pr.Base.GoName).Op("==").Nil()).Block(jen.Return(jen.Nil()))
		g.Id("issues").Op(":=").Id("ProfileIssues" + name).Call(jen.Id("b").Dot(pr.Base.GoName))
		g.If(jen.Id("issues").Dot("HasErrors").Call()).Block(jen.Return(jen.Id("issues")))
		g.Return(jen.Nil())
	})
}

// newSliceItem is a new item of a slice: the slice's own fixed or pattern
// value (patternContactPoint on the slice), else the zero item.
func (e *emitter) newSliceItem(fd *model.Field, sl *pnode) jen.Code {
	v := sl.el.Fixed
	if v == nil {
		v = sl.el.Pattern
	}
	if v != nil && v.Kind == model.ValueObject && fd.Type != nil && fd.Type.Type != nil && fd.Type.Type.Kind == model.KindComplex {
		return e.elem(fd.Type, v)
	}
	return jen.Qual(e.corePath(), fd.Type.Type.GoName).Values()
}

// withArticle puts "a" or "an" before a name, as it is read aloud (an
// Identifier, a UserSession, an r4.Patient).
func withArticle(name string) string {
	vowel := name != "" && strings.ContainsRune("AEIOUaeiou", rune(name[0])) && !strings.HasPrefix(name, "Us") && !strings.HasPrefix(name, "Uni")
	if vowel || (len(name) > 1 && name[0] == 'r' && name[1] >= '0' && name[1] <= '9') { // r4.Patient: "ar four"
		return "an " + name
	}
	return "a " + name
}
