// Package diag holds the located errors and warnings of every generator stage.
package diag

import (
	"fmt"
	"sort"
	"strings"
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
	b.WriteString(e.File)
	if e.Element != "" {
		b.WriteString(": ")
		b.WriteString(e.Element)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
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
