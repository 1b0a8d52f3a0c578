package schedule

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // IANA zones for ParseScheduler even on hosts without zoneinfo

	"github.com/gofaas/gofaas"
)

// Schedule is a parsed schedule expression.
type Schedule interface {
	// Next returns the first firing strictly after after, or the zero time
	// when there is none (after 2199, or a one-time schedule that has
	// passed).
	Next(after time.Time) time.Time
	// String returns the expression as it was given.
	String() string
}

// The years a schedule can fire in: cron's year field allows 1970-2199.
const (
	minYear = 1970
	maxYear = 2199
)

// limit is the first instant no schedule fires at or after.
var limit = time.Date(maxYear+1, 1, 1, 0, 0, 0, 0, time.UTC)

// ruleError is the error EventBridge's PutRule returns for any invalid
// ScheduleExpression.
func ruleError() error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "ValidationException", "Parameter ScheduleExpression is not valid.")
}

// schedulerError is the error EventBridge Scheduler's CreateSchedule
// returns for an invalid ScheduleExpression.
func schedulerError(expr string) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "ValidationException", "Invalid Schedule Expression %s", expr)
}

// Parse parses an EventBridge rule schedule expression, cron(...) or
// rate(...), evaluated in UTC. Errors are EINVALID ValidationException
// "Parameter ScheduleExpression is not valid.".
func Parse(expr string) (Schedule, error) {
	s, ok := parse(expr, time.UTC, false)
	if !ok {
		return nil, ruleError()
	}
	return s, nil
}

// ParseScheduler parses an EventBridge Scheduler schedule expression,
// cron(...), rate(...) or at(yyyy-mm-ddThh:mm:ss), with cron and at
// evaluated in timezone, an IANA name ("" means UTC). Errors are EINVALID
// ValidationException.
func ParseScheduler(expr, timezone string) (Schedule, error) {
	loc := time.UTC
	if timezone != "" && timezone != "UTC" {
		l, err := time.LoadLocation(timezone)
		if err != nil || timezone == "Local" {
			return nil, gofaas.TypedErrorf(gofaas.EINVALID, "ValidationException", "Invalid ScheduleExpressionTimezone %s", timezone)
		}
		loc = l
	}
	s, ok := parse(expr, loc, true)
	if !ok {
		return nil, schedulerError(expr)
	}
	return s, nil
}

// Anchored returns s with its first firing at anchor if s is a rate, and s
// itself otherwise. Rules anchor at their creation, Scheduler schedules at
// their StartDate.
func Anchored(s Schedule, anchor time.Time) Schedule {
	if r, ok := s.(*Rate); ok {
		c := *r
		c.Anchor = anchor
		return &c
	}
	return s
}

func parse(expr string, loc *time.Location, scheduler bool) (Schedule, bool) {
	switch {
	case strings.HasPrefix(expr, "cron(") && strings.HasSuffix(expr, ")"):
		c, ok := parseCron(expr[len("cron(") : len(expr)-1])
		if !ok {
			return nil, false
		}
		c.expr, c.loc = expr, loc
		return c, true
	case strings.HasPrefix(expr, "rate(") && strings.HasSuffix(expr, ")"):
		r, ok := parseRate(expr[len("rate(") : len(expr)-1])
		if !ok {
			return nil, false
		}
		r.expr = expr
		return r, true
	case scheduler && strings.HasPrefix(expr, "at(") && strings.HasSuffix(expr, ")"):
		a, ok := parseAt(expr[len("at("):len(expr)-1], loc)
		if !ok {
			return nil, false
		}
		a.expr = expr
		return a, true
	}
	return nil, false
}

// atoi parses a run of 1-9 ASCII digits.
func atoi(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
