package emit

import (
	"strings"
	"testing"
)

func TestCheckDeclarations(t *testing.T) {
	ok := Files{
		"p/a.go": []byte("package p\n\ntype A struct{ X int }\n\nfunc (a *A) Y() {}\n\nfunc init() {}\n"),
		"p/b.go": []byte("package p\n\ntype B[T any] struct{}\n\nfunc (b B[T]) Y() {}\n\nvar _ = 1\nvar _ = 2\n\nfunc init() {}\n"),
		"q/a.go": []byte("package q\n\ntype A struct{}\n"),
	}
	if err := CheckDeclarations(ok, nil); err != nil {
		t.Fatalf("distinct names refused: %v", err)
	}
	for name, bad := range map[string]Files{
		"type twice":        {"p/a.go": []byte("package p\n\ntype A int\n"), "p/b.go": []byte("package p\n\nfunc A() {}\n")},
		"method and field":  {"p/a.go": []byte("package p\n\ntype A struct{ X int }\n"), "p/b.go": []byte("package p\n\nfunc (a *A) X() {}\n")},
		"generic method":    {"p/a.go": []byte("package p\n\ntype C[T any] struct{}\n\nfunc (c *C[T]) M() {}\n"), "p/b.go": []byte("package p\n\nfunc (c C[T]) M() {}\n")},
		"constant and func": {"p/a.go": []byte("package p\n\nconst K = 1\n\nfunc K() {}\n")},
	} {
		err := CheckDeclarations(bad, map[string]string{"p/a.go": "defs/A.json", "p/b.go": "defs/B.json"})
		if err == nil || !strings.Contains(err.Error(), "defs/") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
