package codestore

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofaas/gofaas"
)

// FuzzExtract feeds arbitrary bytes to the zip validator and extractor.
// Whatever the input, extraction either fails with EINVALID or leaves a
// tree whose every path and symlink stays inside the destination, and it
// never writes beside the destination.
func FuzzExtract(f *testing.F) {
	seeds := [][]byte{
		makeZip(f, file("bootstrap", "#!/bin/sh\necho ok\n", 0o755), dir("lib/"), file("lib/a.txt", "a", 0)),
		makeZip(f, file("../x", "slip", 0)),
		makeZip(f, file("/abs/x", "absolute", 0)),
		makeZip(f, link("l", "../../etc/passwd")),
		makeZip(f, link("a", "."), link("a/b", "../x")),
		makeZip(f, link("ok", "bootstrap"), file("bootstrap", "x", 0o755)),
		declaredSizeZip(f, 1<<40),
		declaredSizeZip(f, 100),
		[]byte("PK\x05\x06" + strings.Repeat("\x00", 18)), // an empty zip
		[]byte("not a zip at all"),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	const limit = 1 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		parent := t.TempDir()
		dst := filepath.Join(parent, "tree")
		if err := os.Mkdir(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		err := extract(context.Background(), data, dst, limit, false)
		if left, _ := os.ReadDir(parent); len(left) != 1 {
			t.Fatalf("extraction wrote beside its directory: %v", left)
		}
		if err != nil {
			if code := gofaas.ErrorCode(err); code != gofaas.EINVALID {
				t.Fatalf("error code = %s (%v), want %s", code, err, gofaas.EINVALID)
			}
			return
		}
		var total int64
		walkErr := filepath.WalkDir(dst, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(dst, path)
			if err != nil || !filepath.IsLocal(rel) {
				t.Fatalf("path %s outside %s", path, dst)
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			switch {
			case info.Mode()&fs.ModeSymlink != 0:
				if err := checkLink(dst, rel); err != nil {
					t.Fatalf("symlink %s escapes: %v", rel, err)
				}
			case info.Mode().IsRegular():
				total += info.Size()
				if p := info.Mode().Perm(); p != 0o644 && p != 0o755 {
					t.Fatalf("file %s has mode %v", rel, p)
				}
			case info.IsDir():
			default:
				t.Fatalf("irregular file %s (%v)", rel, info.Mode())
			}
			return nil
		})
		if walkErr != nil {
			t.Fatal(walkErr)
		}
		if total > limit {
			t.Fatalf("extracted %d bytes, limit %d", total, limit)
		}
	})
}
