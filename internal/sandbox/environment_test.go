package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofaas/gofaas/internal/testfn"
)

// lines collects output lines.
type lines struct {
	mu sync.Mutex
	l  []string
}

func (l *lines) add(b []byte) {
	l.mu.Lock()
	l.l = append(l.l, string(b))
	l.mu.Unlock()
}

func (l *lines) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.l...)
}

// start starts the behave test function under runtime.
func start(t *testing.T, runtime string, env ...string) (*Environment, *lines) {
	t.Helper()
	return startWith(t, nil, runtime, env...)
}

// startWith starts the behave test function under runtime, with memory
// limits when cg is not nil: from a stub, which it waits for.
func startWith(t *testing.T, cg *Cgroups, runtime string, env ...string) (*Environment, *lines) {
	t.Helper()
	dir := t.TempDir()
	name := "bootstrap"
	if runtime == "go1.x" {
		name = "handler"
	}
	bin := testfn.Binary(t, "behave", name)
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o755); err != nil {
		t.Fatal(err)
	}
	out := &lines{}
	if cg != nil {
		waitStubs(t, cg)
	}
	e, err := Start(Config{Runtime: runtime, Handler: name, Dir: dir, Env: env, MemoryMB: 128, Cgroups: cg, Output: out.add})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(e.Close)
	if cg != nil && (e.proc == nil || !e.proc.fromStub) {
		t.Fatal("the runtime did not start from a stub")
	}
	return e, out
}

// cgroups returns limits for the test, or skips it when they are off.
func cgroups(t testing.TB) *Cgroups {
	t.Helper()
	cg, err := DetectCgroups()
	if err != nil {
		t.Skip("memory limits off:", err)
	}
	t.Cleanup(func() {
		for i := 0; i < 100 && cg.Close() != nil; i++ {
			time.Sleep(10 * time.Millisecond)
		}
	})
	return cg
}

// waitStubs waits until cg's stub pool is full.
func waitStubs(t testing.TB, cg *Cgroups) {
	t.Helper()
	s := cg.stubs
	for i := 0; i < 1000; i++ {
		s.mu.Lock()
		n, want := len(s.ready), s.want
		s.mu.Unlock()
		if n >= want {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("stubs not ready after 1s")
}

// modes are the ways to start a runtime: directly, and from a stub in a
// memory cgroup (skipped unless root with a memory controller).
var modes = []string{"direct", "cgroup"}

func modeCgroups(t *testing.T, mode string) *Cgroups {
	if mode == "direct" {
		return nil
	}
	return cgroups(t)
}

func req(id, payload string, timeout time.Duration) *Request {
	return &Request{RequestID: id, Payload: []byte(payload), Deadline: time.Now().Add(timeout), FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:f"}
}

func TestEnvironment(t *testing.T) {
	for _, mode := range modes {
		for _, runtime := range []string{"go1.x", "provided.al2023"} {
			t.Run(mode+"/"+runtime, func(t *testing.T) {
				testEnvironment(t, modeCgroups(t, mode), runtime)
			})
		}
	}
}

func testEnvironment(t *testing.T, cg *Cgroups, runtime string) {
	e, out := startWith(t, cg, runtime, "AWS_LAMBDA_FUNCTION_NAME=f", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128")
	if r := e.Init(time.Now().Add(10 * time.Second)); r != nil {
		t.Fatalf("Init: %+v %s", r, r.Payload)
	}
	t.Run("echo", func(t *testing.T) {
		r := e.Invoke(req("1", `{"op":"echo","message":"x"}`, 3*time.Second))
		if r.Outcome != OK || !strings.Contains(string(r.Payload), `"message":"x"`) {
			t.Errorf("echo = %+v %s", r, r.Payload)
		}
		if r.MaxMemoryMB <= 0 {
			t.Errorf("MaxMemoryMB = %d, want the process's peak RSS", r.MaxMemoryMB)
		}
	})
	t.Run("output is delivered before Invoke returns", func(t *testing.T) {
		before := len(out.all())
		r := e.Invoke(req("2", `{"op":"print","lines":50}`, 3*time.Second))
		if r.Outcome != OK {
			t.Fatalf("print = %+v %s", r, r.Payload)
		}
		if got := len(out.all()) - before; got < 100 {
			t.Errorf("got %d lines after Invoke, want 100 (50 stdout + 50 stderr)", got)
		}
	})
	t.Run("warm reuse", func(t *testing.T) {
		a := e.Invoke(req("3", `{"op":"count"}`, 3*time.Second))
		b := e.Invoke(req("4", `{"op":"count"}`, 3*time.Second))
		if string(a.Payload) == string(b.Payload) {
			t.Errorf("count %s then %s: the environment was not reused", a.Payload, b.Payload)
		}
	})
	t.Run("function error", func(t *testing.T) {
		r := e.Invoke(req("5", `{"op":"error","message":"bad thing"}`, 3*time.Second))
		if r.Outcome != FunctionError || !strings.Contains(string(r.Payload), "bad thing") || !e.Alive() {
			t.Errorf("error = %+v %s (alive %v)", r, r.Payload, e.Alive())
		}
	})
	t.Run("timeout kills", func(t *testing.T) {
		r := e.Invoke(req("6", `{"op":"sleep","ms":5000}`, 200*time.Millisecond))
		if r.Outcome != Timeout {
			t.Errorf("sleep past deadline = %+v", r)
		}
		waitDead(t, e)
	})
}

func waitDead(t *testing.T, e *Environment) {
	t.Helper()
	select {
	case <-e.Dead():
	case <-time.After(5 * time.Second):
		t.Fatal("environment still alive")
	}
}

func TestCrash(t *testing.T) {
	for _, mode := range modes {
		for _, runtime := range []string{"go1.x", "provided.al2023"} {
			t.Run(mode+"/"+runtime, func(t *testing.T) {
				testCrash(t, modeCgroups(t, mode), runtime)
			})
		}
	}
}

func testCrash(t *testing.T, cg *Cgroups, runtime string) {
	e, _ := startWith(t, cg, runtime)
	if r := e.Init(time.Now().Add(10 * time.Second)); r != nil {
		t.Fatalf("Init: %+v", r)
	}
	r := e.Invoke(req("1", `{"op":"exit","code":3}`, 3*time.Second))
	if r.Outcome != Crashed || r.ErrorType != "Runtime.ExitError" || r.Message != "Runtime exited with error: exit status 3" {
		t.Errorf("exit = %+v", r)
	}
	waitDead(t, e)
}

func TestInitFailure(t *testing.T) {
	e, _ := start(t, "provided.al2023", "BEHAVE_INIT_FAIL=exit")
	r := e.Init(time.Now().Add(10 * time.Second))
	if r == nil || r.Outcome != InitFailed || r.ErrorType != "Runtime.ExitError" {
		t.Fatalf("Init = %+v, want an init failure", r)
	}
}

func TestMissingEntrypoint(t *testing.T) {
	e, err := Start(Config{Runtime: "provided.al2023", Handler: "bootstrap", Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	r := e.Init(time.Now().Add(time.Second))
	if r == nil || r.ErrorType != "Runtime.InvalidEntrypoint" {
		t.Fatalf("Init = %+v, want Runtime.InvalidEntrypoint", r)
	}
}
