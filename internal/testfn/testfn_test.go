package testfn_test

import (
	"archive/zip"
	"bytes"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"testing"

	"github.com/gofaas/gofaas/internal/testfn"
)

// readZip returns the entries of a zip by name.
func readZip(t *testing.T, b []byte) map[string]*zip.File {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("open zip: %v", err)
	}
	files := map[string]*zip.File{}
	for _, f := range r.File {
		files[f.Name] = f
	}
	return files
}

func TestBuild(t *testing.T) {
	b := testfn.Build(t, "hello", "bootstrap")
	files := readZip(t, b)
	if got, want := len(files), 1; got != want {
		t.Fatalf("zip holds %d files, want %d", got, want)
	}
	f, ok := files["bootstrap"]
	if !ok {
		t.Fatal("zip holds no bootstrap")
	}
	if mode := f.Mode(); !mode.IsRegular() || mode.Perm()&0o111 == 0 {
		t.Errorf("bootstrap mode = %v, want a regular executable", mode)
	}
	if f.UncompressedSize64 < 1<<20 {
		t.Errorf("bootstrap is %d bytes, too small for a Go binary", f.UncompressedSize64)
	}

	// The second build of the same sources is the cached one.
	if again := testfn.Build(t, "hello", "bootstrap"); !bytes.Equal(again, b) {
		t.Error("second Build returned different bytes")
	}

	// The binary runs, and refuses to start outside Lambda.
	bin := testfn.Binary(t, "hello", "bootstrap")
	cmd := exec.Command(bin)
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("bootstrap without a Lambda environment succeeded: %s", out)
	}
	if !bytes.Contains(out, []byte("AWS_LAMBDA_RUNTIME_API")) {
		t.Errorf("bootstrap output = %q, want it to name AWS_LAMBDA_RUNTIME_API", out)
	}
}

func TestShellRuntime(t *testing.T) {
	files := readZip(t, testfn.ShellRuntime(t))
	f, ok := files["bootstrap"]
	if !ok {
		t.Fatal("zip holds no bootstrap")
	}
	if f.Mode().Perm()&0o111 == 0 {
		t.Errorf("bootstrap mode = %v, want executable", f.Mode())
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	head, _ := io.ReadAll(io.LimitReader(rc, 9))
	if got, want := string(head), "#!/bin/sh"; got != want {
		t.Errorf("bootstrap starts %q, want %q", got, want)
	}
	info, err := os.Stat(testfn.RepoRoot(t) + "/testdata/runtimes/shell/bootstrap")
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm()&0o111 == 0 {
		t.Errorf("testdata/runtimes/shell/bootstrap mode = %v, want executable", info.Mode())
	}
}

func TestZip(t *testing.T) {
	b := testfn.Zip(t, map[string]testfn.ZipFile{
		"bootstrap":    {Content: []byte("#!/bin/sh\n"), Mode: 0o755},
		"lib/data.txt": {Content: []byte("data")},
		"lib":          {Mode: fs.ModeDir | 0o755},
		"link":         {Content: []byte("../../etc/passwd"), Mode: fs.ModeSymlink | 0o777},
		"../escape":    {Content: []byte("x")},
	})
	files := readZip(t, b)
	tests := []struct {
		name string
		mode fs.FileMode
	}{
		{"bootstrap", 0o755},
		{"lib/data.txt", 0o644},
		{"lib/", fs.ModeDir | 0o755},
		{"link", fs.ModeSymlink | 0o777},
		{"../escape", 0o644},
	}
	for _, tt := range tests {
		f, ok := files[tt.name]
		if !ok {
			t.Errorf("zip holds no %q", tt.name)
			continue
		}
		if got := f.Mode(); got != tt.mode {
			t.Errorf("%s: mode = %v, want %v", tt.name, got, tt.mode)
		}
	}
	if again := testfn.Zip(t, map[string]testfn.ZipFile{
		"bootstrap":    {Content: []byte("#!/bin/sh\n"), Mode: 0o755},
		"lib/data.txt": {Content: []byte("data")},
		"lib":          {Mode: fs.ModeDir | 0o755},
		"link":         {Content: []byte("../../etc/passwd"), Mode: fs.ModeSymlink | 0o777},
		"../escape":    {Content: []byte("x")},
	}); !bytes.Equal(again, b) {
		t.Error("Zip is not deterministic")
	}
}

func TestRepoRoot(t *testing.T) {
	root := testfn.RepoRoot(t)
	if _, err := os.Stat(root + "/testdata/functions/hello2018/main.go"); err != nil {
		t.Errorf("RepoRoot = %s: %v", root, err)
	}
}
