package metrics

import (
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/invoke"
)

// LambdaNamespace is the namespace of Lambda's metrics.
const LambdaNamespace = "AWS/Lambda"

// Invocation is one finished (or throttled) invocation, as the Lambda
// metrics need it.
type Invocation struct {
	Function string
	// Qualifier is the version or alias the caller named; "" (or
	// "$LATEST") for the unqualified function.
	Qualifier       string
	ExecutedVersion string
	Duration        time.Duration
	InitDuration    time.Duration // zero on a warm start
	Error           bool
	Throttled       bool
	Async           bool
	Time            time.Time // zero means now
}

// Lambda turns invocations into the AWS/Lambda metrics that Lambda
// publishes, and feeds the Prometheus metrics when Prometheus is set. Its
// methods are safe for concurrent use.
//
// Dimension sets, as AWS publishes them: none (account-wide), FunctionName,
// FunctionName+Resource ("name:qualifier") for invocations of a version or
// alias, and FunctionName+Resource+ExecutedVersion when that ran a
// published version.
type Lambda struct {
	Recorder   *Recorder
	Prometheus *Prometheus // optional
}

// LambdaRecorder returns an invoke.Invoker OnResult hook that records
// every invocation's AWS/Lambda metrics in rec.
func LambdaRecorder(rec *Recorder) func(*invoke.Record) {
	l := &Lambda{Recorder: rec}
	return l.OnResult
}

// OnResult records an invoke.Record; set it as invoke.Invoker.OnResult.
func (l *Lambda) OnResult(r *invoke.Record) {
	l.Invocation(&Invocation{
		Function:        r.Function,
		ExecutedVersion: r.ExecutedVersion,
		Duration:        r.Duration,
		InitDuration:    r.InitDuration,
		Error:           r.Error,
		Throttled:       r.Throttled,
		Async:           r.Async,
		Qualifier:       r.Qualifier,
	})
}

// lambdaDims holds the dimension sets of one invocation without
// allocating.
type lambdaDims struct {
	fn, res, ver [3]gofaas.Dimension
	n            int // sets beyond the account-wide one: 1, 2 or 3
}

// dimsFor fills the dimension sets of function fn invoked as qualifier
// that ran version ver. Dimensions are in sorted order (ExecutedVersion <
// FunctionName < Resource).
func (d *lambdaDims) set(fn, qualifier, ver string) {
	d.fn[0] = gofaas.Dimension{Name: "FunctionName", Value: fn}
	d.n = 1
	if qualifier == "" || qualifier == gofaas.LatestVersion {
		return
	}
	res := gofaas.Dimension{Name: "Resource", Value: fn + ":" + qualifier}
	d.res[0], d.res[1] = d.fn[0], res
	d.n = 2
	if ver != "" && ver != gofaas.LatestVersion {
		d.ver[0] = gofaas.Dimension{Name: "ExecutedVersion", Value: ver}
		d.ver[1], d.ver[2] = d.fn[0], res
		d.n = 3
	}
}

// record adds value to metric name for every dimension set of d.
func (l *Lambda) record(d *lambdaDims, name string, value float64, unit string, t time.Time) {
	r := l.Recorder
	r.Record(LambdaNamespace, name, nil, value, unit, t)
	r.Record(LambdaNamespace, name, d.fn[:1], value, unit, t)
	if d.n >= 2 {
		r.Record(LambdaNamespace, name, d.res[:2], value, unit, t)
	}
	if d.n >= 3 {
		r.Record(LambdaNamespace, name, d.ver[:3], value, unit, t)
	}
}

// Invocation records one invocation: Throttles for a throttled one,
// otherwise Invocations, Errors (0 or 1) and Duration in milliseconds.
func (l *Lambda) Invocation(inv *Invocation) {
	if l.Prometheus != nil {
		l.Prometheus.ObserveInvocation(inv)
	}
	if l.Recorder == nil {
		return
	}
	t := inv.Time
	if t.IsZero() {
		t = l.Recorder.now()
	}
	var d lambdaDims
	d.set(inv.Function, inv.Qualifier, inv.ExecutedVersion)
	if inv.Throttled {
		l.record(&d, "Throttles", 1, "Count", t)
		return
	}
	l.record(&d, "Invocations", 1, "Count", t)
	errs := 0.0
	if inv.Error {
		errs = 1
	}
	l.record(&d, "Errors", errs, "Count", t)
	l.record(&d, "Duration", float64(inv.Duration)/float64(time.Millisecond), "Milliseconds", t)
}

// SampleConcurrency records the invocations in flight, sampled once a
// second: ConcurrentExecutions per function (perFunction) and for the
// account (total), and UnreservedConcurrentExecutions (those of functions
// without reserved concurrency). Read them with the Maximum statistic.
func (l *Lambda) SampleConcurrency(perFunction map[string]int, unreserved, total int, t time.Time) {
	if l.Prometheus != nil {
		l.Prometheus.SetConcurrency(perFunction)
	}
	if l.Recorder == nil {
		return
	}
	if t.IsZero() {
		t = l.Recorder.now()
	}
	r := l.Recorder
	var dim [1]gofaas.Dimension
	for fn, n := range perFunction {
		dim[0] = gofaas.Dimension{Name: "FunctionName", Value: fn}
		r.Record(LambdaNamespace, "ConcurrentExecutions", dim[:], float64(n), "Count", t)
	}
	r.Record(LambdaNamespace, "ConcurrentExecutions", nil, float64(total), "Count", t)
	r.Record(LambdaNamespace, "UnreservedConcurrentExecutions", nil, float64(unreserved), "Count", t)
}

// asyncMetric records an asynchronous-invocation metric with the function's
// dimension sets (AWS publishes these per FunctionName and Resource).
func (l *Lambda) asyncMetric(name, fn, qualifier string, value float64, unit string, t time.Time) {
	if l.Recorder == nil {
		return
	}
	if t.IsZero() {
		t = l.Recorder.now()
	}
	var d lambdaDims
	d.set(fn, qualifier, "")
	l.record(&d, name, value, unit, t)
}

// AsyncEventReceived records AsyncEventsReceived: an event queued for
// asynchronous invocation.
func (l *Lambda) AsyncEventReceived(fn, qualifier string, t time.Time) {
	l.asyncMetric("AsyncEventsReceived", fn, qualifier, 1, "Count", t)
}

// AsyncEventAge records AsyncEventAge: the time from queueing to an
// invocation attempt (milliseconds).
func (l *Lambda) AsyncEventAge(fn, qualifier string, age time.Duration, t time.Time) {
	l.asyncMetric("AsyncEventAge", fn, qualifier, float64(age)/float64(time.Millisecond), "Milliseconds", t)
}

// AsyncEventDropped records AsyncEventsDropped: an event dropped after its
// retries or maximum age, without a destination.
func (l *Lambda) AsyncEventDropped(fn, qualifier string, t time.Time) {
	l.asyncMetric("AsyncEventsDropped", fn, qualifier, 1, "Count", t)
}

// DeadLetterError records DeadLetterErrors: a failed delivery to the
// dead-letter queue.
func (l *Lambda) DeadLetterError(fn, qualifier string, t time.Time) {
	l.asyncMetric("DeadLetterErrors", fn, qualifier, 1, "Count", t)
}

// DestinationDeliveryFailure records DestinationDeliveryFailures: a failed
// delivery to an on-success or on-failure destination.
func (l *Lambda) DestinationDeliveryFailure(fn, qualifier string, t time.Time) {
	l.asyncMetric("DestinationDeliveryFailures", fn, qualifier, 1, "Count", t)
}
