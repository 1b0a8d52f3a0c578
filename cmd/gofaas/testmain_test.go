package main

import (
	"os"
	"testing"

	"github.com/gofaas/gofaas/internal/sandbox"
)

// TestMain lets the test binary serve as sandbox stubs, as main does.
func TestMain(m *testing.M) {
	if sandbox.IsStub() {
		sandbox.StubMain()
	}
	os.Exit(m.Run())
}
