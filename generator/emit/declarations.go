package emit

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"sort"
	"strings"
)

// CheckDeclarations is the backstop behind the name mapping: it parses every
// generated Go file and refuses a package that declares a name twice (at
// package level, or as a method or field of one type), naming the
// definitions the two declarations come from. Whatever the mapping missed
// would otherwise fail only when the user compiles.
func CheckDeclarations(files Files, sources map[string]string) error {
	byPkg := map[string][]string{}
	for _, name := range files.Names() {
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			byPkg[path.Dir(name)] = append(byPkg[path.Dir(name)], name)
		}
	}
	dirs := make([]string, 0, len(byPkg))
	for d := range byPkg {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		seen := map[string]string{} // declared name -> file
		declare := func(name, file string) error {
			if name == "_" {
				return nil
			}
			if other, dup := seen[name]; dup {
				return fmt.Errorf("%s: %s is declared twice in package %s: in %s (from %s) and in %s (from %s); rename one of the definitions or elements",
					origin(sources, file), name, dir, other, origin(sources, other), file, origin(sources, file))
			}
			seen[name] = file
			return nil
		}
		fset := token.NewFileSet()
		for _, file := range byPkg[dir] {
			f, err := parser.ParseFile(fset, file, files[file], parser.SkipObjectResolution)
			if err != nil {
				return fmt.Errorf("%s: generated %s does not parse: %v", origin(sources, file), file, err)
			}
			for _, decl := range f.Decls {
				if err := declarations(decl, func(name string) error { return declare(name, file) }); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func origin(sources map[string]string, file string) string {
	if s := sources[file]; s != "" {
		return s
	}
	return "fhirgen"
}

// declarations names what a declaration declares: package-level names, and
// methods and struct fields as Type.Name.
func declarations(decl ast.Decl, declare func(string) error) error {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil || len(d.Recv.List) == 0 {
			if d.Name.Name == "init" {
				return nil
			}
			return declare(d.Name.Name)
		}
		return declare(receiverType(d.Recv.List[0].Type) + "." + d.Name.Name)
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			switch sp := spec.(type) {
			case *ast.TypeSpec:
				if err := declare(sp.Name.Name); err != nil {
					return err
				}
				if st, ok := sp.Type.(*ast.StructType); ok {
					for _, fl := range st.Fields.List {
						for _, n := range fl.Names {
							if err := declare(sp.Name.Name + "." + n.Name); err != nil {
								return err
							}
						}
					}
				}
			case *ast.ValueSpec:
				for _, n := range sp.Names {
					if err := declare(n.Name); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// receiverType is the name of a method's receiver type (*T, T[X] → T).
func receiverType(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return "?"
		}
	}
}
