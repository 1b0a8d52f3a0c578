package eventpattern

import (
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"
)

type matcherKind uint8

const (
	mExact       matcherKind = iota // a string (IP addresses in any notation)
	mExactNumber                    // a number, compared numerically or literally
	mLiteral                        // true, false or null
	mPrefix
	mPrefixFold
	mSuffix
	mSuffixFold
	mEqualsFold
	mWildcard
	mRange // numeric, including "="
	mExists
	mCIDR
	mNotValues   // anything-but strings or numbers
	mNotFold     // anything-but equals-ignore-case
	mNotPrefix   // anything-but prefix
	mNotSuffix   // anything-but suffix
	mNotWildcard // anything-but wildcard
)

// matcher is one compiled matcher of a leaf.
type matcher struct {
	kind   matcherKind
	s      string
	lit    valueKind
	num    int64
	hasNum bool
	ip     netip.Addr
	isIP   bool
	top    netip.Addr
	wc     wildcard
	// numeric ranges, in comparable form
	lo, hi         int64
	hasLo, hasHi   bool
	loOpen, hiOpen bool
	exists         bool
	// anything-but
	set  []string
	nums []int64
	wcs  []wildcard
}

// match reports whether the matcher matches one scalar value of the
// event. exists matchers are handled by the leaf.
func (m *matcher) match(v *value) bool {
	switch m.kind {
	case mExact:
		if v.kind != vString {
			return false
		}
		if v.s == m.s {
			return true
		}
		if m.isIP {
			a, ok := parseIP(v.s)
			return ok && a == m.ip
		}
		return false
	case mExactNumber:
		if v.kind != vNumber {
			return false
		}
		if v.s == m.s {
			return true
		}
		n, ok := comparable(v.s)
		return ok && m.hasNum && n == m.num
	case mLiteral:
		return v.kind == m.lit
	case mPrefix:
		return v.kind == vString && strings.HasPrefix(v.s, m.s)
	case mPrefixFold:
		return v.kind == vString && hasPrefixFold(v.s, m.s)
	case mSuffix:
		return v.kind == vString && strings.HasSuffix(v.s, m.s)
	case mSuffixFold:
		return v.kind == vString && hasSuffixFold(v.s, m.s)
	case mEqualsFold:
		return v.kind == vString && strings.EqualFold(v.s, m.s)
	case mWildcard:
		return v.kind == vString && m.wc.match(v.s)
	case mRange:
		if v.kind != vNumber {
			return false
		}
		n, ok := comparable(v.s)
		if !ok {
			return false
		}
		if m.hasLo && (n < m.lo || m.loOpen && n == m.lo) {
			return false
		}
		if m.hasHi && (n > m.hi || m.hiOpen && n == m.hi) {
			return false
		}
		return true
	case mExists:
		return m.exists
	case mCIDR:
		if v.kind != vString {
			return false
		}
		a, ok := parseIP(v.s)
		return ok && a.BitLen() == m.ip.BitLen() && a.Compare(m.ip) >= 0 && a.Compare(m.top) <= 0
	case mNotValues:
		switch v.kind {
		case vString:
			for _, s := range m.set {
				if s == v.s {
					return false
				}
			}
		case vNumber:
			if n, ok := comparable(v.s); ok {
				for _, x := range m.nums {
					if x == n {
						return false
					}
				}
			}
		}
		return true
	case mNotFold:
		if v.kind == vString {
			for _, s := range m.set {
				if strings.EqualFold(s, v.s) {
					return false
				}
			}
		}
		return true
	case mNotPrefix:
		if v.kind == vString {
			for _, s := range m.set {
				if strings.HasPrefix(v.s, s) {
					return false
				}
			}
		}
		return true
	case mNotSuffix:
		if v.kind == vString {
			for _, s := range m.set {
				if strings.HasSuffix(v.s, s) {
					return false
				}
			}
		}
		return true
	case mNotWildcard:
		if v.kind == vString {
			for i := range m.wcs {
				if m.wcs[i].match(v.s) {
					return false
				}
			}
		}
		return true
	}
	return false
}

func foldEq(a, b rune) bool {
	return a == b || unicode.ToLower(a) == unicode.ToLower(b) || unicode.ToUpper(a) == unicode.ToUpper(b)
}

func hasPrefixFold(s, prefix string) bool {
	for _, p := range prefix {
		r, n := utf8.DecodeRuneInString(s)
		if n == 0 || !foldEq(r, p) {
			return false
		}
		s = s[n:]
	}
	return true
}

func hasSuffixFold(s, suffix string) bool {
	for len(suffix) > 0 {
		p, pn := utf8.DecodeLastRuneInString(suffix)
		r, n := utf8.DecodeLastRuneInString(s)
		if n == 0 || !foldEq(r, p) {
			return false
		}
		s, suffix = s[:len(s)-n], suffix[:len(suffix)-pn]
	}
	return true
}

// Match reports whether the event, a JSON object, matches the pattern.
// An event that is not valid JSON, or not an object, matches nothing.
func (p *Pattern) Match(event []byte) bool {
	d := decoder{b: event}
	v, ok := d.document(p.schema)
	if !ok || v.kind != vObject {
		return false
	}
	return p.root.match(&v)
}

// match matches an object pattern against a value: an object, an array
// (any one element must match all of the pattern), or anything else,
// whose fields are all absent.
func (o *object) match(v *value) bool {
	if v != nil && v.kind == vArray {
		for i := range v.arr {
			if o.match(&v.arr[i]) {
				return true
			}
		}
		if len(v.arr) > 0 {
			return false
		}
		v = nil
	}
	for i := range o.fields {
		f := &o.fields[i]
		fv := v.get(f.key)
		if f.obj != nil {
			if !f.obj.match(fv) {
				return false
			}
		} else if !f.leaf.match(fv) {
			return false
		}
	}
	for _, alts := range o.ors {
		ok := false
		for _, alt := range alts {
			if alt.match(v) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func (l *leaf) match(v *value) bool {
	if !hasScalar(v) {
		return l.absent
	}
	for i := range l.ms {
		if anyScalar(&l.ms[i], v) {
			return true
		}
	}
	return false
}

// hasScalar reports whether v is, or is an array holding, a scalar.
func hasScalar(v *value) bool {
	if v == nil {
		return false
	}
	switch v.kind {
	case vObject:
		return false
	case vArray:
		for i := range v.arr {
			if hasScalar(&v.arr[i]) {
				return true
			}
		}
		return false
	}
	return true
}

func anyScalar(m *matcher, v *value) bool {
	switch v.kind {
	case vObject:
		return false
	case vArray:
		for i := range v.arr {
			if anyScalar(m, &v.arr[i]) {
				return true
			}
		}
		return false
	}
	return m.match(v)
}
