package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/sqlite"
	"github.com/gofaas/gofaas/internal/storetest"
)

// kinds are the two ways a DB is opened: a file in WAL mode with separate
// read and write pools, and a private in-memory database.
var kinds = []string{"File", "Memory"}

// openDB opens a fresh DB of the given kind, closed when t ends.
func openDB(t testing.TB, kind string) *sqlite.DB {
	t.Helper()
	path := ":memory:"
	if kind == "File" {
		path = filepath.Join(t.TempDir(), "gofaas.db")
	}
	db := sqlite.NewDB(path)
	if err := db.Open(); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return db
}

func TestFunctionStore(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			storetest.RunFunctionStore(t, func(t *testing.T) gofaas.FunctionStore {
				return sqlite.NewFunctionStore(openDB(t, kind))
			})
		})
	}
}

func TestEventQueue(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			storetest.RunEventQueue(t, func(t *testing.T) gofaas.EventQueue {
				return sqlite.NewEventQueue(openDB(t, kind))
			})
		})
	}
}

func TestLogStore(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			storetest.RunLogStore(t, func(t *testing.T) gofaas.LogStore {
				return sqlite.NewLogStore(openDB(t, kind))
			})
		})
	}
}

func TestEmptyPathIsInMemory(t *testing.T) {
	db := sqlite.NewDB("")
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !db.InMemory() {
		t.Fatal("InMemory() = false for an empty path")
	}
	s := sqlite.NewFunctionStore(db)
	if err := s.CreateFunction(context.Background(), &gofaas.Function{Name: "f"}); err != nil {
		t.Fatal(err)
	}
}

func TestPersistsAcrossReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gofaas.db")
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

	db := sqlite.NewDB(path)
	db.Now = func() time.Time { return t0 }
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	fns := sqlite.NewFunctionStore(db)
	fn := &gofaas.Function{Name: "f", Runtime: gofaas.RuntimeProvidedAL2023, Environment: map[string]string{"K": "V"}}
	if err := fns.CreateFunction(ctx, fn); err != nil {
		t.Fatal(err)
	}
	if _, err := fns.PublishVersion(ctx, "f", "", ""); err != nil {
		t.Fatal(err)
	}
	if err := fns.DeleteFunction(ctx, "f", "1"); err != nil {
		t.Fatal(err)
	}
	if err := fns.PutConcurrency(ctx, "f", 7); err != nil {
		t.Fatal(err)
	}
	ev := &gofaas.AsyncEvent{FunctionName: "f", Payload: []byte(`{"a":1}`)}
	if err := sqlite.NewEventQueue(db).Enqueue(ctx, ev); err != nil {
		t.Fatal(err)
	}
	logs := sqlite.NewLogStore(db)
	if err := logs.PutLogEvents(ctx, []gofaas.LogEvent{{Group: "/aws/lambda/f", Stream: "s", Timestamp: t0, Message: "hello"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = sqlite.NewDB(path)
	if err := db.Open(); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	fns = sqlite.NewFunctionStore(db)
	got, err := fns.GetFunction(ctx, "f", "")
	if err != nil {
		t.Fatal(err)
	}
	if got.RevisionID != fn.RevisionID || got.Environment["K"] != "V" || !got.LastModified.Equal(t0) {
		t.Fatalf("reopened function = %+v, want %+v", got, fn)
	}
	if n, err := fns.GetConcurrency(ctx, "f"); err != nil || n != 7 {
		t.Fatalf("GetConcurrency = %d, %v, want 7", n, err)
	}
	// The version counter survives too: version 1 was deleted, so the
	// next publish is 2.
	got.Timeout = 9
	if err := fns.UpdateFunction(ctx, got, ""); err != nil {
		t.Fatal(err)
	}
	if v, err := fns.PublishVersion(ctx, "f", "", ""); err != nil || v.Version != "2" {
		t.Fatalf("PublishVersion after reopen = %v, %v, want version 2", v, err)
	}
	claimed, err := sqlite.NewEventQueue(db).Claim(ctx, t0.Add(time.Hour), time.Minute, 10)
	if err != nil || len(claimed) != 1 || claimed[0].ID != ev.ID || string(claimed[0].Payload) != `{"a":1}` {
		t.Fatalf("Claim after reopen = %v, %v, want event %s", claimed, err, ev.ID)
	}
	events, err := sqlite.NewLogStore(db).GetLogEvents(ctx, "/aws/lambda/f", "s", time.Time{}, time.Time{}, 0)
	if err != nil || len(events) != 1 || events[0].Message != "hello" || !events[0].Timestamp.Equal(t0) {
		t.Fatalf("GetLogEvents after reopen = %v, %v", events, err)
	}
}

func TestOpenTwiceFails(t *testing.T) {
	db := openDB(t, "Memory")
	if err := db.Open(); err == nil {
		t.Fatal("second Open succeeded, want an error")
	}
}

func TestClosedDB(t *testing.T) {
	db := sqlite.NewDB(":memory:")
	if err := db.Close(); err != nil {
		t.Fatalf("Close of an unopened DB: %v", err)
	}
	_, err := sqlite.NewFunctionStore(db).GetFunction(context.Background(), "f", "")
	if err == nil || gofaas.ErrorCode(err) != gofaas.EINTERNAL {
		t.Fatalf("GetFunction on a closed DB = %v, want an internal error", err)
	}
}

func TestLogGroupsAndStreams(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			db := openDB(t, kind)
			t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			db.Now = func() time.Time { return t0 }
			logs := sqlite.NewLogStore(db)
			put := func(events ...gofaas.LogEvent) {
				t.Helper()
				if err := logs.PutLogEvents(ctx, events); err != nil {
					t.Fatal(err)
				}
			}
			put(
				gofaas.LogEvent{Group: "/aws/lambda/a", Stream: "s1", Timestamp: t0.Add(2 * time.Second), Message: "12345"},
				gofaas.LogEvent{Group: "/aws/lambda/a", Stream: "s1", Timestamp: t0.Add(1 * time.Second), Message: "123"},
				gofaas.LogEvent{Group: "/aws/lambda/a", Stream: "s2", Timestamp: t0, Message: "1"},
				gofaas.LogEvent{Group: "/aws/lambda/b", Stream: "s1", Timestamp: t0, Message: "12"},
				gofaas.LogEvent{Group: "other", Stream: "x", Timestamp: t0, Message: ""},
			)
			put(gofaas.LogEvent{Group: "/aws/lambda/a", Stream: "s1", Timestamp: t0.Add(-time.Second), Message: "1"})

			groups, err := logs.LogGroups(ctx, "/aws/lambda/", "", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(groups) != 2 || groups[0].Name != "/aws/lambda/a" || groups[0].StoredBytes != 10 ||
				groups[1].Name != "/aws/lambda/b" || groups[1].StoredBytes != 2 || !groups[0].Created.Equal(t0) {
				t.Fatalf("LogGroups = %+v", groups)
			}
			if page, err := logs.LogGroups(ctx, "", "/aws/lambda/b", 1); err != nil || len(page) != 1 || page[0].Name != "other" {
				t.Fatalf("LogGroups after marker = %+v, %v, want [other]", page, err)
			}
			streams, err := logs.LogStreams(ctx, "/aws/lambda/a", "", "", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(streams) != 2 {
				t.Fatalf("LogStreams = %+v, want 2", streams)
			}
			s1 := streams[0]
			if s1.Name != "s1" || !s1.FirstEvent.Equal(t0.Add(-time.Second)) || !s1.LastEvent.Equal(t0.Add(2*time.Second)) ||
				s1.StoredBytes != 9 || !s1.LastIngestion.Equal(t0) {
				t.Fatalf("stream s1 = %+v", s1)
			}
			if page, err := logs.LogStreams(ctx, "/aws/lambda/a", "s2", "", 0); err != nil || len(page) != 1 || page[0].Name != "s2" {
				t.Fatalf("LogStreams with prefix = %+v, %v", page, err)
			}
			if _, err := logs.LogStreams(ctx, "missing", "", "", 0); gofaas.ErrorCode(err) != gofaas.ENOTFOUND {
				t.Fatalf("LogStreams of a missing group: %v, want ENOTFOUND", err)
			}
		})
	}
}

func TestFileUsesWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gofaas.db")
	db := sqlite.NewDB(path)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := sqlite.NewFunctionStore(db).CreateFunction(context.Background(), &gofaas.Function{Name: "f"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("no write-ahead log beside the database: %v", err)
	}
}

// TestConcurrentReadersAndWriters checks that the read pool and the single
// writer never fail with SQLITE_BUSY under load.
func TestConcurrentReadersAndWriters(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			s := sqlite.NewFunctionStore(openDB(t, kind))
			if err := s.CreateFunction(ctx, &gofaas.Function{Name: "f"}); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for w := range 4 {
				wg.Go(func() {
					for i := range 50 {
						if w%2 == 0 {
							fn := &gofaas.Function{Name: "f", Timeout: i}
							if err := s.UpdateFunction(ctx, fn, ""); err != nil {
								errs <- err
								return
							}
							if _, err := s.PublishVersion(ctx, "f", "", ""); err != nil {
								errs <- err
								return
							}
						} else if _, err := s.GetFunction(ctx, "f", ""); err != nil {
							errs <- err
							return
						} else if _, err := s.ListVersions(ctx, "f", "", 0); err != nil {
							errs <- err
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
		})
	}
}
