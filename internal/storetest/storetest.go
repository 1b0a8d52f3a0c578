// Package storetest is the contract suite for gofaas's store interfaces.
// Every implementation (SQLite, PostgreSQL) runs the same suite from its
// own tests:
//
//	func TestFunctionStore(t *testing.T) {
//		storetest.RunFunctionStore(t, func(t *testing.T) gofaas.FunctionStore { ... })
//	}
//
// Each subtest calls open for a fresh, empty store and relies on open to
// register any cleanup with t.Cleanup.
package storetest

import (
	"errors"
	"testing"

	"github.com/gofaas/gofaas"
)

// wantCode fails t unless err carries the gofaas error code want.
func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := gofaas.ErrorCode(err); got != want {
		t.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

// wantMessage fails t unless err is a *gofaas.Error with message want.
func wantMessage(t *testing.T, err error, want string) {
	t.Helper()
	var e *gofaas.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want a *gofaas.Error with message %q", err, want)
	}
	if got := e.Message; got != want {
		t.Fatalf("error message = %q, want %q", got, want)
	}
}

// ok fails t if err is not nil.
func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}
