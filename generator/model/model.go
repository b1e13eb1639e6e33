// Package model is fhirgen's intermediate representation: Go-ready types,
// fields, choices, bindings and code sets built from snapshots. Emitters read
// only this model, never definition JSON.
package model

// Kind says what a Type is. The zero value is not a kind.
type Kind int

const (
	// KindPrimitive is a FHIR primitive (string, decimal, code ...): a struct
	// holding an optional value plus the element's id and extensions.
	KindPrimitive Kind = iota + 1
	// KindComplex is a FHIR datatype (Coding, Reference ...).
	KindComplex
	// KindResource is a concrete resource (AuditEvent, UserSession ...).
	KindResource
	// KindBackbone is an element with children inside another type
	// (AuditEvent.agent).
	KindBackbone
	// KindAbstractResource is an abstract resource (Resource, DomainResource):
	// a Go interface that the concrete resources implement.
	KindAbstractResource
)

func (k Kind) String() string {
	switch k {
	case KindPrimitive:
		return "primitive type"
	case KindComplex:
		return "datatype"
	case KindResource:
		return "resource"
	case KindBackbone:
		return "backbone element"
	case KindAbstractResource:
		return "abstract resource"
	}
	return "unknown kind"
}

// Module is everything one generation writes.
type Module struct {
	Path     string // Go module path
	Packages []*Package
	Inputs   []Input // the packages and definitions read
}

// Input names one input package or definition source.
type Input struct {
	Name        string // "hl7.fhir.r4.examples@4.0.1", or a definitions path
	FHIRVersion string
}

// Package is one generated Go package.
type Package struct {
	Name        string // Go package name: r4, hotbeverage
	ImportPath  string
	Canonical   string // canonical base of its definitions
	FHIRVersion string
	Core        *Package   // the package holding the base types (itself for the core)
	Types       []*Type    // top-level types, sorted by GoName
	CodeSets    []*CodeSet // typed codes of required bindings, sorted by GoName
	Profiles    []*Profile // profiles and extensions defined by this package
	// KnownResources names every resource type of the FHIR version, generated
	// or not, sorted.
	KnownResources []string
	// KnownExtensions are the URLs of every extension definition loaded,
	// generated or not, sorted (core package only): an extension of
	// another URL is unknown.
	KnownExtensions []string
	// ExtensionValueTypes are, for the extension definitions loaded that
	// allow a value of some types only, those type codes, by URL (core
	// package only): a value of another type is an error, generated or not.
	ExtensionValueTypes map[string][]string
	// ExtensionContexts are, for the extension definitions loaded, where
	// each may be used (StructureDefinition.context), by URL (core package
	// only).
	ExtensionContexts map[string][]ExtensionContext
	// ValueSetURLs are the URLs of every value set loaded that is not also a
	// code system's, sorted (core package only): a Coding.system naming
	// one is a mistake.
	ValueSetURLs []string
	Definitions  []Definition
}

// Definition records one definition generated from, for the package doc.
type Definition struct {
	URL     string
	Version string
	Source  string
}

// Doc is the documentation of a definition or element.
type Doc struct {
	Short      string
	Definition string
	Comment    string
}

// Type is a generated Go type.
// ExtensionContext is one place an extension definition allows its
// extension: Type is "element" (Expression an element path or a type name),
// "extension" (Expression an extension's URL) or "fhirpath".
type ExtensionContext struct {
	Type, Expression string
	// Foreign marks an element context whose first step names a type the
	// definitions loaded do not define (R5's CanonicalResource in an R4
	// module): it was written for another FHIR version.
	Foreign bool
}

type Type struct {
	Name    string // FHIR name: "AuditEvent", "string"; for backbones, the element path
	GoName  string
	URL     string // canonical URL of the defining StructureDefinition
	Kind    Kind
	Doc     Doc
	Fields  []*Field
	Nested  []*Type // backbone types defined inside this one, in element order
	Choices []*Choice
	Owner   *Type  // for backbones: the top-level type
	Base    string // FHIR base type name
	// Ancestors are the names of the types it derives from, nearest first
	// (Patient: DomainResource, Resource; a backbone: BackboneElement,
	// Element), from the definitions' baseDefinition chain.
	Ancestors []string
	Abstract  bool
	// Implements lists the abstract resource types a resource implements,
	// nearest first (DomainResource, Resource).
	Implements []*Type
	// Value is a primitive's value: its Go type and representation.
	Value *PrimitiveValue
	// Generic marks the primitive that bound codes instantiate (code): it is
	// emitted as Code[T ~string].
	Generic bool
	File    string // file name stem, e.g. "auditevent"
	Source  string // definition file
	Package *Package
	// Constraints are the invariants of the type's root element: they hold
	// wherever the type is used.
	Constraints []Constraint
}

// PrimitiveValue describes the Go value of a primitive type.
type PrimitiveValue struct {
	GoType string // bool, int32, int64, string, or Decimal (the runtime's exact decimal)
	Regex  string // the definition's regex extension, if any
	JSON   string // JSON kind: "boolean", "number" or "string"
	// System is the FHIRPath system type of the value (String, Date, DateTime,
	// Time, Integer, Decimal, Boolean): dates and times get calendar checks.
	System    string
	MaxLength int // the value's maxLength, 0 for none
	// XHTML marks a value that XML carries as XHTML markup, not as a value
	// attribute (the value element's representation xhtml: a narrative's div)
	XHTML bool
}

// Field is one element of a type.
type Field struct {
	Name      string // JSON name; for a choice, the stem ("value")
	GoName    string
	Path      string
	ID        string
	Min       int
	Max       int // -1 for unbounded
	BaseMax   int // the max of the element's base definition: it decides list or single
	Doc       Doc
	Type      *TypeRef // the type of a non-choice field
	Choice    *Choice  // the choice of a value[x] field
	Binding   *Binding
	Fixed     *Value
	Pattern   *Value
	Modifier  bool
	Summary   bool
	MustSupp  bool
	Attribute *Attribute // set when the element is a plain Go value (Element.id, Extension.url)
	// ContentRef names the element this field reuses the type of.
	ContentRef string
	// Constraints are the element's invariants (compiled by a later stage).
	Constraints []Constraint
}

// Repeats reports whether the field is a list: whether the element's base
// definition allows more than one (so that 0..0 prohibitions and profiles
// never change a field's shape).
func (f *Field) Repeats() bool { return f.BaseMax == -1 || f.BaseMax > 1 }

// Attribute is an element represented as a plain Go value.
type Attribute struct {
	GoType string // "string"
}

// TypeRef is a reference from a field to a type.
type TypeRef struct {
	Code           string // FHIR type code
	Type           *Type
	Profiles       []string
	TargetProfiles []string
	CodeSet        *CodeSet // for Code[T]: the bound code set, nil for Code[string]
	// TargetTypes are the resource types a Reference may point to, from its
	// target profiles; empty when any resource will do or a target profile
	// could not be resolved (then nothing is checked).
	TargetTypes []string
	// System marks an element typed with a FHIRPath system type that stands
	// for a FHIR primitive (Resource.id): the value has the primitive's
	// format, but not the primitive's invariants (ele-1).
	System bool
	// Format is, for a system-typed element whose values are checked as
	// another primitive of the same shape, that primitive: a resource's
	// logical id, which R4 types as a string, is an id (as R5 types it,
	// and as the HL7 validator checks it in R4).
	Format *Type
}

// Choice is a value[x] element: an interface implemented by its options.
type Choice struct {
	GoName  string
	Field   *Field
	Owner   *Type
	Options []*ChoiceOption
}

// ChoiceOption is one allowed type of a choice.
type ChoiceOption struct {
	Ref      *TypeRef
	JSONName string // "valueQuantity"
	Getter   string // typed getter on the owner: "GetValueQuantity"
}

// Binding is a terminology binding.
type Binding struct {
	Strength    string
	ValueSet    string
	Description string
	CodeSet     *CodeSet // when expandable
}

// CodeSet is the expansion of a value set, emitted as a string type with one
// constant per code when a required binding on a code element uses it.
type CodeSet struct {
	URL      string
	Version  string
	Name     string
	GoName   string
	Doc      string
	Codes    []*Code
	Source   string
	Package  *Package
	Emitted  bool // used by a required binding on a code: emitted as a Go type
	Member   bool // used by a required binding on another type: emitted as a membership test
	Problems []string
}

// Code is one code of a code set.
type Code struct {
	Code       string
	System     string
	Display    string
	Definition string
	GoName     string
	// Inactive: its code system marks it inactive (property inactive true,
	// or status retired); a value set with compose.inactive false leaves it
	// out
	Inactive bool
}

// Constraint is an invariant.
type Constraint struct {
	Key          string
	Severity     string // error or warning
	BestPractice bool   // flagged best practice: reported as a warning
	Human        string
	Expression   string
	Source       string // the canonical of the definition that introduced it
	// where the generator read it: the definition file and element id
	File, Element string
}

// Profile is a profile or extension definition assigned to a package.
type Profile struct {
	Name      string
	GoName    string
	URL       string
	Version   string
	BaseType  string
	Extension bool
	Doc       Doc
	Source    string
	File      string
	Context   []string // extension contexts
	Package   *Package // the Go package it is generated into
	// Base is the model type the profile constrains; Elements are its
	// snapshot's elements below the root, in order.
	Base     *Type
	Elements []*ProfileElement
}

// ProfileElement is one element of a profile's snapshot, with what it
// changes from its base.
type ProfileElement struct {
	ID, Path  string
	SliceName string
	Min, Max  int
	Types     []*TypeRef // the allowed types (a subset of the base's)
	Fixed     *Value
	Pattern   *Value
	// MinValue and MaxValue are the element's bounds (minValue[x],
	// maxValue[x]): a date, time, number or Quantity, TypeCode its type
	MinValue, MaxValue *Value
	Slicing            *Slicing
	MustSupp           bool
	Short              string
	// Binding is the required binding the profile puts on the element, with
	// its expansion (nil Codes: it cannot be expanded from what is loaded)
	Binding *ProfileBinding
	// Keys are, for a slice, what each discriminator of the sliced
	// element requires of its items, resolved from the slice, its
	// children and the profiles their types name (see SliceKey).
	Keys []*SliceKey
}

// ProfileBinding is a required binding of a profile element.
type ProfileBinding struct {
	ValueSet string
	Codes    []*Code
}

// SliceKey is what one discriminator requires of an item of a slice.
type SliceKey struct {
	Type string   // value, pattern, exists, type, profile
	Path []string // FHIRPath steps from the item ($this: none)
	// what the item must hold at Path: a value (value, pattern), or
	// membership in a value set (a value discriminator on a bound element
	// with no fixed value), presence (exists), one of the types (type), or
	// conformance to one of the profiles (profile)
	Value    *Value
	ValueSet string
	Codes    []*Code // the value set's expansion (nil when it cannot be expanded)
	Exists   bool
	Types    []string
	Profiles []string
	// Problem says why the key could not be resolved ("" when it was);
	// Unknowable, why it cannot be evaluated from what is loaded (a value
	// set from an external terminology): such a slice is never recognized,
	// and generation says so
	Problem    string
	Unknowable string
	// Any marks a value or pattern discriminator the slice leaves open (no
	// fixed or pattern value, no binding) while it constrains another of
	// the slicing's discriminators: every item meets it, as the HL7
	// validator reads such a slice (a subtype not every slice requires).
	Any bool
	// noValue: the slice has no value for this value or pattern
	// discriminator (Problem says so until Any is decided)
	noValue bool
}

// Slicing describes how an element is sliced.
type Slicing struct {
	Discriminators []Discriminator
	Ordered        bool
	Rules          string // closed, open, openAtEnd
}

// Discriminator is one slicing discriminator.
type Discriminator struct {
	Type string // value, pattern, type, profile, exists
	Path string
}

// ValueKind is the kind of a JSON value.
type ValueKind int

const (
	ValueObject ValueKind = iota + 1
	ValueArray
	ValueString
	ValueNumber
	ValueBool
)

// Value is a fixed or pattern value, kept as a typed tree.
type Value struct {
	Kind     ValueKind
	TypeCode string // for the top level: the FHIR type (Coding, code ...)
	Str      string // string, number text, or "true"/"false"
	Fields   []ValueField
	Items    []*Value
}

// ValueField is one property of an object value.
type ValueField struct {
	Name  string
	Value *Value
}
