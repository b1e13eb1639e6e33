package fhirpath

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirgen/fhirgen/generator/fhirpkg"
	"github.com/tidwall/gjson"
)

func TestPrecedence(t *testing.T) {
	for in, want := range map[string]string{
		"a or b and c":                     "(a or (b and c))",
		"a implies b or c":                 "(a implies (b or c))",
		"a = b and c != d":                 "((a = b) and (c != d))",
		"a | b = c":                        "((a | b) = c)",
		"1 + 2 * 3 > 4":                    "((1 + (2 * 3)) > 4)",
		"a is Quantity and b":              "((a is Quantity) and b)",
		"x.where(y = 'z').exists().not()":  "x.where((y = 'z')).exists().not()",
		"-5 'mg' < a.value":                "(-5 'mg' < a.value)",
		"a.b[0].c":                         "a.b[0].c",
		"%resource.descendants()":          "%resource.descendants()",
		"$this.a in %`vs-x`":               "($this.a in %`vs-x`)",
		"@2020-01-01T10:00:00Z > @2019":    "(@2020-01-01T10:00:00Z > @2019)",
		"`div`.exists()":                   "`div`.exists()",
		"a.as(Reference).b":                "a.as(Reference).b",
		"a contains b xor c":               "((a contains b) xor c)",
		"(a or b) and c":                   "((a or b) and c)",
		"'it''s' = 'a\\'b'":                "", // error
		"4 days + @T10:00":                 "(4 days + @T10:00)",
		"a - -b":                           "(a - -b)",
		"{}.empty()":                       "{}.empty()",
		"x div 2 mod 3":                    "((x div 2) mod 3)",
		"a.b // comment\n or c /* more */": "(a.b or c)",
		"code.contains(\":\")":             "code.contains(':')", // R5's eld-11: read as the HL7 engine reads it
	} {
		n, err := Parse(in)
		if want == "" {
			if err == nil {
				t.Errorf("Parse(%q) succeeded: %s", in, n)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			continue
		}
		if got := n.String(); got != want {
			t.Errorf("Parse(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestErrors(t *testing.T) {
	for _, in := range []string{"", "a.", "a(", "a and", "(a", "'open", "\"open", "a[1", "@", "$", "a ~~ b", "a.exists(,)", "é"} {
		if n, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %s, want an error", in, n)
		} else if _, ok := err.(*Error); !ok {
			t.Errorf("Parse(%q): error %T", in, err)
		}
	}
	deep := strings.Repeat("(", 500) + "a" + strings.Repeat(")", 500)
	if _, err := Parse(deep); err == nil {
		t.Error("500 nested parentheses parsed")
	}
}

// Every invariant of R4 parses, and prints back to an equivalent expression.
func TestAllR4Invariants(t *testing.T) {
	cache := &fhirpkg.Cache{Dir: fhirpkg.DefaultCacheDir()}
	dir, err := cache.Ensure(context.Background(), fhirpkg.Ref{ID: "hl7.fhir.r4.examples", Version: "4.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "StructureDefinition-*.json"))
	seen := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		gjson.GetBytes(data, "snapshot.element.#.constraint.#.expression").ForEach(func(_, exprs gjson.Result) bool {
			exprs.ForEach(func(_, e gjson.Result) bool {
				seen[e.String()] = true
				return true
			})
			return true
		})
	}
	if len(seen) < 200 {
		t.Fatalf("only %d distinct invariant expressions found", len(seen))
	}
	for expr := range seen {
		n, err := Parse(expr)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		again, err := Parse(n.String())
		if err != nil || again.String() != n.String() {
			t.Errorf("%q prints as %q, which does not parse back the same (%v)", expr, n.String(), err)
		}
	}
	t.Logf("%d distinct R4 invariant expressions parse", len(seen))
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"a.b.where(c = 'd').exists() implies e", "%resource.descendants().as(Reference)", "@2020-01-01T10:00:00.000+01:00", "5 'mg'", "`x`[0]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(n.String())
		if err != nil || again.String() != n.String() {
			t.Fatalf("%q prints as %q, which parses as %v (%v)", s, n.String(), again, err)
		}
	})
}
