package policy

import (
	"strings"
	"unicode/utf8"
)

// Glob tokens.
const (
	tLit     = iota // literal text
	tOne            // ? : any one character
	tOneSeg         // ? inside an ARN segment: any one character but ':'
	tStar           // * : any run of characters
	tStarSeg        // * inside an ARN segment: any run of characters without ':'
	tVar            // ${key} or ${key, 'default'}: literal text from the request
)

type tok struct {
	k      uint8
	s      string // literal text, or the variable's key
	def    string // the variable's default
	hasDef bool
}

// Pattern kinds, from fastest to slowest.
const (
	pAll    = iota // "*"
	pExact         // no wildcards, no variables
	pPrefix        // literal followed by one unbounded *
	pGlob          // wildcards, no variables
	pVars          // policy variables (expanded per request)
)

// pattern is a compiled Action, Resource or condition value.
type pattern struct {
	raw     string
	kind    uint8
	fold    bool   // case-insensitive (actions)
	lit     string // pExact, pPrefix
	toks    []tok
	bounded bool // has tStarSeg: needs the general matcher
}

// Matching modes of compile.
const (
	modeAction   = iota // * and ? match anything; case-insensitive
	modeResource        // IAM's Resource rules: see compileResource
	modeLike            // StringLike: * and ? match anything; case-sensitive
	modeArn             // ArnLike: wildcards stay inside the first five segments
	modeLiteral         // StringEquals with variables: no wildcards
)

func compileAction(s string) pattern {
	return compile(strings.ToLower(s), modeAction, false)
}

// compileResource compiles a Resource or NotResource entry. IAM ("Using
// wildcards in resource ARNs"): * and ? work within the segments of an ARN
// (the parts separated by colons); a * that is the last character of a
// segment may expand beyond the colon boundaries; the service segment cannot
// be wildcarded (its * and ? are literal characters). Policy variables
// expand only in 2012-10-17 documents.
func compileResource(s string, vars bool) pattern {
	return compile(s, modeResource, vars)
}

func compile(s string, mode int, vars bool) pattern {
	p := pattern{raw: s, fold: mode == modeAction}
	if s == "*" && mode != modeLiteral {
		p.kind = pAll
		return p
	}
	arn := strings.HasPrefix(s, "arn:")
	seg := 0 // index of the ARN segment being compiled
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.toks = append(p.toks, tok{k: tLit, s: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if vars && c == '$' && i+1 < len(s) && s[i+1] == '{' {
			if j := strings.IndexByte(s[i+2:], '}'); j >= 0 {
				body := s[i+2 : i+2+j]
				i += j + 3
				switch body {
				case "*", "?", "$":
					lit.WriteString(body)
					continue
				}
				flush()
				t := tok{k: tVar}
				if k, d, ok := strings.Cut(body, ","); ok {
					d = strings.TrimSpace(d)
					if len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'' {
						t.def, t.hasDef = d[1:len(d)-1], true
					}
					body = k
				}
				t.s = strings.TrimSpace(body)
				p.toks = append(p.toks, t)
				continue
			}
		}
		switch {
		case c == ':':
			seg++
			lit.WriteByte(c)
		case (c == '*' || c == '?') && mode != modeLiteral && !(mode == modeResource && arn && seg == 2):
			flush()
			inSeg := false
			switch mode {
			case modeResource:
				// A * ending a segment (before ':' or at the end) may span colons.
				inSeg = c == '?' || (i+1 < len(s) && s[i+1] != ':')
			case modeArn:
				inSeg = arn && seg < 5
			}
			switch {
			case c == '*' && inSeg:
				p.toks = append(p.toks, tok{k: tStarSeg})
				p.bounded = true
			case c == '*':
				p.toks = append(p.toks, tok{k: tStar})
			case inSeg:
				p.toks = append(p.toks, tok{k: tOneSeg})
			default:
				p.toks = append(p.toks, tok{k: tOne})
			}
		default:
			lit.WriteByte(c)
		}
		i++
	}
	flush()
	hasVar := false
	for _, t := range p.toks {
		if t.k == tVar {
			hasVar = true
		}
	}
	switch {
	case hasVar:
		p.kind = pVars
	case len(p.toks) == 0:
		p.kind, p.lit = pExact, ""
	case len(p.toks) == 1 && p.toks[0].k == tLit:
		p.kind, p.lit = pExact, p.toks[0].s
	case len(p.toks) == 1 && p.toks[0].k == tStar:
		p.kind = pAll
	case len(p.toks) == 2 && p.toks[0].k == tLit && p.toks[1].k == tStar:
		p.kind, p.lit = pPrefix, p.toks[0].s
	default:
		p.kind = pGlob
	}
	return p
}

// resolver looks up a policy variable; ok is false when it has no single
// value in the request.
type resolver interface {
	variable(key string) (string, bool)
}

// match reports whether s matches p. Variables are looked up in r; a
// variable that does not resolve (and has no default) makes p match nothing.
func (p *pattern) match(s string, r resolver) bool {
	switch p.kind {
	case pAll:
		return true
	case pExact:
		if p.fold {
			return strings.EqualFold(s, p.lit)
		}
		return s == p.lit
	case pPrefix:
		if len(s) < len(p.lit) {
			return false
		}
		if p.fold {
			return strings.EqualFold(s[:len(p.lit)], p.lit)
		}
		return s[:len(p.lit)] == p.lit
	case pGlob:
		return globMatch(p.toks, s, p.fold, p.bounded)
	}
	toks, ok := p.expand(r)
	if !ok {
		return false
	}
	return globMatch(toks, s, p.fold, p.bounded)
}

// expand replaces variables by their values, as literal text.
func (p *pattern) expand(r resolver) ([]tok, bool) {
	toks := make([]tok, 0, len(p.toks))
	for _, t := range p.toks {
		if t.k != tVar {
			toks = append(toks, t)
			continue
		}
		v, ok := "", false
		if r != nil {
			v, ok = r.variable(t.s)
		}
		if !ok {
			if !t.hasDef {
				return nil, false
			}
			v = t.def
		}
		toks = append(toks, tok{k: tLit, s: v})
	}
	return toks, true
}

// literal returns p's text with variables expanded (for modeLiteral).
func (p *pattern) literal(r resolver) (string, bool) {
	if p.kind == pExact {
		return p.lit, true
	}
	toks, ok := p.expand(r)
	if !ok {
		return "", false
	}
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.s)
	}
	return b.String(), true
}

func litAt(s string, i int, lit string, fold bool) bool {
	if len(s)-i < len(lit) {
		return false
	}
	if fold {
		return strings.EqualFold(s[i:i+len(lit)], lit)
	}
	return s[i:i+len(lit)] == lit
}

// globMatch matches s against toks (no tVar). Without segment-bounded stars
// it is the classic linear-time backtracking to the last star; with them, a
// memoized search.
func globMatch(toks []tok, s string, fold, bounded bool) bool {
	if bounded {
		memo := make([]uint8, (len(toks)+1)*(len(s)+1))
		return globRec(toks, s, 0, 0, fold, memo)
	}
	ti, si := 0, 0
	starTi, starSi := -1, 0
	for {
		if ti < len(toks) {
			t := &toks[ti]
			switch t.k {
			case tStar:
				starTi, starSi = ti, si
				ti++
				continue
			case tLit:
				if litAt(s, si, t.s, fold) {
					si += len(t.s)
					ti++
					continue
				}
			case tOne, tOneSeg:
				if si < len(s) && (t.k == tOne || s[si] != ':') {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starTi < 0 || starSi >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starSi:])
		starSi += n
		si, ti = starSi, starTi+1
	}
}

func globRec(toks []tok, s string, ti, si int, fold bool, memo []uint8) bool {
	key := ti*(len(s)+1) + si
	if memo[key] != 0 {
		return memo[key] == 2
	}
	ok := false
	switch {
	case ti == len(toks):
		ok = si == len(s)
	default:
		t := &toks[ti]
		switch t.k {
		case tLit:
			ok = litAt(s, si, t.s, fold) && globRec(toks, s, ti+1, si+len(t.s), fold, memo)
		case tOne, tOneSeg:
			if si < len(s) && (t.k == tOne || s[si] != ':') {
				_, n := utf8.DecodeRuneInString(s[si:])
				ok = globRec(toks, s, ti+1, si+n, fold, memo)
			}
		case tStar, tStarSeg:
			for j := si; ; {
				if globRec(toks, s, ti+1, j, fold, memo) {
					ok = true
					break
				}
				if j >= len(s) || (t.k == tStarSeg && s[j] == ':') {
					break
				}
				_, n := utf8.DecodeRuneInString(s[j:])
				j += n
			}
		}
	}
	if ok {
		memo[key] = 2
	} else {
		memo[key] = 1
	}
	return ok
}
