package invoke

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofaas/gofaas"
)

// Defaults of PutFunctionEventInvokeConfig.
const (
	defaultMaxRetries = 2
	defaultMaxAge     = 21600 * time.Second
	maxThrottleRetry  = 5 * time.Minute
	// eventLease bounds how long a claimed event is held by one delivery;
	// it outlasts the longest function timeout.
	eventLease = 16 * time.Minute
)

// dispatch delivers due asynchronous events until Close.
func (iv *Invoker) dispatch() {
	defer iv.wg.Done()
	slots := make(chan struct{}, iv.AsyncConcurrency)
	t := time.NewTicker(iv.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-iv.stop:
			// Wait for deliveries in flight.
			for i := 0; i < cap(slots); i++ {
				slots <- struct{}{}
			}
			return
		case <-iv.wake:
		case <-t.C:
		}
		free := cap(slots) - len(slots)
		if free == 0 {
			continue
		}
		evs, err := iv.Queue.Claim(context.Background(), iv.Now(), eventLease, free)
		if err != nil {
			slog.Error("claim async events", "err", err)
			continue
		}
		for _, ev := range evs {
			slots <- struct{}{}
			go func(ev *gofaas.AsyncEvent) {
				defer func() { <-slots }()
				iv.deliver(ev)
			}(ev)
		}
		if len(evs) == free {
			// There may be more due: look again at once.
			select {
			case iv.wake <- struct{}{}:
			default:
			}
		}
	}
}

// deliver runs one asynchronous event and records its fate: done, retried
// later, or dropped.
func (iv *Invoker) deliver(ev *gofaas.AsyncEvent) {
	ctx := context.Background()
	fn, err := iv.Functions.Resolve(ctx, ev.FunctionName, ev.Qualifier)
	if gofaas.ErrorCode(err) == gofaas.ENOTFOUND {
		slog.Info("async event dropped: function gone", "function", ev.FunctionName, "request", ev.ID)
		iv.drop(ev)
		return
	} else if err != nil {
		iv.retry(ev, ev.Attempts, iv.ThrottleRetry)
		return
	}
	maxRetries, maxAge := defaultMaxRetries, defaultMaxAge
	if c, err := iv.Functions.EventInvokeConfig(ctx, ev.FunctionName, ev.Qualifier); err == nil && c != nil {
		if c.MaximumRetryAttempts != nil {
			maxRetries = *c.MaximumRetryAttempts
		}
		if c.MaximumEventAgeInSeconds != nil {
			maxAge = time.Duration(*c.MaximumEventAgeInSeconds) * time.Second
		}
	}
	age := iv.Now().Sub(ev.Received)
	if age > maxAge {
		slog.Info("async event dropped: too old", "function", ev.FunctionName, "request", ev.ID, "age", age)
		iv.drop(ev)
		return
	}
	if iv.OnAsync != nil {
		iv.OnAsync("age", ev.FunctionName, ev.Qualifier, age)
	}
	out, err := iv.run(fn, ev.Qualifier, iv.Region, ev.Payload, ev.ID, "", false, true)
	switch {
	case err != nil:
		// Throttled or a platform failure: retried with backoff until the
		// event is too old, without counting as an attempt.
		wait := iv.ThrottleRetry
		for d := iv.ThrottleRetry; d < age && wait < maxThrottleRetry; d *= 2 {
			wait *= 2
		}
		if wait > maxThrottleRetry {
			wait = maxThrottleRetry
		}
		iv.retry(ev, ev.Attempts, wait)
	case out.FunctionError != "":
		if ev.Attempts >= maxRetries {
			slog.Info("async event dropped: retries exhausted", "function", ev.FunctionName, "request", ev.ID, "attempts", ev.Attempts+1)
			iv.drop(ev)
			return
		}
		delay := iv.RetryDelays[len(iv.RetryDelays)-1]
		if ev.Attempts < len(iv.RetryDelays) {
			delay = iv.RetryDelays[ev.Attempts]
		}
		iv.retry(ev, ev.Attempts+1, delay)
	default:
		iv.done(ev)
	}
}

// drop gives up an event.
func (iv *Invoker) drop(ev *gofaas.AsyncEvent) {
	if iv.OnAsync != nil {
		iv.OnAsync("dropped", ev.FunctionName, ev.Qualifier, 0)
	}
	iv.done(ev)
}

func (iv *Invoker) done(ev *gofaas.AsyncEvent) {
	if err := iv.Queue.Done(context.Background(), ev.ID); err != nil {
		slog.Error("remove async event", "err", err, "request", ev.ID)
	}
}

func (iv *Invoker) retry(ev *gofaas.AsyncEvent, attempts int, after time.Duration) {
	if err := iv.Queue.Retry(context.Background(), ev.ID, attempts, iv.Now().Add(after)); err != nil {
		slog.Error("reschedule async event", "err", err, "request", ev.ID)
	}
}
