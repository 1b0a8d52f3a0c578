package main

import (
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/gofaas/gofaas/internal/testfn"
)

type errorDoc struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

// TestFunctionOutcomes drives the behave function through every way an
// invocation ends, on both protocols.
func TestFunctionOutcomes(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	for _, rt := range []struct{ runtime, handler string }{{"go1.x", "behave"}, {"provided.al2023", "bootstrap"}} {
		name := "behave-" + strings.ReplaceAll(rt.runtime, ".", "-")
		createFunction(t, c, name, rt.runtime, rt.handler, testfn.Build(t, "behave", rt.handler), func(in *lambda.CreateFunctionInput) {
			in.Timeout = aws.Int32(1)
			in.Environment = &types.Environment{Variables: map[string]string{"GREETING": "hello"}}
		})
		t.Run(rt.runtime, func(t *testing.T) {
			t.Run("handler error", func(t *testing.T) {
				res := invokeFn(t, c, name, map[string]any{"op": "error", "message": "bad input"})
				doc := decode[errorDoc](t, res.Payload)
				if aws.ToString(res.FunctionError) != "Unhandled" || doc.ErrorMessage != "bad input" || doc.ErrorType != "errorString" {
					t.Errorf("FunctionError %q payload %s", aws.ToString(res.FunctionError), res.Payload)
				}
			})
			t.Run("timeout", func(t *testing.T) {
				res := invokeFn(t, c, name, map[string]any{"op": "sleep", "ms": 3000})
				doc := decode[errorDoc](t, res.Payload)
				if aws.ToString(res.FunctionError) != "Unhandled" || !strings.HasSuffix(doc.ErrorMessage, "Task timed out after 1.00 seconds") {
					t.Errorf("FunctionError %q payload %s", aws.ToString(res.FunctionError), res.Payload)
				}
			})
			t.Run("crash", func(t *testing.T) {
				res := invokeFn(t, c, name, map[string]any{"op": "exit", "code": 2})
				doc := decode[errorDoc](t, res.Payload)
				if doc.ErrorType != "Runtime.ExitError" || !strings.Contains(doc.ErrorMessage, "Runtime exited with error: exit status 2") {
					t.Errorf("payload %s", res.Payload)
				}
				// The next invocation gets a fresh environment.
				if res := invokeFn(t, c, name, map[string]any{"op": "echo"}); res.FunctionError != nil {
					t.Errorf("after a crash: %s", res.Payload)
				}
			})
			t.Run("environment", func(t *testing.T) {
				res := invokeFn(t, c, name, map[string]any{"op": "env"})
				got := decode[struct {
					Env                map[string]string `json:"env"`
					RequestID          string            `json:"requestId"`
					InvokedFunctionArn string            `json:"invokedFunctionArn"`
				}](t, res.Payload)
				for k, want := range map[string]string{
					"AWS_LAMBDA_FUNCTION_NAME":        name,
					"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
					"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
					"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + name,
					"AWS_REGION":                      "us-east-1",
					"AWS_DEFAULT_REGION":              "us-east-1",
					"_HANDLER":                        rt.handler,
					"TZ":                              ":UTC",
					"GREETING":                        "hello",
					"AWS_ENDPOINT_URL":                m.URL(),
				} {
					if got.Env[k] != want {
						t.Errorf("%s = %q, want %q", k, got.Env[k], want)
					}
				}
				if !strings.Contains(got.Env["AWS_LAMBDA_LOG_STREAM_NAME"], "/[$LATEST]") {
					t.Errorf("AWS_LAMBDA_LOG_STREAM_NAME = %q", got.Env["AWS_LAMBDA_LOG_STREAM_NAME"])
				}
				if got.InvokedFunctionArn != "arn:aws:lambda:us-east-1:123456789012:function:"+name || got.RequestID == "" {
					t.Errorf("context: arn %q request id %q", got.InvokedFunctionArn, got.RequestID)
				}
			})
			t.Run("log tail", func(t *testing.T) {
				res := invokeFn(t, c, name, map[string]any{"op": "print", "lines": 2}, func(in *lambda.InvokeInput) { in.LogType = types.LogTypeTail })
				b, err := base64.StdEncoding.DecodeString(aws.ToString(res.LogResult))
				if err != nil {
					t.Fatal(err)
				}
				log := string(b)
				for _, want := range []string{"START RequestId: ", "Version: $LATEST", "END RequestId: ", "REPORT RequestId: ", "Duration: ", "Memory Size: 128 MB", "Max Memory Used: "} {
					if !strings.Contains(log, want) {
						t.Errorf("log tail lacks %q:\n%s", want, log)
					}
				}
				if strings.Contains(log, "Max Memory Used: 0 MB") {
					t.Errorf("Max Memory Used was not measured:\n%s", log)
				}
				if strings.Count(log, "\n") < 7 {
					t.Errorf("log tail has too few lines (want START, 4 printed, END, REPORT):\n%s", log)
				}
			})
			t.Run("oversized response", func(t *testing.T) {
				res := invokeFn(t, c, name, map[string]any{"op": "big", "bytes": 6*1024*1024 + 100})
				doc := decode[errorDoc](t, res.Payload)
				if aws.ToString(res.FunctionError) != "Unhandled" || doc.ErrorType != "Function.ResponseSizeTooLarge" {
					t.Errorf("FunctionError %q payload %.200s", aws.ToString(res.FunctionError), res.Payload)
				}
			})
		})
	}
}

func TestInitError(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	createFunction(t, c, "initfail", "provided.al2023", "bootstrap", testfn.Build(t, "behave", "bootstrap"), func(in *lambda.CreateFunctionInput) {
		in.Environment = &types.Environment{Variables: map[string]string{"BEHAVE_INIT_FAIL": "exit"}}
	})
	res := invokeFn(t, c, "initfail", map[string]any{})
	doc := decode[errorDoc](t, res.Payload)
	if aws.ToString(res.FunctionError) != "Unhandled" || doc.ErrorType != "Runtime.ExitError" {
		t.Errorf("FunctionError %q payload %s", aws.ToString(res.FunctionError), res.Payload)
	}
	createFunction(t, c, "shellinit", "provided", "initerror", testfn.ShellRuntime(t))
	res = invokeFn(t, c, "shellinit", map[string]any{})
	if doc := decode[errorDoc](t, res.Payload); doc.ErrorType != "Runtime.ShellInitError" {
		t.Errorf("posted init error: payload %s", res.Payload)
	}
}

// TestConcurrentInvokes runs 50 invocations at once: several environments,
// no error.
func TestConcurrentInvokes(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	createFunction(t, c, "conc", "provided.al2023", "bootstrap", testfn.Build(t, "behave", "bootstrap"))
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.Invoke(testContext(t), &lambda.InvokeInput{FunctionName: aws.String("conc"), Payload: []byte(`{"op":"sleep","ms":200}`)})
			if err != nil {
				errs <- err
			} else if res.FunctionError != nil {
				errs <- errors.New(string(res.Payload))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if s := m.Pool.Stats(); s.Live < 2 {
		t.Errorf("%d environments alive after 50 concurrent invokes, want several", s.Live)
	}
}

// TestThrottle: with reserved concurrency 2, a third concurrent invocation
// is refused with 429 TooManyRequestsException.
func TestThrottle(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	createFunction(t, c, "thr", "provided.al2023", "bootstrap", testfn.Build(t, "behave", "bootstrap"))
	if _, err := c.PutFunctionConcurrency(testContext(t), &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("thr"), ReservedConcurrentExecutions: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Invoke(testContext(t), &lambda.InvokeInput{FunctionName: aws.String("thr"), Payload: []byte(`{"op":"sleep","ms":1500}`)})
		}()
	}
	waitFor(t, 10*e2eSecond, "two invocations in flight", func() bool { return m.Pool.InFlight("thr") == 2 })
	_, err := c.Invoke(testContext(t), &lambda.InvokeInput{FunctionName: aws.String("thr"), Payload: []byte(`{}`)})
	var tmr *types.TooManyRequestsException
	if !errors.As(err, &tmr) {
		t.Fatalf("third invoke = %v, want TooManyRequestsException", err)
	}
	if tmr.Reason != types.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded {
		t.Errorf("Reason = %q", tmr.Reason)
	}
	wg.Wait()
}
