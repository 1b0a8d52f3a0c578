package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// instances numbers the Cgroups of this process (tests run several servers).
var instances atomic.Int64

// Cgroups makes per-environment cgroups (v1 memory controller, or cgroup
// v2) so that MemorySize is a real limit and Max Memory Used is measured.
// A nil *Cgroups means limits are off.
type Cgroups struct {
	v2   bool
	root string // the directory under which environment cgroups are made
	seq  atomic.Int64
	// stubs are processes waiting in their cgroups to become a runtime.
	stubs *Stubs
}

// DetectCgroups returns a *Cgroups rooted in a "gofaas-<pid>" directory of
// the host's memory hierarchy, or an error saying why limits are off (not
// root, no writable memory controller).
func DetectCgroups() (*Cgroups, error) {
	if os.Geteuid() != 0 {
		return nil, errors.New("not running as root")
	}
	name := "gofaas-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(instances.Add(1), 10)
	// cgroup v2 unified hierarchy with the memory controller.
	if b, err := os.ReadFile("/sys/fs/cgroup/cgroup.controllers"); err == nil && strings.Contains(string(b), "memory") {
		own, err := ownCgroup("")
		if err == nil {
			root := filepath.Join("/sys/fs/cgroup", own, name)
			if err := os.Mkdir(root, 0o755); err == nil {
				os.WriteFile(filepath.Join(root, "cgroup.subtree_control"), []byte("+memory +pids"), 0)
				return newCgroups(true, root), nil
			}
		}
	}
	// cgroup v1 memory controller.
	if _, err := os.Stat("/sys/fs/cgroup/memory/memory.limit_in_bytes"); err == nil {
		own, err := ownCgroup("memory")
		if err != nil {
			own = "/"
		}
		parent := filepath.Join("/sys/fs/cgroup/memory", own)
		removeStale(parent)
		root := filepath.Join(parent, name)
		if err := os.Mkdir(root, 0o755); err != nil && !os.IsExist(err) {
			return nil, fmt.Errorf("create memory cgroup: %w", err)
		}
		return newCgroups(false, root), nil
	}
	return nil, errors.New("no writable memory cgroup controller")
}

func newCgroups(v2 bool, root string) *Cgroups {
	c := &Cgroups{v2: v2, root: root}
	c.stubs = newStubs(c, defaultStubs)
	c.stubs.refill()
	return c
}

// removeStale removes the cgroups that gofaas processes no longer running
// left behind (after a kill -9, say). Only empty cgroups can be removed.
func removeStale(parent string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, "gofaas-") {
			continue
		}
		pid := strings.SplitN(strings.TrimPrefix(name, "gofaas-"), "-", 2)[0]
		if _, err := os.Stat("/proc/" + pid); err == nil {
			continue
		}
		dir := filepath.Join(parent, name)
		subs, _ := os.ReadDir(dir)
		for _, s := range subs {
			if s.IsDir() {
				os.Remove(filepath.Join(dir, s.Name()))
			}
		}
		os.Remove(dir)
	}
}

// ownCgroup returns this process's cgroup path for a v1 controller, or the
// v2 path when controller is "".
func ownCgroup(controller string) (string, error) {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if controller == "" && parts[0] == "0" && parts[1] == "" {
			return parts[2], nil
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == controller {
				return parts[2], nil
			}
		}
	}
	return "", errors.New("cgroup not found")
}

// Close kills the ready stubs and removes the root cgroup. Environments
// must be gone; those that started from a stub are killed too (see Stubs).
// Close may be called again until it succeeds.
func (c *Cgroups) Close() error {
	if c == nil {
		return nil
	}
	c.stubs.close()
	entries, _ := os.ReadDir(c.root)
	for _, e := range entries {
		if e.IsDir() {
			os.Remove(filepath.Join(c.root, e.Name()))
		}
	}
	return os.Remove(c.root)
}

// Describe says what the limits are, for the start-up banner.
func (c *Cgroups) Describe() string {
	if c.v2 {
		return "cgroup v2 at " + c.root
	}
	return "cgroup v1 memory at " + c.root
}

// Limits is the cgroup of one environment.
type Limits struct {
	cg       *Cgroups
	dir      string
	memoryMB int

	mu   sync.Mutex
	peak *os.File // the peak usage file, kept open: read with pread
	buf  [32]byte
}

// newLimits makes the cgroup of one environment, limited to memoryMB.
func (c *Cgroups) newLimits(memoryMB int) (*Limits, error) {
	if c == nil {
		return nil, nil
	}
	l, err := c.newCgroup()
	if err != nil {
		return nil, err
	}
	if !c.v2 {
		// Charges made in the moment before the process joins move with it.
		os.WriteFile(filepath.Join(l.dir, "memory.move_charge_at_immigrate"), []byte("1"), 0)
	}
	if err := l.setMemory(memoryMB); err != nil {
		os.Remove(l.dir)
		return nil, err
	}
	return l, nil
}

// newCgroup makes the cgroup of one environment without a memory limit
// (a stub's: the limit is set when the stub is taken).
func (c *Cgroups) newCgroup() (*Limits, error) {
	dir := filepath.Join(c.root, "env-"+strconv.FormatInt(c.seq.Add(1), 10))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	if c.v2 {
		os.WriteFile(filepath.Join(dir, "memory.swap.max"), []byte("0"), 0)
	}
	return &Limits{cg: c, dir: dir}, nil
}

// setMemory sets the memory limit (memory and swap, so swap is not a way
// around it). It may only lower the limit: v1 wants the memory limit
// written before the memory+swap one when lowering.
func (l *Limits) setMemory(memoryMB int) error {
	l.memoryMB = memoryMB
	bytes := []byte(strconv.FormatInt(int64(memoryMB)<<20, 10))
	var err error
	if l.cg.v2 {
		err = os.WriteFile(filepath.Join(l.dir, "memory.max"), bytes, 0)
	} else {
		err = os.WriteFile(filepath.Join(l.dir, "memory.limit_in_bytes"), bytes, 0)
		os.WriteFile(filepath.Join(l.dir, "memory.memsw.limit_in_bytes"), bytes, 0)
	}
	if err != nil {
		return fmt.Errorf("set memory limit: %w", err)
	}
	return nil
}

// resetPeak forgets the peak usage so far (v1), so that a stub's own
// pages do not count in the function's Max Memory Used. v2 cannot reset
// memory.peak for every reader; a stub charges it little (only what it
// touches after joining).
func (l *Limits) resetPeak() {
	if !l.cg.v2 {
		os.WriteFile(filepath.Join(l.dir, "memory.max_usage_in_bytes"), []byte("0"), 0)
	}
}

// attach moves pid into the cgroup.
func (l *Limits) attach(pid int) error {
	return os.WriteFile(filepath.Join(l.dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0)
}

// killAll kills every process left in the cgroup.
func (l *Limits) killAll() {
	if l.cg.v2 {
		if os.WriteFile(filepath.Join(l.dir, "cgroup.kill"), []byte("1"), 0) == nil {
			return
		}
	}
	b, _ := os.ReadFile(filepath.Join(l.dir, "cgroup.procs"))
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			syscallKill(pid)
		}
	}
}

// release removes the cgroup once its processes are gone.
func (l *Limits) release() {
	if l == nil {
		return
	}
	os.Remove(l.dir)
}

func (l *Limits) peakMB() (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.peak == nil {
		name := "memory.max_usage_in_bytes"
		if l.cg.v2 {
			name = "memory.peak"
		}
		f, err := os.Open(filepath.Join(l.dir, name))
		if err != nil {
			return 0, false
		}
		l.peak = f
	}
	n, _ := l.peak.ReadAt(l.buf[:], 0)
	v, err := strconv.ParseInt(strings.TrimSpace(string(l.buf[:n])), 10, 64)
	if err != nil {
		return 0, false
	}
	return int((v + (1 << 20) - 1) >> 20), true
}

// closeFiles releases the files kept open for statistics.
func (l *Limits) closeFiles() {
	l.mu.Lock()
	if l.peak != nil {
		l.peak.Close()
		l.peak = nil
	}
	l.mu.Unlock()
}

func (l *Limits) oomKilled() bool {
	name := "memory.oom_control"
	if l.cg.v2 {
		name = "memory.events"
	}
	b, err := os.ReadFile(filepath.Join(l.dir, name))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "oom_kill" && f[1] != "0" {
			return true
		}
	}
	return false
}
