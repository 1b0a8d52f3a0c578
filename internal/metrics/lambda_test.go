package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/invoke"
	"github.com/gofaas/gofaas/internal/metrics"
)

func TestLambdaMetrics(t *testing.T) {
	now := t0.Add(5 * time.Minute)
	r := newRecorder(t, &now)
	p := metrics.NewPrometheus()
	l := &metrics.Lambda{Recorder: r, Prometheus: p}
	ctx := context.Background()
	l.Invocation(&metrics.Invocation{Function: "f", Duration: 10 * time.Millisecond, InitDuration: time.Millisecond, Time: t0})
	l.Invocation(&metrics.Invocation{Function: "f", Qualifier: "live", ExecutedVersion: "3", Duration: 30 * time.Millisecond, Error: true, Time: t0})
	l.Invocation(&metrics.Invocation{Function: "f", Qualifier: "3", ExecutedVersion: "3", Duration: 20 * time.Millisecond, Time: t0})
	l.Invocation(&metrics.Invocation{Function: "f", Throttled: true, Time: t0})
	l.Invocation(&metrics.Invocation{Function: "g", Duration: 5 * time.Millisecond, Time: t0})
	metrics.LambdaRecorder(r)(&invoke.Record{Function: "g", ExecutedVersion: "$LATEST", Duration: 7 * time.Millisecond})
	l.SampleConcurrency(map[string]int{"f": 3, "g": 1}, 4, 4, t0)
	l.SampleConcurrency(map[string]int{"f": 1}, 1, 1, t0.Add(time.Second))
	l.AsyncEventReceived("f", "", t0)
	l.AsyncEventAge("f", "", 1500*time.Millisecond, t0)

	sum := func(name, stat string, kv ...string) float64 {
		t.Helper()
		var d []gofaas.Dimension
		for i := 0; i < len(kv); i += 2 {
			d = append(d, gofaas.Dimension{Name: kv[i], Value: kv[i+1]})
		}
		dps, err := r.GetMetricStatistics(ctx, &metrics.StatisticsInput{
			Metric: gofaas.Metric{Namespace: "AWS/Lambda", Name: name, Dimensions: d},
			Start:  t0, End: now, Period: 300, Statistics: []string{stat}})
		if err != nil {
			t.Fatal(err)
		}
		var v float64
		for _, dp := range dps {
			switch stat {
			case "Sum":
				v += *dp.Sum
			case "Maximum":
				v = max(v, *dp.Maximum)
			case "Average":
				v = *dp.Average
			}
		}
		return v
	}
	for _, c := range []struct {
		name, stat string
		dims       []string
		want       float64
	}{
		{"Invocations", "Sum", []string{"FunctionName", "f"}, 3},
		{"Invocations", "Sum", nil, 4}, // the LambdaRecorder one is at now, past End
		{"Invocations", "Sum", []string{"FunctionName", "f", "Resource", "f:live"}, 1},
		{"Invocations", "Sum", []string{"FunctionName", "f", "Resource", "f:3"}, 1},
		{"Invocations", "Sum", []string{"FunctionName", "f", "Resource", "f:live", "ExecutedVersion", "3"}, 1},
		{"Errors", "Sum", []string{"FunctionName", "f"}, 1},
		{"Errors", "Sum", nil, 1},
		{"Throttles", "Sum", []string{"FunctionName", "f"}, 1},
		{"Throttles", "Sum", nil, 1},
		{"Duration", "Maximum", []string{"FunctionName", "f"}, 30},
		{"Duration", "Average", []string{"FunctionName", "f"}, 20},
		{"ConcurrentExecutions", "Maximum", []string{"FunctionName", "f"}, 3},
		{"ConcurrentExecutions", "Maximum", nil, 4},
		{"UnreservedConcurrentExecutions", "Maximum", nil, 4},
		{"AsyncEventsReceived", "Sum", []string{"FunctionName", "f"}, 1},
		{"AsyncEventAge", "Maximum", []string{"FunctionName", "f"}, 1500},
	} {
		if got := sum(c.name, c.stat, c.dims...); got != c.want {
			t.Errorf("%s %s %v = %v, want %v", c.name, c.stat, c.dims, got, c.want)
		}
	}

	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`gofaas_lambda_invocations_total{function="f"} 3`,
		`gofaas_lambda_errors_total{function="f"} 1`,
		`gofaas_lambda_throttles_total{function="f"} 1`,
		`gofaas_lambda_cold_starts_total{function="f"} 1`,
		`gofaas_lambda_duration_seconds_count{function="f"} 3`,
		`gofaas_lambda_concurrent_executions{function="f"} 1`,
		`gofaas_lambda_concurrent_executions{function="g"} 0`,
		`go_goroutines`,
		`process_cpu_seconds_total`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestPrometheusInstrument(t *testing.T) {
	p := metrics.NewPrometheus()
	h := p.Instrument("logs", nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") == "Logs_20140328.Bad" {
			w.WriteHeader(400)
		}
		io.WriteString(w, "{}")
	}))
	for _, target := range []string{"Logs_20140328.PutLogEvents", "Logs_20140328.PutLogEvents", "Logs_20140328.Bad"} {
		req := httptest.NewRequest("POST", "/", strings.NewReader("{}"))
		req.Header.Set("X-Amz-Target", target)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	q := p.Instrument("monitoring", nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if !strings.Contains(string(b), "Action=ListMetrics") {
			t.Errorf("body not restored: %q", b)
		}
	}))
	req := httptest.NewRequest("POST", "/", strings.NewReader("Action=ListMetrics&Version=2010-08-01"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	q.ServeHTTP(httptest.NewRecorder(), req)

	rec := httptest.NewRecorder()
	p.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`gofaas_http_requests_total{code="200",operation="PutLogEvents",service="logs"} 2`,
		`gofaas_http_requests_total{code="400",operation="Bad",service="logs"} 1`,
		`gofaas_http_requests_total{code="200",operation="ListMetrics",service="monitoring"} 1`,
		`gofaas_http_request_duration_seconds_count{operation="PutLogEvents",service="logs"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// BenchmarkLambdaInvocation measures what metrics recording adds to one
// invocation (a version invoked through an alias: four dimension sets),
// CloudWatch and Prometheus together.
func BenchmarkLambdaInvocation(b *testing.B) {
	now := t0
	r := newRecorder(b, &now)
	l := &metrics.Lambda{Recorder: r, Prometheus: metrics.NewPrometheus()}
	inv := &metrics.Invocation{Function: "my-function", Qualifier: "live", ExecutedVersion: "3", Duration: 12 * time.Millisecond, Time: t0}
	b.ReportAllocs()
	for b.Loop() {
		l.Invocation(inv)
	}
}
