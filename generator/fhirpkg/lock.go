package fhirpkg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// Lock pins the integrity hash of every package version a project uses.
// It is stored as JSON:
//
//	{"packages": [{"id": "hl7.fhir.r4.examples", "version": "4.0.1", "integrity": "sha512-..."}]}
type Lock struct {
	path    string
	entries map[Ref]string
	dirty   bool
}

type lockFile struct {
	Packages []lockEntry `json:"packages"`
}

type lockEntry struct {
	ID        string `json:"id"`
	Version   string `json:"version"`
	Integrity string `json:"integrity"`
}

// LoadLock reads a lock file; a missing file gives an empty lock.
func LoadLock(path string) (*Lock, error) {
	l := &Lock{path: path, entries: map[Ref]string{}}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return l, nil
	}
	if err != nil {
		return nil, err
	}
	var f lockFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, e := range f.Packages {
		r := Ref{ID: e.ID, Version: e.Version}
		if !validName(r.ID) || !validName(r.Version) {
			return nil, fmt.Errorf("%s: bad package %q", path, r)
		}
		l.entries[r] = e.Integrity
	}
	return l, nil
}

// Integrity returns the pinned hash of a package version.
func (l *Lock) Integrity(r Ref) (string, bool) {
	s, ok := l.entries[r]
	return s, ok
}

// Set pins a hash, marking the lock for saving when it changed.
func (l *Lock) Set(r Ref, integrity string) {
	if l.entries[r] != integrity {
		l.entries[r] = integrity
		l.dirty = true
	}
}

// Save writes the lock back if anything changed.
func (l *Lock) Save() error {
	if !l.dirty || l.path == "" {
		return nil
	}
	var f lockFile
	for r, s := range l.entries {
		f.Packages = append(f.Packages, lockEntry{ID: r.ID, Version: r.Version, Integrity: s})
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
