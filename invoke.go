package gofaas

import (
	"context"
	"time"
)

// Invocation types of the Invoke API.
const (
	InvocationRequestResponse = "RequestResponse"
	InvocationEvent           = "Event"
	InvocationDryRun          = "DryRun"
)

// Function error kinds reported in X-Amz-Function-Error.
const (
	FunctionErrorHandled   = "Handled"
	FunctionErrorUnhandled = "Unhandled"
)

// InvokeInput is one invocation request.
type InvokeInput struct {
	FunctionName   string // a name, partial or full ARN, possibly with ":qualifier"
	Qualifier      string
	InvocationType string // RequestResponse (default), Event or DryRun
	LogType        string // "Tail" for the last 4 KB of the log
	ClientContext  string // base64 JSON, passed to the runtime
	Payload        []byte
	// RequestID, when set, is used as the invocation's id; otherwise one is
	// generated.
	RequestID string
}

// InvokeOutput is the result of an invocation. A function's own failure
// (handled error, crash, timeout) is reported here, not as a Go error.
type InvokeOutput struct {
	StatusCode      int // 200, 202 (Event) or 204 (DryRun)
	Payload         []byte
	FunctionError   string // "", "Handled" or "Unhandled"
	ExecutedVersion string
	LogResult       string // base64 of the log tail when LogType was Tail
	RequestID       string
}

// Invoker runs functions. It returns ENOTFOUND for unknown functions or
// qualifiers, ETOOLARGE for oversized payloads and ETHROTTLED (with Reason
// set) when a concurrency limit is hit.
type Invoker interface {
	Invoke(ctx context.Context, in *InvokeInput) (*InvokeOutput, error)
}

// AsyncEvent is an accepted asynchronous invocation waiting for delivery.
type AsyncEvent struct {
	ID           string
	FunctionName string
	Qualifier    string
	Payload      []byte
	Attempts     int       // deliveries tried so far
	Received     time.Time // when the event was accepted (202)
	NotBefore    time.Time // earliest next delivery
}

// EventQueue durably holds asynchronous invocations. Enqueue returns only
// after the event is stored, so a 202 is never lost.
type EventQueue interface {
	Enqueue(ctx context.Context, ev *AsyncEvent) error
	// Claim leases up to max events due at now for lease, so that a crashed
	// delivery is retried after the lease runs out.
	Claim(ctx context.Context, now time.Time, lease time.Duration, max int) ([]*AsyncEvent, error)
	// Done removes a delivered (or dropped) event.
	Done(ctx context.Context, id string) error
	// Retry records a failed attempt and the time of the next one.
	Retry(ctx context.Context, id string, attempts int, notBefore time.Time) error
	// Pending counts stored events, for a function or all ("").
	Pending(ctx context.Context, function string) (int, error)
	// ReleaseLeases makes every leased event claimable again at once. A
	// single node calls it at start-up: leases held before a crash belong
	// to deliveries that died with it.
	ReleaseLeases(ctx context.Context) error
}
