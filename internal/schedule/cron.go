package schedule

import (
	"strings"
	"time"
)

// Cron is a parsed cron(...) expression. Every field is a bit set: bit v
// is set when value v matches.
type Cron struct {
	expr string
	loc  *time.Location

	minutes uint64    // bits 0-59
	hours   uint32    // bits 0-23
	months  uint16    // bits 1-12
	years   [4]uint64 // bit y-1970

	domAny     bool   // day-of-month is ?
	domDays    uint32 // bits 1-31: plain days
	domLast    uint32 // bit n: L-n (bit 0: L)
	domNearest uint32 // bit n: nW
	domLW      bool   // LW

	dowAny    bool  // day-of-week is ?
	dowDays   uint8 // bit w (SUN=0): every such weekday
	dowLast   uint8 // bit w: the last such weekday of the month (wL)
	dowNthDay int   // weekday of n#k, when dowNth > 0
	dowNth    int   // k of n#k; 0 when absent
}

var (
	monthNames = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
	dayNames   = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
)

// field describes one numeric field: its bounds and names (names[i] is
// value lo+i).
type field struct {
	lo, hi int
	names  []string
	wrap   bool // ranges may wrap around (FRI-MON)
}

var (
	minuteField = field{lo: 0, hi: 59, wrap: true}
	hourField   = field{lo: 0, hi: 23, wrap: true}
	domField    = field{lo: 1, hi: 31, wrap: true}
	monthField  = field{lo: 1, hi: 12, names: monthNames, wrap: true}
	dowField    = field{lo: 1, hi: 7, names: dayNames, wrap: true}
	yearField   = field{lo: minYear, hi: maxYear}
)

// value parses a number or a name of f.
func (f field) value(s string) (int, bool) {
	if n, ok := atoi(s); ok {
		return n, n >= f.lo && n <= f.hi
	}
	for i, name := range f.names {
		if strings.EqualFold(s, name) {
			return f.lo + i, true
		}
	}
	return 0, false
}

// item parses one comma-separated item of f (*, a, a-b, with an optional
// /n) and calls set for each value it selects.
func (f field) item(s string, set func(int)) bool {
	base, stepStr, hasStep := strings.Cut(s, "/")
	step := 1
	if hasStep {
		n, ok := atoi(stepStr)
		// Quartz bounds the increment by the field's range; /0 (accepted
		// by AWS according to cronplan's tests) selects the start alone.
		if !ok || n > f.hi {
			return false
		}
		step = n
	}
	var lo, hi int
	switch {
	case base == "*":
		lo, hi = f.lo, f.hi
	case strings.Contains(base, "-"):
		a, b, _ := strings.Cut(base, "-")
		var ok1, ok2 bool
		lo, ok1 = f.value(a)
		hi, ok2 = f.value(b)
		if !ok1 || !ok2 || (hi < lo && !f.wrap) {
			return false
		}
	default:
		v, ok := f.value(base)
		if !ok {
			return false
		}
		lo, hi = v, v
		if hasStep {
			hi = f.hi
		}
	}
	if step == 0 {
		set(lo)
		return true
	}
	n := hi - lo
	if hi < lo { // wrapping range
		n += f.hi - f.lo + 1
	}
	for i := 0; i <= n; i += step {
		v := lo + i
		if v > f.hi {
			v -= f.hi - f.lo + 1
		}
		set(v)
	}
	return true
}

// list parses a comma-separated list of plain items.
func (f field) list(s string, set func(int)) bool {
	for item := range strings.SplitSeq(s, ",") {
		if !f.item(item, set) {
			return false
		}
	}
	return true
}

func parseCron(inner string) (*Cron, bool) {
	fields := strings.Split(inner, " ")
	// One or more spaces between fields, none around them.
	j := 0
	for i, f := range fields {
		if f == "" {
			if i == 0 || i == len(fields)-1 {
				return nil, false
			}
			continue
		}
		fields[j] = f
		j++
	}
	if j != 6 {
		return nil, false
	}
	c := &Cron{}
	ok := minuteField.list(fields[0], func(v int) { c.minutes |= 1 << v }) &&
		hourField.list(fields[1], func(v int) { c.hours |= 1 << v }) &&
		c.parseDOM(fields[2]) &&
		monthField.list(fields[3], func(v int) { c.months |= 1 << v }) &&
		c.parseDOW(fields[4]) &&
		yearField.list(fields[5], func(v int) { c.years[(v-minYear)/64] |= 1 << ((v - minYear) % 64) })
	if !ok || c.domAny == c.dowAny {
		// Exactly one of day-of-month and day-of-week must be ?.
		return nil, false
	}
	return c, true
}

func (c *Cron) parseDOM(s string) bool {
	if s == "?" {
		c.domAny = true
		return true
	}
	for item := range strings.SplitSeq(s, ",") {
		switch {
		case item == "L":
			c.domLast |= 1
		case item == "LW":
			c.domLW = true
		case strings.HasPrefix(item, "L-"):
			n, ok := atoi(item[2:])
			if !ok || n < 1 || n > 30 {
				return false
			}
			c.domLast |= 1 << n
		case strings.HasSuffix(item, "W"):
			n, ok := atoi(item[:len(item)-1])
			if !ok || n < 1 || n > 31 {
				return false
			}
			c.domNearest |= 1 << n
		default:
			if !domField.item(item, func(v int) { c.domDays |= 1 << v }) {
				return false
			}
		}
	}
	return true
}

func (c *Cron) parseDOW(s string) bool {
	if s == "?" {
		c.dowAny = true
		return true
	}
	if a, b, ok := strings.Cut(s, "#"); ok {
		// n#k stands alone: "3#1,6#3" is invalid.
		w, ok1 := dowField.value(a)
		k, ok2 := atoi(b)
		if !ok1 || !ok2 || k < 1 || k > 5 {
			return false
		}
		c.dowNthDay, c.dowNth = w-1, k
		return true
	}
	for item := range strings.SplitSeq(s, ",") {
		switch {
		case item == "L":
			c.dowDays |= 1 << time.Saturday
		case len(item) > 1 && strings.HasSuffix(item, "L"):
			w, ok := dowField.value(item[:len(item)-1])
			if !ok {
				return false
			}
			c.dowLast |= 1 << (w - 1)
		default:
			if !dowField.item(item, func(v int) { c.dowDays |= 1 << (v - 1) }) {
				return false
			}
		}
	}
	return true
}

// String returns the expression.
func (c *Cron) String() string { return c.expr }

// Location returns the time zone the expression is evaluated in.
func (c *Cron) Location() *time.Location { return c.loc }
