package runtimeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gofaas/gofaas"
)

// Invocation is one event handed to the runtime.
type Invocation struct {
	RequestID     string
	Payload       []byte
	Deadline      time.Time
	FunctionARN   string
	TraceID       string
	ClientContext string // JSON, as the runtime receives it

	result  chan Result
	written chan struct{} // closed once /next has written Payload
}

// Written is closed once the runtime's /next response, which reads
// Payload, has been written (or failed). Payload may be reused after that.
func (inv *Invocation) Written() <-chan struct{} { return inv.written }

// Result is what the runtime answered for an invocation.
type Result struct {
	Payload []byte
	// ErrorType is set when the runtime reported an error (/error), or
	// when the response was rejected (Function.ResponseSizeTooLarge).
	ErrorType string
	Error     bool
}

// InitError is what a runtime posted to /runtime/init/error.
type InitError struct {
	Type    string
	Payload []byte
}

// Server serves the Runtime API of one environment.
type Server struct {
	// MaxResponse caps a response body; larger ones get 413.
	MaxResponse int64

	ln   net.Listener
	srv  *http.Server
	next chan *Invocation

	mu       sync.Mutex
	current  *Invocation // the invocation the runtime is working on
	ready    chan struct{}
	isReady  bool
	initErr  chan InitError
	closed   chan struct{}
	closeOne sync.Once
}

// New returns a server; call Open to listen.
func New() *Server {
	return &Server{
		MaxResponse: gofaas.MaxSyncPayload,
		next:        make(chan *Invocation),
		ready:       make(chan struct{}),
		initErr:     make(chan InitError, 1),
		closed:      make(chan struct{}),
	}
}

// Open listens on a free loopback port and starts serving.
func (s *Server) Open() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	s.ln = ln
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return nil
}

// Addr is the host:port to give the runtime as AWS_LAMBDA_RUNTIME_API.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server; pending /next polls return.
func (s *Server) Close() error {
	s.closeOne.Do(func() { close(s.closed) })
	if s.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		return s.srv.Close()
	}
	return nil
}

// Ready is closed when the runtime first asks for an invocation: its init
// phase is over.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// InitErrors delivers what the runtime posted to /runtime/init/error.
func (s *Server) InitErrors() <-chan InitError { return s.initErr }

// ErrClosed is returned by Invoke when the server closed first.
var ErrClosed = errors.New("runtime API closed")

// Deliver hands inv to the runtime's /next poll. It returns when the runtime
// has taken it, or with ctx's error, or ErrClosed.
func (s *Server) Deliver(ctx context.Context, inv *Invocation) error {
	inv.result = make(chan Result, 1)
	inv.written = make(chan struct{})
	select {
	case s.next <- inv:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closed:
		return ErrClosed
	}
}

// Wait returns the runtime's result for a delivered invocation, or ctx's
// error, or ErrClosed.
func (s *Server) Wait(ctx context.Context, inv *Invocation) (Result, error) {
	select {
	case r := <-inv.result:
		return r, nil
	case <-ctx.Done():
		return Result{}, ctx.Err()
	case <-s.closed:
		select {
		case r := <-inv.result:
			return r, nil
		default:
		}
		return Result{}, ErrClosed
	}
}

const prefix = "/2018-06-01/runtime/"

// ServeHTTP routes the Runtime API. It is hand-routed: the path set is tiny
// and this is the hot path of every invocation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if len(p) <= len(prefix) || p[:len(prefix)] != prefix {
		writeError(w, http.StatusNotFound, "UnknownPath", "Unknown path "+p)
		return
	}
	p = p[len(prefix):]
	switch {
	case p == "invocation/next":
		if r.Method != http.MethodGet {
			writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "Method not allowed")
			return
		}
		s.handleNext(w, r)
	case p == "init/error":
		if r.Method != http.MethodPost {
			writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "Method not allowed")
			return
		}
		s.handleInitError(w, r)
	case len(p) > len("invocation/") && p[:len("invocation/")] == "invocation/":
		rest := p[len("invocation/"):]
		if r.Method != http.MethodPost {
			writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "Method not allowed")
			return
		}
		if id, ok := cutSuffix(rest, "/response"); ok {
			s.handleResult(w, r, id, false)
		} else if id, ok := cutSuffix(rest, "/error"); ok {
			s.handleResult(w, r, id, true)
		} else {
			writeError(w, http.StatusNotFound, "UnknownPath", "Unknown path "+r.URL.Path)
		}
	default:
		writeError(w, http.StatusNotFound, "UnknownPath", "Unknown path "+r.URL.Path)
	}
}

func cutSuffix(s, suffix string) (string, bool) {
	if len(s) > len(suffix) && s[len(s)-len(suffix):] == suffix {
		return s[:len(s)-len(suffix)], true
	}
	return "", false
}

func (s *Server) handleNext(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.current != nil {
		s.mu.Unlock()
		writeError(w, http.StatusForbidden, "InvalidStateTransition",
			"State transition from Invoking to Ready is not allowed: the runtime must post a response or error for "+s.current.RequestID+" first")
		return
	}
	if !s.isReady {
		s.isReady = true
		close(s.ready)
	}
	s.mu.Unlock()

	var inv *Invocation
	select {
	case inv = <-s.next:
	case <-r.Context().Done():
		return
	case <-s.closed:
		return
	}
	s.mu.Lock()
	s.current = inv
	s.mu.Unlock()

	h := w.Header()
	h["Lambda-Runtime-Aws-Request-Id"] = []string{inv.RequestID}
	h["Lambda-Runtime-Deadline-Ms"] = []string{strconv.FormatInt(inv.Deadline.UnixMilli(), 10)}
	h["Lambda-Runtime-Invoked-Function-Arn"] = []string{inv.FunctionARN}
	h["Lambda-Runtime-Trace-Id"] = []string{inv.TraceID}
	if inv.ClientContext != "" {
		h["Lambda-Runtime-Client-Context"] = []string{inv.ClientContext}
	}
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(inv.Payload))}
	w.WriteHeader(http.StatusOK)
	w.Write(inv.Payload)
	close(inv.written)
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (s *Server) handleResult(w http.ResponseWriter, r *http.Request, id string, isError bool) {
	s.mu.Lock()
	inv := s.current
	if inv == nil || inv.RequestID != id {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	s.mu.Unlock()

	body, tooLarge, err := readLimited(r.Body, s.MaxResponse)
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidRequestBody", "Could not read the request body")
		return
	}
	var res Result
	switch {
	case tooLarge:
		res = Result{Error: true, ErrorType: "Function.ResponseSizeTooLarge",
			Payload: errorPayload("Function.ResponseSizeTooLarge",
				"Response payload size exceeded maximum allowed payload size ("+strconv.FormatInt(s.MaxResponse, 10)+" bytes).")}
	case isError:
		typ := r.Header.Get("Lambda-Runtime-Function-Error-Type")
		if !json.Valid(body) || len(bytes.TrimSpace(body)) == 0 {
			if typ == "" {
				typ = "Runtime.Unknown"
			}
			body = errorPayload(typ, string(body))
		}
		res = Result{Error: true, ErrorType: typ, Payload: body}
	default:
		res = Result{Payload: body}
	}

	s.mu.Lock()
	if s.current != inv {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	s.current = nil
	s.mu.Unlock()
	inv.result <- res

	if tooLarge {
		writeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
			"Exceeded maximum allowed payload size ("+strconv.FormatInt(s.MaxResponse, 10)+" bytes).")
		return
	}
	w.Header()["Content-Type"] = []string{"application/json"}
	w.WriteHeader(http.StatusAccepted)
	io.WriteString(w, `{"status":"OK"}`)
}

func (s *Server) handleInitError(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.isReady {
		s.mu.Unlock()
		writeError(w, http.StatusForbidden, "InvalidStateTransition", "State transition from Ready to InitError is not allowed")
		return
	}
	s.mu.Unlock()
	body, _, err := readLimited(r.Body, 1<<20)
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidRequestBody", "Could not read the request body")
		return
	}
	typ := r.Header.Get("Lambda-Runtime-Function-Error-Type")
	if typ == "" {
		typ = "Runtime.Unknown"
	}
	if !json.Valid(body) || len(bytes.TrimSpace(body)) == 0 {
		body = errorPayload(typ, string(body))
	}
	select {
	case s.initErr <- InitError{Type: typ, Payload: body}:
	default:
	}
	w.Header()["Content-Type"] = []string{"application/json"}
	w.WriteHeader(http.StatusAccepted)
	io.WriteString(w, `{"status":"OK"}`)
}

// readLimited reads at most max bytes; tooLarge reports a longer body (the
// rest is discarded up to a bound so the connection can be reused).
func readLimited(r io.Reader, max int64) (body []byte, tooLarge bool, err error) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	n, err := buf.ReadFrom(io.LimitReader(r, max+1))
	if err != nil {
		return nil, false, err
	}
	if n > max {
		io.Copy(io.Discard, io.LimitReader(r, 64<<20))
		return nil, true, nil
	}
	return bytes.Clone(buf.Bytes()), false, nil
}

// errorPayload is Lambda's standard error document.
func errorPayload(typ, msg string) []byte {
	b, _ := json.Marshal(struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}{msg, typ})
	return b
}

// ErrorPayload returns Lambda's standard error document
// {"errorMessage":msg,"errorType":typ}.
func ErrorPayload(typ, msg string) []byte { return errorPayload(typ, msg) }

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header()["Content-Type"] = []string{"application/json"}
	w.WriteHeader(status)
	w.Write(errorPayload(typ, msg))
}
