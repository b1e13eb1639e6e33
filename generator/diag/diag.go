// Package diag holds the located errors and warnings of every generator stage.
package diag

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is a problem in a definition, located by the file it came from and
// the element id (or definition url) it concerns.
type Error struct {
	File    string // where the definition was read from
	Element string // element id, or "" for the definition as a whole
	Msg     string
}

func (e *Error) Error() string {
	var b strings.Builder
	writeClean(&b, e.File, false)
	if e.Element != "" {
		b.WriteString(": ")
		writeClean(&b, e.Element, false)
	}
	b.WriteString(": ")
	writeClean(&b, e.Msg, true)
	return b.String()
}

// writeClean writes s with every control, line-separator, bidirectional or
// other invisible formatting character, and every invalid byte, escaped
// (\n, \u202e, \xff), so that text from a definition cannot rewrite a
// terminal or fake lines of output. The message's own line breaks and tabs
// are kept when lines is set.
func writeClean(b *strings.Builder, s string, lines bool) {
	for i, r := range s {
		switch {
		case lines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r == utf8.RuneError && len(s[i:]) > 0 && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(b, "\\x%02x", s[i])
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029':
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
}

// Errorf builds an Error.
func Errorf(file, element, format string, args ...any) *Error {
	return &Error{File: file, Element: element, Msg: fmt.Sprintf(format, args...)}
}

// Report collects warnings: things generation went on without, such as an
// unresolved target profile or a value set that cannot be expanded.
type Report struct {
	Warnings []*Error
	seen     map[string]bool
}

// Warnf adds a warning once.
func (r *Report) Warnf(file, element, format string, args ...any) {
	w := Errorf(file, element, format, args...)
	key := w.Error()
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	if r.seen[key] {
		return
	}
	r.seen[key] = true
	r.Warnings = append(r.Warnings, w)
}

// Sorted returns the warnings in a stable order.
func (r *Report) Sorted() []*Error {
	out := append([]*Error(nil), r.Warnings...)
	sort.Slice(out, func(i, j int) bool { return out[i].Error() < out[j].Error() })
	return out
}
