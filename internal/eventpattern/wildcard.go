package eventpattern

import (
	"fmt"
	"strings"
)

// wildcard is a compiled wildcard value: the literal parts between its
// '*' characters.
type wildcard struct {
	parts []string // len(parts) == number of stars + 1
}

// parseWildcard parses a wildcard value: '*' matches any run of
// characters, "\*" a literal star and "\\" a backslash. Its errors are
// event-ruler's, whose positions count UTF-8 bytes of the value with its
// opening quote.
func parseWildcard(s string) (wildcard, string) {
	var w wildcard
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '*':
			if i+1 < len(s) && s[i+1] == '*' {
				return w, fmt.Sprintf("Consecutive wildcard characters at pos %d", i+1)
			}
			w.parts = append(w.parts, b.String())
			b.Reset()
		case '\\':
			if i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '\\') {
				b.WriteByte(s[i+1])
				i++
				continue
			}
			return w, fmt.Sprintf("Invalid escape character at pos %d", i+1)
		default:
			b.WriteByte(c)
		}
	}
	w.parts = append(w.parts, b.String())
	return w, ""
}

// match reports whether s matches: the first part is a prefix, the last
// a suffix and the others occur in order between them. Taking each
// middle part at its leftmost place is optimal, so this is linear.
func (w *wildcard) match(s string) bool {
	n := len(w.parts)
	if n == 1 {
		return s == w.parts[0]
	}
	first, last := w.parts[0], w.parts[n-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	mid := s[len(first) : len(s)-len(last)]
	for _, p := range w.parts[1 : n-1] {
		i := strings.Index(mid, p)
		if i < 0 {
			return false
		}
		mid = mid[i+len(p):]
	}
	return true
}
