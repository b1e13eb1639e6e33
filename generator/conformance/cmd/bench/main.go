// Command bench measures the generated FHIR JSON codec against its peers, in
// one process on the same documents: the JSON resources of an R4 package
// that every decoder here accepts.
//
// Peers: encoding/json into any, json.Valid (a scan that builds nothing: the
// floor of any decoder), and github.com/samply/golang-fhir-models. It prints
// throughput (MB/s of input JSON) and allocations per document, and the
// ratios the project's targets are stated in.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
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

	fmt.Printf("%-28s %10s %14s %14s %12s\n", "", "MB/s", "allocs/doc", "bytes/doc", "µs/doc")
	for _, r := range []result{decodeOurs, decodeValid, decodeAny, decodeSamply, encodeOurs, encodeAny, encodeSamply} {
		fmt.Printf("%-28s %10.1f %14.1f %14.0f %12.1f\n", r.name, r.mbPerSec, r.allocsPerDoc, r.bytesPerDoc, r.nsPerDocument/1e3)
	}
	fmt.Println()
	ratio := func(label string, v, target float64, atLeast bool) {
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
