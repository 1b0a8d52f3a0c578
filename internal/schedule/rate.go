package schedule

import (
	"strings"
	"time"
)

// Rate fires every Period starting at Anchor.
type Rate struct {
	// Period is a whole number of minutes, at least one.
	Period time.Duration
	// Anchor is the first firing; later ones follow at whole periods.
	// The zero value means the Unix epoch.
	Anchor time.Time

	expr string
}

// NewRate returns a rate firing at anchor + k·period for k ≥ 0.
func NewRate(period time.Duration, anchor time.Time) *Rate {
	return &Rate{Period: period, Anchor: anchor, expr: "rate(" + period.String() + ")"}
}

// maxRateValue bounds a rate's value so that its period stays far inside
// time.Duration (about 190 years in minutes).
const maxRateValue = 100_000_000

func parseRate(inner string) (*Rate, bool) {
	value, unit, ok := strings.Cut(inner, " ")
	if !ok {
		return nil, false
	}
	n, ok := atoi(value)
	if !ok || n < 1 || n > maxRateValue || (len(value) > 1 && value[0] == '0') {
		return nil, false
	}
	var d time.Duration
	switch unit {
	case "minute", "minutes":
		d = time.Minute
	case "hour", "hours":
		d = time.Hour
	case "day", "days":
		d = 24 * time.Hour
	default:
		return nil, false
	}
	// AWS: singular for 1, plural otherwise.
	if plural := strings.HasSuffix(unit, "s"); plural != (n > 1) {
		return nil, false
	}
	return &Rate{Period: time.Duration(n) * d}, true
}

// Next returns the first Anchor + k·Period after after, k ≥ 0.
func (r *Rate) Next(after time.Time) time.Time {
	p := int64(r.Period / time.Second)
	if p <= 0 || !after.Before(limit) {
		return time.Time{}
	}
	anchor := r.Anchor
	if anchor.IsZero() {
		anchor = time.Unix(0, 0).UTC()
	}
	var t time.Time
	if after.Before(anchor) {
		t = anchor
	} else {
		// Work in seconds: the span can exceed time.Duration's range.
		a, ns := anchor.Unix(), int64(anchor.Nanosecond())
		k := (after.Unix() - a) / p
		t = time.Unix(a+k*p, ns)
		if !t.After(after) {
			t = time.Unix(a+(k+1)*p, ns)
		}
		t = t.In(anchor.Location())
	}
	if !t.Before(limit) {
		return time.Time{}
	}
	return t
}

// String returns the expression.
func (r *Rate) String() string { return r.expr }

// At fires once.
type At struct {
	t    time.Time
	expr string
}

func parseAt(inner string, loc *time.Location) (*At, bool) {
	const layout = "2006-01-02T15:04:05"
	if len(inner) != len(layout) {
		return nil, false
	}
	p, err := time.Parse(layout, inner)
	if err != nil || p.Year() < minYear || p.Year() > maxYear {
		return nil, false
	}
	w := civil{p.Year(), int(p.Month()), p.Day(), p.Hour(), p.Minute()}
	t, exists := resolve(w, loc)
	if !exists {
		// In a spring-forward gap: the next valid instant.
		t = gapEnd(w, loc)
	}
	return &At{t: t.Add(time.Duration(p.Second()) * time.Second)}, true
}

// Time returns the instant the schedule fires at.
func (a *At) Time() time.Time { return a.t }

// Next returns the firing if it is after after, and the zero time
// otherwise.
func (a *At) Next(after time.Time) time.Time {
	if a.t.After(after) {
		return a.t
	}
	return time.Time{}
}

// String returns the expression.
func (a *At) String() string { return a.expr }
