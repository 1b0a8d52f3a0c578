package invoke

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/gofaas/gofaas"
)

// LogBatcher buffers log events and writes them to a sink in batches, off
// the invocation path. Close flushes what is left.
type LogBatcher struct {
	Sink     gofaas.LogSink
	Interval time.Duration // default 100 ms
	MaxBatch int           // flush early at this many events; default 2000

	flushMu sync.Mutex // held while a batch is written
	mu      sync.Mutex
	buf     []gofaas.LogEvent
	kick    chan struct{}
	done    chan struct{}
	closed  bool
	once    sync.Once
}

// Open starts the background writer.
func (b *LogBatcher) Open() {
	if b.Interval == 0 {
		b.Interval = 100 * time.Millisecond
	}
	if b.MaxBatch == 0 {
		b.MaxBatch = 2000
	}
	b.kick = make(chan struct{}, 1)
	b.done = make(chan struct{})
	go b.run()
}

// PutLogEvents queues events; it never blocks on the store.
func (b *LogBatcher) PutLogEvents(_ context.Context, events []gofaas.LogEvent) error {
	b.mu.Lock()
	b.buf = append(b.buf, events...)
	b.kickLocked()
	b.mu.Unlock()
	return nil
}

// Put queues one event.
func (b *LogBatcher) Put(e gofaas.LogEvent) {
	b.mu.Lock()
	b.buf = append(b.buf, e)
	b.kickLocked()
	b.mu.Unlock()
}

// kickLocked wakes the writer when a batch is full. mu is held.
func (b *LogBatcher) kickLocked() {
	if len(b.buf) >= b.MaxBatch && !b.closed && b.kick != nil {
		select {
		case b.kick <- struct{}{}:
		default:
		}
	}
}

// Flush writes everything queued so far.
func (b *LogBatcher) Flush() {
	// One write at a time, so that Flush returns only after every event
	// queued before it is stored, even one the background writer took.
	b.flushMu.Lock()
	defer b.flushMu.Unlock()
	b.mu.Lock()
	batch := b.buf
	b.buf = nil
	b.mu.Unlock()
	if len(batch) == 0 || b.Sink == nil {
		return
	}
	if err := b.Sink.PutLogEvents(context.Background(), batch); err != nil {
		slog.Error("write log events", "err", err, "events", len(batch))
	}
}

func (b *LogBatcher) run() {
	defer close(b.done)
	t := time.NewTicker(b.Interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case _, ok := <-b.kick:
			if !ok {
				b.Flush()
				return
			}
		}
		b.Flush()
	}
}

// Close flushes and stops the writer.
func (b *LogBatcher) Close() {
	b.once.Do(func() {
		b.mu.Lock()
		b.closed = true
		b.mu.Unlock()
		if b.kick == nil {
			b.Flush()
			return
		}
		close(b.kick)
		<-b.done
	})
}
