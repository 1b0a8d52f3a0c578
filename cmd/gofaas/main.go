// Command gofaas is the AWS serverless stack as one binary.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gofaas/gofaas/internal/sandbox"
)

func main() {
	if sandbox.IsStub() {
		sandbox.StubMain() // a pre-started runtime process: see internal/sandbox/stubs.go
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCommand().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "gofaas:", err)
		os.Exit(1)
	}
}
