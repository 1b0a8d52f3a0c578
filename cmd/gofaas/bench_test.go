package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/gofaas/gofaas/internal/testfn"
)

// BenchmarkColdInvoke: the first invocation of a new function, through the
// whole server (SigV4, IAM, role credentials, process start, Runtime API).
func BenchmarkColdInvoke(b *testing.B) {
	m := benchServer(b)
	c := lambdaClient(nil, m, "us-east-1")
	zip := testfn.Build(b, "hello", "bootstrap")
	ctx := context.Background()
	i := 0
	for b.Loop() {
		b.StopTimer()
		name := fmt.Sprintf("cold%d", i)
		i++
		if _, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(name), Runtime: types.RuntimeProvidedal2023,
			Role: aws.String(testRole), Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: zip}}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(name), Payload: []byte(`{"value":"x"}`)})
		if err != nil || out.FunctionError != nil {
			b.Fatalf("invoke: %v", err)
		}
	}
}

// BenchmarkWarmInvoke: a warm invocation through the whole server with the
// SDK client (whose own cost is included).
func BenchmarkWarmInvoke(b *testing.B) {
	m := benchServer(b)
	c := lambdaClient(nil, m, "us-east-1")
	ctx := context.Background()
	if _, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("warm"), Runtime: types.RuntimeProvidedal2023,
		Role: aws.String(testRole), Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: testfn.Build(b, "hello", "bootstrap")}}); err != nil {
		b.Fatal(err)
	}
	in := &lambda.InvokeInput{FunctionName: aws.String("warm"), Payload: []byte(`{"value":"x"}`)}
	if _, err := c.Invoke(ctx, in); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Invoke(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func benchServer(b *testing.B) *Main {
	m := NewMain()
	m.Out = discard{}
	m.Config.Listen = "127.0.0.1:0"
	m.Config.DataDir = b.TempDir()
	m.Config.AccountID = "123456789012"
	m.Config.Dev = true
	m.Config.IdleTimeout = time.Minute
	if err := m.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	if err := m.Identity.CreateRole(context.Background(), roleLambdaAll()); err != nil {
		b.Fatal(err)
	}
	return m
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkInvokeLogLines compares a silent warm invocation with one whose
// function prints 1,000 lines (500 to stdout, 500 to stderr).
func BenchmarkInvokeLogLines(b *testing.B) {
	m := benchServer(b)
	c := lambdaClient(nil, m, "us-east-1")
	ctx := context.Background()
	if _, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("printer"), Runtime: types.RuntimeProvidedal2023,
		Role: aws.String(testRole), Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: testfn.Build(b, "behave", "bootstrap")}}); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name    string
		payload string
	}{{"silent", `{"op":"echo"}`}, {"1000lines", `{"op":"print","lines":500}`}} {
		b.Run(bc.name, func(b *testing.B) {
			in := &lambda.InvokeInput{FunctionName: aws.String("printer"), Payload: []byte(bc.payload)}
			if _, err := c.Invoke(ctx, in); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := c.Invoke(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
