package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generator/fhirpkg"
)

// depsCache is a package cache holding packages with the given
// dependencies (id@version → id → version), and a registry that has
// nothing.
func depsCache(t *testing.T, pkgs map[string]map[string]string) *fhirpkg.Cache {
	t.Helper()
	dir := t.TempDir()
	for ref, deps := range pkgs {
		r, err := fhirpkg.ParseRef(ref)
		if err != nil {
			t.Fatal(err)
		}
		pj, _ := json.Marshal(map[string]any{"name": r.ID, "version": r.Version, "dependencies": deps})
		p := filepath.Join(dir, r.ID+"#"+r.Version, "package")
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "package.json"), pj, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	return &fhirpkg.Cache{Dir: dir, Registry: srv.URL}
}

func TestResolvePackages(t *testing.T) {
	pkgs := map[string]map[string]string{
		"core@4.0.1":     nil,
		"examples@4.0.1": nil,
		"ig@1.0.0":       {"core": "4.0.1", "terms": "6.5.0", "ext": "5.2.0"},
		"terms@6.5.0":    {"core": "4.0.1"},
		"terms@4.0.0":    nil,
		"terms@7.0.1":    {"core": "4.0.1", "ext": "5.2.0"},
		"ext@5.2.0":      {"core": "4.0.1"},
		"ext@5.3.0":      {"core": "4.0.1"},
		"other@2.0.0":    {"terms": "7.0.1"},
		"old@1.0.0":      {"terms": "5.0.0"},
		"ranged@1.0.0":   {"core": "4.0.x"},
		"tagged@1.0.0":   {"core": "current"},
		"needsipa@1.0.0": {"ipa": "1.1.0", "core": "4.0.1"},
		"cyc-a@1.0.0":    {"cyc-b": "1.0.0"},
		"cyc-b@1.0.0":    {"cyc-a": "1.0.0"},
		"badname@1.0.0":  {"../evil": "1.0.0"},
	}
	cases := []struct {
		name     string
		packages []string
		subs     map[string]string
		want     string // the packages loaded, in order
		err      string // or part of the error
	}{
		{"no dependencies", []string{"core@4.0.1"}, nil, "core@4.0.1", ""},
		{"transitive", []string{"ig@1.0.0"}, nil, "ig@1.0.0 core@4.0.1 ext@5.2.0 terms@6.5.0", ""},
		{"a named package wins over the version asked for", []string{"ig@1.0.0", "terms@7.0.1"}, nil, "ig@1.0.0 terms@7.0.1 core@4.0.1 ext@5.2.0", ""},
		{"of two versions asked for, the later", []string{"ig@1.0.0", "other@2.0.0"}, nil, "ig@1.0.0 other@2.0.0 core@4.0.1 ext@5.2.0 terms@7.0.1", ""},
		{"a version missing, a later one asked for", []string{"old@1.0.0", "other@2.0.0"}, nil, "old@1.0.0 other@2.0.0 terms@7.0.1 core@4.0.1 ext@5.2.0", ""},
		{"a version missing, an earlier one asked for", []string{"old@1.0.0", "ig@1.0.0"}, map[string]string{"terms@6.5.0": "terms@4.0.0"}, "", "terms@5.0.0, needed by old@1.0.0"},
		{"substitute by id@version", []string{"ig@1.0.0"}, map[string]string{"core@4.0.1": "examples@4.0.1"}, "ig@1.0.0 examples@4.0.1 ext@5.2.0 terms@6.5.0", ""},
		{"substitute by id", []string{"ig@1.0.0"}, map[string]string{"ext": "ext@5.3.0", "core": "examples@4.0.1"}, "ig@1.0.0 examples@4.0.1 ext@5.3.0 terms@6.5.0", ""},
		{"substitute by nothing", []string{"needsipa@1.0.0"}, map[string]string{"ipa@1.1.0": ""}, "needsipa@1.0.0 core@4.0.1", ""},
		{"missing, named with who needs it", []string{"needsipa@1.0.0"}, nil, "", "ipa@1.1.0, needed by needsipa@1.0.0: package ipa@1.1.0: not found in the registry"},
		{"the message says how to substitute", []string{"needsipa@1.0.0"}, nil, "", "-substitute ipa@1.1.0="},
		{"a range", []string{"ranged@1.0.0"}, nil, "", `core@4.0.x, needed by ranged@1.0.0: version "4.0.x" is not one fhirgen can fetch`},
		{"a range substituted", []string{"ranged@1.0.0"}, map[string]string{"core": "core@4.0.1"}, "ranged@1.0.0 core@4.0.1", ""},
		{"a tag", []string{"tagged@1.0.0"}, nil, "", `version "current"`},
		{"a cycle ends", []string{"cyc-a@1.0.0"}, nil, "cyc-a@1.0.0 cyc-b@1.0.0", ""},
		{"a dependency name that is not a package id", []string{"badname@1.0.0"}, nil, "", "../evil@1.0.0, needed by badname@1.0.0"},
		{"two versions named", []string{"ext@5.2.0", "ext@5.3.0"}, nil, "", "two versions of one package"},
		{"a bad substitute", []string{"ig@1.0.0"}, map[string]string{"core": "not a ref"}, "", `substitute "core"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cache := depsCache(t, pkgs)
			c := &Config{Packages: tc.packages, Substitutes: tc.subs, Log: &bytes.Buffer{}}
			got, err := c.resolvePackages(context.Background(), cache)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range got {
				names = append(names, p.ref.String())
			}
			if s := strings.Join(names, " "); s != tc.want {
				t.Errorf("loaded %s, want %s", s, tc.want)
			}
		})
	}
}

func TestNoDependencies(t *testing.T) {
	cache := depsCache(t, map[string]map[string]string{"ig@1.0.0": {"missing": "1.0.0"}})
	c := &Config{Packages: []string{"ig@1.0.0"}, NoDependencies: true}
	got, err := c.packagesToLoad(context.Background(), cache)
	if err != nil || len(got) != 1 || got[0].ref.String() != "ig@1.0.0" {
		t.Fatalf("got %v, %v; want ig@1.0.0 alone", got, err)
	}
}
