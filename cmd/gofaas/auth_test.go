package main

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"
	"github.com/gofaas/gofaas/internal/rootkey"
)

func clientWith(m *Main, key, secret string, _ func() time.Time) *lambda.Client {
	return lambda.New(lambda.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(m.URL()),
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""),
		Retryer:     aws.NopRetryer{},
	})
}

// TestSignatures: every request is verified; each kind of bad signature
// gets Lambda's error, and nothing is changed.
func TestSignatures(t *testing.T) {
	m := testServer(t, func(c *Config) { c.Dev = false })
	ctx := testContext(t)
	root, err := rootkey.Load(filepath.Join(m.Config.DataDir, rootkey.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := clientWith(m, root.AccessKeyID, root.SecretAccessKey, nil).ListFunctions(ctx, &lambda.ListFunctionsInput{}); err != nil {
		t.Fatalf("the root key from the data directory: %v", err)
	}
	cases := []struct {
		name, key, secret, wantType string
	}{
		{"wrong secret", root.AccessKeyID, "wrong" + root.SecretAccessKey[5:], "InvalidSignatureException"},
		{"unknown key", "AKIAUNKNOWNUNKNOWN00", "secret", "UnrecognizedClientException"},
		{"dev key without --dev", "test", "test", "UnrecognizedClientException"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := clientWith(m, tc.key, tc.secret, nil).ListFunctions(ctx, &lambda.ListFunctionsInput{})
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tc.wantType {
				t.Fatalf("err = %v, want %s", err, tc.wantType)
			}
		})
	}
	// Unsigned: MissingAuthenticationTokenException, 403.
	resp, err := http.Get(m.URL() + "/2015-03-31/functions/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("X-Amzn-ErrorType") != "MissingAuthenticationTokenException" {
		t.Errorf("unsigned request: %d %s %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), body)
	}
	// A tampered body after signing.
	req, _ := http.NewRequest("POST", m.URL()+"/2015-03-31/functions/x/invocations", bytes.NewReader([]byte(`{"a":1}`)))
	signRequest(t, req, root, []byte(`{"a":2}`), time.Now())
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("X-Amzn-ErrorType") != "InvalidSignatureException" {
		t.Errorf("tampered body: %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
	}
	// 16 minutes old.
	req, _ = http.NewRequest("GET", m.URL()+"/2015-03-31/functions/", nil)
	signRequest(t, req, root, nil, time.Now().Add(-16*time.Minute))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(body), "Signature expired") {
		t.Errorf("old request: %d %s", resp.StatusCode, body)
	}
	// Nothing was created by the refused requests.
	out, err := clientWith(m, root.AccessKeyID, root.SecretAccessKey, nil).ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil || len(out.Functions) != 0 {
		t.Errorf("functions after refused requests: %v, %v", out, err)
	}
}

// TestCredentialsCommand prints the root key's export lines.
func TestCredentialsCommand(t *testing.T) {
	m := testServer(t)
	root, _ := rootkey.Load(filepath.Join(m.Config.DataDir, rootkey.FileName))
	cmd := newRootCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"credentials", "--data", m.Config.DataDir})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "AWS_ACCESS_KEY_ID="+root.AccessKeyID) || !strings.Contains(out.String(), "AWS_SECRET_ACCESS_KEY="+root.SecretAccessKey) {
		t.Errorf("credentials printed %q", out.String())
	}
}
