package logfilter

import (
	"regexp"
	"strings"
)

// tokKind is the kind of a token of a JSON or space-delimited pattern.
type tokKind int

const (
	tEOF tokKind = iota
	tLBrace
	tRBrace
	tLBrack
	tRBrack
	tLParen
	tRParen
	tComma
	tAnd
	tOr
	tOp     // = != < <= > >=
	tString // "quoted"
	tRegex  // %regex%
	tWord   // anything else: selectors, names, numbers, unquoted strings
)

type token struct {
	kind tokKind
	text string
	re   *regexp.Regexp
}

// lex splits a pattern into tokens. In JSON mode brackets belong to words
// ($.a[0].b); in space-delimited mode they delimit the pattern.
func lex(s string, jsonMode bool) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '{':
			out, i = append(out, token{kind: tLBrace, text: "{"}), i+1
		case c == '}':
			out, i = append(out, token{kind: tRBrace, text: "}"}), i+1
		case c == '[' && !jsonMode:
			out, i = append(out, token{kind: tLBrack, text: "["}), i+1
		case c == ']' && !jsonMode:
			out, i = append(out, token{kind: tRBrack, text: "]"}), i+1
		case c == '(':
			out, i = append(out, token{kind: tLParen, text: "("}), i+1
		case c == ')':
			out, i = append(out, token{kind: tRParen, text: ")"}), i+1
		case c == ',':
			out, i = append(out, token{kind: tComma, text: ","}), i+1
		case strings.HasPrefix(s[i:], "&&"):
			out, i = append(out, token{kind: tAnd, text: "&&"}), i+2
		case strings.HasPrefix(s[i:], "||"):
			out, i = append(out, token{kind: tOr, text: "||"}), i+2
		case strings.HasPrefix(s[i:], "!="), strings.HasPrefix(s[i:], "<="), strings.HasPrefix(s[i:], ">="):
			out, i = append(out, token{kind: tOp, text: s[i : i+2]}), i+2
		case c == '=' || c == '<' || c == '>':
			out, i = append(out, token{kind: tOp, text: s[i : i+1]}), i+1
		case c == '"':
			str, n, err := quoted(s[i:])
			if err != nil {
				return nil, err
			}
			out, i = append(out, token{kind: tString, text: str}), i+n
		case c == '%':
			re, n, err := regex(s[i:])
			if err != nil {
				return nil, err
			}
			out, i = append(out, token{kind: tRegex, text: s[i : i+n], re: re}), i+n
		default:
			j := i
			for j < len(s) && isWordByte(s[j], jsonMode) {
				j++
			}
			if j == i {
				return nil, errorf("unexpected character %q", c)
			}
			out, i = append(out, token{kind: tWord, text: s[i:j]}), j
		}
	}
	return append(out, token{kind: tEOF}), nil
}

func isWordByte(c byte, jsonMode bool) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '{', '}', '(', ')', ',', '"', '=', '!', '<', '>', '&', '|', '%':
		return false
	case '[', ']':
		return jsonMode
	}
	return true
}

// parser walks a token list.
type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) expect(k tokKind) (token, error) {
	t := p.next()
	if t.kind != k {
		return t, errorf("unexpected %q", t.text)
	}
	return t, nil
}

// value reads the right-hand side of a comparison.
func (p *parser) value() (value, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return value{str: t.text, quoted: true}, nil
	case tRegex:
		return value{str: t.text, re: t.re}, nil
	case tWord:
		return wordValue(t.text), nil
	}
	return value{}, errorf("expected a value, got %q", t.text)
}
