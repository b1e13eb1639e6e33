// Command compilecost measures what it costs to compile Go packages: for
// each case, the lines of Go in its packages, the CPU seconds of every
// compiler process that builds them, and the peak memory of the largest one.
// It builds in a build cache of its own that holds the standard library
// already (built first), so each case compiles its own packages and nothing
// else it shares with the others.
//
//	compilecost -case name=dir:pattern ...
//
// dir is the module directory to build in, pattern the packages (./...
// or an import path). The command runs itself as the go command's
// -toolexec, to read each compiler process's resource use.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const logEnv = "FHIRGEN_COMPILECOST_LOG"

type caseFlag []string

func (c *caseFlag) String() string     { return strings.Join(*c, " ") }
func (c *caseFlag) Set(s string) error { *c = append(*c, s); return nil }

func main() {
	if log := os.Getenv(logEnv); log != "" && len(os.Args) > 1 {
		os.Exit(toolexec(log, os.Args[1:]))
	}
	var cases caseFlag
	flag.Var(&cases, "case", "`name=dir:pattern`: a case to measure (repeatable)")
	verbose := flag.Bool("v", false, "print every compiler process")
	flag.Parse()
	if err := run(cases, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "compilecost:", err)
		os.Exit(1)
	}
}

// toolexec runs a tool of the go command and, for the compiler, appends to
// the log the package, its CPU seconds and its peak memory.
func toolexec(log string, args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		fmt.Fprintln(os.Stderr, "compilecost:", err)
		return 1
	}
	if filepath.Base(args[0]) != "compile" || cmd.ProcessState == nil {
		return code
	}
	pkg := ""
	for i, a := range args {
		if a == "-p" && i+1 < len(args) {
			pkg = args[i+1]
		}
	}
	if pkg == "" {
		return code // the go command asking the compiler's version
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return code
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		// one short write per line: lines from parallel compiles do not mix
		fmt.Fprintf(f, "%s %.3f %d\n", pkg, cpu.Seconds(), ru.Maxrss*1024)
		f.Close()
	}
	return code
}

// compiled is one compiler process.
type compiled struct {
	pkg  string
	cpu  float64 // seconds
	peak int64   // bytes
}

func run(cases []string, verbose bool) error {
	if len(cases) == 0 {
		return errors.New("no -case")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "compilecost-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cache := filepath.Join(tmp, "gocache")
	if _, err := build(self, cache, filepath.Join(tmp, "std.log"), ".", "std"); err != nil {
		return fmt.Errorf("building the standard library: %w", err)
	}
	fmt.Println("compile cost (standard library cached, each case's packages not; CPU of all its compiler processes, peak memory of the largest):")
	fmt.Printf("%-16s %10s %9s %12s %9s  %s\n", "case", "Go lines", "packages", "compile CPU", "peak", "largest package")
	for i, c := range cases {
		name, rest, ok := strings.Cut(c, "=")
		dir, pattern, ok2 := strings.Cut(rest, ":")
		if !ok || !ok2 {
			return fmt.Errorf("-case %q: want name=dir:pattern", c)
		}
		procs, err := build(self, cache, filepath.Join(tmp, strconv.Itoa(i)+".log"), dir, pattern)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		lines, err := goLines(dir, pattern)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		var cpu float64
		var largest compiled
		for _, p := range procs {
			cpu += p.cpu
			if p.peak > largest.peak {
				largest = p
			}
		}
		fmt.Printf("%-16s %10d %9d %11.1fs %7.0fMB  %s (%.1fs)\n", name, lines, len(procs), cpu, float64(largest.peak)/(1<<20), largest.pkg, largest.cpu)
		if verbose {
			for _, p := range procs {
				fmt.Printf("    %-50s %7.2fs %7.0fMB\n", p.pkg, p.cpu, float64(p.peak)/(1<<20))
			}
		}
	}
	return nil
}

// build runs go build with this command as -toolexec and returns the
// compiler processes it ran.
func build(self, cache, log, dir, pattern string) ([]compiled, error) {
	cmd := exec.Command("go", "build", "-toolexec", self, pattern)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOCACHE="+cache, logEnv+"="+log, "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build %s: %v\n%s", pattern, err, out)
	}
	f, err := os.Open(log)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []compiled
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 {
			continue
		}
		cpu, _ := strconv.ParseFloat(fields[1], 64)
		peak, _ := strconv.ParseInt(fields[2], 10, 64)
		out = append(out, compiled{fields[0], cpu, peak})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pkg < out[j].pkg })
	return out, sc.Err()
}

// goLines counts the lines of the non-test Go files of the packages.
func goLines(dir, pattern string) (int, error) {
	cmd := exec.Command("go", "list", "-f", `{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}`, pattern)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("go list %s: %w", pattern, err)
	}
	n := 0
	for _, f := range strings.Fields(string(out)) {
		data, err := os.ReadFile(f)
		if err != nil {
			return 0, err
		}
		n += strings.Count(string(data), "\n")
	}
	return n, nil
}
