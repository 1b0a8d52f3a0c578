package sandbox

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// script writes an executable bootstrap with body into a new directory.
func script(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestStubInCgroupFromStart: the runtime is in its environment's cgroup
// from its first instruction, with Lambda's resource limits, in its
// directory, with no signal blocked.
func TestStubInCgroupFromStart(t *testing.T) {
	cg := cgroups(t)
	dir := script(t, "#!/bin/sh\nwhile read -r l; do echo \"$l\"; done < /proc/self/cgroup\necho nofile $(ulimit -n)\npwd\ngrep -E \"^Sig(Blk|Ign)\" /proc/self/status\n")
	waitStubs(t, cg)
	out := &lines{}
	e, err := Start(Config{Runtime: "provided.al2023", Handler: "x", Dir: dir, MemoryMB: 128, Cgroups: cg, Output: out.add})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if !e.proc.fromStub {
		t.Fatal("the runtime did not start from a stub")
	}
	r := e.Init(time.Now().Add(5 * time.Second))
	if r == nil || r.Message != "Runtime exited with error: exit status 0" {
		t.Fatalf("Init = %+v, want the script's exit", r)
	}
	want := "/" + filepath.Base(cg.root) + "/" + filepath.Base(e.limits.dir)
	var memory string
	for _, l := range out.all() {
		if f := strings.SplitN(l, ":", 3); len(f) == 3 && (f[1] == "memory" || cg.v2 && f[0] == "0") {
			memory = f[2]
		}
	}
	if !strings.HasSuffix(memory, want) {
		t.Errorf("memory cgroup %q, want one ending in %q (output %q)", memory, want, out.all())
	}
	all := strings.Join(out.all(), "\n")
	if !strings.Contains(all, "nofile 1024") {
		t.Errorf("output %q, want nofile 1024", all)
	}
	if !strings.Contains(all, "SigBlk:\t0000000000000000") {
		t.Errorf("output %q, want no signal blocked", all)
	}
	if !strings.Contains(all, "\n"+dir) {
		t.Errorf("output %q, want the working directory %s", all, dir)
	}
}

// TestStubOutOfMemory: the limit set when the stub is taken applies.
func TestStubOutOfMemory(t *testing.T) {
	cg := cgroups(t)
	e, _ := startWith(t, cg, "provided.al2023")
	if r := e.Init(time.Now().Add(10 * time.Second)); r != nil {
		t.Fatalf("Init: %+v", r)
	}
	r := e.Invoke(req("1", `{"op":"alloc","mb":400}`, 10*time.Second))
	if r.Outcome != Crashed || r.ErrorType != "Runtime.OutOfMemory" || r.MaxMemoryMB != 128 {
		t.Errorf("alloc 400 MB in 128 MB = %+v, want Runtime.OutOfMemory", r)
	}
}

// TestStubPeakMemory: Max Memory Used is the runtime's, not the stub's.
func TestStubPeakMemory(t *testing.T) {
	cg := cgroups(t)
	e, _ := startWith(t, cg, "provided.al2023")
	if r := e.Init(time.Now().Add(10 * time.Second)); r != nil {
		t.Fatalf("Init: %+v", r)
	}
	r := e.Invoke(req("1", `{"op":"alloc","mb":40}`, 10*time.Second))
	if r.Outcome != OK || r.MaxMemoryMB < 40 || r.MaxMemoryMB > 100 {
		t.Errorf("alloc 40 MB = %+v, want Max Memory Used a little over 40", r)
	}
}

// TestStubExecError: a runtime that cannot be executed fails Start as it
// does without a stub.
func TestStubExecError(t *testing.T) {
	cg := cgroups(t)
	dir := script(t, "not a program\x00\x01")
	start := func() error {
		_, err := Start(Config{Runtime: "provided.al2023", Dir: dir, MemoryMB: 128, Cgroups: cg})
		return err
	}
	waitStubs(t, cg)
	stubErr := start()
	cg.SetReadyStubs(0)
	directErr := start()
	if stubErr == nil || directErr == nil || stubErr.Error() != directErr.Error() {
		t.Errorf("Start from a stub: %v; directly: %v; want the same error", stubErr, directErr)
	}
}

// TestStubsClose: Close kills the ready stubs and removes every cgroup.
func TestStubsClose(t *testing.T) {
	cg, err := DetectCgroups()
	if err != nil {
		t.Skip("memory limits off:", err)
	}
	waitStubs(t, cg)
	var pids []int
	cg.stubs.mu.Lock()
	for _, st := range cg.stubs.ready {
		pids = append(pids, st.proc.cmd.Process.Pid)
	}
	cg.stubs.mu.Unlock()
	if len(pids) != defaultStubs {
		t.Fatalf("%d stubs ready, want %d", len(pids), defaultStubs)
	}
	if err := cg.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
			t.Errorf("stub %d still running", pid)
		}
	}
	if _, err := os.Stat(cg.root); !os.IsNotExist(err) {
		t.Errorf("cgroup %s still there (%v)", cg.root, err)
	}
}
