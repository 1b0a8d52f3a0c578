package runtimeapi

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func open(t *testing.T) *Server {
	t.Helper()
	s := New()
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func call(t *testing.T, method, url, body string, hdr ...string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// next polls /next in the background and returns the response on a channel.
func next(t *testing.T, s *Server) chan *http.Response {
	ch := make(chan *http.Response, 1)
	go func() {
		resp, err := http.Get("http://" + s.Addr() + "/2018-06-01/runtime/invocation/next")
		if err != nil {
			close(ch)
			return
		}
		ch <- resp
	}()
	return ch
}

func deliver(t *testing.T, s *Server, inv *Invocation) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Deliver(ctx, inv); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
}

func TestInvocationRoundTrip(t *testing.T) {
	s := open(t)
	polled := next(t, s)
	<-s.Ready()
	deadline := time.Now().Add(3 * time.Second)
	inv := &Invocation{RequestID: "req-1", Payload: []byte(`{"a":1}`), Deadline: deadline,
		FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:f", TraceID: "Root=1", ClientContext: `{"c":1}`}
	deliver(t, s, inv)
	resp := <-polled
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"a":1}` {
		t.Errorf("event = %s", body)
	}
	for h, want := range map[string]string{
		"Lambda-Runtime-Aws-Request-Id":       "req-1",
		"Lambda-Runtime-Invoked-Function-Arn": inv.FunctionARN,
		"Lambda-Runtime-Trace-Id":             "Root=1",
		"Lambda-Runtime-Client-Context":       `{"c":1}`,
		"Lambda-Runtime-Deadline-Ms":          itoa(deadline.UnixMilli()),
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}

	// Illegal calls while the invocation runs.
	if code, body, _ := call(t, "GET", "http://"+s.Addr()+"/2018-06-01/runtime/invocation/next", ""); code != 403 || !strings.Contains(body, "InvalidStateTransition") {
		t.Errorf("/next while invoking: %d %s, want 403 InvalidStateTransition", code, body)
	}
	if code, body, _ := call(t, "POST", "http://"+s.Addr()+"/2018-06-01/runtime/invocation/other/response", "{}"); code != 400 || !strings.Contains(body, "InvalidRequestID") {
		t.Errorf("response for another id: %d %s, want 400 InvalidRequestID", code, body)
	}
	if code, _, _ := call(t, "POST", "http://"+s.Addr()+"/2018-06-01/runtime/init/error", "{}"); code != 403 {
		t.Errorf("init/error after init: %d, want 403", code)
	}

	if code, _, _ := call(t, "POST", "http://"+s.Addr()+"/2018-06-01/runtime/invocation/req-1/response", `{"ok":true}`); code != 202 {
		t.Errorf("response: %d, want 202", code)
	}
	res, err := s.Wait(context.Background(), inv)
	if err != nil || res.Error || string(res.Payload) != `{"ok":true}` {
		t.Errorf("Wait = %+v, %v", res, err)
	}
	// The same id cannot answer twice.
	if code, _, _ := call(t, "POST", "http://"+s.Addr()+"/2018-06-01/runtime/invocation/req-1/response", `{}`); code != 400 {
		t.Errorf("second response: %d, want 400", code)
	}
}

func TestInvocationError(t *testing.T) {
	s := open(t)
	polled := next(t, s)
	inv := &Invocation{RequestID: "req-2", Payload: []byte(`{}`), Deadline: time.Now().Add(time.Second)}
	deliver(t, s, inv)
	(<-polled).Body.Close()
	call(t, "POST", "http://"+s.Addr()+"/2018-06-01/runtime/invocation/req-2/error", "not json", "Lambda-Runtime-Function-Error-Type", "Custom.Failure")
	res, _ := s.Wait(context.Background(), inv)
	if !res.Error || res.ErrorType != "Custom.Failure" || !strings.Contains(string(res.Payload), `"errorType":"Custom.Failure"`) {
		t.Errorf("error result = %+v %s", res, res.Payload)
	}
}

func TestResponseTooLarge(t *testing.T) {
	s := open(t)
	s.MaxResponse = 10
	polled := next(t, s)
	inv := &Invocation{RequestID: "req-3", Payload: []byte(`{}`), Deadline: time.Now().Add(time.Second)}
	deliver(t, s, inv)
	(<-polled).Body.Close()
	code, body, _ := call(t, "POST", "http://"+s.Addr()+"/2018-06-01/runtime/invocation/req-3/response", strings.Repeat("x", 11))
	if code != 413 || !strings.Contains(body, "RequestEntityTooLarge") {
		t.Errorf("oversized response: %d %s, want 413", code, body)
	}
	res, _ := s.Wait(context.Background(), inv)
	if !res.Error || res.ErrorType != "Function.ResponseSizeTooLarge" {
		t.Errorf("result = %+v, want Function.ResponseSizeTooLarge", res)
	}
}

func TestInitError(t *testing.T) {
	s := open(t)
	code, _, _ := call(t, "POST", "http://"+s.Addr()+"/2018-06-01/runtime/init/error",
		`{"errorMessage":"boom","errorType":"Runtime.Custom"}`, "Lambda-Runtime-Function-Error-Type", "Runtime.Custom")
	if code != 202 {
		t.Fatalf("init/error: %d, want 202", code)
	}
	select {
	case ie := <-s.InitErrors():
		if ie.Type != "Runtime.Custom" || !strings.Contains(string(ie.Payload), "boom") {
			t.Errorf("init error = %+v", ie)
		}
	case <-time.After(time.Second):
		t.Fatal("no init error")
	}
}

func TestUnknownPath(t *testing.T) {
	s := open(t)
	if code, _, _ := call(t, "GET", "http://"+s.Addr()+"/2018-06-01/runtime/nope", ""); code != 404 {
		t.Errorf("unknown path: %d, want 404", code)
	}
	if code, _, _ := call(t, "POST", "http://"+s.Addr()+"/2018-06-01/runtime/invocation/next", ""); code != 405 {
		t.Errorf("POST /next: %d, want 405", code)
	}
}

func TestDeliverAfterClose(t *testing.T) {
	s := open(t)
	s.Close()
	err := s.Deliver(context.Background(), &Invocation{RequestID: "x"})
	if err != ErrClosed {
		t.Errorf("Deliver after Close = %v, want ErrClosed", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
