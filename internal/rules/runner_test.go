package rules_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/rules"
	"github.com/gofaas/gofaas/internal/sqlite"
)

// fakeClock is a Clock whose time moves only when the test says.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	added  chan struct{}
}

type fakeTimer struct {
	c    *fakeClock
	at   time.Time
	ch   chan time.Time
	done bool
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{now: t, added: make(chan struct{}, 100)} }

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) NewTimer(d time.Duration) rules.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.done = true
		t.ch <- c.now
		return t
	}
	c.timers = append(c.timers, t)
	select {
	case c.added <- struct{}{}:
	default:
	}
	return t
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }
func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.done
	t.done = true
	return was
}

// next waits until a live timer exists and returns its deadline.
func (c *fakeClock) next(t *testing.T) time.Time {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		var at time.Time
		for _, tm := range c.timers {
			if !tm.done && (at.IsZero() || tm.at.Before(at)) {
				at = tm.at
			}
		}
		c.mu.Unlock()
		if !at.IsZero() {
			return at
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("the runner never waited")
	return time.Time{}
}

// set moves the clock to at and fires due timers.
func (c *fakeClock) set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = at
	live := c.timers[:0]
	for _, tm := range c.timers {
		if tm.done {
			continue
		}
		if !tm.at.After(at) {
			tm.done = true
			tm.ch <- at
			continue
		}
		live = append(live, tm)
	}
	c.timers = live
}

type recorder struct {
	mu    sync.Mutex
	times []string
}

func (r *recorder) invoke(ctx context.Context, tg *gofaas.Target, rule *gofaas.Rule, ev []byte) error {
	var e struct {
		Version    string   `json:"version"`
		ID         string   `json:"id"`
		DetailType string   `json:"detail-type"`
		Source     string   `json:"source"`
		Account    string   `json:"account"`
		Time       string   `json:"time"`
		Region     string   `json:"region"`
		Resources  []string `json:"resources"`
		Detail     map[string]any
	}
	if err := json.Unmarshal(ev, &e); err != nil || e.Version != "0" || e.ID == "" || e.DetailType != "Scheduled Event" ||
		e.Source != "aws.events" || e.Account != "123456789012" || e.Region != "us-east-1" || len(e.Resources) != 1 ||
		e.Resources[0] != rule.Arn || e.Detail == nil {
		panic("bad scheduled event: " + string(ev))
	}
	r.mu.Lock()
	r.times = append(r.times, e.Time)
	r.mu.Unlock()
	return nil
}

// TestWeek drives cron(16 * ? * MON-FRI *) through a week with a restart
// on Wednesday: every weekday hour fires once at minute 16, none twice.
func TestWeek(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rules.db")
	start := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC) // a Sunday
	clk := newFakeClock(start)
	rec := &recorder{}
	open := func() (*sqlite.DB, *rules.Runner) {
		db := sqlite.NewDB(path)
		db.Now = clk.Now
		if err := db.Open(); err != nil {
			t.Fatal(err)
		}
		r := &rules.Runner{Store: sqlite.NewRuleStore(db), Invoke: rec.invoke, Clock: clk, Region: "us-east-1", AccountID: "123456789012"}
		if err := r.Open(); err != nil {
			t.Fatal(err)
		}
		return db, r
	}
	db, r := open()
	store := sqlite.NewRuleStore(db)
	rule := &gofaas.Rule{Name: "examplecron", EventBusName: "default", ScheduleExpression: "cron(16 * ? * MON-FRI *)",
		State: gofaas.RuleEnabled, Arn: "arn:aws:events:us-east-1:123456789012:rule/examplecron"}
	if _, err := store.PutRule(ctx, rule); err != nil {
		t.Fatal(err)
	}
	if err := store.PutTargets(ctx, "default", "examplecron", []*gofaas.Target{{Id: "1", Arn: "arn:aws:lambda:us-east-1:123456789012:function:f"}}); err != nil {
		t.Fatal(err)
	}
	r.Changed()
	end := start.Add(7 * 24 * time.Hour)
	restart := time.Date(2026, 12, 2, 10, 16, 0, 0, time.UTC) // Wednesday, at a firing
	restarted := false
	for {
		at := clk.next(t)
		if at.After(end) {
			break
		}
		if !restarted && !at.Before(restart) {
			// Stop just as the 10:16 firing falls due; the new runner fires it.
			r.Close()
			db.Close()
			clk.set(at)
			db, r = open()
			restarted = true
			continue
		}
		clk.set(at)
	}
	r.Close()
	defer db.Close()
	var want []string
	for t := start; t.Before(end); t = t.Add(time.Hour) {
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			want = append(want, t.Add(16*time.Minute).Format("2006-01-02T15:04:05Z"))
		}
	}
	rec.mu.Lock()
	got := slices.Clone(rec.times)
	rec.mu.Unlock()
	// Targets are invoked in goroutines of their own: compare as a set in
	// time order (the firings table below checks each was recorded once).
	slices.Sort(got)
	if len(got) != len(want) {
		t.Fatalf("got %d firings, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("firing %d at %s, want %s", i, got[i], want[i])
		}
	}
	firings, err := sqlite.NewRuleStore(db).Firings(ctx, "default", "examplecron")
	if err != nil || len(firings) != len(want) {
		t.Fatalf("recorded firings = %d (%v), want %d", len(firings), err, len(want))
	}
}

// TestDisable: a disabled rule does not fire; missed firings are not replayed.
func TestDisableAndNoReplay(t *testing.T) {
	ctx := context.Background()
	db := sqlite.NewDB(filepath.Join(t.TempDir(), "rules.db"))
	start := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	clk := newFakeClock(start)
	db.Now = clk.Now
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := sqlite.NewRuleStore(db)
	rule := &gofaas.Rule{Name: "every", ScheduleExpression: "rate(1 minute)", Arn: "arn:aws:events:us-east-1:123456789012:rule/every"}
	if _, err := store.PutRule(ctx, rule); err != nil {
		t.Fatal(err)
	}
	store.PutTargets(ctx, "default", "every", []*gofaas.Target{{Id: "1", Arn: "arn:aws:lambda:us-east-1:123456789012:function:f"}})
	rec := &recorder{}
	r := &rules.Runner{Store: store, Invoke: rec.invoke, Clock: clk, Region: "us-east-1", AccountID: "123456789012"}
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	clk.set(clk.next(t))
	clk.set(clk.next(t))
	if err := store.SetRuleState(ctx, "default", "every", gofaas.RuleDisabled); err != nil {
		t.Fatal(err)
	}
	r.Changed()
	clk.set(start.Add(10 * time.Minute))
	r.Close()
	if n := len(rec.times); n != 2 {
		t.Fatalf("firings = %d, want 2", n)
	}
	// Re-enable while stopped for an hour: nothing is replayed.
	store.SetRuleState(ctx, "default", "every", gofaas.RuleEnabled)
	clk.set(start.Add(time.Hour + 30*time.Second))
	r = &rules.Runner{Store: store, Invoke: rec.invoke, Clock: clk, Region: "us-east-1", AccountID: "123456789012"}
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	at := clk.next(t)
	if want := start.Add(61 * time.Minute); !at.Equal(want) {
		t.Fatalf("next firing at %s, want %s", at, want)
	}
	clk.set(at)
	clk.next(t)
	r.Close()
	if n := len(rec.times); n != 3 {
		t.Fatalf("firings = %d, want 3", n)
	}
}
