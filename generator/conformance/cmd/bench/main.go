// Command bench measures the generated FHIR JSON and XML codecs against
// their peers, in one process on the same documents: the JSON resources of an
// R4 package that every decoder here accepts, and the same resources as FHIR
// XML (written by the generated encoder, which make conformance checks).
//
// JSON peers: encoding/json into any, json.Valid (a scan that builds
// nothing: the floor of any decoder), and github.com/samply/golang-fhir-models.
// XML peers: encoding/xml into a generic tree of elements, and a scan of
// encoding/xml's raw tokens that builds nothing. It prints throughput (MB/s
// of input), allocations per document, and the ratios the project's targets
// are stated in.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"testing"

	"fhirgen.test/all/r4"
	"github.com/fhirgen/fhirgen/generator/fhirpkg"
	"github.com/tidwall/gjson"
)

type doc struct {
	name string
	typ  string
	data []byte
}

type result struct {
	name          string
	mbPerSec      float64
	allocsPerDoc  float64
	bytesPerDoc   float64
	nsPerDocument float64
}

func main() {
	pkg := flag.String("package", "hl7.fhir.r4.examples@4.0.1", "package whose resources to use")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to `file`")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	docs, skipped, err := load(*pkg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	var total int64
	for _, d := range docs {
		total += int64(len(d.data))
	}
	fmt.Printf("corpus: %d resources of %s, %.1f MB (%d left out because a peer rejects them)\n\n", len(docs), *pkg, float64(total)/1e6, skipped)

	run := func(name string, f func(d doc) error) result {
		r := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(total)
			for i := 0; i < b.N; i++ {
				for _, d := range docs {
					if err := f(d); err != nil {
						b.Fatalf("%s: %s: %v", name, d.name, err)
					}
				}
			}
		})
		secs := r.T.Seconds() / float64(r.N)
		return result{
			name:          name,
			mbPerSec:      float64(total) / 1e6 / secs,
			allocsPerDoc:  float64(r.AllocsPerOp()) / float64(len(docs)),
			bytesPerDoc:   float64(r.AllocedBytesPerOp()) / float64(len(docs)),
			nsPerDocument: secs * 1e9 / float64(len(docs)),
		}
	}

	decodeOurs := run("decode fhirgen", func(d doc) error { _, err := r4.UnmarshalResource(d.data); return err })
	decodeValid := run("decode json.Valid", func(d doc) error {
		if !json.Valid(d.data) {
			return fmt.Errorf("invalid")
		}
		return nil
	})
	decodeAny := run("decode encoding/json any", func(d doc) error { var v any; return json.Unmarshal(d.data, &v) })
	decodeSamply := run("decode samply", func(d doc) error { _, err := samplyDecoders[d.typ](d.data); return err })

	// Each encoder runs with only its own decoded corpus live: with all three
	// held at once (over a gigabyte), how many collections of that heap fell
	// inside a timed run swung the encode results by 1.6x from run to run.
	idx := map[string]int{}
	for i, d := range docs {
		idx[d.name] = i
	}
	ours := make([]r4.Resource, len(docs))
	for i, d := range docs {
		ours[i], _ = r4.UnmarshalResource(d.data)
	}
	encodeOurs := run("encode fhirgen", func(d doc) error { _, err := r4.MarshalResource(ours[idx[d.name]]); return err })
	ours = nil
	anys := make([]any, len(docs))
	for i, d := range docs {
		json.Unmarshal(d.data, &anys[i])
	}
	encodeAny := run("encode encoding/json any", func(d doc) error { _, err := json.Marshal(anys[idx[d.name]]); return err })
	anys = nil
	samplys := make([]any, len(docs))
	for i, d := range docs {
		samplys[i], _ = samplyDecoders[d.typ](d.data)
	}
	encodeSamply := run("encode samply", func(d doc) error { _, err := json.Marshal(samplys[idx[d.name]]); return err })

	samplys = nil

	// XML: the same resources, as the generated encoder writes them.
	xmlDocs := make([]doc, len(docs))
	var xmlTotal int64
	for i, d := range docs {
		r, _ := r4.UnmarshalResource(d.data)
		data, err := r4.MarshalResourceXML(r)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %s: %v\n", d.name, err)
			os.Exit(1)
		}
		xmlDocs[i] = doc{name: d.name, typ: d.typ, data: data}
		xmlTotal += int64(len(data))
	}
	docs, total = xmlDocs, xmlTotal
	decodeOursXML := run("decode fhirgen XML", func(d doc) error { _, err := r4.UnmarshalResourceXML(d.data); return err })
	decodeTreeXML := run("decode encoding/xml tree", func(d doc) error { var n node; return xml.Unmarshal(d.data, &n) })
	decodeScanXML := run("decode encoding/xml scan", scanXML)
	ours = make([]r4.Resource, len(docs))
	for i, d := range docs {
		ours[i], _ = r4.UnmarshalResourceXML(d.data)
	}
	encodeOursXML := run("encode fhirgen XML", func(d doc) error { _, err := r4.MarshalResourceXML(ours[idx[d.name]]); return err })
	ours = nil
	trees := make([]node, len(docs))
	for i, d := range docs {
		xml.Unmarshal(d.data, &trees[i])
	}
	encodeTreeXML := run("encode encoding/xml tree", func(d doc) error { _, err := xml.Marshal(&trees[idx[d.name]]); return err })
	trees = nil

	fmt.Printf("%-28s %10s %14s %14s %12s\n", "", "MB/s", "allocs/doc", "bytes/doc", "µs/doc")
	for _, r := range []result{decodeOurs, decodeValid, decodeAny, decodeSamply, encodeOurs, encodeAny, encodeSamply,
		decodeOursXML, decodeTreeXML, decodeScanXML, encodeOursXML, encodeTreeXML} {
		fmt.Printf("%-28s %10.1f %14.1f %14.0f %12.1f\n", r.name, r.mbPerSec, r.allocsPerDoc, r.bytesPerDoc, r.nsPerDocument/1e3)
	}
	fmt.Println()
	// ratio prints a ratio and, for a target (0: none), whether it is met.
	ratio := func(label string, v, target float64, atLeast bool) {
		if target == 0 {
			fmt.Printf("%-52s %6.2fx\n", label, v)
			return
		}
		ok := v >= target
		if !atLeast {
			ok = v <= target
		}
		verdict := "meets"
		if !ok {
			verdict = "MISSES"
		}
		cmp := ">="
		if !atLeast {
			cmp = "<="
		}
		fmt.Printf("%-52s %6.2fx  (target %s %.2fx: %s)\n", label, v, cmp, target, verdict)
	}
	ratio("decode throughput, fhirgen / samply", decodeOurs.mbPerSec/decodeSamply.mbPerSec, 3, true)
	ratio("decode throughput, fhirgen / json.Valid", decodeOurs.mbPerSec/decodeValid.mbPerSec, 0.8, true)
	ratio("decode allocations, fhirgen / samply", decodeOurs.allocsPerDoc/decodeSamply.allocsPerDoc, 1.0/3, false)
	ratio("decode throughput, fhirgen / encoding/json any", decodeOurs.mbPerSec/decodeAny.mbPerSec, 0, true)
	ratio("encode throughput, fhirgen / samply", encodeOurs.mbPerSec/encodeSamply.mbPerSec, 0, true)
	ratio("encode throughput, fhirgen / encoding/json any", encodeOurs.mbPerSec/encodeAny.mbPerSec, 0, true)
	fmt.Printf("\nXML: %.1f MB of the same resources\n", float64(xmlTotal)/1e6)
	ratio("XML decode throughput, fhirgen / encoding/xml tree", decodeOursXML.mbPerSec/decodeTreeXML.mbPerSec, 2, true)
	ratio("XML decode throughput, fhirgen / encoding/xml scan", decodeOursXML.mbPerSec/decodeScanXML.mbPerSec, 0, true)
	ratio("XML decode allocations, fhirgen / encoding/xml tree", decodeOursXML.allocsPerDoc/decodeTreeXML.allocsPerDoc, 0, false)
	ratio("XML encode throughput, fhirgen / encoding/xml tree", encodeOursXML.mbPerSec/encodeTreeXML.mbPerSec, 0, true)
}

// node is an XML element as a generic tree: what encoding/xml decodes any
// document into without knowing its schema.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []node     `xml:",any"`
	Text     string     `xml:",chardata"`
}

// scanXML reads a document's raw tokens with encoding/xml and builds
// nothing: the floor of a decoder built on it.
func scanXML(d doc) error {
	dec := xml.NewDecoder(bytes.NewReader(d.data))
	for {
		if _, err := dec.RawToken(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// load reads the package's resources, keeping those every decoder accepts.
func load(pkgRef string) ([]doc, int, error) {
	ref, err := fhirpkg.ParseRef(pkgRef)
	if err != nil {
		return nil, 0, err
	}
	cache := &fhirpkg.Cache{Dir: fhirpkg.DefaultCacheDir(), Log: os.Stderr}
	dir, err := cache.Ensure(context.Background(), ref)
	if err != nil {
		return nil, 0, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, 0, err
	}
	sort.Strings(files)
	var docs []doc
	skipped := 0
	for _, f := range files {
		base := filepath.Base(f)
		if base == "package.json" || strings.HasPrefix(base, ".") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, 0, err
		}
		d := doc{name: base, typ: gjson.GetBytes(data, "resourceType").String(), data: data}
		dec, ok := samplyDecoders[d.typ]
		if !ok {
			skipped++
			continue
		}
		if _, err := dec(data); err != nil {
			skipped++
			continue
		}
		if _, err := r4.UnmarshalResource(data); err != nil {
			skipped++
			continue
		}
		docs = append(docs, d)
	}
	return docs, skipped, nil
}
