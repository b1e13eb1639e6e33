package gentest

import (
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generated/r4"
)

// TestJSONStringEscapes decodes JSON strings with escapes (which the decoder
// unescapes in a copy of their raw bytes, in place) and checks the text, and
// that malformed ones are errors at the right place.
func TestJSONStringEscapes(t *testing.T) {
	long := strings.Repeat(`<p class=\"x\">a\\b<\/p>\n`, 300)
	cases := []struct {
		name, raw, want, err string
	}{
		{"no escape", `plain text`, "plain text", ""},
		{"every short escape", `\"\\\/\b\f\n\r\t`, "\"\\/\b\f\n\r\t", ""},
		{"escape first and last", `\"x\"`, `"x"`, ""},
		{"escaped backslash before the closing quote", `a\\`, `a\`, ""},
		{"two escaped backslashes then a quote", `\\\\\"`, `\\"`, ""},
		{"BMP character", `caf\u00e9 \u263A`, "café ☺", ""},
		{"surrogate pair", `\ud83d\ude00!`, "😀!", ""},
		{"lone high surrogate", `a\ud83db`, "a\uFFFDb", ""},
		{"lone low surrogate at the end", `a\ude00`, "a\uFFFD", ""},
		{"escaped NUL", `a\u0000b`, "a\x00b", ""},
		{"long narrative, many escaped quotes", long, strings.Repeat("<p class=\"x\">a\\b</p>\n", 300), ""},
		{"unknown escape", `ab\x`, "", "invalid escape"},
		{"short \\u escape", `ab\u12"`, "", `invalid \u escape`},
		{"raw control character after an escape", "a\\n\x01", "", "control character in a string"},
		{"raw newline after an escape", "a\\n\nb", "", "control character in a string"},
		{"invalid UTF-8 after an escape", "a\\n\xff", "", "not valid UTF-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := `{"resourceType":"AuditEvent","outcomeDesc":"` + tc.raw + `","id":"x"}`
			res, err := r4.UnmarshalResource([]byte(doc))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ev := res.(*r4.AuditEvent)
			if got := ev.GetOutcomeDesc().GetValue(); got != tc.want {
				t.Fatalf("decoded %q, want %q", got, tc.want)
			}
			if got := ev.GetID().GetValue(); got != "x" {
				t.Fatalf("the property after the string decoded as %q", got)
			}
		})
	}
	for _, doc := range []string{`{"resourceType":"AuditEvent","outcomeDesc":"abc\"}`, `{"resourceType":"AuditEvent","outcomeDesc":"abc\\`} {
		if _, err := r4.UnmarshalResource([]byte(doc)); err == nil || !strings.Contains(err.Error(), "unterminated string") {
			t.Errorf("%s: error %v, want an unterminated string", doc, err)
		}
	}
}
