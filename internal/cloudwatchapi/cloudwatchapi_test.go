package cloudwatchapi_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/cloudwatchapi"
	"github.com/gofaas/gofaas/internal/metrics"
	"github.com/gofaas/gofaas/internal/sqlite"
)

// env is a CloudWatch API on an httptest server with a fixed clock.
type env struct {
	rec    *metrics.Recorder
	h      *cloudwatchapi.Handler
	srv    *httptest.Server
	client *cloudwatch.Client
	clock  atomic.Int64 // Unix nanoseconds
}

func (e *env) now() time.Time     { return time.Unix(0, e.clock.Load()).UTC() }
func (e *env) setNow(t time.Time) { e.clock.Store(t.UnixNano()) }

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{}
	e.setNow(t0.Add(30 * time.Minute))
	db := sqlite.NewDB("")
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.rec = metrics.NewRecorder(sqlite.NewMetricStore(db))
	e.rec.Now = e.now
	e.rec.FlushInterval = time.Hour
	if err := e.rec.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.rec.Close() })
	e.h = &cloudwatchapi.Handler{Metrics: e.rec, Now: e.now}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := gofaas.WithRequestInfo(r.Context(), &gofaas.RequestInfo{RequestID: "req-1", Region: "us-east-1", AccountID: "123456789012"})
		e.h.ServeHTTP(w, r.WithContext(ctx))
	}))
	t.Cleanup(e.srv.Close)
	e.client = cloudwatch.New(cloudwatch.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
	})
	return e
}

func dims(kv ...string) []types.Dimension {
	var out []types.Dimension
	for i := 0; i < len(kv); i += 2 {
		out = append(out, types.Dimension{Name: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

func TestPutAndGetMetricStatistics(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var values []float64
	for i := range 200 {
		values = append(values, float64(i*i%997)+0.5)
	}
	// The first minute: single values in two calls; the second: Values
	// with Counts and a statistic set of one repeated value.
	var data []types.MetricDatum
	for i, v := range values {
		data = append(data, types.MetricDatum{MetricName: aws.String("Latency"), Dimensions: dims("Service", "api", "Host", "a"),
			Value: aws.Float64(v), Unit: types.StandardUnitMilliseconds, Timestamp: aws.Time(t0.Add(time.Duration(i) * 100 * time.Millisecond))})
	}
	for _, chunk := range [][]types.MetricDatum{data[:100], data[100:]} {
		if _, err := e.client.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("App"), MetricData: chunk}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.client.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("App"), MetricData: []types.MetricDatum{
		{MetricName: aws.String("Latency"), Dimensions: dims("Host", "a", "Service", "api"), Unit: types.StandardUnitMilliseconds,
			Timestamp: aws.Time(t0.Add(time.Minute)), Values: []float64{1, 2, 3}, Counts: []float64{1, 2, 3}},
		{MetricName: aws.String("Latency"), Dimensions: dims("Host", "a", "Service", "api"), Unit: types.StandardUnitMilliseconds,
			Timestamp:       aws.Time(t0.Add(time.Minute + time.Second)),
			StatisticValues: &types.StatisticSet{SampleCount: aws.Float64(4), Sum: aws.Float64(40), Minimum: aws.Float64(10), Maximum: aws.Float64(10)}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	get := func(stats []types.Statistic, ext []string) *cloudwatch.GetMetricStatisticsOutput {
		t.Helper()
		out, err := e.client.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
			Namespace: aws.String("App"), MetricName: aws.String("Latency"), Dimensions: dims("Service", "api", "Host", "a"),
			StartTime: aws.Time(t0), EndTime: aws.Time(t0.Add(5 * time.Minute)), Period: aws.Int32(60),
			Statistics: stats, ExtendedStatistics: ext,
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, flushed := range []bool{false, true} {
		if flushed {
			if err := e.rec.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
		out := get([]types.Statistic{"SampleCount", "Sum", "Average", "Minimum", "Maximum"}, nil)
		if got, want := aws.ToString(out.Label), "Latency"; got != want {
			t.Errorf("Label = %q, want %q", got, want)
		}
		if len(out.Datapoints) != 2 {
			t.Fatalf("datapoints = %d, want 2", len(out.Datapoints))
		}
		slices.SortFunc(out.Datapoints, func(a, b types.Datapoint) int { return a.Timestamp.Compare(*b.Timestamp) })
		sorted := slices.Clone(values)
		slices.Sort(sorted)
		var sum float64
		for _, v := range values {
			sum += v
		}
		dp := out.Datapoints[0]
		if !dp.Timestamp.Equal(t0) || *dp.SampleCount != 200 || *dp.Sum != sum || *dp.Average != sum/200 ||
			*dp.Minimum != sorted[0] || *dp.Maximum != sorted[199] || dp.Unit != types.StandardUnitMilliseconds {
			t.Errorf("first minute = %+v (want sum %v min %v max %v)", dp, sum, sorted[0], sorted[199])
		}
		dp = out.Datapoints[1]
		if *dp.SampleCount != 10 || *dp.Sum != 1+4+9+40 || *dp.Minimum != 1 || *dp.Maximum != 10 {
			t.Errorf("second minute = %+v", dp)
		}
		out = get(nil, []string{"p50", "p99", "p99.9"})
		slices.SortFunc(out.Datapoints, func(a, b types.Datapoint) int { return a.Timestamp.Compare(*b.Timestamp) })
		for _, p := range []struct {
			name string
			q    float64
		}{{"p50", 50}, {"p99", 99}, {"p99.9", 99.9}} {
			got := out.Datapoints[0].ExtendedStatistics[p.name]
			rank := int(math.Ceil(p.q / 100 * 200))
			want := sorted[rank-1]
			if math.Abs(got-want) > gofaas.HistogramError*want {
				t.Errorf("%s = %v, want %v", p.name, got, want)
			}
		}
		// 1, 2, 2, 3, 3, 3, 10, 10, 10, 10: the median is 3.
		if got := out.Datapoints[1].ExtendedStatistics["p50"]; math.Abs(got-3) > 3*gofaas.HistogramError {
			t.Errorf("second minute p50 = %v, want 3", got)
		}
	}
}

func TestErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.client.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/Lambda"),
		MetricData: []types.MetricDatum{{MetricName: aws.String("X"), Value: aws.Float64(1)}}})
	var ipv *types.InvalidParameterValueException
	if !errors.As(err, &ipv) {
		t.Fatalf("err = %v, want InvalidParameterValueException", err)
	}
	if got, want := ipv.ErrorMessage(), "The value AWS/Lambda for parameter Namespace is invalid."; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	if got, want := ipv.ErrorCode(), "InvalidParameterValue"; got != want {
		t.Errorf("code = %q, want %q", got, want)
	}
	_, err = e.client.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
		Namespace: aws.String("App"), MetricName: aws.String("M"),
		StartTime: aws.Time(e.now().Add(-1441 * time.Minute)), EndTime: aws.Time(e.now()), Period: aws.Int32(60),
		Statistics: []types.Statistic{"Sum"}})
	var ipc *types.InvalidParameterCombinationException
	if !errors.As(err, &ipc) {
		t.Fatalf("err = %v, want InvalidParameterCombinationException", err)
	}
	if got, want := ipc.ErrorMessage(), "You have requested up to 1,441 datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range."; got != want {
		t.Errorf("message = %q", got)
	}
	_, err = e.client.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
		Namespace: aws.String("App"), MetricName: aws.String("M"),
		StartTime: aws.Time(e.now().Add(-time.Hour)), EndTime: aws.Time(e.now()), Period: aws.Int32(61),
		Statistics: []types.Statistic{"Sum"}})
	if !errors.As(err, &ipv) {
		t.Fatalf("period 61: err = %v, want InvalidParameterValueException", err)
	}
	// Unauthorized callers get AccessDenied.
	e.h.Authorizer = denyAll{}
	_, err = e.client.ListMetrics(ctx, &cloudwatch.ListMetricsInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Fatalf("err = %v, want AccessDenied", err)
	}
}

type denyAll struct{}

func (denyAll) Authorize(ctx context.Context, req *gofaas.AuthRequest) error {
	return gofaas.Errorf(gofaas.EUNAUTHORIZED, "User: anonymous is not authorized to perform: %s on resource: %s", req.Action, req.Resource)
}

func fuzzRecorder(tb testing.TB, now *time.Time) *metrics.Recorder {
	db := sqlite.NewDB("")
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	r := metrics.NewRecorder(sqlite.NewMetricStore(db))
	r.Now = func() time.Time { return *now }
	return r
}
