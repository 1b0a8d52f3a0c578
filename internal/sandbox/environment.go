package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/rpc"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/runtimeapi"
)

// Config describes the environment to start.
type Config struct {
	Runtime  string // go1.x or provided*
	Handler  string
	Dir      string   // the extracted code (LAMBDA_TASK_ROOT)
	Env      []string // the whole environment, without the protocol variable
	MemoryMB int
	// Cgroups, when not nil, turns MemoryMB into a limit.
	Cgroups *Cgroups
	// Output receives each line the runtime prints on stdout or stderr.
	Output func(line []byte)
}

// Request is one invocation.
type Request struct {
	RequestID     string
	Payload       []byte
	Deadline      time.Time
	FunctionARN   string
	ClientContext string
	TraceID       string
}

// Outcome says how an invocation (or init) ended.
type Outcome int

const (
	// OK: the function answered.
	OK Outcome = iota
	// FunctionError: the runtime reported an error; the environment lives.
	FunctionError
	// Timeout: the deadline passed; the environment was killed.
	Timeout
	// Crashed: the runtime exited or was killed (out of memory included).
	Crashed
	// InitFailed: the environment never became ready.
	InitFailed
)

// Result is the outcome of an invocation or an init.
type Result struct {
	Outcome   Outcome
	Payload   []byte // the response, or Lambda's error document
	ErrorType string // e.g. "Runtime.ExitError", "Runtime.OutOfMemory"
	// Message is the error's text for the log ("Runtime exited with error:
	// exit status 2"), empty on success.
	Message     string
	MaxMemoryMB int
}

// Environment is one execution environment: a runtime process and the
// driver speaking its protocol. It serves one invocation at a time.
type Environment struct {
	cfg     Config
	proc    *process
	api     *runtimeapi.Server // provided.* runtimes
	rpcMu   sync.Mutex
	rpc     *rpc.Client // go1.x; guarded by rpcMu
	rpcPort string
	limits  *Limits

	InitDuration time.Duration
	dead         chan struct{}
	deadOnce     sync.Once
}

// Start launches the runtime process. It returns an error only for platform
// failures; a missing entry point is reported by Init as a Result.
func Start(cfg Config) (*Environment, error) {
	e := &Environment{cfg: cfg, dead: make(chan struct{})}
	env := cfg.Env
	var path string
	if cfg.Runtime == gofaas.RuntimeGo1x {
		path = filepath.Join(cfg.Dir, cfg.Handler)
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		e.rpcPort = port
		env = append(env[:len(env):len(env)], "_LAMBDA_SERVER_PORT="+port)
	} else {
		path = filepath.Join(cfg.Dir, "bootstrap")
		e.api = runtimeapi.New()
		if err := e.api.Open(); err != nil {
			return nil, err
		}
		env = append(env[:len(env):len(env)], "AWS_LAMBDA_RUNTIME_API="+e.api.Addr())
	}
	if st, err := os.Stat(path); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		e.close()
		return e, nil // Init reports Runtime.InvalidEntrypoint
	}
	output := cfg.Output
	if output == nil {
		output = func([]byte) {}
	}
	p, err := startRuntime(path, cfg.Dir, env, output, cfg.Cgroups, cfg.MemoryMB)
	if err != nil {
		e.close()
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	e.limits = p.limits
	e.proc = p
	go func() {
		<-p.exited
		e.close()
	}()
	return e, nil
}

// startRuntime starts the runtime at path: from a ready stub when limits
// are on and the pool has one, else directly.
func startRuntime(path, dir string, env []string, output func([]byte), cg *Cgroups, memoryMB int) (*process, error) {
	if cg != nil {
		if st := cg.stubs.take(); st != nil {
			p, err := st.exec(path, dir, env, output, memoryMB)
			if !errors.Is(err, errStubGone) {
				return p, err
			}
		}
	}
	limits, err := cg.newLimits(memoryMB)
	if err != nil {
		limits = nil
	}
	return startProcess(path, dir, env, output, limits)
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}

// close marks the environment dead and releases its resources.
func (e *Environment) close() {
	e.deadOnce.Do(func() {
		close(e.dead)
		if e.api != nil {
			e.api.Close()
		}
		e.rpcMu.Lock()
		if e.rpc != nil {
			e.rpc.Close()
		}
		e.rpcMu.Unlock()
		if e.proc != nil {
			e.proc.kill()
			go func() {
				<-e.proc.exited
				e.limits.release()
			}()
		}
	})
}

// Close kills the environment.
func (e *Environment) Close() { e.close() }

// Dead is closed once the environment can serve no more invocations.
func (e *Environment) Dead() <-chan struct{} { return e.dead }

// Alive reports whether the environment can serve another invocation.
func (e *Environment) Alive() bool {
	select {
	case <-e.dead:
		return false
	default:
		return true
	}
}

// Init waits until the runtime is ready: its first /next call, or its
// net/rpc server answering Ping. It gives up at deadline.
func (e *Environment) Init(deadline time.Time) *Result {
	start := time.Now()
	if e.proc != nil {
		start = e.proc.started
	}
	res := e.init(deadline)
	e.InitDuration = time.Since(start)
	if res != nil {
		e.close()
	}
	return res
}

func (e *Environment) init(deadline time.Time) *Result {
	if e.proc == nil {
		var msg string
		if e.cfg.Runtime == gofaas.RuntimeGo1x {
			msg = fmt.Sprintf("fork/exec %s: no such file or directory", filepath.Join("/var/task", e.cfg.Handler))
		} else {
			msg = "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]"
		}
		return failure(InitFailed, "Runtime.InvalidEntrypoint", msg)
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	if e.api != nil {
		select {
		case <-e.api.Ready():
			return nil
		case ie := <-e.api.InitErrors():
			e.proc.drain()
			return &Result{Outcome: InitFailed, ErrorType: ie.Type, Payload: ie.Payload, Message: ie.Type}
		case <-e.proc.exited:
			return e.exitResult(InitFailed)
		case <-timer.C:
			e.proc.drain()
			return failure(InitFailed, "Runtime.InitError", "Init phase timed out")
		}
	}
	// go1.x: connect to the function's net/rpc server and Ping it.
	wait := 100 * time.Microsecond
	for {
		conn, err := net.DialTimeout("tcp", "127.0.0.1:"+e.rpcPort, time.Until(deadline))
		if err == nil {
			client := rpc.NewClient(conn)
			e.rpcMu.Lock()
			e.rpc = client
			e.rpcMu.Unlock()
			if !e.Alive() {
				client.Close()
			}
			call := client.Go("Function.Ping", &pingRequest{}, &pingResponse{}, make(chan *rpc.Call, 1))
			select {
			case c := <-call.Done:
				if c.Error != nil {
					return failure(InitFailed, "Runtime.InitError", c.Error.Error())
				}
				return nil
			case <-e.proc.exited:
				return e.exitResult(InitFailed)
			case <-timer.C:
				return failure(InitFailed, "Runtime.InitError", "Init phase timed out")
			}
		}
		select {
		case <-e.proc.exited:
			return e.exitResult(InitFailed)
		case <-timer.C:
			return failure(InitFailed, "Runtime.InitError", "Init phase timed out")
		case <-time.After(wait):
		}
		if wait < 5*time.Millisecond {
			wait *= 2
		}
	}
}

func failure(o Outcome, typ, msg string) *Result {
	return &Result{Outcome: o, ErrorType: typ, Message: msg, Payload: runtimeapi.ErrorPayload(typ, msg)}
}

// exitResult describes a runtime that exited.
func (e *Environment) exitResult(o Outcome) *Result {
	<-e.proc.exited
	e.proc.drain()
	msg := "Runtime exited with error: " + e.proc.exitMessage()
	typ := "Runtime.ExitError"
	if e.proc.oomKilled() {
		typ = "Runtime.OutOfMemory"
		msg = "Runtime exited with error: signal: killed"
	}
	r := failure(o, typ, msg)
	r.MaxMemoryMB = e.cfg.MemoryMB
	if !e.proc.oomKilled() {
		r.MaxMemoryMB = 0
	}
	return r
}

// Invoke runs one invocation until the runtime answers, req.Deadline passes
// (the environment is killed: Timeout) or the runtime dies (Crashed).
// Every line printed before the answer has been passed to Output when
// Invoke returns.
func (e *Environment) Invoke(req *Request) *Result {
	if !e.Alive() {
		if e.proc != nil {
			return e.exitResult(Crashed)
		}
		return failure(Crashed, "Runtime.ExitError", "Runtime exited")
	}
	var res *Result
	if e.api != nil {
		res = e.invokeAPI(req)
	} else {
		res = e.invokeRPC(req)
	}
	if res.Outcome == OK || res.Outcome == FunctionError {
		e.proc.drain()
	}
	if res.MaxMemoryMB == 0 && e.proc != nil {
		res.MaxMemoryMB = e.proc.maxMemoryMB()
	}
	return res
}

func (e *Environment) invokeAPI(req *Request) *Result {
	ctx, cancel := context.WithDeadline(context.Background(), req.Deadline)
	defer cancel()
	inv := &runtimeapi.Invocation{
		RequestID:     req.RequestID,
		Payload:       req.Payload,
		Deadline:      req.Deadline,
		FunctionARN:   req.FunctionARN,
		TraceID:       req.TraceID,
		ClientContext: req.ClientContext,
	}
	err := e.api.Deliver(ctx, inv)
	var r runtimeapi.Result
	if err == nil {
		r, err = e.api.Wait(ctx, inv)
		defer func() {
			// The caller may reuse req.Payload once Invoke returns: wait
			// until the /next response no longer reads it. After a kill
			// the write fails at once.
			select {
			case <-inv.Written():
			case <-time.After(5 * time.Second):
			}
		}()
	}
	switch {
	case err == nil && !r.Error:
		return &Result{Outcome: OK, Payload: r.Payload}
	case err == nil:
		return &Result{Outcome: FunctionError, Payload: r.Payload, ErrorType: r.ErrorType}
	case errors.Is(err, context.DeadlineExceeded):
		return e.timeout()
	default:
		return e.exitResult(Crashed)
	}
}

func (e *Environment) timeout() *Result {
	e.proc.drain()
	e.close()
	return &Result{Outcome: Timeout, ErrorType: "Sandbox.Timedout"}
}

func (e *Environment) invokeRPC(req *Request) *Result {
	in := &invokeRequest{
		Payload:            req.Payload,
		RequestId:          req.RequestID,
		XAmznTraceId:       req.TraceID,
		Deadline:           invokeRequestTimestamp{Seconds: req.Deadline.Unix(), Nanos: int64(req.Deadline.Nanosecond())},
		InvokedFunctionArn: req.FunctionARN,
	}
	if req.ClientContext != "" {
		in.ClientContext = []byte(req.ClientContext)
	}
	var out invokeResponse
	e.rpcMu.Lock()
	client := e.rpc
	e.rpcMu.Unlock()
	call := client.Go("Function.Invoke", in, &out, make(chan *rpc.Call, 1))
	timer := time.NewTimer(time.Until(req.Deadline))
	defer timer.Stop()
	select {
	case c := <-call.Done:
		if c.Error != nil {
			return e.exitResult(Crashed)
		}
	case <-timer.C:
		return e.timeout()
	case <-e.proc.exited:
		return e.exitResult(Crashed)
	}
	if out.Error == nil {
		return &Result{Outcome: OK, Payload: out.Payload}
	}
	doc := errorDocument{ErrorMessage: out.Error.Message, ErrorType: out.Error.Type}
	for _, f := range out.Error.StackTrace {
		if f != nil {
			doc.StackTrace = append(doc.StackTrace, *f)
		}
	}
	payload, _ := json.Marshal(doc)
	res := &Result{Outcome: FunctionError, Payload: payload, ErrorType: out.Error.Type}
	if out.Error.ShouldExit {
		// The function panicked: the go1.x runtime ends the process.
		e.proc.drain()
		e.close()
	}
	return res
}

type errorDocument struct {
	ErrorMessage string                `json:"errorMessage"`
	ErrorType    string                `json:"errorType"`
	StackTrace   []invokeResponseFrame `json:"stackTrace,omitempty"`
}
