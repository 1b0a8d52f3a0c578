package eventpattern

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofaas/gofaas"
)

// MaxLength is the longest event pattern the EventBridge API accepts
// (PutRule and TestEventPattern: "Length Constraints: Maximum length of
// 4096"). Compile does not enforce it; the API layer does.
const MaxLength = 4096

// Pattern is a compiled event pattern.
type Pattern struct {
	root   *object
	schema *schema
	src    string
}

// object is an object of the pattern: every field and every $or must
// match.
type object struct {
	fields []field
	ors    [][]*object
}

// field is one key of an object: a nested object or a list of matchers.
type field struct {
	key  string
	obj  *object
	leaf *leaf
}

// leaf is a list of matchers, any one of which may match.
type leaf struct {
	ms     []matcher
	absent bool // some matcher is {"exists": false}
}

// reason is an invalid-pattern reason; withLoc says whether Jackson's
// location follows it (event-ruler's barf) or not (an exception that
// escapes the parser).
type reason struct {
	msg     string
	loc     int
	withLoc bool
}

// compiler turns the pattern's tokens into a Pattern, checking it as
// event-ruler's JsonRuleCompiler does, in the same order, so the first
// reason reported is AWS's.
type compiler struct {
	lx *lexer
}

func (c *compiler) barf(format string, args ...any) {
	panic(&reason{msg: fmt.Sprintf(format, args...), loc: c.lx.loc, withLoc: true})
}

// raise reports a reason without a location.
func raise(format string, args ...any) {
	panic(&reason{msg: fmt.Sprintf(format, args...)})
}

// Compile parses and checks an event pattern. An invalid pattern is a
// *gofaas.Error with code EINVALID and type InvalidEventPatternException.
func Compile(pattern string) (p *Pattern, err error) {
	c := &compiler{lx: &lexer{s: pattern}}
	defer func() {
		if r := recover(); r != nil {
			var msg string
			switch e := r.(type) {
			case *reason:
				msg = e.msg
				if e.withLoc {
					msg += location(pattern, e.loc)
				}
			case *syntaxError:
				msg = e.msg + location(pattern, e.loc)
			default:
				panic(r)
			}
			p, err = nil, invalid(msg)
		}
	}()
	if c.lx.next().kind != tStartObj {
		c.barf("Filter is not an object")
	}
	root := c.object(false)
	return &Pattern{root: root, schema: buildSchema(nil, root), src: pattern}, nil
}

func invalid(msg string) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "InvalidEventPatternException", "Event pattern is not valid. Reason: %s", msg)
}

// String returns the pattern as it was compiled.
func (p *Pattern) String() string { return p.src }

// reservedInOr are the names event-ruler refuses as field names inside
// $or.
var reservedInOr = map[string]bool{
	"exactly": true, "equals-ignore-case": true, "prefix": true, "suffix": true,
	"anything-but": true, "exists": true, "wildcard": true, "numeric": true, "cidr": true,
	"=": true, "<": true, "<=": true, ">": true, ">=": true,
	"regex": true, "not-wildcard": true, "not-equals-ignore-case": true,
	"date-after": true, "date-on-or-after": true, "date-before": true, "date-on-or-before": true,
	"in-date-range": true, "ip-address-in-range": true, "ip-address-not-in-range": true,
}

// object reads the fields of an object whose '{' has been read.
func (c *compiler) object(inOr bool) *object {
	o := &object{}
	present := false
	for {
		t := c.lx.next()
		if t.kind == tEndObj {
			break
		}
		present = true
		name := t.text
		if name == "$or" {
			o.ors = append(o.ors, c.or())
			continue
		}
		if inOr && reservedInOr[name] {
			c.barf("%s is Ruler reserved fieldName which cannot be used inside $or.", name)
		}
		switch c.lx.next().kind {
		case tStartObj:
			o.add(field{key: name, obj: c.object(inOr)})
		case tStartArr:
			o.add(field{key: name, leaf: c.leaf()})
		default:
			c.barf("%q must be an object or an array", name)
		}
	}
	if !present {
		c.barf("Empty objects are not allowed")
	}
	return o
}

// add adds a field; a repeated key's matchers replace the earlier ones,
// as event-ruler's compiler (with overriding) does.
func (o *object) add(f field) {
	if f.leaf != nil {
		for i := range o.fields {
			if o.fields[i].key == f.key && o.fields[i].leaf != nil {
				o.fields[i] = f
				return
			}
		}
	}
	o.fields = append(o.fields, f)
}

func (c *compiler) or() []*object {
	if c.lx.next().kind != tStartArr {
		c.barf("It must be an Array followed with $or.")
	}
	var alts []*object
	for {
		t := c.lx.next()
		if t.kind == tEndArr {
			break
		}
		if t.kind != tStartObj {
			c.barf("Only JSON object is allowed in array of $or relationship.")
		}
		alts = append(alts, c.object(true))
	}
	if len(alts) < 2 {
		c.barf("There must have at least 2 Objects in $or relationship.")
	}
	return alts
}

// leaf reads an array of matchers whose '[' has been read.
func (c *compiler) leaf() *leaf {
	l := &leaf{}
	for {
		t := c.lx.next()
		var m matcher
		switch t.kind {
		case tEndArr:
			if len(l.ms) == 0 {
				c.barf("Empty arrays are not allowed")
			}
			return l
		case tStartObj:
			m = c.matchExpr()
		case tString:
			m = matcher{kind: mExact, s: t.text}
			if ip, ok := parseIP(t.text); ok {
				m.ip, m.isIP = ip, true
			}
		case tInt, tFloat:
			m = matcher{kind: mExactNumber, s: t.text}
			m.num, m.hasNum = comparable(t.text)
		case tNull:
			m = matcher{kind: mLiteral, lit: vNull}
		case tTrue:
			m = matcher{kind: mLiteral, lit: vTrue}
		case tFalse:
			m = matcher{kind: mLiteral, lit: vFalse}
		default:
			c.barf("Match value must be String, number, true, false, or null")
		}
		if m.kind == mExists && !m.exists {
			l.absent = true
		}
		l.ms = append(l.ms, m)
	}
}

func (c *compiler) end() {
	if c.lx.next().kind != tEndObj {
		c.barf("Only one key allowed in match expression")
	}
}

func (c *compiler) tooMany() {
	c.barf("Too many elements in numeric expression")
}

// matchExpr reads a matcher object whose '{' has been read.
func (c *compiler) matchExpr() matcher {
	t := c.lx.next()
	if t.kind != tName {
		c.barf("Match expression name not found")
	}
	switch name := t.text; name {
	case "exactly":
		if c.lx.next().kind != tString {
			c.barf("exact match pattern must be a string")
		}
		m := matcher{kind: mExact, s: c.lx.text}
		c.end()
		return m
	case "prefix", "suffix":
		kind, foldKind := mPrefix, mPrefixFold
		if name == "suffix" {
			kind, foldKind = mSuffix, mSuffixFold
		}
		v := c.lx.next()
		if v.kind == tStartObj {
			title := strings.ToUpper(name[:1]) + name[1:]
			if c.lx.next().kind != tName {
				c.barf("%s expression name not found", title)
			}
			if op := c.lx.text; op != "equals-ignore-case" {
				c.barf("Unsupported %s pattern: %s", name, op)
			}
			if c.lx.next().kind != tString {
				c.barf("equals-ignore-case match pattern must be a string")
			}
			m := matcher{kind: foldKind, s: c.lx.text}
			c.end()
			c.end()
			return m
		}
		if v.kind != tString {
			c.barf("%s match pattern must be a string", name)
		}
		m := matcher{kind: kind, s: v.text}
		c.end()
		return m
	case "numeric":
		if c.lx.next().kind != tStartArr {
			c.barf("Value of numeric must be an array.")
		}
		m := c.numeric()
		if c.lx.next().kind != tEndObj {
			c.tooMany()
		}
		return m
	case "anything-but":
		return c.anythingBut()
	case "exists":
		var m matcher
		switch c.lx.next().kind {
		case tTrue:
			m = matcher{kind: mExists, exists: true}
		case tFalse:
			m = matcher{kind: mExists}
		default:
			c.barf("exists match pattern must be either true or false.")
		}
		c.end()
		return m
	case "cidr":
		if c.lx.next().kind != tString {
			c.barf("prefix match pattern must be a string")
		}
		m := cidr(c.lx.text)
		c.end()
		return m
	case "equals-ignore-case":
		if c.lx.next().kind != tString {
			c.barf("equals-ignore-case match pattern must be a string")
		}
		m := matcher{kind: mEqualsFold, s: c.lx.text}
		c.end()
		return m
	case "wildcard":
		if c.lx.next().kind != tString {
			c.barf("wildcard match pattern must be a string")
		}
		w, err := parseWildcard(c.lx.text)
		if err != "" {
			c.barf("%s", err)
		}
		m := matcher{kind: mWildcard, wc: w}
		c.end()
		return m
	default:
		c.barf("Unrecognized match type %s", name)
	}
	panic("unreachable")
}

// numeric reads the terms of a numeric matcher after its '['.
func (c *compiler) numeric() matcher {
	if c.lx.next().kind != tString {
		c.barf("Invalid member in numeric match: %s", c.lx.text)
	}
	op := c.lx.text
	t := c.lx.next()
	m := matcher{kind: mRange}
	switch op {
	case "=":
		if !t.kind.numeric() {
			c.barf("Value of equals must be numeric")
		}
		if c.lx.next().kind != tEndArr {
			c.tooMany()
		}
		n := c.bound(t.text)
		return matcher{kind: mRange, lo: n, hi: n, hasLo: true, hasHi: true}
	case ">=", ">":
		if !t.kind.numeric() {
			c.barf("Value of %s must be numeric", op)
		}
		lo := t.text
		t = c.lx.next()
		m.hasLo, m.loOpen = true, op == ">"
		if t.kind == tEndArr {
			m.lo = c.bound(lo)
			return m
		}
		if t.kind != tString {
			c.barf("Bad value in numeric range: %s", t.text)
		}
		op2 := t.text
		if op2 != "<" && op2 != "<=" {
			c.barf("Bad numeric range operator: %s", op2)
		}
		t = c.lx.next()
		if !t.kind.numeric() {
			c.barf("Value of %s must be numeric", op2)
		}
		hi := t.text
		if c.lx.next().kind != tEndArr {
			c.barf("Too many terms in numeric range expression")
		}
		m.lo, m.hi, m.hasHi, m.hiOpen = c.bound(lo), c.bound(hi), true, op2 == "<"
		if m.lo >= m.hi {
			c.barf("Bottom must be less than top")
		}
		return m
	case "<=", "<":
		if !t.kind.numeric() {
			c.barf("Value of %s must be numeric", op)
		}
		if c.lx.next().kind != tEndArr {
			c.tooMany()
		}
		m.hi, m.hasHi, m.hiOpen = c.bound(t.text), true, op == "<"
		return m
	default:
		c.barf("Unrecognized numeric range operator: %s", op)
	}
	panic("unreachable")
}

// outOfRange is event-ruler's message for a number it cannot compare.
const outOfRange = "Value must be between -5.0E9 and 5.0E9, inclusive"

func (c *compiler) bound(lit string) int64 {
	n, ok := comparable(lit)
	if !ok {
		c.barf(outOfRange)
	}
	return n
}

func (c *compiler) anythingBut() matcher {
	kind := mNotValues
	t := c.lx.next()
	if t.kind == tStartObj {
		if c.lx.next().kind != tName {
			c.barf("Anything-But expression name not found")
		}
		switch op := c.lx.text; op {
		case "equals-ignore-case":
			kind = mNotFold
		case "prefix":
			kind = mNotPrefix
		case "suffix":
			kind = mNotSuffix
		case "wildcard":
			kind = mNotWildcard
		default:
			c.barf("Unsupported anything-but pattern: %s", op)
		}
		t = c.lx.next()
	}
	if t.kind != tStartArr && t.kind != tString && !t.kind.numeric() {
		c.barf("Value of anything-but must be an array or single string/number value.")
	}
	m := matcher{kind: kind}
	if kind == mNotValues {
		hasNum, hasStr := false, false
		add := func(t token) {
			switch {
			case t.kind == tString:
				m.set = append(m.set, t.text)
				hasStr = true
			case t.kind.numeric():
				n, ok := comparable(t.text)
				if !ok {
					if t.loc == -1 {
						raise(outOfRange)
					}
					c.barf(outOfRange)
				}
				m.nums = append(m.nums, n)
				hasNum = true
			default:
				c.barf("Inside anything but list, start|null|boolean is not supported.")
			}
		}
		if t.kind == tStartArr {
			for {
				e := c.lx.next()
				if e.kind == tEndArr {
					break
				}
				add(e)
			}
			if hasNum == hasStr {
				c.barf("Inside anything but list, either all values are number or string, mixed type is not supported")
			}
		} else {
			t.loc = -1 // a single value's error escapes the parser
			add(t)
		}
		if c.lx.next().kind != tEndObj {
			c.tooMany()
		}
		return m
	}
	add := func(t token) {
		if t.kind != tString {
			switch kind {
			case mNotFold:
				c.barf("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.")
			case mNotWildcard:
				c.barf("wildcard match pattern must be a string")
			default:
				c.barf("prefix/suffix match pattern must be a string")
			}
		}
		if (kind == mNotPrefix || kind == mNotSuffix) && t.text == "" {
			c.barf("Null prefix/suffix not allowed")
		}
		m.set = append(m.set, t.text)
	}
	if t.kind == tStartArr {
		for {
			e := c.lx.next()
			if e.kind == tEndArr {
				break
			}
			add(e)
		}
	} else {
		add(t)
	}
	if kind == mNotWildcard {
		for _, s := range m.set {
			w, err := parseWildcard(s)
			if err != "" {
				c.barf("%s", err)
			}
			m.wcs = append(m.wcs, w)
		}
	}
	if c.lx.next().kind != tEndObj {
		c.tooMany()
	}
	if c.lx.next().kind != tEndObj {
		c.tooMany()
	}
	return m
}

// comparable turns a number into event-ruler's comparable form: numbers
// in [-5e9, 5e9], to six decimal places. It reports false for others.
func comparable(lit string) (int64, bool) {
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil || f < -5e9 || f > 5e9 {
		return 0, false
	}
	return int64(1e6 * (5e9 + f)), true
}

var (
	ipv4RE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$`)
	ipv6RE = regexp.MustCompile(`^[0-9a-fA-F:]*:[0-9a-fA-F:]*$`)
)

// looksLikeIP is event-ruler's test for strings it treats as addresses.
func looksLikeIP(s string) bool {
	if len(s) == 0 || len(s) > 45 {
		return false
	}
	c := s[0]
	if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':') {
		return false
	}
	return ipv4RE.MatchString(s) || ipv6RE.MatchString(s)
}

// parseIP parses a string event-ruler would treat as an IP address.
func parseIP(s string) (netip.Addr, bool) {
	if !looksLikeIP(s) {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// cidr compiles a cidr matcher; its errors escape event-ruler's parser,
// so they carry no location.
func cidr(s string) matcher {
	parts := strings.Split(s, "/")
	if len(parts) != 2 {
		raise("Malformed CIDR, one '/' required")
	}
	bits, err := strconv.Atoi(parts[1])
	if err != nil {
		raise("Malformed CIDR, mask bits must be an integer")
	}
	if bits < 0 {
		raise("Malformed CIDR, mask bits must not be negative")
	}
	if !looksLikeIP(parts[0]) {
		raise("Nonstandard IP address: %s", parts[0])
	}
	a, err := netip.ParseAddr(parts[0])
	if err != nil {
		raise("Invalid IP address: %s", parts[0])
	}
	a = a.Unmap()
	if a.Is4() && bits > 31 {
		raise("IPv4 mask bits must be < 32")
	}
	if a.Is6() && bits > 127 {
		raise("IPv6 mask bits must be < 128")
	}
	// The range runs from the address as written to the top of its
	// prefix: event-ruler does not clear the host bits of the bottom.
	b := a.AsSlice()
	host := len(b)*8 - bits
	for i := len(b) - 1; i >= 0 && host > 0; i-- {
		if host >= 8 {
			b[i] = 0xff
		} else {
			b[i] |= byte(1<<host - 1)
		}
		host -= 8
	}
	top, _ := netip.AddrFromSlice(b)
	return matcher{kind: mCIDR, ip: a, top: top}
}
