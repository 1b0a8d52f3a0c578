package sigv4

import (
	"net/url"
	"strconv"
	"strings"
)

// Algorithm is the only signing algorithm verified.
const Algorithm = "AWS4-HMAC-SHA256"

const terminator = "aws4_request"

// Credential is the parsed Credential of a signature:
// "AKID/20260101/us-east-1/lambda/aws4_request".
type Credential struct {
	AccessKeyID string
	Date        string // yyyymmdd
	Region      string
	Service     string
	// Scope is "DATE/REGION/SERVICE/aws4_request", as it appears in the
	// string to sign.
	Scope string
	// Raw is the whole credential, access key id and scope.
	Raw string
}

// Authorization is a parsed SigV4 Authorization header.
type Authorization struct {
	Credential Credential
	// SignedHeaders is the raw list, lower-case names joined with ";".
	SignedHeaders string
	Signature     string
}

// Presigned holds the SigV4 parameters of a presigned query string.
type Presigned struct {
	Credential    Credential
	Date          string // X-Amz-Date, 20060102T150405Z
	Expires       int64  // X-Amz-Expires in seconds, 0 when absent
	SignedHeaders string
	Signature     string
	SecurityToken string
}

// Missing-parameter bits of an Authorization header.
const (
	missCredential uint8 = 1 << iota
	missSignature
	missSignedHeaders
)

// ParseAuthorization parses an Authorization header of the SigV4 header
// form. It returns an *Error of kind IncompleteSignature when the header is
// malformed or lacks a parameter, with AWS's message.
func ParseAuthorization(h string) (Authorization, error) {
	a, missing, err := parseAuthorization(h)
	if err != nil {
		return a, err
	}
	if missing != 0 {
		return a, missingAuthParams(missing, false, h)
	}
	return a, nil
}

// parseAuthorization splits h into its parameters. AWS splits on commas and
// spaces alike, so "Credential= AKID/..." has an empty Credential and a
// stray "AKID/..." component, which is an error.
func parseAuthorization(h string) (a Authorization, missing uint8, err *Error) {
	missing = missCredential | missSignature | missSignedHeaders
	alg, rest, _ := strings.Cut(h, " ")
	if alg != Algorithm {
		return a, missing, nil
	}
	for rest != "" {
		i := strings.IndexAny(rest, ", ")
		var part string
		if i < 0 {
			part, rest = rest, ""
		} else {
			part, rest = rest[:i], rest[i+1:]
		}
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return a, missing, errorf(IncompleteSignature,
				"'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", part, h)
		}
		switch k {
		case "Credential":
			missing &^= missCredential
			a.Credential.Raw = v
		case "SignedHeaders":
			missing &^= missSignedHeaders
			a.SignedHeaders = v
		case "Signature":
			missing &^= missSignature
			a.Signature = v
		}
	}
	if missing&missCredential == 0 {
		c, err := parseCredential(a.Credential.Raw)
		if err != nil {
			return a, missing, err
		}
		a.Credential = c
	}
	return a, missing, nil
}

// missingAuthParams is AWS's message for an incomplete Authorization header.
func missingAuthParams(missing uint8, missingDate bool, h string) *Error {
	var b strings.Builder
	if missing&missCredential != 0 {
		b.WriteString("Authorization header requires 'Credential' parameter. ")
	}
	if missing&missSignature != 0 {
		b.WriteString("Authorization header requires 'Signature' parameter. ")
	}
	if missing&missSignedHeaders != 0 {
		b.WriteString("Authorization header requires 'SignedHeaders' parameter. ")
	}
	if missingDate {
		b.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
	}
	b.WriteString("Authorization=")
	b.WriteString(h)
	return &Error{Kind: IncompleteSignature, Message: b.String()}
}

// parseCredential parses "AKID/DATE/REGION/SERVICE/aws4_request".
func parseCredential(s string) (Credential, *Error) {
	c := Credential{Raw: s}
	var parts [5]string
	rest := s
	n := 0
	for n < 5 {
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			parts[n] = rest
			n++
			rest = ""
			break
		}
		if n == 4 {
			n = 6 // too many
			break
		}
		parts[n], rest = rest[:i], rest[i+1:]
		n++
	}
	if n != 5 || rest != "" {
		return c, errorf(IncompleteSignature,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", s)
	}
	if parts[4] != terminator {
		return c, errorf(SignatureDoesNotMatch,
			"Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.", parts[4])
	}
	c.AccessKeyID, c.Date, c.Region, c.Service = parts[0], parts[1], parts[2], parts[3]
	c.Scope = s[len(parts[0])+1:]
	return c, nil
}

// queryParam is one decoded query parameter.
type queryParam struct {
	key, value string
}

// parseQuery decodes raw into dst; '+' is a space, as url.ParseQuery has it.
// It reports false when a component is not valid percent-encoding.
func parseQuery(raw string, dst []queryParam) ([]queryParam, bool) {
	ok := true
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			ok = false
			dk, dv = k, v
		}
		dst = append(dst, queryParam{dk, dv})
	}
	return dst, ok
}

// isPresigned reports whether the raw query carries SigV4 query parameters.
func isPresigned(raw string) bool {
	return strings.Contains(raw, "X-Amz-Algorithm=") ||
		strings.Contains(raw, "X-Amz-Credential=") ||
		strings.Contains(raw, "X-Amz-Signature=")
}

// ParsePresigned parses the SigV4 parameters of a presigned request's raw
// query string. It returns an *Error of kind IncompleteSignature when one is
// missing or malformed.
func ParsePresigned(rawQuery string) (Presigned, error) {
	params, _ := parseQuery(rawQuery, nil)
	p, err := parsePresigned(params)
	if err != nil {
		return p, err
	}
	return p, nil
}

func parsePresigned(params []queryParam) (Presigned, *Error) {
	var p Presigned
	var alg, cred, expires string
	var haveAlg, haveCred, haveSig, haveSH, haveDate, haveExp bool
	for _, q := range params {
		switch q.key {
		case "X-Amz-Algorithm":
			alg, haveAlg = q.value, true
		case "X-Amz-Credential":
			cred, haveCred = q.value, true
		case "X-Amz-Signature":
			p.Signature, haveSig = q.value, true
		case "X-Amz-SignedHeaders":
			p.SignedHeaders, haveSH = q.value, true
		case "X-Amz-Date":
			p.Date, haveDate = q.value, true
		case "X-Amz-Expires":
			expires, haveExp = q.value, true
		case "X-Amz-Security-Token":
			p.SecurityToken = q.value
		}
	}
	if !haveAlg || !haveCred || !haveSig || !haveSH || !haveDate {
		var b strings.Builder
		for _, m := range []struct {
			have bool
			name string
		}{{haveAlg, "X-Amz-Algorithm"}, {haveCred, "X-Amz-Credential"}, {haveSig, "X-Amz-Signature"},
			{haveSH, "X-Amz-SignedHeaders"}, {haveDate, "X-Amz-Date"}} {
			if !m.have {
				b.WriteString("AWS query-string parameters must include '" + m.name + "'. ")
			}
		}
		b.WriteString("Re-examine the query-string parameters.")
		return p, &Error{Kind: IncompleteSignature, Message: b.String()}
	}
	if alg != Algorithm {
		return p, errorf(IncompleteSignature, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
	}
	if haveExp {
		n, err := strconv.ParseInt(expires, 10, 64)
		switch {
		case err != nil:
			return p, errorf(IncompleteSignature, "X-Amz-Expires should be a number")
		case n < 0:
			return p, errorf(IncompleteSignature, "X-Amz-Expires must be non-negative")
		case n == 0:
			return p, errorf(IncompleteSignature, "X-Amz-Expires must be at least 1 second")
		case n > maxExpires:
			return p, errorf(IncompleteSignature, "X-Amz-Expires must be less than a week (in seconds) that is 604800")
		}
		p.Expires = n
	}
	c, err := parseCredential(cred)
	if err != nil {
		return p, err
	}
	p.Credential = c
	return p, nil
}

const maxExpires = 604800
