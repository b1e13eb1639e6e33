package emit

import (
	"strings"
	"testing"
)

func TestCommentLinesCannotEscape(t *testing.T) {
	evil := "a */ b /* c\n//go:generate rm -rf /\r\nd\u2028e\u202Ef\x00g\rh\u0085i"
	lines := commentLines(evil, "second\n\n\nparagraph")
	for _, l := range lines {
		if !strings.HasPrefix(l, "// ") && l != "//" {
			t.Errorf("line %q does not start a line comment", l)
		}
		if strings.ContainsAny(l, "\n\r\u2028\u2029\u0085\u202E\x00") {
			t.Errorf("line %q holds a break or control character", l)
		}
		if strings.HasPrefix(l, "//go:") || strings.HasPrefix(l, "//line") {
			t.Errorf("line %q would be a directive", l)
		}
	}
	if got := strings.Join(lines, "|"); !strings.Contains(got, "// //go:generate rm -rf /") {
		t.Errorf("text lost: %s", got)
	}
}

func TestWrap(t *testing.T) {
	long := strings.Repeat("word ", 60)
	for _, l := range commentLines(long) {
		if len(l) > wrapAt+3 {
			t.Errorf("line of %d chars", len(l))
		}
	}
}
