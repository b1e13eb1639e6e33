package fhirpkg

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type entry struct {
	name     string
	typ      byte
	body     string
	linkname string
}

func makeTGZ(t *testing.T, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		size := int64(len(e.body))
		if e.typ != tar.TypeReg {
			size = 0
		}
		hdr := &tar.Header{Name: e.name, Typeflag: e.typ, Size: size, Mode: 0o644, Linkname: e.linkname}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExtractTGZ(t *testing.T) {
	tests := []struct {
		name    string
		entries []entry
		lim     Limits
		wantErr string
	}{
		{name: "ok", entries: []entry{{name: "package/", typ: tar.TypeDir}, {name: "package/package.json", typ: tar.TypeReg, body: "{}"}, {name: "package/a/b.json", typ: tar.TypeReg, body: "{}"}}},
		{name: "dotdot", entries: []entry{{name: "package/../../evil.json", typ: tar.TypeReg, body: "x"}}, wantErr: "escapes"},
		{name: "absolute", entries: []entry{{name: "/etc/evil", typ: tar.TypeReg, body: "x"}}, wantErr: "absolute"},
		{name: "backslash", entries: []entry{{name: `package\..\evil`, typ: tar.TypeReg, body: "x"}}, wantErr: "unsafe"},
		{name: "symlink", entries: []entry{{name: "package/link", typ: tar.TypeSymlink, linkname: "/etc/passwd"}}, wantErr: "link"},
		{name: "hardlink", entries: []entry{{name: "package/link", typ: tar.TypeLink, linkname: "package/package.json"}}, wantErr: "link"},
		{name: "device", entries: []entry{{name: "package/dev", typ: tar.TypeChar}}, wantErr: "unsupported"},
		{name: "too many files", entries: []entry{{name: "package/a", typ: tar.TypeReg, body: "1"}, {name: "package/b", typ: tar.TypeReg, body: "2"}}, lim: Limits{MaxFiles: 1, MaxFileBytes: 10, MaxBytes: 10}, wantErr: "more than 1 files"},
		{name: "file too big", entries: []entry{{name: "package/a", typ: tar.TypeReg, body: "12345"}}, lim: Limits{MaxFiles: 10, MaxFileBytes: 4, MaxBytes: 100}, wantErr: "limit"},
		{name: "total too big", entries: []entry{{name: "package/a", typ: tar.TypeReg, body: "123"}, {name: "package/b", typ: tar.TypeReg, body: "123"}}, lim: Limits{MaxFiles: 10, MaxFileBytes: 4, MaxBytes: 5}, wantErr: "limit"},
		{name: "duplicate entry", entries: []entry{{name: "package/a", typ: tar.TypeReg, body: "1"}, {name: "package/./a", typ: tar.TypeReg, body: "2"}}, wantErr: "exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := tt.lim
			if lim.MaxFiles == 0 {
				lim = DefaultLimits()
			}
			root := t.TempDir()
			dir := filepath.Join(root, "pkg#1.0.0")
			err := ExtractTGZ(bytes.NewReader(makeTGZ(t, tt.entries)), dir, lim, nil)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if _, err := os.Stat(filepath.Join(dir, "package", "a", "b.json")); err != nil {
					t.Fatalf("file not extracted: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			// Nothing may be left behind, inside or outside the target.
			left, _ := os.ReadDir(root)
			if len(left) != 0 {
				t.Fatalf("failed extraction left %v behind", left)
			}
		})
	}
}

func TestParseRef(t *testing.T) {
	for _, ok := range []string{"hl7.fhir.r4.examples@4.0.1", "hl7.fhir.r4.core#4.0.1"} {
		if _, err := ParseRef(ok); err != nil {
			t.Errorf("ParseRef(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "x", "@1", "x@", "../x@1", "x@../1", "x/y@1"} {
		if _, err := ParseRef(bad); err == nil {
			t.Errorf("ParseRef(%q) accepted", bad)
		}
	}
}

func TestIntegrity(t *testing.T) {
	// The SRI form npm reports for an empty file.
	const want = "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
	if got := Integrity(nil); got != want {
		t.Fatalf("Integrity(nil) = %s, want %s", got, want)
	}
}
