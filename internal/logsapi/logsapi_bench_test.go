package logsapi_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/logsapi"
	"github.com/gofaas/gofaas/internal/sqlite"
)

// A log group of 1,000,000 Lambda-like lines over 10 streams and an hour,
// one line in 100 an ERROR, built once per test binary.
const (
	benchGroup   = "/aws/lambda/bench"
	benchEvents  = 1_000_000
	benchStreams = 10
)

var (
	benchOnce    sync.Once
	benchHandler *logsapi.Handler
	benchErr     error
	benchDir     string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func benchLogs(b *testing.B) *logsapi.Handler {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "logsbench")
		if benchErr != nil {
			return
		}
		db := sqlite.NewDB(filepath.Join(benchDir, "logs.db"))
		if benchErr = db.Open(); benchErr != nil {
			return
		}
		store := sqlite.NewLogStore(db)
		start := time.Now()
		t := t0.Add(-time.Hour)
		batch := make([]gofaas.LogEvent, 0, 10_000)
		for i := range benchEvents {
			level := "INFO"
			if i%100 == 99 {
				level = "ERROR"
			}
			batch = append(batch, gofaas.LogEvent{
				Group: benchGroup, Stream: fmt.Sprintf("2026/11/28/[$LATEST]%032x", i%benchStreams),
				Timestamp: t.Add(time.Duration(i) * 3600 * time.Millisecond / benchEvents * 1000 / 1000),
				Message:   fmt.Sprintf("2026-11-28T11:00:00.000Z\t%08x-1111-2222-3333-444455556666\t%s\tprocessed item %d of the batch", i/10, level, i),
			})
			if len(batch) == cap(batch) {
				if benchErr = store.PutLogEvents(context.Background(), batch); benchErr != nil {
					return
				}
				batch = batch[:0]
			}
		}
		fmt.Fprintf(os.Stderr, "built %d events in %v (%.2f µs/event)\n", benchEvents, time.Since(start),
			float64(time.Since(start).Microseconds())/benchEvents)
		benchHandler = &logsapi.Handler{Store: store, Now: func() time.Time { return t0 }}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchHandler
}

// BenchmarkFilterLogEvents1M times the first page of FilterLogEvents over
// the 1,000,000-event group, as aws logs tail --filter-pattern asks it.
func BenchmarkFilterLogEvents1M(b *testing.B) {
	h := benchLogs(b)
	ctx := context.Background()
	for _, tt := range []struct{ name, pattern string }{
		{"Term", "ERROR"},
		{"RareTerm", `"item 999999 "`},
		{"Alternatives", "?ERROR ?WARN"},
		{"All", ""},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			var n int
			for b.Loop() {
				out, err := h.FilterLogEvents(ctx, &logsapi.FilterLogEventsInput{LogGroupName: benchGroup,
					FilterPattern: aws.String(tt.pattern), Interleaved: aws.Bool(true)})
				if err != nil {
					b.Fatal(err)
				}
				n = len(out.Events)
			}
			b.ReportMetric(float64(n), "events/page")
		})
	}
}

// BenchmarkFilterLogEvents1MAllPages times paging through every ERROR
// line of the 1,000,000-event group, as aws logs tail without --follow
// does.
func BenchmarkFilterLogEvents1MAllPages(b *testing.B) {
	h := benchLogs(b)
	ctx := context.Background()
	var n, pages int
	for b.Loop() {
		n, pages = 0, 0
		in := &logsapi.FilterLogEventsInput{LogGroupName: benchGroup, FilterPattern: aws.String("ERROR")}
		for {
			out, err := h.FilterLogEvents(ctx, in)
			if err != nil {
				b.Fatal(err)
			}
			n += len(out.Events)
			pages++
			if out.NextToken == "" {
				break
			}
			in.NextToken = aws.String(out.NextToken)
		}
	}
	if n != benchEvents/100 {
		b.Fatalf("found %d ERROR lines, want %d", n, benchEvents/100)
	}
	b.ReportMetric(float64(pages), "pages")
}
