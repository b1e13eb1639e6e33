// Command fhirgen generates Go code for FHIR from StructureDefinitions.
//
// It reads FHIR NPM packages (from the FHIR package cache, fetching missing
// ones from an npm registry) and loose definition files, computes snapshots,
// builds a model of the types, and writes a Go module: structs with nil-safe
// getters, typed codes for required bindings, and runtime support.
//
// Usage:
//
//	fhirgen generate [-config file] -package <id>@<version>... -defs <dir|file>... -out <dir> -module <path> [-all | -type <name|url>...]
//	fhirgen fetch <id>@<version>...
//	fhirgen snapshot [-package ...] [-defs ...] <canonical-url>
//
// In a module that uses it, declare the tool once (go get -tool
// github.com/fhirgen/fhirgen/cmd/fhirgen) and regenerate with a line such as
//
//	//go:generate go tool fhirgen generate -package hl7.fhir.r4.examples@4.0.1 -defs ../definitions -out . -module example.com/fhir -type AuditEvent
//
// The registry URL comes from -registry, then $FHIRGEN_REGISTRY, then
// `npm config get registry`. Packages are cached in $FHIRGEN_PACKAGE_CACHE or
// ~/.fhir/packages.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fhirgen/fhirgen/generator"
	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/fhirgen/fhirgen/generator/fhirpkg"
	"github.com/fhirgen/fhirgen/generator/snapshot"
)

const usage = `fhirgen generates Go types for FHIR from StructureDefinitions.

Commands:
  generate   write Go packages for a set of definitions
  fetch      download packages into the FHIR package cache
  snapshot   print the computed snapshot of a StructureDefinition
  version    print fhirgen's version

Without -config (and without -package or -defs), generate and snapshot use
the project's config: fhirgen.json in the current directory, else
definitions/fhirgen.json at the root of the current module.

Run 'fhirgen <command> -h' for a command's flags.
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	var err error
	switch args[0] {
	case "generate":
		err = cmdGenerate(ctx, args[1:], stdout, stderr)
	case "fetch":
		err = cmdFetch(ctx, args[1:], stderr)
	case "snapshot":
		err = cmdSnapshot(ctx, args[1:], stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "fhirgen", generator.BuildVersion())
		return 0
	default:
		fmt.Fprintf(stderr, "fhirgen: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "fhirgen %s: %v\n", args[0], err)
			return 2
		}
		fmt.Fprintf(stderr, "fhirgen: %v\n", err)
		return 1
	}
	return 0
}

type usageError struct{ error }

// inputFlags are the flags generate and snapshot share.
type inputFlags struct {
	config, cache, registry, lock string
	packages, defs, substitutes   multiFlag
	igs                           multiFlag
	noDeps                        bool
}

func (f *inputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "config", "", "config `file` (JSON) holding the same settings as the flags; flags add to it")
	fs.Var(&f.packages, "package", "FHIR package `id@version` to read (repeatable); fetched into the cache when missing")
	fs.Var(&f.igs, "ig", "implementation guide `id@version`: a package read as -package is, every profile, extension and type of which is generated (repeatable)")
	fs.Var(&f.defs, "defs", "definitions: a JSON or XML `file`, a directory of them, or a .tgz package (repeatable)")
	fs.StringVar(&f.cache, "cache", "", "FHIR package cache `dir` (default $FHIRGEN_PACKAGE_CACHE or ~/.fhir/packages)")
	fs.StringVar(&f.registry, "registry", "", "npm registry `url` (default $FHIRGEN_REGISTRY, then npm's configured registry)")
	fs.StringVar(&f.lock, "lock", "", "lock `file` pinning package integrity hashes")
	fs.Var(&f.substitutes, "substitute", "`id@version=id@version`: load the second package where a package.json asks for the first (\"id=...\" for any version; nothing after = leaves it out) (repeatable)")
	fs.BoolVar(&f.noDeps, "no-deps", false, "load only the packages named, not the dependencies their package.json declares")
}

func (f *inputFlags) config_(stderr io.Writer) (*generator.Config, error) {
	cfg := &generator.Config{}
	if f.config == "" && len(f.packages) == 0 && len(f.igs) == 0 && len(f.defs) == 0 {
		f.config = generator.FindConfig()
	}
	if f.config != "" {
		c, err := generator.ReadConfig(f.config)
		if err != nil {
			return nil, err
		}
		cfg = c
	}
	cfg.Packages = append(cfg.Packages, f.packages...)
	cfg.IGs = append(cfg.IGs, f.igs...)
	cfg.Defs = append(cfg.Defs, f.defs...)
	for _, s := range f.substitutes {
		from, to, ok := strings.Cut(s, "=")
		if !ok || from == "" {
			return nil, usageError{fmt.Errorf("-substitute %q: want <id>@<version>=<id>@<version>", s)}
		}
		if cfg.Substitutes == nil {
			cfg.Substitutes = map[string]string{}
		}
		cfg.Substitutes[from] = to
	}
	cfg.NoDependencies = cfg.NoDependencies || f.noDeps
	cfg.CacheDir = f.cache
	cfg.Registry = f.registry
	if f.lock != "" {
		cfg.Lock = f.lock
	}
	cfg.Log = stderr
	return cfg, nil
}

func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func cmdGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("generate", "fhirgen generate [-config file] -package <id>@<version>... -defs <dir|file>... -out <dir> -module <path> [-all | -type <name|url>...]", stderr)
	var in inputFlags
	in.register(fs)
	out := fs.String("out", "", "output `dir`: the generated module's root; replaced only when generation succeeds")
	module := fs.String("module", "", "the generated packages' module `path`: by default, inside a module, the path -out has in it (the packages are part of that module); elsewhere required (a module of its own)")
	standalone := fs.Bool("standalone", false, "write a module of its own (with a go.mod) even inside another module")
	all := fs.Bool("all", false, "generate every resource and datatype the base package defines")
	invariants := fs.String("invariants", "", "what to do with an invariant the FHIRPath compiler cannot handle: strict (fail unless allow-listed; the default), report (list it in INVARIANTS.md), or off (compile no invariant)")
	check := fs.Bool("check", false, "write nothing; report how -out differs from a fresh generation and fail if it does")
	force := fs.Bool("force", false, "replace -out even when it holds a go.mod fhirgen did not write, or the current module")
	lenient := fs.Bool("lenient", false, "a slice discriminator fhirgen cannot generate is a warning (the slice is never recognized), not an error")
	formats := fs.String("formats", "", "the FHIR `formats` the types read and write: json,xml (the default) or json (a smaller module, cheaper to compile)")
	var types, silence, packageNames multiFlag
	fs.Var(&packageNames, "package-name", "`canonical=name`: the Go package name for the definitions under a canonical base (http://hl7.org.au/fhir=aubase) (repeatable)")
	fs.Var(&silence, "silence", "do not print the warnings about an element `id` (Money.currency) or definition file (repeatable)")
	fs.Var(&types, "type", "root type: a `name` (AuditEvent) or canonical URL (repeatable); their closure is generated")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected arguments %q", fs.Args())}
	}
	cfg, err := in.config_(stderr)
	if err != nil {
		return err
	}
	if *out != "" {
		cfg.Out = *out
	}
	if *module != "" {
		cfg.Module = *module
	}
	cfg.All = cfg.All || *all
	cfg.Force = *force
	cfg.Lenient = cfg.Lenient || *lenient
	cfg.Standalone = cfg.Standalone || *standalone
	if *invariants != "" {
		cfg.Invariants = *invariants
	}
	if *formats != "" {
		cfg.Formats = strings.Split(*formats, ",")
	}
	cfg.Types = append(cfg.Types, types...)
	for _, pn := range packageNames {
		base, name, ok := strings.Cut(pn, "=")
		if !ok || base == "" || name == "" {
			return usageError{fmt.Errorf("-package-name %q: want <canonical base>=<Go package name>", pn)}
		}
		if cfg.PackageNames == nil {
			cfg.PackageNames = map[string]string{}
		}
		cfg.PackageNames[base] = name
	}
	cfg.SilenceWarnings = append(cfg.SilenceWarnings, silence...)
	if cfg.Out == "" {
		return usageError{errors.New("-out is required")}
	}
	if len(cfg.Packages) == 0 && len(cfg.IGs) == 0 && len(cfg.Defs) == 0 {
		return usageError{errors.New("give at least one -package, -ig or -defs")}
	}
	if !cfg.All && len(cfg.Types) == 0 && len(cfg.IGs) == 0 {
		return usageError{errors.New("give -all, -ig or at least one -type")}
	}
	if *check {
		report := &diag.Report{}
		files, _, err := generator.Render(ctx, cfg, report)
		if err != nil {
			return err
		}
		diffs, err := generator.Compare(cfg.OutDir(), files)
		if err != nil {
			return err
		}
		if len(diffs) > 0 {
			for _, d := range diffs {
				fmt.Fprintln(stderr, d)
			}
			if prev, _ := os.ReadFile(filepath.Join(cfg.OutDir(), "CHANGES.md")); files["CHANGES.md"] != nil && string(prev) != string(files["CHANGES.md"]) {
				fmt.Fprintf(stderr, "\nRegenerating would change the API (CHANGES.md):\n\n%s", files["CHANGES.md"])
			}
			return fmt.Errorf("%s is stale: %d files differ from a fresh generation (regenerate it: %s)", cfg.OutDir(), len(diffs), regenerateHint(args))
		}
		fmt.Fprintf(stdout, "fhirgen: %s is up to date (%d files)\n", cfg.OutDir(), len(files))
		return nil
	}
	start := time.Now()
	res, err := generator.Generate(ctx, cfg)
	if res != nil {
		silenced := 0
		for _, w := range res.Report.Sorted() {
			if cfg.Silenced(w) {
				silenced++
				continue
			}
			fmt.Fprintf(stderr, "warning: %v\n", w)
		}
		if silenced > 0 {
			fmt.Fprintf(stderr, "(%d warnings silenced by silenceWarnings or -silence)\n", silenced)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "fhirgen: wrote %d files (%d types) to %s in %.1fs\n", res.Files, res.Types, cfg.OutDir(), time.Since(start).Seconds())
	if res.Changes != "" {
		fmt.Fprintf(stdout, "fhirgen: %s: see %s\n", res.Changes, filepath.Join(cfg.OutDir(), "CHANGES.md"))
	}
	return nil
}

func cmdFetch(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlagSet("fetch", "fhirgen fetch [-cache dir] [-registry url] [-lock file] <id>@<version>...", stderr)
	cache := fs.String("cache", "", "FHIR package cache `dir` (default $FHIRGEN_PACKAGE_CACHE or ~/.fhir/packages)")
	registry := fs.String("registry", "", "npm registry `url` (default $FHIRGEN_REGISTRY, then npm's configured registry)")
	lockPath := fs.String("lock", "", "lock `file`: downloads must match its hashes; new ones are added")
	force := fs.Bool("force", false, "download again even when the package is cached")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{errors.New("name at least one package as <id>@<version>")}
	}
	c := &fhirpkg.Cache{Dir: *cache, Registry: *registry, Log: stderr}
	if c.Dir == "" {
		c.Dir = fhirpkg.DefaultCacheDir()
	}
	if *lockPath != "" {
		l, err := fhirpkg.LoadLock(*lockPath)
		if err != nil {
			return err
		}
		c.Lock = l
	}
	for _, a := range fs.Args() {
		ref, err := fhirpkg.ParseRef(a)
		if err != nil {
			return err
		}
		if *force {
			if err := os.RemoveAll(filepath.Dir(c.Path(ref))); err != nil {
				return err
			}
		} else if c.Has(ref) {
			fmt.Fprintf(stderr, "%s is cached in %s\n", ref, c.Path(ref))
		}
		// fetches what is missing; checks what is cached against the lock
		if _, err := c.EnsureVerified(ctx, ref); err != nil {
			return err
		}
	}
	if c.Lock != nil {
		return c.Lock.Save()
	}
	return nil
}

func cmdSnapshot(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("snapshot", "fhirgen snapshot [-config file] [-package <id>@<version>...] [-defs <dir|file>...] <canonical-url or type name>", stderr)
	var in inputFlags
	in.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("name one canonical URL or type name")}
	}
	cfg, err := in.config_(stderr)
	if err != nil {
		return err
	}
	set, err := cfg.Load(ctx)
	if err != nil {
		return err
	}
	report := &diag.Report{}
	gen := snapshot.New(set, report)
	def, err := gen.Lookup(generator.RootURL(fs.Arg(0)), "command line", "")
	if err != nil {
		return err
	}
	for _, w := range report.Sorted() {
		fmt.Fprintf(stderr, "warning: %v\n", w)
	}
	raw, err := json.Marshal(def)
	if err != nil {
		return err
	}
	var pretty strings.Builder
	if err := indentJSON(&pretty, raw); err != nil {
		return err
	}
	fmt.Fprintln(stdout, pretty.String())
	return nil
}

// regenerateHint says how to regenerate what -check found stale: the same
// command without -check.
func regenerateHint(args []string) string {
	var kept []string
	for _, a := range args {
		if a != "-check" && a != "--check" && a != "-check=true" {
			kept = append(kept, a)
		}
	}
	return strings.TrimSpace("fhirgen generate " + strings.Join(kept, " "))
}
