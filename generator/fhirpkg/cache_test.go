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
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func demoTGZ(t *testing.T) []byte {
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
		lock.Set(ref, "sha512-pinnedsomethingelse")
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
		if err == nil || !strings.Contains(err.Error(), "404") {
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
