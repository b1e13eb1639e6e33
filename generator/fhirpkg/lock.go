package fhirpkg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Lock pins every package version a project uses: the integrity hash of
// its archive, and the digest of the files fhirgen extracted from it (see
// Manifest), so that the cached package is checked on every use, not only
// when it is downloaded. It is stored as JSON:
//
//	{"packages": [{"id": "hl7.fhir.r4.examples", "version": "4.0.1", "integrity": "sha512-...", "files": "sha256-..."}]}
type Lock struct {
	path    string
	entries map[Ref]Pin
	dirty   bool
}

// Pin is what a lock file holds for one package version.
type Pin struct {
	Integrity string // the archive's sha512, npm's SRI form
	Files     string // the digest of the extracted files ("" until known)
}

type lockFile struct {
	Packages []lockEntry `json:"packages"`
}

type lockEntry struct {
	ID        string `json:"id"`
	Version   string `json:"version"`
	Integrity string `json:"integrity"`
	Files     string `json:"files,omitempty"`
}

// LoadLock reads a lock file; a missing file gives an empty lock.
func LoadLock(path string) (*Lock, error) {
	l := &Lock{path: path, entries: map[Ref]Pin{}}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return l, nil
	}
	if err != nil {
		return nil, err
	}
	var f lockFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, e := range f.Packages {
		r := Ref{ID: e.ID, Version: e.Version}
		if !validName(r.ID) || !validName(r.Version) {
			return nil, fmt.Errorf("%s: bad package %q", path, r)
		}
		if !strings.HasPrefix(e.Integrity, "sha512-") || (e.Files != "" && !strings.HasPrefix(e.Files, "sha256-")) {
			return nil, fmt.Errorf("%s: %s: want a sha512- integrity and a sha256- files digest", path, r)
		}
		if _, dup := l.entries[r]; dup {
			return nil, fmt.Errorf("%s: %s is pinned twice", path, r)
		}
		l.entries[r] = Pin{Integrity: e.Integrity, Files: e.Files}
	}
	return l, nil
}

// Integrity returns the pinned archive hash of a package version.
func (l *Lock) Integrity(r Ref) (string, bool) {
	p, ok := l.entries[r]
	return p.Integrity, ok
}

// Pinned returns what the lock holds for a package version.
func (l *Lock) Pinned(r Ref) (Pin, bool) {
	p, ok := l.entries[r]
	return p, ok
}

// Set pins a package version, marking the lock for saving when it changed.
func (l *Lock) Set(r Ref, p Pin) {
	if l.entries[r] != p {
		l.entries[r] = p
		l.dirty = true
	}
}

// Save writes the lock back if anything changed.
func (l *Lock) Save() error {
	if !l.dirty || l.path == "" {
		return nil
	}
	var f lockFile
	for r, p := range l.entries {
		f.Packages = append(f.Packages, lockEntry{ID: r.ID, Version: r.Version, Integrity: p.Integrity, Files: p.Files})
	}
	sort.Slice(f.Packages, func(i, j int) bool {
		a, b := f.Packages[i], f.Packages[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Version < b.Version
	})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	if err := os.WriteFile(l.path, buf.Bytes(), 0o644); err != nil {
		return err
	}
	l.dirty = false
	return nil
}
