// Package templates holds the text/template sources of what every generated
// module has in common: go.mod, the package docs, and the runtime support
// package. The generator renders them with the module's data.
package templates

import "embed"

// FS holds the templates.
//
//go:embed module package
var FS embed.FS
