package emit

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"
)

// wrapAt is the width doc comment lines are wrapped to.
const wrapAt = 100

// Sanitize makes definition text safe inside a Go line comment: it fixes
// invalid UTF-8, turns every kind of line break into \n, and drops control
// and bidirectional-override characters (which could hide code from a
// reader). Since each line is emitted behind "// ", no text can end the
// comment or become a directive.
func Sanitize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n':
			b.WriteByte('\n')
		case r == '\u2028' || r == '\u2029' || r == '\u0085':
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case isBidiOrInvisible(r):
		case unicode.IsControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isBidiOrInvisible(r rune) bool {
	switch {
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069', r == '\u200E', r == '\u200F',
		r == '\u061C', r == '\uFEFF', r >= '\u200B' && r <= '\u200D':
		return true
	}
	return false
}

// commentLines turns paragraphs into wrapped, sanitized comment lines
// ("// ..."), with a bare "//" between paragraphs.
func commentLines(paragraphs ...string) []string {
	var out []string
	for _, p := range paragraphs {
		p = strings.TrimSpace(Sanitize(p))
		if p == "" {
			continue
		}
		if len(out) > 0 {
			out = append(out, "//")
		}
		for i, line := range strings.Split(p, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				if i > 0 && out[len(out)-1] != "//" {
					out = append(out, "//")
				}
				continue
			}
			for _, w := range wrap(line, wrapAt) {
				out = append(out, "// "+w)
			}
		}
	}
	return out
}

func wrap(s string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, w := range strings.Fields(s) {
		if cur.Len() > 0 && cur.Len()+1+len(w) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// The three ways definition text reaches generated code, one per context:
//
//   - comments, commentf and verbatimComment: line comments. The text is
//     sanitized and every line is written behind "// ", so nothing can end the
//     comment or become a directive (//go:generate, //line).
//   - jen.Lit: string literals (strconv quoting).
//   - identifiers: only names from the model's validated name mapping
//     (model.GoName and its namespaces), never raw text.
//
// TestCommentsOnlyThroughEscaping keeps every other comment in this package
// a constant.

// comments adds comment lines to a file or group: paragraphs of definition
// text, sanitized and wrapped.
func comments(add func(code ...jen.Code) *jen.Statement, paragraphs ...string) {
	for _, l := range commentLines(paragraphs...) {
		add(jen.Comment(l))
	}
}

// commentf adds a comment formatted from fhirgen's own format string; its
// arguments may be definition text.
func commentf(add func(code ...jen.Code) *jen.Statement, format string, args ...any) {
	comments(add, fmt.Sprintf(format, args...))
}

// verbatimComment adds code-like definition text (a FHIRPath expression, a
// regex) as comment lines: sanitized, its own line breaks kept, nothing
// wrapped or collapsed.
func verbatimComment(add func(code ...jen.Code) *jen.Statement, prefix, text string) {
	for i, line := range strings.Split(Sanitize(text), "\n") {
		if i == 0 {
			line = prefix + line
		}
		if line = strings.TrimRight(line, " "); line == "" {
			add(jen.Comment("//"))
			continue
		}
		add(jen.Comment("// " + line))
	}
}

// sentence trims a short description and ends it with a period.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

// InlineComment makes definition text safe in the middle of a line comment
// (the templates' "comment" function): sanitized, with every line break
// folded into a space.
func InlineComment(s string) string {
	return strings.Join(strings.Fields(Sanitize(s)), " ")
}
