package sqlite_test

import (
	"testing"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/sqlite"
	"github.com/gofaas/gofaas/internal/storetest"
)

func TestIdentityStore(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			storetest.RunIdentityStore(t, func(t *testing.T) gofaas.IdentityStore {
				s := sqlite.NewIdentityStore(openDB(t, kind), storetest.IdentityAccount)
				s.AWSManaged = storetest.AWSManagedPolicies
				return s
			})
		})
	}
}
