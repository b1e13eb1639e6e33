package emit

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/fhirgen/fhirgen/generator/model"
)

// Profile checks: what a constraint definition (a profile, an extension)
// adds to its base type, generated from its snapshot: tighter cardinality,
// restricted choice types, fixed and pattern values, at any depth.

// pnode is one element of a profile with its children and, for a sliced
// element, its slices.
type pnode struct {
	el       *model.ProfileElement
	children []*pnode
	slices   []*pnode
}

func profileTree(p *model.Profile) *pnode {
	root := &pnode{}
	byID := map[string]*pnode{p.BaseType: root}
	for _, el := range p.Elements {
		n := &pnode{el: el}
		byID[el.ID] = n
		dot := strings.LastIndexByte(el.ID, '.')
		if colon := strings.LastIndexByte(el.ID, ':'); colon > dot {
			if sliced, ok := byID[el.ID[:colon]]; ok {
				sliced.slices = append(sliced.slices, n)
			}
			continue
		}
		if parent, ok := byID[el.ID[:dot]]; ok {
			parent.children = append(parent.children, n)
		}
	}
	return root
}

// name is the element's name (value[x] for a choice), without a slice name.
func (n *pnode) name() string {
	id := n.el.ID
	last := id[strings.LastIndexByte(id, '.')+1:]
	if i := strings.IndexByte(last, ':'); i >= 0 {
		last = last[:i]
	}
	return last
}

func fieldByName(t *model.Type, name string) *model.Field {
	stem := strings.TrimSuffix(name, "[x]")
	for _, f := range t.Fields {
		if f.Name == stem {
			return f
		}
	}
	return nil
}

// narrowed returns the option types of a choice that the profile allows.
func narrowed(fd *model.Field, el *model.ProfileElement) []*model.ChoiceOption {
	if fd.Choice == nil || len(el.Types) == 0 {
		return nil
	}
	var out []*model.ChoiceOption
	for _, o := range fd.Choice.Options {
		for _, t := range el.Types {
			if t.Code == o.Ref.Code {
				out = append(out, o)
			}
		}
	}
	return out
}

// valueType is the model type of a field's value, or nil for a choice whose
// type the profile does not narrow to one.
func valueType(fd *model.Field, el *model.ProfileElement) *model.Type {
	if fd.Choice != nil {
		if opts := narrowed(fd, el); len(opts) == 1 {
			return opts[0].Ref.Type
		}
		return nil
	}
	if fd.Type == nil {
		return nil
	}
	return fd.Type.Type
}

// constrained reports whether a node or its descendants add anything to the base.
func (e *emitter) constrained(n *pnode, t *model.Type) bool {
	fd := fieldByName(t, n.name())
	if fd == nil {
		return false
	}
	el := n.el
	if el.Min > fd.Min || (el.Max >= 0 && (fd.Max < 0 || el.Max < fd.Max)) || el.Fixed != nil || el.Pattern != nil || el.MinValue != nil || el.MaxValue != nil || len(n.slices) > 0 || newBinding(el, fd) || len(e.datatypeProfiles(el)) > 0 {
		return true
	}
	if fd.Choice != nil && len(narrowed(fd, el)) < len(fd.Choice.Options) {
		return true
	}
	if vt := valueType(fd, el); vt != nil {
		for _, c := range n.children {
			if e.constrained(c, vt) {
				return true
			}
		}
	}
	return false
}

// extensionValidator emits validateExtension<Name>, which checks an
// Extension against an extension definition.
func (e *emitter) extensionValidator(f *jen.File, pr *model.Profile) {
	commentf(f.Add, "%s checks an extension against its definition %s.", extValidatorName(pr), pr.URL)
	f.Func().Id(extValidatorName(pr)).Params(jen.Id("v").Op("*").Id("validator"), jen.Id("x").Op("*").Id(pr.Base.GoName)).BlockFunc(func(g *jen.Group) {
		counter := 0
		e.profileChecks(g, f, pr, profileTree(pr), pr.Base, jen.Id("x"), &counter, 0)
	})
}

// profileChecks emits the checks of n's children on the value val (a pointer
// to t) at the validator's current location.
func (e *emitter) profileChecks(g *jen.Group, f *jen.File, pr *model.Profile, n *pnode, t *model.Type, val *jen.Statement, counter *int, depth int) {
	for _, c := range n.children {
		if !e.constrained(c, t) {
			continue
		}
		fd := fieldByName(t, c.name())
		el := c.el
		x := val.Clone().Dot(fd.GoName)
		name := fd.Name
		count := jen.Len(x.Clone())
		if !fd.Repeats() {
			if kindOf(fd) == kindAttr && fd.Min >= 1 {
				count = jen.Id("b2i").Call(x.Clone().Op("!=").Lit(""))
			} else {
				count = jen.Id("b2i").Call(x.Clone().Op("!=").Nil())
			}
		}
		if el.Min > fd.Min {
			g.If(count.Clone().Op("<").Lit(el.Min)).Block(jen.Id("v").Dot("Min").Call(jen.Lit(name), jen.Lit(el.Min), count.Clone()))
		}
		if el.Max >= 0 && (fd.Max < 0 || el.Max < fd.Max) {
			g.If(count.Clone().Op(">").Lit(el.Max)).Block(jen.Id("v").Dot("Max").Call(jen.Lit(name), jen.Lit(el.Max), count.Clone()))
		}
		if fd.Choice != nil {
			if opts := narrowed(fd, el); len(opts) < len(fd.Choice.Options) {
				var cases []jen.Code
				var names []string
				cases = append(cases, jen.Nil())
				for _, o := range opts {
					cases = append(cases, jen.Op("*").Add(e.typeExpr(o.Ref)))
					names = append(names, o.Ref.Code)
				}
				g.Switch(x.Clone().Assert(jen.Type())).Block(
					jen.Case(cases...),
					jen.Default().Block(jen.Id("v").Dot("AddAt").Call(jen.Lit(name), jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("structure"),
						jen.Lit(name+"[x] must be one of: "+strings.Join(names, ", ")), jen.Lit(""))),
				)
			}
		}
		if len(c.slices) > 0 && el.Slicing != nil && fd.Repeats() {
			if vt := valueType(fd, el); vt != nil {
				e.slicing(g, f, pr, c, fd, vt, x, counter, depth)
			}
		}
		if kindOf(fd) == kindAttr {
			for _, pv := range []*model.Value{el.Fixed, el.Pattern} {
				if pv != nil && pv.Kind == model.ValueString {
					g.If(x.Clone().Op("!=").Lit("").Op("&&").Add(x.Clone()).Op("!=").Lit(pv.Str)).Block(
						jen.Id("v").Dot("AddAt").Call(jen.Lit(name), jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("value"),
							jen.Lit(fmt.Sprintf("the value must be %q", pv.Str)), jen.Lit("")),
					)
				}
			}
			continue
		}
		vt := valueType(fd, el)
		if vt == nil {
			continue
		}
		dts := e.datatypeProfiles(el)
		inner := el.Fixed != nil || el.Pattern != nil || el.MinValue != nil || el.MaxValue != nil || newBinding(el, fd) || len(dts) > 0
		if len(c.slices) > 0 {
			inner = false // the slicing above checked the items
		}
		for _, cc := range c.children {
			inner = inner || e.constrained(cc, vt)
		}
		if !inner {
			continue
		}
		// the value(s), each checked for fixed/pattern and its children
		each := func(body func(g *jen.Group, y *jen.Statement)) {
			jsonName := name
			if fd.Choice != nil {
				jsonName = name + upperFirstASCII(c.el.Types[0].Code)
			}
			switch {
			case fd.Choice != nil:
				g.If(jen.List(jen.Id(yName(depth)), jen.Id("ok")).Op(":=").Add(x.Clone()).Assert(jen.Op("*").Add(e.typeExpr(narrowed(fd, el)[0].Ref))), jen.Id("ok").Op("&&").Id(yName(depth)).Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
					g.Add(push(jsonName, jen.Lit(-1)))
					body(g, jen.Id(yName(depth)))
					g.Add(pop())
				})
			case fd.Repeats():
				g.For(jen.Id(iName(depth)).Op(":=").Range().Add(x.Clone())).BlockFunc(func(g *jen.Group) {
					g.Id(yName(depth)).Op(":=").Op("&").Add(x.Clone()).Index(jen.Id(iName(depth)))
					g.Add(push(jsonName, jen.Id(iName(depth))))
					body(g, jen.Id(yName(depth)))
					g.Add(pop())
				})
			default:
				g.If(jen.Id(yName(depth)).Op(":=").Add(x.Clone()), jen.Id(yName(depth)).Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
					g.Add(push(jsonName, jen.Lit(-1)))
					body(g, jen.Id(yName(depth)))
					g.Add(pop())
				})
			}
		}
		each(func(g *jen.Group, y *jen.Statement) {
			for _, fp := range []struct {
				v     *model.Value
				exact bool
			}{{el.Fixed, true}, {el.Pattern, false}} {
				if fp.v == nil {
					continue
				}
				*counter++
				fn := fmt.Sprintf("match%s%d", pr.GoName, *counter)
				ref := fd.Type
				if fd.Choice != nil {
					ref = narrowed(fd, el)[0].Ref
				}
				e.valueMatcher(f, fn, ref, vt, fp.v)
				what := "pattern"
				if fp.exact {
					what = "fixed value"
				}
				g.If(jen.Op("!").Id(fn).Call(y.Clone())).Block(
					jen.Id("v").Dot("Add").Call(jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("value"),
						jen.Lit("the value does not match the "+what+" "+renderValue(fp.v)), jen.Lit("")),
				)
			}
			ref := fd.Type
			if fd.Choice != nil {
				ref = narrowed(fd, el)[0].Ref
			}
			e.boundCheck(g, pr, el, y, ref.Type, el.MinValue, "less than the minimum", "<")
			e.boundCheck(g, pr, el, y, ref.Type, el.MaxValue, "greater than the maximum", ">")
			if newBinding(el, fd) {
				g.If(jen.Op("!").Parens(e.codesTest(y, vt, el.Binding.Codes))).Block(
					jen.Id("v").Dot("Add").Call(jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("code-invalid"),
						jen.Lit("the value is not in the value set "+el.Binding.ValueSet+" (a required binding of the profile)"), jen.Lit("")),
				)
			}
			e.applyDatatypeProfiles(g, dts, y)
			e.profileChecks(g, f, pr, c, vt, y, counter, depth+1)
		})
	}
}

// boundCheck emits the check of a value (y, of type t) against a profile's
// minValue or maxValue (op "<": y must not be below it; ">": not above):
// numbers by value, dates and times at the precision they share, a
// Quantity in the same unit or one a metric prefix converts to (see
// fhir.CompareQuantities). A value that cannot be ordered against the
// bound passes.
func (e *emitter) boundCheck(g *jen.Group, pr *model.Profile, el *model.ProfileElement, y *jen.Statement, t *model.Type, bound *model.Value, what, op string) {
	if bound == nil {
		return
	}
	var cmp *jen.Statement
	switch {
	case t == nil:
	case t.Name == "Quantity" && bound.Kind == model.ValueObject:
		field := func(name string) string {
			for _, f := range bound.Fields {
				if f.Name == name {
					return f.Value.Str
				}
			}
			return ""
		}
		cmp = jen.Qual(e.fhirPath(), "CompareQuantities").Call(
			y.Clone().Dot("GetValue").Call().Dot("GetValue").Call(), y.Clone().Dot("GetSystem").Call().Dot("GetValue").Call(), y.Clone().Dot("GetCode").Call().Dot("GetValue").Call(),
			jen.Qual(e.fhirPath(), "Decimal").Parens(jen.Lit(field("value"))), jen.Lit(field("system")), jen.Lit(field("code")))
	case t.Value == nil:
	case t.Value.GoType == "Decimal" && bound.Kind == model.ValueNumber:
		cmp = jen.Qual(e.fhirPath(), "CompareDecimals").Call(y.Clone().Dot("GetValue").Call(), jen.Qual(e.fhirPath(), "Decimal").Parens(jen.Lit(bound.Str)))
	case (t.Value.GoType == "int32" || t.Value.GoType == "int64") && bound.Kind == model.ValueNumber:
		if n, err := strconv.ParseInt(bound.Str, 10, 64); err == nil {
			g.If(y.Clone().Dot("Value").Op("!=").Nil().Op("&&").Int64().Parens(y.Clone().Dot("GetValue").Call()).Op(op).Lit(int(n))).Block(boundIssue(e, what, bound))
			return
		}
	case t.Value.System == "Date" || t.Value.System == "DateTime" || t.Value.System == "Time":
		cmp = jen.Qual(e.fhirPath(), "CompareDateTimes").Call(y.Clone().Dot("GetValue").Call(), jen.Lit(bound.Str))
	}
	if cmp == nil {
		e.warn(fmt.Sprintf("%s: %s: a %s bound on a value of type %s is not checked", pr.Source, el.ID, bound.TypeCode, el.Path))
		return
	}
	guard := jen.Null()
	if t.Name == "Quantity" {
		guard = y.Clone().Dot("Value").Op("!=").Nil().Op("&&")
	}
	g.If(jen.List(jen.Id("c"), jen.Id("ok")).Op(":=").Add(cmp), guard.Id("ok").Op("&&").Id("c").Op(op).Lit(0)).Block(boundIssue(e, what, bound))
}

// boundIssue is the error a value out of a profile's bounds gets.
func boundIssue(e *emitter, what string, bound *model.Value) jen.Code {
	return jen.Id("v").Dot("Add").Call(jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("value"),
		jen.Lit("the value is "+what+" "+renderValue(bound)+" the profile allows"), jen.Lit(""))
}

// datatypeProfiles are the generated datatype profiles an element's type
// names (Identifier with profile au-ihi): a value must conform to one of
// them. None when the element names no profile, or names its type's own
// definition among them (any value of the type will do then).
func (e *emitter) datatypeProfiles(el *model.ProfileElement) []*model.Profile {
	if el == nil || len(el.Types) != 1 || len(el.Types[0].Profiles) == 0 || el.Types[0].Type == nil {
		return nil
	}
	var out []*model.Profile
	for _, u := range el.Types[0].Profiles {
		if url, _, _ := strings.Cut(u, "|"); url == el.Types[0].Type.URL {
			return nil
		}
		found := e.generatedProfile(u, func(pr *model.Profile) bool {
			return !pr.Extension && pr.Base != nil && pr.Base.Kind == model.KindComplex
		})
		if found == nil {
			return nil // not a generated datatype profile: nothing to apply
		}
		out = append(out, found)
	}
	return out
}

// applyDatatypeProfiles emits the check of a value (y) against the datatype
// profiles its element names: one profile's issues are recorded where the
// value is; of several, the value must conform to one.
func (e *emitter) applyDatatypeProfiles(g *jen.Group, dts []*model.Profile, y *jen.Statement) {
	switch len(dts) {
	case 0:
		return
	case 1:
		dt := dts[0]
		if dt.Package == e.pkg {
			g.Id("validate"+dt.GoName).Call(jen.Id("v"), y.Clone())
			return
		}
		g.Qual(dt.Package.ImportPath, "ValidateAt"+dt.GoName).Call(jen.Op("&").Id("v").Dot("Recorder"), y.Clone())
		return
	}
	var conds []jen.Code
	var urls []string
	for _, dt := range dts {
		conds = append(conds, jen.Qual(dt.Package.ImportPath, "ProfileIssues"+dt.GoName).Call(y.Clone()).Dot("HasErrors").Call())
		urls = append(urls, dt.URL)
	}
	g.If(andAll(conds)).Block(
		jen.Id("v").Dot("Add").Call(jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("structure"),
			jen.Lit("the value conforms to none of the profiles "+strings.Join(urls, ", ")), jen.Lit("")),
	)
}

// andAll joins conditions with &&.
func andAll(conds []jen.Code) *jen.Statement {
	expr := jen.Add(conds[0])
	for _, c := range conds[1:] {
		expr = expr.Op("&&").Add(c)
	}
	return expr
}

// newBinding reports whether a profile element has a required binding its
// base does not (checked by the profile), with an expansion to check it by,
// on an element of one type.
func newBinding(el *model.ProfileElement, fd *model.Field) bool {
	if el.Binding == nil || el.Binding.Codes == nil || valueType(fd, el) == nil {
		return false
	}
	base := fd.Binding
	return base == nil || base.Strength != "required" || strings.SplitN(base.ValueSet, "|", 2)[0] != strings.SplitN(el.Binding.ValueSet, "|", 2)[0]
}

// emptySwitch matches a rendered switch whose cases do nothing.
var emptySwitch = regexp.MustCompile(`^switch \w+ \{(\s*case \d+:)*\s*\}$`)

func yName(depth int) string { return fmt.Sprintf("y%d", depth) }
func iName(depth int) string { return fmt.Sprintf("i%d", depth) }

func upperFirstASCII(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// renderValue writes a fixed or pattern value as compact JSON for messages.
func renderValue(v *model.Value) string {
	var walk func(v *model.Value) any
	walk = func(v *model.Value) any {
		switch v.Kind {
		case model.ValueObject:
			m := map[string]any{}
			for _, f := range v.Fields {
				m[f.Name] = walk(f.Value)
			}
			return m
		case model.ValueArray:
			var a []any
			for _, it := range v.Items {
				a = append(a, walk(it))
			}
			return a
		case model.ValueString:
			return v.Str
		default:
			return json.RawMessage(v.Str)
		}
	}
	b, _ := json.Marshal(walk(v))
	return string(b)
}

// valueMatcher emits func fn(x *T) bool: x has every property of the value
// (a pattern: the instance may have more; for a fixed primitive the same).
func (e *emitter) valueMatcher(f *jen.File, fn string, ref *model.TypeRef, t *model.Type, v *model.Value) {
	recv := jen.Op("*").Add(e.typeExpr(ref))
	f.Func().Id(fn).Params(jen.Id("x").Add(recv)).Bool().Block(
		jen.Return(e.matchExpr(jen.Id("x"), t, v, 0)),
	)
}

// matchExpr is a boolean expression: val (a pointer to t) matches v.
func (e *emitter) matchExpr(val *jen.Statement, t *model.Type, v *model.Value, depth int) *jen.Statement {
	return e.matchValue(val, true, t, v, depth)
}

// matchValue is matchExpr; mayBeNil is false for the address of a list
// item (which needs no nil check).
func (e *emitter) matchValue(val *jen.Statement, mayBeNil bool, t *model.Type, v *model.Value, depth int) *jen.Statement {
	notNil := func() *jen.Statement {
		if !mayBeNil {
			return jen.Null()
		}
		return val.Clone().Op("!=").Nil().Op("&&")
	}
	if t.Kind == model.KindPrimitive {
		var lit jen.Code
		cmp := jen.Op("*").Add(val.Clone()).Dot("Value")
		switch t.Value.GoType {
		case "bool":
			lit = jen.Lit(v.Str == "true")
		case "int32", "int64":
			lit = jen.Id(v.Str)
		case "Decimal":
			return notNil().Add(val.Clone()).Dot("Value").Op("!=").Nil().Op("&&").Qual(e.fhirPath(), "DecimalEqual").Call(jen.Op("*").Add(val.Clone()).Dot("Value"), jen.Lit(v.Str))
		default:
			cmp = jen.String().Parens(jen.Op("*").Add(val.Clone()).Dot("Value"))
			lit = jen.Lit(v.Str)
		}
		return notNil().Add(val.Clone()).Dot("Value").Op("!=").Nil().Op("&&").Add(cmp).Op("==").Add(lit)
	}
	if v.Kind != model.ValueObject {
		return jen.False()
	}
	var conds []*jen.Statement
	if mayBeNil {
		conds = append(conds, val.Clone().Op("!=").Nil())
	}
	for _, prop := range v.Fields {
		fd, opt := jsonField(t, prop.Name)
		if fd == nil {
			return jen.False() // the instance's type cannot hold it
		}
		var ft *model.Type
		if opt != nil {
			ft = opt.Ref.Type
		} else if fd.Type != nil {
			ft = fd.Type.Type
		}
		x := val.Clone().Dot(fd.GoName)
		switch {
		case kindOf(fd) == kindAttr:
			conds = append(conds, jen.Add(x).Op("==").Lit(prop.Value.Str))
		case opt != nil:
			y := fmt.Sprintf("o%d", depth)
			conds = append(conds, jen.Func().Params().Bool().Block(
				jen.List(jen.Id(y), jen.Id("_")).Op(":=").Add(x).Assert(jen.Op("*").Add(e.typeExpr(opt.Ref))),
				jen.Return(e.matchExpr(jen.Id(y), ft, prop.Value, depth+1)),
			).Call())
		case fd.Repeats():
			items := prop.Value.Items
			if prop.Value.Kind != model.ValueArray {
				items = []*model.Value{prop.Value}
			}
			for _, item := range items {
				i := fmt.Sprintf("i%d", depth)
				conds = append(conds, jen.Func().Params().Bool().Block(
					jen.For(jen.Id(i).Op(":=").Range().Add(x.Clone())).Block(
						jen.If(e.matchValue(jen.Parens(jen.Op("&").Add(x.Clone()).Index(jen.Id(i))), false, ft, item, depth+1)).Block(jen.Return(jen.True())),
					),
					jen.Return(jen.False()),
				).Call())
			}
		default:
			conds = append(conds, e.matchExpr(x, ft, prop.Value, depth+1))
		}
	}
	if len(conds) == 0 {
		return jen.True()
	}
	expr := conds[0]
	for _, c := range conds[1:] {
		expr = expr.Op("&&").Add(c)
	}
	return expr
}

// jsonField finds the field a JSON property name stands for, and for a
// choice property (valueString), the option.
func jsonField(t *model.Type, name string) (*model.Field, *model.ChoiceOption) {
	for _, f := range t.Fields {
		if f.Choice != nil {
			for _, o := range f.Choice.Options {
				if o.JSONName == name {
					return f, o
				}
			}
			continue
		}
		if f.Name == name {
			return f, nil
		}
	}
	return nil, nil
}

// sliceName is the Go name of a slice.
func (n *pnode) sliceName() string { return n.el.SliceName }

// slicing emits the check of a sliced list: each item is matched against the
// slices' discriminators, must match at most one (and, when the slicing is
// closed, one), items come in slice order when it is ordered, each matched
// item is checked against its slice, and each slice's cardinality is
// counted over the items it matched.
func (e *emitter) slicing(g *jen.Group, f *jen.File, pr *model.Profile, c *pnode, fd *model.Field, vt *model.Type, x *jen.Statement, counter *int, depth int) {
	el := c.el
	counts := fmt.Sprintf("counts%d", depth)
	last := fmt.Sprintf("last%d", depth)
	matchers := make([]string, len(c.slices))
	for k, sl := range c.slices {
		*counter++
		fn := fmt.Sprintf("slice%s%d", pr.GoName, *counter)
		e.discriminator(f, fn, pr, el, sl, fd, vt)
		e.sliceFns[sl.el.ID] = fn
		matchers[k] = fn
	}
	// the slices of the list, and the reslices of each slice (mrn/current
	// is a slice of mrn): an item is matched against the slices, then
	// against the reslices of the one it matched
	var top []int
	reslices := map[string][]int{}
	for k, sl := range c.slices {
		if i := strings.LastIndexByte(sl.sliceName(), '/'); i >= 0 {
			parent := sl.sliceName()[:i]
			reslices[parent] = append(reslices[parent], k)
			continue
		}
		top = append(top, k)
	}
	g.BlockFunc(func(g *jen.Group) {
		g.Var().Id(counts).Index(jen.Lit(len(c.slices))).Int()
		if el.Slicing.Ordered {
			g.Id(last).Op(":=").Lit(0)
		}
		g.For(jen.Id(iName(depth)).Op(":=").Range().Add(x.Clone())).BlockFunc(func(g *jen.Group) {
			y := jen.Id(yName(depth))
			g.Add(y.Clone()).Op(":=").Op("&").Add(x.Clone()).Index(jen.Id(iName(depth)))
			g.Add(push(fd.Name, jen.Id(iName(depth))))
			var match func(g *jen.Group, of []int, what string, sl *model.Slicing, level int)
			match = func(g *jen.Group, of []int, what string, slicing *model.Slicing, level int) {
				m, n := fmt.Sprintf("m%d_%d", depth, level), fmt.Sprintf("n%d_%d", depth, level)
				if level == 0 {
					m, n = fmt.Sprintf("m%d", depth), fmt.Sprintf("n%d", depth)
				}
				var names []string
				for _, k := range of {
					names = append(names, c.slices[k].sliceName())
				}
				g.List(jen.Id(m), jen.Id(n)).Op(":=").List(jen.Lit(-1), jen.Lit(0))
				for _, k := range of {
					g.If(jen.Id(matchers[k]).Call(y.Clone(), jen.Id("v").Dot("within"))).Block(jen.List(jen.Id(m), jen.Id(n)).Op("=").List(jen.Lit(k), jen.Id(n).Op("+").Lit(1)))
				}
				g.Switch().BlockFunc(func(sw *jen.Group) {
					sw.Case(jen.Id(n).Op(">").Lit(1)).Block(
						jen.Id("v").Dot("Add").Call(jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("structure"),
							jen.Lit("the item matches more than one slice of "+what+" ("+strings.Join(names, ", ")+")"), jen.Lit("")),
					)
					if slicing != nil && slicing.Rules == "closed" {
						sw.Case(jen.Id(n).Op("==").Lit(0)).Block(
							jen.Id("v").Dot("Add").Call(jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("structure"),
								jen.Lit("the item matches no slice of "+what+", and the slicing is closed (slices: "+strings.Join(names, ", ")+")"), jen.Lit("")),
						)
					}
					sw.Case(jen.Id(n).Op("==").Lit(1)).BlockFunc(func(g *jen.Group) {
						g.Id(counts).Index(jen.Id(m)).Op("++")
						if level == 0 && el.Slicing.Ordered {
							g.If(jen.Id(m).Op("<").Id(last)).Block(
								jen.Id("v").Dot("Add").Call(jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("structure"),
									jen.Lit("the item is out of order: the slices of "+what+" are ordered ("+strings.Join(names, ", ")+")"), jen.Lit("")),
							)
							g.Id(last).Op("=").Id(m)
						}
						// each slice's checks of its items, and its reslices
						// (none when no slice has any)
						sw := jen.Switch(jen.Id(m)).BlockFunc(func(sw2 *jen.Group) {
							for _, k := range of {
								sl := c.slices[k]
								sw2.Case(jen.Lit(k)).BlockFunc(func(g *jen.Group) {
									e.applyDatatypeProfiles(g, e.datatypeProfiles(sl.el), y)
									e.profileChecks(g, f, pr, sl, vt, y.Clone(), counter, depth+1)
									if rs := reslices[sl.sliceName()]; len(rs) > 0 {
										match(g, rs, sl.sliceName(), sl.el.Slicing, level+1)
									}
								})
							}
						})
						if !emptySwitch.MatchString(fmt.Sprintf("%#v", sw)) {
							g.Add(sw)
						}
					})
				})
			}
			match(g, top, fd.Name, el.Slicing, 0)
			g.Add(pop())
		})
		for k, sl := range c.slices {
			cnt := jen.Id(counts).Index(jen.Lit(k))
			label := "slice " + sl.sliceName() + ": "
			if sl.el.Min > 0 && !e.unrecognizable(sl.el) {
				g.If(cnt.Clone().Op("<").Lit(sl.el.Min)).Block(
					jen.Id("v").Dot("AddAt").Call(jen.Lit(fd.Name), jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("required"),
						jen.Lit(label+fmt.Sprintf("minimum required = %d, but only found ", sl.el.Min)).Op("+").Qual("strconv", "Itoa").Call(cnt.Clone()), jen.Lit("")),
				)
			}
			if sl.el.Max >= 0 {
				g.If(cnt.Clone().Op(">").Lit(sl.el.Max)).Block(
					jen.Id("v").Dot("AddAt").Call(jen.Lit(fd.Name), jen.Qual(e.fhirPath(), "SeverityError"), jen.Lit("structure"),
						jen.Lit(label+fmt.Sprintf("maximum allowed = %d, but found ", sl.el.Max)).Op("+").Qual("strconv", "Itoa").Call(cnt.Clone()), jen.Lit("")),
				)
			}
		}
	})
}

// discriminator emits fn(item) bool: whether an item of a sliced element
// belongs to a slice, by the slicing's discriminators (pattern and value: the
// slice's value at the path; exists: its cardinality there; type: its type).
func (e *emitter) discriminator(f *jen.File, fn string, pr *model.Profile, sliced *model.ProfileElement, sl *pnode, fd *model.Field, vt *model.Type) {
	var ref *model.TypeRef
	if fd.Type != nil {
		ref = fd.Type
	}
	param := jen.Op("*").Id(vt.GoName)
	if ref != nil {
		param = jen.Op("*").Add(e.typeExpr(ref))
	}
	var conds []jen.Code
	for _, k := range sl.el.Keys {
		if k.Unknowable != "" {
			e.warn(fmt.Sprintf("%s: %s: slice %s is never recognized, so its items are not checked against it and its minimum is not enforced: %s", pr.Source, sl.el.ID, sl.sliceName(), k.Unknowable))
			conds = []jen.Code{jen.False()}
			break
		}
		if k.Any {
			continue // the slice leaves this discriminator open
		}
		e.navProblem = ""
		c, problem := e.sliceKeyMatch(k, vt)
		if problem == "" {
			problem = e.navProblem
		}
		if problem != "" {
			if !e.lenient {
				e.fail(fmt.Errorf("%s: %s: slice %s: %s (-lenient makes this a warning)", pr.Source, sl.el.ID, sl.sliceName(), problem))
				c = jen.False()
			} else {
				e.warn(fmt.Sprintf("%s: %s: slice %s is never recognized, so its items are not checked against it and its minimum is not enforced (-lenient): %s", pr.Source, sl.el.ID, sl.sliceName(), problem))
				e.unrecognized[sl.el.ID] = true
				conds = []jen.Code{jen.False()}
				break
			}
		}
		conds = append(conds, c)
	}
	commentf(f.Add, "%s reports whether an item of %s belongs to the slice %s.", fn, sliced.ID, sl.sliceName())
	f.Func().Id(fn).Params(jen.Id("x").Add(param), jen.Id("within").Index().Qual(e.corePath(), "Resource")).Bool().BlockFunc(func(g *jen.Group) {
		// one discriminator after the other (each checks what it reads)
		for _, c := range conds[:max(len(conds)-1, 0)] {
			g.If(jen.Op("!").Parens(c)).Block(jen.Return(jen.False()))
		}
		if len(conds) == 0 {
			g.Return(jen.True())
			return
		}
		g.Return(conds[len(conds)-1])
	})
}

// sliceKeyMatch is the test that an item (x, of type vt) meets one
// resolved discriminator, or why it cannot be generated.
func (e *emitter) sliceKeyMatch(k *model.SliceKey, vt *model.Type) (jen.Code, string) {
	return e.sliceKeyMatchOn(k, vt, jen.Id("x"), true)
}

// sliceKeyMatchOn is sliceKeyMatch on x: the pointer to the item when item
// is true, else a value found from it (a resolved reference).
func (e *emitter) sliceKeyMatchOn(k *model.SliceKey, vt *model.Type, x *jen.Statement, item bool) (jen.Code, string) {
	if k.Problem != "" {
		return nil, k.Problem
	}
	for i, step := range k.Path {
		if step == "resolve()" && i != len(k.Path)-1 {
			return nil, "a discriminator path that goes on after resolve() is not supported yet"
		}
	}
	if n := len(k.Path); n > 0 && k.Path[n-1] == "resolve()" {
		return e.resolvedKeyMatch(k, vt)
	}
	switch k.Type {
	case "value", "pattern":
		if k.Value == nil {
			return e.navMatch(x.Clone(), vt, k.Path, func(v *jen.Statement, t *model.Type) *jen.Statement {
				return e.codesTest(v, t, k.Codes)
			}), ""
		}
		return e.navValue(x.Clone(), vt, k.Path, k.Value), ""
	case "exists":
		return e.navMatch(x.Clone(), vt, k.Path, func(v *jen.Statement, t *model.Type) *jen.Statement {
			return v.Clone().Op("!=").Nil()
		}).Op("==").Lit(k.Exists), ""
	case "type":
		return e.navMatch(x.Clone(), vt, k.Path, func(v *jen.Statement, t *model.Type) *jen.Statement {
			return e.typeTest(v, t, k.Types)
		}), ""
	case "profile":
		if vt.Name == "Extension" && len(k.Path) == 0 {
			// an extension conforms to its definition's profile when it
			// carries its url (the definition's checks run wherever it is)
			var alts []jen.Code
			for _, p := range k.Profiles {
				alts = append(alts, x.Clone().Dot("URL").Op("==").Lit(p))
			}
			return x.Clone().Op("!=").Nil().Op("&&").Parens(orAll(alts)), ""
		}
		var problem string
		cond := e.navMatch(x.Clone(), vt, k.Path, func(v *jen.Statement, t *model.Type) *jen.Statement {
			if t == nil || (t.Kind != model.KindResource && t.Kind != model.KindAbstractResource) {
				problem = "a profile discriminator on a datatype is not supported yet"
				return jen.False()
			}
			var alts []jen.Code
			for _, url := range k.Profiles {
				pr := e.profileByURL(url)
				if pr == nil {
					problem = "the profile " + url + " the discriminator names is not generated (add it with -type)"
					return jen.False()
				}
				check := jen.Id("ProfileIssues" + pr.GoName)
				if pr.Package != e.pkg {
					check = jen.Qual(pr.Package.ImportPath, "ProfileIssues"+pr.GoName)
				}
				// the item conforms when its profile finds no error in it
				arg := v.Clone()
				if item && t.Kind == model.KindAbstractResource && len(k.Path) == 0 {
					arg = jen.Op("*").Add(v.Clone()) // a pointer to an item of a list of resources
				}
				alts = append(alts, jen.Op("!").Add(check).Call(arg, jen.Id("within").Op("...")).Dot("HasErrors").Call())
			}
			if len(k.Types) > 0 {
				alts = append(alts, e.typeTest(v, t, k.Types)) // the targets that are base types
			}
			return orAll(alts) // a nil item fails its profile's validator
		})
		if problem != "" {
			return nil, problem
		}
		if item && vt.Kind == model.KindAbstractResource && len(k.Path) == 0 {
			return x.Clone().Op("!=").Nil().Op("&&").Add(cond), ""
		}
		return cond, ""
	}
	return nil, "unknown discriminator type " + k.Type
}

// resolvedKeyMatch is the test of a type or profile discriminator whose
// path ends in resolve(): the reference is resolved among the resources at
// hand (the one validated, its contained resources, its Bundle) and the
// resource found is tested; an unresolved reference matches nothing.
func (e *emitter) resolvedKeyMatch(k *model.SliceKey, vt *model.Type) (jen.Code, string) {
	var res *model.Type
	for _, t := range e.pkg.Core.Types {
		if t.Name == "Resource" {
			res = t
		}
	}
	if res == nil {
		return nil, "resolve() needs the Resource type"
	}
	inner := *k
	inner.Path = nil
	var problem string
	cond := e.navMatch(jen.Id("x"), vt, k.Path[:len(k.Path)-1], func(v *jen.Statement, t *model.Type) *jen.Statement {
		if t == nil || t.Name != "Reference" {
			problem = "resolve() on something that is not a Reference"
			return jen.False()
		}
		var test jen.Code
		switch k.Type {
		case "type":
			test = e.typeTest(jen.Id("r"), res, k.Types)
		case "profile":
			test, problem = e.sliceKeyMatchOn(&inner, res, jen.Id("r"), false)
		default:
			problem = "a " + k.Type + " discriminator through resolve() is not supported yet"
			return jen.False()
		}
		return v.Clone().Op("!=").Nil().Op("&&").Func().Params().Bool().Block(
			jen.Id("r").Op(":=").Qual(e.corePath(), "ResolveIn").Call(v.Clone().Dot("GetReference").Call().Dot("GetValue").Call(), jen.Id("within").Op("...")),
			jen.Return(jen.Id("r").Op("!=").Nil().Op("&&").Add(test)),
		).Call()
	})
	if problem != "" {
		return nil, problem
	}
	return cond, ""
}

// unrecognizable reports whether a slice can never be recognized from what
// is loaded (see model.SliceKey.Unknowable), or under -lenient from what
// fhirgen can generate.
func (e *emitter) unrecognizable(el *model.ProfileElement) bool {
	if e.unrecognized[el.ID] {
		return true
	}
	for _, k := range el.Keys {
		if k.Unknowable != "" {
			return true
		}
	}
	return false
}

// codesTest is the test that a value (a code, Coding or CodeableConcept)
// holds one of the codes of an expansion.
func (e *emitter) codesTest(v *jen.Statement, t *model.Type, codes []*model.Code) *jen.Statement {
	pairs := map[string]bool{}
	var cases []jen.Code
	for _, c := range codes {
		if k := c.System + "|" + c.Code; !pairs[k] {
			pairs[k] = true
			cases = append(cases, jen.Lit(k))
		}
	}
	in := func(system, code jen.Code) *jen.Statement {
		if len(cases) == 0 {
			return jen.False()
		}
		return jen.Func().Params().Bool().Block(
			jen.Switch(jen.Add(system).Op("+").Lit("|").Op("+").Add(code)).Block(jen.Case(cases...).Block(jen.Return(jen.True()))),
			jen.Return(jen.False()),
		).Call()
	}
	coding := func(c *jen.Statement) *jen.Statement {
		return c.Clone().Dot("GetSystem").Call().Dot("GetValue").Call()
	}
	switch t.Name {
	case "Coding":
		return in(coding(v), v.Clone().Dot("GetCode").Call().Dot("GetValue").Call())
	case "CodeableConcept":
		return v.Clone().Op("!=").Nil().Op("&&").Func().Params().Bool().Block(
			jen.For(jen.Id("i").Op(":=").Range().Add(v.Clone()).Dot("Coding")).Block(
				jen.Id("c").Op(":=").Op("&").Add(v.Clone()).Dot("Coding").Index(jen.Id("i")),
				jen.If(in(coding(jen.Id("c")), jen.Id("c").Dot("GetCode").Call().Dot("GetValue").Call())).Block(jen.Return(jen.True())),
			),
			jen.Return(jen.False()),
		).Call()
	case "CodeableReference": // the binding applies to its concept
		for _, f := range t.Fields {
			if f.Name == "concept" && f.Type != nil && f.Type.Type != nil {
				return e.codesTest(v.Clone().Dot(f.GoName), f.Type.Type, codes)
			}
		}
	case "Quantity": // the binding applies to its unit's system and code, when it has one
		return v.Clone().Dot("Code").Op("==").Nil().Op("||").Add(in(coding(v), v.Clone().Dot("GetCode").Call().Dot("GetValue").Call()))
	}
	if t.Kind != model.KindPrimitive {
		return jen.True() // no coded content to bind
	}
	// a code: any system of the expansion
	var codeCases []jen.Code
	seen := map[string]bool{}
	for _, c := range codes {
		if !seen[c.Code] {
			seen[c.Code] = true
			codeCases = append(codeCases, jen.Lit(c.Code))
		}
	}
	if len(codeCases) == 0 {
		return jen.False()
	}
	return jen.Func().Params().Bool().Block(
		jen.Switch(jen.String().Parens(v.Clone().Dot("GetValue").Call())).Block(jen.Case(codeCases...).Block(jen.Return(jen.True()))),
		jen.Return(jen.False()),
	).Call()
}

// profileByURL finds a generated resource profile by its canonical URL.
func (e *emitter) profileByURL(url string) *model.Profile {
	return e.generatedProfile(url, func(pr *model.Profile) bool {
		return !pr.Extension && pr.Base != nil && pr.Base.Kind == model.KindResource
	})
}

// generatedProfile finds the generated profile or extension with a
// canonical URL (any |version ignored) that is of the kind wanted.
func (e *emitter) generatedProfile(url string, want func(*model.Profile) bool) *model.Profile {
	url, _, _ = strings.Cut(url, "|")
	for _, p := range e.mod.Packages {
		for _, pr := range p.Profiles {
			if pr.URL == url && want(pr) {
				return pr
			}
		}
	}
	return nil
}

// orAll joins conditions with ||.
func orAll(conds []jen.Code) *jen.Statement {
	expr := jen.Add(conds[0])
	for _, c := range conds[1:] {
		expr = expr.Op("||").Add(c)
	}
	return expr
}

// navValue is the test that the value at path under val equals (value)
// or contains (pattern) v; a last step that is an XML attribute in FHIR
// (an extension's url) is a plain string.
func (e *emitter) navValue(val *jen.Statement, t *model.Type, path []string, v *model.Value) *jen.Statement {
	if n := len(path); n > 0 {
		return e.navMatch(val, t, path[:n-1], func(x *jen.Statement, t *model.Type) *jen.Statement {
			if fd := fieldByName(t, path[n-1]); fd != nil && fd.Attribute != nil {
				return x.Clone().Op("!=").Nil().Op("&&").Add(x.Clone()).Dot(fd.GoName).Op("==").Lit(v.Str)
			}
			return e.navMatch(x, t, path[n-1:], func(x *jen.Statement, t *model.Type) *jen.Statement {
				return e.matchExpr(x, t, v, 9)
			})
		})
	}
	return e.matchExpr(val, t, v, 9)
}

// typeTest is true when the value val (of model type t) is of one of the
// FHIR types: for a resource, by its resourceType.
func (e *emitter) typeTest(val *jen.Statement, t *model.Type, types []string) *jen.Statement {
	if len(types) == 0 {
		return jen.True()
	}
	if t.Kind == model.KindAbstractResource {
		var lits []jen.Code
		for _, ty := range types {
			lits = append(lits, jen.Lit(ty))
		}
		return jen.Func().Params().Bool().Block(
			jen.If(val.Clone().Op("==").Nil()).Block(jen.Return(jen.False())),
			jen.Switch(val.Clone().Dot("ResourceType").Call()).Block(jen.Case(lits...).Block(jen.Return(jen.True()))),
			jen.Return(jen.False()),
		).Call()
	}
	for _, ty := range types {
		if ty == t.Name {
			return jen.True()
		}
	}
	return jen.False()
}

// navMatch follows a discriminator path from val (a pointer to t) and applies
// leaf to the value found; on a list, any item will do.
func (e *emitter) navMatch(val *jen.Statement, t *model.Type, segs []string, leaf func(v *jen.Statement, t *model.Type) *jen.Statement) *jen.Statement {
	if len(segs) == 0 {
		return leaf(val, t)
	}
	fd := fieldByName(t, segs[0])
	if fd != nil && fd.Choice != nil && !fd.Repeats() {
		// a choice (value in value.unit): each of its types the rest of
		// the path can be followed in, as FHIRPath does
		var alts []jen.Code
		for _, o := range fd.Choice.Options {
			if o.Ref.Type == nil || (len(segs) > 1 && fieldByName(o.Ref.Type, segs[1]) == nil) {
				continue
			}
			y := fmt.Sprintf("c%d", len(segs))
			alts = append(alts, jen.Func().Params().Bool().Block(
				jen.List(jen.Id(y), jen.Id("ok")).Op(":=").Add(val.Clone().Dot(fd.GoName)).Assert(jen.Op("*").Add(e.typeExpr(o.Ref))),
				jen.Return(jen.Id("ok").Op("&&").Add(e.navMatch(jen.Id(y), o.Ref.Type, segs[1:], leaf))),
			).Call())
		}
		if len(alts) > 0 {
			return val.Clone().Op("!=").Nil().Op("&&").Parens(orAll(alts))
		}
	}
	if fd == nil || fd.Type == nil || fd.Type.Type == nil {
		// reported by discriminator, which knows the slice
		e.navProblem = "the discriminator's path reaches " + segs[0] + ", which " + t.Name + " does not have"
		if fd != nil && fd.Choice != nil && len(segs) > 1 {
			e.navProblem = "the discriminator's path reaches " + segs[1] + ", which none of the types of " + segs[0] + " has"
		}
		return jen.False()
	}
	ft := fd.Type.Type
	x := val.Clone().Dot(fd.GoName)
	if fd.Repeats() {
		i, item := fmt.Sprintf("k%d", len(segs)), fmt.Sprintf("it%d", len(segs))
		return val.Clone().Op("!=").Nil().Op("&&").Func().Params().Bool().Block(
			jen.For(jen.Id(i).Op(":=").Range().Add(x.Clone())).Block(
				jen.Id(item).Op(":=").Op("&").Add(x.Clone()).Index(jen.Id(i)),
				jen.If(e.navMatch(jen.Id(item), ft, segs[1:], leaf)).Block(jen.Return(jen.True())),
			),
			jen.Return(jen.False()),
		).Call()
	}
	return val.Clone().Op("!=").Nil().Op("&&").Add(e.navMatch(x, ft, segs[1:], leaf))
}
