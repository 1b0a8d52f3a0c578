package main

import (
	"bufio"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/gofaas/gofaas/internal/testfn"
)

// startBinary builds gofaas and runs `gofaas serve` on a free port with its
// data in dir. It returns the process and its URL.
func startBinary(t *testing.T, bin, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--data", dir, "--account-id", "123456789012", "--dev")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`serving on (http://127\.0\.0\.1:\d+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	select {
	case u := <-urls:
		return cmd, u
	case <-time.After(20 * time.Second):
		t.Fatal("gofaas did not start")
		return nil, ""
	}
}

func buildGofaas(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gofaas")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestKill9KeepsState kills gofaas with SIGKILL and checks that every
// function, version, alias, setting and accepted asynchronous event is
// there after a restart on the same data directory.
func TestKill9KeepsState(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := buildGofaas(t)
	cmd, url := startBinary(t, bin, dir)
	c := lambdaClientURL(url, "us-east-1")
	ctx := testContext(t)
	if _, err := iamClientURL(url).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("lambda-all"), AssumeRolePolicyDocument: aws.String(lambdaTrust)}); err != nil {
		t.Fatal(err)
	}

	createFunction(t, c, "durable", "provided.al2023", "bootstrap", testfn.Build(t, "behave", "bootstrap"))
	if _, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("durable")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("durable"), Name: aws.String("live"), FunctionVersion: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("durable"), MaximumRetryAttempts: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("durable"), ReservedConcurrentExecutions: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	// Throttled: accepted, stored, not delivered.
	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("durable"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"op":"echo"}`)})
	if err != nil || out.StatusCode != 202 {
		t.Fatalf("async invoke: %v", err)
	}
	id := requestID(t, out.ResultMetadata)

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	m := testServer(t, func(c *Config) { c.DataDir = dir })
	c2 := lambdaClient(t, m, "us-east-1")
	if _, err := c2.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("durable"), Qualifier: aws.String("1")}); err != nil {
		t.Errorf("version 1 after kill -9: %v", err)
	}
	if a, err := c2.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String("durable"), Name: aws.String("live")}); err != nil || aws.ToString(a.FunctionVersion) != "1" {
		t.Errorf("alias after kill -9: %v", err)
	}
	if cfg, err := c2.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("durable")}); err != nil || aws.ToInt32(cfg.MaximumRetryAttempts) != 1 {
		t.Errorf("event invoke config after kill -9: %v", err)
	}
	if n, err := m.Invoker.Queue.Pending(context.Background(), "durable"); err != nil || n != 1 {
		t.Fatalf("%d async events pending after kill -9 (err %v), want 1", n, err)
	}
	// Lift the throttle: the event is delivered, through the alias-free path.
	if _, err := c2.DeleteFunctionConcurrency(ctx, &lambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String("durable")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, "the event's delivery after restart", func() bool { return starts(t, m, "durable", id) == 1 })
	// The code is there too: a synchronous invoke of the version works.
	res := invokeFn(t, c2, "durable:live", map[string]string{"op": "echo"})
	if res.FunctionError != nil {
		t.Errorf("invoke after restart: %s", res.Payload)
	}
}
