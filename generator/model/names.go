package model

import (
	"go/token"
	"strconv"
	"strings"
	"unicode"
)

// isInitialism tells the words written in capitals when they stand alone.
func isInitialism(lower string) bool {
	switch lower {
	case "id", "url", "uri", "uuid", "oid", "http", "https", "json", "xml", "html", "xhtml", "api", "sql", "ip",
		"udi", "rest", "ssn", "dns", "cvx", "ucum":
		return true
	}
	return false
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
	writeWords(&b, s)
	out := b.String()
	if out == "" || !unicode.IsLetter(rune(out[0])) {
		out = "X" + out
	}
	return out
}

// writeWords writes the words of s: initialisms in capitals, other words
// with their first letter capitalised and the rest as they are; characters
// outside ASCII are dropped.
func writeWords(b *strings.Builder, s string) {
	for _, w := range words(s) {
		if lw := strings.ToLower(w); isInitialism(lw) {
			b.WriteString(strings.ToUpper(lw))
			continue
		}
		for i, r := range w {
			if r > unicode.MaxASCII {
				continue
			}
			if i == 0 {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
		}
	}
}

// codeSymbol names a symbol that codes such as "<=" or "!=" consist of.
func codeSymbol(r rune) (string, bool) {
	switch r {
	case '<':
		return "LessThan", true
	case '>':
		return "GreaterThan", true
	case '=':
		return "Equal", true
	case '!':
		return "Not", true
	case '+':
		return "Plus", true
	case '*':
		return "Star", true
	case '%':
		return "Percent", true
	case '&':
		return "And", true
	case '|':
		return "Or", true
	case '@':
		return "At", true
	case '#':
		return "Hash", true
	case '$':
		return "Dollar", true
	case '^':
		return "Caret", true
	case '~':
		return "Tilde", true
	case '?':
		return "Question", true
	}
	return "", false
}

// CodeGoName turns a code into the suffix of its Go constant name, keeping
// the code's own capitals (LDL, mL).
func CodeGoName(code string) string {
	var b strings.Builder
	for _, r := range code {
		if name, ok := codeSymbol(r); ok {
			b.WriteString(" " + name + " ")
			continue
		}
		b.WriteRune(r)
	}
	var out strings.Builder
	writeWords(&out, b.String())
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
