package fporacle

import (
	"fmt"
	"os"
	"strings"
)

// Known lists the disagreements that are understood: where fhirpath.js
// departs from the FHIR specification or from what the HL7 validator does.
// Each line of its file is: key, a location pattern, the two results as
// go/js (true/false, none/true, */error ...), and the reason, separated by
// tabs; in patterns, * stands for any run of characters.
type Known struct {
	entries []knownEntry
}

type knownEntry struct {
	key, location, results, reason string
	line                           int
	used                           int
}

// LoadKnown reads a known-disagreements file.
func LoadKnown(path string) (*Known, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k := &Known{}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 || strings.TrimSpace(f[3]) == "" {
			return nil, fmt.Errorf("%s:%d: want key, location pattern, go/js results and a reason, separated by tabs", path, i+1)
		}
		k.entries = append(k.entries, knownEntry{key: f[0], location: f[1], results: f[2], reason: f[3], line: i + 1})
	}
	return k, nil
}

func result(p *int8) string {
	if p == nil {
		return "none"
	}
	return [...]string{"error", "empty", "false", "true"}[*p+1]
}

// Filter splits disagreements into the unexplained ones and the known ones.
func (k *Known) Filter(ds []Disagreement) (unexplained, known []Disagreement) {
	for _, d := range ds {
		if k != nil && k.match(d) {
			known = append(known, d)
		} else {
			unexplained = append(unexplained, d)
		}
	}
	return unexplained, known
}

func (k *Known) match(d Disagreement) bool {
	for i := range k.entries {
		e := &k.entries[i]
		goRes, jsRes, _ := strings.Cut(e.results, "/")
		if glob(e.key, d.Key) && glob(goRes, result(d.Go)) && glob(jsRes, result(d.JS)) && glob(e.location, d.Location) {
			e.used++
			return true
		}
	}
	return false
}

// glob matches s against a pattern where * stands for any run of
// characters and everything else for itself.
func glob(pattern, s string) bool {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return pattern == s
	}
	if !strings.HasPrefix(s, pattern[:star]) {
		return false
	}
	rest := pattern[star+1:]
	for i := star; i <= len(s); i++ {
		if glob(rest, s[i:]) {
			return true
		}
	}
	return false
}

// Unused lists the entries that explained nothing (stale ones).
func (k *Known) Unused() []string {
	var out []string
	for _, e := range k.entries {
		if e.used == 0 {
			out = append(out, fmt.Sprintf("line %d: %s %s %s", e.line, e.key, e.location, e.results))
		}
	}
	return out
}

// Counts says how often each entry matched.
func (k *Known) Counts() []string {
	var out []string
	for _, e := range k.entries {
		out = append(out, fmt.Sprintf("%s at %s (%s): %d", e.key, e.location, e.results, e.used))
	}
	return out
}
