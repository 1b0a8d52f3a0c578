package schedule_test

import (
	"errors"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/schedule"
)

// utc parses an RFC 3339 time, failing the test on error.
func utc(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkNext asserts that s fires at want, in order, after after.
func checkNext(t *testing.T, s schedule.Schedule, after string, want ...string) {
	t.Helper()
	cur := utc(t, after)
	for i, w := range want {
		got := s.Next(cur)
		if w == "" {
			if !got.IsZero() {
				t.Fatalf("%s: firing %d after %s = %s, want none", s, i, cur.UTC().Format(time.RFC3339), got.UTC().Format(time.RFC3339))
			}
			return
		}
		if wt := utc(t, w); !got.Equal(wt) {
			t.Fatalf("%s: firing %d after %s = %s, want %s", s, i, cur.UTC().Format(time.RFC3339), got.UTC().Format(time.RFC3339), w)
		}
		cur = got
	}
}

func TestNext(t *testing.T) {
	tests := []struct {
		expr  string
		after string
		want  []string // "" means no further firing
	}{
		// AWS's documented examples (eb-scheduled-rule-pattern).
		{"cron(0 10 * * ? *)", "2024-02-28T11:00:00Z", []string{"2024-02-29T10:00:00Z", "2024-03-01T10:00:00Z", "2024-03-02T10:00:00Z"}},
		{"cron(15 12 * * ? *)", "2024-12-31T12:15:00Z", []string{"2025-01-01T12:15:00Z", "2025-01-02T12:15:00Z"}},
		{"cron(0 18 ? * MON-FRI *)", "2024-03-01T18:00:00Z", []string{"2024-03-04T18:00:00Z", "2024-03-05T18:00:00Z"}},
		{"cron(0 8 1 * ? *)", "2024-01-01T08:00:00Z", []string{"2024-02-01T08:00:00Z", "2024-03-01T08:00:00Z", "2024-04-01T08:00:00Z"}},
		{"cron(0/15 * * * ? *)", "2024-01-01T23:50:00Z", []string{"2024-01-02T00:00:00Z", "2024-01-02T00:15:00Z", "2024-01-02T00:30:00Z"}},
		{"cron(0/10 * ? * MON-FRI *)", "2024-03-01T23:55:00Z", []string{"2024-03-04T00:00:00Z", "2024-03-04T00:10:00Z"}},
		{"cron(0/5 8-17 ? * MON-FRI *)", "2024-03-04T17:55:00Z", []string{"2024-03-05T08:00:00Z", "2024-03-05T08:05:00Z"}},
		{"cron(0 9 ? * 2#1 *)", "2024-01-01T09:00:00Z", []string{"2024-02-05T09:00:00Z", "2024-03-04T09:00:00Z", "2024-04-01T09:00:00Z"}},
		// The blog's Lambda cron: minute 16 of every weekday hour.
		{"cron(16 * ? * MON-FRI *)", "2024-03-01T23:16:00Z", []string{"2024-03-04T00:16:00Z", "2024-03-04T01:16:00Z"}},
		{"cron(16 * ? * MON-FRI *)", "2024-03-04T00:15:59Z", []string{"2024-03-04T00:16:00Z"}},
		// Seconds and sub-second parts of after.
		{"cron(* * * * ? *)", "2024-03-04T00:15:00.5Z", []string{"2024-03-04T00:16:00Z", "2024-03-04T00:17:00Z"}},
		// Steps and ranges.
		{"cron(10-50/10 * * * ? *)", "2024-01-01T00:00:00Z", []string{"2024-01-01T00:10:00Z", "2024-01-01T00:20:00Z", "2024-01-01T00:30:00Z", "2024-01-01T00:40:00Z", "2024-01-01T00:50:00Z", "2024-01-01T01:10:00Z"}},
		{"cron(*/20 22-2 * * ? *)", "2024-01-01T02:40:00Z", []string{"2024-01-01T22:00:00Z"}},
		{"cron(0 0 ? * FRI-MON *)", "2024-03-05T00:00:00Z", []string{"2024-03-08T00:00:00Z", "2024-03-09T00:00:00Z", "2024-03-10T00:00:00Z", "2024-03-11T00:00:00Z", "2024-03-15T00:00:00Z"}},
		{"cron(0 0 ? jan,Feb mon *)", "2024-01-29T00:00:00Z", []string{"2024-02-05T00:00:00Z", "2024-02-12T00:00:00Z", "2024-02-19T00:00:00Z", "2024-02-26T00:00:00Z", "2025-01-06T00:00:00Z"}},
		{"cron(0 0 1/10 * ? *)", "2024-02-11T00:00:00Z", []string{"2024-02-21T00:00:00Z", "2024-03-01T00:00:00Z"}},
		{"cron(0 0 ? * 1/3 *)", "2022-10-02T00:00:00Z", []string{"2022-10-05T00:00:00Z", "2022-10-08T00:00:00Z", "2022-10-09T00:00:00Z"}},
		// L: last day of month, leap and non-leap Februaries.
		{"cron(0 0 L * ? *)", "2023-01-31T00:00:00Z", []string{"2023-02-28T00:00:00Z", "2023-03-31T00:00:00Z", "2023-04-30T00:00:00Z"}},
		{"cron(0 0 L 2 ? *)", "2023-03-01T00:00:00Z", []string{"2024-02-29T00:00:00Z", "2025-02-28T00:00:00Z"}},
		{"cron(0 0 L-2 * ? *)", "2024-02-01T00:00:00Z", []string{"2024-02-27T00:00:00Z", "2024-03-29T00:00:00Z"}},
		// W: nearest weekday, never leaving the month.
		{"cron(0 0 1W * ? *)", "2022-09-30T00:00:00Z", []string{"2022-10-03T00:00:00Z", "2022-11-01T00:00:00Z", "2022-12-01T00:00:00Z", "2023-01-02T00:00:00Z"}},
		{"cron(0 0 31W * ? *)", "2024-03-01T00:00:00Z", []string{"2024-03-29T00:00:00Z", "2024-05-31T00:00:00Z", "2024-07-31T00:00:00Z", "2024-08-30T00:00:00Z"}},
		{"cron(0 0 15W * ? *)", "2024-06-01T00:00:00Z", []string{"2024-06-14T00:00:00Z", "2024-07-15T00:00:00Z"}},
		{"cron(0 0 LW * ? *)", "2024-02-01T00:00:00Z", []string{"2024-02-29T00:00:00Z", "2024-03-29T00:00:00Z", "2024-04-30T00:00:00Z"}},
		{"cron(0 0 LW 8 ? *)", "2024-01-01T00:00:00Z", []string{"2024-08-30T00:00:00Z"}},
		// Day-of-week L and #.
		{"cron(0 0 ? * 6L *)", "2023-10-01T00:00:00Z", []string{"2023-10-27T00:00:00Z", "2023-11-24T00:00:00Z", "2023-12-29T00:00:00Z", "2024-01-26T00:00:00Z"}},
		{"cron(0 0 ? 11 THUL *)", "2024-01-01T00:00:00Z", []string{"2024-11-28T00:00:00Z", "2025-11-27T00:00:00Z"}},
		{"cron(0 0 ? * L *)", "2024-03-04T00:00:00Z", []string{"2024-03-09T00:00:00Z", "2024-03-16T00:00:00Z"}},
		{"cron(0 0 ? * 2#5 *)", "2024-01-01T00:00:00Z", []string{"2024-01-29T00:00:00Z", "2024-04-29T00:00:00Z", "2024-07-29T00:00:00Z"}},
		{"cron(0 0 ? * 3#2 *)", "2024-01-01T00:00:00Z", []string{"2024-01-09T00:00:00Z", "2024-02-13T00:00:00Z"}},
		// Leap years: 2100 is not one.
		{"cron(0 0 29 2 ? *)", "2024-03-01T00:00:00Z", []string{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}},
		{"cron(0 0 29 2 ? *)", "2096-03-01T00:00:00Z", []string{"2104-02-29T00:00:00Z"}},
		{"cron(0 0 30 2 ? *)", "2024-01-01T00:00:00Z", []string{""}},
		// The year field limits firings; nothing after 2199.
		{"cron(0 0 1 1 ? 2025-2026)", "2024-06-01T00:00:00Z", []string{"2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", ""}},
		{"cron(0 0 1 1 ? 2030/50)", "2024-06-01T00:00:00Z", []string{"2030-01-01T00:00:00Z", "2080-01-01T00:00:00Z", "2130-01-01T00:00:00Z", "2180-01-01T00:00:00Z", ""}},
		{"cron(59 23 31 12 ? *)", "2199-12-31T23:58:00Z", []string{"2199-12-31T23:59:00Z", ""}},
		{"cron(0 0 1 1 ? *)", "2199-01-01T00:00:00Z", []string{""}},
		{"cron(0 0 1 1 ? 1970)", "1960-01-01T00:00:00Z", []string{"1970-01-01T00:00:00Z", ""}},
		{"cron(0 0 1 1 ? *)", "9999-01-01T00:00:00Z", []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			s, err := schedule.Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.String(); got != tt.expr {
				t.Fatalf("String() = %q, want %q", got, tt.expr)
			}
			checkNext(t, s, tt.after, tt.want...)
		})
	}
}

func TestParseInvalid(t *testing.T) {
	for _, expr := range []string{
		"",
		"cron()",
		"cron(0 12 * * MON *)", // day-of-month and day-of-week both set
		"cron(7 20 * * 1-7 *)",
		"cron(0 12 ? * ? *)", // both ?
		"cron(0 12 ? * 8 *)",
		"cron(0 12 ? * 0 *)",
		"cron(15 12 ? * -1 *)",
		"cron(60 * * * ? *)",
		"cron(*/60 * * * ? *)",
		"cron(0 24 * * ? *)",
		"cron(0 0 0 * ? *)",
		"cron(0 0 32 * ? *)",
		"cron(0 0 * 13 ? *)",
		"cron(0 0 * 0 ? *)",
		"cron(0 0 1 1 ? 2200)",
		"cron(0 0 1 1 ? 1969)",
		"cron(0 0 1 1 ? 2030-2020)",
		"cron(0 12 * * ?)",        // five fields
		"cron(0 12 * * ? * *)",    // seven fields
		"cron(15 12 * * 0)",       // Unix cron
		"cron( 0 12 * * ? *)",     // leading space
		"cron(0 12 * * ? * )",     // trailing space
		"cron(0\t12 * * ? *)",     // tab
		"cron(0 0 ? * 3#1,6#3 *)", // # stands alone
		"cron(0 0 ? * 3#6 *)",
		"cron(0 0 ? * 3#0 *)",
		"cron(0 0 L-31 * ? *)",
		"cron(0 0 32W * ? *)",
		"cron(0 0 0W * ? *)",
		"cron(0 0 1-5W * ? *)",
		"cron(0 0 ? * 8L *)",
		"cron(0 0 L * L *)",
		"cron(L 0 * * ? *)",
		"cron(0 0 * * ? L)",
		"cron(0 0 * JANUARY ? *)",
		"cron(0 0 ? * MONDAY *)",
		"cron(0,,5 0 * * ? *)",
		"cron(0- 0 * * ? *)",
		"cron(0/ 0 * * ? *)",
		"cron(a 0 * * ? *)",
		"CRON(0 10 * * ? *)",
		"rate(1 minutes)",
		"rate(2 minute)",
		"rate(0 minutes)",
		"rate(0 minute)",
		"rate(1 hours)",
		"rate(5 hour)",
		"rate(1 days)",
		"rate(-1 minutes)",
		"rate(1.5 hours)",
		"rate(5 weeks)",
		"rate(5 seconds)",
		"rate(5)",
		"rate(5 minutes",
		"rate( 5 minutes)",
		"rate(5  minutes)",
		"rate(05 minutes)",
		"rate(99999999999 minutes)",
		"at(2026-12-01T09:00:00)", // rules have no at()
	} {
		t.Run(expr, func(t *testing.T) {
			s, err := schedule.Parse(expr)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error", expr, s)
			}
			var e *gofaas.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not a *gofaas.Error", err)
			}
			if got, want := e.Code, gofaas.EINVALID; got != want {
				t.Errorf("code = %q, want %q", got, want)
			}
			if got, want := e.Type, "ValidationException"; got != want {
				t.Errorf("type = %q, want %q", got, want)
			}
			if got, want := e.Message, "Parameter ScheduleExpression is not valid."; got != want {
				t.Errorf("message = %q, want %q", got, want)
			}
		})
	}
}

func TestParseValid(t *testing.T) {
	for _, expr := range []string{
		"cron(0 10 * * ? *)",
		"cron(0 10 ? * * *)",
		"cron(0  10 * * ? *)", // several spaces between fields
		"cron(0 0 ? * 01 *)",
		"cron(0 0 ? * sun-sat *)",
		"cron(0 0 ? * SUN/3 *)",
		"cron(0 0 L,15,LW,1W,L-3 * ? *)",
		"cron(0 0 ? * *,1,1-7,1/5,*/5,L,5L,MONL,SUN,SUN-SAT *)",
		"cron(0 0 ? * FRI#3 *)",
		"cron(0 0 1/0 * ? *)", // cronplan: /0 selects the start alone
		"cron(0-5 14 * * ? *)",
		"cron(10,44 14 ? 3 WED *)",
		"cron(0 12 1/5 * ? *)",
		"cron(0 0 1 1 ? 1970-2199)",
		"rate(1 minute)",
		"rate(5 minutes)",
		"rate(1 hour)",
		"rate(2 hours)",
		"rate(1 day)",
		"rate(7 days)",
	} {
		if _, err := schedule.Parse(expr); err != nil {
			t.Errorf("Parse(%q): %v", expr, err)
		}
	}
}

func TestRate(t *testing.T) {
	anchor := utc(t, "2024-03-01T10:00:30Z")
	r := schedule.NewRate(5*time.Minute, anchor)
	checkNext(t, r, "2024-03-01T10:07:00Z", "2024-03-01T10:10:30Z", "2024-03-01T10:15:30Z")
	checkNext(t, r, "2024-03-01T09:00:00Z", "2024-03-01T10:00:30Z", "2024-03-01T10:05:30Z")
	checkNext(t, r, "2024-03-01T10:10:30Z", "2024-03-01T10:15:30Z")
	checkNext(t, r, "2199-12-31T23:58:00Z", "")

	for _, tt := range []struct {
		expr   string
		period time.Duration
	}{
		{"rate(1 minute)", time.Minute},
		{"rate(5 minutes)", 5 * time.Minute},
		{"rate(1 hour)", time.Hour},
		{"rate(2 hours)", 2 * time.Hour},
		{"rate(1 day)", 24 * time.Hour},
		{"rate(7 days)", 7 * 24 * time.Hour},
	} {
		s, err := schedule.Parse(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.(*schedule.Rate).Period; got != tt.period {
			t.Errorf("%s: period %v, want %v", tt.expr, got, tt.period)
		}
	}

	// Without an anchor a rate counts from the Unix epoch; Anchored sets it.
	s, _ := schedule.Parse("rate(1 day)")
	checkNext(t, s, "2024-03-01T12:00:00Z", "2024-03-02T00:00:00Z")
	a := schedule.Anchored(s, utc(t, "2024-03-01T12:34:00Z"))
	checkNext(t, a, "2024-03-01T12:00:00Z", "2024-03-01T12:34:00Z", "2024-03-02T12:34:00Z")
	if got, want := a.String(), "rate(1 day)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if c, _ := schedule.Parse("cron(0 10 * * ? *)"); schedule.Anchored(c, anchor) != c {
		t.Error("Anchored changed a cron")
	}
	// A long way from the anchor (beyond time.Duration's 292 years).
	old := schedule.NewRate(time.Hour, utc(t, "1800-01-01T00:30:00Z"))
	checkNext(t, old, "2150-06-01T10:45:00Z", "2150-06-01T11:30:00Z")
}

func TestScheduler(t *testing.T) {
	tests := []struct {
		expr, tz string
		after    string
		want     []string
	}{
		// The one-time schedule: 09:00 in Paris is 08:00 UTC in winter.
		{"at(2026-12-01T09:00:00)", "Europe/Paris", "2026-11-30T00:00:00Z", []string{"2026-12-01T08:00:00Z", ""}},
		{"at(2026-12-01T09:00:00)", "", "2026-11-30T00:00:00Z", []string{"2026-12-01T09:00:00Z", ""}},
		{"at(2026-12-01T09:00:00)", "UTC", "2026-12-01T09:00:00Z", []string{""}},
		{"at(2026-07-01T09:00:30)", "America/New_York", "2026-01-01T00:00:00Z", []string{"2026-07-01T13:00:30Z", ""}},
		// at() in a spring-forward gap fires when the gap ends.
		{"at(2026-03-08T02:30:00)", "America/New_York", "2026-01-01T00:00:00Z", []string{"2026-03-08T07:00:00Z"}},
		{"at(2026-03-29T02:30:00)", "Europe/Paris", "2026-01-01T00:00:00Z", []string{"2026-03-29T01:00:00Z"}},
		// at() in a repeated hour fires at its first occurrence.
		{"at(2026-11-01T01:30:00)", "America/New_York", "2026-01-01T00:00:00Z", []string{"2026-11-01T05:30:00Z"}},
		{"at(2026-10-25T02:30:00)", "Europe/Paris", "2026-01-01T00:00:00Z", []string{"2026-10-25T00:30:00Z"}},

		// cron in a zone follows its wall clock across DST.
		{"cron(0 9 * * ? *)", "Europe/Paris", "2026-03-27T12:00:00Z", []string{"2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z", "2026-03-30T07:00:00Z"}},
		{"cron(0 9 ? * MON-FRI *)", "America/New_York", "2026-10-30T14:00:00Z", []string{"2026-11-02T14:00:00Z"}},
		// Spring forward: 02:30 does not exist on 29 March in Paris: skipped.
		{"cron(30 2 * * ? *)", "Europe/Paris", "2026-03-28T12:00:00Z", []string{"2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z"}},
		{"cron(0/15 * * * ? *)", "Europe/Paris", "2026-03-29T00:40:00Z", []string{"2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z"}},
		{"cron(30 2 * * ? *)", "America/New_York", "2026-03-07T12:00:00Z", []string{"2026-03-09T06:30:00Z"}},
		// Fall back: 02:30 repeats on 25 October in Paris: fires once.
		{"cron(30 2 * * ? *)", "Europe/Paris", "2026-10-24T12:00:00Z", []string{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}},
		{"cron(0/15 * * * ? *)", "Europe/Paris", "2026-10-25T00:40:00Z", []string{"2026-10-25T00:45:00Z", "2026-10-25T02:00:00Z", "2026-10-25T02:15:00Z"}},
		{"cron(30 1 * * ? *)", "America/New_York", "2026-10-31T12:00:00Z", []string{"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}},
		// after inside the second pass of the repeated hour.
		{"cron(30 1 * * ? *)", "America/New_York", "2026-11-01T06:00:00Z", []string{"2026-11-02T06:30:00Z"}},
		{"cron(* * * * ? *)", "America/New_York", "2026-11-01T06:10:00Z", []string{"2026-11-01T07:00:00Z", "2026-11-01T07:01:00Z"}},
		{"cron(* * * * ? *)", "America/New_York", "2026-11-01T05:58:30Z", []string{"2026-11-01T05:59:00Z", "2026-11-01T07:00:00Z"}},
		// Rate is a fixed duration: a day stays 24 hours across DST.
		{"rate(1 day)", "Europe/Paris", "2026-03-28T12:00:00Z", []string{"2026-03-29T00:00:00Z", "2026-03-30T00:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.tz+" "+tt.expr+" "+tt.after, func(t *testing.T) {
			s, err := schedule.ParseScheduler(tt.expr, tt.tz)
			if err != nil {
				t.Fatal(err)
			}
			checkNext(t, s, tt.after, tt.want...)
		})
	}
}

func TestParseSchedulerInvalid(t *testing.T) {
	for _, tt := range []struct{ expr, tz, msg string }{
		{"cron(0 12 * * MON *)", "", "Invalid Schedule Expression cron(0 12 * * MON *)"},
		{"rate(1 minutes)", "UTC", "Invalid Schedule Expression rate(1 minutes)"},
		{"at(2026-13-01T09:00:00)", "", "Invalid Schedule Expression at(2026-13-01T09:00:00)"},
		{"at(2026-02-30T09:00:00)", "", "Invalid Schedule Expression at(2026-02-30T09:00:00)"},
		{"at(2026-12-01 09:00:00)", "", "Invalid Schedule Expression at(2026-12-01 09:00:00)"},
		{"at(2026-12-01T09:00)", "", "Invalid Schedule Expression at(2026-12-01T09:00)"},
		{"at(2026-12-01T09:00:00Z)", "", "Invalid Schedule Expression at(2026-12-01T09:00:00Z)"},
		{"cron(0 10 * * ? *)", "Mars/Olympus", "Invalid ScheduleExpressionTimezone Mars/Olympus"},
		{"cron(0 10 * * ? *)", "Local", "Invalid ScheduleExpressionTimezone Local"},
	} {
		_, err := schedule.ParseScheduler(tt.expr, tt.tz)
		if got := gofaas.ErrorMessage(err); got != tt.msg {
			t.Errorf("ParseScheduler(%q, %q) error %q, want %q", tt.expr, tt.tz, got, tt.msg)
		}
		if got := gofaas.ErrorCode(err); got != gofaas.EINVALID {
			t.Errorf("ParseScheduler(%q, %q) code %q, want %q", tt.expr, tt.tz, got, gofaas.EINVALID)
		}
	}
}

// FuzzParse checks that no expression panics the parser and that every
// schedule it accepts moves forward.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"cron(0 10 * * ? *)", "cron(0/5 8-17 ? * MON-FRI *)", "cron(0 9 ? * 2#1 *)",
		"cron(0 0 L,LW,1W,L-3 * ? *)", "cron(0 0 ? * 5L,L *)", "cron(*/7 22-3 * FEB-JAN ? 2024/3)",
		"cron(0 0 29 2 ? *)", "rate(5 minutes)", "rate(1 day)", "at(2026-03-29T02:30:00)",
		"cron(0 12 * * MON *)", "cron(0 0 ? * 3#1,6#3 *)",
	} {
		f.Add(s, "Europe/Paris", int64(1774745400)) // 2026-03-29T00:50:00Z
	}
	f.Fuzz(func(t *testing.T, expr, tz string, sec int64) {
		after := time.Unix(sec%(300*365*86400), 0)
		var scheds []schedule.Schedule
		if s, err := schedule.Parse(expr); err == nil {
			scheds = append(scheds, s)
		}
		for _, zone := range []string{tz, "America/New_York", "Australia/Lord_Howe"} {
			if s, err := schedule.ParseScheduler(expr, zone); err == nil {
				scheds = append(scheds, s)
			}
		}
		for _, s := range scheds {
			if s.String() != expr {
				t.Fatalf("String() = %q, want %q", s.String(), expr)
			}
			prev := after
			for range 5 {
				next := s.Next(prev)
				if next.IsZero() {
					break
				}
				if !next.After(prev) {
					t.Fatalf("%s: Next(%s) = %s, not after", expr, prev, next)
				}
				if next.Year() > 2199 {
					t.Fatalf("%s: Next(%s) = %s, after 2199", expr, prev, next)
				}
				prev = next
			}
		}
	})
}

func BenchmarkNext(b *testing.B) {
	for _, bb := range []struct{ name, expr, tz string }{
		{"complex", "cron(5,10-20/5,45 8-17/2 ? JAN-MAR,SEP-DEC 2#3 2024-2199)", ""},
		{"blog", "cron(16 * ? * MON-FRI *)", ""},
		{"lastweekday", "cron(0 0 LW * ? *)", ""},
		{"paris", "cron(0/15 * ? * MON-FRI *)", "Europe/Paris"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			s, err := schedule.ParseScheduler(bb.expr, bb.tz)
			if err != nil {
				b.Fatal(err)
			}
			t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			b.ReportAllocs()
			for b.Loop() {
				n := s.Next(t)
				if n.IsZero() {
					t = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
				} else {
					t = n
				}
			}
		})
	}
}
