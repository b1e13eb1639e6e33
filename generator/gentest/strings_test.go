package gentest

import (
	"bytes"
	"strings"
	"sync"
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

// TestDecodeConcurrentIndependent decodes the corpus from several goroutines
// at once (the decoder's states are pooled) and checks that every document
// re-encodes as it does when decoded alone, also after the others were
// decoded: nothing of one document leaks into another.
func TestDecodeConcurrentIndependent(t *testing.T) {
	var docs, want [][]byte
	var names []string
	for _, f := range readFiles(t, "testdata/corpus/*.json") {
		res, err := r4.UnmarshalResource(f.data)
		if err != nil {
			continue
		}
		out, err := r4.MarshalResource(res)
		if err != nil {
			t.Fatal(err)
		}
		docs, want, names = append(docs, f.data), append(want, out), append(names, f.name)
	}
	if len(docs) < 10 {
		t.Fatalf("only %d documents", len(docs))
	}
	const workers = 4
	kept := make([][]r4.Resource, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 20; round++ {
				for i := range docs {
					res, err := r4.UnmarshalResource(docs[(i+w)%len(docs)])
					if err != nil {
						t.Error(err)
						return
					}
					if round == 0 {
						kept[w] = append(kept[w], res)
					}
				}
			}
		}()
	}
	wg.Wait()
	for w := range workers {
		for i, res := range kept[w] {
			out, err := r4.MarshalResource(res)
			if err != nil {
				t.Fatal(err)
			}
			if j := (i + w) % len(docs); !bytes.Equal(out, want[j]) {
				t.Fatalf("worker %d, document %s: re-encoded differently after other decodes", w, names[j])
			}
		}
	}
}
