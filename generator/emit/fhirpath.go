package emit

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/fhirgen/fhirgen/generator/fhirpath"
	"github.com/fhirgen/fhirgen/generator/model"
)

// The FHIRPath compiler: an invariant's syntax tree, type checked against the
// model, becomes Go code. Collections are never built: each expression is
// compiled into loops that hand each item to the code that consumes it
// (continuation passing), so that evaluating an invariant allocates nothing.
// Booleans are three-valued: -1 an evaluation error, 0 empty, 1 false, 2 true.

// ikind is the static kind of the items of a compiled collection.
type ikind int

const (
	ikElem   ikind = iota + 1 // a non-nil pointer to a model type
	ikRes                     // a Resource
	ikAny                     // an element of a type known only at run time
	ikBool                    // Go bool
	ikString                  // Go string
	ikInt                     // Go int64
	ikDec                     // a decimal's text
	ikScalar                  // an fpScalar (a boundary: lowBoundary(), highBoundary())
)

type itype struct {
	k ikind
	t *model.Type
}

func (it itype) String() string {
	switch it.k {
	case ikElem:
		return it.t.Name
	case ikRes:
		return "Resource"
	case ikAny:
		return "any"
	case ikBool:
		return "Boolean"
	case ikString:
		return "String"
	case ikInt:
		return "Integer"
	case ikDec:
		return "Decimal"
	case ikScalar:
		return "boundary"
	}
	return "?"
}

// coll is a compiled collection: gen emits code that runs yield for each item.
type coll struct {
	typ itype
	gen func(g *jen.Group, yield func(g *jen.Group, v jen.Code))
	// single marks a collection of exactly one item (one)
	single bool
	// targets are, for References (and the resources they resolve to), the
	// resource types the element's definition lets them point to (none: any)
	targets []string
	// size, when set, adds the number of items to the int64 variable n
	// without yielding them (what count() needs)
	size func(g *jen.Group, n string)
	// val is the item of a single collection
	val jen.Code
	// present, when set, is a Go boolean that holds when the collection
	// has an item (an element of the focus: x.Code != nil), or with has
	// false when it has none
	present func(has bool) jen.Code
	// opt, when set, is a pointer to the collection's only possible item,
	// nil when it has none (a 0..1 element of the focus: x.System)
	opt jen.Code
	// scalar is the fpScalar of a literal's one item
	scalar jen.Code
	// counted, when set, is an int64 expression of the number of items
	// (elements of the focus: fpCount(x.ID != nil) + int64(len(x.Extension)))
	counted jen.Code
}

// fpc compiles the invariants of one package.
type fpc struct {
	e        *emitter
	navNames map[string]bool
	vars     int
	byName   map[string]*model.Type
	// abstracts are the abstract resource types (Resource, DomainResource,
	// and R5's CanonicalResource ...), most general first
	abstracts []*model.Type
	// per invariant: the type it is on, its focus (%context), and notes for
	// the report
	self  *model.Type
	focus coll
	notes []string
	// resolve is set when an invariant uses resolve() (fpResolve is emitted)
	resolve bool
}

type unsupported struct{ msg string }

func (u unsupported) Error() string { return u.msg }

func (c *fpc) fail(format string, args ...any) {
	panic(unsupported{fmt.Sprintf(format, args...)})
}

func (c *fpc) tmp(prefix string) string {
	c.vars++
	return fmt.Sprintf("%s%d", prefix, c.vars)
}

func newFPC(e *emitter) *fpc {
	c := &fpc{e: e, byName: map[string]*model.Type{}, navNames: map[string]bool{}}
	for _, t := range e.pkg.Types {
		c.byName[t.Name] = t
		if t.Kind == model.KindAbstractResource {
			c.abstracts = append(c.abstracts, t)
		}
	}
	sort.SliceStable(c.abstracts, func(i, j int) bool { return len(c.abstracts[i].Implements) < len(c.abstracts[j].Implements) })
	return c
}

// invariant compiles an expression over x (a pointer to t) into a tri-state
// boolean expression: 2 means the constraint holds.
func (c *fpc) invariant(t *model.Type, expr string) (code jen.Code, err error) {
	n, err := fhirpath.Parse(expr)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			u, ok := r.(unsupported)
			if !ok {
				panic(r)
			}
			code, err = nil, u
		}
	}()
	c.vars = 0
	this := c.one(itype{k: ikElem, t: t}, jen.Id("x"))
	if t.Kind == model.KindAbstractResource {
		// x is the abstract type's interface: a resource of a type known
		// at run time, navigated through the interfaces' getters
		this = c.one(itype{k: ikRes, t: t}, jen.Id("x"))
	}
	c.self, c.focus, c.notes = t, this, nil
	return c.truth(c.compile(n, this, this)), nil
}

// one is the collection holding v.
func (c *fpc) one(it itype, v jen.Code) coll {
	return coll{typ: it, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) { yield(g, v) }, single: true, val: v}
}

// literal is the collection of one literal: Go value v, and as an fpScalar
// of kind kind, text.
func (c *fpc) literal(it itype, v jen.Code, kind int, text string) coll {
	col := c.one(it, v)
	col.scalar = jen.Id("fpScalar").Values(jen.Dict{jen.Id("kind"): jen.Lit(kind), jen.Id("s"): jen.Lit(text)})
	return col
}

func (c *fpc) empty(it itype) coll {
	return coll{typ: it, gen: func(*jen.Group, func(*jen.Group, jen.Code)) {}}
}

// tri is a compiled three-valued boolean (Go type int8).
type tri struct {
	code jen.Code
	// konst is its value when known at generation time (1 false, 2 true),
	// else 0
	konst int8
	// pure marks one that is never an error (-1) and cheap: an operator
	// evaluates it without short-circuiting
	pure bool
}

// value is what compile returns: a collection or a boolean.
type value struct {
	c *coll
	b *tri
}

func cv(c coll) value { return value{c: &c} }
func bv(code jen.Code) value {
	return value{b: &tri{code: code}}
}

// bconst is the boolean k (1 false, 2 true), known at generation time.
func bconst(k int8) value {
	return value{b: &tri{code: jen.Int8().Parens(jen.Lit(int(k))), konst: k}}
}

// truth turns a value into a tri-state boolean: a boolean as it is, an empty
// collection empty, a single item true, several an error.
func (c *fpc) truth(v value) jen.Code {
	if v.b != nil {
		return v.b.code
	}
	col := *v.c
	if isFHIRBoolean(col.typ) {
		col = c.boolItems(col)
	}
	if col.typ.k == ikBool {
		return jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
			g.Var().Id("r").Int8()
			g.Id("n").Op(":=").Lit(0)
			col.gen(g, func(g *jen.Group, it jen.Code) {
				g.Id("n").Op("++")
				g.If(jen.Add(it)).Block(jen.Id("r").Op("=").Lit(2)).Else().Block(jen.Id("r").Op("=").Lit(1))
			})
			g.If(jen.Id("n").Op(">").Lit(1)).Block(jen.Return(jen.Lit(-1)))
			g.Return(jen.Id("r"))
		}).Call()
	}
	return jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
		g.Id("n").Op(":=").Lit(0)
		col.gen(g, func(g *jen.Group, it jen.Code) {
			g.Id("_").Op("=").Add(it)
			g.Id("n").Op("++")
		})
		g.Switch(jen.Id("n")).Block(
			jen.Case(jen.Lit(0)).Block(jen.Return(jen.Lit(0))),
			jen.Case(jen.Lit(1)).Block(jen.Return(jen.Lit(2))),
		)
		g.Return(jen.Lit(-1))
	}).Call()
}

func isFHIRBoolean(it itype) bool {
	return it.k == ikElem && it.t.Kind == model.KindPrimitive && it.t.Value.GoType == "bool"
}

// boolItems is a collection of Go bools: a FHIR boolean counts by its value
// (an element without one is left out).
func (c *fpc) boolItems(col coll) coll {
	switch {
	case col.typ.k == ikBool:
		return col
	case isFHIRBoolean(col.typ):
		return coll{typ: itype{k: ikBool}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			col.gen(g, func(g *jen.Group, it jen.Code) {
				b := c.tmp("b")
				g.If(jen.Id(b).Op(":=").Add(it), jen.Id(b).Dot("Value").Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
					yield(g, jen.Op("*").Id(b).Dot("Value"))
				})
			})
		}}
	}
	c.fail("booleans are needed, not %s", col.typ)
	return coll{}
}

// asColl turns a value into a collection (a boolean into zero or one Go bool).
func (c *fpc) asColl(v value) coll {
	if v.c != nil {
		return *v.c
	}
	code := v.b.code
	return coll{typ: itype{k: ikBool}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
		t := c.tmp("t")
		g.If(jen.Id(t).Op(":=").Add(code), jen.Id(t).Op(">=").Lit(1)).BlockFunc(func(g *jen.Group) {
			yield(g, jen.Id(t).Op("==").Lit(2))
		})
	}}
}

// compile compiles n with input in (the focus) and this ($this).
func (c *fpc) compile(n *fhirpath.Node, in, this coll) value {
	switch n.Kind {
	case fhirpath.Literal:
		switch n.Lit {
		case fhirpath.LitBool:
			if n.Value == "true" {
				return bconst(2)
			}
			return bconst(1)
		case fhirpath.LitString:
			return cv(c.literal(itype{k: ikString}, jen.Lit(n.Value), 1, n.Value))
		case fhirpath.LitInteger:
			i, err := strconv.ParseInt(n.Value, 10, 64)
			if err != nil {
				c.fail("integer %s", n.Value)
			}
			return cv(c.literal(itype{k: ikInt}, jen.Int64().Parens(jen.Lit(i)), 2, strconv.FormatInt(i, 10)))
		case fhirpath.LitDecimal:
			return cv(c.literal(itype{k: ikDec}, jen.Lit(n.Value), 2, n.Value))
		}
		c.fail("literal %s is not supported", n)
	case fhirpath.Empty:
		return cv(c.empty(itype{k: ikAny}))
	case fhirpath.Variable:
		if n.Name == "this" {
			return cv(this)
		}
		c.fail("variable $%s is not supported", n.Name)
	case fhirpath.External:
		switch n.Name {
		case "rootResource":
			return cv(coll{typ: itype{k: ikRes}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
				g.If(jen.Id("v").Dot("container").Op("!=").Nil()).BlockFunc(func(g *jen.Group) { yield(g, jen.Id("v").Dot("container")) })
			}})
		case "resource":
			// typed when the invariant is on a resource or on one of its
			// backbone elements
			owner := c.self
			if owner != nil && owner.Owner != nil {
				owner = owner.Owner
			}
			if owner != nil && owner.Kind == model.KindResource {
				return cv(coll{typ: itype{k: ikElem, t: owner}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
					r := c.tmp("res")
					g.If(jen.List(jen.Id(r), jen.Id("ok")).Op(":=").Id("v").Dot("resource").Assert(jen.Op("*").Id(owner.GoName)), jen.Id("ok").Op("&&").Id(r).Op("!=").Nil()).BlockFunc(func(g *jen.Group) { yield(g, jen.Id(r)) })
				}})
			}
			return cv(coll{typ: itype{k: ikRes}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
				g.If(jen.Id("v").Dot("resource").Op("!=").Nil()).BlockFunc(func(g *jen.Group) { yield(g, jen.Id("v").Dot("resource")) })
			}})
		case "context":
			return cv(c.focus)
		case "ucum":
			return cv(c.literal(itype{k: ikString}, jen.Lit("http://unitsofmeasure.org"), 1, "http://unitsofmeasure.org"))
		case "sct":
			return cv(c.literal(itype{k: ikString}, jen.Lit("http://snomed.info/sct"), 1, "http://snomed.info/sct"))
		case "loinc":
			return cv(c.literal(itype{k: ikString}, jen.Lit("http://loinc.org"), 1, "http://loinc.org"))
		}
		c.fail("%%%s is not supported", n.Name)
	case fhirpath.Identifier:
		return cv(c.navigate(in, n.Name))
	case fhirpath.Member:
		return cv(c.navigate(c.asColl(c.compile(n.Target, in, this)), n.Name))
	case fhirpath.Invoke:
		target := in
		if n.Target != nil {
			tv := c.compile(n.Target, in, this)
			if n.Name == "not" && len(n.Args) == 0 && tv.b != nil {
				// not() of a boolean: its negation (one that could not be
				// evaluated is empty, as the HL7 validator has tim-9's
				// (when in (...)).not() on several whens)
				b := *tv.b
				b.code = jen.Id("fpNotBool").Call(b.code)
				if b.konst != 0 {
					b = *bconst(3 - b.konst).b
				}
				return value{b: &b}
			}
			target = c.asColl(tv)
		}
		return c.function(n, target, this)
	case fhirpath.Index:
		base := c.asColl(c.compile(n.Target, in, this))
		idx := c.intValue(c.compile(n.Args[0], this, this))
		return cv(coll{typ: base.typ, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			k := c.tmp("k")
			g.Id(k).Op(":=").Int64().Parens(jen.Lit(0))
			base.gen(g, func(g *jen.Group, it jen.Code) {
				g.If(jen.Id(k).Op("==").Add(idx)).BlockFunc(func(g *jen.Group) { yield(g, it) })
				g.Id(k).Op("++")
			})
		}})
	case fhirpath.Unary:
		if n.Op == "-" {
			c.fail("unary minus on an expression is not supported")
		}
		return c.compile(n.Args[0], in, this)
	case fhirpath.TypeOp:
		col := c.asColl(c.compile(n.Args[0], in, this))
		if n.Op == "as" {
			return cv(c.ofType(col, n.Type))
		}
		return bv(c.isType(col, n.Type))
	case fhirpath.Binary:
		return c.binary(n, in, this)
	}
	c.fail("%s is not supported", n)
	return value{}
}

// fieldPresent tests whether a field of the one item of in has an item
// (as fieldItems yields them) or, has false, none; nil when that takes more
// than a test (in is not one item; a slice of resources may hold nils).
func fieldPresent(in coll, fd *model.Field) func(has bool) jen.Code {
	if !in.single || fd.Repeats() && (kindOf(fd) == kindResource || kindOf(fd) == kindAttr) {
		return nil
	}
	return func(has bool) jen.Code {
		x := jen.Add(in.val).Dot(fd.GoName)
		op := map[bool]string{true: "!=", false: "=="}[has]
		switch {
		case fd.Repeats():
			return jen.Len(x).Op(map[bool]string{true: ">", false: "=="}[has]).Lit(0)
		case kindOf(fd) == kindAttr && fd.Min >= 1:
			return x.Op(op).Lit("")
		}
		return x.Op(op).Nil()
	}
}

// fieldCount is an int64 expression of the number of items of a field of
// the one item of in (as fieldItems yields them), or nil.
func fieldCount(in coll, fd *model.Field) jen.Code {
	has := fieldPresent(in, fd)
	switch {
	case has == nil:
		return nil
	case fd.Repeats():
		return jen.Int64().Call(jen.Len(jen.Add(in.val).Dot(fd.GoName)))
	}
	return jen.Id("fpCount").Call(has(true))
}

// childCount is an int64 expression of the number of children of the one
// item of in (of type t): the sum of its fields' counts, or nil when one of
// them takes more than an expression.
func childCount(in coll, t *model.Type) jen.Code {
	if !in.single {
		return nil
	}
	sum := jen.Int64().Parens(jen.Lit(0))
	for i, fd := range t.Fields {
		term := fieldCount(in, fd)
		if term == nil {
			return nil
		}
		if i == 0 {
			sum = jen.Add(term)
		} else {
			sum = jen.Add(sum).Op("+").Add(term)
		}
	}
	return sum
}

// fieldOpt is the pointer to a 0..1 element of the one item of in, or nil
// when the field is not such an element.
func fieldOpt(in coll, fd *model.Field) jen.Code {
	if !in.single || fd.Repeats() || kindOf(fd) == kindAttr || kindOf(fd) == kindChoice || kindOf(fd) == kindResource {
		return nil
	}
	return jen.Add(in.val).Dot(fd.GoName)
}

// fieldItems navigates from an item of model type t to a field's items.
func (c *fpc) fieldItems(g *jen.Group, v jen.Code, t *model.Type, fd *model.Field, yield func(*jen.Group, jen.Code)) itype {
	x := jen.Add(v).Dot(fd.GoName)
	switch kindOf(fd) {
	case kindAttr:
		if fd.Min >= 1 {
			g.If(x.Clone().Op("!=").Lit("")).BlockFunc(func(g *jen.Group) { yield(g, x.Clone()) })
		} else {
			g.If(x.Clone().Op("!=").Nil()).BlockFunc(func(g *jen.Group) { yield(g, jen.Op("*").Add(x.Clone())) })
		}
		return itype{k: ikString}
	case kindChoice:
		g.If(x.Clone().Op("!=").Nil()).BlockFunc(func(g *jen.Group) { yield(g, x.Clone()) })
		return itype{k: ikAny}
	case kindResource:
		if fd.Repeats() {
			r := c.tmp("r")
			g.For(jen.List(jen.Id("_"), jen.Id(r)).Op(":=").Range().Add(x.Clone())).Block(
				jen.If(jen.Id(r).Op("!=").Nil()).BlockFunc(func(g *jen.Group) { yield(g, jen.Id(r)) }),
			)
		} else {
			g.If(x.Clone().Op("!=").Nil()).BlockFunc(func(g *jen.Group) { yield(g, x.Clone()) })
		}
		return itype{k: ikRes}
	}
	if fd.Repeats() {
		i := c.tmp("i")
		g.For(jen.Id(i).Op(":=").Range().Add(x.Clone())).BlockFunc(func(g *jen.Group) {
			yield(g, jen.Parens(jen.Op("&").Add(x.Clone()).Index(jen.Id(i))))
		})
	} else {
		g.If(x.Clone().Op("!=").Nil()).BlockFunc(func(g *jen.Group) { yield(g, x.Clone()) })
	}
	return itype{k: ikElem, t: fd.Type.Type}
}

// memberOf compiles in.memberOf('url') for a code (a string) or a Coding and
// a value set whose expansion the package holds (one a required binding
// uses): true when the code is in it, false when not, empty for no single
// code. A value set bound nowhere is not compiled.
func (c *fpc) memberOf(in coll, arg *fhirpath.Node) jen.Code {
	if arg.Kind != fhirpath.Literal || arg.Lit != fhirpath.LitString {
		c.fail("memberOf() takes a value set's URL as a string literal")
	}
	url, _, _ := strings.Cut(arg.Value, "|")
	var cs *model.CodeSet
	for _, s := range c.e.pkg.Core.CodeSets {
		if s.URL == url && (s.Emitted || s.Member) {
			cs = s
		}
	}
	if cs == nil {
		c.fail("memberOf(%s): the value set is not expanded in this package (no required binding uses it)", url)
	}
	test := func(system, code jen.Code) jen.Code {
		if !cs.Emitted {
			return jen.Id("in"+cs.GoName).Call(system, code)
		}
		typed := jen.Qual(cs.Package.ImportPath, cs.GoName).Call(code)
		return jen.Add(typed).Dot("IsValid").Call().Op("&&").Parens(jen.Add(system).Op("==").Lit("").Op("||").Add(system).Op("==").Add(typed).Dot("System").Call())
	}
	coding := in.typ.k == ikElem && in.typ.t.Name == "Coding"
	return jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
		if !coding {
			c.singleString(g, in, func(g *jen.Group, s jen.Code) {
				g.If(test(jen.Lit(""), s)).Block(jen.Return(jen.Lit(2)))
				g.Return(jen.Lit(1))
			})
			g.Return(jen.Lit(0))
			return
		}
		// a Coding: its system and code
		n, one := c.tmp("n"), c.tmp("c")
		g.Id(n).Op(":=").Lit(0)
		g.Var().Id(one).Op("*").Add(c.e.typeRefOf(in.typ.t))
		in.gen(g, func(g *jen.Group, v jen.Code) {
			g.Id(n).Op("++")
			g.Id(one).Op("=").Add(v)
		})
		g.If(jen.Id(n).Op("!=").Lit(1)).Block(jen.Return(jen.Lit(0)))
		g.If(test(jen.Id(one).Dot("GetSystem").Call().Dot("GetValue").Call(), jen.Id(one).Dot("GetCode").Call().Dot("GetValue").Call())).Block(jen.Return(jen.Lit(2)))
		g.Return(jen.Lit(1))
	}).Call()
}

// repeat compiles in.repeat(proj) where proj gives elements of one type,
// from the input's and from its own items (PlanDefinition.repeat(action)):
// a worklist, on the stack for up to 16 items, of the items found, each
// yielded and projected in turn. The elements of a resource form a tree, so
// no item is found twice.
func (c *fpc) repeat(in coll, proj *fhirpath.Node) coll {
	probe := func(it itype) itype {
		return c.asColl(c.compile(proj, c.one(it, jen.Id("_")), c.one(it, jen.Id("_")))).typ
	}
	out := probe(in.typ)
	if out.k != ikElem || probe(out) != out {
		// items of several types (repeat(answer | item)): kept as any,
		// and navigated by the type each has at run time
		out = itype{k: ikAny}
		if again := probe(out); again.k != ikAny {
			c.fail("repeat(): its projection gives %s from items of any type", again)
		}
	}
	elem := jen.Any()
	if out.k == ikElem {
		elem = jen.Op("*").Add(c.e.typeRefOf(out.t))
	}
	return coll{typ: out, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
		buf, q, k := c.tmp("buf"), c.tmp("q"), c.tmp("k")
		g.Var().Id(buf).Index(jen.Lit(16)).Add(elem)
		g.Id(q).Op(":=").Id(buf).Index(jen.Empty(), jen.Lit(0))
		enqueue := func(it itype, v jen.Code, g *jen.Group) {
			y := c.tmp("w")
			g.Id(y).Op(":=").Add(v)
			item := c.one(it, jen.Id(y))
			c.asColl(c.compile(proj, item, item)).gen(g, func(g *jen.Group, w jen.Code) {
				g.Id(q).Op("=").Append(jen.Id(q), w)
			})
		}
		in.gen(g, func(g *jen.Group, v jen.Code) { enqueue(in.typ, v, g) })
		g.For(jen.Id(k).Op(":=").Lit(0), jen.Id(k).Op("<").Len(jen.Id(q)), jen.Id(k).Op("++")).BlockFunc(func(g *jen.Group) {
			y := c.tmp("y")
			g.Id(y).Op(":=").Id(q).Index(jen.Id(k))
			yield(g, jen.Id(y))
			enqueue(out, jen.Id(y), g)
		})
	}}
}

// navigateResources compiles in.name on resources of types known only at
// run time, for a name that is not an element of every resource: the
// resource types generated that have the element (all of one item type)
// yield its items; any other resource yields none, as FHIRPath evaluates a
// name a type does not have.
func (c *fpc) navigateResources(in coll, name string) (coll, bool) {
	var hits []*model.Type
	var typ itype
	for _, t := range c.e.pkg.Core.Types {
		fd := fieldByName(t, name)
		if t.Kind != model.KindResource || t.Abstract || fd == nil {
			continue
		}
		if it := c.itemType(fd); len(hits) > 0 && it != typ {
			return coll{}, false
		} else {
			typ = it
		}
		hits = append(hits, t)
	}
	if len(hits) == 0 {
		return coll{}, false
	}
	return coll{typ: typ, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
		in.gen(g, func(g *jen.Group, v jen.Code) {
			r := c.tmp("r")
			if len(hits) == 1 {
				g.If(jen.List(jen.Id(r), jen.Id("ok")).Op(":=").Add(v).Assert(jen.Op("*").Id(hits[0].GoName)), jen.Id("ok")).BlockFunc(func(g *jen.Group) {
					c.fieldItems(g, jen.Id(r), hits[0], fieldByName(hits[0], name), yield)
				})
				return
			}
			g.Switch(jen.Id(r).Op(":=").Add(v).Assert(jen.Type())).BlockFunc(func(sw *jen.Group) {
				for _, h := range hits {
					sw.Case(jen.Op("*").Id(h.GoName)).BlockFunc(func(g *jen.Group) {
						c.fieldItems(g, jen.Id(r), h, fieldByName(h, name), yield)
					})
				}
			})
		})
	}}, true
}

// navigate compiles in.name.
func (c *fpc) navigate(in coll, name string) coll {
	switch in.typ.k {
	case ikElem:
		t := in.typ.t
		fd := fieldByName(t, name)
		if fd == nil {
			if name == t.Name {
				return in // the type name at the start of a path
			}
			// FHIRPath evaluates a name that is not an element to an empty
			// collection; the report says so (it is a fault of the definition)
			c.notes = append(c.notes, fmt.Sprintf("%s has no element %s: it is always empty", t.Name, name))
			return c.empty(itype{k: ikAny})
		}
		var targets []string
		switch {
		case fd.Type != nil && fd.Type.Code == "Reference":
			targets = fd.Type.TargetTypes
		case t.Name == "Reference" && name == "reference":
			targets = in.targets // Reference.reference resolves where its Reference does
		}
		return coll{typ: c.itemType(fd), targets: targets, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			in.gen(g, func(g *jen.Group, v jen.Code) {
				y := c.tmp("y")
				g.Id(y).Op(":=").Add(v)
				c.fieldItems(g, jen.Id(y), t, fd, yield)
			})
		}, present: fieldPresent(in, fd), opt: fieldOpt(in, fd), counted: fieldCount(in, fd)}
	case ikRes:
		if t := c.targetType(in); t != nil && fieldByName(t, name) != nil {
			// a resource a reference of one target type resolved to: as that type
			return c.navigate(coll{typ: itype{k: ikElem, t: t}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
				in.gen(g, func(g *jen.Group, v jen.Code) {
					r := c.tmp("r")
					g.If(jen.List(jen.Id(r), jen.Id("ok")).Op(":=").Add(v).Assert(jen.Op("*").Add(c.e.typeRefOf(t))), jen.Id("ok")).BlockFunc(func(g *jen.Group) { yield(g, jen.Id(r)) })
				})
			}}, name)
		}
		for _, at := range c.abstracts {
			if at == nil {
				continue
			}
			fd := fieldByName(at, name)
			if fd == nil {
				continue
			}
			iface := at
			if st := in.typ.t; st != nil && (st == at || slices.Contains(st.Implements, at)) {
				// statically of that interface: its getter, without asserting
				return coll{typ: c.itemType(fd), gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
					in.gen(g, func(g *jen.Group, v jen.Code) {
						val := c.tmp("f")
						g.Id(val).Op(":=").Add(v).Dot("Get" + fd.GoName).Call()
						c.getterItems(g, jen.Id(val), fd, yield)
					})
				}}
			}
			return coll{typ: c.itemType(fd), gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
				in.gen(g, func(g *jen.Group, v jen.Code) {
					r := c.tmp("r")
					g.If(jen.List(jen.Id(r), jen.Id("ok")).Op(":=").Add(v).Assert(jen.Id(iface.GoName)), jen.Id("ok")).BlockFunc(func(g *jen.Group) {
						val := c.tmp("f")
						g.Id(val).Op(":=").Id(r).Dot("Get" + fd.GoName).Call()
						c.getterItems(g, jen.Id(val), fd, yield)
					})
				})
			}}
		}
		if out, ok := c.navigateResources(in, name); ok {
			return out
		}
		c.fail("a Resource has no element %s known to every resource, nor one of one type in all the resource types that have it", name)
	case ikAny:
		// every type with such an element, chosen at run time by a shared
		// helper (one per name and package)
		if len(c.typesWith(name)) == 0 {
			c.fail("no type has an element %s", name)
		}
		c.navNames[name] = true
		return coll{typ: itype{k: ikAny}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			in.gen(g, func(g *jen.Group, v jen.Code) {
				it := c.tmp("a")
				g.For(jen.List(jen.Id("_"), jen.Id(it)).Op(":=").Range().Id(navHelper(name)).Call(jen.Any().Parens(v))).BlockFunc(func(g *jen.Group) {
					yield(g, jen.Id(it))
				})
			})
		}}
	}
	c.fail("cannot navigate to %s from %s", name, in.typ)
	return coll{}
}

// targetType is the one generated resource type the items of a collection
// of resolved references can be (their element's only target type), or nil.
func (c *fpc) targetType(in coll) *model.Type {
	if len(in.targets) != 1 {
		return nil
	}
	if t := c.typeByName(in.targets[0]); t != nil && t.Kind == model.KindResource {
		return t
	}
	return nil
}

// typesWith lists the types that have an element name.
func (c *fpc) typesWith(name string) []*model.Type {
	var out []*model.Type
	for _, t := range c.e.pkg.Types {
		for _, ty := range append([]*model.Type{t}, t.Nested...) {
			if ty.Kind != model.KindAbstractResource && fieldByName(ty, name) != nil {
				out = append(out, ty)
			}
		}
	}
	return out
}

func navHelper(name string) string { return "fpNav" + model.GoName(name) }

// navHelpers emits the helpers that navigate from an element of a type
// known only at run time: fpNav<Name>(v) lists v's <name> items.
func (c *fpc) navHelpers(f *jen.File) {
	var names []string
	for n := range c.navNames {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		commentf(f.Add, "%s lists the %s items of an element of any type.", navHelper(name), name)
		f.Func().Id(navHelper(name)).Params(jen.Id("v").Any()).Index().Any().BlockFunc(func(g *jen.Group) {
			g.Var().Id("out").Index().Any()
			g.Switch(jen.Id("s").Op(":=").Id("v").Assert(jen.Type())).BlockFunc(func(sw *jen.Group) {
				for _, ty := range c.typesWith(name) {
					fd := fieldByName(ty, name)
					sw.Case(jen.Op("*").Add(c.e.typeRefOf(ty))).BlockFunc(func(g *jen.Group) {
						c.fieldPointers(g, jen.Id("s"), fd, func(g *jen.Group, it jen.Code) {
							g.Id("out").Op("=").Append(jen.Id("out"), it)
						})
					})
				}
			})
			g.Return(jen.Id("out"))
		})
	}
}

// resolveHelper emits fpResolve, FHIRPath's resolve() within the resource
// being validated: the container itself for "#", else what ResolveIn finds.
func (c *fpc) resolveHelper(f *jen.File) {
	comments(f.Add, "fpResolve finds the resource ref points to within the resource being validated (see ResolveIn); \"#\" is the container.")
	f.Func().Id("fpResolve").Params(jen.Id("v").Op("*").Id("validator"), jen.Id("ref").String()).Id("Resource").Block(
		jen.If(jen.Id("ref").Op("==").Lit("#")).Block(jen.Return(jen.Id("v").Dot("container"))),
		jen.Return(jen.Id("ResolveIn").Call(jen.Id("ref"), jen.Id("v").Dot("resource"), jen.Id("v").Dot("container"))),
	)
}

// resolveFile emits ResolveIn, which finds what a reference points to among
// resources at hand (no server): contained resources by #id, and Bundle
// entries by fullUrl or type/id. It exists when the package has a
// DomainResource (whose resources contain others).
func (e *emitter) resolveFile() (*jen.File, bool) {
	var dr, bundle *model.Type
	for _, t := range e.pkg.Types {
		switch t.Name {
		case "DomainResource":
			dr = t
		case "Bundle":
			bundle = t
		}
	}
	if dr == nil || dr.Kind != model.KindAbstractResource {
		return nil, false
	}
	f := e.newFile()
	comments(f.Add, "ResolveIn finds the resource a reference points to among the resources at hand: one contained in them (#id), or an entry of one of them that is a Bundle (by fullUrl, or by type/id). Anything else (a server) is not resolved: nil.")
	f.Func().Id("ResolveIn").Params(jen.Id("ref").String(), jen.Id("within").Op("...").Id("Resource")).Id("Resource").BlockFunc(func(g *jen.Group) {
		g.If(jen.Id("ref").Op("==").Lit("")).Block(jen.Return(jen.Nil()))
		g.If(jen.Qual("strings", "HasPrefix").Call(jen.Id("ref"), jen.Lit("#"))).Block(
			jen.For(jen.List(jen.Id("_"), jen.Id("holder")).Op(":=").Range().Id("within")).Block(
				jen.If(jen.List(jen.Id("d"), jen.Id("ok")).Op(":=").Id("holder").Assert(jen.Id(dr.GoName)), jen.Id("ok")).Block(
					jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("d").Dot("GetContained").Call()).Block(
						jen.If(jen.Id("c").Op("!=").Nil().Op("&&").Id("c").Dot("GetID").Call().Dot("GetValue").Call().Op("==").Id("ref").Index(jen.Lit(1), jen.Empty())).Block(jen.Return(jen.Id("c"))),
					),
				),
			),
			jen.Return(jen.Nil()),
		)
		var entry, fullURL, res *model.Field
		if bundle != nil {
			entry = fieldByName(bundle, "entry")
		}
		if entry != nil && entry.Type != nil && entry.Type.Type != nil {
			fullURL, res = fieldByName(entry.Type.Type, "fullUrl"), fieldByName(entry.Type.Type, "resource")
		}
		if fullURL != nil && res != nil && entry.Repeats() {
			g.For(jen.List(jen.Id("_"), jen.Id("holder")).Op(":=").Range().Id("within")).Block(
				jen.List(jen.Id("b"), jen.Id("ok")).Op(":=").Id("holder").Assert(jen.Op("*").Id(bundle.GoName)),
				jen.If(jen.Op("!").Id("ok").Op("||").Id("b").Op("==").Nil()).Block(jen.Continue()),
				jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot(entry.GoName)).Block(
					jen.Id("e").Op(":=").Op("&").Id("b").Dot(entry.GoName).Index(jen.Id("i")),
					jen.If(jen.Id("e").Dot(res.GoName).Op("==").Nil()).Block(jen.Continue()),
					jen.If(jen.Id("e").Dot("Get"+fullURL.GoName).Call().Dot("GetValue").Call().Op("==").Id("ref").Op("||").
						Id("e").Dot(res.GoName).Dot("ResourceType").Call().Op("+").Lit("/").Op("+").Id("e").Dot(res.GoName).Dot("GetID").Call().Dot("GetValue").Call().Op("==").Id("ref")).Block(
						jen.Return(jen.Id("e").Dot(res.GoName)),
					),
				),
			)
		}
		g.Return(jen.Nil())
	})
	return f, true
}

// fieldPointers yields the items of a field as pointers (attributes too),
// so that they convert to any without allocating.
func (c *fpc) fieldPointers(g *jen.Group, v jen.Code, fd *model.Field, yield func(*jen.Group, jen.Code)) {
	x := jen.Add(v).Dot(fd.GoName)
	if kindOf(fd) == kindAttr {
		if fd.Min >= 1 {
			g.If(x.Clone().Op("!=").Lit("")).BlockFunc(func(g *jen.Group) { yield(g, jen.Op("&").Add(x.Clone())) })
		} else {
			g.If(x.Clone().Op("!=").Nil()).BlockFunc(func(g *jen.Group) { yield(g, x.Clone()) })
		}
		return
	}
	c.fieldItems(g, v, nil, fd, yield)
}

// typeRefOf is the Go type of a model type (generic codes as Code[string]).
func (e *emitter) typeRefOf(t *model.Type) *jen.Statement {
	id := jen.Qual(t.Package.ImportPath, t.GoName)
	if t.Generic {
		return id.Types(jen.String())
	}
	return id
}

func (c *fpc) itemType(fd *model.Field) itype {
	switch kindOf(fd) {
	case kindAttr:
		return itype{k: ikString}
	case kindChoice:
		return itype{k: ikAny}
	case kindResource:
		return itype{k: ikRes}
	}
	return itype{k: ikElem, t: fd.Type.Type}
}

// getterItems yields the items of a getter's result held in val.
func (c *fpc) getterItems(g *jen.Group, val jen.Code, fd *model.Field, yield func(*jen.Group, jen.Code)) {
	switch {
	case kindOf(fd) == kindResource && fd.Repeats():
		r := c.tmp("r")
		g.For(jen.List(jen.Id("_"), jen.Id(r)).Op(":=").Range().Add(val)).Block(
			jen.If(jen.Id(r).Op("!=").Nil()).BlockFunc(func(g *jen.Group) { yield(g, jen.Id(r)) }),
		)
	case fd.Repeats():
		i := c.tmp("i")
		g.For(jen.Id(i).Op(":=").Range().Add(val)).BlockFunc(func(g *jen.Group) {
			yield(g, jen.Parens(jen.Op("&").Add(val).Index(jen.Id(i))))
		})
	default:
		g.If(jen.Add(val).Op("!=").Nil()).BlockFunc(func(g *jen.Group) { yield(g, val) })
	}
}

// typeByName finds a model type by a FHIRPath type specifier.
func (c *fpc) typeByName(name string) *model.Type {
	name = strings.TrimPrefix(name, "FHIR.")
	if t, ok := c.byName[name]; ok {
		return t
	}
	return nil
}

// systemTypes are FHIRPath's own types; a FHIR primitive is taken to be of
// the system type of its value (a FHIR boolean is a Boolean), as the authors
// of invariants such as R4's que-7 (answer is Boolean) mean.
var systemTypes = map[string]ikind{"Boolean": ikBool, "String": ikString, "Integer": ikInt, "Decimal": ikDec, "Date": 0, "DateTime": 0, "Time": 0}

// ofSystemType keeps the items whose value is of a system type.
func (c *fpc) ofSystemType(in coll, name string) coll {
	switch in.typ.k {
	case ikElem:
		if in.typ.t.Kind == model.KindPrimitive && in.typ.t.Value.System == name {
			return in
		}
		return c.empty(in.typ)
	case ikAny, ikRes:
		var prims []*model.Type
		for _, t := range c.e.pkg.Types {
			if t.Kind == model.KindPrimitive && t.Value.System == name {
				prims = append(prims, t)
			}
		}
		return coll{typ: itype{k: ikAny}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			in.gen(g, func(g *jen.Group, v jen.Code) {
				y := c.tmp("y")
				g.Switch(jen.Id(y).Op(":=").Add(v).Assert(jen.Type())).BlockFunc(func(sw *jen.Group) {
					var cases []jen.Code
					for _, t := range prims {
						cases = append(cases, jen.Op("*").Add(c.e.typeRefOf(t)))
					}
					if len(cases) > 0 {
						sw.Case(cases...).BlockFunc(func(g *jen.Group) { yield(g, jen.Id(y)) })
					}
				})
			})
		}}
	}
	if k := systemTypes[name]; k != 0 && k == in.typ.k {
		return in
	}
	return c.empty(in.typ)
}

// ofType keeps the items of a type.
func (c *fpc) ofType(in coll, name string) coll {
	t := c.typeByName(name)
	if _, ok := systemTypes[strings.TrimPrefix(name, "System.")]; t == nil && ok {
		return c.ofSystemType(in, strings.TrimPrefix(name, "System."))
	}
	if t == nil && slices.Contains(c.e.pkg.Core.KnownResources, strings.TrimPrefix(name, "FHIR.")) && (in.typ.k == ikAny || in.typ.k == ikRes) {
		// a resource type of the version that was not generated: its
		// resources are RawResources, known by their resourceType
		rt := strings.TrimPrefix(name, "FHIR.")
		return coll{typ: itype{k: ikRes}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			in.gen(g, func(g *jen.Group, v jen.Code) {
				y := c.tmp("y")
				g.If(jen.List(jen.Id(y), jen.Id("ok")).Op(":=").Add(v).Assert(jen.Interface(jen.Id("ResourceType").Params().String())), jen.Id("ok").Op("&&").Id(y).Dot("ResourceType").Call().Op("==").Lit(rt)).BlockFunc(func(g *jen.Group) {
					yield(g, v)
				})
			})
		}}
	}
	if t == nil {
		c.fail("unknown type %s", name)
	}
	switch {
	case in.typ.k == ikElem && in.typ.t == t:
		return in
	case in.typ.k == ikElem:
		return c.empty(itype{k: ikElem, t: t})
	case in.typ.k == ikAny || in.typ.k == ikRes:
		return coll{typ: itype{k: ikElem, t: t}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			in.gen(g, func(g *jen.Group, v jen.Code) {
				y := c.tmp("y")
				g.If(jen.List(jen.Id(y), jen.Id("ok")).Op(":=").Add(v).Assert(jen.Op("*").Add(c.e.typeRefOf(t))), jen.Id("ok").Op("&&").Id(y).Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
					yield(g, jen.Id(y))
				})
			})
		}}
	}
	c.fail("ofType on %s", in.typ)
	return coll{}
}

func (c *fpc) isType(in coll, name string) jen.Code {
	of := c.ofType(in, name)
	return jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
		g.Id("n").Op(":=").Lit(0)
		in.gen(g, func(g *jen.Group, v jen.Code) { g.Id("_").Op("=").Add(v); g.Id("n").Op("++") })
		g.If(jen.Id("n").Op("!=").Lit(1)).Block(jen.Return(jen.Lit(0)))
		of.gen(g, func(g *jen.Group, v jen.Code) { g.Id("_").Op("=").Add(v); g.Return(jen.Lit(2)) })
		g.Return(jen.Lit(1))
	}).Call()
}

// exists is a tri: 2 when the collection has an item.
func (c *fpc) exists(col coll) jen.Code {
	if col.single {
		return bconst(2).b.code
	}
	return jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
		col.gen(g, func(g *jen.Group, v jen.Code) { g.Id("_").Op("=").Add(v); g.Return(jen.Lit(2)) })
		g.Return(jen.Lit(1))
	}).Call()
}

func (c *fpc) count(col coll) jen.Code {
	if col.counted != nil {
		return col.counted
	}
	return jen.Func().Params().Int64().BlockFunc(func(g *jen.Group) {
		g.Var().Id("n").Int64()
		if col.size != nil {
			col.size(g, "n")
		} else {
			col.gen(g, func(g *jen.Group, v jen.Code) { g.Id("_").Op("=").Add(v); g.Id("n").Op("++") })
		}
		g.Return(jen.Id("n"))
	}).Call()
}

func (c *fpc) function(n *fhirpath.Node, in, this coll) value {
	argc := len(n.Args)
	switch {
	case n.Name == "exists" && argc == 0:
		if in.present != nil {
			return value{b: &tri{code: jen.Id("fpBool").Call(in.present(true)), pure: true}}
		}
		return bv(c.exists(in))
	case n.Name == "exists" && argc == 1, n.Name == "where" && argc == 1:
		crit := n.Args[0]
		w := coll{typ: in.typ, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			in.gen(g, func(g *jen.Group, v jen.Code) {
				y := c.tmp("w")
				g.Id(y).Op(":=").Add(v)
				item := c.one(in.typ, jen.Id(y))
				g.If(jen.Add(c.truth(c.compile(crit, item, item))).Op("==").Lit(2)).BlockFunc(func(g *jen.Group) { yield(g, jen.Id(y)) })
			})
		}}
		if n.Name == "where" {
			return cv(w)
		}
		return bv(c.exists(w))
	case n.Name == "select" && argc == 1:
		proj := n.Args[0]
		// the projection's item type, from compiling it on a placeholder
		probe := c.asColl(c.compile(proj, c.one(in.typ, jen.Id("_")), c.one(in.typ, jen.Id("_"))))
		return cv(coll{typ: probe.typ, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			in.gen(g, func(g *jen.Group, v jen.Code) {
				y := c.tmp("w")
				g.Id(y).Op(":=").Add(v)
				item := c.one(in.typ, jen.Id(y))
				c.asColl(c.compile(proj, item, item)).gen(g, yield)
			})
		}})
	case (n.Name == "lowBoundary" || n.Name == "highBoundary") && argc == 0:
		high := n.Name == "highBoundary"
		return cv(coll{typ: itype{k: ikScalar}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			in.gen(g, func(g *jen.Group, v jen.Code) {
				c.toScalar(g, in.typ, v, func(g *jen.Group, sc jen.Code) {
					b := c.tmp("b")
					g.If(jen.List(jen.Id(b), jen.Id("ok")).Op(":=").Id("fpBoundary").Call(sc, jen.Lit(high)), jen.Id("ok")).BlockFunc(func(g *jen.Group) { yield(g, jen.Id(b)) })
				})
			})
		}})
	case n.Name == "comparable" && argc == 1:
		other := c.asColl(c.compile(n.Args[0], this, this))
		return bv(jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
			c.scalar(g, in, "a")
			c.scalar(g, other, "b")
			g.If(jen.Id("fpComparable").Call(jen.Id("a"), jen.Id("b"))).Block(jen.Return(jen.Lit(2)))
			g.Return(jen.Lit(1))
		}).Call())
	case n.Name == "memberOf" && argc == 1:
		return bv(c.memberOf(in, n.Args[0]))
	case n.Name == "repeat" && argc == 1:
		return cv(c.repeat(in, n.Args[0]))
	case n.Name == "all" && argc == 1:
		crit := n.Args[0]
		return bv(jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
			in.gen(g, func(g *jen.Group, v jen.Code) {
				y := c.tmp("w")
				g.Id(y).Op(":=").Add(v)
				item := c.one(in.typ, jen.Id(y))
				g.If(jen.Add(c.truth(c.compile(crit, item, item))).Op("!=").Lit(2)).Block(jen.Return(jen.Lit(1)))
			})
			g.Return(jen.Lit(2))
		}).Call())
	case n.Name == "empty" && argc == 0:
		if in.present != nil {
			return value{b: &tri{code: jen.Id("fpBool").Call(in.present(false)), pure: true}}
		}
		return bv(jen.Lit(3).Op("-").Add(c.exists(in)))
	case n.Name == "not" && argc == 0:
		t := c.truth(cv(in))
		return bv(jen.Id("fpNot").Call(t))
	case n.Name == "count" && argc == 0:
		return cv(c.one(itype{k: ikInt}, c.count(in)))
	case n.Name == "hasValue" && argc == 0:
		if in.typ.k != ikElem || in.typ.t.Kind != model.KindPrimitive {
			if in.typ.k == ikElem {
				return bconst(1)
			}
			c.fail("hasValue on %s", in.typ)
		}
		switch {
		case in.opt != nil:
			return value{b: &tri{code: jen.Id("fpBool").Call(jen.Add(in.opt).Op("!=").Nil().Op("&&").Add(in.opt).Dot("Value").Op("!=").Nil()), pure: true}}
		case in.single:
			// the focus itself (never nil)
			return value{b: &tri{code: jen.Id("fpBool").Call(jen.Add(in.val).Dot("Value").Op("!=").Nil()), pure: true}}
		}
		return bv(jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
			g.Id("n").Op(":=").Lit(0)
			g.Id("has").Op(":=").False()
			in.gen(g, func(g *jen.Group, v jen.Code) {
				g.Id("n").Op("++")
				g.Id("has").Op("=").Add(v).Dot("Value").Op("!=").Nil()
			})
			g.If(jen.Id("n").Op("==").Lit(1).Op("&&").Id("has")).Block(jen.Return(jen.Lit(2)))
			g.Return(jen.Lit(1))
		}).Call())
	case n.Name == "children" && argc == 0:
		if in.typ.k != ikElem {
			c.fail("children() on %s", in.typ)
		}
		t := in.typ.t
		return cv(coll{typ: itype{k: ikAny}, counted: childCount(in, t), gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			in.gen(g, func(g *jen.Group, v jen.Code) {
				y := c.tmp("y")
				g.Id(y).Op(":=").Add(v)
				for _, fd := range t.Fields {
					c.fieldPointers(g, jen.Id(y), fd, func(g *jen.Group, it jen.Code) { yield(g, jen.Id("any").Call(it)) })
				}
			})
		}, size: func(g *jen.Group, n string) {
			in.gen(g, func(g *jen.Group, v jen.Code) {
				y := c.tmp("y")
				g.Id(y).Op(":=").Add(v)
				for _, fd := range t.Fields {
					if fd.Repeats() && kindOf(fd) != kindResource && kindOf(fd) != kindAttr {
						// a slice of values: every item is one
						g.Id(n).Op("+=").Int64().Call(jen.Len(jen.Id(y).Dot(fd.GoName)))
						continue
					}
					c.fieldPointers(g, jen.Id(y), fd, func(g *jen.Group, _ jen.Code) { g.Id(n).Op("++") })
				}
			})
		}})
	case (n.Name == "trace") && argc >= 1:
		return cv(in)
	case n.Name == "first" && argc == 0:
		return cv(coll{typ: in.typ, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			done := c.tmp("done")
			g.Id(done).Op(":=").False()
			in.gen(g, func(g *jen.Group, v jen.Code) {
				g.If(jen.Op("!").Id(done)).BlockFunc(func(g *jen.Group) {
					g.Id(done).Op("=").True()
					yield(g, v)
				})
			})
		}})
	case n.Name == "ofType" && argc == 1, n.Name == "as" && argc == 1:
		return cv(c.ofType(in, typeArg(c, n.Args[0])))
	case n.Name == "is" && argc == 1:
		return bv(c.isType(in, typeArg(c, n.Args[0])))
	case n.Name == "startsWith" && argc == 1, n.Name == "endsWith" && argc == 1, n.Name == "contains" && argc == 1, n.Name == "matches" && argc == 1:
		fn := map[string]string{"startsWith": "HasPrefix", "endsWith": "HasSuffix", "contains": "Contains"}[n.Name]
		arg := c.compile(n.Args[0], this, this)
		return bv(c.stringFn2(in, arg, func(a, b jen.Code) jen.Code {
			if n.Name == "matches" {
				return jen.Id("fpMatches").Call(a, b)
			}
			return jen.Qual("strings", fn).Call(a, b)
		}))
	case n.Name == "substring" && (argc == 1 || argc == 2):
		start := c.intValue(c.compile(n.Args[0], this, this))
		var length jen.Code = jen.Int64().Parens(jen.Lit(-1))
		if argc == 2 {
			length = c.intValue(c.compile(n.Args[1], this, this))
		}
		return cv(coll{typ: itype{k: ikString}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			c.singleString(g, in, func(g *jen.Group, s jen.Code) {
				sub := c.tmp("sub")
				g.If(jen.List(jen.Id(sub), jen.Id("ok")).Op(":=").Id("fpSubstring").Call(s, start, length), jen.Id("ok")).BlockFunc(func(g *jen.Group) { yield(g, jen.Id(sub)) })
			})
		}})
	case n.Name == "toString" && argc == 0:
		return cv(coll{typ: itype{k: ikString}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			in.gen(g, func(g *jen.Group, v jen.Code) {
				var conv jen.Code
				switch in.typ.k {
				case ikString:
					yield(g, v)
					return
				case ikInt:
					yield(g, jen.Qual("strconv", "FormatInt").Call(v, jen.Lit(10)))
					return
				case ikDec:
					yield(g, v)
					return
				case ikBool:
					yield(g, jen.Qual("strconv", "FormatBool").Call(v))
					return
				case ikElem:
					if !hasScalar(in.typ.t) {
						c.fail("toString on %s", in.typ)
					}
					conv = jen.Add(v).Dot("fpScalar").Call()
				default:
					conv = jen.Id("fpScalarOf").Call(v)
				}
				sc := c.tmp("sc")
				g.If(jen.List(jen.Id(sc), jen.Id("ok")).Op(":=").Add(conv), jen.Id("ok")).BlockFunc(func(g *jen.Group) {
					yield(g, jen.Id(sc).Dot("s"))
				})
			})
		}})
	case n.Name == "length" && argc == 0:
		return cv(coll{typ: itype{k: ikInt}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			c.singleString(g, in, func(g *jen.Group, s jen.Code) {
				yield(g, jen.Int64().Parens(jen.Qual("unicode/utf8", "RuneCountInString").Call(s)))
			})
		}})
	case n.Name == "htmlChecks" && argc == 0:
		if s, ok := c.oneString(in); ok {
			return bv(jen.Id("fpBool").Call(jen.Qual(c.e.fhirPath(), "HTMLChecks").Call(s)))
		}
		return bv(jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
			c.singleString(g, in, func(g *jen.Group, s jen.Code) {
				g.If(jen.Qual(c.e.fhirPath(), "HTMLChecks").Call(s)).Block(jen.Return(jen.Lit(2)))
				g.Return(jen.Lit(1))
			})
			g.Return(jen.Lit(1))
		}).Call())
	case n.Name == "descendants" && argc == 0:
		return cv(coll{typ: itype{k: ikAny}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			in.gen(g, func(g *jen.Group, v jen.Code) {
				d := c.tmp("d")
				g.For(jen.List(jen.Id("_"), jen.Id(d)).Op(":=").Range().Id("descendants").Call(jen.Id("v"), jen.Add(v))).BlockFunc(func(g *jen.Group) {
					yield(g, jen.Id(d))
				})
			})
		}})
	}
	if v, ok := c.function2(n, in, this); ok {
		return v
	}
	c.fail("function %s/%d is not supported", n.Name, argc)
	return value{}
}

// function2 compiles the functions that need collections held (isDistinct,
// intersect), choices (iif), conversions and resolve().
func (c *fpc) function2(n *fhirpath.Node, in, this coll) (value, bool) {
	argc := len(n.Args)
	switch {
	case n.Name == "isDistinct" && argc == 0:
		return bv(jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
			seen := c.tmp("seen")
			g.Var().Id(seen).Index().Id("fpScalar")
			in.gen(g, func(g *jen.Group, v jen.Code) {
				c.toScalar(g, in.typ, v, func(g *jen.Group, sc jen.Code) {
					p := c.tmp("p")
					g.For(jen.List(jen.Id("_"), jen.Id(p)).Op(":=").Range().Id(seen)).Block(
						jen.If(jen.Id("fpCompare").Call(jen.Lit("="), jen.Id(p), sc).Op("==").Lit(2)).Block(jen.Return(jen.Lit(1))),
					)
					g.Id(seen).Op("=").Append(jen.Id(seen), sc)
				})
			})
			g.Return(jen.Lit(2))
		}).Call()), true
	case argc == 0 && (n.Name == "allTrue" || n.Name == "anyTrue" || n.Name == "allFalse" || n.Name == "anyFalse"):
		// allTrue: no false item; anyTrue: some true item; and so on
		bools := c.boolItems(in)
		want := n.Name == "allFalse" || n.Name == "anyTrue" // the item value that decides
		decided, otherwise := 1, 2
		if strings.HasPrefix(n.Name, "any") {
			decided, otherwise = 2, 1
		}
		return bv(jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
			bools.gen(g, func(g *jen.Group, v jen.Code) {
				g.If(jen.Add(v).Op("==").Lit(want)).Block(jen.Return(jen.Lit(decided)))
			})
			g.Return(jen.Lit(otherwise))
		}).Call()), true
	case n.Name == "distinct" && argc == 0:
		return cv(coll{typ: in.typ, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			kept := c.tmp("kept")
			g.Var().Id(kept).Index().Any()
			in.gen(g, func(g *jen.Group, v jen.Code) {
				y, dup := c.tmp("w"), c.tmp("dup")
				g.Id(y).Op(":=").Add(v)
				g.Id(dup).Op(":=").False()
				p := c.tmp("p")
				g.For(jen.List(jen.Id("_"), jen.Id(p)).Op(":=").Range().Id(kept)).Block(
					jen.If(jen.Id("fpEqual").Call(jen.Id(p), jen.Id(y))).Block(jen.Id(dup).Op("=").True(), jen.Break()),
				)
				g.If(jen.Op("!").Id(dup)).BlockFunc(func(g *jen.Group) {
					g.Id("fpKeep").Call(jen.Op("&").Id(kept), jen.Id(y))
					yield(g, jen.Id(y))
				})
			})
		}}), true
	case n.Name == "combine" && argc == 1:
		return cv(c.union(in, c.asColl(c.compile(n.Args[0], this, this)))), true
	case n.Name == "intersect" && argc == 1:
		other := c.asColl(c.compile(n.Args[0], this, this))
		return cv(coll{typ: in.typ, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			kept := c.tmp("kept")
			g.Var().Id(kept).Index().Any()
			in.gen(g, func(g *jen.Group, v jen.Code) {
				y := c.tmp("w")
				g.Id(y).Op(":=").Add(v)
				found := c.tmp("found")
				g.Id(found).Op(":=").False()
				other.gen(g, func(g *jen.Group, w jen.Code) {
					g.If(jen.Op("!").Id(found).Op("&&").Id("fpEqual").Call(jen.Id(y), w)).Block(jen.Id(found).Op("=").True())
				})
				p := c.tmp("p")
				g.For(jen.List(jen.Id("_"), jen.Id(p)).Op(":=").Range().Id(kept)).Block(
					jen.If(jen.Id(found).Op("&&").Id("fpEqual").Call(jen.Id(p), jen.Id(y))).Block(jen.Id(found).Op("=").False()),
				)
				g.If(jen.Id(found)).BlockFunc(func(g *jen.Group) {
					g.Id("fpKeep").Call(jen.Op("&").Id(kept), jen.Id(y))
					yield(g, jen.Id(y))
				})
			})
		}}), true
	case n.Name == "iif" && (argc == 2 || argc == 3):
		cond := c.truth(c.compile(n.Args[0], in, in))
		a := c.asColl(c.compile(n.Args[1], in, in))
		b := c.empty(a.typ)
		if argc == 3 {
			b = c.asColl(c.compile(n.Args[2], in, in))
		}
		if a.typ != b.typ {
			a, b = c.anyItems(a), c.anyItems(b)
		}
		return cv(coll{typ: a.typ, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			t := c.tmp("cond")
			g.If(jen.Id(t).Op(":=").Add(cond), jen.Id(t).Op("==").Lit(2)).BlockFunc(func(g *jen.Group) {
				a.gen(g, yield)
			}).Else().BlockFunc(func(g *jen.Group) {
				b.gen(g, yield)
			})
		}}), true
	case n.Name == "toInteger" && argc == 0:
		return cv(coll{typ: itype{k: ikInt}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			if in.typ.k == ikInt {
				in.gen(g, yield)
				return
			}
			c.singleString(g, c.anyItems(in), func(g *jen.Group, s jen.Code) {
				i := c.tmp("int")
				g.If(jen.List(jen.Id(i), jen.Id("ok")).Op(":=").Id("fpToInteger").Call(s), jen.Id("ok")).BlockFunc(func(g *jen.Group) { yield(g, jen.Id(i)) })
			})
		}}), true
	case n.Name == "replaceMatches" && argc == 2, n.Name == "replace" && argc == 2:
		re := c.asColl(c.compile(n.Args[0], this, this))
		sub := c.asColl(c.compile(n.Args[1], this, this))
		fn := "fpReplaceMatches"
		if n.Name == "replace" {
			fn = "fpReplace"
		}
		return cv(coll{typ: itype{k: ikString}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			c.singleString(g, in, func(g *jen.Group, s jen.Code) {
				c.singleString(g, re, func(g *jen.Group, r jen.Code) {
					c.singleString(g, sub, func(g *jen.Group, u jen.Code) {
						o := c.tmp("o")
						g.If(jen.List(jen.Id(o), jen.Id("ok")).Op(":=").Id(fn).Call(s, r, u), jen.Id("ok")).BlockFunc(func(g *jen.Group) { yield(g, jen.Id(o)) })
					})
				})
			})
		}}), true
	case (n.Name == "lower" || n.Name == "upper") && argc == 0:
		fn := map[string]string{"lower": "ToLower", "upper": "ToUpper"}[n.Name]
		return cv(coll{typ: itype{k: ikString}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			c.singleString(g, in, func(g *jen.Group, s jen.Code) { yield(g, jen.Qual("strings", fn).Call(s)) })
		}}), true
	case n.Name == "tail" && argc == 0, n.Name == "skip" && argc == 1, n.Name == "take" && argc == 1:
		var limit jen.Code = jen.Int64().Parens(jen.Lit(1))
		if argc == 1 {
			limit = c.intValue(c.compile(n.Args[0], this, this))
		}
		keep := ">="
		if n.Name == "take" {
			keep = "<"
		}
		return cv(coll{typ: in.typ, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			k, lim := c.tmp("k"), c.tmp("lim")
			g.List(jen.Id(k), jen.Id(lim)).Op(":=").List(jen.Int64().Parens(jen.Lit(0)), limit)
			in.gen(g, func(g *jen.Group, v jen.Code) {
				g.If(jen.Id(k).Op(keep).Id(lim)).BlockFunc(func(g *jen.Group) { yield(g, v) })
				g.Id(k).Op("++")
			})
		}}), true
	case n.Name == "resolve" && argc == 0:
		c.resolve = true
		return cv(coll{typ: itype{k: ikRes}, targets: in.targets, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			in.gen(g, func(g *jen.Group, v jen.Code) {
				var ref jen.Code
				switch {
				case in.typ.k == ikElem && in.typ.t.Name == "Reference":
					ref = jen.Add(v).Dot("GetReference").Call().Dot("GetValue").Call()
				default:
					str, ok := c.stringOf(in.typ, v)
					if !ok {
						c.fail("resolve() on %s", in.typ)
					}
					ref = str
				}
				r := c.tmp("target")
				g.If(jen.Id(r).Op(":=").Id("fpResolve").Call(jen.Id("v"), ref), jen.Id(r).Op("!=").Nil()).BlockFunc(func(g *jen.Group) { yield(g, jen.Id(r)) })
			})
		}}), true
	}
	return value{}, false
}

// toScalar runs body with the comparable value of an item, when it has one.
func (c *fpc) toScalar(g *jen.Group, it itype, v jen.Code, body func(*jen.Group, jen.Code)) {
	sc := c.tmp("sc")
	switch it.k {
	case ikString:
		g.Id(sc).Op(":=").Id("fpScalar").Values(jen.Dict{jen.Id("kind"): jen.Lit(1), jen.Id("s"): v})
	case ikInt:
		g.Id(sc).Op(":=").Id("fpScalar").Values(jen.Dict{jen.Id("kind"): jen.Lit(2), jen.Id("s"): jen.Qual("strconv", "FormatInt").Call(v, jen.Lit(10))})
	case ikDec:
		g.Id(sc).Op(":=").Id("fpScalar").Values(jen.Dict{jen.Id("kind"): jen.Lit(2), jen.Id("s"): v})
	case ikBool:
		g.Id(sc).Op(":=").Id("fpBoolScalar").Call(v)
	case ikScalar:
		body(g, v)
		return
	case ikElem:
		if !hasScalar(it.t) {
			c.fail("%s values cannot be compared here", it)
		}
		g.If(jen.List(jen.Id(sc), jen.Id("ok")).Op(":=").Add(v).Dot("fpScalar").Call(), jen.Id("ok")).BlockFunc(func(g *jen.Group) { body(g, jen.Id(sc)) })
		return
	default:
		g.If(jen.List(jen.Id(sc), jen.Id("ok")).Op(":=").Id("fpScalarOf").Call(v), jen.Id("ok")).BlockFunc(func(g *jen.Group) { body(g, jen.Id(sc)) })
		return
	}
	body(g, jen.Id(sc))
}

// union is a | b (and combine): the items of both.
func (c *fpc) union(a, b coll) coll {
	typ := a.typ
	if a.typ != b.typ {
		typ = itype{k: ikAny}
		if !(a.typ.k == ikString && b.typ.k == ikString) {
			a, b = c.anyItems(a), c.anyItems(b)
		}
	}
	return coll{typ: typ, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
		a.gen(g, yield)
		b.gen(g, yield)
	}}
}

func typeArg(c *fpc, n *fhirpath.Node) string {
	if n.Kind == fhirpath.Identifier {
		return n.Name
	}
	if n.Kind == fhirpath.Member && n.Target.Kind == fhirpath.Identifier {
		return n.Target.Name + "." + n.Name
	}
	c.fail("a type name is needed, not %s", n)
	return ""
}

// singleString runs body with the string value of a singleton input; several
// items are an evaluation error (the surrounding tri returns -1).
func (c *fpc) singleString(g *jen.Group, in coll, body func(*jen.Group, jen.Code)) {
	c.stringArg(g, in, body, false)
}

// stringOrEmpty is singleString where an empty input is the empty string.
func (c *fpc) stringOrEmpty(g *jen.Group, in coll, body func(*jen.Group, jen.Code)) {
	c.stringArg(g, in, body, true)
}

func (c *fpc) stringArg(g *jen.Group, in coll, body func(*jen.Group, jen.Code), emptyOK bool) {
	if in.single && in.typ.k == ikString {
		body(g, in.val) // a literal: its one string
		return
	}
	s := c.tmp("s")
	cnt := c.tmp("n")
	g.Var().Id(s).String()
	g.Id(cnt).Op(":=").Lit(0)
	in.gen(g, func(g *jen.Group, v jen.Code) {
		g.Id(cnt).Op("++")
		if str, ok := c.stringOf(in.typ, v); ok {
			g.Id(s).Op("=").Add(str)
		}
	})
	cond := jen.Id(cnt).Op("==").Lit(1)
	if emptyOK {
		cond = jen.Id(cnt).Op("<=").Lit(1)
	}
	g.If(cond).BlockFunc(func(g *jen.Group) { body(g, jen.Id(s)) })
}

// oneString is the string of a collection of exactly one item (a literal,
// the focus): its value, or "" when the item has none.
func (c *fpc) oneString(in coll) (jen.Code, bool) {
	if !in.single {
		return nil, false
	}
	if s, ok := c.stringOf(in.typ, in.val); ok {
		return s, true
	}
	return jen.Lit(""), true
}

// stringOf is the string value of an item, when it has one.
func (c *fpc) stringOf(it itype, v jen.Code) (jen.Code, bool) {
	switch it.k {
	case ikString:
		return v, true
	case ikElem:
		if it.t.Kind == model.KindPrimitive && it.t.Value.GoType != "bool" && it.t.Value.GoType != "int32" && it.t.Value.GoType != "int64" {
			return jen.Id("fpStr").Call(jen.Add(v).Dot("Value")), true
		}
	case ikAny:
		return jen.Id("fpAnyString").Call(v), true
	}
	return nil, false
}

func (c *fpc) stringFn2(in coll, arg value, f func(a, b jen.Code) jen.Code) jen.Code {
	argc := c.asColl(arg)
	if a, ok := c.oneString(in); ok {
		if b, ok := c.oneString(argc); ok {
			return jen.Id("fpBool").Call(f(a, b)) // one item each: no counting
		}
	}
	return jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
		c.singleString(g, in, func(g *jen.Group, a jen.Code) {
			c.singleString(g, argc, func(g *jen.Group, b jen.Code) {
				g.If(f(a, b)).Block(jen.Return(jen.Lit(2)))
				g.Return(jen.Lit(1))
			})
		})
		g.Return(jen.Lit(0))
	}).Call()
}

// intValue is a Go int64 of a singleton integer (0 when absent).
func (c *fpc) intValue(v value) jen.Code {
	col := c.asColl(v)
	if col.typ.k != ikInt {
		c.fail("an integer is needed, not %s", col.typ)
	}
	return jen.Func().Params().Int64().BlockFunc(func(g *jen.Group) {
		g.Var().Id("r").Int64()
		col.gen(g, func(g *jen.Group, it jen.Code) { g.Id("r").Op("=").Add(it) })
		g.Return(jen.Id("r"))
	}).Call()
}

// scalar sets out (an fpScalar) to the comparable value of a singleton
// collection; an empty one makes the enclosing tri return 0, several -1.
func (c *fpc) scalar(g *jen.Group, col coll, out string) {
	cnt := out + "n"
	g.Var().Id(out).Id("fpScalar")
	g.Id(cnt).Op(":=").Lit(0)
	col.gen(g, func(g *jen.Group, v jen.Code) {
		if col.typ.k == ikElem && !hasScalar(col.typ.t) {
			// a complex value compares unequal to any scalar
			g.Id("_").Op("=").Add(v)
			g.Id(out).Op("=").Id("fpScalar").Values(jen.Dict{jen.Id("kind"): jen.Lit(-1)})
			g.Id(cnt).Op("++")
			return
		}
		c.toScalar(g, col.typ, v, func(g *jen.Group, sc jen.Code) {
			g.Id(out).Op("=").Add(sc)
			g.Id(cnt).Op("++")
		})
	})
	g.If(jen.Id(cnt).Op(">").Lit(1)).Block(jen.Return(jen.Lit(-1)))
	g.If(jen.Id(cnt).Op("==").Lit(0)).Block(jen.Return(jen.Lit(0)))
}

// hasScalar tells the types with an fpScalar method: primitives and
// quantities (a value and a unit code).
func hasScalar(t *model.Type) bool {
	if t.Kind == model.KindPrimitive {
		return true
	}
	return quantityLike(t)
}

func quantityLike(t *model.Type) bool {
	if t.Kind != model.KindComplex {
		return false
	}
	v, code := fieldByName(t, "value"), fieldByName(t, "code")
	return v != nil && code != nil && v.Type != nil && v.Type.Type.Value != nil && v.Type.Type.Value.GoType == "Decimal" && !v.Repeats()
}

// twoSingletons sets a and b (of Go type typ) to the items of two singleton
// collections; an empty one makes the enclosing tri return 0, several -1.
func (c *fpc) twoSingletons(g *jen.Group, a, b coll, typ jen.Code) {
	for _, p := range []struct {
		name string
		col  coll
	}{{"a", a}, {"b", b}} {
		g.Var().Id(p.name).Add(typ)
		g.Id(p.name + "n").Op(":=").Lit(0)
		p.col.gen(g, func(g *jen.Group, v jen.Code) {
			g.Id(p.name).Op("=").Add(v)
			g.Id(p.name + "n").Op("++")
		})
		g.If(jen.Id(p.name + "n").Op(">").Lit(1)).Block(jen.Return(jen.Lit(-1)))
		g.If(jen.Id(p.name + "n").Op("==").Lit(0)).Block(jen.Return(jen.Lit(0)))
	}
}

// equalItems compares two singletons of any kind with fpEqual (resources and
// complex values element by element).
func (c *fpc) equalItems(op string, a, b coll) jen.Code {
	return jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
		c.twoSingletons(g, a, b, jen.Any())
		want := jen.Id("fpEqual").Call(jen.Id("a"), jen.Id("b"))
		if op == "!=" {
			want = jen.Op("!").Add(want)
		}
		g.If(want).Block(jen.Return(jen.Lit(2)))
		g.Return(jen.Lit(1))
	}).Call()
}

// intCompare compares two integer singletons directly.
func (c *fpc) intCompare(op string, a, b coll) jen.Code {
	goOp := op
	switch op {
	case "~", "=":
		goOp = "=="
	case "!~":
		goOp = "!="
	}
	if a.single && b.single {
		// one item each (a count(), a literal): no collections to check
		return jen.Id("fpBool").Call(jen.Add(a.val).Op(goOp).Add(b.val))
	}
	return jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
		c.twoSingletons(g, a, b, jen.Int64())
		g.If(jen.Id("a").Op(goOp).Id("b")).Block(jen.Return(jen.Lit(2)))
		g.Return(jen.Lit(1))
	}).Call()
}

func (c *fpc) binary(n *fhirpath.Node, in, this coll) value {
	switch n.Op {
	case "and", "or", "xor", "implies":
		left := c.compile(n.Args[0], in, this)
		if left.b != nil && left.b.konst != 0 && n.Op != "xor" {
			// a left operand known now decides, or leaves the right one
			k := left.b.konst
			switch {
			case n.Op == "or" && k == 2, n.Op == "and" && k == 1:
				return bconst(k)
			case n.Op == "implies" && k == 1:
				return bconst(2)
			}
			return bv(c.truth(c.compile(n.Args[1], in, this)))
		}
		a := c.truth(left)
		right := c.compile(n.Args[1], in, this)
		b := c.truth(right)
		fn := map[string]string{"and": "fpAnd", "or": "fpOr", "xor": "fpXor", "implies": "fpImplies"}[n.Op]
		if right.b != nil && right.b.pure {
			// evaluating the right operand costs little and cannot fail:
			// the three-valued operator gives what short-circuiting would
			return bv(jen.Id(fn).Call(a, b))
		}
		// the right operand is not evaluated when the left decides
		decides := map[string]int{"and": 1, "or": 2, "implies": 1}
		d, short := decides[n.Op]
		if !short {
			return bv(jen.Id(fn).Call(a, b))
		}
		result := d
		if n.Op == "implies" {
			result = 2 // false implies anything
		}
		l := c.tmp("l")
		return bv(jen.Func().Params().Int8().Block(
			jen.Id(l).Op(":=").Add(a),
			jen.If(jen.Id(l).Op("==").Lit(d)).Block(jen.Return(jen.Lit(result))),
			jen.Return(jen.Id(fn).Call(jen.Id(l), b)),
		).Call())
	case "=", "!=", "<", "<=", ">", ">=", "~", "!~":
		a := c.asColl(c.compile(n.Args[0], in, this))
		b := c.asColl(c.compile(n.Args[1], in, this))
		if a.typ.k == ikInt && b.typ.k == ikInt {
			cmp := bv(c.intCompare(n.Op, a, b))
			cmp.b.pure = a.single && b.single // two numbers at hand: never an error
			return cmp
		}
		complexValue := func(it itype) bool { return it.k == ikRes || it.k == ikElem && !hasScalar(it.t) }
		if (n.Op == "=" || n.Op == "!=") && (complexValue(a.typ) || complexValue(b.typ)) {
			return bv(c.equalItems(n.Op, a, b))
		}
		scalarOpt := func(col coll) bool { return col.opt != nil && col.typ.k == ikElem && hasScalar(col.typ.t) }
		switch {
		case scalarOpt(a) && b.scalar != nil:
			// an element of the focus and a literal: x.System = %ucum
			return bv(jen.Id("fpCompareTo").Call(jen.Lit(n.Op), a.opt, b.scalar))
		case scalarOpt(a) && scalarOpt(b):
			return bv(jen.Id("fpCompareOpt").Call(jen.Lit(n.Op), a.opt, b.opt))
		}
		return bv(jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
			c.scalar(g, a, "a")
			c.scalar(g, b, "b")
			g.Return(jen.Id("fpCompare").Call(jen.Lit(n.Op), jen.Id("a"), jen.Id("b")))
		}).Call())
	case "|":
		return cv(c.union(c.asColl(c.compile(n.Args[0], in, this)), c.asColl(c.compile(n.Args[1], in, this))))
	case "in", "contains":
		left, right := n.Args[0], n.Args[1]
		if n.Op == "contains" {
			left, right = right, left
		}
		a := c.asColl(c.compile(left, in, this))
		b := c.asColl(c.compile(right, in, this))
		return bv(jen.Func().Params().Int8().BlockFunc(func(g *jen.Group) {
			c.scalar(g, a, "a")
			b.gen(g, func(g *jen.Group, v jen.Code) {
				item := c.tmp("e")
				g.BlockFunc(func(g *jen.Group) {
					c.scalar(g, c.one(b.typ, v), item)
					g.If(jen.Id("fpCompare").Call(jen.Lit("="), jen.Id("a"), jen.Id(item)).Op("==").Lit(2)).Block(jen.Return(jen.Lit(2)))
				})
			})
			g.Return(jen.Lit(1))
		}).Call())
	case "+", "-", "&":
		a := c.asColl(c.compile(n.Args[0], in, this))
		b := c.asColl(c.compile(n.Args[1], in, this))
		if n.Op != "&" && a.typ.k == ikInt && b.typ.k == ikInt {
			return cv(coll{typ: itype{k: ikInt}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
				x, y := c.tmp("x"), c.tmp("y")
				g.Var().List(jen.Id(x), jen.Id(y)).Int64()
				xn, yn := x+"n", y+"n"
				g.List(jen.Id(xn), jen.Id(yn)).Op(":=").List(jen.Lit(0), jen.Lit(0))
				a.gen(g, func(g *jen.Group, v jen.Code) { g.Id(x).Op("=").Add(v); g.Id(xn).Op("++") })
				b.gen(g, func(g *jen.Group, v jen.Code) { g.Id(y).Op("=").Add(v); g.Id(yn).Op("++") })
				g.If(jen.Id(xn).Op("==").Lit(1).Op("&&").Id(yn).Op("==").Lit(1)).BlockFunc(func(g *jen.Group) {
					yield(g, jen.Id(x).Op(n.Op).Id(y))
				})
			}})
		}
		if n.Op == "-" {
			c.fail("- on %s and %s is not supported", a.typ, b.typ)
		}
		if n.Op == "+" && !(a.typ.k == ikString || b.typ.k == ikString) {
			c.fail("+ on %s and %s is not supported", a.typ, b.typ)
		}
		str := c.singleString
		if n.Op == "&" {
			str = c.stringOrEmpty // & takes an empty operand as ""
		}
		return cv(coll{typ: itype{k: ikString}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
			str(g, a, func(g *jen.Group, x jen.Code) {
				str(g, b, func(g *jen.Group, y jen.Code) { yield(g, jen.Add(x).Op("+").Add(y)) })
			})
		}})
	}
	c.fail("operator %s is not supported", n.Op)
	return value{}
}

// anyItems turns items into values of type any for a mixed union.
func (c *fpc) anyItems(col coll) coll {
	if col.typ.k == ikAny {
		return col
	}
	return coll{typ: itype{k: ikAny}, gen: func(g *jen.Group, yield func(*jen.Group, jen.Code)) {
		col.gen(g, func(g *jen.Group, v jen.Code) { yield(g, jen.Id("any").Call(v)) })
	}}
}
