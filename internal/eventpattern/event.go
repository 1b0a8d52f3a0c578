package eventpattern

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

type valueKind uint8

const (
	vString valueKind = iota + 1
	vNumber
	vTrue
	vFalse
	vNull
	vObject
	vArray
)

// value is the part of an event a pattern looks at. Numbers keep their
// literal text.
type value struct {
	kind valueKind
	s    string
	arr  []value
	obj  []member
}

type member struct {
	key string
	val value
}

// get returns the member named key of an object value, or nil.
func (v *value) get(key string) *value {
	if v == nil || v.kind != vObject {
		return nil
	}
	for i := range v.obj {
		if v.obj[i].key == key {
			return &v.obj[i].val
		}
	}
	return nil
}

// schema is the union of the paths a pattern names; the decoder keeps
// only those members of the event's objects.
type schema struct {
	children map[string]*schema
}

func buildSchema(s *schema, o *object) *schema {
	if s == nil {
		s = &schema{}
	}
	if s.children == nil {
		s.children = map[string]*schema{}
	}
	for _, f := range o.fields {
		c := s.children[f.key]
		if c == nil {
			c = &schema{}
			s.children[f.key] = c
		}
		if f.obj != nil {
			buildSchema(c, f.obj)
		}
	}
	for _, alts := range o.ors {
		for _, alt := range alts {
			buildSchema(s, alt)
		}
	}
	return s
}

// maxDepth bounds the nesting of events, so a hostile event cannot grow
// the stack without limit.
const maxDepth = 1000

// decoder reads an event, validating all of it and keeping what the
// schema names.
type decoder struct {
	b     []byte
	i     int
	depth int
}

func (d *decoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// document decodes a whole event; ok is false if it is not valid JSON.
func (d *decoder) document(s *schema) (value, bool) {
	d.ws()
	v, ok := d.value(s)
	if !ok {
		return value{}, false
	}
	d.ws()
	return v, d.i == len(d.b)
}

func (d *decoder) value(s *schema) (value, bool) {
	if d.i >= len(d.b) {
		return value{}, false
	}
	switch c := d.b[d.i]; {
	case c == '{':
		return d.object(s)
	case c == '[':
		return d.array(s)
	case c == '"':
		str, ok := d.str()
		return value{kind: vString, s: str}, ok
	case c == '-' || c >= '0' && c <= '9':
		start := d.i
		if !d.number() {
			return value{}, false
		}
		return value{kind: vNumber, s: string(d.b[start:d.i])}, true
	case c == 't':
		return value{kind: vTrue}, d.word("true")
	case c == 'f':
		return value{kind: vFalse}, d.word("false")
	case c == 'n':
		return value{kind: vNull}, d.word("null")
	}
	return value{}, false
}

func (d *decoder) word(w string) bool {
	if len(d.b)-d.i >= len(w) && string(d.b[d.i:d.i+len(w)]) == w {
		d.i += len(w)
		return true
	}
	return false
}

func (d *decoder) number() bool {
	b := d.b
	if b[d.i] == '-' {
		d.i++
	}
	if d.i >= len(b) || !isDigit(b[d.i]) {
		return false
	}
	if b[d.i] == '0' {
		d.i++
	} else {
		for d.i < len(b) && isDigit(b[d.i]) {
			d.i++
		}
	}
	if d.i < len(b) && b[d.i] == '.' {
		d.i++
		if d.i >= len(b) || !isDigit(b[d.i]) {
			return false
		}
		for d.i < len(b) && isDigit(b[d.i]) {
			d.i++
		}
	}
	if d.i < len(b) && (b[d.i] == 'e' || b[d.i] == 'E') {
		d.i++
		if d.i < len(b) && (b[d.i] == '+' || b[d.i] == '-') {
			d.i++
		}
		if d.i >= len(b) || !isDigit(b[d.i]) {
			return false
		}
		for d.i < len(b) && isDigit(b[d.i]) {
			d.i++
		}
	}
	return true
}

// rawStr skips a string at the quote under i and returns its raw
// contents and whether it has escapes.
func (d *decoder) rawStr() (raw []byte, escaped, ok bool) {
	b := d.b
	i := d.i + 1
	start := i
	for i < len(b) {
		c := b[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		switch {
		case c == '"':
			d.i = i + 1
			return b[start:i], escaped, true
		case c == '\\':
			escaped = true
			if i+1 >= len(b) {
				return nil, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, n := hex4(string(b[i+2:min(i+6, len(b))]), 0); n < 0 {
					return nil, false, false
				}
				i += 6
			default:
				return nil, false, false
			}
		case c < 0x20:
			return nil, false, false
		default:
			i++
		}
	}
	return nil, false, false
}

func (d *decoder) str() (string, bool) {
	raw, escaped, ok := d.rawStr()
	if !ok {
		return "", false
	}
	if !escaped {
		return string(raw), true
	}
	return unescape(raw), true
}

// unescape decodes a string's validated contents.
func unescape(raw []byte) string {
	var sb strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			sb.WriteByte(c)
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			sb.WriteByte('\b')
		case 'f':
			sb.WriteByte('\f')
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 't':
			sb.WriteByte('\t')
		case 'u':
			r, _ := hex4(string(raw[i+1:i+5]), 0)
			i += 4
			if utf16.IsSurrogate(r) && i+6 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
				if r2, n := hex4(string(raw[i+3:i+7]), 0); n >= 0 {
					if dr := utf16.DecodeRune(r, r2); dr != utf8.RuneError {
						r = dr
						i += 6
					}
				}
			}
			sb.WriteRune(r)
		default:
			sb.WriteByte(raw[i])
		}
	}
	return sb.String()
}

func (d *decoder) object(s *schema) (value, bool) {
	if d.depth++; d.depth > maxDepth {
		return value{}, false
	}
	v, ok := d.members(s)
	d.depth--
	return v, ok
}

func (d *decoder) members(s *schema) (value, bool) {
	d.i++
	v := value{kind: vObject}
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return v, true
	}
	for {
		d.ws()
		if d.i >= len(d.b) || d.b[d.i] != '"' {
			return value{}, false
		}
		raw, escaped, ok := d.rawStr()
		if !ok {
			return value{}, false
		}
		var child *schema
		var key string
		if s != nil && s.children != nil {
			if escaped {
				key = unescape(raw)
				child = s.children[key]
			} else if c, found := s.children[string(raw)]; found {
				child = c
				key = string(raw)
			}
		}
		d.ws()
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return value{}, false
		}
		d.i++
		d.ws()
		if child != nil {
			mv, ok := d.value(child)
			if !ok {
				return value{}, false
			}
			v.add(key, mv)
		} else if !d.skip() {
			return value{}, false
		}
		d.ws()
		if d.i >= len(d.b) {
			return value{}, false
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return v, true
		default:
			return value{}, false
		}
	}
}

// add adds a member; a repeated key holds all its values, as an array.
func (v *value) add(key string, mv value) {
	for i := range v.obj {
		if v.obj[i].key == key {
			old := &v.obj[i].val
			*old = value{kind: vArray, arr: []value{*old, mv}}
			return
		}
	}
	if v.obj == nil {
		v.obj = make([]member, 0, 4)
	}
	v.obj = append(v.obj, member{key: key, val: mv})
}

func (d *decoder) array(s *schema) (value, bool) {
	if d.depth++; d.depth > maxDepth {
		return value{}, false
	}
	v, ok := d.elements(s)
	d.depth--
	return v, ok
}

func (d *decoder) elements(s *schema) (value, bool) {
	d.i++
	v := value{kind: vArray}
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		return v, true
	}
	for {
		d.ws()
		e, ok := d.value(s)
		if !ok {
			return value{}, false
		}
		v.arr = append(v.arr, e)
		d.ws()
		if d.i >= len(d.b) {
			return value{}, false
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return v, true
		default:
			return value{}, false
		}
	}
}

// skip validates and passes over a value the pattern does not name.
func (d *decoder) skip() bool {
	if d.i < len(d.b) && (d.b[d.i] == '{' || d.b[d.i] == '[') {
		if d.depth++; d.depth > maxDepth {
			return false
		}
		ok := d.skipContainer()
		d.depth--
		return ok
	}
	return d.skipContainer()
}

func (d *decoder) skipContainer() bool {
	if d.i >= len(d.b) {
		return false
	}
	switch c := d.b[d.i]; {
	case c == '"':
		_, _, ok := d.rawStr()
		return ok
	case c == '{':
		d.i++
		d.ws()
		if d.i < len(d.b) && d.b[d.i] == '}' {
			d.i++
			return true
		}
		for {
			d.ws()
			if d.i >= len(d.b) || d.b[d.i] != '"' {
				return false
			}
			if _, _, ok := d.rawStr(); !ok {
				return false
			}
			d.ws()
			if d.i >= len(d.b) || d.b[d.i] != ':' {
				return false
			}
			d.i++
			d.ws()
			if !d.skip() {
				return false
			}
			d.ws()
			if d.i >= len(d.b) {
				return false
			}
			switch d.b[d.i] {
			case ',':
				d.i++
			case '}':
				d.i++
				return true
			default:
				return false
			}
		}
	case c == '[':
		d.i++
		d.ws()
		if d.i < len(d.b) && d.b[d.i] == ']' {
			d.i++
			return true
		}
		for {
			d.ws()
			if !d.skip() {
				return false
			}
			d.ws()
			if d.i >= len(d.b) {
				return false
			}
			switch d.b[d.i] {
			case ',':
				d.i++
			case ']':
				d.i++
				return true
			default:
				return false
			}
		}
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case c == 't':
		return d.word("true")
	case c == 'f':
		return d.word("false")
	case c == 'n':
		return d.word("null")
	}
	return false
}
