// Package testfn builds the Lambda functions under testdata/functions into
// deployment zips for tests, so that no binary is ever committed.
//
// # Caching
//
// A build is keyed by a hash of the function's sources (its .go files, go.mod and
// go.sum), the Go version, GOOS, GOARCH and the output name. Builds are kept in
// os.TempDir()/gofaas-testfn-<uid>, shared by every test process of the user, so
// repeated test runs reuse the binary; within one process each key is built at most
// once. Concurrent processes may build the same key: each builds into its own
// temporary directory and renames it into place, and the loser of the race uses
// the winner's build. Entries unused for a week are removed.
package testfn

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// modulePath is the module whose root holds testdata/.
const modulePath = "github.com/gofaas/gofaas"

// zipTime is the modification time of every zip entry, so that equal inputs give
// equal zips and equal CodeSha256 values.
var zipTime = time.Date(2018, 6, 12, 4, 55, 36, 0, time.UTC)

// maxAge is how long a cache entry may go unused before it is removed.
const maxAge = 7 * 24 * time.Hour

// ZipFile is one entry of a hand-made zip.
type ZipFile struct {
	// Content is the file's bytes, or the target of a symbolic link.
	Content []byte
	// Mode is the file's mode; zero means 0644. fs.ModeDir makes a directory
	// entry and fs.ModeSymlink a symbolic link.
	Mode fs.FileMode
}

// build is one cached build, made at most once per process.
type build struct {
	once sync.Once
	bin  string // path of the executable in the cache
	zip  []byte // the deployment zip holding it
	err  error
}

var (
	mu     sync.Mutex
	builds = map[string]*build{}

	rootOnce sync.Once
	root     string
	rootErr  error

	pruneOnce sync.Once
)

// Build builds testdata/functions/<name> as an executable called out and returns
// a deployment zip holding it, with its executable bit. It fails the test if the
// build fails. The returned slice is the caller's to keep or change.
func Build(t testing.TB, name, out string) []byte {
	t.Helper()
	b := compile(t, name, out)
	return bytes.Clone(b.zip)
}

// Binary builds testdata/functions/<name> like Build and returns the path of the
// executable in the shared cache. Callers must not change or remove the file;
// copy it to change it.
func Binary(t testing.TB, name, out string) string {
	t.Helper()
	return compile(t, name, out).bin
}

// ShellRuntime returns a zip holding testdata/runtimes/shell/bootstrap, a POSIX
// shell and curl implementation of the Runtime API, as an executable bootstrap.
func ShellRuntime(t testing.TB) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(RepoRoot(t), "testdata", "runtimes", "shell", "bootstrap"))
	if err != nil {
		t.Fatalf("testfn: %v", err)
	}
	return Zip(t, map[string]ZipFile{"bootstrap": {Content: src, Mode: 0o755}})
}

// Zip returns a zip of files, by entry name. Names are written as given, so a test
// may make a zip with entries such as "../escape" or "/abs".
func Zip(t testing.TB, files map[string]ZipFile) []byte {
	t.Helper()
	b, err := zipFiles(files)
	if err != nil {
		t.Fatalf("testfn: %v", err)
	}
	return b
}

// RepoRoot returns the directory holding the go.mod of github.com/gofaas/gofaas,
// found by walking up from the working directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	rootOnce.Do(func() { root, rootErr = findRoot() })
	if rootErr != nil {
		t.Fatalf("testfn: %v", rootErr)
	}
	return root
}

// compile returns the build of name as out, building it on first use.
func compile(t testing.TB, name, out string) *build {
	t.Helper()
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		t.Fatalf("testfn: bad function name %q", name)
	}
	if out == "" || strings.ContainsAny(out, `/\`) || out == "." || out == ".." {
		t.Fatalf("testfn: bad output name %q", out)
	}
	dir := filepath.Join(RepoRoot(t), "testdata", "functions", name)
	key, err := sourceKey(dir, name, out)
	if err != nil {
		t.Fatalf("testfn: %v", err)
	}
	mu.Lock()
	b, ok := builds[key]
	if !ok {
		b = &build{}
		builds[key] = b
	}
	mu.Unlock()
	b.once.Do(func() { b.bin, b.zip, b.err = buildCached(dir, key, out) })
	if b.err != nil {
		t.Fatalf("testfn: build %s: %v", name, b.err)
	}
	return b
}

// buildCached returns the executable and zip of key from the cache directory,
// building them first if no process has.
func buildCached(dir, key, out string) (bin string, zipped []byte, err error) {
	cache := filepath.Join(os.TempDir(), "gofaas-testfn-"+strconv.Itoa(os.Getuid()))
	if err := os.MkdirAll(cache, 0o700); err != nil {
		return "", nil, err
	}
	pruneOnce.Do(func() { prune(cache) })
	final := filepath.Join(cache, key)
	bin = filepath.Join(final, out)
	zipPath := filepath.Join(final, out+".zip")
	if z, err := os.ReadFile(zipPath); err == nil {
		now := time.Now()
		_ = os.Chtimes(final, now, now) // mark as used, for prune
		return bin, z, nil
	}

	tmp, err := os.MkdirTemp(cache, key+".tmp-")
	if err != nil {
		return "", nil, err
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	tmpBin := filepath.Join(tmp, out)
	cmd := exec.Command("go", "build", "-trimpath", "-o", tmpBin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOWORK=off")
	if output, err := cmd.CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("go build: %v\n%s", err, output)
	}
	exe, err := os.ReadFile(tmpBin)
	if err != nil {
		return "", nil, err
	}
	zipped, err = zipFiles(map[string]ZipFile{out: {Content: exe, Mode: 0o755}})
	if err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, out+".zip"), zipped, 0o644); err != nil {
		return "", nil, err
	}
	if err := os.Rename(tmp, final); err != nil {
		// Another process won the race; its build is as good as ours.
		z, rerr := os.ReadFile(zipPath)
		if rerr != nil {
			return "", nil, fmt.Errorf("install build: %v", err)
		}
		return bin, z, nil
	}
	return bin, zipped, nil
}

// sourceKey hashes what a build depends on into a cache key.
func sourceKey(dir, name, out string) (string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		base := d.Name()
		if d.Type().IsRegular() && (strings.HasSuffix(base, ".go") || base == "go.mod" || base == "go.sum") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("read sources of %s: %w", name, err)
	}
	if len(files) == 0 {
		return "", fmt.Errorf("no sources in %s", dir)
	}
	slices.Sort(files)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s/%s\x00%s\x00%s\x00", runtime.Version(), runtime.GOOS, runtime.GOARCH, name, out)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(dir, f)
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), len(data))
		h.Write(data)
	}
	return name + "-" + out + "-" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

// prune removes cache entries and abandoned temporary directories older than maxAge.
func prune(cache string) {
	entries, err := os.ReadDir(cache)
	if err != nil {
		return
	}
	for _, e := range entries {
		info, err := e.Info()
		if err == nil && time.Since(info.ModTime()) > maxAge {
			os.RemoveAll(filepath.Join(cache, e.Name()))
		}
	}
}

// zipFiles writes files into a zip, in name order, with fixed times.
func zipFiles(files map[string]ZipFile) ([]byte, error) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		f := files[name]
		mode := f.Mode
		if mode == 0 {
			mode = 0o644
		}
		h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipTime}
		if mode.IsDir() {
			h.Method = zip.Store
			if !strings.HasSuffix(h.Name, "/") {
				h.Name += "/"
			}
		}
		h.SetMode(mode)
		fw, err := w.CreateHeader(h)
		if err != nil {
			return nil, fmt.Errorf("zip %s: %w", name, err)
		}
		if mode.IsDir() {
			continue
		}
		if _, err := fw.Write(f.Content); err != nil {
			return nil, fmt.Errorf("zip %s: %w", name, err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// findRoot walks up from the working directory to the root of modulePath.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isRoot(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of module %s above the working directory", modulePath)
		}
		dir = parent
	}
}

// isRoot reports whether the go.mod at path declares modulePath.
func isRoot(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(io.LimitReader(f, 1<<20))
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			mod := strings.TrimSpace(rest)
			if i := strings.Index(mod, "//"); i >= 0 {
				mod = strings.TrimSpace(mod[:i])
			}
			return strings.Trim(mod, "\"`") == modulePath
		}
	}
	return false
}
