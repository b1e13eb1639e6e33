package knownlist

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	cases := []struct {
		name, text string
		want       map[string]string
		err        string
	}{
		{"entries, comments, blanks", "# header\n\na.json\treason one\nurl#id\tmin\treason two\n", map[string]string{"a.json": "reason one", "url#id\tmin": "reason two"}, ""},
		{"no reason", "a.json\n", nil, ":1: every entry needs a reason"},
		{"an empty reason", "# x\na.json\t \n", nil, ":2: every entry needs a reason"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "known.txt")
			os.WriteFile(p, []byte(tc.text), 0o644)
			got, err := Read(p)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	if _, err := Read(filepath.Join(t.TempDir(), "missing.txt")); err == nil {
		t.Error("a missing list reads as empty")
	}
	if m, err := Read(""); err != nil || len(m) != 0 {
		t.Errorf(`Read(""): %v, %v`, m, err)
	}
}

func TestStale(t *testing.T) {
	got := Stale(map[string]string{"b": "r", "a": "r", "c": "r"}, map[string]bool{"c": true})
	if !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatalf("Stale = %q", got)
	}
}
