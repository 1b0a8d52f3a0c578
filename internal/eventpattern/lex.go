package eventpattern

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// tokKind is the kind of a token of the pattern's JSON, as Jackson's
// streaming parser (which event-ruler uses) reports them.
type tokKind int

const (
	tEOF tokKind = iota
	tStartObj
	tEndObj
	tStartArr
	tEndArr
	tName
	tString
	tInt
	tFloat
	tTrue
	tFalse
	tNull
)

func (k tokKind) numeric() bool { return k == tInt || k == tFloat }

type token struct {
	kind tokKind
	text string // string contents, field name, number literal or the punctuation
	loc  int    // byte offset Jackson would report as the current location
}

// frame is an open object or array.
type frame struct {
	obj   bool
	count int
}

// lexer is a pull tokenizer over the pattern, tracking the location the
// way Jackson does: strings are read lazily (the location is just after
// the opening quote) and a field name also reads the first token of its
// value.
type lexer struct {
	s       string
	pos     int
	stack   []frame
	pending *token
	loc     int
	text    string // text of the last token, for messages
	err     error
}

// syntaxError is a JSON syntax error; it carries its own location.
type syntaxError struct {
	msg string
	loc int
}

func (e *syntaxError) Error() string { return e.msg }

func (l *lexer) fail(loc int, format string, args ...any) {
	if l.err == nil {
		l.err = &syntaxError{msg: fmt.Sprintf(format, args...), loc: loc}
	}
	panic(l.err)
}

func (l *lexer) skipWS() {
	for l.pos < len(l.s) {
		switch l.s[l.pos] {
		case ' ', '\t', '\n', '\r':
			l.pos++
		default:
			return
		}
	}
}

// charDesc describes a character as Jackson does: ('x' (code 120)).
func charDesc(c rune) string {
	if c < 0x20 {
		return fmt.Sprintf("(CTRL-CHAR, code %d)", c)
	}
	return fmt.Sprintf("('%c' (code %d))", c, c)
}

func (l *lexer) peekRune() rune {
	r, _ := utf8.DecodeRuneInString(l.s[l.pos:])
	return r
}

func kindName(obj bool) string {
	if obj {
		return "OBJECT"
	}
	return "ARRAY"
}

// next returns the next token; it panics with a *syntaxError, which
// Compile recovers.
func (l *lexer) next() token {
	if p := l.pending; p != nil {
		l.pending = nil
		l.text = p.text
		return *p
	}
	l.skipWS()
	if l.pos >= len(l.s) {
		if n := len(l.stack); n > 0 {
			l.fail(l.pos, "Unexpected end-of-input: expected close marker for %s", kindName(l.stack[n-1].obj))
		}
		l.loc, l.text = l.pos, ""
		return token{kind: tEOF, loc: l.pos}
	}
	if len(l.stack) == 0 {
		return l.value()
	}
	top := &l.stack[len(l.stack)-1]
	c := l.s[l.pos]
	if c == '}' || c == ']' {
		if (c == '}') != top.obj {
			want := byte(']')
			if top.obj {
				want = '}'
			}
			l.fail(l.pos+1, "Unexpected close marker '%c': expected '%c'", c, want)
		}
		l.pos++
		l.stack = l.stack[:len(l.stack)-1]
		l.loc, l.text = l.pos, string(c)
		if c == '}' {
			return token{kind: tEndObj, text: "}", loc: l.pos}
		}
		return token{kind: tEndArr, text: "]", loc: l.pos}
	}
	if top.count > 0 {
		if c != ',' {
			l.fail(l.pos+1, "Unexpected character %s: was expecting comma to separate %s entries", charDesc(l.peekRune()), kindName(top.obj))
		}
		l.pos++
		l.skipWS()
		if l.pos >= len(l.s) {
			l.fail(l.pos, "Unexpected end-of-input within/between %s entries", kindName(top.obj))
		}
		c = l.s[l.pos]
	}
	top.count++
	if !top.obj {
		if c == ']' {
			l.fail(l.pos+1, "Unexpected character %s: expected a value", charDesc(']'))
		}
		return l.value()
	}
	if c != '"' {
		l.fail(l.pos+1, "Unexpected character %s: was expecting double-quote to start field name", charDesc(l.peekRune()))
	}
	name := l.str()
	l.skipWS()
	if l.pos >= len(l.s) {
		l.fail(l.pos, "Unexpected end-of-input within/between OBJECT entries")
	}
	if l.s[l.pos] != ':' {
		l.fail(l.pos+1, "Unexpected character %s: was expecting a colon to separate field name and value", charDesc(l.peekRune()))
	}
	l.pos++
	l.skipWS()
	if l.pos >= len(l.s) {
		l.fail(l.pos, "Unexpected end-of-input within/between OBJECT entries")
	}
	v := l.value()
	l.pending = &v
	l.text = name
	return token{kind: tName, text: name, loc: v.loc}
}

// value reads the token that starts a value.
func (l *lexer) value() token {
	c := l.s[l.pos]
	start := l.pos
	var t token
	switch {
	case c == '"':
		t = token{kind: tString, text: l.str(), loc: start + 1}
	case c == '{':
		l.pos++
		l.stack = append(l.stack, frame{obj: true})
		t = token{kind: tStartObj, text: "{", loc: l.pos}
	case c == '[':
		l.pos++
		l.stack = append(l.stack, frame{})
		t = token{kind: tStartArr, text: "[", loc: l.pos}
	case c == '-' || (c >= '0' && c <= '9'):
		t = l.number()
	case c == 't' || c == 'f' || c == 'n':
		t = l.literal()
	default:
		l.fail(l.pos+1, "Unexpected character %s: expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", charDesc(l.peekRune()))
	}
	l.loc, l.text = t.loc, t.text
	return t
}

func (l *lexer) literal() token {
	end := l.pos
	for end < len(l.s) {
		c := l.s[end]
		if c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':' {
			break
		}
		end++
	}
	word := l.s[l.pos:end]
	var k tokKind
	switch word {
	case "true":
		k = tTrue
	case "false":
		k = tFalse
	case "null":
		k = tNull
	default:
		l.fail(end, "Unrecognized token '%s': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", word)
	}
	l.pos = end
	return token{kind: k, text: word, loc: end}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (l *lexer) number() token {
	s, i := l.s, l.pos
	start := i
	float := false
	if s[i] == '-' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			l.fail(i, "Unexpected character %s in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value", l.descAt(i))
		}
	}
	if s[i] == '0' && i+1 < len(s) && isDigit(s[i+1]) {
		l.fail(i+1, "Invalid numeric value: Leading zeroes not allowed")
	}
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		float = true
		i++
		if i >= len(s) || !isDigit(s[i]) {
			l.fail(i, "Unexpected character %s in numeric value: Decimal point not followed by a digit", l.descAt(i))
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		float = true
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			l.fail(i, "Unexpected character %s in numeric value: Exponent indicator not followed by a digit", l.descAt(i))
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	l.pos = i
	k := tInt
	if float {
		k = tFloat
	}
	return token{kind: k, text: s[start:i], loc: i}
}

func (l *lexer) descAt(i int) string {
	if i >= len(l.s) {
		return "(end-of-input)"
	}
	r, _ := utf8.DecodeRuneInString(l.s[i:])
	return charDesc(r)
}

// str reads a string starting at the quote under pos and returns its
// contents.
func (l *lexer) str() string {
	s := l.s
	i := l.pos + 1
	start := i
	for i < len(s) && s[i] != '"' && s[i] != '\\' && s[i] >= 0x20 {
		i++
	}
	if i < len(s) && s[i] == '"' {
		l.pos = i + 1
		return s[start:i]
	}
	var b strings.Builder
	b.WriteString(s[start:i])
	for {
		if i >= len(s) {
			l.fail(i, "Unexpected end-of-input: was expecting closing quote for a string value")
		}
		c := s[i]
		switch {
		case c == '"':
			l.pos = i + 1
			return b.String()
		case c < 0x20:
			l.fail(i+1, "Illegal unquoted character (%s): has to be escaped using backslash to be included in string value", strings.Trim(charDesc(rune(c)), "()"))
		case c != '\\':
			b.WriteByte(c)
			i++
			continue
		}
		i++
		if i >= len(s) {
			l.fail(i, "Unexpected end-of-input in character escape sequence")
		}
		e := s[i]
		i++
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, n := hex4(s, i)
			if n < 0 {
				l.fail(i+4, "Unexpected character (%s): expected a hex-digit for character escape sequence", l.descAt(i))
			}
			i = n
			if utf16.IsSurrogate(r) && i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
				if r2, n2 := hex4(s, i+2); n2 >= 0 {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r, i = d, n2
					}
				}
			}
			b.WriteRune(r)
		default:
			l.fail(i, "Unrecognized character escape %s", charDesc(rune(e)))
		}
	}
}

// hex4 decodes four hex digits at s[i:]; it returns -1 if they are not.
func hex4(s string, i int) (rune, int) {
	if i+4 > len(s) {
		return 0, -1
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, -1
		}
	}
	return r, i + 4
}

// location renders a byte offset of the pattern as Jackson's location
// suffix: line and column count characters (UTF-16 units), from 1.
func location(src string, off int) string {
	if off > len(src) {
		off = len(src)
	}
	line, col := 1, 1
	for i, r := range src[:off] {
		switch {
		case r == '\n':
			line, col = line+1, 1
		case r == '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				continue
			}
			line, col = line+1, 1
		case r >= 0x10000:
			col += 2
		default:
			col++
		}
	}
	const maxRaw = 500
	content := src
	if n := utf8.RuneCountInString(src); n > maxRaw {
		cut := 0
		for i := range src {
			if cut == maxRaw {
				content = fmt.Sprintf("%s\"[truncated %d chars]", src[:i], n-maxRaw)
				break
			}
			cut++
		}
		return fmt.Sprintf("\n at [Source: (String)\"%s; line: %d, column: %d]", content, line, col)
	}
	return fmt.Sprintf("\n at [Source: (String)\"%s\"; line: %d, column: %d]", content, line, col)
}
