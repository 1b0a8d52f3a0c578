package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/middleware"
	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/rootkey"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// testServer starts the whole gofaas server in-process on a free loopback
// port, with its data in a temporary directory.
func testServer(t *testing.T, opts ...func(*Config)) *Main {
	t.Helper()
	return testServerMain(t, NewMain(), opts...)
}

// testServerMain starts m as testServer does.
func testServerMain(t *testing.T, m *Main, opts ...func(*Config)) *Main {
	t.Helper()
	m.Out = io.Discard
	m.Config.Listen = "127.0.0.1:0"
	m.Config.DataDir = t.TempDir()
	m.Config.AccountID = "123456789012"
	m.Config.AsyncRetryDelay = 50 * time.Millisecond
	m.Config.Dev = true
	for _, o := range opts {
		o(&m.Config)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("start gofaas: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	// The execution role the tests' functions use, as the blog creates it.
	if _, err := m.Identity.GetRole(context.Background(), "lambda-all"); err != nil {
		if err := m.Identity.CreateRole(context.Background(), roleLambdaAll()); err != nil {
			t.Fatalf("create role: %v", err)
		}
	}
	return m
}

func roleLambdaAll() *gofaas.Role {
	return &gofaas.Role{Name: "lambda-all", Path: "/", AssumeRolePolicy: lambdaTrust}
}

// lambdaTrust lets Lambda assume a role.
const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// lambdaClient returns the real aws-sdk-go-v2 Lambda client pointed at m.
func lambdaClient(t *testing.T, m *Main, region string) *lambda.Client {
	return lambdaClientURL(m.URL(), region)
}

// lambdaClientURL returns a Lambda client for the gofaas at url.
func lambdaClientURL(url, region string) *lambda.Client {
	return lambda.New(lambda.Options{
		Region:       region,
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:   &http.Client{Timeout: 60 * time.Second},
		Retryer:      aws.NopRetryer{},
	})
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

const testRole = "arn:aws:iam::123456789012:role/lambda-all"

// createFunction creates a function from zip and fails the test on error.
func createFunction(t *testing.T, c *lambda.Client, name, runtime, handler string, zip []byte, mod ...func(*lambda.CreateFunctionInput)) *lambda.CreateFunctionOutput {
	t.Helper()
	in := &lambda.CreateFunctionInput{
		FunctionName: aws.String(name),
		Runtime:      types.Runtime(runtime),
		Role:         aws.String(testRole),
		Handler:      aws.String(handler),
		Code:         &types.FunctionCode{ZipFile: zip},
	}
	for _, f := range mod {
		f(in)
	}
	out, err := c.CreateFunction(testContext(t), in)
	if err != nil {
		t.Fatalf("CreateFunction %s: %v", name, err)
	}
	return out
}

// invokeFn invokes name synchronously with payload and fails on a Go error.
func invokeFn(t *testing.T, c *lambda.Client, name string, payload any, mod ...func(*lambda.InvokeInput)) *lambda.InvokeOutput {
	t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	in := &lambda.InvokeInput{FunctionName: aws.String(name), Payload: b}
	for _, f := range mod {
		f(in)
	}
	out, err := c.Invoke(testContext(t), in)
	if err != nil {
		t.Fatalf("Invoke %s: %v", name, err)
	}
	return out
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	return v
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const e2eSecond = time.Second

// requestID returns the request id of an SDK response.
func requestID(t *testing.T, md middleware.Metadata) string {
	t.Helper()
	id, ok := awsmiddleware.GetRequestIDMetadata(md)
	if !ok || id == "" {
		t.Fatal("response has no request id")
	}
	return id
}

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }

// signRequest signs req for lambda with k at t, over payload.
func signRequest(t *testing.T, req *http.Request, k rootkey.Key, payload []byte, at time.Time) {
	t.Helper()
	sum := sha256.Sum256(payload)
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey},
		req, hex.EncodeToString(sum[:]), "lambda", "us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
}

// iamClientURL returns an IAM client for the gofaas at url, signed with the
// --dev root credentials.
func iamClientURL(url string) *iam.Client {
	return iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:      aws.NopRetryer{},
	})
}
