package emit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/fhirgen/fhirgen/generator/model"
	"github.com/fhirgen/fhirgen/generator/regexdfa"
)

// The validation concern: for every type, validate methods that check an
// instance against its definition (cardinality, required bindings,
// primitive formats, reference targets, extensions), and Validate.
// Invariants (FHIRPath) are added by a later stage next to these checks.

func (e *emitter) fhirPath() string { return e.mod.Path + "/fhir" }

// push enters a child location; pop leaves it.
func push(name string, index jen.Code) *jen.Statement {
	return jen.Id("v").Dot("Push").Call(jen.Lit(name), index)
}

func pop() *jen.Statement { return jen.Id("v").Dot("Pop").Call() }

// validateFile emits the validation concern of a top-level type.
func (e *emitter) validateFile(t *model.Type) *jen.File {
	f := e.newFile()
	for _, ty := range append([]*model.Type{t}, t.Nested...) {
		e.validateStruct(f, ty)
		e.validateEntry(f, ty)
		e.walkMethod(f, ty)
		if quantityLike(ty) {
			e.scalarMethod(f, ty)
		}
	}
	return f
}

// validateEntry emits Validate and ValidateIssues: one call each, to the
// package's validateRoot.
func (e *emitter) validateEntry(f *jen.File, t *model.Type) {
	commentf(f.Add, "Validate checks x against the definition of %s: cardinality, required bindings, value formats, reference targets and extensions. It returns nil when no issue is an error; otherwise an Issues listing every issue found (warnings too).", t.Name)
	f.Func().Params(jen.Id("x").Op("*").Id(t.GoName)).Id("Validate").Params().Error().Block(
		jen.Return(jen.Id("result").Call(jen.Id("x").Dot("ValidateIssues").Call())),
	)
	comments(f.Add, "ValidateIssues returns every issue Validate finds, whatever its severity, or nil.")
	f.Func().Params(jen.Id("x").Op("*").Id(t.GoName)).Id("ValidateIssues").Params().Id("Issues").BlockFunc(func(g *jen.Group) {
		if t.Kind != model.KindResource {
			g.Return(jen.Id("validateRoot").Call(jen.Id("x"), jen.Nil(), jen.Lit(t.Name)))
			return
		}
		// a nil *T is no container: the interface would not be nil
		g.Var().Id("container").Id("Resource")
		g.If(jen.Id("x").Op("!=").Nil()).Block(jen.Id("container").Op("=").Id("x"))
		g.Return(jen.Id("validateRoot").Call(jen.Id("x"), jen.Id("container"), jen.Lit(t.Name)))
	})
}

// validateStruct emits validate for a datatype, resource or backbone.
func (e *emitter) validateStruct(f *jen.File, t *model.Type) {
	f.Func().Params(jen.Id("x").Op("*").Id(t.GoName)).Id("validate").Params(jen.Id("v").Op("*").Id("validator")).BlockFunc(func(g *jen.Group) {
		g.If(jen.Id("x").Op("==").Nil()).Block(jen.Return())
		if t.Kind == model.KindResource {
			// %resource and %rootResource while its elements are validated
			g.List(jen.Id("outer"), jen.Id("outerContainer")).Op(":=").List(jen.Id("v").Dot("resource"), jen.Id("v").Dot("container"))
			g.Id("v").Dot("resource").Op("=").Id("x")
			g.If(jen.Op("!").Id("v").Dot("asContained")).Block(jen.Id("v").Dot("container").Op("=").Id("x"))
			g.Id("v").Dot("asContained").Op("=").False()
			g.Defer().Func().Params().Block(jen.List(jen.Id("v").Dot("resource"), jen.Id("v").Dot("container")).Op("=").List(jen.Id("outer"), jen.Id("outerContainer"))).Call()
		}
		isExt := t.Name == "Extension" && t.Kind == model.KindComplex
		var url jen.Code = jen.Lit("")
		if isExt {
			url = jen.Id("x").Dot("URL")
		}
		g.Id("v").Dot("Typed").Call(jen.Lit(typesList(t)), url)
		if isExt {
			g.Id("nested").Op(":=").Id("v").Dot("extDepth").Op(">").Lit(0)
			g.Id("v").Dot("extDepth").Op("++")
		}
		for _, fd := range t.Fields {
			e.validateField(g, t, fd)
		}
		if isExt {
			g.Id("v").Dot("extDepth").Op("--")
			e.extensionRules(f, g, t)
		}
		if e.hasRules(t) {
			g.Id("x").Dot("checkRules").Call(jen.Id("v"))
		}
		e.unitRule(g, t)
		e.typeInvariants(g, t)
	})
}

// unitRule checks the code of a Quantity, or of a type derived from it,
// whose system is UCUM: it must be written in UCUM's syntax (a rule the
// specification states in prose).
func (e *emitter) unitRule(g *jen.Group, t *model.Type) {
	if t.Name != "Quantity" && !slices.Contains(t.Ancestors, "Quantity") {
		return
	}
	if fieldByName(t, "system") == nil || fieldByName(t, "code") == nil || e.pkg.Core != e.pkg {
		return
	}
	g.If(jen.Id("s").Op(":=").Id("x").Dot("GetCode").Call().Dot("GetValue").Call(),
		jen.Id("s").Op("!=").Lit("").Op("&&").Id("x").Dot("GetSystem").Call().Dot("GetValue").Call().Op("==").Qual(e.fhirPath(), "UCUM")).Block(
		jen.If(jen.Id("msg").Op(":=").Qual(e.fhirPath(), "UCUMSyntax").Call(jen.Id("s")), jen.Id("msg").Op("!=").Lit("")).Block(
			jen.Id("v").Dot("AddAt").Call(jen.Lit("code"), jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("value"), jen.Id("msg"), jen.Lit("")),
		),
	)
}

// validateField emits the checks of one field.
func (e *emitter) validateField(g *jen.Group, t *model.Type, fd *model.Field) {
	x := jen.Id("x").Dot(fd.GoName)
	name := fd.Name
	kind := kindOf(fd)
	if kind == kindAttr {
		if fd.Min >= 1 {
			g.If(x.Clone().Op("==").Lit("")).Block(jen.Id("v").Dot("Min").Call(jen.Lit(name), jen.Lit(fd.Min), jen.Lit(0)))
		}
		return
	}
	if fd.Repeats() {
		n := jen.Len(x.Clone())
		if fd.Min >= 1 {
			g.If(n.Clone().Op("<").Lit(fd.Min)).Block(jen.Id("v").Dot("Min").Call(jen.Lit(name), jen.Lit(fd.Min), n.Clone()))
		}
		if fd.Max >= 0 {
			g.If(n.Clone().Op(">").Lit(fd.Max)).Block(jen.Id("v").Dot("Max").Call(jen.Lit(name), jen.Lit(fd.Max), n.Clone()))
		}
		body := []jen.Code{push(name, jen.Id("i"))}
		item := x.Clone().Index(jen.Id("i"))
		if kind == kindResource {
			if fd.Name == "contained" && (t.Kind == model.KindResource || t.Kind == model.KindAbstractResource) {
				// DomainResource.contained: "#id" references still resolve
				// in the containing resource
				body = append(body, jen.Id("v").Dot("asContained").Op("=").True())
			}
			body = append(body, jen.Id("validateResource").Call(jen.Id("v"), item))
		} else {
			checks := e.elementChecks(fd, fd.Type, jen.Id("y"))
			if len(checks) == 0 {
				// nothing but the items' own validation: one shared loop
				g.Id("validateEach").Call(jen.Id("v"), jen.Lit(name), x.Clone())
				return
			}
			body = append(body, jen.Id("y").Op(":=").Op("&").Add(item.Clone()))
			body = append(body, jen.Id("y").Dot("validate").Call(jen.Id("v")))
			body = append(body, checks...)
		}
		body = append(body, pop())
		g.For(jen.Id("i").Op(":=").Range().Add(x.Clone())).Block(body...)
		return
	}
	present := x.Clone().Op("!=").Nil()
	if fd.Min >= 1 {
		g.If(x.Clone().Op("==").Nil()).Block(jen.Id("v").Dot("Min").Call(jen.Lit(name), jen.Lit(fd.Min), jen.Lit(0)))
	}
	if fd.Max == 0 {
		g.If(present.Clone()).Block(jen.Id("v").Dot("Max").Call(jen.Lit(name), jen.Lit(0), jen.Lit(1)))
	}
	switch kind {
	case kindResource:
		g.If(present.Clone()).Block(
			push(name, jen.Lit(-1)),
			jen.Id("validateResource").Call(jen.Id("v"), x.Clone()),
			pop(),
		)
	case kindChoice:
		g.Switch(jen.Id("y").Op(":=").Add(x.Clone()).Assert(jen.Type())).BlockFunc(func(sw *jen.Group) {
			for _, o := range fd.Choice.Options {
				checks := e.elementChecks(fd, o.Ref, jen.Id("y"))
				if len(checks) == 0 {
					sw.Case(jen.Op("*").Add(e.typeExpr(o.Ref))).Block(jen.Id("validateOne").Call(jen.Id("v"), jen.Lit(o.JSONName), jen.Id("y")))
					continue
				}
				body := []jen.Code{
					push(o.JSONName, jen.Lit(-1)),
					jen.Id("y").Dot("validate").Call(jen.Id("v")),
				}
				body = append(body, checks...)
				body = append(body, pop())
				sw.Case(jen.Op("*").Add(e.typeExpr(o.Ref))).Block(
					jen.If(jen.Id("y").Op("!=").Nil()).Block(body...),
				)
			}
		})
	default:
		method := "validate"
		if fd.Type.System && fd.Type.Type.Kind == model.KindPrimitive {
			method = "validateValue"
		}
		recv := x.Clone()
		if f := fd.Type.Format; f != nil && fd.Type.System {
			// checked as the primitive it is (a resource id as an id): the
			// two primitives are of one shape
			recv = jen.Parens(jen.Op("*").Id(f.GoName)).Parens(x.Clone())
		}
		checks := e.elementChecks(fd, fd.Type, x.Clone())
		if method == "validate" && fd.Type.Format == nil && len(checks) == 0 {
			// nothing but the value's own validation: one shared call
			g.Id("validateOne").Call(jen.Id("v"), jen.Lit(name), x.Clone())
			return
		}
		body := []jen.Code{
			push(name, jen.Lit(-1)),
			recv.Dot(method).Call(jen.Id("v")),
		}
		body = append(body, checks...)
		body = append(body, pop())
		g.If(present).Block(body...)
	}
}

// elementChecks are the checks a field's definition adds to its value's own:
// the required binding and the reference targets. val is a pointer to the
// value, at is its location.
func (e *emitter) elementChecks(fd *model.Field, ref *model.TypeRef, val *jen.Statement) []jen.Code {
	var out []jen.Code
	if ref == nil || ref.Type == nil {
		return nil
	}
	if b := fd.Binding; b != nil && b.Strength == "required" && b.CodeSet != nil {
		cs := b.CodeSet
		msg := "is not in the value set " + cs.URL + " (required binding)"
		switch {
		case ref.CodeSet != nil && ref.Type.Generic:
			out = append(out, jen.If(val.Clone().Dot("Value").Op("!=").Nil().Op("&&").Op("!").Parens(jen.Op("*").Add(val.Clone()).Dot("Value")).Dot("IsValid").Call()).Block(
				jen.Id("v").Dot("Add").Call(jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("code-invalid"),
					jen.Qual("strconv", "Quote").Call(jen.String().Parens(jen.Op("*").Add(val.Clone()).Dot("Value"))).Op("+").Lit(" "+msg), jen.Lit("")),
			))
		case ref.Type.Name == "Coding":
			out = append(out, jen.If(jen.Id("code").Op(":=").Add(val.Clone()).Dot("GetCode").Call().Dot("GetValue").Call(),
				jen.Id("code").Op("!=").Lit("").Op("&&").Op("!").Id("in"+cs.GoName).Call(val.Clone().Dot("GetSystem").Call().Dot("GetValue").Call(), jen.Id("code"))).Block(
				jen.Id("v").Dot("Add").Call(jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("code-invalid"),
					jen.Lit("the coding ").Op("+").Qual("strconv", "Quote").Call(jen.Id("code")).Op("+").Lit(" "+msg), jen.Lit("")),
			))
		case ref.Type.Name == "CodeableConcept":
			out = append(out, jen.If(jen.Op("!").Id("anyCodingIn").Call(val.Clone(), jen.Id("in"+cs.GoName))).Block(
				jen.Id("v").Dot("Add").Call(jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("code-invalid"),
					jen.Lit("no coding "+msg), jen.Lit("")),
			))
		case ref.Type.Kind == model.KindPrimitive && ref.Type.Value != nil && ref.Type.Value.GoType == "string":
			out = append(out, jen.If(val.Clone().Dot("Value").Op("!=").Nil().Op("&&").Op("!").Id("in"+cs.GoName).Call(jen.Lit(""), jen.String().Parens(jen.Op("*").Add(val.Clone()).Dot("Value")))).Block(
				jen.Id("v").Dot("Add").Call(jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("code-invalid"),
					jen.Qual("strconv", "Quote").Call(jen.String().Parens(jen.Op("*").Add(val.Clone()).Dot("Value"))).Op("+").Lit(" "+msg), jen.Lit("")),
			))
		}
	}
	out = append(out, e.terminologyBinding(fd, ref, val)...)
	out = append(out, e.fieldInvariants(fd, ref.Type, val)...)
	if ref.Type.Name == "Reference" {
		allowed := ""
		if len(ref.TargetTypes) > 0 {
			allowed = "|" + strings.Join(ref.TargetTypes, "|") + "|"
		}
		out = append(out, jen.Id("v").Dot("checkReference").Call(val.Clone(), jen.Lit(allowed)))
	}
	return out
}

// terminologyBinding asks the options' terminology server, when they name
// one, about the bindings the module cannot decide itself: a required one
// whose value set it could not expand, and every extensible one.
func (e *emitter) terminologyBinding(fd *model.Field, ref *model.TypeRef, val *jen.Statement) []jen.Code {
	b := fd.Binding
	if b == nil || b.ValueSet == "" || e.pkg.Core != e.pkg || !(b.Strength == "extensible" || b.Strength == "required" && b.CodeSet == nil) {
		return nil
	}
	required := b.Strength == "required"
	t := ref.Type
	var call jen.Code
	switch {
	case t.Name == "Coding" || t.Name == "Quantity" || slices.Contains(t.Ancestors, "Quantity"):
		call = jen.Id("v").Dot("checkCodeIn").Call(jen.Lit(b.ValueSet), jen.Lit(required), val.Clone().Dot("GetSystem").Call().Dot("GetValue").Call(), val.Clone().Dot("GetCode").Call().Dot("GetValue").Call())
	case t.Name == "CodeableConcept":
		call = jen.Id("v").Dot("checkConceptIn").Call(jen.Lit(b.ValueSet), jen.Lit(required), val.Clone())
	case t.Kind == model.KindPrimitive && t.Value != nil && t.Value.GoType == "string":
		call = jen.If(val.Clone().Dot("Value").Op("!=").Nil()).Block(
			jen.Id("v").Dot("checkCodeIn").Call(jen.Lit(b.ValueSet), jen.Lit(required), jen.Lit(""), jen.String().Parens(jen.Op("*").Add(val.Clone()).Dot("Value"))))
	default:
		return nil
	}
	return []jen.Code{jen.If(jen.Id("v").Dot("terminology").Call()).Block(call)}
}

// extensionRules are the rules of FHIR's extension mechanism: the url is
// absolute (a value or nested extensions but not both is ext-1, an
// invariant), and every extension definition the generator loaded is
// enforced. The definitions the module knows but did not generate are found
// in tables sorted by url (urlGroup, groupOf): a switch over hundreds of
// urls costs the compiler far more than a table does.
func (e *emitter) extensionRules(f *jen.File, g *jen.Group, t *model.Type) {
	g.If(jen.Op("!").Id("nested").Op("&&").Id("x").Dot("URL").Op("!=").Lit("").Op("&&").Op("!").Id("absoluteURI").Call(jen.Id("x").Dot("URL"))).Block(
		jen.Id("v").Dot("AddAt").Call(jen.Lit("url"), jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("value"), jen.Lit("an extension url must be an absolute URI"), jen.Lit("")),
	).Else().If(jen.Op("!").Id("nested")).Block(
		jen.Id("v").Dot("checkExtensionURL").Call(jen.Id("x").Dot("URL")),
	)
	var exts []*model.Profile
	generated := map[string]bool{}
	for _, p := range e.mod.Packages {
		for _, pr := range p.Profiles {
			if pr.Extension {
				exts = append(exts, pr)
				generated[pr.URL] = true
			}
		}
	}
	if ctx := e.extensionContexts(); len(ctx) > 0 {
		groups := make([][]string, len(ctx))
		var places []jen.Code
		for i, c := range ctx {
			groups[i] = c.urls
			places = append(places, jen.Line().Lit(c.contexts))
		}
		comments(f.Add, "extensionContexts are the places the extension definitions the module knows allow them in (see validation.Recorder.InContext), by url (sorted; the group is the index in extensionPlaces); an extension allowed anywhere is not here. Read only.")
		f.Var().Id("extensionContexts").Op("=").Index(jen.Op("...")).Id("urlGroup").Values(urlGroups(groups)...)
		comments(f.Add, "extensionPlaces are the groups of extensionContexts. Read only.")
		f.Var().Id("extensionPlaces").Op("=").Index(jen.Op("...")).String().Values(append(places, jen.Line())...)
		g.If(jen.Op("!").Id("nested")).Block(
			jen.If(jen.Id("i").Op(":=").Id("groupOf").Call(jen.Id("extensionContexts").Index(jen.Op(":")), jen.Id("x").Dot("URL")), jen.Id("i").Op(">=").Lit(0)).Block(
				jen.Id("v").Dot("checkContext").Call(jen.Id("x").Dot("URL"), jen.Id("extensionPlaces").Index(jen.Id("i"))),
			),
		)
	}
	if len(exts) > 0 {
		g.Switch(jen.Id("x").Dot("URL")).BlockFunc(func(sw *jen.Group) {
			for _, pr := range exts {
				sw.Case(jen.Lit(pr.URL)).Block(jen.Id(extValidatorName(pr)).Call(jen.Id("v"), jen.Id("x")))
			}
		})
	}
	known := e.knownValueTypes(t, generated)
	if len(known) == 0 {
		return
	}
	groups := make([][]string, len(known))
	for i, k := range known {
		groups[i] = k.urls
	}
	comments(f.Add, "extensionValueTypes are the extension definitions the module knows, and did not generate, that allow a value of some of Extension's types only, by url (sorted; the group is the case in Extension.validate). Read only.")
	f.Var().Id("extensionValueTypes").Op("=").Index(jen.Op("...")).Id("urlGroup").Values(urlGroups(groups)...)
	g.Switch(jen.Id("groupOf").Call(jen.Id("extensionValueTypes").Index(jen.Op(":")), jen.Id("x").Dot("URL"))).BlockFunc(func(sw *jen.Group) {
		for i, k := range known {
			sw.Case(jen.Lit(i)).Block(jen.Switch(jen.Id("x").Dot("Value").Assert(jen.Type())).Block(
				jen.Case(append([]jen.Code{jen.Nil()}, k.types...)...),
				jen.Default().Block(jen.Id("v").Dot("Add").Call(jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("structure"),
					jen.Lit("the extension's definition allows a value of type "+strings.Join(k.codes, ", ")+" only"), jen.Lit(""))),
			))
		}
	})
}

// urlGroups are the entries of a urlGroup table: the urls of each group
// with its index, sorted by url.
func urlGroups(groups [][]string) []jen.Code {
	type entry struct {
		url   string
		group int
	}
	var all []entry
	for i, urls := range groups {
		for _, u := range urls {
			all = append(all, entry{u, i})
		}
	}
	slices.SortFunc(all, func(a, b entry) int { return strings.Compare(a.url, b.url) })
	out := make([]jen.Code, 0, len(all)+1)
	for _, x := range all {
		out = append(out, jen.Line().Values(jen.Lit(x.url), jen.Lit(x.group)))
	}
	return append(out, jen.Line())
}

// typesList is what validation.Recorder.Typed records of a type: its name
// and its ancestors' ("|Patient|DomainResource|Resource|"); a backbone
// element's name is the path that defines it ("|PlanDefinition.action|
// BackboneElement|Element|").
func typesList(t *model.Type) string {
	return "|" + strings.Join(append([]string{t.Name}, t.Ancestors...), "|") + "|"
}

// contextGroup is a group of extension definitions allowed in the same
// places: contexts as validation.Recorder.InContext reads them.
type contextGroup struct {
	contexts string
	urls     []string
}

// extensionContexts groups the extension definitions loaded by the places
// their definitions allow them (StructureDefinition.context), in the order
// of their URLs. An extension allowed anywhere (Element, Base) is left out,
// as is one with a FHIRPath context, which is not decided here, or with a
// context written for another FHIR version (a type this one lacks).
func (e *emitter) extensionContexts() []contextGroup {
	if e.pkg.Core != e.pkg {
		return nil
	}
	var out []contextGroup
	index := map[string]int{}
	for _, url := range e.pkg.KnownExtensions {
		var list []string
		for _, c := range e.pkg.ExtensionContexts[url] {
			x := c.Expression
			if x == "" || c.Foreign || strings.ContainsAny(x, " \t\n") || (c.Type == "element" && (x == "Element" || x == "Base")) {
				list = nil
				break
			}
			if c.Type == "element" {
				list = append(list, "e:"+x)
			} else if c.Type == "extension" {
				list = append(list, "x:"+x)
			} else {
				list = nil // fhirpath, or a type this does not know
				break
			}
		}
		if len(list) == 0 {
			continue
		}
		key := strings.Join(list, " ")
		out = addToGroup(out, index, key, func() contextGroup { return contextGroup{contexts: key} },
			func(g *contextGroup) { g.urls = append(g.urls, url) })
	}
	return out
}

// addToGroup adds to the group of key in groups (index: their positions by
// key), made by newGroup when key is new, so that groups keep the order in
// which their keys first came.
func addToGroup[T any](groups []T, index map[string]int, key string, newGroup func() T, add func(*T)) []T {
	i, ok := index[key]
	if !ok {
		i = len(groups)
		index[key] = i
		groups = append(groups, newGroup())
	}
	add(&groups[i])
	return groups
}

// knownValueType is a group of extension definitions the module knows and
// did not generate that allow their value the same types.
type knownValueType struct {
	codes, urls []string
	types       []jen.Code // the Go types of the Extension's value they allow
}

// knownValueTypes groups the extension definitions loaded and not generated
// (ext: the generated ones, whose validation checks their values) that
// allow a value of some of Extension's types only, by those types.
func (e *emitter) knownValueTypes(ext *model.Type, generated map[string]bool) []knownValueType {
	var value *model.Choice
	for _, c := range ext.Choices {
		if c.Field != nil && c.Field.Name == "value" {
			value = c
		}
	}
	if value == nil || e.pkg.Core != e.pkg {
		return nil
	}
	byCode := map[string]*model.ChoiceOption{}
	for _, o := range value.Options {
		byCode[o.Ref.Code] = o
	}
	var out []knownValueType
	index := map[string]int{}
	for _, url := range e.pkg.KnownExtensions {
		codes := e.pkg.ExtensionValueTypes[url]
		if generated[url] || len(codes) == 0 || len(codes) >= len(value.Options) {
			continue
		}
		var types []jen.Code
		for _, c := range codes {
			o := byCode[c]
			if o == nil {
				types = nil // a type Extension does not have: not checked
				break
			}
			types = append(types, jen.Op("*").Add(e.typeExpr(o.Ref)))
		}
		if types == nil {
			continue
		}
		out = addToGroup(out, index, strings.Join(codes, "|"), func() knownValueType { return knownValueType{codes: codes, types: types} },
			func(g *knownValueType) { g.urls = append(g.urls, url) })
	}
	return out
}

// hasRules reports whether a type's validation calls checkRules: a
// top-level type of the core package that the caller has prose rules for.
func (e *emitter) hasRules(t *model.Type) bool {
	return t.Owner == nil && e.pkg.Core == e.pkg && e.rules[t.File]
}

func extValidatorName(p *model.Profile) string { return "validateExtension" + p.GoName }

// primitiveValidate emits match<T> and validate for a primitive type.
func (e *emitter) primitiveValidate(t *model.Type) (*jen.File, error) {
	f := e.newFile()
	pv := t.Value
	recv := jen.Id("x").Op("*").Id(t.GoName)
	if t.Generic {
		recv = jen.Id("x").Op("*").Id(t.GoName).Types(jen.Id("T"))
	}
	matcher := ""
	if pv.Regex != "" {
		matcher = "match" + t.GoName
		d, err := regexdfa.Compile(pv.Regex)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: regex %q: %v", t.Source, t.Name, pv.Regex, err)
		}
		if err := e.dfaFunc(f, matcher, t.Name, pv.Regex, d); err != nil {
			return nil, fmt.Errorf("%s: %s: %v", t.Source, t.Name, err)
		}
	}
	f.Func().Params(recv).Id("validate").Params(jen.Id("v").Op("*").Id("validator")).BlockFunc(func(g *jen.Group) {
		g.If(jen.Id("x").Op("==").Nil()).Block(jen.Return())
		g.Id("x").Dot("validateValue").Call(jen.Id("v"))
		e.typeInvariants(g, t)
	})
	comments(f.Add, "validateValue checks the value and the extensions, not the type's invariants")
	comments(f.Add, "(for an element typed with a FHIRPath system type, such as Resource.id).")
	f.Func().Params(recv).Id("validateValue").Params(jen.Id("v").Op("*").Id("validator")).BlockFunc(func(g *jen.Group) {
		g.If(jen.Id("x").Op("==").Nil()).Block(jen.Return())
		check := []jen.Code{}
		var text jen.Code
		switch pv.GoType {
		case "bool":
		case "int32", "int64":
			check = append(check,
				jen.Var().Id("buf").Index(jen.Lit(24)).Byte(),
				jen.Id("b").Op(":=").Qual("strconv", "AppendInt").Call(jen.Id("buf").Index(jen.Empty(), jen.Lit(0)), jen.Int64().Parens(jen.Op("*").Id("x").Dot("Value")), jen.Lit(10)),
				jen.Id("s").Op(":=").Qual("unsafe", "String").Call(jen.Op("&").Id("b").Index(jen.Lit(0)), jen.Len(jen.Id("b"))),
			)
			text = jen.Id("s")
		default:
			check = append(check, jen.Id("s").Op(":=").String().Parens(jen.Op("*").Id("x").Dot("Value")))
			text = jen.Id("s")
		}
		if text != nil && (pv.MaxLength > 0 || matcher != "") {
			if pv.MaxLength > 0 {
				check = append(check, jen.If(jen.Len(jen.Id("s")).Op(">").Lit(pv.MaxLength).Op("&&").Qual("unicode/utf8", "RuneCountInString").Call(jen.Id("s")).Op(">").Lit(pv.MaxLength)).Block(
					jen.Id("v").Dot("Add").Call(jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("too-long"), jen.Lit(fmt.Sprintf("the value is longer than %d characters", pv.MaxLength)), jen.Lit("")),
				))
			}
			if matcher != "" {
				calendar := pv.System == "Date" || pv.System == "DateTime"
				ifStmt := jen.If(jen.Op("!").Id(matcher).Call(jen.Id("s"))).Block(
					jen.Id("v").Dot("checkValue").Call(jen.Lit(t.Name), jen.Id("s"), jen.Lit("")),
				)
				if calendar {
					ifStmt = ifStmt.Else().If(jen.Id("msg").Op(":=").Qual(e.fhirPath(), "CheckCalendar").Call(jen.Id("s")), jen.Id("msg").Op("!=").Lit("")).Block(
						jen.Id("v").Dot("checkValue").Call(jen.Lit(t.Name), jen.Id("s"), jen.Id("msg")),
					)
				}
				check = append(check, ifStmt)
			}
			g.If(jen.Id("x").Dot("Value").Op("!=").Nil()).Block(check...)
		}
		if t.Name == "uri" || t.Base == "uri" {
			// a URI type: on an example domain where the options forbid examples
			g.If(jen.Id("x").Dot("Value").Op("!=").Nil().Op("&&").Id("v").Dot("opts").Op("!=").Nil().Op("&&").Id("v").Dot("opts").Dot("NoExampleURLs").Op("&&").
				Qual(e.fhirPath(), "ExampleURL").Call(jen.String().Parens(jen.Op("*").Id("x").Dot("Value")))).Block(
				jen.Id("v").Dot("Add").Call(jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("value"), jen.Lit("example URLs are not allowed here (the options forbid examples)"), jen.Lit("")),
			)
		}
		g.If(jen.Len(jen.Id("x").Dot("Extension")).Op(">").Lit(0)).Block(jen.Id("v").Dot("Typed").Call(jen.Lit(typesList(t)), jen.Lit("")))
		g.For(jen.Id("i").Op(":=").Range().Id("x").Dot("Extension")).Block(
			push("extension", jen.Id("i")),
			jen.Id("x").Dot("Extension").Index(jen.Id("i")).Dot("validate").Call(jen.Id("v")),
			pop(),
		)
	})
	e.scalarMethod(f, t)
	e.walkMethod(f, t)
	return f, nil
}

// dfaFunc emits a matcher that runs a compiled automaton kept in string
// constants (immutable tables).
func (e *emitter) dfaFunc(f *jen.File, name, typ, regex string, d *regexdfa.DFA) error {
	if d.NumClasses > 255 {
		return fmt.Errorf("regex has %d character classes", d.NumClasses)
	}
	if d.NumStates() > 65535 {
		return fmt.Errorf("regex has %d states", d.NumStates())
	}
	ascii := make([]byte, 128)
	for c := 0; c < 128; c++ {
		ascii[c] = byte(d.Class(rune(c)))
	}
	next := make([]byte, 0, 2*len(d.Next))
	for _, s := range d.Next {
		next = append(next, byte(s>>8), byte(s))
	}
	accept := make([]byte, len(d.Accept))
	for i, a := range d.Accept {
		if a {
			accept[i] = 1
		}
	}
	bounds := make([]byte, 0, 4*len(d.Bounds))
	classes := make([]byte, 0, len(d.Bounds))
	for i, b := range d.Bounds {
		bounds = append(bounds, byte(b>>24), byte(b>>16), byte(b>>8), byte(b))
		classes = append(classes, byte(d.ClassOf[i]))
	}
	commentf(f.Add, "%s reports whether s, all of it, matches the regex of %s:", name, typ)
	verbatimComment(f.Add, "  ", regex)
	commentf(f.Add, "(a %d-state automaton over %d character classes, compiled at generation).", d.NumStates(), d.NumClasses)
	slow := jen.Id("runDFA").Call(jen.Id("s"), jen.Lit(d.Start), jen.Lit(d.NumClasses),
		jen.Lit(string(ascii)), jen.Lit(string(next)), jen.Lit(string(accept)), jen.Lit(string(bounds)), jen.Lit(string(classes)))
	if d.NumStates() > 255 {
		f.Func().Id(name).Params(jen.Id("s").String()).Bool().Block(jen.Return(slow))
		return nil
	}
	// ASCII fast path over a one-byte table indexed by state*128+byte.
	table := make([]byte, 128*d.NumStates())
	for st := 0; st < d.NumStates(); st++ {
		for c := 0; c < 128; c++ {
			table[st*128+c] = byte(d.Next[st*d.NumClasses+d.Class(rune(c))])
		}
	}
	f.Func().Id(name).Params(jen.Id("s").String()).Bool().Block(
		jen.Const().Id("table").Op("=").Lit(string(table)),
		jen.Const().Id("accept").Op("=").Lit(string(accept)),
		jen.Id("st").Op(":=").Lit(d.Start),
		jen.For(jen.Id("i").Op(":=").Lit(0), jen.Id("i").Op("<").Len(jen.Id("s")), jen.Id("i").Op("++")).Block(
			jen.Id("c").Op(":=").Id("s").Index(jen.Id("i")),
			jen.If(jen.Id("c").Op(">=").Lit(0x80)).Block(jen.Return(slow)),
			jen.Id("st").Op("=").Int().Parens(jen.Id("table").Index(jen.Id("st").Op("<<").Lit(7).Op("|").Int().Parens(jen.Id("c")))),
			jen.If(jen.Id("st").Op("==").Lit(0)).Block(jen.Return(jen.False())),
		),
		jen.Return(jen.Id("accept").Index(jen.Id("st")).Op("==").Lit(1)),
	)
	return nil
}

// anyCodingIn emits the helper that checks a CodeableConcept against a
// required binding: at least one coding must be in the value set.
func (e *emitter) anyCodingIn(f *jen.File) {
	comments(f.Add, "anyCodingIn reports whether some coding of cc is in a value set.")
	f.Func().Id("anyCodingIn").Params(jen.Id("cc").Op("*").Id("CodeableConcept"), jen.Id("in").Func().Params(jen.Id("system"), jen.Id("code").String()).Bool()).Bool().Block(
		jen.For(jen.Id("i").Op(":=").Range().Id("cc").Dot("Coding")).Block(
			jen.Id("c").Op(":=").Op("&").Id("cc").Dot("Coding").Index(jen.Id("i")),
			jen.If(jen.Id("in").Call(jen.Id("c").Dot("GetSystem").Call().Dot("GetValue").Call(), jen.Id("c").Dot("GetCode").Call().Dot("GetValue").Call())).Block(jen.Return(jen.True())),
		),
		jen.Return(jen.False()),
	)
}

// codeSetMembership emits in<CodeSet>(system, code), and anyCodingIn once.
func (e *emitter) codeSetMembership(f *jen.File, cs *model.CodeSet) {
	bySystem := map[string][]string{}
	var systems []string
	for _, c := range cs.Codes {
		if _, ok := bySystem[c.System]; !ok {
			systems = append(systems, c.System)
		}
		bySystem[c.System] = append(bySystem[c.System], c.Code)
	}
	commentf(f.Add, "in%s reports whether a code (from system, or from any system when system is \"\") is in the value set %s.", cs.GoName, cs.URL)
	f.Func().Id("in"+cs.GoName).Params(jen.Id("system"), jen.Id("code").String()).Bool().BlockFunc(func(g *jen.Group) {
		for _, sys := range systems {
			var lits []jen.Code
			for _, c := range bySystem[sys] {
				lits = append(lits, jen.Lit(c))
			}
			g.If(jen.Id("system").Op("==").Lit(sys).Op("||").Id("system").Op("==").Lit("")).Block(
				jen.Switch(jen.Id("code")).Block(jen.Case(lits...).Block(jen.Return(jen.True()))),
			)
		}
		g.Return(jen.False())
	})
}

// operationOutcome emits Issues.ToOperationOutcome when the package has the
// OperationOutcome resource with the elements it needs.
func (e *emitter) operationOutcome() (*jen.File, bool) {
	var oo *model.Type
	for _, t := range e.pkg.Types {
		if t.Kind == model.KindResource && t.Name == "OperationOutcome" {
			oo = t
		}
	}
	if oo == nil {
		return nil, false
	}
	issueF := fieldByName(oo, "issue")
	if issueF == nil || issueF.Type == nil {
		return nil, false
	}
	it := issueF.Type.Type
	sev, code, diag, expr := fieldByName(it, "severity"), fieldByName(it, "code"), fieldByName(it, "diagnostics"), fieldByName(it, "expression")
	if sev == nil || code == nil || diag == nil || expr == nil || sev.Type == nil || code.Type == nil || sev.Type.CodeSet == nil || code.Type.CodeSet == nil {
		return nil, false
	}
	f := e.newFile()
	comments(f.Add, "ToOperationOutcome turns the issues into an OperationOutcome, one issue each (severity, code, the message as diagnostics, the location as expression). With no issues it holds one informational \"All OK\" issue, since an OperationOutcome needs at least one.")
	f.Func().Params(jen.Id("is").Id("Issues")).Id("ToOperationOutcome").Params().Op("*").Id(oo.GoName).BlockFunc(func(g *jen.Group) {
		g.Id("oo").Op(":=").Op("&").Id(oo.GoName).Values()
		g.If(jen.Len(jen.Id("is")).Op("==").Lit(0)).Block(
			jen.Id("is").Op("=").Id("Issues").Values(jen.Values(jen.Dict{
				jen.Id("Severity"): jen.Qual(e.fhirPath(), "SeverityInformation"),
				jen.Id("Code"):     jen.Lit("informational"),
				jen.Id("Message"):  jen.Lit("All OK"),
			})),
		)
		g.For(jen.List(jen.Id("_"), jen.Id("i")).Op(":=").Range().Id("is")).BlockFunc(func(b *jen.Group) {
			b.Id("msg").Op(":=").Id("i").Dot("Message")
			b.If(jen.Id("i").Dot("Key").Op("!=").Lit("")).Block(jen.Id("msg").Op("+=").Lit(" [").Op("+").Id("i").Dot("Key").Op("+").Lit("]"))
			b.Id("issue").Op(":=").Id(it.GoName).Values(jen.Dict{
				jen.Id(sev.GoName):  jen.Id("NewCode").Call(jen.Id(sev.Type.CodeSet.GoName).Parens(jen.Id("i").Dot("Severity"))),
				jen.Id(code.GoName): jen.Id("NewCode").Call(jen.Id(code.Type.CodeSet.GoName).Parens(jen.Id("i").Dot("Code"))),
				jen.Id(diag.GoName): jen.Id("New" + diag.Type.Type.GoName).Call(jen.Id("msg")),
			})
			b.If(jen.Id("i").Dot("Path").Op("!=").Lit("")).Block(
				jen.Id("issue").Dot(expr.GoName).Op("=").Index().Id(expr.Type.Type.GoName).Values(jen.Op("*").Id("New" + expr.Type.Type.GoName).Call(jen.Id("i").Dot("Path"))),
			)
			b.Id("oo").Dot(issueF.GoName).Op("=").Append(jen.Id("oo").Dot(issueF.GoName), jen.Id("issue"))
		})
		g.Return(jen.Id("oo"))
	})
	return f, true
}
