package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/sqlite"
)

// benchDB opens a file database, as the server runs it.
func benchDB(b *testing.B) *sqlite.DB {
	b.Helper()
	db := sqlite.NewDB(filepath.Join(b.TempDir(), "bench.db"))
	if err := db.Open(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func BenchmarkGetFunction(b *testing.B) {
	ctx := context.Background()
	s := sqlite.NewFunctionStore(benchDB(b))
	fn := &gofaas.Function{Name: "f", Runtime: gofaas.RuntimeProvidedAL2023, Handler: "bootstrap",
		Environment: map[string]string{"A": "1", "B": "2"}, Architectures: []string{"x86_64"}}
	if err := s.CreateFunction(ctx, fn); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.GetFunction(ctx, "f", gofaas.LatestVersion); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetFunctionParallel(b *testing.B) {
	ctx := context.Background()
	s := sqlite.NewFunctionStore(benchDB(b))
	if err := s.CreateFunction(ctx, &gofaas.Function{Name: "f"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.GetFunction(ctx, "f", gofaas.LatestVersion); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkEnqueueClaimDone measures one asynchronous event's trip
// through the queue: three write transactions.
func BenchmarkEnqueueClaimDone(b *testing.B) {
	ctx := context.Background()
	q := sqlite.NewEventQueue(benchDB(b))
	payload := []byte(`{"key":"value","n":42}`)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		ev := &gofaas.AsyncEvent{FunctionName: "f", Payload: payload, Received: now}
		if err := q.Enqueue(ctx, ev); err != nil {
			b.Fatal(err)
		}
		evs, err := q.Claim(ctx, now, time.Minute, 1)
		if err != nil || len(evs) != 1 {
			b.Fatalf("Claim = %d events, %v", len(evs), err)
		}
		if err := q.Done(ctx, evs[0].ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutLogEvents100 stores batches of 100 log lines.
func BenchmarkPutLogEvents100(b *testing.B) {
	ctx := context.Background()
	s := sqlite.NewLogStore(benchDB(b))
	batch := make([]gofaas.LogEvent, 100)
	t0 := time.Now()
	for i := range batch {
		batch[i] = gofaas.LogEvent{Group: "/aws/lambda/f", Stream: "2026/11/28/[$LATEST]abc",
			Message: fmt.Sprintf("2026-11-28T12:00:00.000Z\tinfo\tline %d of the function's output", i)}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		for j := range batch {
			batch[j].Timestamp = t0.Add(time.Duration(i*100+j) * time.Microsecond)
		}
		if err := s.PutLogEvents(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
}
