package regexdfa

import (
	"math/rand"
	"regexp"
	"testing"
)

// The regexes of the R4 primitive types.
var fhirRegexes = []string{
	`(\s*([0-9a-zA-Z\+/=]){4}\s*)+`,
	`true|false`,
	`\S*`,
	`[^\s]+(\s[^\s]+)*`,
	`([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?`,
	`([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?`,
	`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`,
	`[A-Za-z0-9\-\.]{1,64}`,
	`([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))`,
	`-?([0]|([1-9][0-9]*))`,
	`[ \r\n\t\S]+`,
	`urn:oid:[0-2](\.(0|[1-9][0-9]*))+`,
	`[1-9][0-9]*`,
	`([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?`,
	`[0]|([1-9][0-9]*)`,
	`urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`,
	`.x.`, `[^a]é+`, `(a|b)*abb`, `(?i)abc[e-g]`,
	// R5 anchors some (markdown); whole values are matched anyway
	`^[\s\S]+$`, `^(a|b)$`,
}

// samples mixes values that match (built from the alphabet of the
// expression's parts) with random noise.
var samples = []string{
	"", "0", "-0", "1", "01", "true", "false", "True", "2020", "2020-02-30", "2020-13-01", "0000", "2020-01-01T10:00:00Z",
	"2020-01-01T10:00:00+14:00", "2020-01-01T10:00:00+14:01", "2020-01-01T24:00:00Z", "2020-01-01T10:00:60.123-03:30", "10:00:00",
	"urn:oid:1.2.3", "urn:oid:3.1", "urn:uuid:6a8b8d2e-6c4a-4b8e-9f5c-1f2d3e4a5b6c", "a b", "a  b", " a", "a ", "a\tb", "AAEC", "AA EC",
	"abc=", "1.50", "1e2", "-1.5E+10", "1.", "abc", "x", "aaabb", "abb", "xé", "aéé", "\u00a0", "é", "a\u2028b", "a\x00b", "\xff",
	"ID-1.2", "0123456789012345678901234567890123456789012345678901234567890123456789", "axa", "a\nb",
}

func TestAgreesWithRegexp(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []rune("0123456789-:.+TZ eEabxuAz\t\n\r/=é\u00a0\u2028\x00urn:oid")
	for _, expr := range fhirRegexes {
		d, err := Compile(expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		re := regexp.MustCompile(`^(?:` + expr + `)$`)
		check := func(s string) {
			if got, want := d.MatchString(s), re.MatchString(s); got != want {
				t.Errorf("%s on %q: DFA says %v, regexp %v", expr, s, got, want)
			}
		}
		for _, s := range samples {
			check(s)
		}
		for i := 0; i < 3000; i++ {
			// mutate a sample
			base := []rune(samples[rng.Intn(len(samples))])
			for k := rng.Intn(4); k > 0; k-- {
				switch pos := rng.Intn(len(base) + 1); rng.Intn(3) {
				case 0:
					base = append(base[:pos], append([]rune{alphabet[rng.Intn(len(alphabet))]}, base[pos:]...)...)
				case 1:
					if pos < len(base) {
						base = append(base[:pos], base[pos+1:]...)
					}
				default:
					if pos < len(base) {
						base[pos] = alphabet[rng.Intn(len(alphabet))]
					}
				}
			}
			check(string(base))
		}
	}
}

func TestRefused(t *testing.T) {
	for _, expr := range []string{`a^b`, `a$b`, `^a|b$`, `\ba`, `(a|b)*a(a|b){15}`, `(`} {
		if _, err := Compile(expr); err == nil {
			t.Errorf("%s compiled", expr)
		}
	}
}

func FuzzAgreesWithRegexp(f *testing.F) {
	for _, s := range samples {
		f.Add(s)
	}
	var dfas []*DFA
	var res []*regexp.Regexp
	for _, expr := range fhirRegexes {
		d, err := Compile(expr)
		if err != nil {
			f.Fatal(err)
		}
		dfas = append(dfas, d)
		res = append(res, regexp.MustCompile(`^(?:`+expr+`)$`))
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i := range dfas {
			if dfas[i].MatchString(s) != res[i].MatchString(s) {
				t.Fatalf("%s on %q: DFA %v", fhirRegexes[i], s, dfas[i].MatchString(s))
			}
		}
	})
}
