package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/gofaas/gofaas/internal/testfn"
)

// starts counts the START lines of requestID in a function's log group.
func starts(t *testing.T, m *Main, function, requestID string) int {
	t.Helper()
	m.Logs.Flush()
	n := 0
	for _, ev := range logEvents(t, m, "/aws/lambda/"+function) {
		if strings.HasPrefix(ev, "START RequestId: "+requestID+" ") {
			n++
		}
	}
	return n
}

// logEvents returns every message of a log group, across its streams.
func logEvents(t *testing.T, m *Main, group string) []string {
	t.Helper()
	streams, err := m.LogStore.LogStreams(context.Background(), group, "", "", 1000)
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range streams {
		evs, err := m.LogStore.GetLogEvents(context.Background(), group, s.Name, time.Time{}, time.Time{}, 10000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			out = append(out, e.Message)
		}
	}
	return out
}

func TestAsyncInvoke(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	createFunction(t, c, "async", "provided.al2023", "bootstrap", testfn.Build(t, "behave", "bootstrap"))

	t.Run("delivered once", func(t *testing.T) {
		out, err := c.Invoke(testContext(t), &lambda.InvokeInput{FunctionName: aws.String("async"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"op":"echo"}`)})
		if err != nil {
			t.Fatal(err)
		}
		if out.StatusCode != 202 {
			t.Fatalf("StatusCode = %d, want 202", out.StatusCode)
		}
		id := requestID(t, out.ResultMetadata)
		waitFor(t, 10*time.Second, "the event's delivery", func() bool { return starts(t, m, "async", id) == 1 })
		waitFor(t, 10*time.Second, "an empty queue", func() bool { n, _ := m.Invoker.Queue.Pending(context.Background(), "async"); return n == 0 })
	})

	t.Run("function error retried twice", func(t *testing.T) {
		out, err := c.Invoke(testContext(t), &lambda.InvokeInput{FunctionName: aws.String("async"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"op":"error","message":"again"}`)})
		if err != nil {
			t.Fatal(err)
		}
		id := requestID(t, out.ResultMetadata)
		waitFor(t, 10*time.Second, "three attempts", func() bool { return starts(t, m, "async", id) == 3 })
		waitFor(t, 10*time.Second, "the event to be dropped", func() bool { n, _ := m.Invoker.Queue.Pending(context.Background(), "async"); return n == 0 })
		time.Sleep(300 * time.Millisecond)
		if n := starts(t, m, "async", id); n != 3 {
			t.Errorf("%d attempts, want 3 (1 + 2 retries)", n)
		}
	})

	t.Run("MaximumRetryAttempts 0", func(t *testing.T) {
		if _, err := c.PutFunctionEventInvokeConfig(testContext(t), &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("async"), MaximumRetryAttempts: aws.Int32(0)}); err != nil {
			t.Fatal(err)
		}
		out, err := c.Invoke(testContext(t), &lambda.InvokeInput{FunctionName: aws.String("async"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"op":"error"}`)})
		if err != nil {
			t.Fatal(err)
		}
		id := requestID(t, out.ResultMetadata)
		waitFor(t, 10*time.Second, "the event to be dropped", func() bool { n, _ := m.Invoker.Queue.Pending(context.Background(), "async"); return n == 0 })
		time.Sleep(300 * time.Millisecond)
		if n := starts(t, m, "async", id); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
	})

	t.Run("payload over 1 MB", func(t *testing.T) {
		big := `{"x":"` + strings.Repeat("a", 1<<20) + `"}`
		_, err := c.Invoke(testContext(t), &lambda.InvokeInput{FunctionName: aws.String("async"), InvocationType: types.InvocationTypeEvent, Payload: []byte(big)})
		var tooLarge *types.RequestTooLargeException
		if !asErr(err, &tooLarge) {
			t.Fatalf("err = %v, want RequestTooLargeException", err)
		}
	})
}

// TestAsyncSurvivesRestart: an accepted event whose delivery is throttled
// (reserved concurrency 0) is still delivered after a restart.
func TestAsyncSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	m := testServer(t, func(c *Config) { c.DataDir = dir })
	c := lambdaClient(t, m, "us-east-1")
	createFunction(t, c, "later", "provided.al2023", "bootstrap", testfn.Build(t, "behave", "bootstrap"))
	if _, err := c.PutFunctionConcurrency(testContext(t), &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("later"), ReservedConcurrentExecutions: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	out, err := c.Invoke(testContext(t), &lambda.InvokeInput{FunctionName: aws.String("later"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	id := requestID(t, out.ResultMetadata)
	m.Close()

	m2 := testServer(t, func(c *Config) { c.DataDir = dir })
	c2 := lambdaClient(t, m2, "us-east-1")
	if n, _ := m2.Invoker.Queue.Pending(context.Background(), "later"); n != 1 {
		t.Fatalf("%d events pending after restart, want 1", n)
	}
	if _, err := c2.DeleteFunctionConcurrency(testContext(t), &lambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String("later")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, "delivery after restart", func() bool { return starts(t, m2, "later", id) == 1 })
}
