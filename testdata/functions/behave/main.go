// Command behave is a test function whose behaviour is chosen by its event,
// {"op": ...}. Built against a current github.com/aws/aws-lambda-go, the same
// binary serves the Runtime API (provided.al2023, named bootstrap) and the go1.x
// net/rpc protocol (named by the Handler), whichever the environment offers.
//
// Operations (fields beside "op" in parentheses):
//
//	echo              return the event, byte for byte (also when "op" is absent)
//	sleep (ms)        sleep ms milliseconds, then answer {"slept": ms}
//	error (message)   return errors.New(message): a handled error, errorType "errorString"
//	panic (message)   panic(message)
//	exit (code)       os.Exit(code) in the middle of the invocation
//	print (lines)     write lines lines to stdout and to stderr, then answer {"printed": lines}
//	env               answer the process environment and the lambdacontext fields
//	big (bytes)       answer a JSON string whose encoding is exactly bytes bytes (at least 2)
//	alloc (mb)        allocate and touch mb MiB, then answer {"allocated": mb}
//	count             increment a counter kept in a global and answer it, with the pid
//
// At start-up, BEHAVE_INIT_SLEEP_MS=N sleeps N milliseconds before lambda.Start,
// and BEHAVE_INIT_FAIL makes initialisation fail before lambda.Start: "exit" exits
// with status 3, any other non-empty value other than "0" panics.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// event is the input; only the fields the operation names matter.
type event struct {
	Op      string `json:"op"`
	Ms      int    `json:"ms"`
	Message string `json:"message"`
	Code    int    `json:"code"`
	Lines   int    `json:"lines"`
	Bytes   int    `json:"bytes"`
	MB      int    `json:"mb"`
}

// envResponse is the answer of the env operation.
type envResponse struct {
	Env                map[string]string `json:"env"`
	RequestID          string            `json:"requestId"`
	InvokedFunctionArn string            `json:"invokedFunctionArn"`
	DeadlineMs         int64             `json:"deadlineMs"`
	FunctionName       string            `json:"functionName"`
	FunctionVersion    string            `json:"functionVersion"`
	MemoryLimitInMB    int               `json:"memoryLimitInMB"`
	LogGroupName       string            `json:"logGroupName"`
	LogStreamName      string            `json:"logStreamName"`
	Cwd                string            `json:"cwd"`
	Pid                int               `json:"pid"`
	Args               []string          `json:"args"`
}

// counter survives between invocations of one environment: it proves warm reuse.
var counter atomic.Int64

// handler implements lambda.Handler so that echo and big control the exact bytes.
type handler struct{}

// Invoke runs the operation the event names.
func (handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var ev event
	if len(payload) > 0 {
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, fmt.Errorf("behave: decode event: %w", err)
		}
	}
	switch ev.Op {
	case "", "echo":
		return payload, nil
	case "sleep":
		time.Sleep(time.Duration(ev.Ms) * time.Millisecond)
		return json.Marshal(map[string]int{"slept": ev.Ms})
	case "error":
		return nil, errors.New(ev.Message)
	case "panic":
		panic(ev.Message)
	case "exit":
		os.Exit(ev.Code)
		return nil, nil
	case "print":
		for i := 1; i <= ev.Lines; i++ {
			fmt.Fprintf(os.Stdout, "behave stdout %d\n", i)
			fmt.Fprintf(os.Stderr, "behave stderr %d\n", i)
		}
		return json.Marshal(map[string]int{"printed": ev.Lines})
	case "env":
		return json.Marshal(environment(ctx))
	case "big":
		n := max(ev.Bytes, 2)
		b := make([]byte, n)
		b[0], b[n-1] = '"', '"'
		for i := 1; i < n-1; i++ {
			b[i] = 'x'
		}
		return b, nil
	case "alloc":
		b := make([]byte, ev.MB<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		runtime.KeepAlive(b)
		return json.Marshal(map[string]int{"allocated": ev.MB})
	case "count":
		return json.Marshal(map[string]int64{"count": counter.Add(1), "pid": int64(os.Getpid())})
	}
	return nil, fmt.Errorf("behave: unknown op %q", ev.Op)
}

// environment collects what the process sees of its invocation.
func environment(ctx context.Context) envResponse {
	r := envResponse{
		Env:             map[string]string{},
		FunctionName:    lambdacontext.FunctionName,
		FunctionVersion: lambdacontext.FunctionVersion,
		MemoryLimitInMB: lambdacontext.MemoryLimitInMB,
		LogGroupName:    lambdacontext.LogGroupName,
		LogStreamName:   lambdacontext.LogStreamName,
		Pid:             os.Getpid(),
		Args:            os.Args,
	}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		r.Env[k] = v
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		r.RequestID = lc.AwsRequestID
		r.InvokedFunctionArn = lc.InvokedFunctionArn
	}
	if d, ok := ctx.Deadline(); ok {
		r.DeadlineMs = d.UnixMilli()
	}
	r.Cwd, _ = os.Getwd()
	return r
}

func main() {
	if ms, err := strconv.Atoi(os.Getenv("BEHAVE_INIT_SLEEP_MS")); err == nil && ms > 0 {
		time.Sleep(time.Duration(ms) * time.Millisecond)
	}
	switch v := os.Getenv("BEHAVE_INIT_FAIL"); v {
	case "", "0":
	case "exit":
		fmt.Fprintln(os.Stderr, "behave: init failed (BEHAVE_INIT_FAIL=exit)")
		os.Exit(3)
	default:
		panic("behave: init failed (BEHAVE_INIT_FAIL=" + v + ")")
	}
	lambda.Start(handler{})
}
