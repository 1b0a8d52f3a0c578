package sigv4

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gofaas/gofaas"
)

// DefaultMaxSkew is how far a request's time may be from the server's.
const DefaultMaxSkew = 15 * time.Minute

const (
	amzDateFormat   = "20060102T150405Z"
	unsignedPayload = "UNSIGNED-PAYLOAD"
)

// Verifier verifies SigV4 signatures against a CredentialStore. Set its
// fields before first use; it is safe for concurrent use afterwards.
type Verifier struct {
	Credentials gofaas.CredentialStore
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// MaxSkew is the allowed difference between a request's time and now;
	// DefaultMaxSkew (15 minutes) when 0.
	MaxSkew time.Duration
	// KeyCacheSize bounds the derived-key cache; DefaultKeyCacheSize when 0.
	KeyCacheSize int

	keys keyCache
}

// Result is what a verified signature establishes.
type Result struct {
	Principal *gofaas.Principal
	// Credential is the signature's credential: access key id and scope
	// (its Service can route a single-port endpoint).
	Credential Credential
	// Time is the request time (X-Amz-Date or Date).
	Time time.Time
	// Presigned is true for the query-string form.
	Presigned bool
}

// Verify checks the SigV4 signature of r, whose body has already been read
// into body (r.Body is not touched), and returns the principal who signed it.
// It returns an *Error for a request that does not verify, and the
// CredentialStore's error, wrapped, when the store fails for another reason
// than ENOTFOUND.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, body []byte) (*gofaas.Principal, error) {
	res, err := v.VerifyRequest(ctx, r, body)
	if err != nil {
		return nil, err
	}
	return res.Principal, nil
}

// Scope returns the credential a request claims, without verifying it, so
// that a caller can choose the service (and its error protocol) before
// verification. It reports false when r carries no parsable credential.
func Scope(r *http.Request) (Credential, bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		a, missing, err := parseAuthorization(h)
		return a.Credential, err == nil && missing&missCredential == 0
	}
	if raw := r.URL.RawQuery; isPresigned(raw) {
		params, _ := parseQuery(raw, nil)
		for _, q := range params {
			if q.key == "X-Amz-Credential" {
				c, err := parseCredential(q.value)
				return c, err == nil
			}
		}
	}
	return Credential{}, false
}

// request is the signature a request claims.
type request struct {
	cred          Credential
	signedHeaders string
	signature     string
	amzDate       string // ISO 8601 basic, as in the string to sign
	dateSource    string // "X-Amz-Date" or "Date"
	token         string
	presigned     bool
	expires       int64
}

// VerifyRequest is Verify returning everything the signature establishes.
func (v *Verifier) VerifyRequest(ctx context.Context, r *http.Request, body []byte) (Result, error) {
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	now = now.UTC()
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}

	var qbuf [16]queryParam
	params := qbuf[:0]
	if raw := r.URL.RawQuery; raw != "" {
		params, _ = parseQuery(raw, params)
	}

	var req request
	if h := headerValue(r.Header, "Authorization"); h != "" {
		a, missing, err := parseAuthorization(h)
		if err != nil {
			return Result{}, err
		}
		req.amzDate, req.dateSource = headerValue(r.Header, "X-Amz-Date"), "X-Amz-Date"
		if req.amzDate == "" {
			if d := headerValue(r.Header, "Date"); d != "" {
				req.dateSource = "Date"
				if t, err := http.ParseTime(d); err == nil {
					req.amzDate = t.UTC().Format(amzDateFormat)
				} else {
					req.amzDate = d // rejected below as not ISO 8601
				}
			}
		}
		if missing != 0 || req.amzDate == "" {
			return Result{}, missingAuthParams(missing, req.amzDate == "", h)
		}
		req.cred, req.signedHeaders, req.signature = a.Credential, a.SignedHeaders, a.Signature
		req.token = headerValue(r.Header, "X-Amz-Security-Token")
	} else if isPresigned(r.URL.RawQuery) {
		p, err := parsePresigned(params)
		if err != nil {
			return Result{}, err
		}
		req.cred, req.signedHeaders, req.signature = p.Credential, p.SignedHeaders, p.Signature
		req.amzDate, req.dateSource = p.Date, "X-Amz-Date"
		req.token, req.presigned, req.expires = p.SecurityToken, true, p.Expires
	} else {
		return Result{}, &Error{Kind: MissingAuthenticationToken, Message: "Missing Authentication Token"}
	}

	t, err := time.Parse(amzDateFormat, req.amzDate)
	if err != nil {
		return Result{}, errorf(IncompleteSignature,
			"Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", req.amzDate)
	}
	if req.amzDate[:8] != req.cred.Date {
		return Result{}, errorf(SignatureDoesNotMatch,
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			req.cred.Date, req.amzDate[:8], req.dateSource)
	}
	if err := checkTime(&req, t, now, skew); err != nil {
		return Result{}, err
	}
	if !signs(req.signedHeaders, "host") && !signs(req.signedHeaders, ":authority") {
		return Result{}, errorf(IncompleteSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	if !req.presigned && req.dateSource == "X-Amz-Date" && !signs(req.signedHeaders, "x-amz-date") {
		return Result{}, errorf(IncompleteSignature, "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.")
	}
	if !req.presigned && req.dateSource == "Date" && !signs(req.signedHeaders, "date") {
		return Result{}, errorf(IncompleteSignature, "'Date' must be a 'SignedHeader' in the AWS Authorization.")
	}

	creds, err := v.Credentials.LookupCredentials(ctx, req.cred.AccessKeyID)
	if err != nil {
		if gofaas.ErrorCode(err) == gofaas.ENOTFOUND {
			return Result{}, &Error{Kind: InvalidClientTokenId, Message: msgInvalidToken}
		}
		return Result{}, fmt.Errorf("sigv4: look up credentials: %w", err)
	}
	if creds.SessionToken != "" {
		if req.token == "" || !ctEqual(req.token, creds.SessionToken) ||
			(!req.presigned && !signs(req.signedHeaders, "x-amz-security-token")) {
			return Result{}, &Error{Kind: InvalidToken, Message: msgInvalidToken}
		}
	} else if req.token != "" {
		return Result{}, &Error{Kind: InvalidToken, Message: msgInvalidToken}
	}

	// The payload hash.
	var payloadHex [64]byte
	payload := payloadHex[:]
	contentSHA := headerValue(r.Header, "X-Amz-Content-Sha256")
	isS3 := req.cred.Service == "s3"
	switch {
	case isS3 && (contentSHA == unsignedPayload || (req.presigned && contentSHA == "")):
		payload = unsignedPayloadBytes
	default:
		sum := sha256.Sum256(body)
		hex.Encode(payloadHex[:], sum[:])
		// A hex X-Amz-Content-Sha256 must be the body's hash; other values
		// (UNSIGNED-PAYLOAD and STREAMING-* outside s3) are ignored, so the
		// signature is checked against the body's hash and fails.
		if isHexHash(contentSHA) {
			if !strings.EqualFold(contentSHA, string(payloadHex[:])) {
				return Result{}, errorf(SignatureDoesNotMatch,
					"The provided 'x-amz-content-sha256' header does not match what was computed.")
			}
			copy(payloadHex[:], contentSHA)
		}
	}

	key := v.keys.get(&req.cred, creds.SecretAccessKey, v.cacheSize())
	path := rawPath(r)
	bufp := bufPool.Get().(*[]byte)
	defer func() {
		if cap(*bufp) <= maxPooledBuf {
			bufPool.Put(bufp)
		}
	}()
	ok, canonical, sts := v.check(bufp, r, &req, params, path, payload, &key)
	if !ok && !isS3 {
		if norm, changed := normalizePath(path); changed {
			var ok2 bool
			var c2, s2 string
			ok2, c2, s2 = v.check(bufp, r, &req, params, norm, payload, &key)
			if ok2 {
				ok = true
			} else {
				canonical, sts = c2, s2
			}
		}
	}
	if !ok {
		return Result{}, &Error{Kind: SignatureDoesNotMatch, Message: msgMismatch,
			CanonicalRequest: canonical, StringToSign: sts}
	}
	return Result{Principal: creds.Principal, Credential: req.cred, Time: t, Presigned: req.presigned}, nil
}

func (v *Verifier) cacheSize() int {
	if v.KeyCacheSize > 0 {
		return v.KeyCacheSize
	}
	return DefaultKeyCacheSize
}

var unsignedPayloadBytes = []byte(unsignedPayload)

// maxPooledBuf keeps one huge request's buffer from being held forever.
const maxPooledBuf = 64 << 10

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// check builds the canonical request and string to sign for path and
// compares the signature. On a mismatch it returns the canonical request and
// string to sign, for the error message.
func (v *Verifier) check(bufp *[]byte, r *http.Request, req *request, params []queryParam, path string,
	payload []byte, key *[32]byte) (ok bool, canonical, sts string) {
	buf := (*bufp)[:0]
	buf = append(buf, r.Method...)
	buf = append(buf, '\n')
	buf = appendCanonicalPath(buf, path, req.cred.Service != "s3")
	buf = append(buf, '\n')
	buf = appendCanonicalQuery(buf, params, req.presigned)
	buf = append(buf, '\n')
	buf = appendCanonicalHeaders(buf, r, req.signedHeaders)
	buf = append(buf, '\n')
	buf = append(buf, req.signedHeaders...)
	buf = append(buf, '\n')
	buf = append(buf, payload...)
	canonEnd := len(buf)
	crHash := sha256.Sum256(buf)

	buf = append(buf, Algorithm...)
	buf = append(buf, '\n')
	buf = append(buf, req.amzDate...)
	buf = append(buf, '\n')
	buf = append(buf, req.cred.Scope...)
	buf = append(buf, '\n')
	buf = hex.AppendEncode(buf, crHash[:])
	stsEnd := len(buf)

	mac, _ := hmacSHA256(key, buf[canonEnd:stsEnd], buf[stsEnd:])
	var sig [64]byte
	hex.Encode(sig[:], mac[:])
	ok = len(req.signature) == len(sig) && ctEqualBytes(sig[:], req.signature)
	if !ok {
		canonical, sts = string(buf[:canonEnd]), string(buf[canonEnd:stsEnd])
	}
	*bufp = buf[:0]
	return ok, canonical, sts
}

// checkTime applies the clock-skew and presigned-expiry rules.
func checkTime(req *request, t, now time.Time, skew time.Duration) *Error {
	mins := int(skew / time.Minute)
	if t.After(now.Add(skew)) {
		return errorf(SignatureExpired, "Signature not yet current: %s is still later than %s (%s + %d min.)",
			req.amzDate, now.Add(skew).Format(amzDateFormat), now.Format(amzDateFormat), mins)
	}
	if !req.presigned {
		if t.Before(now.Add(-skew)) {
			return errorf(SignatureExpired, "Signature expired: %s is now earlier than %s (%s - %d min.)",
				req.amzDate, now.Add(-skew).Format(amzDateFormat), now.Format(amzDateFormat), mins)
		}
		return nil
	}
	expires := time.Duration(req.expires) * time.Second
	if req.expires == 0 {
		expires = skew
	}
	if now.After(t.Add(expires)) {
		return errorf(RequestExpired, "Request has expired.")
	}
	return nil
}

// headerValue is h.Get(key) for a key already in canonical form, which does
// not allocate.
func headerValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// signs reports whether the ";"-separated list names name.
func signs(list, name string) bool {
	for list != "" {
		var n string
		n, list, _ = strings.Cut(list, ";")
		if n == name {
			return true
		}
	}
	return false
}

func isHexHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// ctEqual compares two strings in time independent of their contents.
func ctEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var x byte
	for i := 0; i < len(a); i++ {
		x |= a[i] ^ b[i]
	}
	return subtle.ConstantTimeByteEq(x, 0) == 1
}

func ctEqualBytes(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var x byte
	for i := 0; i < len(a); i++ {
		x |= a[i] ^ b[i]
	}
	return subtle.ConstantTimeByteEq(x, 0) == 1
}
