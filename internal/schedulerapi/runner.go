package schedulerapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/rules"
	"github.com/gofaas/gofaas/internal/schedule"
)

// Runner fires EventBridge Scheduler schedules. Create it, set the
// fields, then call Open; Close stops it.
//
// It keeps the active schedules in memory (reloaded when Changed is
// called) and sleeps until the earliest FireAt. For a due schedule it calls
// ScheduleStore.RecordScheduleFiring, which records the occurrence and
// advances the plan in one transaction, and only then invokes the target
// asynchronously: an occurrence is never fired twice, even across a
// restart. Occurrences missed while gofaas was stopped are not replayed;
// several that fell due at once (a suspended process) fire once. A
// one-time at() schedule fires once and is then completed (deleted if its
// ActionAfterCompletion is DELETE). With a FLEXIBLE time window each
// occurrence fires at a random offset in [0, MaximumWindowInMinutes).
type Runner struct {
	Store gofaas.ScheduleStore
	// Invoke delivers payload (Target.Input, or "{}") to the schedule's
	// target. It is called on its own goroutine; an error is logged.
	Invoke func(ctx context.Context, s *gofaas.Schedule, payload []byte) error
	// Clock tells the time and waits; nil means the real clock.
	Clock rules.Clock
	// Rand returns a random duration in [0, n); nil means math/rand/v2.
	Rand func(n time.Duration) time.Duration
	// OnInvoke, when set, is told about each invocation and its result.
	OnInvoke func(s *gofaas.Schedule, err error)

	changed  chan struct{}
	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
	inflight sync.WaitGroup
}

// Open plans the active schedules and starts the runner.
func (r *Runner) Open() error {
	if r.Store == nil || r.Invoke == nil {
		return errors.New("schedulerapi: Store and Invoke must be set")
	}
	if r.Clock == nil {
		r.Clock = rules.RealClock{}
	}
	if r.Rand == nil {
		r.Rand = func(n time.Duration) time.Duration { return rand.N(n) }
	}
	r.changed = make(chan struct{}, 1)
	r.stop = make(chan struct{})
	ctx := context.Background()
	list, err := r.Store.ActiveSchedules(ctx)
	if err != nil {
		return fmt.Errorf("load schedules: %w", err)
	}
	now := r.Clock.Now()
	for _, s := range list {
		// Occurrences missed while stopped are not replayed.
		if s.NextFire.IsZero() || s.FireAt.Before(now) {
			if err := r.plan(ctx, s, now); err != nil {
				return err
			}
		}
	}
	r.wg.Add(1)
	go r.loop()
	return nil
}

// Close stops the runner and waits for invocations in flight.
func (r *Runner) Close() error {
	r.stopOnce.Do(func() {
		if r.stop != nil {
			close(r.stop)
		}
	})
	r.wg.Wait()
	r.inflight.Wait()
	return nil
}

// Changed tells the runner that schedules changed, so it reloads them.
func (r *Runner) Changed() {
	if r.changed == nil {
		return
	}
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// Wait blocks until every invocation started so far has returned.
func (r *Runner) Wait() { r.inflight.Wait() }

// Occurrence returns the first occurrence of s strictly after after,
// within its StartDate and EndDate (which one-time schedules ignore), or
// the zero time when there is none.
func Occurrence(s *gofaas.Schedule, after time.Time) (time.Time, error) {
	sch, err := schedule.ParseScheduler(s.ScheduleExpression, s.ScheduleExpressionTimezone)
	if err != nil {
		return time.Time{}, err
	}
	if _, ok := sch.(*schedule.At); ok {
		return sch.Next(after), nil
	}
	anchor := s.StartDate
	if anchor.IsZero() {
		anchor = s.Created
	}
	sch = schedule.Anchored(sch, anchor)
	if !s.StartDate.IsZero() && after.Before(s.StartDate) {
		after = s.StartDate.Add(-time.Nanosecond)
	}
	next := sch.Next(after)
	if !next.IsZero() && !s.EndDate.IsZero() && !next.Before(s.EndDate) {
		return time.Time{}, nil
	}
	return next, nil
}

// fireAt is when an occurrence is invoked: on time, or at a random offset
// within a flexible window.
func (r *Runner) fireAt(s *gofaas.Schedule, next time.Time) time.Time {
	if next.IsZero() || s.FlexibleTimeWindow.Mode != gofaas.FlexibleFlexible || s.FlexibleTimeWindow.MaximumWindowInMinutes <= 0 {
		return next
	}
	return next.Add(r.Rand(time.Duration(s.FlexibleTimeWindow.MaximumWindowInMinutes) * time.Minute))
}

// plan sets a schedule's next occurrence to its first one at or after now.
func (r *Runner) plan(ctx context.Context, s *gofaas.Schedule, now time.Time) error {
	next, err := Occurrence(s, now.Add(-time.Nanosecond))
	if err != nil {
		slog.Warn("schedule with an invalid expression", "schedule", s.Arn, "err", err)
		s.Completed = true
		return nil
	}
	at := r.fireAt(s, next)
	ok, err := r.Store.PlanSchedule(ctx, s.GroupName, s.Name, s.NextFire, next, at)
	if err != nil {
		return fmt.Errorf("plan schedule %s: %w", s.Name, err)
	}
	if ok {
		s.NextFire, s.FireAt, s.Completed = next, at, next.IsZero()
	} else {
		s.Completed = true // changed under us: the reload takes it
		r.Changed()
	}
	return nil
}

func (r *Runner) loop() {
	defer r.wg.Done()
	ctx := context.Background()
	var list []*gofaas.Schedule
	reload := true
	for {
		if reload {
			var err error
			if list, err = r.Store.ActiveSchedules(ctx); err != nil {
				slog.Error("load schedules", "err", err)
			}
			reload = false
		}
		now := r.Clock.Now()
		var earliest time.Time
		for _, s := range list {
			if s.Completed {
				continue
			}
			if s.NextFire.IsZero() {
				if err := r.plan(ctx, s, now); err != nil {
					slog.Error("plan schedule", "schedule", s.Arn, "err", err)
					continue
				}
			}
			if !s.Completed && !s.FireAt.After(now) {
				r.fire(ctx, s, now)
			}
			if !s.Completed && (earliest.IsZero() || s.FireAt.Before(earliest)) {
				earliest = s.FireAt
			}
		}
		var timer rules.Timer
		var fired <-chan time.Time
		if !earliest.IsZero() {
			timer = r.Clock.NewTimer(earliest.Sub(r.Clock.Now()))
			fired = timer.C()
		}
		select {
		case <-r.stop:
			if timer != nil {
				timer.Stop()
			}
			return
		case <-r.changed:
			reload = true
		case <-fired:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// fire records a due occurrence and starts the invocation.
func (r *Runner) fire(ctx context.Context, s *gofaas.Schedule, now time.Time) {
	scheduled := s.NextFire
	next, err := Occurrence(s, scheduled)
	if err != nil {
		s.Completed = true
		return
	}
	// More than one occurrence is due (a suspended process): fire the
	// latest once.
	for !next.IsZero() && !next.After(now) {
		scheduled = next
		if next, err = Occurrence(s, scheduled); err != nil {
			s.Completed = true
			return
		}
	}
	at := r.fireAt(s, next)
	ok, err := r.Store.RecordScheduleFiring(ctx, s.GroupName, s.Name, s.NextFire, next, at)
	if err != nil {
		slog.Error("record schedule firing", "schedule", s.Arn, "err", err)
		return
	}
	if !ok {
		s.Completed = true
		r.Changed()
		return
	}
	snap := *s
	s.NextFire, s.FireAt, s.Completed = next, at, next.IsZero()
	payload := []byte("{}")
	if snap.Target.Input != "" {
		payload = []byte(snap.Target.Input)
	}
	r.inflight.Add(1)
	go func() {
		defer r.inflight.Done()
		err := r.Invoke(context.Background(), &snap, payload)
		if err != nil {
			slog.Warn("invoke schedule target", "schedule", snap.Arn, "target", snap.Target.Arn, "err", err)
		}
		if r.OnInvoke != nil {
			r.OnInvoke(&snap, err)
		}
	}()
}
