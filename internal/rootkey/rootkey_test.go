package rootkey

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofaas/gofaas"
)

func TestLoadOrCreate(t *testing.T) {
	dir := t.TempDir()
	k, created, err := LoadOrCreate(dir)
	if err != nil || !created {
		t.Fatalf("first LoadOrCreate = %v, created %v", err, created)
	}
	if !strings.HasPrefix(k.AccessKeyID, "AKIA") || len(k.AccessKeyID) != 20 || len(k.SecretAccessKey) != 40 {
		t.Errorf("key %q / secret of %d chars, want AKIA + 16 and 40", k.AccessKeyID, len(k.SecretAccessKey))
	}
	st, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode %v (err %v), want 0600", st.Mode().Perm(), err)
	}
	again, created, err := LoadOrCreate(dir)
	if err != nil || created || again != k {
		t.Errorf("second LoadOrCreate = %+v, created %v, err %v; want the same key", again, created, err)
	}
}

func TestStore(t *testing.T) {
	s := &Store{AccountID: "123456789012", Keys: []Key{{"AKIAROOT", "secret"}}}
	c, err := s.LookupCredentials(context.Background(), "AKIAROOT")
	if err != nil || c.SecretAccessKey != "secret" || !c.Principal.IsRoot() || c.Principal.ARN != "arn:aws:iam::123456789012:root" {
		t.Fatalf("root lookup = %+v, %v", c, err)
	}
	if _, err := s.LookupCredentials(context.Background(), "AKIAOTHER"); gofaas.ErrorCode(err) != gofaas.ENOTFOUND {
		t.Errorf("unknown key = %v, want ENOTFOUND", err)
	}
}
