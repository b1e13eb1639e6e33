package generator

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/fhirgen/fhirgen/generator/fhirpkg"
	"github.com/fhirgen/fhirgen/generator/load"
)

// maxPackages bounds the packages one generation loads with their
// dependencies.
const maxPackages = 64

// resolvedPackage is a package to load and why.
type resolvedPackage struct {
	ref      fhirpkg.Ref
	manifest *fhirpkg.Manifest
}

// resolvePackages returns the packages named by the config with the
// packages they depend on (package.json "dependencies"), transitively:
// from the cache, else the registry. A package named by the config is used
// whatever version a dependency asks for; otherwise, of two versions asked
// for, the later one is used. Substitutes replace a dependency (by
// "id@version", or "id" for every version) with another package, or with
// nothing when the replacement is "". Each choice that is not what a
// package asked for is logged. A dependency that cannot be had is an error
// naming who needs it and how to substitute it.
func (c *Config) resolvePackages(ctx context.Context, cache *fhirpkg.Cache) ([]resolvedPackage, error) {
	explicit := map[string]fhirpkg.Ref{}
	var queue []queuedPackage
	for _, p := range c.allPackages() {
		ref, err := fhirpkg.ParseRef(p)
		if err != nil {
			return nil, err
		}
		if prev, ok := explicit[ref.ID]; ok && prev != ref {
			return nil, fmt.Errorf("packages %s and %s: two versions of one package", prev, ref)
		}
		explicit[ref.ID] = ref
		queue = append(queue, queuedPackage{ref: ref})
	}
	for from, to := range c.Substitutes {
		if _, err := parseSubstitute(from); err != nil {
			return nil, fmt.Errorf("substitute %q: %w", from, err)
		}
		if to != "" {
			if _, err := fhirpkg.ParseRef(to); err != nil {
				return nil, fmt.Errorf("substitute %q: %w", from, err)
			}
		}
	}
	chosen := map[string]fhirpkg.Ref{}
	var order []string
	manifests := map[fhirpkg.Ref]*fhirpkg.Manifest{}
	noted := map[string]bool{}
	var missing []error
	var missingRefs []fhirpkg.Ref
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if prev, ok := chosen[it.ref.ID]; ok {
			if prev == it.ref || load.CompareVersions(prev.Version, it.ref.Version) > 0 {
				continue
			}
		}
		if laterQueued(queue, it.ref) {
			continue // superseded: not fetched
		}
		m, err := cache.EnsureVerified(ctx, it.ref)
		if err != nil {
			if len(it.chain) == 0 {
				return nil, err
			}
			// a later version asked for by another package will do: decided
			// once every package is read
			missing = append(missing, fmt.Errorf("%s, needed by %s: %w\n\tto use another package in its place, or none: -substitute %s=<id>@<version>, or -substitute %s= (config: \"substitutes\")",
				it.ref, strings.Join(it.chain, " → "), err, it.ref, it.ref))
			missingRefs = append(missingRefs, it.ref)
			continue
		}
		if _, ok := chosen[it.ref.ID]; !ok {
			order = append(order, it.ref.ID)
		}
		chosen[it.ref.ID] = it.ref
		manifests[it.ref] = m
		if len(chosen) > maxPackages {
			return nil, fmt.Errorf("%s: more than %d packages with their dependencies", strings.Join(c.allPackages(), ", "), maxPackages)
		}
		deps, err := load.PackageDependencies(cache.Path(it.ref), m)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", it.ref, err)
		}
		ids := make([]string, 0, len(deps))
		for id := range deps {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		chain := append(append([]string(nil), it.chain...), it.ref.String())
		for _, id := range ids {
			want := id + "@" + deps[id]
			ref, note, err := c.dependency(id, deps[id], explicit)
			if err != nil {
				return nil, fmt.Errorf("%s, needed by %s: %w", want, strings.Join(chain, " → "), err)
			}
			if note != "" && !noted[want] {
				noted[want] = true
				c.logf("note: %s asks for %s: %s", it.ref, want, note)
			}
			if ref.ID == "" {
				continue
			}
			queue = append(queue, queuedPackage{ref: ref, chain: chain})
		}
	}
	for i, ref := range missingRefs {
		if got, ok := chosen[ref.ID]; !ok || load.CompareVersions(got.Version, ref.Version) < 0 {
			return nil, missing[i]
		}
	}
	out := make([]resolvedPackage, 0, len(order))
	for _, id := range order {
		out = append(out, resolvedPackage{ref: chosen[id], manifest: manifests[chosen[id]]})
	}
	return out, nil
}

// queuedPackage is a package to read, with who asked for it (root first).
type queuedPackage struct {
	ref   fhirpkg.Ref
	chain []string
}

// laterQueued reports whether a later version of ref's package is waiting
// in the queue.
func laterQueued(queue []queuedPackage, ref fhirpkg.Ref) bool {
	for _, q := range queue {
		if q.ref.ID == ref.ID && load.CompareVersions(q.ref.Version, ref.Version) > 0 {
			return true
		}
	}
	return false
}

// dependency is the package that stands for dependency id@version: a
// substitute, the version the config names, or the version asked for. A
// zero Ref means none (substituted by nothing).
func (c *Config) dependency(id, version string, explicit map[string]fhirpkg.Ref) (fhirpkg.Ref, string, error) {
	to, ok := c.Substitutes[id+"@"+version]
	if !ok {
		to, ok = c.Substitutes[id]
	}
	if ok {
		if to == "" {
			return fhirpkg.Ref{}, "left out (substitutes)", nil
		}
		ref, err := fhirpkg.ParseRef(to)
		if err != nil {
			return fhirpkg.Ref{}, "", err
		}
		if e, ok := explicit[ref.ID]; ok && e != ref {
			return e, "using " + e.String() + " (named in the packages), not the substitute " + to, nil
		}
		return ref, "using " + to + " (substitutes)", nil
	}
	if e, ok := explicit[id]; ok {
		if e.Version != version {
			return e, "using " + e.String() + " (named in the packages)", nil
		}
		return e, "", nil
	}
	ref, err := fhirpkg.ParseRef(id + "@" + version)
	if err != nil || !exactVersion(version) {
		return fhirpkg.Ref{}, "", fmt.Errorf("version %q is not one fhirgen can fetch (an exact version is needed): name the package with -package <id>@<version>, or -substitute %s@%s=<id>@<version>", version, id, version)
	}
	return ref, "", nil
}

// exactVersion reports whether a dependency's version names one version
// (not a range, a wildcard or a tag like "current").
func exactVersion(v string) bool {
	core, _, _ := strings.Cut(v, "-")
	parts := strings.Split(core, ".")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// parseSubstitute checks a substitute's key: "id@version" or "id".
func parseSubstitute(s string) (fhirpkg.Ref, error) {
	if strings.ContainsAny(s, "@#") {
		return fhirpkg.ParseRef(s)
	}
	return fhirpkg.ParseRef(s + "@any")
}

func (c *Config) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format+"\n", args...)
	}
}

// packagesToLoad is resolvePackages, or only the packages the config
// names when it says NoDependencies.
func (c *Config) packagesToLoad(ctx context.Context, cache *fhirpkg.Cache) ([]resolvedPackage, error) {
	if !c.NoDependencies {
		return c.resolvePackages(ctx, cache)
	}
	var out []resolvedPackage
	for _, p := range c.allPackages() {
		ref, err := fhirpkg.ParseRef(p)
		if err != nil {
			return nil, err
		}
		m, err := cache.EnsureVerified(ctx, ref)
		if err != nil {
			return nil, err
		}
		out = append(out, resolvedPackage{ref: ref, manifest: m})
	}
	return out, nil
}

// allPackages are the packages the config names: Packages, then IGs (each
// once).
func (c *Config) allPackages() []string {
	out := append([]string(nil), c.Packages...)
	for _, ig := range c.IGs {
		if !slices.Contains(out, ig) {
			out = append(out, ig)
		}
	}
	return out
}
