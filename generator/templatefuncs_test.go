package generator

import (
	"strings"
	"testing"
	"text/template/parse"
)

// TestTemplatesEscapeEveryValue: every value a template prints goes through
// one of the escaping functions (or is a constant, or a variable that was
// set from one).
func TestTemplatesEscapeEveryValue(t *testing.T) {
	escapers := templateFuncs()
	parsed, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	actions := 0
	for p, tmpl := range parsed {
		safeVars := map[string]bool{}
		safe := func(pipe *parse.PipeNode) bool {
			last := pipe.Cmds[len(pipe.Cmds)-1]
			switch a := last.Args[0].(type) {
			case *parse.IdentifierNode:
				_, ok := escapers[a.Ident]
				return ok
			case *parse.StringNode, *parse.NumberNode, *parse.BoolNode:
				return len(last.Args) == 1
			case *parse.VariableNode:
				return len(a.Ident) == 1 && safeVars[a.Ident[0]]
			}
			return false
		}
		var walk func(n parse.Node)
		walk = func(n parse.Node) {
			switch n := n.(type) {
			case *parse.ListNode:
				if n != nil {
					for _, c := range n.Nodes {
						walk(c)
					}
				}
			case *parse.ActionNode:
				actions++
				if len(n.Pipe.Decl) > 0 {
					ok := safe(n.Pipe)
					for _, v := range n.Pipe.Decl {
						// a variable is safe only while every value given it is
						safeVars[v.Ident[0]] = ok && (!n.Pipe.IsAssign || safeVars[v.Ident[0]])
					}
					return
				}
				if !safe(n.Pipe) {
					loc, _ := tmpl.Tree.ErrorContext(n)
					t.Errorf("%s: %s prints a value without an escaping function", loc, n)
				}
			case *parse.IfNode:
				walk(n.List)
				walk(n.ElseList)
			case *parse.RangeNode:
				walk(n.List)
				walk(n.ElseList)
			case *parse.WithNode:
				walk(n.List)
				walk(n.ElseList)
			case *parse.TemplateNode:
				t.Errorf("%s: nested templates are not checked", p)
			}
		}
		walk(tmpl.Tree.Root)
	}
	if actions < 50 {
		t.Fatalf("only %d actions seen: the check looks at nothing", actions)
	}
}

func TestTemplateEscapers(t *testing.T) {
	f := templateFuncs()
	comment := f["comment"].(func(string) string)
	if got := comment("a\nfunc init() {}\r\n//go:generate x\u2028y"); strings.ContainsAny(got, "\n\r\u2028") {
		t.Errorf("comment kept a line break: %q", got)
	}
	ident := f["ident"].(func(string) (string, error))
	for _, bad := range []string{"", "a b", "a\nb", "func", "1a", "a.b"} {
		if _, err := ident(bad); err == nil {
			t.Errorf("ident accepted %q", bad)
		}
	}
	importPath := f["importPath"].(func(string, string) (string, error))
	for _, bad := range []string{"a\"b", "a\nb", "a b", "/abs", "a//b"} {
		if _, err := importPath(bad, "/fhir"); err == nil {
			t.Errorf("importPath accepted %q", bad)
		}
	}
	if got, err := importPath("example.com/app", "/fhir"); err != nil || got != `"example.com/app/fhir"` {
		t.Errorf("importPath: %s %v", got, err)
	}
}
