package sigv4

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// rawPath returns the request path exactly as sent.
func rawPath(r *http.Request) string {
	if u := r.RequestURI; strings.HasPrefix(u, "/") {
		if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i]
		}
		return u
	}
	if r.URL == nil {
		return "/"
	}
	p := r.URL.EscapedPath()
	if p == "" {
		return "/"
	}
	return p
}

// unreserved reports whether c is an RFC 3986 unreserved character.
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

const upperhex = "0123456789ABCDEF"

// appendEscaped URI-encodes s, leaving '/' alone when keepSlash.
func appendEscaped(buf []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || (c == '/' && keepSlash) {
			buf = append(buf, c)
		} else {
			buf = append(buf, '%', upperhex[c>>4], upperhex[c&15])
		}
	}
	return buf
}

// appendCanonicalPath appends the canonical URI: the raw path encoded once
// more (every service but s3), or as sent (s3).
func appendCanonicalPath(buf []byte, path string, escape bool) []byte {
	if path == "" {
		path = "/"
	}
	if !escape {
		return append(buf, path...)
	}
	return appendEscaped(buf, path, true)
}

// normalizePath removes "." and ".." segments and empty segments, as
// botocore does before signing; it reports whether anything changed.
func normalizePath(p string) (string, bool) {
	if !strings.Contains(p, "//") && !strings.Contains(p, "/./") && !strings.Contains(p, "/../") &&
		!strings.HasSuffix(p, "/.") && !strings.HasSuffix(p, "/..") {
		return p, false
	}
	var out []string
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	n := "/" + strings.Join(out, "/")
	if strings.HasSuffix(p, "/") && len(out) > 0 {
		n += "/"
	}
	return n, n != p
}

// encParam is one encoded query parameter: scratch[start:mid] is the key,
// scratch[mid:end] the value.
type encParam struct{ start, mid, end int }

// appendCanonicalQuery appends the canonical query string: parameters
// encoded RFC 3986 style, sorted by key then value, X-Amz-Signature left out
// of presigned requests.
func appendCanonicalQuery(buf []byte, params []queryParam, presigned bool) []byte {
	if len(params) == 0 {
		return buf
	}
	// Encode every parameter after buf's current end, sort, then append in
	// order and drop the scratch.
	base := len(buf)
	var ebuf [16]encParam
	eps := ebuf[:0]
	for _, q := range params {
		if presigned && q.key == "X-Amz-Signature" {
			continue
		}
		start := len(buf)
		buf = appendEscaped(buf, q.key, false)
		mid := len(buf)
		buf = appendEscaped(buf, q.value, false)
		eps = append(eps, encParam{start, mid, len(buf)})
	}
	scratch := buf[base:]
	less := func(a, b encParam) int {
		if c := bytes.Compare(scratch[a.start-base:a.mid-base], scratch[b.start-base:b.mid-base]); c != 0 {
			return c
		}
		return bytes.Compare(scratch[a.mid-base:a.end-base], scratch[b.mid-base:b.end-base])
	}
	if len(eps) <= 16 {
		for i := 1; i < len(eps); i++ {
			for j := i; j > 0 && less(eps[j-1], eps[j]) > 0; j-- {
				eps[j-1], eps[j] = eps[j], eps[j-1]
			}
		}
	} else {
		slices.SortFunc(eps, less)
	}
	// Write the sorted result after the scratch, then move it down.
	out := len(buf)
	for i, e := range eps {
		if i > 0 {
			buf = append(buf, '&')
		}
		buf = append(buf, buf[e.start:e.mid]...)
		buf = append(buf, '=')
		buf = append(buf, buf[e.mid:e.end]...)
	}
	n := copy(buf[base:], buf[out:])
	return buf[:base+n]
}

// appendCanonicalHeaders appends "name:value\n" for each signed header.
func appendCanonicalHeaders(buf []byte, r *http.Request, signed string) []byte {
	for list := signed; list != ""; {
		var name string
		name, list, _ = strings.Cut(list, ";")
		if name == "" {
			continue
		}
		buf = append(buf, name...)
		buf = append(buf, ':')
		switch name {
		case "host":
			host := r.Host
			if host == "" && r.URL != nil {
				host = r.URL.Host
			}
			buf = appendTrimmed(buf, host)
		default:
			vals := lookupHeader(r.Header, name)
			switch {
			case vals != nil:
				for i, v := range vals {
					if i > 0 {
						buf = append(buf, ',')
					}
					buf = appendTrimmed(buf, v)
				}
			case name == "content-length" && r.ContentLength > 0:
				buf = strconv.AppendInt(buf, r.ContentLength, 10)
			case name == "transfer-encoding" && len(r.TransferEncoding) > 0:
				for i, v := range r.TransferEncoding {
					if i > 0 {
						buf = append(buf, ',')
					}
					buf = appendTrimmed(buf, v)
				}
			}
		}
		buf = append(buf, '\n')
	}
	return buf
}

// lookupHeader finds a header by its lower-case name without allocating.
func lookupHeader(h http.Header, name string) []string {
	var kbuf [96]byte
	if len(name) > len(kbuf) {
		return h.Values(name)
	}
	k := kbuf[:len(name)]
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		k[i] = c
		upper = c == '-'
	}
	if v, ok := h[string(k)]; ok {
		return v
	}
	// Keys with bytes outside the token set are stored as sent.
	if v, ok := h[name]; ok {
		return v
	}
	return nil
}

// appendTrimmed appends v with leading and trailing whitespace removed and
// inner runs of spaces collapsed to one.
func appendTrimmed(buf []byte, v string) []byte {
	v = strings.TrimSpace(v)
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		buf = append(buf, c)
	}
	return buf
}
