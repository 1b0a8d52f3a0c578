package sqlite_test

import (
	"testing"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/sqlite"
	"github.com/gofaas/gofaas/internal/storetest"
)

func TestLogStoreAPI(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			storetest.RunLogStoreAPI(t, func(t *testing.T) gofaas.LogStore {
				return sqlite.NewLogStore(openDB(t, kind))
			})
		})
	}
}
