package emit

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"
)

func TestCommentLinesCannotEscape(t *testing.T) {
	evil := "a */ b /* c\n//go:generate rm -rf /\r\nd\u2028e\u202Ef\x00g\rh\u0085i"
	lines := commentLines(evil, "second\n\n\nparagraph")
	for _, l := range lines {
		if !strings.HasPrefix(l, "// ") && l != "//" {
			t.Errorf("line %q does not start a line comment", l)
		}
		if strings.ContainsAny(l, "\n\r\u2028\u2029\u0085\u202E\x00") {
			t.Errorf("line %q holds a break or control character", l)
		}
		if strings.HasPrefix(l, "//go:") || strings.HasPrefix(l, "//line") {
			t.Errorf("line %q would be a directive", l)
		}
	}
	if got := strings.Join(lines, "|"); !strings.Contains(got, "// //go:generate rm -rf /") {
		t.Errorf("text lost: %s", got)
	}
}

func TestWrap(t *testing.T) {
	long := strings.Repeat("word ", 60)
	for _, l := range commentLines(long) {
		if len(l) > wrapAt+3 {
			t.Errorf("line of %d chars", len(l))
		}
	}
}

// TestVerbatimCommentCannotEscape: code-like text keeps its spaces but not
// its line breaks' power.
func TestVerbatimCommentCannotEscape(t *testing.T) {
	var got []string
	add := func(code ...jen.Code) *jen.Statement {
		s := jen.Add(code...)
		got = append(got, s.GoString())
		return s
	}
	verbatimComment(add, "  ", "a  b\n//go:generate x\u2028*/ func init() {}\r\n\x00")
	for _, l := range got {
		if !strings.HasPrefix(l, "// ") && l != "//" {
			t.Errorf("line %q does not start a line comment", l)
		}
		if strings.ContainsAny(l, "\n\r\u2028\x00") {
			t.Errorf("line %q holds a break or control character", l)
		}
	}
	if len(got) < 3 || got[0] != "//   a  b" {
		t.Errorf("got %q", got)
	}
}

// TestCommentsOnlyThroughEscaping: outside doc.go, every comment this
// package emits is a constant; text that varies goes through comments,
// commentf or verbatimComment.
func TestCommentsOnlyThroughEscaping(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range pkgs {
		if strings.HasSuffix(name, "_test.go") || name == "doc.go" {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "Comment" && sel.Sel.Name != "Commentf" && sel.Sel.Name != "HeaderComment") {
				return true
			}
			checked++
			for _, a := range call.Args {
				if _, lit := a.(*ast.BasicLit); lit {
					continue
				}
				if id, ok := a.(*ast.Ident); ok && id.Name == "Header" {
					continue
				}
				t.Errorf("%s: %s called with a non-constant argument; use comments, commentf or verbatimComment", fset.Position(call.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatal("no Comment calls found: the check looks at nothing")
	}
}
