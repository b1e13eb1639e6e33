package model

import (
	"go/token"
	"strconv"
	"strings"
	"unicode"
)

// initialisms are written in capitals when they form a whole word.
var initialisms = map[string]bool{
	"id": true, "url": true, "uri": true, "uuid": true, "oid": true, "http": true, "https": true,
	"json": true, "xml": true, "html": true, "xhtml": true, "api": true, "sql": true, "ip": true,
	"udi": true, "rest": true, "ssn": true, "dns": true, "cvx": true, "ucum": true,
}

// words splits a FHIR name into words: at case changes, digits-to-letters
// boundaries and every character that is not a letter or digit.
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r):
			// split "aB" and the last capital of "ABc"
			if i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) ||
				(unicode.IsUpper(rs[i-1]) && i+1 < len(rs) && unicode.IsLower(rs[i+1]))) {
				flush()
			}
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// GoName turns a FHIR name into an exported Go identifier: implicitRules →
// ImplicitRules, versionId → VersionID, url → URL, base64Binary →
// Base64Binary. Characters Go does not allow are dropped; an empty or
// digit-led result gets the prefix X.
func GoName(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		lw := strings.ToLower(w)
		if initialisms[lw] {
			b.WriteString(strings.ToUpper(lw))
			continue
		}
		rs := []rune(w)
		for i, r := range rs {
			if r > unicode.MaxASCII {
				continue
			}
			if i == 0 {
				b.WriteRune(unicode.ToUpper(r))
			} else {
				b.WriteRune(r)
			}
		}
	}
	out := b.String()
	if out == "" || !unicode.IsLetter(rune(out[0])) {
		out = "X" + out
	}
	return out
}

// codeSymbols name the symbols that codes such as "<=" or "!=" consist of.
var codeSymbols = map[rune]string{
	'<': "LessThan", '>': "GreaterThan", '=': "Equal", '!': "Not", '+': "Plus", '*': "Star",
	'%': "Percent", '&': "And", '|': "Or", '@': "At", '#': "Hash", '$': "Dollar", '^': "Caret",
	'~': "Tilde", '?': "Question",
}

// CodeGoName turns a code into the suffix of its Go constant name.
func CodeGoName(code string) string {
	var b strings.Builder
	for _, r := range code {
		if name, ok := codeSymbols[r]; ok {
			b.WriteString(" " + name + " ")
			continue
		}
		b.WriteRune(r)
	}
	s := b.String()
	var out strings.Builder
	for _, w := range words(s) {
		lw := strings.ToLower(w)
		if initialisms[lw] {
			out.WriteString(strings.ToUpper(lw))
			continue
		}
		// keep the code's own capitals (e.g. "LDL", "mL"), capitalise the first
		rs := []rune(w)
		for i, r := range rs {
			if r > unicode.MaxASCII {
				continue
			}
			if i == 0 {
				r = unicode.ToUpper(r)
			}
			out.WriteRune(r)
		}
	}
	if out.Len() == 0 {
		return "Empty"
	}
	return out.String()
}

// PackageName turns a string into a Go package name.
func PackageName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if out == "" || !unicode.IsLetter(rune(out[0])) || token.IsKeyword(out) || isPredeclared(out) {
		out = "fhir" + out
	}
	return out
}

func isPredeclared(s string) bool {
	switch s {
	case "bool", "byte", "complex64", "complex128", "error", "float32", "float64", "int", "int8", "int16",
		"int32", "int64", "rune", "string", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr",
		"true", "false", "iota", "nil", "append", "cap", "clear", "close", "complex", "copy", "delete",
		"imag", "len", "make", "max", "min", "new", "panic", "print", "println", "real", "recover", "any", "comparable":
		return true
	}
	return false
}

// FileName turns a Go name into a file name stem.
func FileName(goName string) string {
	s := strings.ToLower(goName)
	// Go build constraints hide files ending in _test, _<GOOS> or _<GOARCH>;
	// the names here have no underscores, so only "test" and friends matter.
	return s
}

// Namespace hands out unique identifiers in one Go package scope.
type Namespace struct {
	used map[string]string // name -> what took it
}

// NewNamespace returns a namespace with the given names reserved.
func NewNamespace(reserved ...string) *Namespace {
	n := &Namespace{used: map[string]string{}}
	for _, r := range reserved {
		n.used[r] = "fhirgen runtime"
	}
	return n
}

// Take claims name for owner, or, when taken, name+suffix, then
// name+suffix+"2", "3" ... It returns the name given.
func (n *Namespace) Take(name, suffix, owner string) string {
	if _, taken := n.used[name]; !taken {
		n.used[name] = owner
		return name
	}
	cand := name + suffix
	for i := 2; ; i++ {
		if _, taken := n.used[cand]; !taken {
			n.used[cand] = owner
			return cand
		}
		cand = name + suffix + strconv.Itoa(i)
	}
}

// Owner tells who took a name.
func (n *Namespace) Owner(name string) (string, bool) {
	o, ok := n.used[name]
	return o, ok
}
