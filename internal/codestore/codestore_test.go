package codestore

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
)

// entry is one member of a test zip.
type entry struct {
	name string
	body string
	mode fs.FileMode // 0 means a 0644 file (or 0755 dir for names ending in "/")
}

// file, dir and link build entries.
func file(name, body string, mode fs.FileMode) entry { return entry{name, body, mode} }
func dir(name string) entry                          { return entry{name, "", fs.ModeDir | 0o755} }
func link(name, target string) entry                 { return entry{name, target, fs.ModeSymlink | 0o777} }

// makeZip builds a zip of entries.
func makeZip(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		mode := e.mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// declaredSizeZip builds a zip whose one stored entry claims size bytes but
// holds only a few.
func declaredSizeZip(t testing.TB, size uint64) []byte {
	t.Helper()
	body := []byte("tiny")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "big", Method: zip.Store, CRC32: crc32.ChecksumIEEE(body),
		CompressedSize64: uint64(len(body)), UncompressedSize64: size,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// openStore opens a store in a temporary directory.
func openStore(t testing.TB) *Store {
	t.Helper()
	s := New(filepath.Join(t.TempDir(), "code"))
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	return s
}

func sumOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestPutExtractsOnce(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	data := makeZip(t,
		file("bootstrap", "#!/bin/sh\necho hi\n", 0o700),
		dir("lib/"),
		file("lib/data.txt", "data", 0o600),
		file("deep/er/note.txt", "no dir entries for deep/er", 0),
		link("current", "lib"),
		link("lib/up", "../bootstrap"),
	)
	sum, err := s.Put(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	if want := sumOf(data); sum != want {
		t.Fatalf("Put = %s, want %s", sum, want)
	}
	root, err := s.Dir(ctx, sum)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(s.Path, "code", sum); root != want {
		t.Fatalf("Dir = %s, want %s", root, want)
	}

	modes := []struct {
		path string
		want fs.FileMode
	}{
		{"bootstrap", 0o755},
		{"lib", fs.ModeDir | 0o755},
		{"lib/data.txt", 0o644},
		{"deep", fs.ModeDir | 0o755},
		{"deep/er/note.txt", 0o644},
	}
	for _, m := range modes {
		info, err := os.Lstat(filepath.Join(root, m.path))
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode(); got != m.want {
			t.Errorf("mode of %s = %v, want %v", m.path, got, m.want)
		}
	}
	if b, err := os.ReadFile(filepath.Join(root, "current", "data.txt")); err != nil || string(b) != "data" {
		t.Errorf("read through symlink = %q, %v", b, err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "lib", "up")); err != nil || !strings.HasPrefix(string(b), "#!") {
		t.Errorf("read through relative symlink = %q, %v", b, err)
	}

	stored, err := s.Zip(ctx, sum)
	if err != nil || !bytes.Equal(stored, data) {
		t.Fatalf("Zip = %d bytes, %v, want the uploaded %d bytes", len(stored), err, len(data))
	}

	t.Run("PutAgainIsANoOp", func(t *testing.T) {
		again, err := s.Put(ctx, data)
		if err != nil || again != sum {
			t.Fatalf("second Put = %s, %v", again, err)
		}
	})
	t.Run("DirReextractsAMissingTree", func(t *testing.T) {
		if err := os.RemoveAll(root); err != nil {
			t.Fatal(err)
		}
		got, err := s.Dir(ctx, sum)
		if err != nil || got != root {
			t.Fatalf("Dir = %s, %v", got, err)
		}
		if _, err := os.Stat(filepath.Join(root, "bootstrap")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("PutRestoresAMissingZip", func(t *testing.T) {
		if err := os.Remove(filepath.Join(s.Path, "zips", sum+".zip")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Put(ctx, data); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Zip(ctx, sum); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("NoLeftovers", func(t *testing.T) {
		left, err := os.ReadDir(filepath.Join(s.Path, "tmp"))
		if err != nil || len(left) != 0 {
			t.Fatalf("work area holds %v, %v", left, err)
		}
	})
}

func TestPutRejects(t *testing.T) {
	const (
		notZip       = "Could not unzip uploaded file. Please check your file, then try to upload again."
		tooLarge     = "Unzipped size must be smaller than 262144000 bytes"
		zipTooLarge  = "Zipped size must be smaller than 52428800 bytes"
		invalidParam = "InvalidParameterValueException"
	)
	tests := []struct {
		name     string
		zip      func(t *testing.T) []byte
		code     string
		typ      string
		message  string
		smallCap bool // run with a 1 KB unzipped limit
	}{
		{"NotAZip", func(t *testing.T) []byte { return []byte("#!/bin/sh\necho not a zip\n") },
			gofaas.EINVALID, invalidParam, notZip, false},
		{"Empty", func(t *testing.T) []byte { return nil },
			gofaas.EINVALID, invalidParam, notZip, false},
		{"Truncated", func(t *testing.T) []byte {
			z := makeZip(t, file("bootstrap", strings.Repeat("x", 1000), 0o755))
			return z[:len(z)/2]
		}, gofaas.EINVALID, invalidParam, notZip, false},
		{"ZipTooLarge", func(t *testing.T) []byte { return make([]byte, gofaas.MaxZipSize+1) },
			gofaas.ETOOLARGE, "RequestEntityTooLargeException", zipTooLarge, false},
		{"SlipParent", func(t *testing.T) []byte { return makeZip(t, file("../x", "x", 0)) },
			gofaas.EINVALID, invalidParam, notZip, false},
		{"SlipNested", func(t *testing.T) []byte { return makeZip(t, file("a/../../x", "x", 0)) },
			gofaas.EINVALID, invalidParam, notZip, false},
		{"AbsolutePath", func(t *testing.T) []byte { return makeZip(t, file("/tmp/gofaas-owned", "x", 0)) },
			gofaas.EINVALID, invalidParam, notZip, false},
		{"SymlinkAbsolute", func(t *testing.T) []byte { return makeZip(t, link("passwd", "/etc/passwd")) },
			gofaas.EINVALID, invalidParam, notZip, false},
		{"SymlinkParent", func(t *testing.T) []byte { return makeZip(t, dir("a/"), link("a/up", "../../x")) },
			gofaas.EINVALID, invalidParam, notZip, false},
		{"SymlinkChainEscape", func(t *testing.T) []byte {
			// "a" is the tree itself, so "a/b" -> "../x" leaves it.
			return makeZip(t, link("a", "."), link("a/b", "../x"))
		}, gofaas.EINVALID, invalidParam, notZip, false},
		{"SymlinkTargetThroughLink", func(t *testing.T) []byte {
			return makeZip(t, link("a", "."), link("b", "a/../x"))
		}, gofaas.EINVALID, invalidParam, notZip, false},
		{"WriteThroughEscapingLink", func(t *testing.T) []byte {
			return makeZip(t, link("a", "."), file("a/../../x", "x", 0))
		}, gofaas.EINVALID, invalidParam, notZip, false},
		{"NamedPipe", func(t *testing.T) []byte { return makeZip(t, entry{"fifo", "", fs.ModeNamedPipe | 0o644}) },
			gofaas.EINVALID, invalidParam, notZip, false},
		{"DuplicateFile", func(t *testing.T) []byte { return makeZip(t, file("a", "1", 0), file("a", "2", 0)) },
			gofaas.EINVALID, invalidParam, notZip, false},
		{"FileOverSymlink", func(t *testing.T) []byte { return makeZip(t, file("t", "1", 0), link("l", "t"), file("l", "2", 0)) },
			gofaas.EINVALID, invalidParam, notZip, false},
		{"HugeDeclaredSize", func(t *testing.T) []byte { return declaredSizeZip(t, 1<<40) },
			gofaas.EINVALID, invalidParam, tooLarge, false},
		{"DeclaredSizeLies", func(t *testing.T) []byte { return declaredSizeZip(t, 100) },
			gofaas.EINVALID, invalidParam, notZip, false},
		{"UnzippedTooLarge", func(t *testing.T) []byte {
			return makeZip(t, file("a", strings.Repeat("a", 600), 0), file("b", strings.Repeat("b", 600), 0))
		}, gofaas.EINVALID, invalidParam, tooLarge, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openStore(t)
			if tt.smallCap {
				s.maxUnzipped = 1000
			}
			_, err := s.Put(context.Background(), tt.zip(t))
			var e *gofaas.Error
			if !errors.As(err, &e) {
				t.Fatalf("Put error = %v, want a *gofaas.Error", err)
			}
			if e.Code != tt.code || e.Type != tt.typ || e.Message != tt.message {
				t.Fatalf("Put error = %s %s %q, want %s %s %q", e.Code, e.Type, e.Message, tt.code, tt.typ, tt.message)
			}
			// Nothing is left behind, inside the store or beside it.
			for _, d := range []string{"code", "zips", "tmp"} {
				if left, _ := os.ReadDir(filepath.Join(s.Path, d)); len(left) != 0 {
					t.Errorf("%s holds %v after a rejected Put", d, left)
				}
			}
			if left, _ := os.ReadDir(filepath.Dir(s.Path)); len(left) != 1 {
				t.Errorf("store's parent holds %v, want only the store", left)
			}
		})
	}
}

func TestConcurrentPutOfSameZip(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	data := makeZip(t, file("bootstrap", "#!/bin/sh\n", 0o755), file("lib/a", strings.Repeat("a", 1<<16), 0))
	var wg sync.WaitGroup
	sums := make([]string, 8)
	errs := make([]error, 8)
	for i := range sums {
		wg.Go(func() { sums[i], errs[i] = s.Put(ctx, data) })
	}
	wg.Wait()
	for i := range sums {
		if errs[i] != nil || sums[i] != sumOf(data) {
			t.Fatalf("Put %d = %s, %v", i, sums[i], errs[i])
		}
	}
	root, err := s.Dir(ctx, sumOf(data))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "lib", "a")); err != nil || len(b) != 1<<16 {
		t.Fatalf("extracted file = %d bytes, %v", len(b), err)
	}
	if left, _ := os.ReadDir(filepath.Join(s.Path, "tmp")); len(left) != 0 {
		t.Fatalf("work area holds %v", left)
	}
}

func TestUnknownCode(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	for _, sum := range []string{
		sumOf([]byte("never stored")),
		"../../etc",
		strings.Repeat("A", 64), // upper case is not how sums are named
		"",
	} {
		if _, err := s.Zip(ctx, sum); gofaas.ErrorCode(err) != gofaas.ENOTFOUND {
			t.Errorf("Zip(%q) = %v, want ENOTFOUND", sum, err)
		}
		if _, err := s.Dir(ctx, sum); gofaas.ErrorCode(err) != gofaas.ENOTFOUND {
			t.Errorf("Dir(%q) = %v, want ENOTFOUND", sum, err)
		}
	}
}

func TestOpenClearsStaleWork(t *testing.T) {
	s := openStore(t)
	stale := filepath.Join(s.Path, "tmp", "tree-crashed")
	fresh := filepath.Join(s.Path, "tmp", "tree-running")
	for _, d := range []string{stale, fresh} {
		if err := os.MkdirAll(filepath.Join(d, "half"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleAfter)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale work survived Open: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("recent work removed by Open: %v", err)
	}
}

func TestOpenNeedsPath(t *testing.T) {
	if err := (&Store{}).Open(); err == nil {
		t.Fatal("Open with no Path succeeded")
	}
}

func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	body := strings.Repeat("go binary ", 1<<18)
	data := makeZip(b, file("bootstrap", body, 0o755))
	b.SetBytes(int64(len(body))) // unzipped bytes written
	for b.Loop() {
		s := openStore(b)
		if _, err := s.Put(ctx, data); err != nil {
			b.Fatal(err)
		}
	}
}
