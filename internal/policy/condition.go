package policy

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Condition is one key of one operator block of a Condition element.
// Multiple Conditions of a statement are ANDed; the Values of one are ORed.
type Condition struct {
	// Operator is as written: "StringEquals", "ForAnyValue:StringLike",
	// "NumericLessThanIfExists", ...
	Operator string
	Key      string
	Values   []string

	base     string // operator without set prefix and IfExists
	typ      uint8
	negate   bool
	ifExists bool
	set      uint8

	cmp     uint8
	hasVars bool
	lits    []string  // StringEquals values without variables, escapes applied
	pats    []pattern // string and ARN operators
	nums    []float64
	times   []time.Time
	nets    []netip.Prefix
	bins    [][]byte
	bad     []bool // policy value that does not parse for the operator's type
}

// Operator types.
const (
	cString = iota
	cStringIgnoreCase
	cStringLike
	cNumeric
	cDate
	cBool
	cBinary
	cIP
	cArn
	cNull
)

// Set operators.
const (
	setNone = iota
	setAny  // ForAnyValue:
	setAll  // ForAllValues:
)

// Comparisons.
const (
	cmpEq = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

type opInfo struct {
	typ    uint8
	negate bool
	cmp    uint8
}

var operators = map[string]opInfo{
	"StringEquals":              {typ: cString},
	"StringNotEquals":           {typ: cString, negate: true},
	"StringEqualsIgnoreCase":    {typ: cStringIgnoreCase},
	"StringNotEqualsIgnoreCase": {typ: cStringIgnoreCase, negate: true},
	"StringLike":                {typ: cStringLike},
	"StringNotLike":             {typ: cStringLike, negate: true},
	"NumericEquals":             {typ: cNumeric},
	"NumericNotEquals":          {typ: cNumeric, negate: true},
	"NumericLessThan":           {typ: cNumeric, cmp: cmpLt},
	"NumericLessThanEquals":     {typ: cNumeric, cmp: cmpLe},
	"NumericGreaterThan":        {typ: cNumeric, cmp: cmpGt},
	"NumericGreaterThanEquals":  {typ: cNumeric, cmp: cmpGe},
	"DateEquals":                {typ: cDate},
	"DateNotEquals":             {typ: cDate, negate: true},
	"DateLessThan":              {typ: cDate, cmp: cmpLt},
	"DateLessThanEquals":        {typ: cDate, cmp: cmpLe},
	"DateGreaterThan":           {typ: cDate, cmp: cmpGt},
	"DateGreaterThanEquals":     {typ: cDate, cmp: cmpGe},
	"Bool":                      {typ: cBool},
	"BinaryEquals":              {typ: cBinary},
	"IpAddress":                 {typ: cIP},
	"NotIpAddress":              {typ: cIP, negate: true},
	"ArnEquals":                 {typ: cArn},
	"ArnLike":                   {typ: cArn},
	"ArnNotEquals":              {typ: cArn, negate: true},
	"ArnNotLike":                {typ: cArn, negate: true},
	"Null":                      {typ: cNull},
}

func parseConditions(v any, vars bool) ([]Condition, error) {
	ops, ok := v.(map[string]any)
	if !ok {
		return nil, malformed("Syntax errors in policy.")
	}
	names := make([]string, 0, len(ops))
	for k := range ops {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []Condition
	for _, op := range names {
		info, base, set, ifExists, ok := parseOperator(op)
		if !ok {
			return nil, malformed(fmt.Sprintf("Invalid Condition type : %s", op))
		}
		block, ok := ops[op].(map[string]any)
		if !ok {
			return nil, malformed("Syntax errors in policy.")
		}
		keys := make([]string, 0, len(block))
		for k := range block {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, key := range keys {
			if !vendorPrefixed(key) {
				return nil, malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
			}
			var raw []any
			switch v := block[key].(type) {
			case []any:
				raw = v
			default:
				raw = []any{v}
			}
			c := Condition{Operator: op, Key: key, base: base, typ: info.typ, negate: info.negate,
				ifExists: ifExists, set: set}
			for _, r := range raw {
				s, ok := scalarString(r)
				if !ok {
					return nil, malformed("Syntax errors in policy.")
				}
				c.Values = append(c.Values, s)
			}
			c.compile(info, vars)
			out = append(out, c)
		}
	}
	return out, nil
}

func parseOperator(op string) (info opInfo, base string, set uint8, ifExists, ok bool) {
	base = op
	if rest, found := strings.CutPrefix(base, "ForAnyValue:"); found {
		base, set = rest, setAny
	} else if rest, found := strings.CutPrefix(base, "ForAllValues:"); found {
		base, set = rest, setAll
	}
	if rest, found := strings.CutSuffix(base, "IfExists"); found {
		base, ifExists = rest, true
	}
	info, ok = operators[base]
	if ok && info.typ == cNull && (ifExists || set != setNone) {
		ok = false
	}
	return info, base, set, ifExists, ok
}

func (c *Condition) compile(info opInfo, vars bool) {
	c.bad = make([]bool, len(c.Values))
	c.cmp = info.cmp
	for i, v := range c.Values {
		switch c.typ {
		case cString, cStringIgnoreCase:
			c.pats = append(c.pats, compile(v, modeLiteral, vars))
		case cStringLike:
			c.pats = append(c.pats, compile(v, modeLike, vars))
		case cArn:
			c.pats = append(c.pats, compile(v, modeArn, vars))
		case cNumeric:
			f, err := strconv.ParseFloat(v, 64)
			c.bad[i] = err != nil || math.IsNaN(f)
			c.nums = append(c.nums, f)
		case cDate:
			t, ok := parseDate(v)
			c.bad[i] = !ok
			c.times = append(c.times, t)
		case cIP:
			p, ok := parseCIDR(v)
			c.bad[i] = !ok
			c.nets = append(c.nets, p)
		case cBinary:
			b, err := base64.StdEncoding.DecodeString(v)
			c.bad[i] = err != nil
			c.bins = append(c.bins, b)
		}
	}
	for i := range c.pats {
		if c.pats[i].kind == pVars {
			c.hasVars = true
		}
	}
	if !c.hasVars && (c.typ == cString || c.typ == cStringIgnoreCase) {
		for i := range c.pats {
			c.lits = append(c.lits, c.pats[i].lit)
		}
	}
}

func parseCIDR(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()).Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseDate parses ISO 8601 dates and times (UTC unless an offset is
// given) and epoch seconds.
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func compareCmp(cmp uint8, c int) bool {
	switch cmp {
	case cmpLt:
		return c < 0
	case cmpLe:
		return c <= 0
	case cmpGt:
		return c > 0
	case cmpGe:
		return c >= 0
	}
	return c == 0
}

// eval evaluates the condition against the request.
func (c *Condition) eval(e *evalCtx) bool {
	vals, present := e.lookup(c.Key)
	if present && len(vals) == 0 {
		present = false
	}
	if c.typ == cNull {
		for _, v := range c.Values {
			if strings.EqualFold(v, "true") == !present {
				return true
			}
		}
		return false
	}
	if !present {
		// IAM: a missing key fails a condition, except with IfExists, the
		// ForAllValues set operator (the empty set), and negated operators
		// (StringNotEquals, ArnNotLike, NotIpAddress ...), which are true.
		switch {
		case c.ifExists, c.set == setAll:
			return true
		case c.set == setAny:
			return false
		}
		return c.negate
	}
	// Policy values with variables: expand; an unresolvable variable makes
	// the condition false.
	lits := c.lits
	if !c.hasVars {
		// nothing to expand
	} else if c.typ == cString || c.typ == cStringIgnoreCase {
		lits = make([]string, len(c.pats))
		for i := range c.pats {
			s, ok := c.pats[i].literal(e)
			if !ok {
				return false
			}
			lits[i] = s
		}
	} else if c.typ == cStringLike || c.typ == cArn {
		for i := range c.pats {
			if c.pats[i].kind == pVars {
				if _, ok := c.pats[i].expand(e); !ok {
					return false
				}
			}
		}
	}
	switch c.set {
	case setAny:
		for _, v := range vals {
			if c.matchOne(v, lits, e) != c.negate {
				return true
			}
		}
		return false
	case setAll:
		for _, v := range vals {
			if c.matchOne(v, lits, e) == c.negate {
				return false
			}
		}
		return true
	}
	for _, v := range vals {
		if c.matchOne(v, lits, e) {
			return !c.negate
		}
	}
	return c.negate
}

// matchOne reports whether the request value v matches any policy value
// under the positive form of the operator.
func (c *Condition) matchOne(v string, lits []string, e *evalCtx) bool {
	switch c.typ {
	case cString:
		for _, l := range lits {
			if v == l {
				return true
			}
		}
	case cStringIgnoreCase:
		for _, l := range lits {
			if strings.EqualFold(v, l) {
				return true
			}
		}
	case cStringLike:
		for i := range c.pats {
			if c.pats[i].match(v, e) {
				return true
			}
		}
	case cArn:
		if strings.Count(v, ":") < 5 || !strings.HasPrefix(v, "arn:") {
			return false
		}
		for i := range c.pats {
			if c.pats[i].match(v, e) {
				return true
			}
		}
	case cNumeric:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) {
			return false
		}
		cmp := c.cmp
		for i, n := range c.nums {
			if c.bad[i] {
				continue
			}
			d := 0
			if f < n {
				d = -1
			} else if f > n {
				d = 1
			}
			if compareCmp(cmp, d) {
				return true
			}
		}
	case cDate:
		t, ok := parseDate(v)
		if !ok {
			return false
		}
		cmp := c.cmp
		for i, p := range c.times {
			if !c.bad[i] && compareCmp(cmp, t.Compare(p)) {
				return true
			}
		}
	case cBool:
		for _, l := range c.Values {
			if strings.EqualFold(v, l) {
				return true
			}
		}
	case cBinary:
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			b = []byte(v)
		}
		for i, p := range c.bins {
			if !c.bad[i] && bytes.Equal(b, p) {
				return true
			}
		}
	case cIP:
		a, err := netip.ParseAddr(v)
		if err != nil {
			return false
		}
		a = a.Unmap()
		for i, n := range c.nets {
			if !c.bad[i] && n.Contains(a) {
				return true
			}
		}
	}
	return false
}
