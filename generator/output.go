package generator

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fhirgen/fhirgen/generator/emit"
)

// An Output is a generation's output directory, locked against other
// generations into it. The directory is replaced as a whole: the new tree
// is built beside it (same filesystem), the files fhirgen did not write are
// carried over into it, and the two directories are exchanged in one step
// (renameat2 RENAME_EXCHANGE on Linux; elsewhere two renames, which the next
// run completes or undoes when a kill falls between them). A killed or
// failed generation therefore leaves the directory exactly as it was, and
// a finished one leaves exactly the new tree. What a killed run left beside
// the directory is removed by the next one.
//
// A process whose working directory is inside the output directory (a
// shell that ran go generate there) still sees the old, removed tree
// afterwards; cd . moves it to the new one. fhirgen itself does that.
type Output struct {
	dir    string // absolute, symlinks resolved
	parent string
	base   string
	force  bool
	unlock func()
}

// stagePrefix starts the names of the trees staged beside the directory.
func (o *Output) stagePrefix() string { return "." + o.base + ".fhirgen-" }

// OpenOutput locks dir for a generation, after checking that it is a place
// fhirgen may replace: not the current module's root or one of its
// ancestors, unless force is set (a go.mod fhirgen did not write is
// checked when the files are known, in Replace). It completes or removes
// what a killed generation left.
func OpenOutput(dir string, force bool) (*Output, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		return nil, fmt.Errorf("output %s is not a directory", abs)
	}
	o := &Output{dir: abs, parent: filepath.Dir(abs), base: filepath.Base(abs), force: force}
	if o.parent == abs {
		return nil, fmt.Errorf("output %s: the filesystem root cannot be replaced", abs)
	}
	if !force {
		if root := enclosingForeignModule(abs); root != "" {
			return nil, fmt.Errorf("refusing to replace %s: it holds the current module (%s), whose files would be replaced; choose another -out (or pass -force)", abs, root)
		}
	}
	if err := os.MkdirAll(o.parent, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockDir(o.parent)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", o.parent, err)
	}
	o.unlock = unlock
	if err := o.recover(); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

// Close releases the lock.
func (o *Output) Close() {
	if o.unlock != nil {
		o.unlock()
		o.unlock = nil
	}
}

// Dir is the output directory.
func (o *Output) Dir() string { return o.dir }

// recover deals with what killed generations left beside the directory:
// a tree moved aside by the two-rename exchange while the directory is
// missing goes back; every other staged tree is removed.
func (o *Output) recover() error {
	entries, err := os.ReadDir(o.parent)
	if err != nil {
		return err
	}
	legacy := "." + o.base + ".new-" // what fhirgen before the exchange left
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, o.stagePrefix()) && !strings.HasPrefix(name, legacy) {
			continue
		}
		p := filepath.Join(o.parent, name)
		if strings.HasPrefix(name, o.stagePrefix()+"old-") {
			if _, err := os.Lstat(o.dir); errors.Is(err, fs.ErrNotExist) {
				if err := os.Rename(p, o.dir); err != nil {
					return fmt.Errorf("restoring %s from an interrupted generation: %w", o.dir, err)
				}
				continue
			}
		}
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("removing what an interrupted generation left (%s): %w", p, err)
		}
	}
	return nil
}

// Replace makes the directory hold exactly files plus what fhirgen did not
// write there (hand-written files, go.sum, nested modules, hidden and
// underscore directories, testdata); generated files no longer produced go.
func (o *Output) Replace(files emit.Files) (err error) {
	stage, err := os.MkdirTemp(o.parent, o.stagePrefix()+"new-")
	if err != nil {
		return err
	}
	defer func() {
		// after an exchange the stage holds the old tree
		if rmErr := os.RemoveAll(stage); rmErr != nil && err == nil {
			err = rmErr
		}
	}()
	if err := os.Chmod(stage, 0o755); err != nil {
		return err
	}
	_, statErr := os.Stat(o.dir)
	exists := statErr == nil
	if exists {
		if err := o.checkGoMod(files); err != nil {
			return err
		}
	}
	for _, name := range files.Names() {
		rel := filepath.FromSlash(name)
		target := filepath.Join(stage, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		// an unchanged file keeps its inode and time
		if old := filepath.Join(o.dir, rel); exists && sameContent(old, files[name]) && os.Link(old, target) == nil {
			continue
		}
		if err := os.WriteFile(target, files[name], 0o644); err != nil {
			return err
		}
	}
	if exists {
		err := walkOutput(o.dir, files, func(rel string, d fs.DirEntry, whole bool) error {
			return carry(filepath.Join(o.dir, rel), filepath.Join(stage, rel), d)
		})
		if err != nil {
			return fmt.Errorf("carrying files over from %s: %w", o.dir, err)
		}
		wd, _ := os.Getwd()
		if err := exchange(stage, o.dir, filepath.Join(o.parent, o.stagePrefix()+"old-"+filepath.Base(stage)[len(o.stagePrefix()+"new-"):])); err != nil {
			return err
		}
		if wd != "" && within(wd, o.dir) {
			// this process worked inside the old tree: move to the new one
			return os.Chdir(wd)
		}
		return nil
	}
	return os.Rename(stage, o.dir)
}

// checkGoMod refuses to replace a go.mod fhirgen did not write (the
// directory is another module), unless forced.
func (o *Output) checkGoMod(files emit.Files) error {
	newMod, writes := files["go.mod"]
	if !writes || o.force {
		return nil
	}
	old, err := os.ReadFile(filepath.Join(o.dir, "go.mod"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	// fhirgen's go.mod starts with its header; before it had one, it was
	// exactly what is written now without the header line
	_, body, _ := bytes.Cut(newMod, []byte("\n"))
	body = bytes.TrimLeft(body, "\n")
	if isGenerated(old) || bytes.Equal(old, body) {
		return nil
	}
	return fmt.Errorf("refusing to replace %s: fhirgen did not write it (the directory is another module); choose another -out (or pass -force)", filepath.Join(o.dir, "go.mod"))
}

// walkOutput visits what a generation keeps of an output directory: each
// file and link fhirgen did not write, and each directory whose content is
// kept whole (whole is then set and the directory is not entered): nested
// modules, and the directories the go command ignores (.x, _x, testdata).
// Generated files that files does not hold, and the files it does, are not
// visited.
func walkOutput(dir string, files emit.Files, visit func(rel string, d fs.DirEntry, whole bool) error) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		if d.IsDir() {
			if keptWhole(p, d) {
				if err := visit(rel, d, true); err != nil {
					return err
				}
				return fs.SkipDir
			}
			return nil
		}
		if _, ours := files[filepath.ToSlash(rel)]; ours {
			return nil
		}
		if d.Type().IsRegular() {
			generated, err := fileIsGenerated(p)
			if err != nil || generated {
				return err
			}
		}
		return visit(rel, d, false)
	})
}

// keptWhole reports whether a directory below the output's root is kept as
// it is: a nested module, or a directory the go command ignores (.x, _x,
// testdata). fhirgen writes nothing there and removes nothing from there.
func keptWhole(p string, d fs.DirEntry) bool {
	name := d.Name()
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || fileExists(filepath.Join(p, "go.mod"))
}

// carry puts a file, link or whole directory of the old tree into the new
// one: hard links where the filesystem allows, copies elsewhere.
func carry(from, to string, d fs.DirEntry) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	switch {
	case d.IsDir():
		return filepath.WalkDir(from, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(from, p)
			if err != nil {
				return err
			}
			target := filepath.Join(to, rel)
			if e.IsDir() {
				info, err := e.Info()
				if err != nil {
					return err
				}
				return os.MkdirAll(target, info.Mode().Perm()|0o700)
			}
			return carryFile(p, target, e)
		})
	default:
		return carryFile(from, to, d)
	}
}

func carryFile(from, to string, d fs.DirEntry) error {
	switch {
	case d.Type()&fs.ModeSymlink != 0:
		link, err := os.Readlink(from)
		if err != nil {
			return err
		}
		return os.Symlink(link, to)
	case d.Type().IsRegular():
		if os.Link(from, to) == nil {
			return nil
		}
		return copyFile(from, to)
	}
	return fmt.Errorf("%s is neither a file, a directory nor a link", from)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func sameContent(path string, data []byte) bool {
	st, err := os.Lstat(path)
	if err != nil || !st.Mode().IsRegular() || st.Size() != int64(len(data)) {
		return false
	}
	old, err := os.ReadFile(path)
	return err == nil && bytes.Equal(old, data)
}

func fileExists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// fileIsGenerated reports whether a file starts with fhirgen's header.
func fileIsGenerated(p string) (bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, 128)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, err
	}
	return isGenerated(head[:n]), nil
}

// isGenerated reports whether data starts with fhirgen's header.
func isGenerated(data []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(data))
	if sc.Scan() {
		return strings.TrimSpace(sc.Text()) == "// "+emit.Header
	}
	return false
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// enclosingForeignModule returns the root of a module that the working
// directory is in and that dir holds (dir is that root or above it), when
// fhirgen did not write that module's go.mod; else "".
func enclosingForeignModule(dir string) string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(wd); err == nil {
		wd = real
	}
	for d := wd; ; d = filepath.Dir(d) {
		if within(d, dir) {
			if generated, err := fileIsGenerated(filepath.Join(d, "go.mod")); err == nil && !generated {
				return d
			}
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
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
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if rel != "." && keptWhole(p, d) {
				return fs.SkipDir
			}
			return nil
		}
		if _, ours := files[filepath.ToSlash(rel)]; ours || !d.Type().IsRegular() {
			return nil
		}
		if generated, err := fileIsGenerated(p); err != nil || !generated {
			return err
		}
		diffs = append(diffs, "stale: "+filepath.ToSlash(rel))
		return nil
	})
	return diffs, err
}

// renameExchange swaps directory a into place at b by moving b aside first.
// A kill between the two renames leaves b missing and its old tree at
// aside, which the next generation's recover puts back.
func renameExchange(a, b, aside string) error {
	if err := os.Rename(b, aside); err != nil {
		return err
	}
	if err := os.Rename(a, b); err != nil {
		if undo := os.Rename(aside, b); undo != nil {
			return fmt.Errorf("%w (and restoring %s failed: %v; it is at %s)", err, b, undo, aside)
		}
		return err
	}
	// the caller removes a, which must now hold the old tree
	return os.Rename(aside, a)
}
