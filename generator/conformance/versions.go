package main

import (
	"errors"
	"os"

	r4fhir "fhirgen.test/all/fhir"
	"fhirgen.test/all/r4"
	r4bfhir "fhirgen.test/allr4b/fhir"
	"fhirgen.test/allr4b/r4b"
	r5fhir "fhirgen.test/allr5/fhir"
	"fhirgen.test/allr5/r5"
	"github.com/fhirgen/fhirgen/generator/fporacle"
)

// version is what the conformance run needs of one generated FHIR version.
type version struct {
	// fhirpathModel names fhirpath.js's model for the oracle ("" when
	// fhirpath.js has none)
	fhirpathModel string
	unmarshal     func([]byte) (any, error)
	marshal       func(any) ([]byte, error)
	// marshalXML and unmarshalXML: the same in FHIR XML
	marshalXML   func(any) ([]byte, error)
	unmarshalXML func([]byte) (any, error)
	raw          func(any) bool
	// issues validates and returns the errors
	errors func(any) []issue
	// decodeErrors are the errors of a document that does not decode
	decodeErrors func(error) []issue
	trace        func(any, func(loc, key string, r int8))
	specs        func() []fporacle.Spec
}

type issue struct{ Path, Message, Key string }

// versions are the generated modules: make all-module generates all of R4
// into ./all, R4B into ./all-r4b and R5 into ./all-r5.
var versions = map[string]version{
	"r4": {
		decodeErrors: func(err error) []issue {
			var jerrs r4fhir.JSONErrors
			if !errors.As(err, &jerrs) {
				return []issue{{Message: err.Error()}}
			}
			var out []issue
			for _, e := range jerrs {
				out = append(out, issue{Path: e.Path, Message: e.Msg})
			}
			return out
		},
		fhirpathModel: "r4",
		unmarshal:     func(b []byte) (any, error) { return r4.UnmarshalResource(b) },
		marshal:       func(r any) ([]byte, error) { return r4.MarshalResource(r.(r4.Resource)) },
		marshalXML:    func(r any) ([]byte, error) { return r4.MarshalResourceXML(r.(r4.Resource)) },
		unmarshalXML:  func(b []byte) (any, error) { return r4.UnmarshalResourceXML(b) },
		raw:           func(r any) bool { _, ok := r.(*r4.RawResource); return ok },
		errors: func(r any) []issue {
			var out []issue
			for _, i := range r4.ValidateResource(r.(r4.Resource)) {
				if i.Severity == r4fhir.SeverityError || i.Severity == r4fhir.SeverityFatal {
					out = append(out, issue{i.Path, i.Message, i.Key})
				}
			}
			return out
		},
		trace: func(r any, fn func(string, string, int8)) {
			r4.TraceInvariants(r.(r4.Resource), func(loc, key string, t r4fhir.Truth) { fn(loc, key, int8(t)) })
		},
		specs: func() (out []fporacle.Spec) {
			for _, inv := range r4.Invariants() {
				if inv.Compiled {
					out = append(out, fporacle.Spec{Key: inv.Key, Expression: inv.Expression, Types: inv.Types, Elements: inv.Elements})
				}
			}
			return out
		},
	},
	"r4b": {
		decodeErrors: func(err error) []issue {
			var jerrs r4bfhir.JSONErrors
			if !errors.As(err, &jerrs) {
				return []issue{{Message: err.Error()}}
			}
			var out []issue
			for _, e := range jerrs {
				out = append(out, issue{Path: e.Path, Message: e.Msg})
			}
			return out
		},
		unmarshal:    func(b []byte) (any, error) { return r4b.UnmarshalResource(b) },
		marshal:      func(r any) ([]byte, error) { return r4b.MarshalResource(r.(r4b.Resource)) },
		marshalXML:   func(r any) ([]byte, error) { return r4b.MarshalResourceXML(r.(r4b.Resource)) },
		unmarshalXML: func(b []byte) (any, error) { return r4b.UnmarshalResourceXML(b) },
		raw:          func(r any) bool { _, ok := r.(*r4b.RawResource); return ok },
		errors: func(r any) []issue {
			var out []issue
			for _, i := range r4b.ValidateResource(r.(r4b.Resource)) {
				if i.Severity == r4bfhir.SeverityError || i.Severity == r4bfhir.SeverityFatal {
					out = append(out, issue{i.Path, i.Message, i.Key})
				}
			}
			return out
		},
		trace: func(r any, fn func(string, string, int8)) {
			r4b.TraceInvariants(r.(r4b.Resource), func(loc, key string, t r4bfhir.Truth) { fn(loc, key, int8(t)) })
		},
		specs: func() (out []fporacle.Spec) {
			for _, inv := range r4b.Invariants() {
				if inv.Compiled {
					out = append(out, fporacle.Spec{Key: inv.Key, Expression: inv.Expression, Types: inv.Types, Elements: inv.Elements})
				}
			}
			return out
		},
	},
	"r5": {
		decodeErrors: func(err error) []issue {
			var jerrs r5fhir.JSONErrors
			if !errors.As(err, &jerrs) {
				return []issue{{Message: err.Error()}}
			}
			var out []issue
			for _, e := range jerrs {
				out = append(out, issue{Path: e.Path, Message: e.Msg})
			}
			return out
		},
		fhirpathModel: "r5",
		unmarshal:     func(b []byte) (any, error) { return r5.UnmarshalResource(b) },
		marshal:       func(r any) ([]byte, error) { return r5.MarshalResource(r.(r5.Resource)) },
		marshalXML:    func(r any) ([]byte, error) { return r5.MarshalResourceXML(r.(r5.Resource)) },
		unmarshalXML:  func(b []byte) (any, error) { return r5.UnmarshalResourceXML(b) },
		raw:           func(r any) bool { _, ok := r.(*r5.RawResource); return ok },
		errors: func(r any) []issue {
			var out []issue
			for _, i := range r5.ValidateResource(r.(r5.Resource)) {
				if i.Severity == r5fhir.SeverityError || i.Severity == r5fhir.SeverityFatal {
					out = append(out, issue{i.Path, i.Message, i.Key})
				}
			}
			return out
		},
		trace: func(r any, fn func(string, string, int8)) {
			r5.TraceInvariants(r.(r5.Resource), func(loc, key string, t r5fhir.Truth) { fn(loc, key, int8(t)) })
		},
		specs: func() (out []fporacle.Spec) {
			for _, inv := range r5.Invariants() {
				if inv.Compiled {
					out = append(out, fporacle.Spec{Key: inv.Key, Expression: inv.Expression, Types: inv.Types, Elements: inv.Elements})
				}
			}
			return out
		},
	},
}

// load reads and decodes one resource file; res is nil when it does not
// decode.
func (v version) load(file string) (data []byte, res any, err error) {
	data, err = os.ReadFile(file)
	if err != nil {
		return nil, nil, err
	}
	res, err = v.unmarshal(data)
	if err != nil {
		return data, nil, nil
	}
	return data, res, nil
}
