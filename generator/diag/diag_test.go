package diag

import (
	"strings"
	"testing"
)

func TestErrorEscapesDefinitionText(t *testing.T) {
	e := Errorf("a\nb.json", "X.y:\u202eevil\x1b[2J", "bad name %s\n\tsecond line \u2028 \xff", "\x00")
	got := e.Error()
	for _, bad := range []string{"\x1b", "\u202e", "\u2028", "\x00", "\xff", "a\nb"} {
		if strings.Contains(got, bad) {
			t.Errorf("%q kept %q", got, bad)
		}
	}
	if !strings.Contains(got, "\n\tsecond line") {
		t.Errorf("the message's own line break was lost: %q", got)
	}
	if want := `a\nb.json: X.y:\u202eevil\x1b[2J: bad name \x00`; !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want prefix %q", got, want)
	}
}
