package sigv4_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofaas/gofaas/internal/sigv4"
)

func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{
		"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
		"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request,SignedHeaders=host,Signature=abc",
		"AWS4-HMAC-SHA256 Credential= AKID/20260101/us-east-1/lambda/aws4_request",
		"AWS4-HMAC-SHA256 ,,,=,",
		"AWS4-HMAC-SHA256 Credential=////",
		"Bearer x", "", " ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		a, err := sigv4.ParseAuthorization(h)
		if err != nil {
			if _, ok := err.(*sigv4.Error); !ok {
				t.Fatalf("error %T is not a *sigv4.Error", err)
			}
			return
		}
		c := a.Credential
		if got := c.AccessKeyID + "/" + c.Scope; got != c.Raw {
			t.Fatalf("credential %q does not round-trip: %q", c.Raw, got)
		}
		if !strings.HasSuffix(c.Scope, "/aws4_request") {
			t.Fatalf("scope %q lacks the terminator", c.Scope)
		}
	})
}

func FuzzPresignedQuery(f *testing.F) {
	f.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=abc")
	f.Add("X-Amz-Algorithm=x&X-Amz-Expires=-1")
	f.Add("X-Amz-Signature=%zz&&=&X-Amz-Expires=99999999999999999999")
	f.Add("")
	f.Fuzz(func(t *testing.T, q string) {
		p, err := sigv4.ParsePresigned(q)
		if err != nil {
			if _, ok := err.(*sigv4.Error); !ok {
				t.Fatalf("error %T is not a *sigv4.Error", err)
			}
			return
		}
		if p.Expires < 0 || p.Expires > 604800 {
			t.Fatalf("X-Amz-Expires %d accepted", p.Expires)
		}
	})
}

// FuzzVerify feeds arbitrary paths, queries, headers and bodies to Verify:
// it must never panic and must fail with an *Error (the store never fails).
func FuzzVerify(f *testing.F) {
	// A seed that verifies, so mutations start deep in the verifier.
	seed, body := signed{method: "POST", url: "https://" + lambdaHost + invokeARN + "?Qualifier=a%20b", body: `{"k":"v"}`, service: "lambda"}.sign(f)
	f.Add("POST", seed.RequestURI, seed.Host, seed.Header.Get("Authorization"), seed.Header.Get("X-Amz-Date"), "", string(body))
	f.Add("GET", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
		"sts.amazonaws.com", "", "", "", "")
	f.Add("GET", "//..//./%zz?a&&=b", "", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;;x-amz-date;content-length;transfer-encoding;X-Odd Header;, Signature=", "20260101T000000Z", "x", "")
	f.Add("PUT", "*", "h", "AWS4-HMAC-SHA256 Credential=A/20260101/r/s/aws4_request, SignedHeaders=host, Signature=x", "", "Thu, 01 Jan 2026 00:00:00 GMT", "b")
	v := &sigv4.Verifier{Credentials: testStore(), Now: func() time.Time { return signTime }}
	f.Fuzz(func(t *testing.T, method, uri, host, authz, amzDate, date, body string) {
		u, err := url.ParseRequestURI(uri)
		if err != nil {
			u = &url.URL{Path: uri}
		}
		r := &http.Request{Method: method, RequestURI: uri, URL: u, Host: host, Header: http.Header{},
			ContentLength: int64(len(body))}
		r.Header["Authorization"] = []string{authz}
		r.Header["X-Amz-Date"] = []string{amzDate}
		r.Header["Date"] = []string{date}
		r.Header["X-Odd Header"] = []string{" a  b ", "c"}
		r.Header["X-Amz-Content-Sha256"] = []string{body}
		_, err = v.Verify(context.Background(), r, []byte(body))
		if err != nil {
			if _, ok := err.(*sigv4.Error); !ok {
				t.Fatalf("error %T (%v) is not a *sigv4.Error", err, err)
			}
			for _, p := range []string{"json", "rest-json", "query"} {
				if status, typ, _ := err.(*sigv4.Error).For(p); status == 0 || typ == "" {
					t.Fatalf("For(%q) = %d %q", p, status, typ)
				}
			}
		}
	})
}
