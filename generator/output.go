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

// WriteAtomic replaces dir with the given files. Everything is written to a
// fresh sibling directory first; files in dir that fhirgen did not write
// (hand-written examples, go.sum, notes) are carried over, generated files
// that are no longer produced are dropped, and only then is the new tree
// swapped into place. A failure before the swap leaves dir untouched.
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
	cleanup := func() { os.RemoveAll(tmp) }
	for _, name := range files.Names() {
		target := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			cleanup()
			return err
		}
		if err := os.WriteFile(target, files[name], 0o644); err != nil {
			cleanup()
			return err
		}
	}
	if _, err := os.Stat(dir); err == nil {
		if err := carryOver(dir, tmp, files); err != nil {
			cleanup()
			return err
		}
	}
	old := ""
	if _, err := os.Stat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			cleanup()
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir)
		}
		cleanup()
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// carryOver copies the files of old that fhirgen does not own into tmp.
func carryOver(old, tmp string, files emit.Files) error {
	return filepath.WalkDir(old, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(old, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if _, ours := files[filepath.ToSlash(rel)]; ours {
			return nil
		}
		if !d.Type().IsRegular() {
			return nil // links and devices are not carried over
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if isGenerated(data) {
			return nil // a stale generated file
		}
		target := filepath.Join(tmp, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
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
	if _, err := os.Stat(dir); err != nil {
		return diffs, nil
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if _, ours := files[rel]; ours {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if isGenerated(data) {
			diffs = append(diffs, "stale: "+rel)
		}
		return nil
	})
	return diffs, err
}
