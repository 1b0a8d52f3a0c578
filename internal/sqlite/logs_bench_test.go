package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/sqlite"
)

// benchmarkPutLogEvents stores batches of n log lines spread over three
// streams of one group, as the invoke path's batcher does with three busy
// environments, and reports the cost per event.
func benchmarkPutLogEvents(b *testing.B, n int) {
	ctx := context.Background()
	s := sqlite.NewLogStore(benchDB(b))
	batch := make([]gofaas.LogEvent, n)
	t0 := time.Now()
	for i := range batch {
		batch[i] = gofaas.LogEvent{Group: "/aws/lambda/f", Stream: fmt.Sprintf("2026/11/28/[$LATEST]abc%d", i%3),
			Message: fmt.Sprintf("2026-11-28T12:00:00.000Z\tinfo\tline %d of the function's output", i)}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		for j := range batch {
			batch[j].Timestamp = t0.Add(time.Duration(i*n+j) * time.Microsecond)
		}
		if err := s.PutLogEvents(ctx, batch); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(i*n), "ns/event")
}

func BenchmarkPutLogEvents3Streams(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchmarkPutLogEvents(b, n) })
	}
}
