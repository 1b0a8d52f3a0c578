package logfilter

import (
	"encoding/json"
	"strconv"
	"strings"
)

// node is a JSON pattern expression.
type node interface {
	eval(doc any) bool
}

type andNode struct{ l, r node }
type orNode struct{ l, r node }

func (n andNode) eval(doc any) bool { return n.l.eval(doc) && n.r.eval(doc) }
func (n orNode) eval(doc any) bool  { return n.l.eval(doc) || n.r.eval(doc) }

// cmpNode compares the values a selector finds; with several (a [*]
// index) any one may satisfy it.
type cmpNode struct {
	sel  []step
	op   string // = != < <= > >=, or IS NULL, IS TRUE, IS FALSE, NOT EXISTS
	val  value
	text string
}

// step is one selector step: a member name or an array index (-1 for
// [*]).
type step struct {
	name  string
	index int
	isIdx bool
}

// maxDepth bounds parenthesis nesting.
const maxDepth = 100

func parseJSON(s string) (node, error) {
	toks, err := lex(s, true)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if _, err := p.expect(tLBrace); err != nil {
		return nil, err
	}
	n, err := p.jsonOr(0)
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tRBrace); err != nil {
		return nil, err
	}
	if _, err := p.expect(tEOF); err != nil {
		return nil, err
	}
	return n, nil
}

func (p *parser) jsonOr(depth int) (node, error) {
	l, err := p.jsonAnd(depth)
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tOr {
		p.next()
		r, err := p.jsonAnd(depth)
		if err != nil {
			return nil, err
		}
		l = orNode{l, r}
	}
	return l, nil
}

func (p *parser) jsonAnd(depth int) (node, error) {
	l, err := p.jsonUnary(depth)
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tAnd {
		p.next()
		r, err := p.jsonUnary(depth)
		if err != nil {
			return nil, err
		}
		l = andNode{l, r}
	}
	return l, nil
}

func (p *parser) jsonUnary(depth int) (node, error) {
	if p.peek().kind == tLParen {
		if depth >= maxDepth {
			return nil, errorf("nested too deeply")
		}
		p.next()
		n, err := p.jsonOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tRParen); err != nil {
			return nil, err
		}
		return n, nil
	}
	t, err := p.expect(tWord)
	if err != nil {
		return nil, err
	}
	sel, err := parseSelector(t.text)
	if err != nil {
		return nil, err
	}
	c := &cmpNode{sel: sel, text: t.text}
	next := p.next()
	switch {
	case next.kind == tOp:
		c.op = next.text
		if c.val, err = p.value(); err != nil {
			return nil, err
		}
		if c.op != "=" && c.op != "!=" && !c.val.isNum {
			return nil, errorf("%s needs a number", c.op)
		}
	case next.kind == tWord && next.text == "IS":
		w, err := p.expect(tWord)
		if err != nil {
			return nil, err
		}
		switch w.text {
		case "NULL", "TRUE", "FALSE":
			c.op = "IS " + w.text
		default:
			return nil, errorf("unexpected IS %s", w.text)
		}
	case next.kind == tWord && next.text == "NOT":
		if w, err := p.expect(tWord); err != nil || w.text != "EXISTS" {
			return nil, errorf("expected NOT EXISTS")
		}
		c.op = "NOT EXISTS"
	default:
		return nil, errorf("expected an operator after %s", t.text)
	}
	return c, nil
}

// parseSelector parses $.a.b[0].c, $.a[*], $[0].
func parseSelector(s string) ([]step, error) {
	rest, ok := strings.CutPrefix(s, "$")
	if !ok {
		return nil, errorf("selector must start with $")
	}
	var out []step
	for rest != "" {
		switch rest[0] {
		case '.':
			rest = rest[1:]
			j := 0
			for j < len(rest) && rest[j] != '.' && rest[j] != '[' {
				j++
			}
			if j == 0 {
				return nil, errorf("empty member name")
			}
			out = append(out, step{name: rest[:j]})
			rest = rest[j:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, errorf("unterminated index")
			}
			idx := rest[1:end]
			if idx == "*" {
				out = append(out, step{index: -1, isIdx: true})
			} else {
				n, err := strconv.Atoi(idx)
				if err != nil || n < 0 {
					return nil, errorf("bad index")
				}
				out = append(out, step{index: n, isIdx: true})
			}
			rest = rest[end+1:]
		default:
			return nil, errorf("bad selector")
		}
	}
	if len(out) == 0 {
		return nil, errorf("empty selector")
	}
	return out, nil
}

// resolve returns the values the selector finds in doc.
func resolve(doc any, sel []step) []any {
	cur := []any{doc}
	for _, st := range sel {
		var next []any
		for _, v := range cur {
			switch {
			case !st.isIdx:
				if m, ok := v.(map[string]any); ok {
					if x, ok := m[st.name]; ok {
						next = append(next, x)
					}
				}
			case st.index < 0:
				if a, ok := v.([]any); ok {
					next = append(next, a...)
				}
			default:
				if a, ok := v.([]any); ok && st.index < len(a) {
					next = append(next, a[st.index])
				}
			}
		}
		cur = next
		if len(cur) == 0 {
			return nil
		}
	}
	return cur
}

func (c *cmpNode) eval(doc any) bool {
	vals := resolve(doc, c.sel)
	if c.op == "NOT EXISTS" {
		return len(vals) == 0
	}
	for _, v := range vals {
		if c.evalOne(v) {
			return true
		}
	}
	return false
}

func (c *cmpNode) evalOne(v any) bool {
	switch c.op {
	case "IS NULL":
		return v == nil
	case "IS TRUE":
		b, ok := v.(bool)
		return ok && b
	case "IS FALSE":
		b, ok := v.(bool)
		return ok && !b
	case "=", "!=":
		eq, ok := c.equal(v)
		if !ok {
			return false
		}
		return eq == (c.op == "=")
	}
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	f, err := n.Float64()
	return err == nil && compareNum(c.op, f, c.val.num)
}

// equal compares a JSON value with the pattern's value; ok is false when
// they cannot be compared (objects, arrays, null).
func (c *cmpNode) equal(v any) (eq, ok bool) {
	switch x := v.(type) {
	case string:
		if c.val.isNum && !c.val.quoted && c.val.re == nil {
			return x == c.val.str, true
		}
		return c.val.matchString(x), true
	case json.Number:
		if c.val.isNum {
			f, err := x.Float64()
			return err == nil && f == c.val.num, true
		}
		return c.val.matchString(x.String()), true
	case bool:
		return c.val.matchString(strconv.FormatBool(x)), true
	}
	return false, false
}

// matchJSON reports whether msg is a JSON object (or array) satisfying n.
func matchJSON(n node, msg string) bool {
	s := strings.TrimSpace(msg)
	if s == "" || s[0] != '{' && s[0] != '[' {
		return false
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return false
	}
	return n.eval(doc)
}
