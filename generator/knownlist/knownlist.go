// Package knownlist reads the committed lists of understood differences the
// conformance runs keep (known failures, examples that deserve their errors,
// snapshot differences): one entry a line, its key, a tab, and the reason;
// blank lines and # comments are skipped. A key may itself hold tabs: the
// reason is what follows the last one.
package knownlist

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Read reads a list; "" reads as an empty one. An entry without a reason
// is an error.
func Read(path string) (map[string]string, error) {
	out := map[string]string{}
	if path == "" {
		return out, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, '\t')
		if i <= 0 || strings.TrimSpace(line[i+1:]) == "" {
			return nil, fmt.Errorf("%s:%d: every entry needs a reason after a tab", path, n)
		}
		out[line[:i]] = line[i+1:]
	}
	return out, sc.Err()
}

// Stale lists, sorted, the entries of a list that did not occur (seen):
// a list must stay true, so the caller fails on them.
func Stale(known map[string]string, seen map[string]bool) []string {
	var out []string
	for k := range known {
		if !seen[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
