package generator

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fhirgen/fhirgen/generator/emit"
)

// WriteAtomic replaces the generated files in dir with the given files.
// Everything is first written to a sibling temporary directory, so that a
// failure to write leaves dir untouched; then each file is renamed into
// place (files whose content did not change are left alone), and generated
// files that are no longer produced are removed. Files fhirgen did not write
// (hand-written examples, go.sum, notes) are kept. The directory itself stays
// in place, so a shell or go generate running inside it is not disturbed.
func WriteAtomic(dir string, files emit.Files) error {
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".new-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var changed []string
	for _, name := range files.Names() {
		target := filepath.Join(dir, filepath.FromSlash(name))
		if old, err := os.ReadFile(target); err == nil && bytes.Equal(old, files[name]) {
			continue
		}
		staged := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(staged), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(staged, files[name], 0o644); err != nil {
			return err
		}
		changed = append(changed, name)
	}
	stale, err := staleFiles(dir, files)
	if err != nil {
		return err
	}
	// Everything is staged: now swap.
	for _, name := range changed {
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.Rename(filepath.Join(tmp, filepath.FromSlash(name)), target); err != nil {
			return err
		}
	}
	for _, p := range stale {
		if err := os.Remove(p); err != nil {
			return err
		}
		removeEmptyDirs(filepath.Dir(p), dir)
	}
	return nil
}

// staleFiles lists the generated files in dir that files no longer has.
func staleFiles(dir string, files emit.Files) ([]string, error) {
	var out []string
	if _, err := os.Stat(dir); err != nil {
		return nil, nil
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if _, ours := files[filepath.ToSlash(rel)]; ours {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if isGenerated(data) {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// removeEmptyDirs removes d and its parents up to (not including) top while
// they are empty.
func removeEmptyDirs(d, top string) {
	for d != top && strings.HasPrefix(d, top) {
		if err := os.Remove(d); err != nil {
			return
		}
		d = filepath.Dir(d)
	}
}

// isGenerated reports whether a file starts with fhirgen's header.
func isGenerated(data []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(data))
	if sc.Scan() {
		return strings.TrimSpace(sc.Text()) == "// "+emit.Header
	}
	return false
}

// Compare lists how dir differs from the files a generation produces: files
// that differ or are missing, and generated files that would be removed.
func Compare(dir string, files emit.Files) ([]string, error) {
	var diffs []string
	for _, name := range files.Names() {
		have, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		switch {
		case os.IsNotExist(err):
			diffs = append(diffs, "missing: "+name)
		case err != nil:
			return nil, err
		case !bytes.Equal(have, files[name]):
			diffs = append(diffs, "differs: "+name)
		}
	}
	stale, err := staleFiles(dir, files)
	for _, p := range stale {
		rel, _ := filepath.Rel(dir, p)
		diffs = append(diffs, "stale: "+filepath.ToSlash(rel))
	}
	return diffs, err
}
