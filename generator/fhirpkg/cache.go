// Package fhirpkg finds, fetches and reads FHIR NPM packages.
//
// Packages live in the FHIR package cache shared by HAPI, Firely and SUSHI
// (~/.fhir/packages/<id>#<version>/package/). A package that is not there is
// fetched from an npm registry, its integrity hash checked against the
// registry's and against the project's lock file, and extracted safely. The
// registry URL is never built in: it comes from a flag, the FHIRGEN_REGISTRY
// environment variable, or the npm client's configuration.
package fhirpkg

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// Ref names one version of a package.
type Ref struct {
	ID      string
	Version string
}

func (r Ref) String() string { return r.ID + "@" + r.Version }

// ParseRef parses "id@version" (npm style) or "id#version" (FHIR cache style).
func ParseRef(s string) (Ref, error) {
	i := strings.LastIndexAny(s, "@#")
	if i <= 0 || i == len(s)-1 {
		return Ref{}, fmt.Errorf("package %q: want <id>@<version>", s)
	}
	r := Ref{ID: s[:i], Version: s[i+1:]}
	if !validName(r.ID) || !validName(r.Version) {
		return Ref{}, fmt.Errorf("package %q: id and version may hold only letters, digits, '.', '-' and '_'", s)
	}
	return r, nil
}

func validName(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 214 {
		return false
	}
	for _, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}

// Cache is a FHIR package cache directory.
type Cache struct {
	Dir      string        // e.g. ~/.fhir/packages
	Registry string        // npm registry base URL; empty: resolved on first fetch
	Lock     *Lock         // pinned integrity hashes; may be nil
	Log      io.Writer     // progress messages; may be nil
	Limits   Limits        // archive bounds
	Timeout  time.Duration // per download
}

// DefaultCacheDir returns $FHIRGEN_PACKAGE_CACHE, or ~/.fhir/packages.
func DefaultCacheDir() string {
	if d := os.Getenv("FHIRGEN_PACKAGE_CACHE"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "fhir-packages")
	}
	return filepath.Join(home, ".fhir", "packages")
}

// Path is where the package's files live in the cache.
func (c *Cache) Path(r Ref) string {
	return filepath.Join(c.Dir, r.ID+"#"+r.Version, "package")
}

// Has reports whether the package is in the cache.
func (c *Cache) Has(r Ref) bool {
	_, err := os.Stat(filepath.Join(c.Path(r), "package.json"))
	return err == nil
}

// Ensure returns the package's directory, fetching it first if needed, and
// checks the cached package against what was fetched (its manifest) and
// against the lock file. A package pinned by the lock but put in the cache
// by another tool (no manifest) is fetched again and verified.
func (c *Cache) Ensure(ctx context.Context, r Ref) (string, error) {
	_, err := c.EnsureVerified(ctx, r)
	return c.Path(r), err
}

// EnsureVerified is Ensure, returning the manifest the package's files are
// to be checked against as they are read (nil when the package was not
// fetched by fhirgen and no lock pins it: nothing to check it with).
func (c *Cache) EnsureVerified(ctx context.Context, r Ref) (*Manifest, error) {
	if !c.Has(r) {
		if err := c.Fetch(ctx, r); err != nil {
			return nil, err
		}
	}
	folder := filepath.Dir(c.Path(r))
	m, err := readManifest(folder)
	var pin Pin
	pinned := false
	if c.Lock != nil {
		pin, pinned = c.Lock.Pinned(r)
	}
	if errors.Is(err, errNoManifest) {
		if !pinned {
			c.logf("note: %s in the cache was not fetched by fhirgen: its files are not verified", r)
			return nil, nil
		}
		c.logf("%s in the cache was not fetched by fhirgen: fetching it again to check it against the lock file", r)
		if err := c.fetch(ctx, r, true); err != nil {
			return nil, err
		}
		m, err = readManifest(folder)
	}
	if err != nil {
		return nil, err
	}
	if pinned && pin.Integrity != m.Integrity {
		return nil, fmt.Errorf("package %s: the lock file pins %s, but the cached package was fetched from an archive with %s: fix the lock file, or run fhirgen fetch -force %s (or remove %s) to fetch it again",
			r, pin.Integrity, m.Integrity, r, folder)
	}
	if pinned && pin.Files != "" && pin.Files != m.Digest() {
		return nil, fmt.Errorf("package %s: the cached files are not the ones the lock file pins (%s, found %s): the cache was changed; run fhirgen fetch -force %s (or remove %s) to fetch it again",
			r, pin.Files, m.Digest(), r, folder)
	}
	if c.Lock != nil {
		c.Lock.Set(r, Pin{Integrity: m.Integrity, Files: m.Digest()})
	}
	return m, nil
}

// ResolveRegistry picks the registry URL: an explicit value, then
// $FHIRGEN_REGISTRY, then `npm config get registry`.
func ResolveRegistry(explicit string) (string, error) {
	if explicit != "" {
		return strings.TrimRight(explicit, "/"), nil
	}
	if env := os.Getenv("FHIRGEN_REGISTRY"); env != "" {
		return strings.TrimRight(env, "/"), nil
	}
	out, err := exec.Command("npm", "config", "get", "registry").Output()
	if err != nil {
		return "", fmt.Errorf("no package registry: pass -registry, set FHIRGEN_REGISTRY, or configure npm (npm config get registry failed: %v)", err)
	}
	reg := strings.TrimSpace(string(out))
	if reg == "" || reg == "undefined" {
		return "", errors.New("no package registry: pass -registry, set FHIRGEN_REGISTRY, or configure npm's registry")
	}
	return strings.TrimRight(reg, "/"), nil
}

// Fetch downloads the package into the cache, verifying its integrity.
func (c *Cache) Fetch(ctx context.Context, r Ref) error { return c.fetch(ctx, r, false) }

// fetch downloads a package; replace puts it in place of what the cache
// holds for it.
func (c *Cache) fetch(ctx context.Context, r Ref, replace bool) error {
	if c.Registry == "" {
		reg, err := ResolveRegistry("")
		if err != nil {
			return err
		}
		c.Registry = reg
	}
	base, err := url.Parse(c.Registry)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") {
		return fmt.Errorf("registry URL %q is not an http(s) URL", c.Registry)
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = 3 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c.logf("fetching %s", r)

	meta, err := httpGet(ctx, c.Registry+"/"+url.PathEscape(r.ID)+"/"+url.PathEscape(r.Version), 16<<20, nil)
	if err != nil {
		if errors.Is(err, errNotFound) {
			return fmt.Errorf("package %s: %w%s", r, err, c.versionsHint(ctx, r.ID))
		}
		return fmt.Errorf("package %s: %w", r, err)
	}
	tarball := gjson.GetBytes(meta, "dist.tarball").String()
	if tarball == "" {
		return fmt.Errorf("package %s: the registry's answer names no tarball", r)
	}
	registryIntegrity := gjson.GetBytes(meta, "dist.integrity").String()
	shasum := gjson.GetBytes(meta, "dist.shasum").String()
	data, err := httpGet(ctx, tarball, c.limits().MaxBytes, func(n int64) { c.logf("fetching %s: %.1f MB", r, float64(n)/1e6) })
	if err != nil {
		return fmt.Errorf("package %s: %w", r, err)
	}
	got := Integrity(data)
	if registryIntegrity != "" && registryIntegrity != got {
		return fmt.Errorf("package %s: integrity mismatch: the registry says %s, the download is %s", r, registryIntegrity, got)
	}
	if registryIntegrity == "" && shasum != "" {
		sum := sha1.Sum(data)
		if hex.EncodeToString(sum[:]) != strings.ToLower(shasum) {
			return fmt.Errorf("package %s: sha1 mismatch with the registry's shasum", r)
		}
	}
	if c.Lock != nil {
		if want, ok := c.Lock.Integrity(r); ok && want != got {
			return fmt.Errorf("package %s: integrity mismatch: the lock file pins %s, the download is %s", r, want, got)
		}
	}
	dir := filepath.Dir(c.Path(r))
	if replace {
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	finish := func(tmp string, hashes map[string]string) error {
		pj, err := os.ReadFile(filepath.Join(tmp, "package", "package.json"))
		if err != nil {
			return errors.New("the archive has no package/package.json")
		}
		if name, version := gjson.GetBytes(pj, "name").String(), gjson.GetBytes(pj, "version").String(); name != r.ID || version != r.Version {
			return fmt.Errorf("the archive holds %s@%s, not %s", name, version, r)
		}
		return writeManifest(tmp, &Manifest{Integrity: got, Files: hashes})
	}
	if err := ExtractTGZ(bytes.NewReader(data), dir, c.limits(), finish); err != nil {
		return fmt.Errorf("package %s: %w", r, err)
	}
	c.logf("fetched %s (%d bytes, %s)", r, len(data), got)
	return nil
}

func (c *Cache) limits() Limits {
	if c.Limits.MaxFiles == 0 {
		return DefaultLimits()
	}
	return c.Limits
}

func (c *Cache) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format+"\n", args...)
	}
}

// Integrity returns the npm-style SRI hash (sha512) of data.
func Integrity(data []byte) string {
	sum := sha512.Sum512(data)
	return "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
}

// errNotFound is a registry's 404.
var errNotFound = errors.New("not found in the registry")

// client bounds each step of a request; the caller's context bounds the
// whole download.
var client = &http.Client{Transport: &http.Transport{
	Proxy:                 http.ProxyFromEnvironment,
	DialContext:           (&net.Dialer{Timeout: 20 * time.Second}).DialContext,
	TLSHandshakeTimeout:   20 * time.Second,
	ResponseHeaderTimeout: 30 * time.Second,
}}

// httpGet reads a URL's body, up to max bytes, reporting its progress
// every few seconds (progress may be nil).
func httpGet(ctx context.Context, u string, max int64, progress func(read int64)) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/octet-stream")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, errNotFound
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", redact(u), resp.Status)
	}
	var body io.Reader = io.LimitReader(resp.Body, max+1)
	if progress != nil {
		body = &progressReader{r: body, report: progress, last: time.Now()}
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("GET %s: answer over %d bytes", redact(u), max)
	}
	return data, nil
}

// progressReader reports how much was read, at most every three seconds.
type progressReader struct {
	r      io.Reader
	n      int64
	report func(int64)
	last   time.Time
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if time.Since(p.last) > 3*time.Second {
		p.last = time.Now()
		p.report(p.n)
	}
	return n, err
}

// versionsHint lists the versions the registry has of a package, for the
// message when the one asked for is not there.
func (c *Cache) versionsHint(ctx context.Context, id string) string {
	meta, err := httpGet(ctx, c.Registry+"/"+url.PathEscape(id), 64<<20, nil)
	if err != nil {
		if errors.Is(err, errNotFound) {
			return " (the registry has no package " + id + ")"
		}
		return ""
	}
	var versions []string
	gjson.GetBytes(meta, "versions").ForEach(func(k, _ gjson.Result) bool {
		versions = append(versions, k.String())
		return true
	})
	if len(versions) == 0 {
		return ""
	}
	if len(versions) > 12 {
		versions = append([]string{"…"}, versions[len(versions)-12:]...)
	}
	hint := " (versions: " + strings.Join(versions, ", ")
	if latest := gjson.GetBytes(meta, `dist-tags.latest`).String(); latest != "" {
		hint += "; latest " + latest
	}
	return hint + ")"
}

// redact drops credentials from a URL before it appears in an error.
func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(url)"
	}
	p.User = nil
	return p.String()
}
