package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// defaultStubs is how many stubs Cgroups keeps ready.
const defaultStubs = 2

// Starting a stub costs several milliseconds of CPU (the Go runtime and the
// package initialisation of the gofaas executable, about 6 ms), which on a
// small host slows the cold start that just took one by as much. The pool
// is refilled once no stub has been taken for refillQuiet, or refillMax
// after the first take it has not refilled.
const (
	refillQuiet = 50 * time.Millisecond
	refillMax   = 250 * time.Millisecond
)

// Stubs is a pool of processes already in their environment's cgroup,
// each waiting to become a runtime (stub.go), so that a cold start with
// limits on moves no process between cgroups and the function's code
// never runs outside its cgroup.
//
// Moving a process into a cgroup (writing cgroup.procs) takes the kernel's
// cgroup_threadgroup_rwsem for writing, which waits for an RCU grace
// period: several milliseconds. One goroutine refills the pool after each
// take, off the request path; when the pool is empty a cold start falls
// back to starting the runtime and moving it (startProcess).
//
// The refill goroutine keeps its OS thread locked for its whole life: a
// parent-death signal (Pdeathsig) fires when the thread that started the
// process ends, not the process. When the pool closes, that thread ends,
// so any runtime that started from a stub and is still running is killed
// too; Cgroups.Close requires environments to be gone anyway.
//
// Lock order: Stubs.mu, then nothing.
type Stubs struct {
	cg   *Cgroups
	kick chan struct{} // wakes the refill goroutine
	quit chan struct{}
	done chan struct{} // closed when the refill goroutine has returned

	mu       sync.Mutex
	want     int
	ready    []*stub
	started  bool
	closed   bool
	lastTake time.Time
}

// stub is a started stub process in its cgroup, and the parent's ends of
// its control and status pipes.
type stub struct {
	proc   *process
	ctl    *os.File // write end: the exec request, then EOF
	status *os.File // read end: EOF once the runtime is executed
}

func newStubs(cg *Cgroups, n int) *Stubs {
	return &Stubs{cg: cg, want: n, kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
}

// SetReadyStubs sets how many stubs are kept ready (2 by default); 0 turns
// the pool off and kills the ready ones.
func (c *Cgroups) SetReadyStubs(n int) {
	if c == nil {
		return
	}
	s := c.stubs
	s.mu.Lock()
	s.want = n
	var extra []*stub
	if len(s.ready) > n {
		extra = append(extra, s.ready[n:]...)
		s.ready = s.ready[:n]
	}
	s.mu.Unlock()
	for _, st := range extra {
		st.discard()
	}
	s.refill()
}

// refill wakes the refill goroutine, starting it the first time. Nothing
// happens unless the executable calls IsStub.
func (s *Stubs) refill() {
	if !hooked.Load() {
		return
	}
	s.mu.Lock()
	if s.closed || s.want <= 0 {
		s.mu.Unlock()
		return
	}
	if !s.started {
		s.started = true
		go s.run()
	}
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// take returns a ready stub, or nil if there is none.
func (s *Stubs) take() *stub {
	s.mu.Lock()
	var st *stub
	for st == nil && len(s.ready) > 0 {
		st = s.ready[0]
		s.ready = append(s.ready[:0], s.ready[1:]...)
		s.lastTake = time.Now()
		if !st.proc.alive() {
			go st.discard()
			st = nil
		}
	}
	s.mu.Unlock()
	s.refill()
	return st
}

// run refills the pool until close.
func (s *Stubs) run() {
	// Never unlocked: see Pdeathsig in the type's comment. The thread ends
	// with the goroutine.
	runtime.LockOSThread()
	defer close(s.done)
	backoff := 10 * time.Millisecond
	for {
		select {
		case <-s.kick:
		case <-s.quit:
			return
		}
		if !s.waitQuiet() {
			return
		}
		for {
			s.mu.Lock()
			n := s.want - len(s.ready)
			s.mu.Unlock()
			if n <= 0 {
				break
			}
			got, err := s.spawn(n)
			s.mu.Lock()
			closed := s.closed
			if !closed {
				s.ready = append(s.ready, got...)
			}
			s.mu.Unlock()
			if closed {
				for _, st := range got {
					st.discard()
				}
				return
			}
			if err == nil {
				backoff = 10 * time.Millisecond
				continue
			}
			// Cold starts fall back to the direct path meanwhile.
			select {
			case <-s.quit:
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
		}
	}
}

// waitQuiet waits until no stub has been taken for refillQuiet, at most
// refillMax. It returns false if the pool closed meanwhile.
func (s *Stubs) waitQuiet() bool {
	deadline := time.Now().Add(refillMax)
	for {
		s.mu.Lock()
		until := s.lastTake.Add(refillQuiet)
		s.mu.Unlock()
		until = minTime(until, deadline)
		if !time.Now().Before(until) {
			return true
		}
		select {
		case <-s.quit:
			return false
		case <-time.After(time.Until(until)):
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// spawn starts n stubs, then moves each into a new cgroup. The moves
// follow one another because after the first one's grace period the next
// ones are quick.
func (s *Stubs) spawn(n int) ([]*stub, error) {
	var started []*stub
	var err error
	for range n {
		var st *stub
		if st, err = s.start(); err != nil {
			break
		}
		started = append(started, st)
	}
	var ready []*stub
	for _, st := range started {
		if e := st.proc.limits.attach(st.proc.cmd.Process.Pid); e != nil {
			err = fmt.Errorf("move stub into its cgroup: %w", e)
			st.discard()
			continue
		}
		ready = append(ready, st)
	}
	return ready, err
}

// start starts one stub with its cgroup, not yet moved into it.
func (s *Stubs) start() (*stub, error) {
	limits, err := s.cg.newCgroup()
	if err != nil {
		return nil, err
	}
	ctlR, ctlW, err := os.Pipe()
	if err != nil {
		limits.release()
		return nil, err
	}
	statusR, statusW, err := os.Pipe()
	if err != nil {
		ctlR.Close()
		ctlW.Close()
		limits.release()
		return nil, err
	}
	cmd := &exec.Cmd{
		Path:       "/proc/self/exe",
		Args:       []string{os.Args[0], stubArg},
		Env:        []string{stubEnv + "=1"},
		Dir:        "/",
		ExtraFiles: []*os.File{ctlR, statusW}, // stubCtlFD, stubStatusFD
	}
	p, err := launch(cmd, nil, limits)
	ctlR.Close()
	statusW.Close()
	if err != nil {
		ctlW.Close()
		statusR.Close()
		limits.release()
		return nil, fmt.Errorf("start stub: %w", err)
	}
	return &stub{proc: p, ctl: ctlW, status: statusR}, nil
}

// errStubGone says a stub could not be used: it died, or its memory limit
// could not be set. The runtime is then started directly.
var errStubGone = errors.New("stub unusable")

// exec makes the stub the runtime: the memory limit, the output lines,
// then the exec request. It returns once the runtime is executing, or the
// error of the step that failed ("fork/exec path: ..." as exec.Cmd says
// it), or errStubGone.
func (st *stub) exec(path, dir string, env []string, emit func([]byte), memoryMB int) (*process, error) {
	p := st.proc
	if err := p.limits.setMemory(memoryMB); err != nil {
		st.discard()
		return nil, errStubGone
	}
	p.limits.resetPeak()
	for _, lr := range p.outs {
		lr.setEmit(emit)
	}
	req, _ := json.Marshal(&stubRequest{Path: path, Argv: []string{path}, Env: env, Dir: dir, Rlimits: stubRlimits})
	p.started = time.Now()
	_, werr := st.ctl.Write(req)
	st.ctl.Close()
	msg, rerr := io.ReadAll(st.status)
	st.status.Close()
	if werr != nil || rerr != nil {
		st.discard()
		return nil, errStubGone
	}
	if len(msg) == 0 {
		p.fromStub = true
		return p, nil // executed: the status pipe closed on exec
	}
	<-p.exited
	p.limits.release()
	step, code, _ := strings.Cut(string(msg), " ")
	n, _ := strconv.Atoi(code)
	errno := syscall.Errno(n)
	switch step {
	case "exec":
		return nil, &os.PathError{Op: "fork/exec", Path: path, Err: errno}
	case "chdir":
		return nil, &os.PathError{Op: "chdir", Path: dir, Err: errno}
	default:
		return nil, os.NewSyscallError(step, errno)
	}
}

// discard kills a stub that will not be used and removes its cgroup.
func (st *stub) discard() {
	st.ctl.Close()
	st.status.Close()
	st.proc.kill()
	<-st.proc.exited
	st.proc.limits.release()
}

// close stops the refill goroutine and discards the ready stubs.
func (s *Stubs) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	started := s.started
	ready := s.ready
	s.ready = nil
	s.mu.Unlock()
	close(s.quit)
	if started {
		<-s.done
	}
	for _, st := range ready {
		st.discard()
	}
}
