package gentest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fhirgen/fhirgen/generated/fhir"
	"github.com/fhirgen/fhirgen/generated/r4"
)

// Primitives print as their value, lists read as Go values, and dates and
// times convert to and from time.Time keeping their precision.
func TestPrimitiveConveniences(t *testing.T) {
	for _, c := range []struct {
		v    fmt.Stringer
		want string
	}{
		{r4.NewString("x"), "x"}, {*r4.NewString("y"), "y"}, {r4.NewBoolean(true), "true"}, {r4.NewInteger(-3), "-3"},
		{r4.NewDecimal("1.50"), "1.50"}, {r4.NewCode("active"), "active"}, {&r4.String{ID: r4.NewString("a").Value}, ""},
	} {
		if got := fmt.Sprint(c.v); got != c.want {
			t.Errorf("%T prints %q, want %q", c.v, got, c.want)
		}
	}
	given := []r4.String{*r4.NewString("Ann"), {ID: new(string)}, *r4.NewString("Lee")}
	if got := r4.StringValues(given); fmt.Sprint(got) != "[Ann  Lee]" {
		t.Errorf("StringValues: %q", got)
	}
	if r4.StringValues(nil) != nil {
		t.Error("StringValues(nil) is not nil")
	}
	zone := time.FixedZone("", -5*3600)
	for _, c := range []struct {
		text string
		p    fhir.Precision
	}{
		{"2024", fhir.PrecisionYear}, {"2024-02", fhir.PrecisionMonth}, {"2024-02-29", fhir.PrecisionDay},
		{"2024-02-29T13:05:09Z", fhir.PrecisionSecond}, {"2024-02-29T13:05:09.5-05:00", fhir.PrecisionSecond + 1},
		{"2024-02-29T13:05:09.123-05:00", fhir.PrecisionMillisecond}, {"2024-02-29T13:05:09.123456789Z", fhir.PrecisionNanosecond},
	} {
		dt := r4.NewDateTime(c.text)
		tm, p, err := dt.Time()
		if err != nil || p != c.p {
			t.Fatalf("%s: precision %d, %v", c.text, p, err)
		}
		if back := r4.NewDateTimeOf(tm, p).String(); back != c.text {
			t.Errorf("%s: back as %s", c.text, back)
		}
		ae := &r4.AuditEvent{Period: &r4.Period{Start: r4.NewDateTimeOf(tm, p)}}
		for _, i := range ae.ValidateIssues() {
			if strings.Contains(i.Path, "period") {
				t.Errorf("%s: %v", c.text, i)
			}
		}
	}
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, zone)
	if got := r4.NewInstantOf(at, fhir.PrecisionMillisecond).String(); got != "2026-11-23T08:00:00.000-05:00" {
		t.Errorf("instant: %s", got)
	}
	if got := r4.NewDateOf(at, fhir.PrecisionDay).String(); got != "2026-11-23" {
		t.Errorf("date: %s", got)
	}
	if _, _, err := r4.NewDateTime("2024-13").Time(); err == nil {
		t.Error("month 13 read")
	}
	if _, _, err := (*r4.Date)(nil).Time(); err == nil {
		t.Error("nil read")
	}
}
