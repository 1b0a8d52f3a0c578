package sandbox

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gofaas/gofaas/internal/testfn"
)

// benchmarkColdStart measures process start to the runtime's first /next
// (the init phase of a cold start) and the first invocation. Spaced cold
// starts have a pause between them, outside the timing, as a server's
// usually have: back to back, moves between cgroups get cheaper (the
// kernel does not wait for a new RCU grace period), and the stub pool
// cannot keep up with them.
func benchmarkColdStart(b *testing.B, cg *Cgroups, spaced bool) {
	dir := b.TempDir()
	bin := testfn.Binary(b, "hello", "bootstrap")
	data, err := os.ReadFile(bin)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), data, 0o755); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if spaced {
			b.StopTimer()
			time.Sleep(50 * time.Millisecond)
			if cg != nil {
				waitStubs(b, cg)
			}
			b.StartTimer()
		}
		e, err := Start(Config{Runtime: "provided.al2023", Handler: "bootstrap", Dir: dir, MemoryMB: 128, Cgroups: cg})
		if err != nil {
			b.Fatal(err)
		}
		if r := e.Init(time.Now().Add(10 * time.Second)); r != nil {
			b.Fatalf("init: %+v", r)
		}
		if r := e.Invoke(req("1", `{"value":"x"}`, 3*time.Second)); r.Outcome != OK {
			b.Fatalf("invoke: %+v", r)
		}
		e.Close()
	}
}

func BenchmarkColdStart(b *testing.B) { benchmarkColdStart(b, nil, false) }

func BenchmarkColdStartCgroup(b *testing.B) { benchmarkColdStart(b, cgroups(b), false) }

func BenchmarkColdStartSpaced(b *testing.B) { benchmarkColdStart(b, nil, true) }

func BenchmarkColdStartCgroupSpaced(b *testing.B) { benchmarkColdStart(b, cgroups(b), true) }

// BenchmarkColdStartCgroupSpacedNoStubs: each runtime is moved into its
// cgroup on the cold start.
func BenchmarkColdStartCgroupSpacedNoStubs(b *testing.B) {
	cg := cgroups(b)
	cg.SetReadyStubs(0)
	benchmarkColdStart(b, cg, true)
}
