package generator

import (
	"fmt"
	"go/token"
	"strconv"
	"text/template"

	"github.com/fhirgen/fhirgen/generator/emit"
	"golang.org/x/mod/module"
)

// templateFuncs are the escaping functions of the templates, one per
// context; every value a template prints goes through one of them
// (TestTemplatesEscapeEveryValue checks that):
//
//	comment     text inside a line comment (sanitized, on one line)
//	lit         a Go string literal
//	ident       a Go identifier (validated, never rewritten)
//	importPath  a quoted import path: a module path and a suffix
//	modulePath  a module path in go.mod
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"comment": emit.InlineComment,
		"lit":     strconv.Quote,
		"ident": func(s string) (string, error) {
			if !token.IsIdentifier(s) {
				return "", fmt.Errorf("%q is not a Go identifier", s)
			}
			return s, nil
		},
		"importPath": func(base, suffix string) (string, error) {
			if err := module.CheckImportPath(base + suffix); err != nil {
				return "", err
			}
			return strconv.Quote(base + suffix), nil
		},
		"modulePath": func(s string) (string, error) {
			if err := module.CheckImportPath(s); err != nil {
				return "", err
			}
			return s, nil
		},
	}
}
