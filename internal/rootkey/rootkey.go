// Package rootkey keeps the account's root access key: made at the first
// start, stored in the data directory as an AWS shared credentials file
// (mode 0600) that the aws CLI and SDKs can read directly.
package rootkey

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gofaas/gofaas"
)

// FileName is the credentials file in the data directory.
const FileName = "root-credentials"

// DevAccessKeyID and DevSecret are the well-known credentials --dev
// accepts for the root user.
const (
	DevAccessKeyID = "test"
	DevSecret      = "test"
)

// Key is a root access key.
type Key struct {
	AccessKeyID     string
	SecretAccessKey string
}

// LoadOrCreate reads the root key from dir, creating it if there is none.
// created reports a new key.
func LoadOrCreate(dir string) (k Key, created bool, err error) {
	path := filepath.Join(dir, FileName)
	k, err = Load(path)
	if err == nil {
		return k, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return Key{}, false, err
	}
	k = Key{AccessKeyID: "AKIA" + randomString(16, upperAlnum), SecretAccessKey: randomString(40, secretChars)}
	content := fmt.Sprintf("# gofaas root credentials. Use them with:\n#   export AWS_SHARED_CREDENTIALS_FILE=%s\n[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n",
		path, k.AccessKeyID, k.SecretAccessKey)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return Key{}, false, fmt.Errorf("write root credentials: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return Key{}, false, fmt.Errorf("write root credentials: %w", err)
	}
	return k, true, nil
}

// Load reads a root key file.
func Load(path string) (Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return Key{}, err
	}
	defer f.Close()
	var k Key
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(name) {
		case "aws_access_key_id":
			k.AccessKeyID = strings.TrimSpace(value)
		case "aws_secret_access_key":
			k.SecretAccessKey = strings.TrimSpace(value)
		}
	}
	if k.AccessKeyID == "" || k.SecretAccessKey == "" {
		return Key{}, fmt.Errorf("%s: no aws_access_key_id and aws_secret_access_key", path)
	}
	return k, nil
}

const (
	upperAlnum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	secretChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Store answers credential lookups for the root keys and passes every other
// key to Next.
type Store struct {
	AccountID string
	Keys      []Key
	Next      gofaas.CredentialStore
}

// LookupCredentials implements gofaas.CredentialStore.
func (s *Store) LookupCredentials(ctx context.Context, accessKeyID string) (*gofaas.Credentials, error) {
	for _, k := range s.Keys {
		if subtle.ConstantTimeCompare([]byte(k.AccessKeyID), []byte(accessKeyID)) == 1 {
			return &gofaas.Credentials{SecretAccessKey: k.SecretAccessKey, Principal: s.Root(accessKeyID)}, nil
		}
	}
	if s.Next != nil {
		return s.Next.LookupCredentials(ctx, accessKeyID)
	}
	return nil, gofaas.Errorf(gofaas.ENOTFOUND, "unknown access key")
}

// Root returns the root principal of the account.
func (s *Store) Root(accessKeyID string) *gofaas.Principal {
	return &gofaas.Principal{Type: "Root", ARN: "arn:aws:iam::" + s.AccountID + ":root", AccountID: s.AccountID,
		UserID: s.AccountID, AccessKeyID: accessKeyID}
}
