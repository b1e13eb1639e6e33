package emit

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/fhirgen/fhirgen/generator/model"
)

// The API listing: one line per generated type, field, binding and code, so
// that a regeneration can say what changed for downstream code. It is
// written to API.txt in the module; the next generation diffs against it.
//
//	type   <pkg>.<Type> <kind> <FHIR name>
//	field  <pkg>.<Type>.<Field> <Go type> <min..max> <element path>
//	bind   <pkg>.<Type>.<Field> <strength> <value set>
//	code   <pkg>.<CodeSet>.<Const> <code>

// APIListing lists the Go API of a module, sorted.
func APIListing(mod *model.Module) string {
	var lines []string
	for _, p := range mod.Packages {
		e := &emitter{mod: mod, pkg: p}
		for _, t := range p.Types {
			for _, ty := range append([]*model.Type{t}, t.Nested...) {
				name := p.Name + "." + ty.GoName
				lines = append(lines, fmt.Sprintf("type %s %s %s", name, ty.Kind, ty.Name))
				for _, f := range ty.Fields {
					// the Go type as jennifer renders it (*r4.String), without spaces
					goType := strings.ReplaceAll(fmt.Sprintf("%#v", jen.Null().Add(e.fieldType(ty, f))), " ", "")
					if f.Choice != nil {
						var opts []string
						for _, o := range f.Choice.Options {
							opts = append(opts, o.Ref.Code)
						}
						goType += "(" + strings.Join(opts, "|") + ")"
					}
					lines = append(lines, fmt.Sprintf("field %s.%s %s %s %s", name, f.GoName, goType, cardinality(f), f.Path))
					if f.Binding != nil && f.Binding.ValueSet != "" {
						lines = append(lines, fmt.Sprintf("bind %s.%s %s %s", name, f.GoName, f.Binding.Strength, f.Binding.ValueSet))
					}
				}
			}
		}
		for _, cs := range p.CodeSets {
			if !cs.Emitted {
				continue
			}
			for _, c := range cs.Codes {
				lines = append(lines, fmt.Sprintf("code %s.%s.%s %s", p.Name, cs.GoName, c.GoName, c.Code))
			}
		}
	}
	sort.Strings(lines)
	return "# The Go API of this module, one line per type, field, binding and code:\n" +
		"# fhirgen compares it with the next generation and writes CHANGES.md.\n" +
		strings.Join(lines, "\n") + "\n"
}

// apiItem is one line of a listing: its kind, the name it is keyed by, and
// the rest.
type apiItem struct{ kind, key, rest string }

func parseListing(s string) map[string]apiItem {
	out := map[string]apiItem{}
	for _, line := range strings.Split(s, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, " ", 3)
		if len(f) < 3 {
			continue
		}
		out[f[0]+" "+f[1]] = apiItem{f[0], f[1], f[2]}
	}
	return out
}

// APIChanges compares two listings and returns the change report (markdown)
// and a one-line summary, or "" when the API is the same.
func APIChanges(before, after string) (report, summary string) {
	before, moves := followPackages(before, after)
	old, cur := parseListing(before), parseListing(after)
	type change struct {
		breaks bool
		text   string
	}
	var changes []change
	add := func(breaks bool, format string, args ...any) {
		changes = append(changes, change{breaks, fmt.Sprintf(format, args...)})
	}
	var removed, added []apiItem
	for k, o := range old {
		n, ok := cur[k]
		switch {
		case !ok:
			removed = append(removed, o)
		case o.rest != n.rest:
			describeChange(o, n, add)
		}
	}
	for k, n := range cur {
		if _, ok := old[k]; !ok {
			added = append(added, n)
		}
	}
	sort.Slice(removed, func(i, j int) bool { return removed[i].key < removed[j].key })
	sort.Slice(added, func(i, j int) bool { return added[i].key < added[j].key })
	// a field removed and one added in the same type, for the same kind of
	// value, is taken for a rename
	renamed := map[string]bool{}
	for _, r := range removed {
		if r.kind != "field" {
			continue
		}
		for _, a := range added {
			if a.kind == "field" && !renamed[a.key] && parent(a.key) == parent(r.key) && goTypeOf(a.rest) == goTypeOf(r.rest) {
				renamed[a.key], renamed[r.key] = true, true
				add(true, "field %s renamed to %s (%s → %s) — breaks code that uses it", r.key, last(a.key), pathOf(r.rest), pathOf(a.rest))
				break
			}
		}
	}
	removedTypes := map[string]bool{}
	for _, r := range removed {
		if r.kind == "type" {
			removedTypes[r.key] = true
		}
	}
	addedTypes := map[string]bool{}
	for _, a := range added {
		if a.kind == "type" {
			addedTypes[a.key] = true
		}
	}
	for _, r := range removed {
		switch {
		case renamed[r.key]:
		case r.kind == "type":
			add(true, "type %s removed — breaks code that uses it", r.key)
		case r.kind == "field" && !removedTypes[parent(r.key)]:
			add(true, "field %s removed (%s) — breaks code that uses it", r.key, pathOf(r.rest))
		case r.kind == "code" && !removedTypes[parent(r.key)]:
			add(true, "code %s (%s) dropped — breaks code that uses the constant; such values are now invalid", r.key, r.rest)
		case r.kind == "bind" && !removedTypes[parent(r.key)]:
			add(false, "binding of %s removed (was %s)", r.key, r.rest)
		}
	}
	for _, a := range added {
		switch {
		case renamed[a.key]:
		case a.kind == "type":
			add(false, "type %s added (%s)", a.key, a.rest)
		case a.kind == "field" && !addedTypes[parent(a.key)]:
			min := strings.SplitN(cardOf(a.rest), "..", 2)[0]
			add(min != "0", "field %s added (%s %s)%s", a.key, goTypeOf(a.rest), cardOf(a.rest), map[bool]string{true: " — required: instances without it are now invalid", false: ""}[min != "0"])
		case a.kind == "code" && !addedTypes[parent(a.key)]:
			add(false, "code %s (%s) added", a.key, a.rest)
		case a.kind == "bind" && !addedTypes[parent(a.key)]:
			add(false, "binding of %s added: %s", a.key, a.rest)
		}
	}
	if len(changes) == 0 && len(moves) == 0 {
		return "", ""
	}
	sort.SliceStable(changes, func(i, j int) bool {
		if changes[i].breaks != changes[j].breaks {
			return changes[i].breaks
		}
		return changes[i].text < changes[j].text
	})
	breaking := 0
	for _, c := range changes {
		if c.breaks {
			breaking++
		}
	}
	var b strings.Builder
	b.WriteString("# Changes to the generated API\n\nWhat the last regeneration changed for code that uses this module")
	fmt.Fprintf(&b, ": %d changes, %d of them breaking.\n\n", len(changes), breaking)
	for _, m := range moves {
		fmt.Fprintf(&b, "Package %s is now %s (its import path changes); below, its types are compared under their new names, element by element.\n\n", m[0], m[1])
	}
	section := func(title string, breaks bool) {
		first := true
		for _, c := range changes {
			if c.breaks != breaks {
				continue
			}
			if first {
				b.WriteString("## " + title + "\n\n")
				first = false
			}
			b.WriteString("- " + c.text + "\n")
		}
		if !first {
			b.WriteString("\n")
		}
	}
	section("Breaking", true)
	section("Compatible", false)
	return b.String(), fmt.Sprintf("%d API changes, %d breaking", len(changes), breaking)
}

// describeChange reports a type, field, binding or code whose details
// changed.
func describeChange(o, n apiItem, add func(bool, string, ...any)) {
	switch o.kind {
	case "field":
		if goTypeOf(o.rest) != goTypeOf(n.rest) {
			add(true, "field %s retyped: %s → %s — breaks code that uses it", o.key, goTypeOf(o.rest), goTypeOf(n.rest))
		}
		oc, nc := cardOf(o.rest), cardOf(n.rest)
		if oc != nc {
			omin, _ := strconv.Atoi(strings.SplitN(oc, "..", 2)[0])
			nmin, _ := strconv.Atoi(strings.SplitN(nc, "..", 2)[0])
			note := ""
			if nmin > omin {
				note = " — now required: instances without it are invalid"
			}
			add(nmin > omin, "field %s cardinality %s → %s%s", o.key, oc, nc, note)
		}
	case "bind":
		if unversioned(o.rest) != unversioned(n.rest) {
			add(false, "binding of %s changed: %s → %s", o.key, o.rest, n.rest)
		}
	case "code":
		add(true, "code %s changed: %s → %s — values of the old code are now invalid", o.key, o.rest, n.rest)
	case "type":
		add(true, "type %s changed: %s → %s", o.key, o.rest, n.rest)
	}
}

func parent(key string) string { return key[:strings.LastIndexByte(key, '.')] }
func last(key string) string   { return key[strings.LastIndexByte(key, '.')+1:] }

// a field's rest is "<Go type> <min..max> <path>"
func goTypeOf(rest string) string { return field(rest, 0) }
func cardOf(rest string) string   { return field(rest, 1) }
func pathOf(rest string) string   { return field(rest, 2) }

func field(rest string, i int) string {
	f := strings.Fields(rest)
	if i < len(f) {
		return f[i]
	}
	return ""
}

// unversioned drops the |version of a binding's value set.
func unversioned(rest string) string {
	if i := strings.IndexByte(rest, '|'); i >= 0 {
		return rest[:i]
	}
	return rest
}

// followPackages finds the packages of the old listing that the new one
// names otherwise (r4 → r5 when the FHIR version changes: the same FHIR
// types under another Go package) and rewrites the old listing with the new
// names, so that the comparison is per type and element rather than "every
// r4 type removed, every r5 type added". A package is followed to the new
// package holding most of its types, when that is at least half of them.
func followPackages(before, after string) (string, [][2]string) {
	types := func(listing string) map[string]map[string]bool {
		out := map[string]map[string]bool{}
		for _, it := range parseListing(listing) {
			if it.kind != "type" {
				continue
			}
			pkg, name, _ := strings.Cut(it.key, ".")
			if out[pkg] == nil {
				out[pkg] = map[string]bool{}
			}
			out[pkg][name] = true
		}
		return out
	}
	oldPkgs, newPkgs := types(before), types(after)
	var moves [][2]string
	var oldNames []string
	for p := range oldPkgs {
		oldNames = append(oldNames, p)
	}
	sort.Strings(oldNames)
	for _, op := range oldNames {
		if newPkgs[op] != nil {
			continue
		}
		best, bestN := "", 0
		for np, names := range newPkgs {
			if oldPkgs[np] != nil {
				continue
			}
			n := 0
			for name := range oldPkgs[op] {
				if names[name] {
					n++
				}
			}
			if n > bestN || (n == bestN && np < best) {
				best, bestN = np, n
			}
		}
		if best != "" && 2*bestN >= len(oldPkgs[op]) {
			moves = append(moves, [2]string{op, best})
		}
	}
	if len(moves) == 0 {
		return before, nil
	}
	var b strings.Builder
	for _, line := range strings.Split(before, "\n") {
		if !strings.HasPrefix(line, "#") {
			for _, m := range moves {
				line = renamePackage(line, m[0], m[1])
			}
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n"), moves
}

// renamePackage replaces the package qualifier from. by to. in a listing
// line, where it starts a word (r4.String, *r4.String, []r4.String).
func renamePackage(line, from, to string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		if strings.HasPrefix(line[i:], from+".") && (i == 0 || !isIdentByte(line[i-1])) {
			b.WriteString(to + ".")
			i += len(from) + 1
			continue
		}
		b.WriteByte(line[i])
		i++
	}
	return b.String()
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
