package metrics_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/metrics"
	"github.com/gofaas/gofaas/internal/sqlite"
)

// newRecorder returns a Recorder over an in-memory database whose clock
// reads *now.
func newRecorder(t testing.TB, now *time.Time) *metrics.Recorder {
	t.Helper()
	db := sqlite.NewDB("")
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r := metrics.NewRecorder(sqlite.NewMetricStore(db))
	r.Now = func() time.Time { return *now }
	r.FlushInterval = time.Hour
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// nearestRank returns the true nearest-rank percentile of sorted values.
func nearestRank(sorted []float64, p float64) float64 {
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = max(rank, 1)
	return sorted[rank-1]
}

func TestRecordStatistics(t *testing.T) {
	now := t0.Add(10 * time.Minute)
	r := newRecorder(t, &now)
	ctx := context.Background()
	dims := []gofaas.Dimension{{Name: "FunctionName", Value: "f"}}
	rng := rand.New(rand.NewPCG(1, 2))
	var minute [3][]float64
	for i := range 3 {
		for j := range 1000 {
			v := math.Exp(rng.NormFloat64()*2) * 10
			minute[i] = append(minute[i], v)
			r.Record("NS", "Duration", dims, v, "Milliseconds", t0.Add(time.Duration(i)*time.Minute+time.Duration(j)*time.Millisecond))
		}
	}
	in := &metrics.StatisticsInput{
		Metric: gofaas.Metric{Namespace: "NS", Name: "Duration", Dimensions: dims},
		Start:  t0.Add(-time.Minute), End: t0.Add(5 * time.Minute), Period: 60,
		Statistics:         metrics.Statistics,
		ExtendedStatistics: []string{"p0", "p50", "p90", "p99", "p99.9", "p100"},
	}
	check := func(t *testing.T) {
		t.Helper()
		dps, err := r.GetMetricStatistics(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(dps), 3; got != want {
			t.Fatalf("datapoints = %d, want %d", got, want)
		}
		for i, dp := range dps {
			vals := slices.Clone(minute[i])
			slices.Sort(vals)
			var sum float64
			for _, v := range minute[i] {
				sum += v
			}
			if got, want := dp.Timestamp, t0.Add(time.Duration(i)*time.Minute); !got.Equal(want) {
				t.Errorf("timestamp = %v, want %v", got, want)
			}
			if got, want := *dp.SampleCount, 1000.0; got != want {
				t.Errorf("SampleCount = %v, want %v", got, want)
			}
			if got, want := *dp.Minimum, vals[0]; got != want {
				t.Errorf("Minimum = %v, want %v", got, want)
			}
			if got, want := *dp.Maximum, vals[len(vals)-1]; got != want {
				t.Errorf("Maximum = %v, want %v", got, want)
			}
			if got, want := *dp.Sum, sum; math.Abs(got-want) > 1e-9*want {
				t.Errorf("Sum = %v, want %v", got, want)
			}
			if got, want := *dp.Average, sum/1000; math.Abs(got-want) > 1e-9*want {
				t.Errorf("Average = %v, want %v", got, want)
			}
			for _, p := range []float64{0, 50, 90, 99, 99.9, 100} {
				name := metrics.FormatPercentile(p)
				got, ok := dp.Extended[name]
				if !ok {
					t.Fatalf("%s missing", name)
				}
				want := nearestRank(vals, p)
				if p == 0 {
					want = vals[0]
				}
				if math.Abs(got-want) > gofaas.HistogramError*want {
					t.Errorf("%s = %v, want %v ± %.2f%%", name, got, want, gofaas.HistogramError*100)
				}
			}
			if dp.Unit != "Milliseconds" {
				t.Errorf("Unit = %q", dp.Unit)
			}
		}
	}
	t.Run("pending", check)
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	t.Run("flushed", check)
	// Half flushed, half pending: the same answers.
	r.Record("NS", "Other", nil, 1, "", t0)
	t.Run("mixed", check)
}

func TestStatisticsUnitsAndSets(t *testing.T) {
	now := t0.Add(10 * time.Minute)
	r := newRecorder(t, &now)
	ctx := context.Background()
	m := gofaas.Metric{Namespace: "NS", Name: "M"}
	r.Record("NS", "M", nil, 2, "Count", t0)
	r.Record("NS", "M", nil, 4, "Seconds", t0)
	st := &gofaas.Stats{}
	st.AddSet(10, 100, 1, 30)
	r.Put(m, "Count", t0.Add(time.Minute), false, st)
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	in := &metrics.StatisticsInput{Metric: m, Start: t0, End: t0.Add(2 * time.Minute), Period: 120,
		Statistics: []string{"Sum", "SampleCount"}, ExtendedStatistics: []string{"p50"}}
	dps, err := r.GetMetricStatistics(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(dps) != 2 {
		t.Fatalf("datapoints = %+v, want one per unit", dps)
	}
	if dps[0].Unit != "Count" || *dps[0].Sum != 102 || *dps[0].SampleCount != 11 {
		t.Errorf("Count datapoint = %+v", dps[0])
	}
	if _, ok := dps[0].Extended["p50"]; ok {
		t.Errorf("p50 available after a statistic set")
	}
	if dps[1].Unit != "Seconds" || *dps[1].Sum != 4 || dps[1].Extended["p50"] != 4 {
		t.Errorf("Seconds datapoint = %+v", dps[1])
	}
	in.Unit = "Seconds"
	dps, _ = r.GetMetricStatistics(ctx, in)
	if len(dps) != 1 || dps[0].Unit != "Seconds" {
		t.Errorf("with Unit: %+v", dps)
	}
}

func TestDatapointLimit(t *testing.T) {
	now := t0
	r := newRecorder(t, &now)
	_, err := r.GetMetricStatistics(context.Background(), &metrics.StatisticsInput{
		Metric: gofaas.Metric{Namespace: "NS", Name: "M"}, Start: t0.Add(-1441 * time.Minute), End: t0, Period: 60,
		Statistics: []string{"Sum"}})
	want := "You have requested up to 1,441 datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range."
	if got := gofaas.ErrorMessage(err); got != want {
		t.Fatalf("error = %q, want %q", got, want)
	}
}

func TestRollup(t *testing.T) {
	now := t0
	r := newRecorder(t, &now)
	ctx := context.Background()
	m := gofaas.Metric{Namespace: "NS", Name: "M"}
	old := t0.Add(-20 * 24 * time.Hour) // past 15 days: 5-minute points
	for i := range 10 {
		r.Record("NS", "M", nil, float64(i), "Count", old.Add(time.Duration(i)*time.Minute))
	}
	r.Record("NS", "M", nil, 7, "Count", t0.Add(-400*24*time.Hour))
	r.Record("NS", "M", nil, 7, "Count", t0.Add(-500*24*time.Hour))
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.Rollup(ctx, now); err != nil {
		t.Fatal(err)
	}
	pts, err := r.Points(ctx, m, "", t0.Add(-600*24*time.Hour), t0)
	if err != nil {
		t.Fatal(err)
	}
	var res []int
	var total float64
	for _, p := range pts {
		res = append(res, p.Resolution)
		total += p.Stats.SampleCount
	}
	// 10 one-minute points from 20 days ago become 5-minute points (2 or
	// 3 of them); the 400-day-old one becomes hourly; the 500-day-old one
	// is gone.
	if total != 11 {
		t.Errorf("sample count after rollup = %v, want 11 (points %v)", total, res)
	}
	for _, p := range pts {
		age := t0.Sub(p.Time)
		switch {
		case age > 63*24*time.Hour && p.Resolution != 3600, age > 15*24*time.Hour && age <= 63*24*time.Hour && p.Resolution != 300:
			t.Errorf("point of age %v has resolution %d", age, p.Resolution)
		}
	}
	dps, err := r.GetMetricStatistics(ctx, &metrics.StatisticsInput{Metric: m, Start: old, End: old.Add(time.Hour), Period: 3600,
		Statistics: []string{"Sum", "SampleCount", "Maximum"}, ExtendedStatistics: []string{"p100"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(dps) != 1 || *dps[0].Sum != 45 || *dps[0].SampleCount != 10 || *dps[0].Maximum != 9 || dps[0].Extended["p100"] != 9 {
		t.Errorf("rolled-up statistics = %+v", dps)
	}
}

func TestConcurrentRecordAndFlush(t *testing.T) {
	now := t0
	r := newRecorder(t, &now)
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dims := []gofaas.Dimension{{Name: "FunctionName", Value: string(rune('a' + g%3))}}
			for i := range 2000 {
				r.Record("NS", "Invocations", dims, 1, "Count", t0.Add(time.Duration(i)*time.Millisecond))
			}
		}()
	}
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				r.Flush(ctx)
			}
		}
	}()
	wg.Wait()
	close(stop)
	var total float64
	for _, fn := range []string{"a", "b", "c"} {
		dps, err := r.GetMetricStatistics(ctx, &metrics.StatisticsInput{
			Metric: gofaas.Metric{Namespace: "NS", Name: "Invocations", Dimensions: []gofaas.Dimension{{Name: "FunctionName", Value: fn}}},
			Start:  t0, End: t0.Add(time.Minute), Period: 60, Statistics: []string{"Sum"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, dp := range dps {
			total += *dp.Sum
		}
	}
	if total != 16000 {
		t.Fatalf("total = %v, want 16000", total)
	}
}

func BenchmarkRecord(b *testing.B) {
	now := t0
	r := newRecorder(b, &now)
	dims := []gofaas.Dimension{{Name: "FunctionName", Value: "my-function"}, {Name: "Resource", Value: "my-function:live"}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r.Record("AWS/Lambda", "Duration", dims, float64(i%1000), "Milliseconds", t0)
	}
}

func BenchmarkRecordParallel(b *testing.B) {
	now := t0
	r := newRecorder(b, &now)
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := rand.IntN(len(names))
		dims := []gofaas.Dimension{{Name: "FunctionName", Value: names[i]}}
		for pb.Next() {
			r.Record("AWS/Lambda", "Duration", dims, 12.5, "Milliseconds", t0)
		}
	})
}

func BenchmarkGetMetricStatisticsDay(b *testing.B) {
	now := t0
	r := newRecorder(b, &now)
	ctx := context.Background()
	dims := []gofaas.Dimension{{Name: "FunctionName", Value: "f"}}
	start := t0.Add(-24 * time.Hour)
	for i := range 1440 {
		for j := range 10 {
			r.Record("AWS/Lambda", "Duration", dims, float64(j+i%7), "Milliseconds", start.Add(time.Duration(i)*time.Minute))
		}
	}
	if err := r.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	in := &metrics.StatisticsInput{Metric: gofaas.Metric{Namespace: "AWS/Lambda", Name: "Duration", Dimensions: dims},
		Start: start, End: t0, Period: 60, Statistics: metrics.Statistics, ExtendedStatistics: []string{"p99"}}
	for b.Loop() {
		dps, err := r.GetMetricStatistics(ctx, in)
		if err != nil || len(dps) != 1440 {
			b.Fatal(len(dps), err)
		}
	}
}
