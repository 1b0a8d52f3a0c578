package pool

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
)

// fakeEnv is a hand-written Instance.
type fakeEnv struct {
	id     int
	closed atomic.Bool
}

func (f *fakeEnv) Alive() bool { return !f.closed.Load() }
func (f *fakeEnv) Close()      { f.closed.Store(true) }

var nextID atomic.Int64

// acquire takes a lease and starts a fake environment when it is cold.
func acquire(t *testing.T, p *Pool[*fakeEnv], key Key, reserved int) *Lease[*fakeEnv] {
	t.Helper()
	l, err := p.Acquire(key, reserved)
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	if !l.Warm {
		l.Env = &fakeEnv{id: int(nextID.Add(1))}
		p.Started(l)
	}
	return l
}

func TestWarmReuse(t *testing.T) {
	p := New[*fakeEnv]()
	k := Key{Function: "f", Version: "$LATEST", Revision: "r1"}
	a := acquire(t, p, k, -1)
	p.Release(a, true)
	b := acquire(t, p, k, -1)
	if !b.Warm || b.Env != a.Env {
		t.Fatalf("second lease warm=%v env=%v, want the first environment reused", b.Warm, b.Env.id)
	}
	// A different revision never gets an environment of another.
	c := acquire(t, p, Key{Function: "f", Version: "$LATEST", Revision: "r2"}, -1)
	if c.Warm {
		t.Fatal("a new revision reused an old environment")
	}
	if got := p.Stats(); got.InFlight != 2 || got.Live != 2 {
		t.Errorf("stats = %+v, want 2 in flight, 2 live", got)
	}
}

func TestReservedConcurrencyThrottles(t *testing.T) {
	p := New[*fakeEnv]()
	k := Key{Function: "f", Version: "$LATEST"}
	a := acquire(t, p, k, 2)
	acquire(t, p, k, 2)
	_, err := p.Acquire(k, 2)
	var ge *gofaas.Error
	if gofaas.ErrorCode(err) != gofaas.ETHROTTLED {
		t.Fatalf("third Acquire = %v, want ETHROTTLED", err)
	}
	if e, ok := err.(*gofaas.Error); ok {
		ge = e
	}
	if ge.Reason != "ReservedFunctionConcurrentInvocationLimitExceeded" {
		t.Errorf("reason = %q", ge.Reason)
	}
	p.Release(a, true)
	if _, err := p.Acquire(k, 2); err != nil {
		t.Errorf("Acquire after release = %v", err)
	}
	// Reserved 0 throttles everything.
	if _, err := p.Acquire(Key{Function: "zero"}, 0); gofaas.ErrorCode(err) != gofaas.ETHROTTLED {
		t.Errorf("reserved 0 = %v, want ETHROTTLED", err)
	}
}

func TestAccountLimit(t *testing.T) {
	p := New[*fakeEnv]()
	p.AccountLimit = 5
	p.ReservedTotal = func() int { return 2 } // 3 left for unreserved functions
	for i := 0; i < 3; i++ {
		acquire(t, p, Key{Function: "u"}, -1)
	}
	_, err := p.Acquire(Key{Function: "v"}, -1)
	if e, ok := err.(*gofaas.Error); !ok || e.Reason != "ConcurrentInvocationLimitExceeded" {
		t.Fatalf("Acquire beyond the unreserved pool = %v, want ConcurrentInvocationLimitExceeded", err)
	}
	// A function with its own reservation is not affected.
	acquire(t, p, Key{Function: "r"}, 2)
}

func TestRetire(t *testing.T) {
	p := New[*fakeEnv]()
	k := Key{Function: "f", Version: "$LATEST"}
	idle := acquire(t, p, k, -1)
	busy := acquire(t, p, k, -1)
	p.Release(idle, true)
	p.Retire("f")
	if idle.Env.Alive() {
		t.Error("idle environment survived Retire")
	}
	p.Release(busy, true)
	if busy.Env.Alive() {
		t.Error("busy environment was kept after its function was retired")
	}
	if l := acquire(t, p, k, -1); l.Warm {
		t.Error("a retired environment was reused")
	}
}

func TestReap(t *testing.T) {
	now := time.Unix(1000, 0)
	p := New[*fakeEnv]()
	p.Now = func() time.Time { return now }
	p.IdleTimeout = time.Minute
	l := acquire(t, p, Key{Function: "f"}, -1)
	p.Release(l, true)
	now = now.Add(59 * time.Second)
	p.Reap()
	if !l.Env.Alive() {
		t.Fatal("reaped before the idle timeout")
	}
	now = now.Add(time.Second)
	p.Reap()
	if l.Env.Alive() {
		t.Fatal("not reaped after the idle timeout")
	}
	if s := p.Stats(); s.Live != 0 || s.Idle != 0 {
		t.Errorf("stats = %+v, want nothing live", s)
	}
}

func TestDeadEnvironmentNotReused(t *testing.T) {
	p := New[*fakeEnv]()
	k := Key{Function: "f"}
	l := acquire(t, p, k, -1)
	p.Release(l, true)
	l.Env.Close() // died while idle
	if l2 := acquire(t, p, k, -1); l2.Warm {
		t.Fatal("a dead environment was handed out")
	}
}

func BenchmarkAcquireRelease(b *testing.B) {
	p := New[*fakeEnv]()
	k := Key{Function: "f", Version: "$LATEST", Revision: "r"}
	l, _ := p.Acquire(k, -1)
	l.Env = &fakeEnv{}
	p.Started(l)
	p.Release(l, true)
	b.ReportAllocs()
	for b.Loop() {
		l, _ := p.Acquire(k, -1)
		p.Release(l, true)
	}
}
