package generator

import (
	"strings"
	"testing"
)

// formats: json always, xml by default; anything else is refused by name.
func TestFormats(t *testing.T) {
	for _, c := range []struct {
		formats []string
		xml     bool
		err     string
	}{
		{nil, true, ""},
		{[]string{"json", "xml"}, true, ""},
		{[]string{"json"}, false, ""},
		{[]string{"xml"}, false, `formats: ["xml"] leaves out json`},
		{[]string{"json", "yaml"}, false, `formats: "yaml" is not a format fhirgen generates (json, xml)`},
	} {
		xml, err := (&Config{Formats: c.formats}).xml()
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: %v; want an error with %q", c.formats, err, c.err)
			}
			continue
		}
		if err != nil || xml != c.xml {
			t.Errorf("%q: xml %v, %v; want %v", c.formats, xml, err, c.xml)
		}
	}
}
