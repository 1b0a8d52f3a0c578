package main

import (
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/gofaas/gofaas/internal/testfn"
)

type helloOut struct {
	Message string `json:"message"`
	Created string `json:"created"`
}

// TestWalkthrough2018 is the blog's walkthrough: a function built in 2018
// against aws-lambda-go v1.2.0 for the go1.x runtime, created and invoked
// with the real SDK.
func TestWalkthrough2018(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-west-1")
	zip := testfn.Build(t, "hello2018", "examplebinary")

	out := createFunction(t, c, "ExampleFunction", "go1.x", "examplebinary", zip)
	sum := sha256.Sum256(zip)
	checks := []struct{ name, got, want string }{
		{"FunctionName", aws.ToString(out.FunctionName), "ExampleFunction"},
		{"FunctionArn", aws.ToString(out.FunctionArn), "arn:aws:lambda:us-west-1:123456789012:function:ExampleFunction"},
		{"Runtime", string(out.Runtime), "go1.x"},
		{"Role", aws.ToString(out.Role), testRole},
		{"Handler", aws.ToString(out.Handler), "examplebinary"},
		{"CodeSha256", aws.ToString(out.CodeSha256), base64.StdEncoding.EncodeToString(sum[:])},
		{"Version", aws.ToString(out.Version), "$LATEST"},
		{"State", string(out.State), "Active"},
		{"LastUpdateStatus", string(out.LastUpdateStatus), "Successful"},
		{"PackageType", string(out.PackageType), "Zip"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if got, want := out.CodeSize, int64(len(zip)); got != want {
		t.Errorf("CodeSize = %d, want %d", got, want)
	}
	if got := aws.ToInt32(out.Timeout); got != 3 {
		t.Errorf("Timeout = %d, want 3", got)
	}
	if got := aws.ToInt32(out.MemorySize); got != 128 {
		t.Errorf("MemorySize = %d, want 128", got)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$`).MatchString(aws.ToString(out.LastModified)) {
		t.Errorf("LastModified = %q, want the 2018-06-12T04:55:36.327+0000 form", aws.ToString(out.LastModified))
	}

	before := time.Now().UTC().Add(-time.Second)
	res := invokeFn(t, c, "ExampleFunction", map[string]string{"value": "john", "key2": "value2", "key1": "value1"})
	if res.StatusCode != 200 || aws.ToString(res.ExecutedVersion) != "$LATEST" || res.FunctionError != nil {
		t.Fatalf("Invoke: status %d, version %q, error %v, payload %s", res.StatusCode, aws.ToString(res.ExecutedVersion), aws.ToString(res.FunctionError), res.Payload)
	}
	got := decode[helloOut](t, res.Payload)
	if got.Message != "hi john" {
		t.Errorf("message = %q, want %q", got.Message, "hi john")
	}
	created, err := time.Parse(time.RFC3339, got.Created)
	if err != nil || created.Before(before.Truncate(time.Second)) || created.After(time.Now().Add(time.Second)) {
		t.Errorf("created = %q, want an RFC 3339 time of now (err %v)", got.Created, err)
	}
}

// TestWalkthroughProvided runs the same function built against today's
// aws-lambda-go as a provided.al2023 bootstrap, through the Runtime API.
func TestWalkthroughProvided(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-west-1")
	createFunction(t, c, "hello", "provided.al2023", "bootstrap", testfn.Build(t, "hello", "bootstrap"))
	for i := 0; i < 3; i++ { // cold, then warm
		res := invokeFn(t, c, "hello", map[string]string{"value": "john"})
		if res.FunctionError != nil {
			t.Fatalf("Invoke: %s: %s", aws.ToString(res.FunctionError), res.Payload)
		}
		if got := decode[helloOut](t, res.Payload); got.Message != "hi john" {
			t.Errorf("message = %q, want %q", got.Message, "hi john")
		}
	}
}

// TestShellRuntime runs a POSIX shell and curl bootstrap.
func TestShellRuntime(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	createFunction(t, c, "shell", "provided", "echo", testfn.ShellRuntime(t))
	res := invokeFn(t, c, "shell", map[string]int{"n": 1})
	if res.FunctionError != nil {
		t.Fatalf("Invoke: %s: %s", aws.ToString(res.FunctionError), res.Payload)
	}
	got := decode[struct {
		Shell bool           `json:"shell"`
		Event map[string]int `json:"event"`
	}](t, res.Payload)
	if !got.Shell || got.Event["n"] != 1 {
		t.Errorf("payload = %s, want the shell runtime's echo of the event", res.Payload)
	}
	_ = lambda.InvokeInput{}
}
