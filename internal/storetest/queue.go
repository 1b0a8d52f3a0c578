package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
)

// t0 is the fixed "now" of the queue and log tests: every time they use is
// derived from it, so the tests control the clock.
var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// RunEventQueue runs the gofaas.EventQueue contract against queues
// returned by open, one fresh empty queue per subtest.
func RunEventQueue(t *testing.T, open func(t *testing.T) gofaas.EventQueue) {
	tests := []struct {
		name string
		fn   func(t *testing.T, q gofaas.EventQueue)
	}{
		{"EnqueueAndClaim", testEnqueueAndClaim},
		{"EnqueueConflict", testEnqueueConflict},
		{"NotBefore", testNotBefore},
		{"Lease", testLease},
		{"ClaimOrderAndMax", testClaimOrderAndMax},
		{"Done", testDone},
		{"Retry", testRetry},
		{"Pending", testPending},
		{"ConcurrentClaimers", testConcurrentClaimers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

// enqueue stores an event for function received at t0+offset.
func enqueue(t *testing.T, q gofaas.EventQueue, id, function string, offset time.Duration) *gofaas.AsyncEvent {
	t.Helper()
	ev := &gofaas.AsyncEvent{ID: id, FunctionName: function, Payload: []byte(`{"id":"` + id + `"}`), Received: t0.Add(offset)}
	ok(t, q.Enqueue(context.Background(), ev))
	return ev
}

// claim claims up to max events at now for lease and returns their ids.
func claim(t *testing.T, q gofaas.EventQueue, now time.Time, lease time.Duration, max int) []string {
	t.Helper()
	evs, err := q.Claim(context.Background(), now, lease, max)
	ok(t, err)
	return ids(evs)
}

func ids(evs []*gofaas.AsyncEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.ID)
	}
	return out
}

func testEnqueueAndClaim(t *testing.T, q gofaas.EventQueue) {
	ctx := context.Background()
	ev := &gofaas.AsyncEvent{FunctionName: "f", Qualifier: "live", Payload: []byte(`{"k":"v"}`), Attempts: 1, Received: t0}
	ok(t, q.Enqueue(ctx, ev))
	if ev.ID == "" {
		t.Fatal("Enqueue did not set an ID")
	}
	if !ev.NotBefore.Equal(t0) {
		t.Fatalf("NotBefore = %v, want Received (%v)", ev.NotBefore, t0)
	}
	got, err := q.Claim(ctx, t0, time.Minute, 10)
	ok(t, err)
	if len(got) != 1 {
		t.Fatalf("claimed %d events, want 1", len(got))
	}
	e := got[0]
	if e.ID != ev.ID || e.FunctionName != "f" || e.Qualifier != "live" || string(e.Payload) != `{"k":"v"}` ||
		e.Attempts != 1 || !e.Received.Equal(t0) || !e.NotBefore.Equal(t0) {
		t.Fatalf("claimed %+v, want %+v", e, ev)
	}

	t.Run("ReceivedDefaultsToNow", func(t *testing.T) {
		ev := &gofaas.AsyncEvent{FunctionName: "f"}
		ok(t, q.Enqueue(ctx, ev))
		if ev.Received.IsZero() || !ev.NotBefore.Equal(ev.Received) {
			t.Fatalf("Received, NotBefore = %v, %v, want now, now", ev.Received, ev.NotBefore)
		}
	})
}

func testEnqueueConflict(t *testing.T, q gofaas.EventQueue) {
	enqueue(t, q, "a", "f", 0)
	err := q.Enqueue(context.Background(), &gofaas.AsyncEvent{ID: "a", FunctionName: "g", Received: t0})
	wantCode(t, err, gofaas.ECONFLICT)
}

func testNotBefore(t *testing.T, q gofaas.EventQueue) {
	ctx := context.Background()
	ok(t, q.Enqueue(ctx, &gofaas.AsyncEvent{ID: "later", FunctionName: "f", Received: t0, NotBefore: t0.Add(time.Minute)}))
	tests := []struct {
		now  time.Time
		want []string
	}{
		{t0, nil},
		{t0.Add(time.Minute - time.Nanosecond), nil},
		{t0.Add(time.Minute), []string{"later"}}, // due exactly at NotBefore
	}
	for _, tt := range tests {
		if got := claim(t, q, tt.now, time.Second, 10); !slices.Equal(got, tt.want) {
			t.Fatalf("Claim at %v = %v, want %v", tt.now.Sub(t0), got, tt.want)
		}
	}
}

func testLease(t *testing.T, q gofaas.EventQueue) {
	enqueue(t, q, "a", "f", 0)
	lease := 30 * time.Second
	steps := []struct {
		name string
		now  time.Time
		want []string
	}{
		{"FirstClaim", t0, []string{"a"}},
		{"HeldByLease", t0, nil},
		{"StillHeld", t0.Add(lease - time.Nanosecond), nil},
		{"ExpiredLeaseIsClaimableAgain", t0.Add(lease), []string{"a"}},
		{"RenewedLeaseHolds", t0.Add(lease + time.Second), nil},
		{"ExpiresAgain", t0.Add(2 * lease), []string{"a"}},
	}
	for _, st := range steps {
		if got := claim(t, q, st.now, lease, 10); !slices.Equal(got, st.want) {
			t.Fatalf("%s: Claim at +%v = %v, want %v", st.name, st.now.Sub(t0), got, st.want)
		}
	}
	n, err := q.Pending(context.Background(), "")
	ok(t, err)
	if n != 1 {
		t.Fatalf("Pending = %d with a leased event, want 1", n)
	}
}

func testClaimOrderAndMax(t *testing.T, q gofaas.EventQueue) {
	ctx := context.Background()
	// Received order c, a, b; b is due first because of its NotBefore.
	ok(t, q.Enqueue(ctx, &gofaas.AsyncEvent{ID: "c", FunctionName: "f", Received: t0}))
	ok(t, q.Enqueue(ctx, &gofaas.AsyncEvent{ID: "a", FunctionName: "f", Received: t0.Add(time.Second)}))
	ok(t, q.Enqueue(ctx, &gofaas.AsyncEvent{ID: "b", FunctionName: "f", Received: t0.Add(2 * time.Second), NotBefore: t0.Add(-time.Minute)}))
	now := t0.Add(time.Hour)
	if got, want := claim(t, q, now, time.Minute, 2), []string{"b", "c"}; !slices.Equal(got, want) {
		t.Fatalf("first Claim = %v, want %v", got, want)
	}
	if got, want := claim(t, q, now, time.Minute, 2), []string{"a"}; !slices.Equal(got, want) {
		t.Fatalf("second Claim = %v, want %v", got, want)
	}
	if got := claim(t, q, now, time.Minute, 2); len(got) != 0 {
		t.Fatalf("third Claim = %v, want none", got)
	}
}

func testDone(t *testing.T, q gofaas.EventQueue) {
	ctx := context.Background()
	enqueue(t, q, "a", "f", 0)
	enqueue(t, q, "b", "f", 0)
	claim(t, q, t0, time.Second, 10)
	ok(t, q.Done(ctx, "a"))
	ok(t, q.Done(ctx, "a")) // a late duplicate delivery finishing is not an error
	if got, want := claim(t, q, t0.Add(time.Hour), time.Second, 10), []string{"b"}; !slices.Equal(got, want) {
		t.Fatalf("Claim after Done = %v, want %v", got, want)
	}
	n, err := q.Pending(ctx, "f")
	ok(t, err)
	if n != 1 {
		t.Fatalf("Pending = %d, want 1", n)
	}
}

func testRetry(t *testing.T, q gofaas.EventQueue) {
	ctx := context.Background()
	enqueue(t, q, "a", "f", 0)
	lease := 10 * time.Minute
	claim(t, q, t0, lease, 10)
	// Retry releases the lease and sets the next attempt a minute out,
	// well before the lease would have run out.
	ok(t, q.Retry(ctx, "a", 1, t0.Add(time.Minute)))
	if got := claim(t, q, t0.Add(59*time.Second), lease, 10); len(got) != 0 {
		t.Fatalf("Claim before NotBefore = %v, want none", got)
	}
	evs, err := q.Claim(ctx, t0.Add(time.Minute), lease, 10)
	ok(t, err)
	if len(evs) != 1 || evs[0].Attempts != 1 || !evs[0].NotBefore.Equal(t0.Add(time.Minute)) || !evs[0].Received.Equal(t0) {
		t.Fatalf("Claim after Retry = %+v, want a with Attempts 1", evs)
	}
	wantCode(t, q.Retry(ctx, "missing", 1, t0), gofaas.ENOTFOUND)
}

func testPending(t *testing.T, q gofaas.EventQueue) {
	ctx := context.Background()
	enqueue(t, q, "1", "f", 0)
	enqueue(t, q, "2", "f", 0)
	enqueue(t, q, "3", "g", 0)
	tests := []struct {
		function string
		want     int
	}{{"", 3}, {"f", 2}, {"g", 1}, {"h", 0}}
	for _, tt := range tests {
		n, err := q.Pending(ctx, tt.function)
		ok(t, err)
		if n != tt.want {
			t.Fatalf("Pending(%q) = %d, want %d", tt.function, n, tt.want)
		}
	}
}

func testConcurrentClaimers(t *testing.T, q gofaas.EventQueue) {
	ctx := context.Background()
	const events, claimers = 120, 4
	for i := range events {
		enqueue(t, q, fmt.Sprintf("ev%03d", i), "f", time.Duration(i))
	}
	var (
		mu   sync.Mutex
		seen = map[string]int{}
		wg   sync.WaitGroup
		errs = make(chan error, claimers)
	)
	for range claimers {
		wg.Go(func() {
			for {
				evs, err := q.Claim(ctx, t0.Add(time.Second), time.Hour, 7)
				if err != nil {
					errs <- err
					return
				}
				if len(evs) == 0 {
					return
				}
				mu.Lock()
				for _, e := range evs {
					seen[e.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Claim: %v", err)
	}
	if len(seen) != events {
		t.Fatalf("claimed %d distinct events, want %d", len(seen), events)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("event %s claimed %d times while leased", id, n)
		}
	}
}
