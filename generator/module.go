package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// resolveModule decides where the generated packages live, from the output
// directory and the module around it:
//
//   - inside a module (a go.mod above the output, not fhirgen's), the
//     packages are part of that module, as protoc-gen-go's and sqlc's are:
//     no go.mod is written and the import paths follow the directory
//     (-out ./fhir in example.com/app: example.com/app/fhir/r4). -module may
//     be left out; naming another path, or -standalone, writes a module of
//     its own (nested: the enclosing module needs a require and a replace);
//   - an output that is already a module fhirgen wrote, or that is in no
//     module, is a module of its own; -module names it (or is read from the
//     go.mod fhirgen wrote).
func (c *Config) resolveModule() error {
	if c.resolved || c.Out == "" {
		c.resolved = true
		return c.checkModulePath()
	}
	out, err := filepath.Abs(c.OutDir())
	if err != nil {
		return err
	}
	root, modPath, ours, err := enclosingModule(out)
	if err != nil {
		return err
	}
	switch {
	case root == "":
		if c.Module == "" {
			return errors.New("-module is required: the output is in no Go module, so fhirgen writes a module of its own and needs its path")
		}
	case root == out && ours:
		if c.Module == "" {
			c.Module = modPath
		}
	case root == out:
		return fmt.Errorf("%s is the root of module %s: fhirgen writes packages below a module's root, not into it (choose a subdirectory as -out)", out, modPath)
	default:
		rel, err := filepath.Rel(root, out)
		if err != nil {
			return err
		}
		derived := modPath + "/" + filepath.ToSlash(rel)
		if c.Module == "" {
			c.Module = derived
		}
		c.inModule = !c.Standalone && c.Module == derived
	}
	c.resolved = true
	return c.checkModulePath()
}

func (c *Config) checkModulePath() error {
	if c.Module == "" {
		return errors.New("-module is required")
	}
	if err := module.CheckImportPath(c.Module); err != nil {
		return fmt.Errorf("-module: %w", err)
	}
	return nil
}

// InModule reports whether the packages are generated into the enclosing
// module (no go.mod of their own). It is known once generation started.
func (c *Config) InModule() bool { return c.inModule }

// enclosingModule finds the go.mod governing dir (dir itself or above):
// its directory, module path, and whether fhirgen wrote it.
func enclosingModule(dir string) (root, path string, ours bool, err error) {
	for d := dir; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		switch {
		case err == nil:
			p := modfile.ModulePath(data)
			if p == "" {
				return "", "", false, fmt.Errorf("%s: no module path", filepath.Join(d, "go.mod"))
			}
			return d, p, isGenerated(data), nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", "", false, err
		}
		if filepath.Dir(d) == d {
			return "", "", false, nil
		}
	}
}
