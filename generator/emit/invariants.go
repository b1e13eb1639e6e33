package emit

import (
	"bytes"
	"fmt"
	"go/scanner"
	"go/token"
	"sort"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/fhirgen/fhirgen/generator/fhirpath"
	"github.com/fhirgen/fhirgen/generator/model"
)

// InvariantStatus is what became of one invariant.
type InvariantStatus struct {
	Key, Severity, Expression string
	Human                     string
	Warning                   bool     // reported as a warning (warning or best-practice)
	Contexts                  []string // the types it is evaluated on
	// Types and Elements are where it applies: on every instance of a type
	// (its own invariant), or on the values of one element (a field's).
	Types, Elements []string
	Compiled        bool
	Problem         string   // why it was not compiled
	Notes           []string // what a compiled one does that its author may not expect
}

// compiledInv is an invariant compiled for one type.
type compiledInv struct {
	method string
	code   jen.Code
	con    model.Constraint
	// shared marks an invariant compiled once on an abstract resource type
	// (DomainResource's dom-2 to dom-6): a function of its interface that
	// every resource type inheriting the invariant calls
	shared bool
}

// call is the code evaluating the compiled invariant on val.
func (ci *compiledInv) call(val jen.Code) jen.Code {
	if ci.shared {
		return jen.Id(ci.method).Call(jen.Id("v"), val)
	}
	return jen.Add(val).Dot(ci.method).Call(jen.Id("v"))
}

// inheritedFrom is the abstract resource type in the package that
// introduced con with the same expression (a resource's copy of
// DomainResource's dom-3), or nil.
func (e *emitter) inheritedFrom(t *model.Type, con model.Constraint) *model.Type {
	if con.Source == "" || t.Kind != model.KindResource {
		return nil
	}
	for _, a := range e.fp.abstracts {
		if a.URL != con.Source {
			continue
		}
		for _, own := range a.Constraints {
			if own.Key == con.Key && own.Expression == con.Expression {
				return a
			}
		}
	}
	return nil
}

// invariantFor compiles (once) constraint con for instances of t and
// returns it, or nil when it could not be compiled (recorded for the
// report). An invariant t inherits from an abstract resource type is
// compiled once, on that type, for all that inherit it.
func (e *emitter) invariantFor(t *model.Type, con model.Constraint) *compiledInv {
	if con.Expression == "" || t == nil || t.Kind == model.KindAbstractResource {
		return nil
	}
	if e.invs[t] == nil {
		e.invs[t] = map[string]*compiledInv{}
	}
	if ci, ok := e.invs[t][con.Key]; ok {
		return ci.compiled()
	}
	ci := e.compileInvariant(t, con)
	e.invs[t][con.Key] = ci
	return ci.compiled()
}

// compiled is ci when it was compiled, else nil.
func (ci *compiledInv) compiled() *compiledInv {
	if ci == nil || ci.method == "" {
		return nil
	}
	return ci
}

// compileInvariant compiles con for t, or takes it from the abstract type
// t inherits it from (compiling it there the first time).
func (e *emitter) compileInvariant(t *model.Type, con model.Constraint) *compiledInv {
	st := e.status[statusKey(con)]
	if st == nil {
		st = &InvariantStatus{Key: con.Key, Severity: con.Severity, Expression: con.Expression, Human: con.Human,
			Warning: con.Severity == "warning" || con.BestPractice, Compiled: true}
		if con.BestPractice {
			st.Severity = "best-practice (reported as a warning)"
		}
		e.status[statusKey(con)] = st
	}
	st.Contexts = append(st.Contexts, t.Name)
	if e.noInvariants {
		st.Compiled, st.Problem = false, "generated with invariants off"
		return &compiledInv{con: con}
	}
	if a := e.inheritedFrom(t, con); a != nil {
		if e.invs[a] == nil {
			e.invs[a] = map[string]*compiledInv{}
		}
		ci, ok := e.invs[a][con.Key]
		if !ok {
			ci = &compiledInv{con: con}
			if code, err := e.fp.invariant(a, con.Expression); err == nil {
				st.Notes = append(st.Notes, e.fp.notes...)
				ci = &compiledInv{method: "inv" + a.GoName + model.GoName(con.Key), code: code, con: con, shared: true}
			}
			e.invs[a][con.Key] = ci
		}
		if ci.method != "" {
			return ci
		}
		// not compiled on the abstract type: on t, as any other
	}
	code, err := e.fp.invariant(t, con.Expression)
	if err != nil {
		st.Compiled = false
		if st.Problem == "" {
			st.Problem = fmt.Sprintf("on %s (%s: %s): %v", t.Name, con.File, con.Element, err)
		}
		return &compiledInv{con: con}
	}
	st.Notes = append(st.Notes, e.fp.notes...)
	return &compiledInv{method: "inv" + model.GoName(con.Key), code: code, con: con}
}

// statusKey tells invariants apart: a key names different expressions on
// different types (R4's inv-1 on Task and on TestReport.setup.action).
func statusKey(con model.Constraint) string { return con.Key + "\x00" + con.Expression }

// applies records where con is evaluated: on every t, or (element not "")
// on the values of one element.
func (e *emitter) applies(t *model.Type, con model.Constraint, element string) {
	st := e.status[statusKey(con)]
	if st == nil {
		return
	}
	if element == "" {
		st.Types = append(st.Types, t.Name)
	} else {
		st.Elements = append(st.Elements, element)
	}
}

// invariantCall records the result of a compiled invariant on val.
func (e *emitter) invariantCall(t *model.Type, con model.Constraint, val jen.Code, element string) jen.Code {
	ci := e.invariantFor(t, con)
	e.applies(t, con, element)
	if ci == nil {
		return jen.Null()
	}
	sev := "SeverityError"
	if con.Severity == "warning" || con.BestPractice {
		sev = "SeverityWarning"
	}
	return skippedWithContained(con, jen.Id("v").Dot("invariant").Call(ci.call(val), jen.Qual(e.fhirPath(), sev), jen.Lit(con.Key), jen.Lit(con.Human)))
}

// skippedWithContained wraps the check of an invariant about contained
// resources (its expression navigates to contained, as dom-2 to dom-5 do)
// so that it is skipped when the validation options leave contained
// resources unchecked.
func skippedWithContained(con model.Constraint, checks ...jen.Code) jen.Code {
	if n, err := fhirpath.Parse(con.Expression); err == nil && namesElement(n, "contained") {
		return jen.If(jen.Op("!").Id("v").Dot("skipContained").Call()).Block(checks...)
	}
	if len(checks) == 1 {
		return checks[0]
	}
	return jen.Block(checks...)
}

// namesElement reports whether an expression navigates to an element name.
func namesElement(n *fhirpath.Node, name string) bool {
	if n == nil {
		return false
	}
	if (n.Kind == fhirpath.Identifier || n.Kind == fhirpath.Member) && n.Name == name {
		return true
	}
	if namesElement(n.Target, name) {
		return true
	}
	for _, a := range n.Args {
		if namesElement(a, name) {
			return true
		}
	}
	return false
}

// rootKeys are the keys of a type's own invariants, which its validate
// checks: a field's copy of them is not checked again.
func rootKeys(t *model.Type) map[string]bool {
	out := map[string]bool{}
	if t == nil {
		return out
	}
	for _, c := range t.Constraints {
		out[c.Key] = true
	}
	return out
}

// typeInvariants emits the checks of a type's own invariants (in validate).
func (e *emitter) typeInvariants(g *jen.Group, t *model.Type) {
	var cons []model.Constraint
	seen := map[string]bool{}
	for _, con := range t.Constraints {
		if !seen[con.Key] {
			seen[con.Key] = true
			cons = append(cons, con)
		}
	}
	for _, c := range e.invariantCalls(t, cons, jen.Id("x"), "") {
		g.Add(c)
	}
}

// invariantCalls evaluates each distinct expression once, and reports it
// under every key that has it (txt-1 and txt-2 share htmlChecks()).
func (e *emitter) invariantCalls(t *model.Type, cons []model.Constraint, val jen.Code, element string) []jen.Code {
	var out []jen.Code
	done := map[string]bool{}
	for i, con := range cons {
		if done[con.Key] {
			continue
		}
		var same []model.Constraint
		for _, other := range cons[i:] {
			if other.Expression == con.Expression && !done[other.Key] {
				same = append(same, other)
				done[other.Key] = true
			}
		}
		if len(same) == 1 {
			out = append(out, e.invariantCall(t, con, val, element))
			continue
		}
		ci := e.invariantFor(t, con)
		for _, o := range same[1:] {
			e.invariantFor(t, o) // recorded in the report
		}
		for _, o := range same {
			e.applies(t, o, element)
		}
		if ci == nil {
			continue
		}
		r := "r" + model.GoName(con.Key)
		block := []jen.Code{jen.Id(r).Op(":=").Add(ci.call(val))}
		for _, o := range same {
			sev := "SeverityError"
			if o.Severity == "warning" || o.BestPractice {
				sev = "SeverityWarning"
			}
			block = append(block, jen.Id("v").Dot("invariant").Call(jen.Id(r), jen.Qual(e.fhirPath(), sev), jen.Lit(o.Key), jen.Lit(o.Human)))
		}
		out = append(out, skippedWithContained(con, block...))
	}
	return out
}

// fieldInvariants emits the checks of a field's invariants on one value.
func (e *emitter) fieldInvariants(fd *model.Field, t *model.Type, val jen.Code) []jen.Code {
	var cons []model.Constraint
	skip := rootKeys(t)
	for _, con := range fd.Constraints {
		if skip[con.Key] {
			continue
		}
		skip[con.Key] = true
		cons = append(cons, con)
	}
	return e.invariantCalls(t, cons, val, strings.TrimSuffix(fd.Path, "[x]"))
}

// invariantFiles writes the compiled invariant methods, one file per
// top-level type, and returns the package's report.
func (e *emitter) invariantFiles() error {
	if err := e.invariantList(); err != nil {
		return err
	}
	if len(e.fp.navNames) > 0 || e.fp.resolve {
		f := e.newFile()
		e.fp.navHelpers(f)
		if e.fp.resolve {
			e.fp.resolveHelper(f)
		}
		if err := e.write("fhirpath_nav.go", "", f); err != nil {
			return err
		}
	}
	byFile := map[*model.Type][]*model.Type{}
	for t := range e.invs {
		top := t
		if t.Owner != nil {
			top = t.Owner
		}
		byFile[top] = append(byFile[top], t)
	}
	var tops []*model.Type
	for t := range byFile {
		tops = append(tops, t)
	}
	sort.Slice(tops, func(i, j int) bool { return tops[i].GoName < tops[j].GoName })
	for _, top := range tops {
		types := byFile[top]
		sort.Slice(types, func(i, j int) bool { return types[i].GoName < types[j].GoName })
		f := e.newFile()
		n := 0
		for _, t := range types {
			var keys []string
			for k, ci := range e.invs[t] {
				// a shared one once, on its abstract type
				if ci.method != "" && (!ci.shared || t.Kind == model.KindAbstractResource) {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			for _, k := range keys {
				ci := e.invs[t][k]
				body := jen.Return(ci.code)
				// the validator, when the code uses it (%resource, descendants())
				param := jen.Id("v").Op("*").Id("validator")
				if !usesIdent(ci.code, "v") {
					param = jen.Id("_").Op("*").Id("validator")
				}
				if ci.shared {
					commentf(f.Add, "%s evaluates %s on every resource that is a %s: %s", ci.method, k, t.Name, ci.con.Human)
					verbatimComment(f.Add, "", ci.con.Expression)
					// one copy for all the resource types that call it, not one inlined in each
					f.Comment("//go:noinline")
					f.Func().Id(ci.method).Params(param, jen.Id("x").Id(t.GoName)).Int8().Block(body)
					n++
					continue
				}
				recv := jen.Id("x").Op("*").Id(t.GoName)
				if t.Generic {
					recv = jen.Id("x").Op("*").Id(t.GoName).Types(jen.Id("T"))
				}
				commentf(f.Add, "%s evaluates %s on a %s: %s", ci.method, k, t.Name, ci.con.Human)
				verbatimComment(f.Add, "", ci.con.Expression)
				f.Func().Params(recv).Id(ci.method).Params(param).Int8().Block(body)
				n++
			}
		}
		if n == 0 {
			continue
		}
		if err := e.write(top.File+"_invariants.go", top.Source, f); err != nil {
			return err
		}
	}
	return nil
}

// usesIdent reports whether Go code (an expression) names the identifier
// id; true when it cannot be rendered.
func usesIdent(code jen.Code, id string) bool {
	src := []byte(fmt.Sprintf("%#v", jen.Func().Id("_").Params().Block(jen.Return(code))))
	if bytes.Contains(src, []byte("%!v(PANIC")) {
		return true
	}
	var sc scanner.Scanner
	sc.Init(token.NewFileSet().AddFile("", -1, len(src)), src, nil, 0)
	for {
		_, tok, lit := sc.Scan()
		if tok == token.EOF {
			return false
		}
		if tok == token.IDENT && lit == id {
			return true
		}
	}
}

// invariantList emits Invariants, which lists the package's invariants.
func (e *emitter) invariantList() error {
	if len(e.status) == 0 {
		return nil
	}
	var keys []string
	for k := range e.status {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	strs := func(in []string) jen.Code {
		in = dedupe(in)
		var vals []jen.Code
		for _, s := range in {
			vals = append(vals, jen.Lit(s))
		}
		return jen.Index().String().Values(vals...)
	}
	var items []jen.Code
	for _, k := range keys {
		s := e.status[k]
		sev := "SeverityError"
		if s.Warning {
			sev = "SeverityWarning"
		}
		kv := func(k string, v jen.Code) jen.Code { return jen.Id(k).Op(":").Add(v) }
		fields := []jen.Code{
			kv("Key", jen.Lit(s.Key)), kv("Severity", jen.Qual(e.fhirPath(), sev)),
			kv("Human", jen.Lit(s.Human)), kv("Expression", jen.Lit(s.Expression)),
		}
		if len(s.Types) > 0 {
			fields = append(fields, kv("Types", strs(s.Types)))
		}
		if len(s.Elements) > 0 {
			fields = append(fields, kv("Elements", strs(s.Elements)))
		}
		fields = append(fields, kv("Compiled", jen.Lit(s.Compiled)))
		items = append(items, jen.ValuesFunc(func(g *jen.Group) {
			for _, f := range fields {
				g.Line().Add(f)
			}
			g.Line()
		}))
	}
	f := e.newFile()
	comments(f.Add, "Invariants lists every FHIRPath invariant of the package's types, by key, and where each is evaluated. The slice is new on each call.")
	f.Func().Id("Invariants").Params().Index().Qual(e.fhirPath(), "Invariant").Block(
		jen.Return(jen.Index().Qual(e.fhirPath(), "Invariant").ValuesFunc(func(g *jen.Group) {
			for _, it := range items {
				g.Line().Add(it)
			}
			g.Line()
		})),
	)
	return e.write("invariants.go", "", f)
}

// scalarMethod emits fpScalar for a primitive or quantity type.
func (e *emitter) scalarMethod(f *jen.File, t *model.Type) {
	recv := jen.Id("x").Op("*").Id(t.GoName)
	if t.Generic {
		recv = jen.Id("x").Op("*").Id(t.GoName).Types(jen.Id("T"))
	}
	if t.Kind == model.KindPrimitive {
		kind, val := 1, jen.String().Parens(jen.Op("*").Id("x").Dot("Value"))
		switch t.Value.System {
		case "Boolean":
			f.Func().Params(recv).Id("fpScalar").Params().Params(jen.Id("fpScalar"), jen.Bool()).Block(
				jen.If(jen.Id("x").Op("==").Nil().Op("||").Id("x").Dot("Value").Op("==").Nil()).Block(jen.Return(jen.Id("fpScalar").Values(), jen.False())),
				jen.Return(jen.Id("fpBoolScalar").Call(jen.Op("*").Id("x").Dot("Value")), jen.True()),
			)
			return
		case "Integer", "Integer64":
			kind, val = 2, jen.Qual("strconv", "FormatInt").Call(jen.Int64().Parens(jen.Op("*").Id("x").Dot("Value")), jen.Lit(10))
		case "Decimal":
			kind = 2
		case "Date", "DateTime", "Time":
			kind = 3
		}
		f.Func().Params(recv).Id("fpScalar").Params().Params(jen.Id("fpScalar"), jen.Bool()).Block(
			jen.If(jen.Id("x").Op("==").Nil().Op("||").Id("x").Dot("Value").Op("==").Nil()).Block(jen.Return(jen.Id("fpScalar").Values(), jen.False())),
			jen.Return(jen.Id("fpScalar").Values(jen.Dict{jen.Id("kind"): jen.Lit(kind), jen.Id("s"): val}), jen.True()),
		)
		return
	}
	value, code := fieldByName(t, "value"), fieldByName(t, "code")
	unit := fieldByName(t, "unit")
	body := []jen.Code{
		jen.If(jen.Id("x").Op("==").Nil().Op("||").Id("x").Dot(value.GoName).Op("==").Nil().Op("||").Id("x").Dot(value.GoName).Dot("Value").Op("==").Nil()).Block(jen.Return(jen.Id("fpScalar").Values(), jen.False())),
	}
	body = append(body, jen.Id("u").Op(":=").String().Parens(jen.Id("x").Dot(code.GoName).Dot("GetValue").Call()))
	if unit != nil {
		body = append(body, jen.If(jen.Id("u").Op("==").Lit("")).Block(jen.Id("u").Op("=").String().Parens(jen.Id("x").Dot(unit.GoName).Dot("GetValue").Call())))
	}
	body = append(body, jen.Return(jen.Id("fpScalar").Values(jen.Dict{jen.Id("kind"): jen.Lit(4), jen.Id("s"): jen.String().Parens(jen.Op("*").Id("x").Dot(value.GoName).Dot("Value")), jen.Id("unit"): jen.Id("u")}), jen.True()))
	f.Func().Params(recv).Id("fpScalar").Params().Params(jen.Id("fpScalar"), jen.Bool()).Block(body...)
}

// walkMethod emits walk, which appends every element below x (for
// FHIRPath's descendants()).
func (e *emitter) walkMethod(f *jen.File, t *model.Type) {
	recv := jen.Id("x").Op("*").Id(t.GoName)
	if t.Generic {
		recv = jen.Id("x").Op("*").Id(t.GoName).Types(jen.Id("T"))
	}
	f.Func().Params(recv).Id("walk").Params(jen.Id("out").Index().Any()).Index().Any().BlockFunc(func(g *jen.Group) {
		g.If(jen.Id("x").Op("==").Nil()).Block(jen.Return(jen.Id("out")))
		for _, fd := range t.Fields {
			x := jen.Id("x").Dot(fd.GoName)
			switch kindOf(fd) {
			case kindAttr:
			case kindChoice, kindResource:
				each := func(g *jen.Group, v jen.Code) {
					g.Id("out").Op("=").Append(jen.Id("out"), v)
					g.If(jen.List(jen.Id("w"), jen.Id("ok")).Op(":=").Add(v).Assert(jen.Interface(jen.Id("walk").Params(jen.Index().Any()).Index().Any())), jen.Id("ok")).Block(
						jen.Id("out").Op("=").Id("w").Dot("walk").Call(jen.Id("out")),
					)
				}
				if fd.Repeats() {
					g.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Add(x.Clone())).BlockFunc(func(g *jen.Group) {
						g.If(jen.Id("r").Op("!=").Nil()).BlockFunc(func(g *jen.Group) { each(g, jen.Id("r")) })
					})
				} else {
					g.If(x.Clone().Op("!=").Nil()).BlockFunc(func(g *jen.Group) { each(g, x.Clone()) })
				}
			default:
				helper := "walkOne"
				if fd.Repeats() {
					helper = "walkEach"
				}
				g.Id("out").Op("=").Id(helper).Call(jen.Id("out"), x.Clone())
			}
		}
		g.Return(jen.Id("out"))
	})
}

// InvariantReport renders the report of every invariant of the module.
func InvariantReport(statuses []*InvariantStatus, allowed map[string]string) string {
	sort.Slice(statuses, func(i, j int) bool {
		if statuses[i].Key != statuses[j].Key {
			return statuses[i].Key < statuses[j].Key
		}
		return statuses[i].Expression < statuses[j].Expression
	})
	var b strings.Builder
	compiled := 0
	for _, s := range statuses {
		if s.Compiled {
			compiled++
		}
	}
	fmt.Fprintf(&b, "# Invariants\n\nEvery FHIRPath invariant of the generated types and what became of it: %d of %d are compiled into the validators.\n\n", compiled, len(statuses))
	b.WriteString("| key | severity | on | status | expression |\n|---|---|---|---|---|\n")
	for _, s := range statuses {
		ctx := strings.Join(dedupe(s.Contexts), ", ")
		if len(ctx) > 80 {
			ctx = ctx[:77] + "..."
		}
		status := "compiled"
		if notes := dedupe(s.Notes); len(notes) > 0 {
			status += " (" + strings.Join(notes, "; ") + ")"
		}
		if !s.Compiled {
			status = "not compiled: " + s.Problem
			if reason, ok := allowed[s.Key]; ok {
				status = "allow-listed (" + reason + "): " + s.Problem
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | `%s` |\n", s.Key, s.Severity, cell(ctx), cell(status), cell(s.Expression))
	}
	return b.String()
}

func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "`", "'")
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
