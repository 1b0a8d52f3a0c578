package schedulerapi_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/smithy-go"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/rules"
	"github.com/gofaas/gofaas/internal/schedulerapi"
	"github.com/gofaas/gofaas/internal/sqlite"
)

const (
	fnArn   = "arn:aws:lambda:us-east-1:123456789012:function:f"
	roleArn = "arn:aws:iam::123456789012:role/sched"
)

// fakeClock's timers never fire: tests move the time and wake the runner
// with Changed.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time                     { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) set(t time.Time)                    { c.mu.Lock(); c.now = t; c.mu.Unlock() }
func (c *fakeClock) NewTimer(time.Duration) rules.Timer { return idle{} }

type idle struct{}

func (idle) C() <-chan time.Time { return nil }
func (idle) Stop() bool          { return true }

type env struct {
	t      *testing.T
	store  *sqlite.ScheduleStore
	clock  *fakeClock
	runner *schedulerapi.Runner
	client *scheduler.Client
	mu     sync.Mutex
	calls  []string // schedule name and payload
}

func newEnv(t *testing.T, now time.Time) *env {
	t.Helper()
	db := sqlite.NewDB(filepath.Join(t.TempDir(), "s.db"))
	db.Now = func() time.Time { return now }
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{t: t, store: sqlite.NewScheduleStore(db), clock: &fakeClock{now: now}}
	e.start()
	h := &schedulerapi.Handler{Store: e.store, Runner: e, Region: "us-east-1", AccountID: "123456789012", Now: e.clock.Now}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e.client = scheduler.New(scheduler.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
	})
	return e
}

func (e *env) Changed() { e.runner.Changed() }

func (e *env) start() {
	e.runner = &schedulerapi.Runner{Store: e.store, Clock: e.clock,
		Rand: func(n time.Duration) time.Duration { return n - time.Second },
		Invoke: func(ctx context.Context, s *gofaas.Schedule, payload []byte) error {
			e.mu.Lock()
			e.calls = append(e.calls, s.Name+" "+string(payload))
			e.mu.Unlock()
			return nil
		}}
	if err := e.runner.Open(); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { e.runner.Close() })
}

// tick moves the clock to t, wakes the runner and waits for it.
func (e *env) tick(t time.Time) {
	e.clock.set(t)
	e.runner.Changed()
	time.Sleep(50 * time.Millisecond)
	e.runner.Wait()
}

func (e *env) invocations() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.calls...)
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func create(e *env, name, expr, tz string, mod func(*scheduler.CreateScheduleInput)) error {
	in := &scheduler.CreateScheduleInput{
		Name: aws.String(name), ScheduleExpression: aws.String(expr),
		FlexibleTimeWindow: &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff},
		Target:             &types.Target{Arn: aws.String(fnArn), RoleArn: aws.String(roleArn)},
	}
	if tz != "" {
		in.ScheduleExpressionTimezone = aws.String(tz)
	}
	if mod != nil {
		mod(in)
	}
	_, err := e.client.CreateSchedule(context.Background(), in)
	return err
}

func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("err = %s %q, want %s %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

func TestCRUD(t *testing.T) {
	e := newEnv(t, utc("2026-11-01T00:00:00Z"))
	ctx := context.Background()
	if err := create(e, "once", "at(2026-12-01T09:00:00)", "Europe/Paris", nil); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, create(e, "once", "at(2026-12-01T09:00:00)", "", nil), "ConflictException", "Schedule once already exists.")
	wantAPIError(t, create(e, "bad", "cron(0 12 * * MON *)", "", nil), "ValidationException", "Invalid Schedule Expression cron(0 12 * * MON *)")
	wantAPIError(t, create(e, "flex", "rate(5 minutes)", "", func(in *scheduler.CreateScheduleInput) {
		in.FlexibleTimeWindow = &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeFlexible, MaximumWindowInMinutes: aws.Int32(1441)}
	}), "ValidationException", "")
	wantAPIError(t, create(e, "g", "rate(5 minutes)", "", func(in *scheduler.CreateScheduleInput) { in.GroupName = aws.String("nope") }),
		"ResourceNotFoundException", "Schedule group nope does not exist.")

	got, err := e.client.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("once")})
	if err != nil {
		t.Fatal(err)
	}
	if g, w := aws.ToString(got.Arn), "arn:aws:scheduler:us-east-1:123456789012:schedule/default/once"; g != w {
		t.Fatalf("Arn = %s, want %s", g, w)
	}
	if got.State != types.ScheduleStateEnabled || got.ActionAfterCompletion != types.ActionAfterCompletionNone ||
		aws.ToString(got.ScheduleExpressionTimezone) != "Europe/Paris" || aws.ToInt32(got.Target.RetryPolicy.MaximumRetryAttempts) != 185 {
		t.Fatalf("GetSchedule = %+v", got)
	}
	_, err = e.client.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("missing")})
	wantAPIError(t, err, "ResourceNotFoundException", "Schedule missing does not exist.")

	_, err = e.client.UpdateSchedule(ctx, &scheduler.UpdateScheduleInput{
		Name: aws.String("once"), ScheduleExpression: aws.String("rate(1 hour)"), State: types.ScheduleStateDisabled,
		FlexibleTimeWindow: &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff},
		Target:             &types.Target{Arn: aws.String(fnArn), RoleArn: aws.String(roleArn)},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.client.UpdateSchedule(ctx, &scheduler.UpdateScheduleInput{
		Name: aws.String("missing"), ScheduleExpression: aws.String("rate(1 hour)"),
		FlexibleTimeWindow: &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff},
		Target:             &types.Target{Arn: aws.String(fnArn), RoleArn: aws.String(roleArn)},
	})
	wantAPIError(t, err, "ResourceNotFoundException", "Schedule missing does not exist.")

	if _, err := e.client.CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String("g1")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String("g1")})
	wantAPIError(t, err, "ConflictException", "")
	if _, err := e.client.GetScheduleGroup(ctx, &scheduler.GetScheduleGroupInput{Name: aws.String("g1")}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a1", "a2", "a3", "b1"} {
		if err := create(e, n, "rate(1 day)", "", nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := create(e, "a4", "rate(1 day)", "", func(in *scheduler.CreateScheduleInput) { in.GroupName = aws.String("g1") }); err != nil {
		t.Fatal(err)
	}
	var names []string
	p := scheduler.NewListSchedulesPaginator(e.client, &scheduler.ListSchedulesInput{NamePrefix: aws.String("a"), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range out.Schedules {
			names = append(names, aws.ToString(s.GroupName)+"/"+aws.ToString(s.Name))
		}
	}
	if g, w := len(names), 4; g != w {
		t.Fatalf("listed %v", names)
	}
	out, err := e.client.ListSchedules(ctx, &scheduler.ListSchedulesInput{State: types.ScheduleStateDisabled})
	if err != nil || len(out.Schedules) != 1 || aws.ToString(out.Schedules[0].Name) != "once" {
		t.Fatalf("ListSchedules(DISABLED) = %+v, %v", out, err)
	}
	out, err = e.client.ListSchedules(ctx, &scheduler.ListSchedulesInput{GroupName: aws.String("g1")})
	if err != nil || len(out.Schedules) != 1 {
		t.Fatalf("ListSchedules(g1) = %+v, %v", out, err)
	}
	groups, err := e.client.ListScheduleGroups(ctx, &scheduler.ListScheduleGroupsInput{})
	if err != nil || len(groups.ScheduleGroups) != 2 {
		t.Fatalf("ListScheduleGroups = %+v, %v", groups, err)
	}
	if _, err := e.client.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String("once")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String("once")})
	wantAPIError(t, err, "ResourceNotFoundException", "Schedule once does not exist.")
	if _, err := e.client.DeleteScheduleGroup(ctx, &scheduler.DeleteScheduleGroupInput{Name: aws.String("g1")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.GetScheduleGroup(ctx, &scheduler.GetScheduleGroupInput{Name: aws.String("g1")})
	wantAPIError(t, err, "ResourceNotFoundException", "Schedule group g1 does not exist.")
}

func TestAtParisFiresOnceAndRestart(t *testing.T) {
	e := newEnv(t, utc("2026-11-30T00:00:00Z"))
	if err := create(e, "once", "at(2026-12-01T09:00:00)", "Europe/Paris", nil); err != nil {
		t.Fatal(err)
	}
	if err := create(e, "gone", "at(2026-12-01T09:00:00)", "Europe/Paris", func(in *scheduler.CreateScheduleInput) {
		in.ActionAfterCompletion = types.ActionAfterCompletionDelete
		in.Target.Input = aws.String(`{"k":1}`)
	}); err != nil {
		t.Fatal(err)
	}
	e.tick(utc("2026-12-01T07:59:59Z"))
	if n := len(e.invocations()); n != 0 {
		t.Fatalf("fired early: %v", e.invocations())
	}
	e.tick(utc("2026-12-01T08:00:00Z"))
	e.tick(utc("2026-12-01T08:00:01Z"))
	if got := e.invocations(); len(got) != 2 {
		t.Fatalf("invocations = %v", got)
	}
	f, err := e.store.ScheduleFirings(context.Background(), "default", "once")
	if err != nil || len(f) != 1 || !f[0].Scheduled.Equal(utc("2026-12-01T08:00:00Z")) {
		t.Fatalf("firings = %v, %v", f, err)
	}
	_, err = e.client.GetSchedule(context.Background(), &scheduler.GetScheduleInput{Name: aws.String("gone")})
	wantAPIError(t, err, "ResourceNotFoundException", "Schedule gone does not exist.")
	// A restart fires nothing again.
	e.runner.Close()
	e.start()
	e.tick(utc("2026-12-01T08:00:02Z"))
	if got := e.invocations(); len(got) != 2 || (got[0] != "once {}" && got[1] != "once {}") {
		t.Fatalf("after restart: %v", got)
	}
}

func TestCronAcrossDST(t *testing.T) {
	s := &gofaas.Schedule{ScheduleExpression: "cron(0 9 * * ? *)", ScheduleExpressionTimezone: "Europe/Paris"}
	for _, c := range []struct{ after, want string }{
		{"2026-10-24T00:00:00Z", "2026-10-24T07:00:00Z"}, // CEST, UTC+2
		{"2026-10-24T07:00:00Z", "2026-10-25T08:00:00Z"}, // CET from 25 October
		{"2026-03-28T07:00:00Z", "2026-03-28T08:00:00Z"}, // CET, UTC+1
		{"2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z"}, // CEST from 29 March
	} {
		got, err := schedulerapi.Occurrence(s, utc(c.after))
		if err != nil || !got.Equal(utc(c.want)) {
			t.Fatalf("Occurrence(%s) = %v, %v, want %s", c.after, got, err, c.want)
		}
	}
}

func TestRestartNoDoubleFiringAndFlexibleWindow(t *testing.T) {
	e := newEnv(t, utc("2026-06-01T00:30:00Z"))
	if err := create(e, "flex", "cron(0 * * * ? *)", "", func(in *scheduler.CreateScheduleInput) {
		in.FlexibleTimeWindow = &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeFlexible, MaximumWindowInMinutes: aws.Int32(15)}
	}); err != nil {
		t.Fatal(err)
	}
	e.tick(utc("2026-06-01T00:30:01Z"))
	s, err := e.store.GetSchedule(context.Background(), "default", "flex")
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi := s.NextFire, s.NextFire.Add(15*time.Minute); s.FireAt.Before(lo) || !s.FireAt.Before(hi) {
		t.Fatalf("FireAt %v outside [%v, %v)", s.FireAt, lo, hi)
	}
	e.tick(utc("2026-06-01T01:00:00Z")) // within the window: not yet
	if n := len(e.invocations()); n != 0 {
		t.Fatalf("fired before its offset: %v", e.invocations())
	}
	e.tick(s.FireAt)
	if n := len(e.invocations()); n != 1 {
		t.Fatalf("invocations = %v", e.invocations())
	}
	e.runner.Close()
	e.start()
	e.tick(s.FireAt.Add(time.Second))
	if n := len(e.invocations()); n != 1 {
		t.Fatalf("after restart: %v", e.invocations())
	}
	// Stopped for three hours: the missed occurrences are not replayed.
	e.runner.Close()
	e.clock.set(utc("2026-06-01T04:30:00Z"))
	e.start()
	e.tick(utc("2026-06-01T04:30:01Z"))
	if n := len(e.invocations()); n != 1 {
		t.Fatalf("replayed missed occurrences: %v", e.invocations())
	}
}
