// Package pool keeps the execution environments of every function: warm
// ones for reuse, new ones for concurrency, within AWS's concurrency limits.
//
// # Limits
//
// A function with reserved concurrency R may have at most R invocations in
// flight; the others share what is left of the account limit (AccountLimit
// minus every reservation). Beyond a limit Acquire fails at once with
// ETHROTTLED: nothing queues, so load beyond capacity is refused, never
// buffered without bound.
//
// # Lock order
//
// Pool.mu guards every counter and idle list. It is never held while an
// environment starts, runs or is closed.
package pool

import (
	"sync"
	"time"

	"github.com/gofaas/gofaas"
)

// Instance is an execution environment as the pool sees it.
type Instance interface {
	// Alive reports whether it can serve another invocation.
	Alive() bool
	// Close ends it.
	Close()
}

// Key identifies the configuration an environment was started for; an
// environment serves only invocations of the same key.
type Key struct {
	Function string
	Version  string
	Revision string
}

// Pool holds environments of type T.
type Pool[T Instance] struct {
	// AccountLimit is the account's concurrent executions (default 1000).
	AccountLimit int
	// ReservedTotal returns the sum of every function's reserved
	// concurrency; nil means 0.
	ReservedTotal func() int
	// IdleTimeout is how long an unused environment stays warm.
	IdleTimeout time.Duration
	// Now is the clock.
	Now func() time.Time

	mu         sync.Mutex
	fns        map[string]*function[T]
	unreserved int // invocations in flight of functions without reservation
	total      int // all invocations in flight
	live       int // environments alive
	stop       chan struct{}
	stopOnce   sync.Once
}

type function[T Instance] struct {
	inflight int
	idle     map[Key][]idleEnv[T]
	gen      int // bumped by Retire; leases of older generations close
}

type idleEnv[T Instance] struct {
	env  T
	used time.Time
}

// New returns a pool with AWS's defaults.
func New[T Instance]() *Pool[T] {
	return &Pool[T]{
		AccountLimit: gofaas.DefaultAccountLimit,
		IdleTimeout:  10 * time.Minute,
		Now:          time.Now,
		fns:          make(map[string]*function[T]),
		stop:         make(chan struct{}),
	}
}

// Lease is one invocation's hold on a slot and, when warm, an environment.
type Lease[T Instance] struct {
	Key  Key
	Env  T
	Warm bool // Env is a reused environment
	gen  int
}

// Acquire takes a concurrency slot for key and a warm environment if one is
// idle (Warm false means the caller must start one and set Lease.Env).
// reserved is the function's reserved concurrency, or -1.
func (p *Pool[T]) Acquire(key Key, reserved int) (*Lease[T], error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.fns[key.Function]
	if f == nil {
		f = &function[T]{idle: make(map[Key][]idleEnv[T])}
		p.fns[key.Function] = f
	}
	if reserved >= 0 {
		if f.inflight >= reserved {
			return nil, throttled("ReservedFunctionConcurrentInvocationLimitExceeded")
		}
	} else {
		limit := p.AccountLimit
		if p.ReservedTotal != nil {
			limit -= p.ReservedTotal()
		}
		if p.unreserved >= limit {
			return nil, throttled("ConcurrentInvocationLimitExceeded")
		}
		p.unreserved++
	}
	f.inflight++
	p.total++
	l := &Lease[T]{Key: key, gen: f.gen}
	if reserved < 0 {
		l.gen = -1 - f.gen // remember that this lease counts as unreserved
	}
	idle := f.idle[key]
	for len(idle) > 0 {
		e := idle[len(idle)-1]
		idle = idle[:len(idle)-1]
		if e.env.Alive() {
			l.Env, l.Warm = e.env, true
			break
		}
		p.live--
		go e.env.Close()
	}
	f.idle[key] = idle
	return l, nil
}

func throttled(reason string) error {
	return &gofaas.Error{Code: gofaas.ETHROTTLED, Type: "TooManyRequestsException", Message: "Rate Exceeded.", Reason: reason}
}

// Started records that the caller started l.Env for a cold lease.
func (p *Pool[T]) Started(l *Lease[T]) {
	p.mu.Lock()
	p.live++
	p.mu.Unlock()
}

// Release returns the slot and keeps the environment warm if it is alive
// and its function was not retired meanwhile. keep=false closes it.
func (p *Pool[T]) Release(l *Lease[T], keep bool) {
	p.mu.Lock()
	f := p.fns[l.Key.Function]
	f.inflight--
	p.total--
	gen := l.gen
	if gen < 0 {
		gen = -1 - gen
		p.unreserved--
	}
	var hasEnv bool
	var zero T
	if any(l.Env) != any(zero) {
		hasEnv = true
	}
	if hasEnv && keep && gen == f.gen && l.Env.Alive() {
		f.idle[l.Key] = append(f.idle[l.Key], idleEnv[T]{env: l.Env, used: p.Now()})
		p.mu.Unlock()
		return
	}
	if hasEnv {
		p.live--
	}
	p.mu.Unlock()
	if hasEnv {
		l.Env.Close()
	}
}

// Retire closes the idle environments of a function and makes the busy ones
// close when released: its code or configuration changed.
func (p *Pool[T]) Retire(function string) {
	p.mu.Lock()
	f := p.fns[function]
	if f == nil {
		p.mu.Unlock()
		return
	}
	f.gen++
	var closing []T
	for k, idle := range f.idle {
		for _, e := range idle {
			closing = append(closing, e.env)
		}
		delete(f.idle, k)
	}
	p.live -= len(closing)
	if f.inflight == 0 {
		delete(p.fns, function)
	}
	p.mu.Unlock()
	for _, e := range closing {
		e.Close()
	}
}

// Reap closes environments idle for longer than IdleTimeout.
func (p *Pool[T]) Reap() {
	now := p.Now()
	var closing []T
	p.mu.Lock()
	for _, f := range p.fns {
		for k, idle := range f.idle {
			kept := idle[:0]
			for _, e := range idle {
				if now.Sub(e.used) >= p.IdleTimeout || !e.env.Alive() {
					closing = append(closing, e.env)
				} else {
					kept = append(kept, e)
				}
			}
			if len(kept) == 0 {
				delete(f.idle, k)
			} else {
				f.idle[k] = kept
			}
		}
	}
	p.live -= len(closing)
	p.mu.Unlock()
	for _, e := range closing {
		e.Close()
	}
}

// Run reaps idle environments periodically until Close.
func (p *Pool[T]) Run() {
	every := p.IdleTimeout / 4
	if every > 10*time.Second {
		every = 10 * time.Second
	}
	if every < 10*time.Millisecond {
		every = 10 * time.Millisecond
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			p.Reap()
		case <-p.stop:
			return
		}
	}
}

// Stats is a snapshot of the pool.
type Stats struct {
	InFlight   int // invocations running
	Unreserved int // of which without reserved concurrency
	Live       int // environments alive
	Idle       int // of which idle
}

// Stats returns counts for metrics and tests.
func (p *Pool[T]) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Stats{InFlight: p.total, Unreserved: p.unreserved, Live: p.live}
	for _, f := range p.fns {
		for _, idle := range f.idle {
			s.Idle += len(idle)
		}
	}
	return s
}

// InFlight returns the invocations in flight of one function.
func (p *Pool[T]) InFlight(function string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f := p.fns[function]; f != nil {
		return f.inflight
	}
	return 0
}

// InFlightByFunction returns the invocations in flight of every function
// that has any.
func (p *Pool[T]) InFlightByFunction() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := make(map[string]int, len(p.fns))
	for name, f := range p.fns {
		if f.inflight > 0 {
			m[name] = f.inflight
		}
	}
	return m
}

// Close stops the reaper and closes every idle environment.
func (p *Pool[T]) Close() {
	p.stopOnce.Do(func() { close(p.stop) })
	p.mu.Lock()
	var closing []T
	for _, f := range p.fns {
		for k, idle := range f.idle {
			for _, e := range idle {
				closing = append(closing, e.env)
			}
			delete(f.idle, k)
		}
		f.gen++
	}
	p.live -= len(closing)
	p.mu.Unlock()
	for _, e := range closing {
		e.Close()
	}
}
