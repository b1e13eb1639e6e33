// Package generator runs fhirgen's pipeline: load → snapshot → model → emit.
package generator

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fhirgen/fhirgen/generator/diag"
	"github.com/fhirgen/fhirgen/generator/fhirpkg"
	"github.com/fhirgen/fhirgen/generator/load"
)

// Config says what to generate. It is what the command line's flags set, and
// what a config file (definitions/fhirgen.json) holds.
type Config struct {
	Packages []string `json:"packages"` // "id@version", from the package cache (fetched when missing)
	// Substitutes replace the dependencies packages declare: "id@version"
	// (or "id", any version) → "id@version" to load instead, or "" for
	// none. Dependencies are loaded transitively unless NoDependencies.
	Substitutes    map[string]string `json:"substitutes,omitempty"`
	NoDependencies bool              `json:"noDependencies,omitempty"`
	Defs           []string          `json:"defs"`   // loose definitions: JSON or XML files, directories, .tgz archives
	Out            string            `json:"out"`    // output directory (the generated module's root)
	Module         string            `json:"module"` // the generated packages' module path (see resolveModule)
	// Standalone writes a module of its own (with its go.mod) even where the
	// output is inside another module.
	Standalone bool     `json:"standalone,omitempty"`
	All        bool     `json:"all"`   // every resource and datatype of the base package
	Types      []string `json:"types"` // roots: type names or canonical URLs
	// IGs are packages ("id@version") loaded like Packages whose every
	// profile, extension and type is a root (an implementation guide).
	IGs  []string `json:"igs,omitempty"`
	Lock string   `json:"lock"` // lock file pinning package hashes ("" for none)
	// PackageNames maps a canonical base (e.g. "http://fhir.org/guides/acme/hotbeverage")
	// to a Go package name; by default the last segment of the base is used,
	// and the core FHIR canonical gets r4, r4b or r5 from its FHIR version.
	PackageNames map[string]string `json:"packageNames,omitempty"`
	// Invariants says what to do with an invariant the FHIRPath compiler
	// cannot handle: "strict" (the default) fails generation unless the
	// allow-list names it; "report" lists it in INVARIANTS.md and goes on.
	Invariants string `json:"invariants,omitempty"`
	// Lenient makes a slice discriminator fhirgen cannot generate a
	// warning (the slice is never recognized) instead of an error.
	Lenient bool `json:"lenient,omitempty"`
	// Formats are the FHIR formats the types read and write: "json" (always)
	// and "xml". Empty means both. Leaving XML out makes the module about a
	// seventh smaller and a fifth cheaper to compile.
	Formats []string `json:"formats,omitempty"`
	// InvariantAllowList is a file of "key<TAB>reason" lines.
	InvariantAllowList string `json:"invariantAllowList,omitempty"`
	// SilenceWarnings names warnings not to print: an element id
	// (Money.currency) or a definition file, matched as a whole.
	SilenceWarnings []string `json:"silenceWarnings,omitempty"`
	// Root is the directory the other paths are relative to, itself relative
	// to the config file's directory (default: that directory).
	Root string `json:"root,omitempty"`

	// Preloaded, when set, stands for the packages: Load adds the loose
	// definitions to a copy of it instead of reading the packages again.
	Preloaded *load.Set `json:"-"`

	// Force lets the output directory be one fhirgen would refuse: one
	// holding a go.mod it did not write, or the current module's root or
	// an ancestor of it.
	Force bool `json:"-"`

	CacheDir string    `json:"-"` // FHIR package cache (default ~/.fhir/packages)
	Registry string    `json:"-"` // npm registry URL (default: $FHIRGEN_REGISTRY, then npm's)
	Log      io.Writer `json:"-"` // progress and warnings

	baseDir    string // paths in a config file are relative to it
	configFile string
	resolved   bool // resolveModule ran
	inModule   bool // the packages belong to the enclosing module
}

// ReadConfig reads a config file. Relative paths in it are relative to its
// root: the config file's directory joined with its "root" setting.
func ReadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Config
	dec := json.NewDecoder(bytesReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	abs, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	c.baseDir = filepath.Join(abs, filepath.FromSlash(c.Root))
	c.configFile = filepath.Join(abs, filepath.Base(path))
	return &c, nil
}

func (c *Config) path(p string) string {
	if c.baseDir == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.baseDir, p)
}

// OutDir is the output directory, resolved.
func (c *Config) OutDir() string { return c.path(c.Out) }

// NewCache returns the package cache the config uses.
func (c *Config) NewCache() (*fhirpkg.Cache, error) {
	dir := c.CacheDir
	if dir == "" {
		dir = fhirpkg.DefaultCacheDir()
	}
	cache := &fhirpkg.Cache{Dir: dir, Registry: c.Registry, Log: c.Log}
	if c.Lock != "" {
		lock, err := fhirpkg.LoadLock(c.path(c.Lock))
		if err != nil {
			return nil, err
		}
		cache.Lock = lock
	}
	return cache, nil
}

// Load reads every input: packages (fetching those not cached) and loose
// definitions.
func (c *Config) Load(ctx context.Context) (*load.Set, error) {
	set := load.NewSet()
	if c.Preloaded != nil {
		set = c.Preloaded.Clone()
	} else if len(c.allPackages()) > 0 {
		cache, err := c.NewCache()
		if err != nil {
			return nil, err
		}
		pkgs, err := c.packagesToLoad(ctx, cache)
		if err != nil {
			return nil, err
		}
		for _, p := range pkgs {
			if err := set.AddPackageDir(cache.Path(p.ref), p.ref.String(), p.manifest); err != nil {
				return nil, err
			}
		}
		if cache.Lock != nil {
			if err := cache.Lock.Save(); err != nil {
				return nil, err
			}
		}
	}
	for _, d := range c.Defs {
		if err := set.AddPath(c.path(d), d); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// Silenced reports whether the config silences a warning.
func (c *Config) Silenced(w *diag.Error) bool {
	for _, s := range c.SilenceWarnings {
		if s == w.Element || s == w.File {
			return true
		}
	}
	return false
}

// xml reports whether the formats include FHIR XML, and checks them.
func (c *Config) xml() (bool, error) {
	if len(c.Formats) == 0 {
		return true, nil
	}
	var json, xml bool
	for _, f := range c.Formats {
		switch f {
		case "json":
			json = true
		case "xml":
			xml = true
		default:
			return false, fmt.Errorf("formats: %q is not a format fhirgen generates (json, xml)", f)
		}
	}
	if !json {
		return false, fmt.Errorf("formats: %q leaves out json, which every generated module has (its types, validation and fhir-validate read it)", c.Formats)
	}
	return xml, nil
}
