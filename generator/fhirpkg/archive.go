package fhirpkg

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Limits bound what an archive may contain. Exceeding any of them is an error:
// a FHIR package is a few hundred megabytes at most, and anything larger is
// either corrupt or hostile.
type Limits struct {
	MaxFiles     int   // entries in the archive
	MaxFileBytes int64 // uncompressed size of one entry
	MaxBytes     int64 // uncompressed size of all entries together
}

// DefaultLimits fit every published HL7 core package with a wide margin.
func DefaultLimits() Limits {
	return Limits{MaxFiles: 100_000, MaxFileBytes: 256 << 20, MaxBytes: 2 << 30}
}

// File is one regular file read from an archive or a directory.
type File struct {
	Name string // slash-separated path inside the package, e.g. "package/Patient-example.json"
	Data []byte
}

// cleanEntryName checks an archive entry name and returns it cleaned. Absolute
// paths, ".." components and backslashes are refused so that no entry can be
// written outside the extraction directory.
func cleanEntryName(name string) (string, error) {
	if name == "" || strings.ContainsRune(name, '\\') || strings.ContainsRune(name, 0) {
		return "", fmt.Errorf("unsafe entry name %q", name)
	}
	if strings.HasPrefix(name, "/") || filepath.IsAbs(name) {
		return "", fmt.Errorf("absolute entry name %q", name)
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "", fmt.Errorf("entry name %q escapes the archive", name)
		}
	}
	clean := path.Clean(name)
	if clean == "." {
		return "", fmt.Errorf("empty entry name %q", name)
	}
	return clean, nil
}

// WalkTGZ reads a gzip-compressed tar archive and calls fn for every regular
// file, in archive order. Directories are skipped; links, devices and other
// special entries are errors, as are unsafe names and anything beyond lim.
// If keep is non-nil, only files for which it returns true are read into
// memory (the rest are still counted against the limits).
func WalkTGZ(r io.Reader, lim Limits, keep func(name string) bool, fn func(File) error) error {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("not a gzip archive: %w", err)
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	var files int
	var total int64
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading archive: %w", err)
		}
		name, err := cleanEntryName(hdr.Name)
		if err != nil {
			return err
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			continue
		case tar.TypeReg:
		case tar.TypeXGlobalHeader, tar.TypeXHeader:
			continue
		case tar.TypeSymlink, tar.TypeLink:
			return fmt.Errorf("archive entry %q is a link; links are not allowed", name)
		default:
			return fmt.Errorf("archive entry %q has unsupported type %q", name, hdr.Typeflag)
		}
		files++
		if files > lim.MaxFiles {
			return fmt.Errorf("archive has more than %d files", lim.MaxFiles)
		}
		if hdr.Size < 0 || hdr.Size > lim.MaxFileBytes {
			return fmt.Errorf("archive entry %q is %d bytes, over the %d-byte limit", name, hdr.Size, lim.MaxFileBytes)
		}
		total += hdr.Size
		if total > lim.MaxBytes {
			return fmt.Errorf("archive is over the %d-byte limit", lim.MaxBytes)
		}
		if keep != nil && !keep(name) {
			continue
		}
		// Read at most the declared size plus one byte, so that a header that
		// understates its entry cannot smuggle in more data.
		data, err := io.ReadAll(io.LimitReader(tr, hdr.Size+1))
		if err != nil {
			return fmt.Errorf("reading archive entry %q: %w", name, err)
		}
		if int64(len(data)) != hdr.Size {
			return fmt.Errorf("archive entry %q: size mismatch", name)
		}
		if err := fn(File{Name: name, Data: data}); err != nil {
			return err
		}
	}
}

// ExtractTGZ extracts an archive into dir, which must not exist yet or
// must hold no package (what an earlier failed run left). It writes into a
// sibling temporary directory first, calls finish on it with the SHA-256 of
// every file extracted (finish may check it and add files), and renames it
// into place only when finish succeeds, so that a rejected archive leaves
// nothing behind.
func ExtractTGZ(r io.Reader, dir string, lim Limits, finish func(tmp string, hashes map[string]string) error) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".extract-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	hashes := map[string]string{}
	err = WalkTGZ(r, lim, nil, func(f File) error {
		target := filepath.Join(tmp, filepath.FromSlash(f.Name))
		rel, err := filepath.Rel(tmp, target)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fmt.Errorf("archive entry %q escapes the target directory", f.Name)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		// O_EXCL: never follow or overwrite anything already there.
		out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fmt.Errorf("archive entry %q: %w", f.Name, err)
		}
		if _, err := out.Write(f.Data); err != nil {
			out.Close()
			return err
		}
		hashes[f.Name] = FileHash(f.Data)
		return out.Close()
	})
	if err != nil {
		return err
	}
	if finish != nil {
		if err := finish(tmp, hashes); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "package", "package.json")); statErr == nil {
			return nil // another process extracted the same package meanwhile
		}
		// what a failed extraction of an earlier version left: no package
		if rmErr := os.RemoveAll(dir); rmErr != nil {
			return err
		}
		return os.Rename(tmp, dir)
	}
	return nil
}
