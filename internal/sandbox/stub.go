package sandbox

import (
	"encoding/json"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
)

// The stub side of the pool in stubs.go. A stub is the gofaas executable
// started again with stubArg as its first argument and stubEnv=1 as its
// whole environment. It reads one exec request from stubCtlFD until EOF,
// then sets the limits, changes directory and executes the runtime, which
// keeps the stub's pid, process group, cgroup, parent-death signal and
// stdout and stderr. If a step fails it writes "step errno" to
// stubStatusFD and exits 127; on success execve closes stubStatusFD
// (close-on-exec), which the parent reads as EOF.
const (
	stubArg      = "__gofaas-sandbox-stub"
	stubEnv      = "GOFAAS_SANDBOX_STUB"
	stubCtlFD    = 3
	stubStatusFD = 4
)

// stubRlimits are the resource limits of a runtime started with cgroups
// on: Lambda's 1024 file descriptors, and no core files.
var stubRlimits = []stubRlimit{
	{Resource: syscall.RLIMIT_NOFILE, Cur: 1024, Max: 1024},
	{Resource: syscall.RLIMIT_CORE, Cur: 0, Max: 0},
}

// stubRequest is what the parent sends a stub to become a runtime.
type stubRequest struct {
	Path    string       `json:"path"`
	Argv    []string     `json:"argv"`
	Env     []string     `json:"env"`
	Dir     string       `json:"dir"`
	Rlimits []stubRlimit `json:"rlimits"`
}

type stubRlimit struct {
	Resource int    `json:"r"`
	Cur      uint64 `json:"cur"`
	Max      uint64 `json:"max"`
}

// hooked records that the executable's main calls IsStub, so that
// starting it again as a stub does not run gofaas (or a test binary's
// tests) instead. Without the hook the pool stays empty.
var hooked atomic.Bool

// IsStub reports whether this process was started as a sandbox stub; main
// must then call StubMain before doing anything else:
//
//	if sandbox.IsStub() {
//		sandbox.StubMain()
//	}
//
// Test binaries of packages that start environments with cgroups do the
// same in TestMain. Calling IsStub is also what enables the stub pool.
func IsStub() bool {
	if len(os.Args) > 1 && os.Args[1] == stubArg && os.Getenv(stubEnv) == "1" {
		return true
	}
	hooked.Store(true)
	return false
}

// StubMain waits for the exec request of the parent gofaas and executes
// the runtime. It does not return.
func StubMain() {
	syscall.CloseOnExec(stubStatusFD)
	syscall.SetNonblock(stubCtlFD, false)
	var b []byte
	buf := make([]byte, 16<<10)
	for {
		n, err := syscall.Read(stubCtlFD, buf)
		if err == syscall.EINTR {
			continue
		}
		if n <= 0 {
			break
		}
		b = append(b, buf[:n]...)
	}
	syscall.Close(stubCtlFD)
	var req stubRequest
	if len(b) == 0 || json.Unmarshal(b, &req) != nil {
		os.Exit(0) // closed without a request: gofaas is letting the stub go
	}
	fail := func(step string, err error) {
		errno, ok := err.(syscall.Errno)
		if !ok {
			errno = syscall.EINVAL
		}
		syscall.Write(stubStatusFD, []byte(step+" "+strconv.Itoa(int(errno))))
		os.Exit(127)
	}
	for _, rl := range req.Rlimits {
		if err := syscall.Setrlimit(rl.Resource, &syscall.Rlimit{Cur: rl.Cur, Max: rl.Max}); err != nil {
			fail("setrlimit", err)
		}
	}
	if req.Dir != "" {
		if err := syscall.Chdir(req.Dir); err != nil {
			fail("chdir", err)
		}
	}
	fail("exec", syscall.Exec(req.Path, req.Argv, req.Env))
}
