package invoke

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
)

// sink is a hand-written gofaas.LogSink.
type sink struct {
	mu      sync.Mutex
	batches [][]gofaas.LogEvent
}

func (s *sink) PutLogEvents(_ context.Context, evs []gofaas.LogEvent) error {
	s.mu.Lock()
	s.batches = append(s.batches, evs)
	s.mu.Unlock()
	return nil
}

func (s *sink) count() (batches, events int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.batches {
		events += len(b)
	}
	return len(s.batches), events
}

func TestLogBatcherBatches(t *testing.T) {
	s := &sink{}
	b := &LogBatcher{Sink: s, Interval: time.Hour, MaxBatch: 10}
	b.Open()
	for i := 0; i < 25; i++ {
		b.Put(gofaas.LogEvent{Group: "g", Stream: "s", Message: "m"})
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, n := s.count(); n >= 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("full batches were not written")
		}
		time.Sleep(time.Millisecond)
	}
	b.Close()
	if _, n := s.count(); n != 25 {
		t.Errorf("%d events written after Close, want 25", n)
	}
	b.Put(gofaas.LogEvent{}) // after Close: kept, never a panic
}

func TestLogBatcherInterval(t *testing.T) {
	s := &sink{}
	b := &LogBatcher{Sink: s, Interval: 5 * time.Millisecond}
	b.Open()
	defer b.Close()
	b.Put(gofaas.LogEvent{Message: "one"})
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, n := s.count(); n == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("a lone event was not written on the interval")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestEncodeTail(t *testing.T) {
	short := "START\nEND\n"
	if got := encodeTail([]byte(short)); got != base64.StdEncoding.EncodeToString([]byte(short)) {
		t.Errorf("short tail = %q", got)
	}
	long := strings.Repeat("x", 5000) + "LAST"
	b, _ := base64.StdEncoding.DecodeString(encodeTail([]byte(long)))
	if len(b) != 4096 || !strings.HasSuffix(string(b), "LAST") {
		t.Errorf("tail of %d bytes ending %q, want the last 4096", len(b), b[len(b)-4:])
	}
}

func TestEnvTailKeepsLastBytes(t *testing.T) {
	e := &Env{now: time.Now}
	e.setTail(nil)
	e.platform("not captured")
	e.setTail(newBuf())
	for i := 0; i < 10000; i++ {
		e.output([]byte("line"))
	}
	e.platform("REPORT")
	got := string(e.takeTail())
	if !strings.HasSuffix(got, "REPORT\n") || len(got) > 64<<10+4096 {
		t.Errorf("tail ends %q with %d bytes", got[len(got)-10:], len(got))
	}
	if strings.Contains(got, "not captured") {
		t.Error("a line before the tail started was captured")
	}
}

func newBuf() *bytes.Buffer { return new(bytes.Buffer) }
