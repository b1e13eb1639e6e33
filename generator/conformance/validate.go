package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fhirgen/fhirgen/generator/knownlist"
)

// issuePrefix marks a line of a known-invalid file that explains an error
// wherever it occurs rather than an example: "issue <the start of its
// message>".
const issuePrefix = "issue "

// validateAll validates every resource and fails on errors in one that the
// known-invalid file does not list (with the reason the example deserves
// them), and on a listed one that now validates. An error whose message
// starts as an "issue" line of the file says is explained in any example;
// such a line that explains nothing fails the run too.
func validateAll(v version, name string, files []string, knownFile string, verbose bool, sum *summary) error {
	known, err := knownlist.Read(knownFile)
	if err != nil {
		return err
	}
	issueLines := map[string]int{} // message start: errors it explained
	for k := range known {
		if msg, ok := strings.CutPrefix(k, issuePrefix); ok {
			issueLines[msg] = 0
			delete(known, k)
		}
	}
	var invalid, unexpected, fixed []string
	byKey := map[string]int{}
	for _, f := range files {
		_, res, err := v.load(f)
		if err != nil {
			return err
		}
		if res == nil {
			continue // it does not decode: reported by the round trip
		}
		base := filepath.Base(f)
		errs := v.errors(res)
		kept := errs[:0]
		for _, e := range errs {
			if msg := explainedBy(issueLines, e.Message); msg != "" {
				issueLines[msg]++
			} else {
				kept = append(kept, e)
			}
		}
		errs = kept
		_, isKnown := known[base]
		switch {
		case len(errs) > 0:
			invalid = append(invalid, base)
			for _, e := range errs {
				k := e.Key
				if k == "" {
					k = "(structure)"
				}
				byKey[k]++
			}
			if !isKnown {
				msg := fmt.Sprintf("%s: %d errors, first at %s: %s", base, len(errs), errs[0].Path, errs[0].Message)
				if errs[0].Key != "" {
					msg += " [" + errs[0].Key + "]"
				}
				if verbose {
					for _, e := range errs[1:] {
						msg += fmt.Sprintf("\n    %s: %s [%s]", e.Path, e.Message, e.Key)
					}
				}
				unexpected = append(unexpected, msg)
			}
		case isKnown:
			fixed = append(fixed, base)
		}
	}
	var keys []string
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, byKey[k]))
	}
	fmt.Printf("%s validation: %d of %d resources have errors (%d listed with the reason they deserve them); errors by key: %s\n",
		name, len(invalid), len(files), len(invalid)-len(unexpected), strings.Join(parts, ", "))
	sum.validation = fmt.Sprintf("%d with validation errors (%d of them unexplained)", len(invalid), len(unexpected))
	for _, u := range unexpected {
		fmt.Println("INVALID", u)
	}
	for _, f := range fixed {
		fmt.Println("VALID NOW (remove it from the known-invalid list):", f)
	}
	for _, msg := range sortedKeys(issueLines) {
		if issueLines[msg] == 0 {
			fmt.Println("EXPLAINS NOTHING NOW (remove it from the known-invalid list): issue", msg)
			fixed = append(fixed, msg)
		} else {
			fmt.Printf("%s validation: %d errors explained by: issue %s\n", name, issueLines[msg], msg)
		}
	}
	if len(unexpected) > 0 || len(fixed) > 0 {
		return fmt.Errorf("%d examples with unexplained validation errors, %d listed ones now valid", len(unexpected), len(fixed))
	}
	return nil
}

// explainedBy is the issue line (the start of a message) that explains an
// error's message, or "".
func explainedBy(lines map[string]int, msg string) string {
	for l := range lines {
		if strings.HasPrefix(msg, l) {
			return l
		}
	}
	return ""
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
