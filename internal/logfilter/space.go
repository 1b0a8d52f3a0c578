package logfilter

import "strconv"

// spacePattern is a space-delimited pattern: a list of field slots.
type spacePattern struct {
	slots []slot
}

// slot is one field of a space-delimited pattern: a name, a condition on
// it, or ... (any number of fields).
type slot struct {
	ellipsis bool
	name     string
	cond     spaceNode // nil: any value
}

// spaceNode is a condition over named fields.
type spaceNode interface {
	eval(fields map[string]string) bool
}

type spaceAnd struct{ l, r spaceNode }
type spaceOr struct{ l, r spaceNode }

func (n spaceAnd) eval(f map[string]string) bool { return n.l.eval(f) && n.r.eval(f) }
func (n spaceOr) eval(f map[string]string) bool  { return n.l.eval(f) || n.r.eval(f) }

type spaceCmp struct {
	name string
	op   string
	val  value
}

func (c spaceCmp) eval(fields map[string]string) bool {
	s, ok := fields[c.name]
	if !ok {
		return false
	}
	switch c.op {
	case "=":
		return c.val.matchString(s)
	case "!=":
		return !c.val.matchString(s)
	}
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && compareNum(c.op, f, c.val.num)
}

func parseSpace(s string) (*spacePattern, error) {
	toks, err := lex(s, false)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if _, err := p.expect(tLBrack); err != nil {
		return nil, err
	}
	sp := &spacePattern{}
	if p.peek().kind == tRBrack {
		return nil, errorf("no fields")
	}
	for {
		sl, err := p.spaceSlot()
		if err != nil {
			return nil, err
		}
		sp.slots = append(sp.slots, sl)
		t := p.next()
		if t.kind == tRBrack {
			break
		}
		if t.kind != tComma {
			return nil, errorf("unexpected %q", t.text)
		}
	}
	if _, err := p.expect(tEOF); err != nil {
		return nil, err
	}
	return sp, nil
}

func (p *parser) spaceSlot() (slot, error) {
	t := p.peek()
	if t.kind == tWord && t.text == "..." {
		p.next()
		return slot{ellipsis: true}, nil
	}
	if t.kind == tWord {
		if k := p.toks[p.pos+1].kind; k == tComma || k == tRBrack {
			p.next()
			return slot{name: t.text}, nil
		}
	}
	cond, name, err := p.spaceOr(0)
	if err != nil {
		return slot{}, err
	}
	return slot{name: name, cond: cond}, nil
}

// spaceOr parses comparisons joined by || and &&; name is the first
// field name it names, which the slot binds.
func (p *parser) spaceOr(depth int) (spaceNode, string, error) {
	l, name, err := p.spaceAnd(depth)
	if err != nil {
		return nil, "", err
	}
	for p.peek().kind == tOr {
		p.next()
		r, _, err := p.spaceAnd(depth)
		if err != nil {
			return nil, "", err
		}
		l = spaceOr{l, r}
	}
	return l, name, nil
}

func (p *parser) spaceAnd(depth int) (spaceNode, string, error) {
	l, name, err := p.spaceUnary(depth)
	if err != nil {
		return nil, "", err
	}
	for p.peek().kind == tAnd {
		p.next()
		r, _, err := p.spaceUnary(depth)
		if err != nil {
			return nil, "", err
		}
		l = spaceAnd{l, r}
	}
	return l, name, nil
}

func (p *parser) spaceUnary(depth int) (spaceNode, string, error) {
	if p.peek().kind == tLParen {
		if depth >= maxDepth {
			return nil, "", errorf("nested too deeply")
		}
		p.next()
		n, name, err := p.spaceOr(depth + 1)
		if err != nil {
			return nil, "", err
		}
		if _, err := p.expect(tRParen); err != nil {
			return nil, "", err
		}
		return n, name, nil
	}
	t, err := p.expect(tWord)
	if err != nil || t.text == "..." {
		return nil, "", errorf("expected a field name")
	}
	op, err := p.expect(tOp)
	if err != nil {
		return nil, "", err
	}
	v, err := p.value()
	if err != nil {
		return nil, "", err
	}
	if op.text != "=" && op.text != "!=" && !v.isNum {
		return nil, "", errorf("%s needs a number", op.text)
	}
	return spaceCmp{name: t.text, op: op.text, val: v}, t.text, nil
}

// fields splits a message into space-delimited fields; a "quoted" or
// [bracketed] run is one field, without its delimiters.
func fields(msg string) []string {
	var out []string
	for i := 0; i < len(msg); {
		c := msg[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			i++
			continue
		}
		var end byte
		switch c {
		case '"':
			end = '"'
		case '[':
			end = ']'
		}
		if end != 0 {
			j := i + 1
			for j < len(msg) && msg[j] != end {
				j++
			}
			out = append(out, msg[i+1:j])
			i = j + 1
			continue
		}
		j := i
		for j < len(msg) && msg[j] != ' ' && msg[j] != '\t' && msg[j] != '\n' && msg[j] != '\r' {
			j++
		}
		out = append(out, msg[i:j])
		i = j
	}
	return out
}

func (sp *spacePattern) match(msg string) bool {
	fs := fields(msg)
	bound := map[string]string{}
	steps := 0
	return sp.matchFrom(sp.slots, fs, bound, &steps)
}

// maxSteps bounds the backtracking of patterns with several ellipses.
const maxSteps = 100_000

// matchFrom matches slots against fs, binding named fields.
func (sp *spacePattern) matchFrom(slots []slot, fs []string, bound map[string]string, steps *int) bool {
	*steps++
	if *steps > maxSteps {
		return false
	}
	if len(slots) == 0 {
		return len(fs) == 0
	}
	sl := slots[0]
	if sl.ellipsis {
		for k := 0; k <= len(fs); k++ {
			if sp.matchFrom(slots[1:], fs[k:], bound, steps) {
				return true
			}
		}
		return false
	}
	if len(fs) == 0 {
		return false
	}
	old, had := bound[sl.name]
	bound[sl.name] = fs[0]
	ok := (sl.cond == nil || sl.cond.eval(bound)) && sp.matchFrom(slots[1:], fs[1:], bound, steps)
	if had {
		bound[sl.name] = old
	} else {
		delete(bound, sl.name)
	}
	return ok
}
