package fhirpkg

import (
	"archive/tar"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeRegistry serves one package the way an npm registry does.
func fakeRegistry(t *testing.T, tgz []byte, integrity string) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/demo.pkg/1.0.0":
			json.NewEncoder(w).Encode(map[string]any{"dist": map[string]string{"tarball": srv.URL + "/demo.pkg/-/demo.pkg-1.0.0.tgz", "integrity": integrity}})
		case "/demo.pkg/-/demo.pkg-1.0.0.tgz":
			w.Write(tgz)
		case "/demo.pkg":
			json.NewEncoder(w).Encode(map[string]any{"versions": map[string]any{"0.9.0": map[string]any{}, "1.0.0": map[string]any{}}, "dist-tags": map[string]string{"latest": "1.0.0"}})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func demoTGZ(t *testing.T) []byte {
	t.Helper()
	return makeTGZ(t, []entry{
		{name: "package/package.json", typ: tar.TypeReg, body: `{"name":"demo.pkg","version":"1.0.0"}`},
		{name: "package/StructureDefinition-X.json", typ: tar.TypeReg, body: `{"resourceType":"StructureDefinition"}`},
	})
}

func TestFetch(t *testing.T) {
	tgz := demoTGZ(t)
	ref := Ref{ID: "demo.pkg", Version: "1.0.0"}
	t.Run("ok", func(t *testing.T) {
		srv := fakeRegistry(t, tgz, Integrity(tgz))
		lock, _ := LoadLock(filepath.Join(t.TempDir(), "lock.json"))
		c := &Cache{Dir: t.TempDir(), Registry: srv.URL, Lock: lock}
		dir, err := c.Ensure(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, "StructureDefinition-X.json")); err != nil {
			t.Fatal(err)
		}
		if got, ok := lock.Integrity(ref); !ok || got != Integrity(tgz) {
			t.Fatalf("lock not updated: %q", got)
		}
		if err := lock.Save(); err != nil {
			t.Fatal(err)
		}
		again, err := LoadLock(lock.path)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := again.Integrity(ref); got != Integrity(tgz) {
			t.Fatalf("saved lock lost the hash: %q", got)
		}
	})
	t.Run("registry hash mismatch", func(t *testing.T) {
		srv := fakeRegistry(t, tgz, "sha512-AAAA")
		c := &Cache{Dir: t.TempDir(), Registry: srv.URL}
		err := c.Fetch(context.Background(), ref)
		if err == nil || !strings.Contains(err.Error(), "integrity mismatch: the registry says") {
			t.Fatalf("err = %v", err)
		}
		if c.Has(ref) {
			t.Fatal("a package that failed its check was cached")
		}
	})
	t.Run("lock hash mismatch", func(t *testing.T) {
		srv := fakeRegistry(t, tgz, Integrity(tgz))
		lock, _ := LoadLock(filepath.Join(t.TempDir(), "lock.json"))
		lock.Set(ref, Pin{Integrity: "sha512-pinnedsomethingelse"})
		c := &Cache{Dir: t.TempDir(), Registry: srv.URL, Lock: lock}
		err := c.Fetch(context.Background(), ref)
		if err == nil || !strings.Contains(err.Error(), "the lock file pins") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("not found", func(t *testing.T) {
		srv := fakeRegistry(t, tgz, Integrity(tgz))
		c := &Cache{Dir: t.TempDir(), Registry: srv.URL}
		err := c.Fetch(context.Background(), Ref{ID: "other", Version: "1"})
		if err == nil || !strings.Contains(err.Error(), "not found in the registry (the registry has no package other)") {
			t.Fatalf("err = %v", err)
		}
		err = c.Fetch(context.Background(), Ref{ID: "demo.pkg", Version: "2.0.0"})
		if err == nil || !strings.Contains(err.Error(), "(versions: 0.9.0, 1.0.0; latest 1.0.0)") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestResolveRegistry(t *testing.T) {
	t.Setenv("FHIRGEN_REGISTRY", "http://from-env.invalid/")
	if got, _ := ResolveRegistry("http://explicit.invalid/"); got != "http://explicit.invalid" {
		t.Errorf("explicit: %q", got)
	}
	if got, _ := ResolveRegistry(""); got != "http://from-env.invalid" {
		t.Errorf("env: %q", got)
	}
}

// The cached package is checked on every use, against its manifest and the
// lock file, not only when it is downloaded.
func TestCachedPackageIsVerifiedOnUse(t *testing.T) {
	tgz := demoTGZ(t)
	ref := Ref{ID: "demo.pkg", Version: "1.0.0"}
	setup := func(t *testing.T) (*Cache, *Manifest) {
		srv := fakeRegistry(t, tgz, Integrity(tgz))
		lock, _ := LoadLock(filepath.Join(t.TempDir(), "lock.json"))
		c := &Cache{Dir: t.TempDir(), Registry: srv.URL, Lock: lock}
		m, err := c.EnsureVerified(context.Background(), ref)
		if err != nil || m == nil {
			t.Fatalf("first use: %v %v", m, err)
		}
		pin, _ := lock.Pinned(ref)
		if pin.Integrity != Integrity(tgz) || pin.Files != m.Digest() {
			t.Fatalf("lock not pinned: %+v", pin)
		}
		return c, m
	}
	t.Run("tampered file", func(t *testing.T) {
		c, m := setup(t)
		p := filepath.Join(c.Path(ref), "StructureDefinition-X.json")
		tampered := []byte(`{"resourceType":"StructureDefinition","url":"evil"}`)
		os.WriteFile(p, tampered, 0o644)
		if err := m.Check("package/StructureDefinition-X.json", tampered); err == nil || !strings.Contains(err.Error(), "fetch -force") {
			t.Fatalf("tampered file accepted: %v", err)
		}
	})
	t.Run("added file", func(t *testing.T) {
		_, m := setup(t)
		if err := m.Check("package/StructureDefinition-Y.json", []byte("{}")); err == nil {
			t.Fatal("a file the package did not have was accepted")
		}
	})
	t.Run("removed file", func(t *testing.T) {
		_, m := setup(t)
		err := m.Missing(func(string) bool { return true }, map[string]bool{"package/package.json": true})
		if err == nil || !strings.Contains(err.Error(), "StructureDefinition-X.json") {
			t.Fatalf("a missing file went unnoticed: %v", err)
		}
	})
	t.Run("tampered manifest", func(t *testing.T) {
		c, m := setup(t)
		m.Files["package/StructureDefinition-X.json"] = FileHash([]byte("evil"))
		if err := writeManifest(filepath.Dir(c.Path(ref)), m); err != nil {
			t.Fatal(err)
		}
		if _, err := c.EnsureVerified(context.Background(), ref); err == nil || !strings.Contains(err.Error(), "not the ones the lock file pins") {
			t.Fatalf("a manifest rewritten to match tampered files was accepted: %v", err)
		}
	})
	t.Run("wrong lock hash", func(t *testing.T) {
		c, _ := setup(t)
		c.Lock.Set(ref, Pin{Integrity: "sha512-somethingelse"})
		if _, err := c.EnsureVerified(context.Background(), ref); err == nil || !strings.Contains(err.Error(), "fetch -force") {
			t.Fatalf("a cache not matching the lock was used: %v", err)
		}
	})
	t.Run("cached by another tool", func(t *testing.T) {
		c, _ := setup(t)
		os.Remove(filepath.Join(filepath.Dir(c.Path(ref)), manifestName))
		os.WriteFile(filepath.Join(c.Path(ref), "StructureDefinition-X.json"), []byte(`{"evil":1}`), 0o644)
		m, err := c.EnsureVerified(context.Background(), ref)
		if err != nil || m == nil {
			t.Fatalf("not fetched again: %v", err)
		}
		data, _ := os.ReadFile(filepath.Join(c.Path(ref), "StructureDefinition-X.json"))
		if m.Check("package/StructureDefinition-X.json", data) != nil {
			t.Fatal("the refetched package does not match its manifest")
		}
	})
}

// An archive rejected after it was read (here: it is not the package asked
// for) leaves nothing in the cache and does not block the next fetch.
func TestRejectedArchiveLeavesNothing(t *testing.T) {
	wrong := makeTGZ(t, []entry{
		{name: "package/package.json", typ: tar.TypeReg, body: `{"name":"other.pkg","version":"9.0.0"}`},
		{name: "package/big.json", typ: tar.TypeReg, body: strings.Repeat(" ", 1<<20)},
	})
	ref := Ref{ID: "demo.pkg", Version: "1.0.0"}
	dir := t.TempDir()
	srv := fakeRegistry(t, wrong, Integrity(wrong))
	c := &Cache{Dir: dir, Registry: srv.URL}
	if err := c.Fetch(context.Background(), ref); err == nil || !strings.Contains(err.Error(), "not demo.pkg@1.0.0") {
		t.Fatalf("err = %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("left in the cache: %v", left)
	}
	// a leftover of an older failure: a package folder without a package
	os.MkdirAll(filepath.Join(dir, "demo.pkg#1.0.0", "package", "junk"), 0o755)
	good := demoTGZ(t)
	c.Registry = fakeRegistry(t, good, Integrity(good)).URL
	if _, err := c.EnsureVerified(context.Background(), ref); err != nil {
		t.Fatalf("a leftover blocked the fetch: %v", err)
	}
}
