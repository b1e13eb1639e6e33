// Package fporacle compares the FHIRPath invariants fhirgen compiles into Go
// with fhirpath.js, the reference JavaScript implementation, run by node.
//
// The caller validates a resource with the generated package's
// TraceInvariants, which reports every invariant evaluated (where, which, and
// its result), and hands the resource and those results to Check. The oracle
// visits every element of the resource itself, evaluates each invariant that
// applies to it with fhirpath.js, and reports every disagreement: a different
// result, an invariant the Go code did not evaluate, or one it evaluated where
// it does not apply.
//
// The JavaScript side lives in js/ (oracle.js, with fhirpath pinned by
// package-lock.json); Install fetches its dependencies with npm ci, from the
// registry npm is configured with.
package fporacle

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Spec is one invariant and where it applies.
type Spec struct {
	Key        string   `json:"key"`
	Expression string   `json:"expression"`
	Types      []string `json:"types"`
	Elements   []string `json:"elements"`
}

// Eval is one evaluation by the compiled code: -1 an evaluation error,
// 0 empty, 1 false, 2 true.
type Eval struct {
	Location, Key string
	Result        int8
}

// Disagreement is an evaluation whose results differ. Go or JS is nil when
// that side did not evaluate the invariant there.
type Disagreement struct {
	Resource string `json:"-"`
	Location string `json:"location"`
	Key      string `json:"key"`
	Go       *int8  `json:"go"`
	JS       *int8  `json:"js"`
	Error    string `json:"error"`
}

func (d Disagreement) String() string {
	s := fmt.Sprintf("%s: %s at %s: Go %s, fhirpath.js %s", d.Resource, d.Key, d.Location, result(d.Go), result(d.JS))
	if d.Error != "" {
		s += " (" + d.Error + ")"
	}
	return s
}

// Install runs npm ci in dir unless its dependencies are there already.
func Install(dir string) error { return InstallModule(dir, "fhirpath") }

// InstallModule runs npm ci in dir (with its package-lock.json, from the
// registry npm is configured with) unless the npm module named is there
// already.
func InstallModule(dir, module string) error {
	if _, err := os.Stat(filepath.Join(dir, "node_modules", module, "package.json")); err == nil {
		return nil
	}
	cmd := exec.Command("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm ci in %s: %w", dir, err)
	}
	return nil
}

// StartNode installs (when needed: InstallModule) the npm module named in
// dir and starts node there on a script with args, its stderr ours. It
// returns the command and its stdin and stdout.
func StartNode(dir, module, script string, args ...string) (*exec.Cmd, io.WriteCloser, io.ReadCloser, error) {
	if err := InstallModule(dir, module); err != nil {
		return nil, nil, nil, err
	}
	cmd := exec.Command("node", append([]string{script}, args...)...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, nil, fmt.Errorf("starting node: %w", err)
	}
	return cmd, in, out, nil
}

// Oracle is a running fhirpath.js.
type Oracle struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	w   *bufio.Writer
	out *bufio.Reader
}

// Start installs (when needed) and starts the oracle in dir for a FHIR
// version of fhirpath.js's models (r4, r5), with the invariants to check and
// the resources of the generated module (nil for all of the version).
func Start(dir, version string, specs []Spec, mod *Model) (*Oracle, error) {
	cmd, in, out, err := StartNode(dir, "fhirpath", "oracle.js", version)
	if err != nil {
		return nil, err
	}
	o := &Oracle{cmd: cmd, in: in, w: bufio.NewWriterSize(in, 1<<20), out: bufio.NewReaderSize(out, 1<<20)}
	if _, _, err := o.call(map[string]any{"specs": specs, "model": mod}); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

type reply struct {
	Evaluated     int            `json:"evaluated"`
	Disagreements []Disagreement `json:"disagreements"`
	Fatal         string         `json:"fatal"`
}

func (o *Oracle) call(msg any) (int, []Disagreement, error) {
	data, err := json.Marshal(msg)
	if err != nil {
		return 0, nil, err
	}
	o.w.Write(data)
	o.w.WriteByte('\n')
	if err := o.w.Flush(); err != nil {
		return 0, nil, fmt.Errorf("writing to fhirpath.js: %w", err)
	}
	line, err := o.out.ReadBytes('\n')
	if err != nil {
		return 0, nil, fmt.Errorf("reading from fhirpath.js: %w", err)
	}
	var r reply
	if err := json.Unmarshal(line, &r); err != nil {
		return 0, nil, fmt.Errorf("fhirpath.js said %q: %w", strings.TrimSpace(string(line)), err)
	}
	if r.Fatal != "" {
		return 0, nil, errors.New("fhirpath.js: " + r.Fatal)
	}
	return r.Evaluated, r.Disagreements, nil
}

// Check compares the compiled code's evaluations on a resource (its JSON)
// with fhirpath.js's, and returns how many evaluations fhirpath.js made and
// every disagreement.
func (o *Oracle) Check(name string, resource []byte, evals []Eval) (int, []Disagreement, error) {
	rows := make([][3]any, len(evals))
	for i, e := range evals {
		rows[i] = [3]any{e.Location, e.Key, e.Result}
	}
	n, ds, err := o.call(map[string]any{"name": name, "resource": json.RawMessage(resource), "evals": rows})
	for i := range ds {
		ds[i].Resource = name
	}
	return n, ds, err
}

// Close stops the oracle.
func (o *Oracle) Close() error {
	o.in.Close()
	return o.cmd.Wait()
}
