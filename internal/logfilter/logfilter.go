// Package logfilter parses and matches CloudWatch Logs filter patterns, as
// AWS documents them in "Filter pattern syntax for metric filters,
// subscription filters, filter log events". A pattern has one of three
// forms:
//
//   - Terms, for unstructured events: ERROR matches events containing
//     ERROR (case-sensitive); several terms must all appear, in any order;
//     "quoted phrases" match as a whole; ?ERROR ?WARN matches either;
//     -Exiting excludes events containing Exiting; %regex% matches a
//     regular expression. An empty pattern, "" and " " match everything.
//   - JSON, for events that are JSON objects: { $.level = "error" },
//     { $.latency > 100 }, !=, <, <=, >, >=, && and || with parentheses,
//   - wildcards in string values, IS NULL, NOT EXISTS, IS TRUE, IS
//     FALSE, selectors with array indexes ($.a[0].b, $.a[*]).
//   - Space-delimited, for events whose fields are separated by spaces
//     ("quoted" and [bracketed] fields count as one): [ip, user, ...,
//     status_code = 404, size > 1000], with ... standing for any number
//     of fields, comparisons, wildcards, && and ||.
//
// Parse errors are *gofaas.Error values of type InvalidParameterException,
// as FilterLogEvents reports them.
package logfilter

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/gofaas/gofaas"
)

// Pattern is a parsed filter pattern. Its zero value matches everything.
type Pattern struct {
	text  string
	kind  int
	terms *termPattern
	json  node
	space *spacePattern
}

const (
	kindAll = iota
	kindTerms
	kindJSON
	kindSpace
)

// maxPattern bounds a pattern's length (FilterLogEvents allows 1024
// characters).
const maxPattern = 1024

// Parse parses a filter pattern.
func Parse(s string) (*Pattern, error) {
	p := &Pattern{text: s}
	t := strings.TrimSpace(s)
	switch {
	case len(s) > 4*maxPattern:
		return nil, errorf("pattern too long")
	case t == "" || t == `""` || t == `" "`:
		p.kind = kindAll
	case t[0] == '{':
		n, err := parseJSON(t)
		if err != nil {
			return nil, err
		}
		p.kind, p.json = kindJSON, n
	case t[0] == '[':
		sp, err := parseSpace(t)
		if err != nil {
			return nil, err
		}
		p.kind, p.space = kindSpace, sp
	default:
		tp, err := parseTerms(t)
		if err != nil {
			return nil, err
		}
		p.kind, p.terms = kindTerms, tp
	}
	return p, nil
}

// String returns the pattern as given.
func (p *Pattern) String() string { return p.text }

// Match reports whether a log event's message matches the pattern.
func (p *Pattern) Match(msg string) bool {
	switch p.kind {
	case kindTerms:
		return p.terms.match(msg)
	case kindJSON:
		return matchJSON(p.json, msg)
	case kindSpace:
		return p.space.match(msg)
	}
	return true
}

// Terms returns substrings every matching message contains
// (case-sensitive), so a store can skip events without reading them; it
// may return none.
func (p *Pattern) Terms() []string {
	if p.kind != kindTerms {
		return nil
	}
	var out []string
	for _, t := range p.terms.all {
		if t.re == nil && t.s != "" {
			out = append(out, t.s)
		}
	}
	return out
}

// errorf returns AWS's error for a pattern it cannot parse. CloudWatch
// Logs does not say what is wrong; the format documents the reason for
// readers of the parser.
func errorf(format string, args ...any) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "InvalidParameterException", "Invalid filter pattern")
}

// ---- terms

// term is one literal or regular expression of a term pattern.
type term struct {
	s  string
	re *regexp.Regexp
}

func (t term) in(msg string) bool {
	if t.re != nil {
		return t.re.MatchString(msg)
	}
	return strings.Contains(msg, t.s)
}

// termPattern: every term of all, at least one of any (if any), none of
// not.
type termPattern struct {
	all, any, not []term
}

func (tp *termPattern) match(msg string) bool {
	for _, t := range tp.all {
		if !t.in(msg) {
			return false
		}
	}
	for _, t := range tp.not {
		if t.in(msg) {
			return false
		}
	}
	if len(tp.any) == 0 {
		return true
	}
	for _, t := range tp.any {
		if t.in(msg) {
			return true
		}
	}
	return false
}

func parseTerms(s string) (*termPattern, error) {
	tp := &termPattern{}
	for i := 0; i < len(s); {
		if isSpace(s[i]) {
			i++
			continue
		}
		list := &tp.all
		switch s[i] {
		case '?':
			list = &tp.any
			i++
		case '-':
			list = &tp.not
			i++
		}
		if i >= len(s) || isSpace(s[i]) {
			return nil, errorf("empty term")
		}
		var t term
		switch s[i] {
		case '"':
			str, n, err := quoted(s[i:])
			if err != nil {
				return nil, err
			}
			t.s, i = str, i+n
		case '%':
			re, n, err := regex(s[i:])
			if err != nil {
				return nil, err
			}
			t.re, i = re, i+n
		default:
			j := i
			for j < len(s) && !isSpace(s[j]) && s[j] != '"' {
				j++
			}
			t.s, i = s[i:j], j
		}
		*list = append(*list, t)
	}
	if len(tp.all)+len(tp.any)+len(tp.not) == 0 {
		return nil, errorf("no terms")
	}
	return tp, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// quoted reads a double-quoted string at the start of s, with \" and \\
// escapes, and returns it and the bytes it took.
func quoted(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
				b.WriteByte(s[i+1])
				i++
				continue
			}
			b.WriteByte('\\')
		case '"':
			return b.String(), i + 1, nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, errorf("unterminated string")
}

// regex reads a %regular expression% at the start of s.
func regex(s string) (*regexp.Regexp, int, error) {
	end := strings.IndexByte(s[1:], '%')
	if end < 0 {
		return nil, 0, errorf("unterminated regex")
	}
	body := s[1 : 1+end]
	if body == "" {
		return nil, 0, errorf("empty regex")
	}
	re, err := regexp.Compile(body)
	if err != nil {
		return nil, 0, errorf("bad regex")
	}
	return re, end + 2, nil
}

// ---- values shared by JSON and space-delimited patterns

// value is the right-hand side of a comparison.
type value struct {
	str    string // the text, for string comparisons (may hold * wildcards)
	num    float64
	isNum  bool // an unquoted number
	quoted bool
	re     *regexp.Regexp
}

// parseValue interprets an unquoted word.
func wordValue(w string) value {
	v := value{str: w}
	if f, err := strconv.ParseFloat(w, 64); err == nil {
		v.num, v.isNum = f, true
	}
	return v
}

// matchString compares a string with a value: a regular expression, a
// wildcard pattern or plain text.
func (v value) matchString(s string) bool {
	if v.re != nil {
		return v.re.MatchString(s)
	}
	if v.isNum && !v.quoted {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f == v.num
		}
	}
	return glob(v.str, s)
}

// glob matches s against a pattern where * stands for any run of
// characters.
func glob(pattern, s string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == s
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}

// compareNum applies a numeric operator.
func compareNum(op string, a, b float64) bool {
	switch op {
	case "=":
		return a == b
	case "!=":
		return a != b
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	}
	return false
}
