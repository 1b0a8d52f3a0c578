package schedule

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// naiveMatch reports whether c fires at minute t (UTC), deciding the day
// from the calendar directly rather than through days.
func naiveMatch(c *Cron, t time.Time) bool {
	y, mo, d := t.Date()
	if c.minutes&(1<<t.Minute()) == 0 || c.hours&(1<<t.Hour()) == 0 || c.months&(1<<mo) == 0 {
		return false
	}
	if i := y - minYear; i < 0 || c.years[i/64]&(1<<(i%64)) == 0 {
		return false
	}
	n := time.Date(y, mo+1, 0, 0, 0, 0, 0, time.UTC).Day()
	wd := func(day int) time.Weekday { return time.Date(y, mo, day, 0, 0, 0, 0, time.UTC).Weekday() }
	isWeekday := func(day int) bool { w := wd(day); return w != time.Saturday && w != time.Sunday }
	nearest := func(k int) int {
		if isWeekday(k) {
			return k
		}
		best := 0
		for _, c := range []int{k - 1, k + 1, k - 2, k + 2} { // nearest first, earlier first
			if c >= 1 && c <= n && isWeekday(c) && (best == 0 || abs(c-k) < abs(best-k)) {
				best = c
			}
		}
		return best
	}
	if !c.domAny {
		if c.domDays&(1<<d) != 0 {
			return true
		}
		for off := 0; off <= 30; off++ {
			if c.domLast&(1<<off) != 0 && d == n-off {
				return true
			}
		}
		if c.domLW {
			last := n
			for !isWeekday(last) {
				last--
			}
			if d == last {
				return true
			}
		}
		for k := 1; k <= n; k++ {
			if c.domNearest&(1<<k) != 0 && nearest(k) == d {
				return true
			}
		}
		return false
	}
	w := int(wd(d))
	switch {
	case c.dowDays&(1<<w) != 0:
		return true
	case c.dowLast&(1<<w) != 0 && d+7 > n:
		return true
	case c.dowNth > 0 && w == c.dowNthDay && (d-1)/7+1 == c.dowNth:
		return true
	}
	return false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// randomCron builds a random valid expression with sparse days so that
// the special day forms are exercised.
func randomCron(r *rand.Rand) string {
	pick := func(opts ...string) string { return opts[r.IntN(len(opts))] }
	min := pick("*", "0", fmt.Sprint(r.IntN(60)), "0/15", "10-50/10", "5,35")
	hour := pick("*", fmt.Sprint(r.IntN(24)), "8-17", "22-2", "*/6")
	month := pick("*", "*", "FEB", "JAN,FEB,MAR", "NOV-FEB", "*/5")
	year := pick("*", "*", "2024-2026", "2025/2")
	var dom, dow string
	if r.IntN(2) == 0 {
		dom, dow = pick("*", "L", "LW", "1W", "15W", "31W", "30W", "L-2", "29", "31", "1,L", "1-7", "1/10", "28-3"), "?"
	} else {
		dom, dow = "?", pick("*", "MON-FRI", "SAT,SUN", "FRI-MON", "L", "6L", "1L", "2#1", "3#5", "6#4", "5L,2")
	}
	return strings.Join([]string{min, hour, dom, month, dow, year}, " ")
}

// TestNextAgainstScan compares Next with a minute-by-minute scan for
// random expressions and start times.
func TestNextAgainstScan(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const window = 70 * 24 * 60 // minutes scanned
	for range 150 {
		expr := "cron(" + randomCron(r) + ")"
		s, err := Parse(expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		c := s.(*Cron)
		start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(3*365*24*60)) * time.Minute)
		after := start.Add(time.Duration(r.IntN(60)) * time.Second)
		for range 3 {
			want := time.Time{}
			for m, cur := 0, after.Truncate(time.Minute).Add(time.Minute); m < window; m, cur = m+1, cur.Add(time.Minute) {
				if naiveMatch(c, cur) {
					want = cur
					break
				}
			}
			got := c.Next(after)
			if want.IsZero() {
				if !got.IsZero() && got.Before(after.Add(window*time.Minute)) {
					t.Fatalf("%s: Next(%s) = %s, scan found nothing", expr, after, got)
				}
				break
			}
			if !got.Equal(want) {
				t.Fatalf("%s: Next(%s) = %s, scan %s", expr, after, got, want)
			}
			after = got
		}
	}
}
