package schedule

import (
	"math/bits"
	"time"
)

// civil is a wall-clock minute. Fields may overflow their range (minute 60,
// day 32) on the way through nextWall, which carries them.
type civil struct{ y, mo, d, h, mi int }

func civilOf(t time.Time) civil {
	y, mo, d := t.Date()
	h, mi, _ := t.Clock()
	return civil{y, int(mo), d, h, mi}
}

func (w civil) in(loc *time.Location) time.Time {
	return time.Date(w.y, time.Month(w.mo), w.d, w.h, w.mi, 0, 0, loc)
}

// nextBit returns the lowest set bit of set at or above from, or -1.
func nextBit(set uint64, from int) int {
	if from >= 64 {
		return -1
	}
	set >>= uint(from)
	if set == 0 {
		return -1
	}
	return from + bits.TrailingZeros64(set)
}

func (c *Cron) nextYear(y int) int {
	for y <= maxYear {
		i := y - minYear
		if b := nextBit(c.years[i/64], i%64); b >= 0 {
			return minYear + i/64*64 + b
		}
		y = minYear + (i/64+1)*64
	}
	return -1
}

// Next returns the first firing after after, in the expression's zone.
func (c *Cron) Next(after time.Time) time.Time {
	if !after.Before(limit) {
		return time.Time{}
	}
	local := after.In(c.loc)
	var w civil
	if local.Year() < minYear {
		w = civil{minYear, 1, 1, 0, 0}
	} else {
		w = civilOf(local)
		w.mi++ // firings are whole minutes strictly after after
	}
	// Each pass either returns or moves w past a gap or a repeated hour,
	// so a few passes suffice; the bound is a safety net.
	for range 64 {
		var ok bool
		if w, ok = c.nextWall(w); !ok {
			return time.Time{}
		}
		if c.loc == time.UTC {
			return w.in(time.UTC)
		}
		t, exists := resolve(w, c.loc)
		if !exists {
			// AWS skips a time the spring-forward gap removes.
			w = civilOf(gapEnd(w, c.loc).In(c.loc))
			continue
		}
		if t.After(after) {
			return t
		}
		// w repeats in a fall-back hour whose first pass (when it fired)
		// is before after: resume at the end of the repeated span.
		w = afterOverlap(after, w, c.loc)
	}
	return time.Time{}
}

// nextWall returns the first matching wall-clock minute at or after w.
func (c *Cron) nextWall(w civil) (civil, bool) {
	maskY, maskM, mask := -1, -1, uint32(0)
	for {
		if w.mi > 59 {
			w.h, w.mi = w.h+1, 0
		}
		if w.h > 23 {
			w.d, w.h, w.mi = w.d+1, 0, 0
		}
		if w.mo > 12 {
			w.y, w.mo, w.d, w.h, w.mi = w.y+1, 1, 1, 0, 0
		}
		y := c.nextYear(w.y)
		if y < 0 {
			return civil{}, false
		}
		if y != w.y {
			w = civil{y, 1, 1, 0, 0}
		}
		mo := nextBit(uint64(c.months), w.mo)
		if mo < 0 {
			w = civil{w.y + 1, 1, 1, 0, 0}
			continue
		}
		if mo != w.mo {
			w = civil{w.y, mo, 1, 0, 0}
		}
		if maskY != w.y || maskM != w.mo {
			maskY, maskM, mask = w.y, w.mo, c.days(w.y, w.mo)
		}
		d := nextBit(uint64(mask), w.d)
		if d < 0 {
			w = civil{w.y, w.mo + 1, 1, 0, 0}
			continue
		}
		if d != w.d {
			w = civil{w.y, w.mo, d, 0, 0}
		}
		h := nextBit(uint64(c.hours), w.h)
		if h < 0 {
			w = civil{w.y, w.mo, w.d + 1, 0, 0}
			continue
		}
		if h != w.h {
			w.h, w.mi = h, 0
		}
		mi := nextBit(c.minutes, w.mi)
		if mi < 0 {
			w.h, w.mi = w.h+1, 0
			continue
		}
		w.mi = mi
		return w, true
	}
}

// days returns the set of days (bits 1-31) of month mo of year y that
// the day-of-month or day-of-week field selects.
func (c *Cron) days(y, mo int) uint32 {
	n := daysIn(y, mo)
	valid := uint32(1)<<(n+1) - 2
	if !c.domAny {
		mask := c.domDays & valid
		for last := c.domLast; last != 0; last &= last - 1 {
			if d := n - bits.TrailingZeros32(last); d >= 1 {
				mask |= 1 << d
			}
		}
		if c.domLW {
			mask |= 1 << nearestWeekday(y, mo, n, n)
		}
		for near := c.domNearest & valid; near != 0; near &= near - 1 {
			mask |= 1 << nearestWeekday(y, mo, bits.TrailingZeros32(near), n)
		}
		return mask
	}
	first := weekday(y, mo, 1)
	firstOf := func(w int) int { return 1 + (w-first+7)%7 }
	var mask uint32
	for set := c.dowDays; set != 0; set &= set - 1 {
		for d := firstOf(bits.TrailingZeros8(set)); d <= n; d += 7 {
			mask |= 1 << d
		}
	}
	for set := c.dowLast; set != 0; set &= set - 1 {
		d := firstOf(bits.TrailingZeros8(set))
		mask |= 1 << (d + (n-d)/7*7)
	}
	if c.dowNth > 0 {
		if d := firstOf(c.dowNthDay) + 7*(c.dowNth-1); d <= n {
			mask |= 1 << d
		}
	}
	return mask
}

// nearestWeekday returns the weekday nearest day d of a month of n days,
// without leaving the month.
func nearestWeekday(y, mo, d, n int) int {
	switch weekday(y, mo, d) {
	case int(time.Saturday):
		if d == 1 {
			return 3
		}
		return d - 1
	case int(time.Sunday):
		if d == n {
			return d - 2
		}
		return d + 1
	}
	return d
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, mo int) int {
	switch mo {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// weekday returns the day of the week of a date, Sunday = 0, by Howard
// Hinnant's days_from_civil.
func weekday(y, mo, d int) int {
	if mo <= 2 {
		y--
	}
	era := y / 400 // y ≥ 1969 here, so no negative division
	yoe := y - era*400
	m := (mo + 9) % 12
	doy := (153*m+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := era*146097 + doe - 719468 // days since 1970-01-01, a Thursday
	return ((days+4)%7 + 7) % 7
}

// resolve returns the first instant whose wall clock in loc is w, and
// whether w exists at all (it does not in a spring-forward gap).
func resolve(w civil, loc *time.Location) (time.Time, bool) {
	t := w.in(loc)
	if civilOf(t) != w {
		return t, false
	}
	// In a repeated span Go may pick either occurrence: try the offsets of
	// the neighbouring zone periods for an earlier one.
	start, end := t.ZoneBounds()
	utc := w.in(time.UTC)
	for i, edge := range [2]time.Time{start, end} {
		if edge.IsZero() {
			continue
		}
		if i == 0 {
			edge = edge.Add(-time.Nanosecond) // the period before
		}
		_, off := edge.Zone()
		if alt := utc.Add(-time.Duration(off) * time.Second); alt.Before(t) && civilOf(alt.In(loc)) == w {
			t = alt
		}
	}
	return t, true
}

// gapEnd returns the instant a spring-forward gap containing the
// nonexistent wall time w ends, the first valid instant after it.
func gapEnd(w civil, loc *time.Location) time.Time {
	t := w.in(loc)
	start, end := t.ZoneBounds()
	lw := civilOf(t)
	if later(lw, w) { // Go resolved w with the offset before the gap
		if !start.IsZero() {
			return start
		}
	} else if !end.IsZero() {
		return end
	}
	return t
}

// afterOverlap returns where to resume after w, a wall time repeated by a
// fall-back transition whose second pass after lies in: the wall time the
// repetition ends at, or at least the minute after w.
func afterOverlap(after time.Time, w civil, loc *time.Location) civil {
	next := w
	next.mi++
	local := after.In(loc)
	start, _ := local.ZoneBounds()
	if start.IsZero() {
		return next
	}
	_, prev := start.Add(-time.Nanosecond).Zone()
	_, cur := local.Zone()
	if shift := prev - cur; shift > 0 {
		if end := civilOf(start.Add(time.Duration(shift) * time.Second).In(loc)); later(end, next) {
			return end
		}
	}
	return next
}

func later(a, b civil) bool {
	if a.y != b.y {
		return a.y > b.y
	}
	if a.mo != b.mo {
		return a.mo > b.mo
	}
	if a.d != b.d {
		return a.d > b.d
	}
	if a.h != b.h {
		return a.h > b.h
	}
	return a.mi > b.mi
}
