// Package invoke runs Lambda invocations: it resolves the version to run,
// takes an environment from the pool (starting one on a cold start), frames
// the environment's log lines with START, END and REPORT, and turns every
// way an invocation can end into Lambda's answer. Asynchronous invocations
// are stored first (the 202 is an acknowledgement) and delivered by a
// dispatcher with Lambda's retry policy.
package invoke

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/pool"
	"github.com/gofaas/gofaas/internal/sandbox"
	"github.com/google/uuid"
)

// Invoker implements gofaas.Invoker.
type Invoker struct {
	Functions gofaas.FunctionResolver
	Code      gofaas.CodeStore
	Logs      *LogBatcher
	Queue     gofaas.EventQueue
	Pool      *pool.Pool[*Env]
	// Cgroups, when not nil, makes MemorySize a limit.
	Cgroups *sandbox.Cgroups

	Region    string // default region for ARNs and AWS_REGION
	AccountID string
	// Endpoint is given to functions as AWS_ENDPOINT_URL so SDK calls from
	// inside a function reach gofaas.
	Endpoint string
	Now      func() time.Time

	// InitTimeout bounds the init phase (AWS: 10 s).
	InitTimeout time.Duration
	// RetryDelays are the waits before the retries of an asynchronous
	// invocation whose function failed (AWS: about 1 and 2 minutes).
	RetryDelays []time.Duration
	// ThrottleRetry is the first wait after a throttled asynchronous
	// delivery; it doubles up to 5 minutes.
	ThrottleRetry time.Duration
	// AsyncConcurrency bounds asynchronous deliveries in flight.
	AsyncConcurrency int
	// PollInterval is how often the dispatcher looks for due events.
	PollInterval time.Duration
	// OnResult, when set, is told about every finished invocation (metrics).
	OnResult func(*Record)
	// OnAsync, when set, is told about asynchronous events: "received" when
	// one is accepted, "age" (with its age) at each delivery attempt, and
	// "dropped" when one is given up.
	OnAsync func(event, function, qualifier string, age time.Duration)
	// RoleCredentials, when set, gives each new environment temporary
	// credentials of the function's execution role (session name: the
	// function's name). An environment is retired before they expire.
	RoleCredentials func(ctx context.Context, fn *gofaas.Function) (*gofaas.Session, error)

	credMu sync.Mutex
	creds  map[string]*gofaas.Session // by function name and role

	wake     chan struct{}
	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// Record describes one finished invocation, for metrics.
type Record struct {
	Function string
	// Qualifier is the version or alias the caller named, "" for none.
	Qualifier       string
	ExecutedVersion string
	Duration        time.Duration
	InitDuration    time.Duration // zero on a warm start
	Error           bool
	Throttled       bool
	Async           bool
}

var _ gofaas.Invoker = (*Invoker)(nil)

// Open starts the asynchronous dispatcher.
func (iv *Invoker) Open() error {
	if iv.Now == nil {
		iv.Now = time.Now
	}
	if iv.InitTimeout == 0 {
		iv.InitTimeout = 10 * time.Second
	}
	if iv.RetryDelays == nil {
		iv.RetryDelays = []time.Duration{time.Minute, 2 * time.Minute}
	}
	if iv.ThrottleRetry == 0 {
		iv.ThrottleRetry = time.Second
	}
	if iv.AsyncConcurrency == 0 {
		iv.AsyncConcurrency = 64
	}
	if iv.PollInterval == 0 {
		iv.PollInterval = 250 * time.Millisecond
	}
	iv.wake = make(chan struct{}, 1)
	iv.stop = make(chan struct{})
	if iv.Queue != nil {
		if err := iv.Queue.ReleaseLeases(context.Background()); err != nil {
			return fmt.Errorf("release event leases: %w", err)
		}
		iv.wg.Add(1)
		go iv.dispatch()
	}
	return nil
}

// Close stops the dispatcher and waits for deliveries in flight.
func (iv *Invoker) Close() error {
	iv.stopOnce.Do(func() {
		if iv.stop != nil {
			close(iv.stop)
		}
	})
	iv.wg.Wait()
	return nil
}

// Retire drops the environments of a function whose code or configuration
// changed.
func (iv *Invoker) Retire(function string) { iv.Pool.Retire(function) }

// Invoke implements gofaas.Invoker.
func (iv *Invoker) Invoke(ctx context.Context, in *gofaas.InvokeInput) (*gofaas.InvokeOutput, error) {
	fn, err := iv.Functions.Resolve(ctx, in.FunctionName, in.Qualifier)
	if err != nil {
		return nil, err
	}
	reqID := in.RequestID
	if reqID == "" {
		reqID = uuid.NewString()
	}
	switch in.InvocationType {
	case gofaas.InvocationDryRun:
		return &gofaas.InvokeOutput{StatusCode: 204, RequestID: reqID, ExecutedVersion: fn.Version}, nil
	case gofaas.InvocationEvent:
		if len(in.Payload) > gofaas.MaxAsyncPayload {
			return nil, tooLarge(gofaas.MaxAsyncPayload)
		}
		ev := &gofaas.AsyncEvent{ID: reqID, FunctionName: fn.Name, Qualifier: in.Qualifier, Payload: in.Payload, Received: iv.Now()}
		if err := iv.Queue.Enqueue(ctx, ev); err != nil {
			return nil, err
		}
		if iv.OnAsync != nil {
			iv.OnAsync("received", fn.Name, ev.Qualifier, 0)
		}
		select {
		case iv.wake <- struct{}{}:
		default:
		}
		return &gofaas.InvokeOutput{StatusCode: 202, RequestID: reqID}, nil
	case "", gofaas.InvocationRequestResponse:
	default:
		return nil, gofaas.Errorf(gofaas.EINVALID, "1 validation error detected: Value '%s' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]", in.InvocationType)
	}
	if len(in.Payload) > gofaas.MaxSyncPayload {
		return nil, tooLarge(gofaas.MaxSyncPayload)
	}
	region := gofaas.RequestInfoFrom(ctx).Region
	if region == "" {
		region = iv.Region
	}
	return iv.run(fn, in.Qualifier, region, in.Payload, reqID, in.ClientContext, in.LogType == "Tail", false)
}

func tooLarge(limit int) error {
	return &gofaas.Error{Code: gofaas.ETOOLARGE, Type: "RequestTooLargeException",
		Message: "Request must be smaller than " + strconv.Itoa(limit) + " bytes for the InvokeFunction operation"}
}

// run performs one synchronous invocation.
func (iv *Invoker) run(fn *gofaas.Function, qualifier, region string, payload []byte, reqID, clientContext string, tail, async bool) (*gofaas.InvokeOutput, error) {
	key := pool.Key{Function: fn.Name, Version: fn.Version, Revision: fn.RevisionID}
	reserved, err := iv.Functions.ReservedConcurrency(context.Background(), fn.Name)
	if err != nil {
		return nil, err
	}
	lease, err := iv.Pool.Acquire(key, reserved)
	if err != nil {
		if iv.OnResult != nil && gofaas.ErrorCode(err) == gofaas.ETHROTTLED {
			iv.OnResult(&Record{Function: fn.Name, Qualifier: qualifier, ExecutedVersion: fn.Version, Throttled: true, Async: async})
		}
		return nil, err
	}
	var tailBuf *bytes.Buffer
	if tail {
		tailBuf = new(bytes.Buffer)
	}
	e := lease.Env
	var initRes *sandbox.Result
	if !lease.Warm {
		e, err = iv.startEnv(fn, region, tailBuf)
		if err != nil {
			iv.Pool.Release(lease, false)
			return nil, err
		}
		lease.Env = e
		iv.Pool.Started(lease)
		initRes = e.env.Init(iv.Now().Add(iv.InitTimeout))
	} else {
		e.setTail(tailBuf)
	}

	e.platform("START RequestId: " + reqID + " Version: " + fn.Version)
	start := time.Now()
	var res *sandbox.Result
	if initRes != nil {
		res = initRes
	} else {
		arn := gofaas.FunctionARN(region, iv.AccountID, fn.Name, "")
		if fn.Version != gofaas.LatestVersion {
			arn = gofaas.FunctionARN(region, iv.AccountID, fn.Name, fn.Version)
		}
		res = e.env.Invoke(&sandbox.Request{
			RequestID:     reqID,
			Payload:       payload,
			Deadline:      start.Add(time.Duration(fn.Timeout) * time.Second),
			FunctionARN:   arn,
			ClientContext: decodeClientContext(clientContext),
			TraceID:       traceID(),
		})
	}
	dur := time.Since(start)

	out := &gofaas.InvokeOutput{StatusCode: 200, ExecutedVersion: fn.Version, RequestID: reqID, Payload: res.Payload}
	switch res.Outcome {
	case sandbox.OK:
		if len(res.Payload) > gofaas.MaxSyncPayload {
			out.Payload = errorDoc("Function.ResponseSizeTooLarge",
				"Response payload size exceeded maximum allowed payload size ("+strconv.Itoa(gofaas.MaxSyncPayload)+" bytes).")
			out.FunctionError = gofaas.FunctionErrorUnhandled
		}
	case sandbox.FunctionError:
		out.FunctionError = gofaas.FunctionErrorUnhandled
	case sandbox.Timeout:
		out.FunctionError = gofaas.FunctionErrorUnhandled
	default:
		out.FunctionError = gofaas.FunctionErrorUnhandled
		out.Payload = errorDoc(res.ErrorType, "RequestId: "+reqID+" Error: "+res.Message)
		e.platform("RequestId: " + reqID + " Error: " + res.Message + "\n" + res.ErrorType)
	}
	e.platform("END RequestId: " + reqID)
	report := fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t",
		reqID, ms(dur), int64(math.Ceil(ms(dur))), fn.MemorySize, res.MaxMemoryMB)
	if !lease.Warm {
		report += fmt.Sprintf("Init Duration: %.2f ms\t", ms(e.env.InitDuration))
	}
	e.platform(report)
	if res.Outcome == sandbox.Timeout {
		msg := fmt.Sprintf("%s %s Task timed out after %.2f seconds", iv.Now().UTC().Format("2006-01-02T15:04:05.000Z"), reqID, float64(fn.Timeout))
		e.platform(msg)
		out.Payload = mustJSON(map[string]string{"errorMessage": msg})
	}
	if tail {
		out.LogResult = encodeTail(e.takeTail())
	}
	iv.Pool.Release(lease, e.env.Alive())
	if iv.OnResult != nil {
		r := &Record{Function: fn.Name, Qualifier: qualifier, ExecutedVersion: fn.Version, Duration: dur, Error: out.FunctionError != "", Async: async}
		if !lease.Warm {
			r.InitDuration = e.env.InitDuration
		}
		iv.OnResult(r)
	}
	return out, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// encodeTail returns the last 4 KB of the log, base64-encoded.
func encodeTail(b []byte) string {
	if len(b) > 4096 {
		b = b[len(b)-4096:]
	}
	return base64.StdEncoding.EncodeToString(b)
}

func decodeClientContext(s string) string {
	if s == "" {
		return ""
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return ""
	}
	return string(b)
}

func traceID() string {
	var b [12]byte
	rand.Read(b[:])
	return fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0", time.Now().Unix(), hex.EncodeToString(b[:]), hex.EncodeToString(b[:8]))
}

func errorDoc(typ, msg string) []byte {
	return mustJSON(struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}{typ, msg})
}
