// Package xmloracle converts FHIR R4 resources from JSON to XML with FHIR.js
// (the npm package fhir, pinned by js/package-lock.json), an implementation
// independent of fhirgen that works from its own copy of the R4
// definitions, so that what fhirgen reads and writes as XML can be compared
// with it.
package xmloracle

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/fhirgen/fhirgen/generator/fporacle"
)

// Result is one file's XML, or why FHIR.js could not convert it.
type Result struct {
	XML   string `json:"xml"`
	Error string `json:"error"`
}

// ToXML installs FHIR.js in dir (npm ci, when needed) and converts each
// JSON file, in order.
func ToXML(dir string, files []string) ([]Result, error) {
	cmd, in, out, err := fporacle.StartNode(dir, "fhir", "toxml.js")
	if err != nil {
		return nil, err
	}
	go func() {
		w := bufio.NewWriter(in)
		for _, f := range files {
			fmt.Fprintln(w, f)
		}
		w.Flush()
		in.Close()
	}()
	results := make([]Result, 0, len(files))
	dec := json.NewDecoder(bufio.NewReaderSize(out, 1<<20))
	for range files {
		var r Result
		if err := dec.Decode(&r); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			cmd.Process.Kill()
			cmd.Wait()
			return nil, fmt.Errorf("toxml.js: %w", err)
		}
		results = append(results, r)
	}
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("toxml.js: %w", err)
	}
	return results, nil
}
