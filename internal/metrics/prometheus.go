package metrics

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Prometheus owns a registry with the Go and process collectors and
// gofaas's own metrics, exposed by Handler in the Prometheus text format.
// Labels stay bounded: functions by name only; HTTP requests by service,
// operation (at most maxOperations per service, the rest "other") and
// status code.
type Prometheus struct {
	reg *prometheus.Registry

	invocations *prometheus.CounterVec
	errors      *prometheus.CounterVec
	throttles   *prometheus.CounterVec
	coldStarts  *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	concurrent  *prometheus.GaugeVec

	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec

	mu          sync.Mutex
	ops         map[string]map[string]bool // service → operations seen
	concurrent0 map[string]bool            // functions with a concurrency gauge
}

// maxOperations bounds the operation label values of one service.
const maxOperations = 256

// NewPrometheus returns a Prometheus with its metrics registered.
func NewPrometheus() *Prometheus {
	p := &Prometheus{reg: prometheus.NewRegistry(), ops: map[string]map[string]bool{}, concurrent0: map[string]bool{}}
	fn := []string{"function"}
	p.invocations = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gofaas_lambda_invocations_total",
		Help: "Lambda invocations that ran (not throttled), by function."}, fn)
	p.errors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gofaas_lambda_errors_total",
		Help: "Lambda invocations that ended in a function error, by function."}, fn)
	p.throttles = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gofaas_lambda_throttles_total",
		Help: "Lambda invocation requests throttled by concurrency limits, by function."}, fn)
	p.coldStarts = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gofaas_lambda_cold_starts_total",
		Help: "Lambda invocations that started a new execution environment, by function."}, fn)
	p.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "gofaas_lambda_duration_seconds",
		Help:    "Lambda invocation duration (the REPORT line's Duration), by function.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900}}, fn)
	p.concurrent = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "gofaas_lambda_concurrent_executions",
		Help: "Lambda invocations in flight, by function, sampled once a second."}, fn)
	p.httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gofaas_http_requests_total",
		Help: "API requests served, by service, operation and HTTP status code."}, []string{"service", "operation", "code"})
	p.httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "gofaas_http_request_duration_seconds",
		Help: "API request latency, by service and operation.", Buckets: prometheus.DefBuckets}, []string{"service", "operation"})
	p.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		p.invocations, p.errors, p.throttles, p.coldStarts, p.duration, p.concurrent,
		p.httpRequests, p.httpDuration,
	)
	return p
}

// Registry returns the registry, to register more collectors.
func (p *Prometheus) Registry() *prometheus.Registry { return p.reg }

// Handler serves the registry in the Prometheus exposition format (mount
// it at /metrics).
func (p *Prometheus) Handler() http.Handler {
	return promhttp.HandlerFor(p.reg, promhttp.HandlerOpts{Registry: p.reg})
}

// ObserveInvocation counts one invocation.
func (p *Prometheus) ObserveInvocation(inv *Invocation) {
	fn := inv.Function
	if inv.Throttled {
		p.throttles.WithLabelValues(fn).Inc()
		return
	}
	p.invocations.WithLabelValues(fn).Inc()
	if inv.Error {
		p.errors.WithLabelValues(fn).Inc()
	}
	if inv.InitDuration > 0 {
		p.coldStarts.WithLabelValues(fn).Inc()
	}
	p.duration.WithLabelValues(fn).Observe(inv.Duration.Seconds())
}

// SetConcurrency sets the in-flight gauge of each function in perFunction,
// and zeroes those it no longer names.
func (p *Prometheus) SetConcurrency(perFunction map[string]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for fn := range p.concurrent0 {
		if _, ok := perFunction[fn]; !ok {
			p.concurrent.WithLabelValues(fn).Set(0)
		}
	}
	for fn, n := range perFunction {
		p.concurrent.WithLabelValues(fn).Set(float64(n))
		p.concurrent0[fn] = true
	}
}

// DeleteFunction drops a deleted function's series, keeping the label
// set bounded by the functions that exist.
func (p *Prometheus) DeleteFunction(fn string) {
	for _, v := range []interface{ DeleteLabelValues(...string) bool }{p.invocations, p.errors, p.throttles, p.coldStarts, p.duration, p.concurrent} {
		v.DeleteLabelValues(fn)
	}
	p.mu.Lock()
	delete(p.concurrent0, fn)
	p.mu.Unlock()
}

// operation bounds the operation label values of service.
func (p *Prometheus) operation(service, op string) string {
	if op == "" {
		return "unknown"
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	seen := p.ops[service]
	if seen == nil {
		seen = map[string]bool{}
		p.ops[service] = seen
	}
	if seen[op] {
		return op
	}
	if len(seen) >= maxOperations {
		return "other"
	}
	seen[op] = true
	return op
}

// Instrument wraps h, counting its requests and timing them as service's,
// with the operation op names (nil: Operation).
func (p *Prometheus) Instrument(service string, op func(*http.Request) string, h http.Handler) http.Handler {
	if op == nil {
		op = Operation
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		name := p.operation(service, op(r))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		p.httpRequests.WithLabelValues(service, name, strconv.Itoa(sw.status)).Inc()
		p.httpDuration.WithLabelValues(service, name).Observe(time.Since(start).Seconds())
	})
}

// Operation names the AWS operation of r: the X-Amz-Target suffix (JSON
// protocols), the RPC v2 path's last segment, or the query protocol's
// Action (from the URL or a form body, which it puts back); for other
// requests (rest-json), the method and the first path segment.
func Operation(r *http.Request) string {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		if i := strings.LastIndexByte(t, '.'); i >= 0 {
			return t[i+1:]
		}
		return t
	}
	if _, op, ok := strings.Cut(r.URL.Path, "/operation/"); ok && strings.HasPrefix(r.URL.Path, "/service/") {
		return op
	}
	if a := r.URL.Query().Get("Action"); a != "" {
		return a
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") && r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), r.Body))
		if err == nil {
			if v, err := url.ParseQuery(string(b)); err == nil && v.Get("Action") != "" {
				return v.Get("Action")
			}
		}
	}
	seg, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	return r.Method + " /" + seg
}

// statusWriter records the status code written through it.
type statusWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wroteHeader = true
	return w.ResponseWriter.Write(b)
}

// Flush implements http.Flusher when the underlying writer does.
func (w *statusWriter) Flush() {
	w.wroteHeader = true
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack implements http.Hijacker when the underlying writer does.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, http.ErrNotSupported
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
