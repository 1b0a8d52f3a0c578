package sigv4_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/sigv4"
)

const (
	accessKey   = "AKIAIOSFODNN7EXAMPLE"
	secretKey   = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	sessionKey  = "ASIAIOSFODNN7EXAMPLE"
	sessionSec  = "sessionSecretKeyEXAMPLEEXAMPLEEXAMPLE000"
	sessionTok  = "FwoGZXIvYXdzEXAMPLETOKEN//////////wEaDEXAMPLE"
	region      = "us-east-1"
	lambdaHost  = "lambda.us-east-1.amazonaws.com"
	accountID   = "123456789012"
	invokeARN   = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af/invocations"
	invokeQual  = "/2015-03-31/functions/f%3Aprod/invocations"
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

var (
	signTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rootUser = &gofaas.Principal{Type: "Root", ARN: "arn:aws:iam::" + accountID + ":root", AccountID: accountID, AccessKeyID: accessKey}
	roleUser = &gofaas.Principal{Type: "AssumedRole", ARN: "arn:aws:sts::" + accountID + ":assumed-role/r/s", AccountID: accountID, AccessKeyID: sessionKey}
)

// store is a CredentialStore over a map.
type store map[string]*gofaas.Credentials

func (s store) LookupCredentials(_ context.Context, id string) (*gofaas.Credentials, error) {
	if c, ok := s[id]; ok {
		return c, nil
	}
	return nil, gofaas.Errorf(gofaas.ENOTFOUND, "access key %s not found", id)
}

func testStore() store {
	return store{
		accessKey:  {SecretAccessKey: secretKey, Principal: rootUser},
		sessionKey: {SecretAccessKey: sessionSec, SessionToken: sessionTok, Principal: roleUser},
	}
}

func newVerifier(now time.Time) *sigv4.Verifier {
	return &sigv4.Verifier{Credentials: testStore(), Now: func() time.Time { return now }}
}

// signed describes a request to sign with the SDK's signer.
type signed struct {
	method, url string
	body        string
	headers     map[string]string
	service     string
	creds       aws.Credentials
	at          time.Time
	presign     bool   // PresignHTTP instead of SignHTTP
	payloadHash string // default: sha256(body)
	s3          bool   // DisableURIPathEscaping
}

func root() aws.Credentials {
	return aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}
}
func session() aws.Credentials {
	return aws.Credentials{AccessKeyID: sessionKey, SecretAccessKey: sessionSec, SessionToken: sessionTok}
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// sign signs s with aws-sdk-go-v2's signer and returns the request as an
// http.Server would see it: written to the wire and read back.
func (s signed) sign(t testing.TB) (*http.Request, []byte) {
	t.Helper()
	req, err := http.NewRequest(s.method, s.url, strings.NewReader(s.body))
	if err != nil {
		t.Fatal(err)
	}
	if s.body == "" {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	for k, v := range s.headers {
		req.Header.Set(k, v)
	}
	if s.creds.AccessKeyID == "" {
		s.creds = root()
	}
	if s.at.IsZero() {
		s.at = signTime
	}
	if s.payloadHash == "" {
		s.payloadHash = sha(s.body)
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = s.s3 })
	if s.presign {
		u, _, err := signer.PresignHTTP(context.Background(), s.creds, req, s.payloadHash, s.service, region, s.at)
		if err != nil {
			t.Fatal(err)
		}
		if req, err = http.NewRequest(s.method, u, strings.NewReader(s.body)); err != nil {
			t.Fatal(err)
		}
		if s.body == "" {
			req.Body, req.ContentLength = http.NoBody, 0
		}
	} else if err := signer.SignHTTP(context.Background(), s.creds, req, s.payloadHash, s.service, region, s.at); err != nil {
		t.Fatal(err)
	}
	return wire(t, req)
}

// wire writes req as a client would and reads it back as a server would.
func wire(t testing.TB, req *http.Request) (*http.Request, []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := req.Write(&b); err != nil {
		t.Fatal(err)
	}
	r, err := http.ReadRequest(bufio.NewReader(&b))
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	if _, err := body.ReadFrom(r.Body); err != nil {
		t.Fatal(err)
	}
	return r, body.Bytes()
}

// Requests that verify.
var goodRequests = []struct {
	name string
	req  signed
	want *gofaas.Principal
}{
	{"lambda invoke by ARN", signed{method: "POST", url: "https://" + lambdaHost + invokeARN, body: `{"k":"v"}`,
		headers: map[string]string{"Content-Type": "application/json", "X-Amz-Invocation-Type": "RequestResponse"}, service: "lambda"}, rootUser},
	{"lambda invoke with :qualifier", signed{method: "POST", url: "https://" + lambdaHost + invokeQual, body: `{}`, service: "lambda"}, rootUser},
	{"lambda invoke with Qualifier query", signed{method: "POST", url: "https://" + lambdaHost + invokeARN + "?Qualifier=%24LATEST", body: `{}`, service: "lambda"}, rootUser},
	{"lambda list, empty body", signed{method: "GET", url: "https://" + lambdaHost + "/2015-03-31/functions/?MaxItems=10&Marker=abc%3D%3D", service: "lambda"}, rootUser},
	{"iam form POST", signed{method: "POST", url: "https://iam.amazonaws.com/", body: "Action=ListUsers&Version=2010-05-08",
		headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, service: "iam"}, rootUser},
	{"sts form POST", signed{method: "POST", url: "https://sts.amazonaws.com/", body: "Action=GetCallerIdentity&Version=2011-06-15",
		headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, service: "sts"}, rootUser},
	{"GET with spaces, reserved chars, repeated keys", signed{method: "GET",
		url:     "https://" + lambdaHost + "/2015-03-31/functions/?b=2&a=hello%20world&a=x%20y&c=%2F%3A%40%21%2A%27%28%29&empty&z=~-._&a=%C3%A9",
		headers: map[string]string{"X-Custom": "  two   spaces  here "}, service: "lambda"}, rootUser},
	{"repeated header values", signed{method: "GET", url: "https://" + lambdaHost + "/2015-03-31/functions/",
		headers: map[string]string{"X-Amz-Meta-Multi": "a"}, service: "lambda"}, rootUser},
	{"session credentials with token", signed{method: "POST", url: "https://" + lambdaHost + invokeQual, body: `{}`, service: "lambda", creds: session()}, roleUser},
	{"presigned sts GetCallerIdentity", signed{method: "GET", url: "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=900",
		service: "sts", presign: true}, rootUser},
	{"presigned with session token", signed{method: "GET", url: "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60",
		service: "sts", presign: true, creds: session()}, roleUser},
	{"presigned s3 unsigned payload, path not re-escaped", signed{method: "GET", url: "https://bucket.s3.amazonaws.com/a%20b/c%3Ad.txt?X-Amz-Expires=604800",
		service: "s3", presign: true, payloadHash: "UNSIGNED-PAYLOAD", s3: true}, rootUser},
	{"content sha256 header", signed{method: "POST", url: "https://" + lambdaHost + invokeQual, body: `{"a":1}`,
		headers: map[string]string{"X-Amz-Content-Sha256": sha(`{"a":1}`)}, service: "lambda"}, rootUser},
}

func TestVerifyGood(t *testing.T) {
	for _, tc := range goodRequests {
		t.Run(tc.name, func(t *testing.T) {
			r, body := tc.req.sign(t)
			if tc.name == "repeated header values" {
				// Re-sign with the header twice: the signer joins values with ",".
				req, _ := http.NewRequest("GET", "https://"+lambdaHost+"/2015-03-31/functions/", nil)
				req.Header.Add("X-Amz-Meta-Multi", "a")
				req.Header.Add("X-Amz-Meta-Multi", " b  c ")
				if err := v4.NewSigner().SignHTTP(context.Background(), root(), req, emptySHA256, "lambda", region, signTime); err != nil {
					t.Fatal(err)
				}
				r, body = wire(t, req)
			}
			v := newVerifier(signTime.Add(time.Minute))
			p, err := v.Verify(context.Background(), r, body)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got, want := p, tc.want; got != want {
				t.Fatalf("principal = %+v, want %+v", got, want)
			}
		})
	}
}

func TestVerifyResult(t *testing.T) {
	r, body := signed{method: "POST", url: "https://" + lambdaHost + invokeARN, body: `{}`, service: "lambda"}.sign(t)
	res, err := newVerifier(signTime).VerifyRequest(context.Background(), r, body)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Credential.Service, "lambda"; got != want {
		t.Errorf("service = %q, want %q", got, want)
	}
	if got, want := res.Credential.Region, region; got != want {
		t.Errorf("region = %q, want %q", got, want)
	}
	if !res.Time.Equal(signTime) {
		t.Errorf("time = %v, want %v", res.Time, signTime)
	}
	c, ok := sigv4.Scope(r)
	if !ok || c.AccessKeyID != accessKey || c.Service != "lambda" {
		t.Errorf("Scope = %+v, %v", c, ok)
	}
}

// Requests that do not verify, and why.
func TestVerifyBad(t *testing.T) {
	invoke := signed{method: "POST", url: "https://" + lambdaHost + invokeARN, body: `{"k":"v"}`,
		headers: map[string]string{"Content-Type": "application/json"}, service: "lambda"}
	presign := signed{method: "GET", url: "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60",
		service: "sts", presign: true}
	now := signTime.Add(time.Minute)

	tests := []struct {
		name    string
		req     signed
		now     time.Time
		tamper  func(r *http.Request, body []byte) []byte
		want    sigv4.Kind
		message string // a substring of Error.Message
	}{
		{name: "wrong secret", req: with(invoke, func(s *signed) { s.creds.AccessKeyID, s.creds.SecretAccessKey = accessKey, "wrong" }),
			want: sigv4.SignatureDoesNotMatch, message: "The request signature we calculated does not match"},
		{name: "unknown key", req: with(invoke, func(s *signed) { s.creds.AccessKeyID, s.creds.SecretAccessKey = "AKIANOTKNOWN", secretKey }),
			want: sigv4.InvalidClientTokenId, message: "The security token included in the request is invalid."},
		{name: "16 minutes old", req: invoke, now: signTime.Add(16 * time.Minute), want: sigv4.SignatureExpired,
			message: "Signature expired: 20260101T000000Z is now earlier than 20260101T000100Z (20260101T001600Z - 15 min.)"},
		{name: "16 minutes in the future", req: invoke, now: signTime.Add(-16 * time.Minute), want: sigv4.SignatureExpired,
			message: "Signature not yet current: 20260101T000000Z is still later than 20251231T235900Z (20251231T234400Z + 15 min.)"},
		{name: "tampered body", req: invoke, tamper: func(r *http.Request, body []byte) []byte { return []byte(`{"k":"w"}`) },
			want: sigv4.SignatureDoesNotMatch},
		{name: "tampered body under x-amz-content-sha256", req: with(invoke, func(s *signed) { s.headers = map[string]string{"X-Amz-Content-Sha256": sha(`{"k":"v"}`)} }),
			tamper: func(r *http.Request, body []byte) []byte { return []byte(`{"k":"w"}`) },
			want:   sigv4.SignatureDoesNotMatch, message: "x-amz-content-sha256"},
		{name: "tampered signed header", req: invoke, tamper: func(r *http.Request, body []byte) []byte {
			r.Header.Set("Content-Type", "text/plain")
			return body
		}, want: sigv4.SignatureDoesNotMatch, message: "The request signature we calculated does not match"},
		{name: "tampered host", req: invoke, tamper: func(r *http.Request, body []byte) []byte {
			r.Host = "evil.example.com"
			return body
		}, want: sigv4.SignatureDoesNotMatch},
		{name: "tampered path", req: invoke, tamper: func(r *http.Request, body []byte) []byte {
			r.RequestURI = strings.Replace(r.RequestURI, "function%3Af", "function%3Ag", 1)
			return body
		}, want: sigv4.SignatureDoesNotMatch},
		{name: "tampered query", req: with(invoke, func(s *signed) { s.url += "?Qualifier=prod" }), tamper: func(r *http.Request, body []byte) []byte {
			r.URL.RawQuery = "Qualifier=dev"
			return body
		}, want: sigv4.SignatureDoesNotMatch},
		{name: "unsigned host", req: invoke, tamper: func(r *http.Request, body []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "host;", "", 1))
			return body
		}, want: sigv4.IncompleteSignature, message: "'Host' or ':authority' must be a 'SignedHeader'"},
		{name: "unsigned x-amz-date", req: invoke, tamper: func(r *http.Request, body []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";x-amz-date", "", 1))
			return body
		}, want: sigv4.IncompleteSignature},
		{name: "missing session token", req: with(invoke, func(s *signed) { s.creds = session(); s.creds.SessionToken = "" }),
			want: sigv4.InvalidToken},
		{name: "wrong session token", req: with(invoke, func(s *signed) { s.creds = session(); s.creds.SessionToken = "forged" }),
			want: sigv4.InvalidToken},
		{name: "session token on a long-term key", req: with(invoke, func(s *signed) { s.creds.SessionToken = sessionTok }),
			want: sigv4.InvalidToken},
		{name: "expired presign", req: presign, now: signTime.Add(61 * time.Second), want: sigv4.RequestExpired},
		{name: "presign X-Amz-Expires too long", req: with(presign, func(s *signed) { s.url = strings.Replace(s.url, "=60", "=604801", 1) }),
			want: sigv4.IncompleteSignature, message: "604800"},
		{name: "presign tampered query", req: presign, tamper: func(r *http.Request, body []byte) []byte {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "GetCallerIdentity", "GetSessionToken", 1)
			return body
		}, want: sigv4.SignatureDoesNotMatch},
		{name: "presign wrong secret", req: with(presign, func(s *signed) { s.creds.AccessKeyID, s.creds.SecretAccessKey = accessKey, "wrong" }),
			want: sigv4.SignatureDoesNotMatch},
		{name: "no authentication at all", req: invoke, tamper: func(r *http.Request, body []byte) []byte {
			r.Header.Del("Authorization")
			return body
		}, want: sigv4.MissingAuthenticationToken},
		{name: "Authorization without Signature", req: invoke, tamper: func(r *http.Request, body []byte) []byte {
			h := r.Header.Get("Authorization")
			r.Header.Set("Authorization", h[:strings.Index(h, ", Signature=")])
			return body
		}, want: sigv4.IncompleteSignature, message: "Authorization header requires 'Signature' parameter. Authorization="},
		{name: "not SigV4", req: invoke, tamper: func(r *http.Request, body []byte) []byte {
			r.Header.Set("Authorization", "Bearer eyJ0eXAi")
			r.Header.Del("X-Amz-Date")
			return body
		}, want: sigv4.IncompleteSignature,
			message: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer eyJ0eXAi"},
		{name: "scope date differs from X-Amz-Date", req: invoke, tamper: func(r *http.Request, body []byte) []byte {
			r.Header.Set("X-Amz-Date", "20260102T000000Z")
			return body
		}, now: signTime.Add(24 * time.Hour), want: sigv4.SignatureDoesNotMatch,
			message: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260101' != '20260102', from 'X-Amz-Date'."},
		{name: "malformed X-Amz-Date", req: invoke, tamper: func(r *http.Request, body []byte) []byte {
			r.Header.Set("X-Amz-Date", "2026-01-01")
			return body
		}, want: sigv4.IncompleteSignature, message: "ISO-8601"},
		{name: "wrong service in scope", req: invoke, tamper: func(r *http.Request, body []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/lambda/", "/sts/", 1))
			return body
		}, want: sigv4.SignatureDoesNotMatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, body := tc.req.sign(t)
			if tc.tamper != nil {
				body = tc.tamper(r, body)
			}
			at := now
			if !tc.now.IsZero() {
				at = tc.now
			}
			p, err := newVerifier(at).Verify(context.Background(), r, body)
			var e *sigv4.Error
			if !errors.As(err, &e) {
				t.Fatalf("Verify = %v, %v; want a *sigv4.Error", p, err)
			}
			if p != nil {
				t.Errorf("principal = %v, want nil", p)
			}
			if got, want := e.Kind, tc.want; got != want {
				t.Fatalf("kind = %s, want %s (%s)", got, want, e.Message)
			}
			if !strings.Contains(e.Message, tc.message) {
				t.Errorf("message = %q, want it to contain %q", e.Message, tc.message)
			}
		})
	}
}

// with returns a copy of s changed by f.
func with(s signed, f func(*signed)) signed {
	s.creds = root()
	h := map[string]string{}
	for k, v := range s.headers {
		h[k] = v
	}
	s.headers = h
	f(&s)
	return s
}

// A signature mismatch carries the canonical request and string to sign the
// server computed; with the right secret they are what the SDK signed.
func TestMismatchShowsCanonicalRequest(t *testing.T) {
	r, body := signed{method: "POST", url: "https://" + lambdaHost + invokeARN + "?Qualifier=a%20b", body: `{}`,
		creds: aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: "wrong"}, service: "lambda"}.sign(t)
	_, err := newVerifier(signTime).Verify(context.Background(), r, body)
	var e *sigv4.Error
	if !errors.As(err, &e) {
		t.Fatal(err)
	}
	want := "POST\n" +
		"/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A123456789012%253Afunction%253Af/invocations\n" +
		"Qualifier=a%20b\n" +
		"content-length:2\n" +
		"host:" + lambdaHost + "\n" +
		"x-amz-date:20260101T000000Z\n" +
		"\n" +
		"content-length;host;x-amz-date\n" +
		sha(`{}`)
	if got := e.CanonicalRequest; got != want {
		t.Errorf("canonical request:\n%s\nwant:\n%s", got, want)
	}
	wantSTS := "AWS4-HMAC-SHA256\n20260101T000000Z\n20260101/us-east-1/lambda/aws4_request\n" + sha(want)
	if got := e.StringToSign; got != wantSTS {
		t.Errorf("string to sign:\n%s\nwant:\n%s", got, wantSTS)
	}
}

// A secret that changes under the same access key is never served a stale
// cached signing key.
func TestKeyCacheFollowsSecret(t *testing.T) {
	s := testStore()
	v := &sigv4.Verifier{Credentials: s, Now: func() time.Time { return signTime }, KeyCacheSize: 1}
	req := signed{method: "GET", url: "https://" + lambdaHost + "/2015-03-31/functions/", service: "lambda"}
	r, body := req.sign(t)
	if _, err := v.Verify(context.Background(), r, body); err != nil {
		t.Fatal(err)
	}
	s[accessKey] = &gofaas.Credentials{SecretAccessKey: "rotated", Principal: rootUser}
	if _, err := v.Verify(context.Background(), r, body); err == nil {
		t.Fatal("old signature verified against a rotated secret")
	}
	// Another scope evicts from the one-entry cache; both still verify.
	s[accessKey] = &gofaas.Credentials{SecretAccessKey: secretKey, Principal: rootUser}
	r2, body2 := signed{method: "POST", url: "https://sts.amazonaws.com/", body: "Action=GetCallerIdentity&Version=2011-06-15", service: "sts"}.sign(t)
	for i := 0; i < 3; i++ {
		if _, err := v.Verify(context.Background(), r, body); err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(context.Background(), r2, body2); err != nil {
			t.Fatal(err)
		}
	}
}

// A store failure other than not-found is passed on, not disguised.
func TestStoreFailure(t *testing.T) {
	boom := errors.New("disk on fire")
	v := &sigv4.Verifier{Credentials: failing{boom}, Now: func() time.Time { return signTime }}
	r, body := signed{method: "GET", url: "https://" + lambdaHost + "/2015-03-31/functions/", service: "lambda"}.sign(t)
	_, err := v.Verify(context.Background(), r, body)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	var e *sigv4.Error
	if errors.As(err, &e) {
		t.Fatalf("err = %v is a *sigv4.Error", err)
	}
}

type failing struct{ err error }

func (f failing) LookupCredentials(context.Context, string) (*gofaas.Credentials, error) {
	return nil, f.err
}

// Paths with dot segments or repeated slashes verify whether the client
// signed them as sent (Go SDK) or normalised (botocore).
func TestNormalisedPath(t *testing.T) {
	path := "/2015-03-31//functions/./f/invocations"
	req, _ := http.NewRequest("POST", "https://"+lambdaHost+"/2015-03-31/functions/f/invocations", strings.NewReader("{}"))
	if err := v4.NewSigner().SignHTTP(context.Background(), root(), req, sha("{}"), "lambda", region, signTime); err != nil {
		t.Fatal(err)
	}
	req.URL.Path, req.URL.RawPath = path, ""
	r, body := wire(t, req)
	if got, want := r.RequestURI, path; got != want {
		t.Fatalf("RequestURI = %q, want %q", got, want)
	}
	if _, err := newVerifier(signTime).Verify(context.Background(), r, body); err != nil {
		t.Fatal(err)
	}
	// And as sent.
	r, body = signed{method: "POST", url: "https://" + lambdaHost + path, body: "{}", service: "lambda"}.sign(t)
	if _, err := newVerifier(signTime).Verify(context.Background(), r, body); err != nil {
		t.Fatal(err)
	}
}

func TestParseAuthorization(t *testing.T) {
	tests := []struct {
		in                   string
		akid, scope, sh, sig string
		wantErr              string
	}{
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
			akid: "AKID", scope: "20260101/us-east-1/lambda/aws4_request", sh: "host;x-amz-date", sig: "abc"},
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request,SignedHeaders=host,Signature=abc",
			akid: "AKID", scope: "20260101/us-east-1/lambda/aws4_request", sh: "host", sig: "abc"},
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request,  SignedHeaders=host,   Signature=abc",
			akid: "AKID", scope: "20260101/us-east-1/lambda/aws4_request", sh: "host", sig: "abc"},
		{in: "AWS4-HMAC-SHA256 Credential= AKID/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=abc",
			wantErr: "'AKID/20260101/us-east-1/lambda/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential= AKID/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=abc'."},
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda, SignedHeaders=host, Signature=abc",
			wantErr: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20260101/us-east-1/lambda'"},
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request/x, SignedHeaders=host, Signature=abc",
			wantErr: "Credential must have exactly 5 slash-delimited elements"},
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws5_request, SignedHeaders=host, Signature=abc",
			wantErr: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'."},
		{in: "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request",
			wantErr: "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request"},
		{in: "AWS AKID:signature", wantErr: "Authorization header requires 'Credential' parameter."},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			a, err := sigv4.ParseAuthorization(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.(*sigv4.Error).Message, tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Credential.AccessKeyID != tc.akid || a.Credential.Scope != tc.scope || a.SignedHeaders != tc.sh || a.Signature != tc.sig {
				t.Fatalf("got %+v", a)
			}
		})
	}
}

func TestParsePresigned(t *testing.T) {
	q := url.Values{
		"X-Amz-Algorithm":      {"AWS4-HMAC-SHA256"},
		"X-Amz-Credential":     {"AKID/20260101/us-east-1/sts/aws4_request"},
		"X-Amz-Date":           {"20260101T000000Z"},
		"X-Amz-Expires":        {"300"},
		"X-Amz-SignedHeaders":  {"host"},
		"X-Amz-Signature":      {"abc"},
		"X-Amz-Security-Token": {"tok+/="},
	}
	p, err := sigv4.ParsePresigned(q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if p.Credential.Service != "sts" || p.Expires != 300 || p.SecurityToken != "tok+/=" || p.Signature != "abc" || p.Date != "20260101T000000Z" {
		t.Fatalf("got %+v", p)
	}
	q.Del("X-Amz-Signature")
	q.Del("X-Amz-Date")
	_, err = sigv4.ParsePresigned(q.Encode())
	if got, want := err.(*sigv4.Error).Message, "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters."; got != want {
		t.Fatalf("message = %q, want %q", got, want)
	}
}

// Verify is safe for concurrent use, also while the key cache evicts.
func TestVerifyConcurrent(t *testing.T) {
	v := &sigv4.Verifier{Credentials: testStore(), Now: func() time.Time { return signTime }, KeyCacheSize: 2}
	var reqs []*http.Request
	var bodies [][]byte
	for _, svc := range []string{"lambda", "sts", "iam", "logs"} {
		r, b := signed{method: "POST", url: "https://" + svc + ".amazonaws.com/", body: "x", service: svc}.sign(t)
		reqs, bodies = append(reqs, r), append(bodies, b)
	}
	done := make(chan error)
	for g := 0; g < 8; g++ {
		go func() {
			var err error
			for i := 0; i < 200 && err == nil; i++ {
				k := (g + i) % len(reqs)
				_, err = v.Verify(context.Background(), reqs[k], bodies[k])
			}
			done <- err
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
