package sandbox

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// process is one started runtime process with its output readers.
type process struct {
	cmd      *exec.Cmd
	started  time.Time
	exited   chan struct{}
	exitErr  error // set before exited is closed
	outs     []*lineReader
	killOnce sync.Once
	limits   *Limits
	oom      bool // the memory limit killed it; set before exited closes
	fromStub bool // it was a stub (stubs.go), not started directly

	statMu  sync.Mutex
	status  *os.File // /proc/<pid>/status, kept open: read with pread
	statBuf []byte
}

// startProcess starts path in dir with env. Every line of its stdout and
// stderr goes to emit. The process gets its own process group so a kill
// reaches its children too, and dies with gofaas (Pdeathsig). With limits
// it is moved into their cgroup just after it starts, so it runs for a
// moment in gofaas's cgroup: a stub (stubs.go) avoids that when one is
// ready.
func startProcess(path string, dir string, env []string, emit func([]byte), limits *Limits) (*process, error) {
	cmd := &exec.Cmd{Path: path, Args: []string{path}, Dir: dir, Env: env}
	p, err := launch(cmd, emit, limits)
	if err != nil {
		if limits != nil {
			limits.release()
		}
		return nil, err
	}
	if limits != nil {
		pid := cmd.Process.Pid
		if err := limits.attach(pid); err != nil {
			p.kill()
		}
		for _, rl := range stubRlimits {
			prlimit(pid, rl.Resource, &syscall.Rlimit{Cur: rl.Cur, Max: rl.Max})
		}
	}
	return p, nil
}

// launch starts cmd with its stdout and stderr read into lines for emit,
// in its own process group, killed when gofaas (the starting thread) dies.
func launch(cmd *exec.Cmd, emit func([]byte), limits *Limits) (*process, error) {
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:   true,
		Pdeathsig: syscall.SIGKILL,
	}
	p := &process{cmd: cmd, exited: make(chan struct{}), limits: limits}
	p.started = time.Now()
	err = cmd.Start()
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return nil, err
	}
	p.outs = []*lineReader{newLineReader(outR, emit), newLineReader(errR, emit)}
	for _, lr := range p.outs {
		go lr.run()
	}
	go func() {
		p.exitErr = cmd.Wait()
		// Read the cgroup before anyone can release it.
		p.oom = limits != nil && limits.oomKilled()
		if limits != nil {
			limits.closeFiles()
		}
		p.closeFiles()
		close(p.exited)
	}()
	return p, nil
}

// prlimit sets a resource limit of another process.
func prlimit(pid, resource int, lim *syscall.Rlimit) error {
	_, _, e := syscall.RawSyscall6(syscall.SYS_PRLIMIT64, uintptr(pid), uintptr(resource), uintptr(unsafe.Pointer(lim)), 0, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// drain delivers every line the process has written so far.
func (p *process) drain() {
	for _, lr := range p.outs {
		lr.drain()
	}
}

// kill ends the whole process group.
func (p *process) kill() {
	p.killOnce.Do(func() {
		if p.cmd.Process != nil {
			syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			p.cmd.Process.Kill()
		}
		if p.limits != nil {
			p.limits.killAll()
		}
	})
}

// alive reports whether the process is still running.
func (p *process) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// exitMessage describes how the process ended, in the words Lambda uses:
// "exit status 2", "signal: killed".
func (p *process) exitMessage() string {
	if p.exitErr == nil {
		return "exit status 0"
	}
	if ee, ok := p.exitErr.(*exec.ExitError); ok {
		return ee.ProcessState.String()
	}
	return p.exitErr.Error()
}

// maxMemoryMB is the peak memory of the environment: from the cgroup when
// limits are on, else the peak resident set of the process (VmHWM). It is
// read on every invocation, so the file stays open and is re-read with
// pread: one system call.
func (p *process) maxMemoryMB() int {
	if p.limits != nil {
		if mb, ok := p.limits.peakMB(); ok {
			return mb
		}
	}
	p.statMu.Lock()
	defer p.statMu.Unlock()
	if p.status == nil {
		f, err := os.Open("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/status")
		if err != nil {
			return 0
		}
		p.status, p.statBuf = f, make([]byte, 4096)
	}
	n, _ := p.status.ReadAt(p.statBuf, 0)
	b := p.statBuf[:n]
	i := bytes.Index(b, []byte("VmHWM:"))
	if i < 0 {
		return 0
	}
	line := b[i+len("VmHWM:"):]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	kb := 0
	for _, c := range line {
		if c >= '0' && c <= '9' {
			kb = kb*10 + int(c-'0')
		}
	}
	return (kb + 1023) / 1024
}

// closeFiles releases the files kept open for statistics.
func (p *process) closeFiles() {
	p.statMu.Lock()
	if p.status != nil {
		p.status.Close()
		p.status = nil
	}
	p.statMu.Unlock()
}

// oomKilled reports whether the memory limit killed the process.
func (p *process) oomKilled() bool {
	<-p.exited
	return p.oom
}

func (p *process) String() string { return fmt.Sprintf("pid %d", p.cmd.Process.Pid) }
