package generator

import (
	"bytes"
	"context"
	"fmt"
	"go/format"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/fhirgen/fhirgen/generator/emit"
	"github.com/fhirgen/fhirgen/generator/load"
	"github.com/fhirgen/fhirgen/generator/model"
	"github.com/fhirgen/fhirgen/generator/snapshot"
	"github.com/fhirgen/fhirgen/templates"
)

// Result summarizes a generation.
type Result struct {
	Files  int
	Types  int
	Report *diag.Report
	Module *model.Module
}

// Generate runs the pipeline and replaces the output directory only when
// every stage succeeded.
func Generate(ctx context.Context, cfg *Config) (*Result, error) {
	res := &Result{Report: &diag.Report{}}
	files, mod, err := Render(ctx, cfg, res.Report)
	if err != nil {
		return res, err
	}
	res.Module = mod
	res.Files = len(files)
	for _, p := range mod.Packages {
		for _, t := range p.Types {
			res.Types += 1 + len(t.Nested)
		}
	}
	if err := WriteAtomic(cfg.OutDir(), files); err != nil {
		return res, err
	}
	return res, nil
}

// Render runs load → snapshot → model → emit and returns the files, without
// writing anything.
func Render(ctx context.Context, cfg *Config, report *diag.Report) (emit.Files, *model.Module, error) {
	set, err := cfg.Load(ctx)
	if err != nil {
		return nil, nil, err
	}
	return RenderSet(set, cfg, report)
}

// RenderSet is Render over definitions already loaded.
func RenderSet(set *load.Set, cfg *Config, report *diag.Report) (emit.Files, *model.Module, error) {
	snap := snapshot.New(set, report)
	mod, err := model.Build(set, snap, report, model.Options{
		ModulePath: cfg.Module, All: cfg.All, Roots: cfg.Types, PackageNames: cfg.PackageNames,
	})
	if err != nil {
		return nil, nil, err
	}
	files, err := emit.Module(mod)
	if err != nil {
		return nil, nil, err
	}
	if err := renderTemplates(cfg, mod, files); err != nil {
		return nil, nil, err
	}
	return files, mod, nil
}

type pkgDoc struct {
	Name        string
	ImportPath  string
	Summary     string
	Definitions []string
}

type rootDoc struct {
	Name            string
	Module          string
	Packages        []pkgDoc
	Inputs          []string
	GenerateCommand string
}

func summary(p *model.Package) string {
	if p.Core == p {
		types := 0
		for _, t := range p.Types {
			if t.Kind == model.KindResource {
				types++
			}
		}
		return fmt.Sprintf("holds Go types for FHIR %s (%d resources, their datatypes and typed codes).", p.FHIRVersion, types)
	}
	return fmt.Sprintf("holds the profiles and extensions of %s.", p.Canonical)
}

func renderTemplates(cfg *Config, mod *model.Module, files emit.Files) error {
	tmpl, err := template.ParseFS(templates.FS, "*.tmpl", "runtime/*.tmpl")
	if err != nil {
		return err
	}
	exec := func(name string, data any) ([]byte, error) {
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	root := rootDoc{Name: model.PackageName(path.Base(mod.Path)), Module: mod.Path, GenerateCommand: cfg.generateCommand()}
	for _, in := range mod.Inputs {
		if in.FHIRVersion != "" || strings.Contains(in.Name, "@") {
			root.Inputs = append(root.Inputs, in.Name)
		}
	}
	for _, p := range mod.Packages {
		pd := pkgDoc{Name: p.Name, ImportPath: p.ImportPath, Summary: summary(p)}
		for _, d := range p.Definitions {
			s := d.URL
			if d.Version != "" {
				s += "|" + d.Version
			}
			pd.Definitions = append(pd.Definitions, s)
			root.Inputs = append(root.Inputs, s)
		}
		root.Packages = append(root.Packages, pd)
		src, err := exec("package_doc.go.tmpl", pd)
		if err != nil {
			return err
		}
		if files[p.Name+"/doc.go"], err = format.Source(src); err != nil {
			return fmt.Errorf("package doc of %s: %w", p.Name, err)
		}
	}
	sort.Strings(root.Inputs)
	var err2 error
	if files["go.mod"], err2 = exec("go.mod.tmpl", root); err2 != nil {
		return err2
	}
	src, err := exec("root_doc.go.tmpl", root)
	if err != nil {
		return err
	}
	if files["doc.go"], err = format.Source(src); err != nil {
		return fmt.Errorf("module doc: %w", err)
	}
	return fs.WalkDir(templates.FS, "runtime", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := exec(path.Base(p), root)
		if err != nil {
			return err
		}
		name := path.Join(emit.RuntimePackage, strings.TrimSuffix(path.Base(p), ".tmpl"))
		if files[name], err = format.Source(src); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	})
}

// generateCommand is the //go:generate line for the module root: it reruns
// this generation through the go tool directive, from the config file's
// repository.
func (c *Config) generateCommand() string {
	if c.configFile == "" || c.baseDir == "" {
		return ""
	}
	out := c.OutDir()
	rel, err := filepath.Rel(out, c.baseDir)
	if err != nil {
		return ""
	}
	cf, err := filepath.Rel(c.baseDir, c.configFile)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("go -C %s tool fhirgen generate -config %s", filepath.ToSlash(rel), filepath.ToSlash(cf))
}
