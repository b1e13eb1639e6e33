package fhirpkg

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// manifestName is the file, beside a cached package's package/ folder,
// where fhirgen records what it extracted.
const manifestName = "fhirgen-manifest.json"

// Manifest records a package fhirgen extracted into the cache: the
// integrity hash of the archive it came from, and the SHA-256 of each file.
// A loader checks every file it reads against it, and the lock file pins
// its Digest, so a cached package changed after it was fetched (a file
// edited, added or removed) is caught on the next use.
type Manifest struct {
	Integrity string            `json:"integrity"`
	Files     map[string]string `json:"files"` // "package/x.json" → hex SHA-256
	dir       string            // the package's cache folder (holding package/)
}

// FileHash is the hex SHA-256 a manifest records for a file.
func FileHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Digest is one hash over every file name and hash of the manifest.
func (m *Manifest) Digest() string {
	names := make([]string, 0, len(m.Files))
	for n := range m.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%s\n", n, m.Files[n])
	}
	return "sha256-" + base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// Check verifies one file read from the package ("package/x.json").
func (m *Manifest) Check(name string, data []byte) error {
	want, ok := m.Files[name]
	switch {
	case !ok:
		return fmt.Errorf("%s: %s is not a file of the package as fetched (the cache was changed: %s)", m.dir, name, m.refetchHint())
	case want != FileHash(data):
		return fmt.Errorf("%s: %s differs from the package as fetched (the cache was changed: %s)", m.dir, name, m.refetchHint())
	}
	return nil
}

// Missing lists the files of the manifest that match and are not in seen.
func (m *Manifest) Missing(match func(name string) bool, seen map[string]bool) error {
	for n := range m.Files {
		if match(n) && !seen[n] {
			return fmt.Errorf("%s: %s of the package as fetched is missing (the cache was changed: %s)", m.dir, n, m.refetchHint())
		}
	}
	return nil
}

func (m *Manifest) refetchHint() string {
	return "remove " + m.dir + " or run fhirgen fetch -force to fetch it again"
}

// writeManifest writes the manifest into a package folder being prepared.
func writeManifest(dir string, m *Manifest) error {
	data, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, manifestName), data, 0o644)
}

// errNoManifest: the cached package was not extracted by fhirgen.
var errNoManifest = errors.New("no manifest")

// readManifest reads the manifest of a cached package.
func readManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoManifest
	}
	if err != nil {
		return nil, err
	}
	m := &Manifest{dir: dir}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(m); err != nil || m.Files == nil {
		return nil, fmt.Errorf("%s: unreadable manifest (remove %s or run fhirgen fetch -force to fetch it again): %v", filepath.Join(dir, manifestName), dir, err)
	}
	return m, nil
}
