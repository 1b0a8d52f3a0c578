// Package codestore keeps function code packages on disk, content-addressed
// by the hex SHA-256 of the zip, and implements gofaas.CodeStore.
//
// # Layout
//
//	Path/zips/<sha256hex>.zip   the uploaded zip, as uploaded
//	Path/code/<sha256hex>/      the zip extracted once, shared by every
//	                            version and function with the same code
//	Path/tmp/                   work area on the same file system
//
// # Crash safety
//
// A zip is written to a temporary file, synced and renamed into place. A
// tree is extracted into a temporary directory, synced and renamed into
// place, so Path/code never holds a half-extracted tree; a crash leaves at
// most garbage in Path/tmp, which Open clears. A concurrent Put of the same
// zip is safe: both extract, the first rename wins and the second discards
// its copy.
//
// # Validation
//
// Put rejects, with AWS's exception types and messages: zips larger than
// gofaas.MaxZipSize; data that is not a zip; trees larger than
// gofaas.MaxUnzippedSize, counted from the bytes actually inflated, never
// from the headers alone; entries whose names are not local paths
// (absolute, "..", or escaping through a symlink); symlinks that resolve
// outside the tree; and entries that are neither files, directories nor
// symlinks. Files keep their executable bits (0755 if the zip gives any x
// bit, else 0644); directories are 0755.
package codestore

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
)

var _ gofaas.CodeStore = (*Store)(nil)

// Store is a gofaas.CodeStore in a directory. Set Path, then call Open.
// (The field cannot be called Dir: that is a gofaas.CodeStore method.)
type Store struct {
	// Path is the root directory of the store; it is created if missing.
	Path string

	// maxUnzipped overrides gofaas.MaxUnzippedSize in tests.
	maxUnzipped int64
}

// New returns a Store rooted at path, not yet opened.
func New(path string) *Store {
	return &Store{Path: path}
}

// staleAfter is how old a leftover in Path/tmp must be before Open removes
// it, so that Open never disturbs a Put running in another Store on the
// same directory.
const staleAfter = time.Hour

// Open creates the store's directories and removes stale temporary files
// left by a crash.
func (s *Store) Open() error {
	if s.Path == "" {
		return errors.New("codestore: Path must be set")
	}
	for _, d := range []string{s.zipsDir(), s.codeDir(), s.tmpDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("create code store directory: %w", err)
		}
	}
	entries, err := os.ReadDir(s.tmpDir())
	if err != nil {
		return fmt.Errorf("read code store work area: %w", err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || time.Since(info.ModTime()) < staleAfter {
			continue
		}
		if err := os.RemoveAll(filepath.Join(s.tmpDir(), e.Name())); err != nil {
			return fmt.Errorf("remove stale %s: %w", e.Name(), err)
		}
	}
	return nil
}

func (s *Store) zipsDir() string { return filepath.Join(s.Path, "zips") }
func (s *Store) codeDir() string { return filepath.Join(s.Path, "code") }
func (s *Store) tmpDir() string  { return filepath.Join(s.Path, "tmp") }

func (s *Store) zipPath(sum string) string  { return filepath.Join(s.zipsDir(), sum+".zip") }
func (s *Store) treePath(sum string) string { return filepath.Join(s.codeDir(), sum) }

// Put validates zip, stores it, extracts it once and returns its hex
// SHA-256. Invalid zips give EINVALID (InvalidParameterValueException) and
// oversized ones ETOOLARGE (RequestEntityTooLargeException), with AWS's
// messages.
func (s *Store) Put(ctx context.Context, data []byte) (string, error) {
	if len(data) > gofaas.MaxZipSize {
		return "", errZipTooLarge()
	}
	sum := sha256.Sum256(data)
	hexsum := hex.EncodeToString(sum[:])
	if err := s.extractOnce(ctx, hexsum, data); err != nil {
		return "", err
	}
	if _, err := os.Stat(s.zipPath(hexsum)); errors.Is(err, fs.ErrNotExist) {
		if err := s.writeZip(hexsum, data); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", fmt.Errorf("stat zip %s: %w", hexsum, err)
	}
	return hexsum, nil
}

// Zip returns the stored zip, or ENOTFOUND.
func (s *Store) Zip(ctx context.Context, sha256hex string) ([]byte, error) {
	if !validSum(sha256hex) {
		return nil, gofaas.Errorf(gofaas.ENOTFOUND, "Code not found: %s", sha256hex)
	}
	b, err := os.ReadFile(s.zipPath(sha256hex))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, gofaas.Errorf(gofaas.ENOTFOUND, "Code not found: %s", sha256hex)
	} else if err != nil {
		return nil, fmt.Errorf("read zip %s: %w", sha256hex, err)
	}
	return b, nil
}

// Dir returns the directory holding the extracted code, extracting the
// stored zip again if the tree is missing. It returns ENOTFOUND for
// unknown code.
func (s *Store) Dir(ctx context.Context, sha256hex string) (string, error) {
	if !validSum(sha256hex) {
		return "", gofaas.Errorf(gofaas.ENOTFOUND, "Code not found: %s", sha256hex)
	}
	tree := s.treePath(sha256hex)
	if _, err := os.Stat(tree); err == nil {
		return tree, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("stat code %s: %w", sha256hex, err)
	}
	data, err := s.Zip(ctx, sha256hex)
	if err != nil {
		return "", err
	}
	if err := s.extractOnce(ctx, sha256hex, data); err != nil {
		return "", fmt.Errorf("extract code %s: %w", sha256hex, err)
	}
	return tree, nil
}

// validSum reports whether s is a lower-case hex SHA-256, which keeps
// caller-supplied names from reaching the file system as paths.
func validSum(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// extractOnce extracts data to Path/code/sum unless that tree exists.
func (s *Store) extractOnce(ctx context.Context, sum string, data []byte) error {
	tree := s.treePath(sum)
	if _, err := os.Stat(tree); err == nil {
		return nil
	}
	tmp, err := os.MkdirTemp(s.tmpDir(), "tree-"+sum[:12]+"-")
	if err != nil {
		return fmt.Errorf("create extraction directory: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	limit := s.maxUnzipped
	if limit <= 0 {
		limit = gofaas.MaxUnzippedSize
	}
	if err := extract(ctx, data, tmp, limit, true); err != nil {
		return err
	}
	if err := syncDir(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, tree); err != nil {
		// A concurrent Put of the same zip got there first.
		if _, statErr := os.Stat(tree); statErr == nil {
			return nil
		}
		return fmt.Errorf("install code %s: %w", sum, err)
	}
	return syncDir(s.codeDir())
}

// writeZip stores data as Path/zips/sum.zip through a synced temporary
// file and a rename.
func (s *Store) writeZip(sum string, data []byte) error {
	f, err := os.CreateTemp(s.tmpDir(), "zip-"+sum[:12]+"-")
	if err != nil {
		return fmt.Errorf("create zip file: %w", err)
	}
	name := f.Name()
	defer os.Remove(name) // a no-op once renamed
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write zip %s: %w", sum, err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return fmt.Errorf("write zip %s: %w", sum, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync zip %s: %w", sum, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close zip %s: %w", sum, err)
	}
	if err := os.Rename(name, s.zipPath(sum)); err != nil {
		return fmt.Errorf("install zip %s: %w", sum, err)
	}
	return syncDir(s.zipsDir())
}

// syncDir syncs a directory so that renames into it are durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// Errors as AWS Lambda words them.

func errNotZip() error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "InvalidParameterValueException",
		"Could not unzip uploaded file. Please check your file, then try to upload again.")
}

func errUnzippedTooLarge() error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "InvalidParameterValueException",
		"Unzipped size must be smaller than %d bytes", gofaas.MaxUnzippedSize)
}

func errZipTooLarge() error {
	return gofaas.TypedErrorf(gofaas.ETOOLARGE, "RequestEntityTooLargeException",
		"Zipped size must be smaller than %d bytes", gofaas.MaxZipSize)
}

// badEntry explains why an entry made the zip unusable while keeping AWS's
// message for the caller.
func badEntry(name, why string) error {
	return fmt.Errorf("zip entry %q: %s: %w", name, why, errNotZip())
}

// maxLinkTarget bounds a symlink entry's target.
const maxLinkTarget = 4096

// extract validates data as a function package and extracts it into dst,
// an empty directory, allowing at most limit bytes of file contents and
// syncing each file if durable is set. It never writes outside dst.
func extract(ctx context.Context, data []byte, dst string, limit int64, durable bool) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("read zip: %v: %w", err, errNotZip())
	}
	// A quick reject on the declared sizes; archive/zip fails any entry
	// whose data does not match its declared size, and the copy below
	// counts real bytes regardless.
	var declared uint64
	for _, f := range zr.File {
		if f.UncompressedSize64 > uint64(limit) {
			return errUnzippedTooLarge()
		}
		if declared += f.UncompressedSize64; declared > uint64(limit) {
			return errUnzippedTooLarge()
		}
	}
	root, err := os.OpenRoot(dst)
	if err != nil {
		return fmt.Errorf("open extraction directory: %w", err)
	}
	defer root.Close()

	budget := limit
	var links []string
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		name, err := entryName(f.Name)
		if err != nil {
			return err
		}
		if name == "." {
			continue // "./" names the root itself
		}
		mode := f.Mode()
		switch {
		case mode.IsDir():
			if err := root.MkdirAll(name, 0o755); err != nil {
				return badEntry(f.Name, err.Error())
			}
		case mode&fs.ModeSymlink != 0:
			if err := extractLink(root, f, name); err != nil {
				return err
			}
			links = append(links, name)
		case mode.IsRegular():
			n, err := extractFile(root, f, name, budget, durable)
			if err != nil {
				return err
			}
			budget -= n
		default:
			return badEntry(f.Name, "not a file, directory or symlink")
		}
	}
	// A symlink may look local on its own and still escape through
	// another symlink ("a" -> ".", "a/b" -> "../x"); resolve each one
	// against the finished tree.
	for _, l := range links {
		if err := checkLink(dst, l); err != nil {
			return err
		}
	}
	return nil
}

// entryName cleans a zip entry name and checks that it stays in the tree.
func entryName(raw string) (string, error) {
	name := strings.TrimSuffix(raw, "/")
	if name == "" || name == "." {
		return ".", nil
	}
	if strings.Contains(name, "\x00") || !filepath.IsLocal(name) {
		return "", badEntry(raw, "path escapes the code directory")
	}
	return filepath.Clean(name), nil
}

// extractFile writes one regular file, reading at most budget bytes, and
// returns how many it wrote. With durable set it syncs the file.
func extractFile(root *os.Root, f *zip.File, name string, budget int64, durable bool) (int64, error) {
	if dir := filepath.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return 0, badEntry(f.Name, err.Error())
		}
	}
	perm := fs.FileMode(0o644)
	if f.Mode()&0o111 != 0 {
		perm = 0o755
	}
	rc, err := f.Open()
	if err != nil {
		return 0, fmt.Errorf("zip entry %q: %v: %w", f.Name, err, errNotZip())
	}
	defer rc.Close()
	out, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return 0, badEntry(f.Name, err.Error())
	}
	n, err := io.Copy(out, io.LimitReader(rc, budget+1))
	if err != nil {
		out.Close()
		if isFSError(err) {
			return 0, fmt.Errorf("write %s: %w", name, err)
		}
		// Corrupt data, a bad checksum or a size that lies.
		return 0, fmt.Errorf("zip entry %q: %v: %w", f.Name, err, errNotZip())
	}
	if n > budget {
		out.Close()
		return 0, errUnzippedTooLarge()
	}
	// The umask may have narrowed perm; set it exactly.
	if err := out.Chmod(perm); err != nil {
		out.Close()
		return 0, fmt.Errorf("chmod %s: %w", name, err)
	}
	if durable {
		if err := out.Sync(); err != nil {
			out.Close()
			return 0, fmt.Errorf("sync %s: %w", name, err)
		}
	}
	if err := out.Close(); err != nil {
		return 0, fmt.Errorf("close %s: %w", name, err)
	}
	return n, nil
}

// isFSError reports whether err came from the file system rather than
// from reading the zip.
func isFSError(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe)
}

// extractLink creates one symlink after checking that its target, taken
// relative to the link's directory, stays in the tree.
func extractLink(root *os.Root, f *zip.File, name string) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("zip entry %q: %v: %w", f.Name, err, errNotZip())
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxLinkTarget+1))
	if err != nil {
		return fmt.Errorf("zip entry %q: %v: %w", f.Name, err, errNotZip())
	}
	target := string(b)
	if len(b) > maxLinkTarget || target == "" || strings.Contains(target, "\x00") {
		return badEntry(f.Name, "bad symlink target")
	}
	if filepath.IsAbs(target) || !filepath.IsLocal(filepath.Join(filepath.Dir(name), target)) {
		return badEntry(f.Name, "symlink points outside the code directory")
	}
	if dir := filepath.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return badEntry(f.Name, err.Error())
		}
	}
	if err := root.Symlink(target, name); err != nil {
		return badEntry(f.Name, err.Error())
	}
	return nil
}

// maxLinkHops bounds symlink resolution, as the kernel's ELOOP does.
const maxLinkHops = 40

// checkLink resolves the symlink at name (relative to dir) component by
// component and fails if any step leaves dir. Components that do not
// exist are taken literally: they cannot appear later in a finished tree.
func checkLink(dir, name string) error {
	var stack []string // resolved components below dir
	pending := strings.Split(filepath.ToSlash(name), "/")
	hops := 0
	for len(pending) > 0 {
		c := pending[0]
		pending = pending[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(stack) == 0 {
				return badEntry(name, "symlink resolves outside the code directory")
			}
			stack = stack[:len(stack)-1]
			continue
		}
		p := filepath.Join(append([]string{dir}, append(stack, c)...)...)
		info, err := os.Lstat(p)
		if err != nil || info.Mode()&fs.ModeSymlink == 0 {
			stack = append(stack, c)
			continue
		}
		if hops++; hops > maxLinkHops {
			return badEntry(name, "too many levels of symlinks")
		}
		target, err := os.Readlink(p)
		if err != nil {
			return fmt.Errorf("read symlink %s: %w", p, err)
		}
		if filepath.IsAbs(target) {
			return badEntry(name, "symlink resolves outside the code directory")
		}
		pending = append(strings.Split(filepath.ToSlash(target), "/"), pending...)
	}
	return nil
}
