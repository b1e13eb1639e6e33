package generator

import (
	"bytes"
	"context"
	"fmt"
	"go/format"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"
	"time"

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
	// Changes summarises what changed in the generated API ("" for nothing,
	// or a first generation); CHANGES.md has the details.
	Changes string
}

// Generate runs the pipeline and replaces the output directory only when
// every stage succeeded. Generations into the same directory run one after
// the other (see Output).
func Generate(ctx context.Context, cfg *Config) (*Result, error) {
	res := &Result{Report: &diag.Report{}}
	out, err := OpenOutput(cfg.OutDir(), cfg.Force)
	if err != nil {
		return res, err
	}
	defer out.Close()
	files, mod, err := Render(ctx, cfg, res.Report)
	if err != nil {
		return res, err
	}
	res.Module = mod
	res.Files = len(files)
	if old, err := os.ReadFile(filepath.Join(cfg.OutDir(), "API.txt")); err == nil {
		_, res.Changes = emit.APIChanges(string(old), string(files["API.txt"]))
	}
	for _, p := range mod.Packages {
		for _, t := range p.Types {
			res.Types += 1 + len(t.Nested)
		}
	}
	if err := out.Replace(files); err != nil {
		return res, err
	}
	return res, nil
}

// Render runs load → snapshot → model → emit and returns the files, without
// writing anything.
func Render(ctx context.Context, cfg *Config, report *diag.Report) (emit.Files, *model.Module, error) {
	start := time.Now()
	if err := cfg.resolveModule(); err != nil {
		return nil, nil, err
	}
	set, err := cfg.Load(ctx)
	if err != nil {
		return nil, nil, err
	}
	cfg.progress(start, "loaded %d definitions", len(set.All))
	files, mod, err := renderSet(set, cfg, report, start)
	if err != nil {
		return nil, nil, err
	}
	cfg.apiFiles(files, mod)
	cfg.progress(start, "rendered %d files", len(files))
	return files, mod, nil
}

// apiFiles adds API.txt (the Go API of the module) and CHANGES.md: what
// changed against the API.txt in the output directory, or, when nothing
// did, the CHANGES.md already there.
func (c *Config) apiFiles(files emit.Files, mod *model.Module) {
	files["API.txt"] = []byte(emit.APIListing(mod))
	if old, err := os.ReadFile(filepath.Join(c.OutDir(), "API.txt")); err == nil {
		if report, _ := emit.APIChanges(string(old), string(files["API.txt"])); report != "" {
			files["CHANGES.md"] = []byte(report)
			return
		}
	}
	if prev, err := os.ReadFile(filepath.Join(c.OutDir(), "CHANGES.md")); err == nil {
		files["CHANGES.md"] = prev
	}
}

// RenderSet is Render over definitions already loaded.
func RenderSet(set *load.Set, cfg *Config, report *diag.Report) (emit.Files, *model.Module, error) {
	if err := cfg.resolveModule(); err != nil {
		return nil, nil, err
	}
	return renderSet(set, cfg, report, time.Now())
}

// progressAfter is how long a run goes before it reports its stages.
const progressAfter = time.Second

// progress reports a finished stage on the log, once the run has taken
// longer than progressAfter (a long run, such as -all, shows where it is).
func (c *Config) progress(start time.Time, format string, args ...any) {
	if c.Log == nil || time.Since(start) < progressAfter {
		return
	}
	fmt.Fprintf(c.Log, "fhirgen: %s (%.1fs)\n", fmt.Sprintf(format, args...), time.Since(start).Seconds())
}

func renderSet(set *load.Set, cfg *Config, report *diag.Report, start time.Time) (emit.Files, *model.Module, error) {
	snap := snapshot.New(set, report)
	mod, err := model.Build(set, snap, report, model.Options{
		ModulePath: cfg.Module, All: cfg.All, Roots: cfg.Types, IGs: cfg.IGs, PackageNames: cfg.PackageNames,
	})
	if err != nil {
		return nil, nil, err
	}
	types := 0
	for _, p := range mod.Packages {
		types += len(p.Types)
	}
	cfg.progress(start, "snapshots and model: %d types", types)
	withXML, err := cfg.xml()
	if err != nil {
		return nil, nil, err
	}
	files, emitted, err := emit.Module(mod, emit.Options{NoInvariants: cfg.Invariants == "off", Lenient: cfg.Lenient, NoXML: !withXML, Rules: ruleTypes()})
	if err != nil {
		return nil, nil, err
	}
	warnings, statuses := emitted.Warnings, emitted.Invariants
	if err := cfg.checkInvariants(statuses, files); err != nil {
		return nil, nil, err
	}
	for _, w := range warnings {
		report.Warnf("emit", "", "%s", w)
	}
	if err := renderTemplates(cfg, mod, files); err != nil {
		return nil, nil, err
	}
	if err := emit.CheckDeclarations(files, emitted.Sources); err != nil {
		return nil, nil, err
	}
	return files, mod, nil
}

type pkgDoc struct {
	Version     string // fhirgen's
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
	// Directive is the //go:generate line of doc.go ("" for none)
	Directive string
	// the core package, for the fhir-validate command
	CoreName, CoreImport string
	Profiles             []profileRef
	// BaseTypes are the resource types of the FHIR version, which
	// fhir-validate -profile may name by their definitions' URLs
	BaseTypes []baseTypeRef
	XML       bool // the types read and write FHIR XML too
}

// baseTypeRef is a resource type and its definition's URL.
type baseTypeRef struct{ URL, Name string }

// profileRef names a profile whose validation was generated.
type profileRef struct{ URL, Package, GoName, Import string }

func hasResourceProfiles(p *model.Package) bool {
	for _, pr := range p.Profiles {
		if !pr.Extension && pr.Base != nil && pr.Base.Kind == model.KindResource {
			return true
		}
	}
	return false
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

// primitiveData feeds templates/package/primitive_json.go.tmpl.
type primitiveData struct {
	Module, Package string
	Name, GoName    string
	Generic         bool
	Kind            string // string, bool, int32, int64, decimal
	XHTML           bool   // XML carries the value as XHTML markup
}

// jsonData feeds templates/package/json.go.tmpl.
type jsonData struct {
	Module, Name   string
	XML            bool // the types read and write FHIR XML too
	FHIRVersion    string
	HasResources   bool
	KnownResources []string
	// KnownExtensions and ValueSetURLs: the core package's (known.go)
	KnownExtensions, ValueSetURLs []string
	Resources                     []*model.Type
	Arenas                        []arena
}

// arena is one typed slab of the decoder's state.
type arena struct {
	Name, Type string
	Generic    bool // Type takes [string]
}

func primitiveKind(v *model.PrimitiveValue) string {
	switch v.GoType {
	case "bool", "int32", "int64":
		return v.GoType
	case "Decimal":
		return "decimal"
	}
	return "string"
}

// rulesDir holds a template for each type with rules the specification
// states in prose (a Bundle's fullUrls, an Attachment's size), named after
// the type's file stem: bundle.go.tmpl.
const rulesDir = "package/rules"

// ruleTypes are the file stems of the types rulesDir has rules for.
func ruleTypes() map[string]bool {
	out := map[string]bool{}
	entries, _ := fs.ReadDir(templates.FS, rulesDir)
	for _, e := range entries {
		out[strings.TrimSuffix(e.Name(), ".go.tmpl")] = true
	}
	return out
}

// parseTemplates parses every template, by its path in templates.FS.
func parseTemplates() (map[string]*template.Template, error) {
	parsed := map[string]*template.Template{}
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".tmpl") {
			return err
		}
		src, err := fs.ReadFile(templates.FS, p)
		if err != nil {
			return err
		}
		t, err := template.New(p).Funcs(templateFuncs()).Parse(string(src))
		if err != nil {
			return err
		}
		parsed[p] = t
		return nil
	})
	return parsed, err
}

func renderTemplates(cfg *Config, mod *model.Module, files emit.Files) error {
	parsed, err := parseTemplates()
	if err != nil {
		return err
	}
	render := func(out, name string, data any) error {
		t, ok := parsed[name]
		if !ok {
			return fmt.Errorf("no template %s", name)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return fmt.Errorf("template %s: %w", name, err)
		}
		src := buf.Bytes()
		if strings.HasSuffix(out, ".go") {
			formatted, err := format.Source(src)
			if err != nil {
				return fmt.Errorf("template %s for %s: %w", name, out, err)
			}
			src = formatted
		}
		files[out] = src
		return nil
	}
	withXML, err := cfg.xml()
	if err != nil {
		return err
	}
	root := rootDoc{Name: model.PackageName(path.Base(mod.Path)), Module: mod.Path, GenerateCommand: cfg.generateCommand(), XML: withXML}
	if root.GenerateCommand != "" {
		root.Directive = "//go:generate " + emit.InlineComment(root.GenerateCommand)
	}
	for _, in := range mod.Inputs {
		if in.FHIRVersion != "" || strings.Contains(in.Name, "@") {
			root.Inputs = append(root.Inputs, in.Name)
		}
	}
	for _, p := range mod.Packages {
		pd := pkgDoc{Version: Version(), Name: p.Name, ImportPath: p.ImportPath, Summary: summary(p)}
		for _, d := range p.Definitions {
			s := d.URL
			if d.Version != "" {
				s += "|" + d.Version
			}
			pd.Definitions = append(pd.Definitions, s)
			root.Inputs = append(root.Inputs, s)
		}
		root.Packages = append(root.Packages, pd)
		if err := render(p.Name+"/doc.go", "package/package_doc.go.tmpl", pd); err != nil {
			return err
		}
		if len(p.Types) == 0 {
			for _, pr := range p.Profiles {
				if !pr.Extension && pr.Base != nil && pr.Base.Kind == model.KindResource {
					root.Profiles = append(root.Profiles, profileRef{URL: pr.URL, Package: p.Name, GoName: pr.GoName, Import: p.ImportPath})
				}
			}
			if hasResourceProfiles(p) {
				sd := struct{ Name, Module, CoreName, CoreImport string }{p.Name, mod.Path, p.Core.Name, p.Core.ImportPath}
				if err := render(p.Name+"/validate.go", "package/profile_support.go.tmpl", sd); err != nil {
					return err
				}
			}
			continue
		}
		jd := jsonData{Module: mod.Path, Name: p.Name, XML: root.XML, FHIRVersion: p.FHIRVersion, KnownResources: p.KnownResources,
			KnownExtensions: p.KnownExtensions, ValueSetURLs: p.ValueSetURLs}
		for _, t := range p.Types {
			switch t.Kind {
			case model.KindPrimitive:
				jd.Arenas = append(jd.Arenas, arena{Name: t.GoName, Type: t.GoName, Generic: t.Generic})
			case model.KindComplex, model.KindResource:
				for _, n := range append([]*model.Type{t}, t.Nested...) {
					jd.Arenas = append(jd.Arenas, arena{Name: n.GoName, Type: n.GoName})
				}
			}
			switch t.Kind {
			case model.KindResource:
				jd.Resources = append(jd.Resources, t)
			case model.KindPrimitive:
				pd := primitiveData{Module: mod.Path, Package: p.Name, Name: t.Name, GoName: t.GoName, Generic: t.Generic, Kind: primitiveKind(t.Value), XHTML: t.Value.XHTML}
				if err := render(p.Name+"/"+t.File+"_json.go", "package/primitive_json.go.tmpl", pd); err != nil {
					return err
				}
				if !root.XML {
					continue
				}
				if err := render(p.Name+"/"+t.File+"_xml.go", "package/primitive_xml.go.tmpl", pd); err != nil {
					return err
				}
			}
		}
		jd.HasResources = len(jd.Resources) > 0
		if err := render(p.Name+"/json.go", "package/json.go.tmpl", jd); err != nil {
			return err
		}
		if root.XML {
			if err := render(p.Name+"/xml.go", "package/xml.go.tmpl", jd); err != nil {
				return err
			}
		}
		if err := render(p.Name+"/validate.go", "package/validate.go.tmpl", jd); err != nil {
			return err
		}
		if err := render(p.Name+"/fhirpath.go", "package/fhirpath.go.tmpl", jd); err != nil {
			return err
		}
		if p.Core == p {
			if err := render(p.Name+"/known.go", "package/known.go.tmpl", jd); err != nil {
				return err
			}
			rules := ruleTypes()
			for _, t := range p.Types {
				if rules[t.File] {
					if err := render(p.Name+"/"+t.File+"_rules.go", rulesDir+"/"+t.File+".go.tmpl", jd); err != nil {
						return err
					}
				}
			}
		}
	}
	sort.Strings(root.Inputs)
	if !cfg.inModule {
		if err := render("go.mod", "module/go.mod.tmpl", root); err != nil {
			return err
		}
	}
	for _, p := range mod.Packages {
		if p.Core == p && len(p.Types) > 0 {
			root.CoreName, root.CoreImport = p.Name, p.ImportPath
			for _, r := range p.KnownResources {
				root.BaseTypes = append(root.BaseTypes, baseTypeRef{URL: p.Canonical + "/StructureDefinition/" + r, Name: r})
			}
		}
	}
	return fs.WalkDir(templates.FS, "module", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == "module/go.mod.tmpl" {
			return err
		}
		if cfg.inModule && (p == "module/doc.go.tmpl" || strings.HasPrefix(p, "module/cmd/")) {
			// packages of the user's module: the output directory may be a
			// package of theirs, and a command is theirs to write
			return nil
		}
		if strings.HasPrefix(p, "module/cmd/") && (root.CoreName == "" || !hasOperationOutcome(files, root.CoreName)) {
			return nil // the command needs the core types and OperationOutcome
		}
		if strings.HasPrefix(p, "module/internal/fhirxml/") && !root.XML {
			return nil
		}
		out := strings.TrimSuffix(strings.TrimPrefix(p, "module/"), ".tmpl")
		return render(out, p, root)
	})
}

func hasOperationOutcome(files emit.Files, core string) bool {
	_, ok := files[core+"/issues_operationoutcome.go"]
	return ok
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

// checkInvariants enforces the invariant policy and writes the report.
func (c *Config) checkInvariants(statuses []*emit.InvariantStatus, files emit.Files) error {
	allowed := map[string]string{}
	if c.InvariantAllowList != "" {
		data, err := os.ReadFile(c.path(c.InvariantAllowList))
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			key, reason, ok := strings.Cut(line, "\t")
			if !ok || strings.TrimSpace(reason) == "" {
				return fmt.Errorf("%s: %q: every allow-listed invariant needs a reason after a tab", c.InvariantAllowList, line)
			}
			allowed[key] = strings.TrimSpace(reason)
		}
	}
	files["INVARIANTS.md"] = []byte(emit.InvariantReport(statuses, allowed))
	if c.Invariants == "report" || c.Invariants == "off" {
		return nil
	}
	if c.Invariants != "" && c.Invariants != "strict" {
		return fmt.Errorf("invariants: want strict, report or off, not %q", c.Invariants)
	}
	var failed []string
	for _, s := range statuses {
		if !s.Compiled {
			if _, ok := allowed[s.Key]; !ok {
				failed = append(failed, s.Key+" "+s.Problem)
			}
		}
	}
	if len(failed) > 0 {
		sort.Strings(failed)
		return fmt.Errorf("%d invariants cannot be compiled and are not allow-listed (use -invariants=report to generate anyway):\n\t%s", len(failed), strings.Join(failed, "\n\t"))
	}
	return nil
}
