package fporacle

import (
	"strings"

	"github.com/fhirgen/fhirgen/generator/model"
)

// Model is what fhirpath.js needs to know of types its own model lacks (a
// draft resource such as UserSession): the type of every element path, the
// types of every choice, and each type's parent. The oracle adds only what
// its model does not have.
type Model struct {
	Path2Type                map[string]string   `json:"path2Type"`
	Path2TypeWithoutElements map[string]string   `json:"path2TypeWithoutElements"`
	ChoiceTypePaths          map[string][]string `json:"choiceTypePaths"`
	PathsDefinedElsewhere    map[string]string   `json:"pathsDefinedElsewhere"`
	Type2Parent              map[string]string   `json:"type2Parent"`
	// Resources are the resource types generated as Go types: elements of
	// other resources (kept as raw JSON, not validated) are not compared.
	Resources []string `json:"resources"`
}

// ModelOf describes the resources of a generated module for fhirpath.js.
func ModelOf(mod *model.Module) *Model {
	m := &Model{
		Path2Type: map[string]string{}, Path2TypeWithoutElements: map[string]string{},
		ChoiceTypePaths: map[string][]string{}, PathsDefinedElsewhere: map[string]string{},
		Type2Parent: map[string]string{},
	}
	for _, p := range mod.Packages {
		for _, t := range p.Types {
			if t.Kind != model.KindResource {
				continue
			}
			m.Resources = append(m.Resources, t.Name)
			m.Type2Parent[t.Name] = t.Base
			for _, ty := range append([]*model.Type{t}, t.Nested...) {
				for _, f := range ty.Fields {
					m.field(ty.Name+"."+f.Name, f)
				}
			}
		}
	}
	return m
}

func (m *Model) field(path string, f *model.Field) {
	switch {
	case f.ContentRef != "":
		m.PathsDefinedElsewhere[path] = strings.TrimPrefix(f.ContentRef, "#")
	case f.Choice != nil:
		for _, o := range f.Choice.Options {
			name := o.Ref.Code
			m.ChoiceTypePaths[path] = append(m.ChoiceTypePaths[path], strings.ToUpper(name[:1])+name[1:])
		}
	case f.Attribute != nil, f.Type != nil && f.Type.System:
		m.Path2Type[path] = "System.String"
		m.Path2TypeWithoutElements[path] = "System.String"
	case f.Type != nil && f.Type.Type != nil && f.Type.Type.Owner != nil:
		m.Path2Type[path] = "BackboneElement"
	case f.Type != nil:
		m.Path2Type[path] = f.Type.Code
		m.Path2TypeWithoutElements[path] = f.Type.Code
	}
}
