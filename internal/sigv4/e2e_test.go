package sigv4_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"
	"github.com/gofaas/gofaas/internal/sigv4"
)

// verifyingServer answers 200 {} to requests that verify, and AWS's
// rest-json error otherwise.
func verifyingServer(t *testing.T, v *sigv4.Verifier, seen chan<- string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 6<<20))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		if seen != nil {
			seen <- r.RequestURI
		}
		if _, err := v.Verify(r.Context(), r, body); err != nil {
			var e *sigv4.Error
			if !errors.As(err, &e) {
				http.Error(w, err.Error(), 500)
				return
			}
			status, typ, msg := e.For("rest-json")
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Amzn-Errortype", typ)
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(map[string]string{"message": msg})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("{}"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func lambdaClient(url, id, secret, token string) *lambda.Client {
	return lambda.New(lambda.Options{
		Region:           region,
		BaseEndpoint:     aws.String(url),
		Credentials:      credentials.NewStaticCredentialsProvider(id, secret, token),
		RetryMaxAttempts: 1,
	})
}

// The real Lambda client's requests verify: names, qualifiers, full ARNs.
func TestLambdaClientEndToEnd(t *testing.T) {
	seen := make(chan string, 16)
	srv := verifyingServer(t, &sigv4.Verifier{Credentials: testStore()}, seen)
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		client *lambda.Client
	}{
		{"root key", lambdaClient(srv.URL, accessKey, secretKey, "")},
		{"session", lambdaClient(srv.URL, sessionKey, sessionSec, sessionTok)},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, in := range []*lambda.InvokeInput{
				{FunctionName: aws.String("f"), Payload: []byte(`{"hello":"world"}`)},
				{FunctionName: aws.String("f:prod"), Payload: []byte(`{}`)},
				{FunctionName: aws.String("arn:aws:lambda:us-east-1:123456789012:function:f"), Payload: []byte(`[1,2]`)},
				{FunctionName: aws.String("arn:aws:lambda:us-east-1:123456789012:function:f:prod")},
				{FunctionName: aws.String("f"), Qualifier: aws.String("$LATEST"), Payload: []byte(`"x y"`)},
			} {
				if _, err := c.client.Invoke(ctx, in); err != nil {
					t.Fatalf("Invoke %s: %v", *in.FunctionName, err)
				}
				t.Logf("%s -> %s", *in.FunctionName, <-seen)
			}
			if _, err := c.client.ListFunctions(ctx, &lambda.ListFunctionsInput{MaxItems: aws.Int32(5), Marker: aws.String("a b/c+d=")}); err != nil {
				t.Fatalf("ListFunctions: %v", err)
			}
			<-seen
			if _, err := c.client.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:123456789012:function:f:1")}); err != nil {
				t.Fatalf("GetFunction: %v", err)
			}
			<-seen
		})
	}

	// The Lambda client sees AWS's exceptions.
	for _, tc := range []struct {
		name, id, secret, token string
		code, message           string
	}{
		{"wrong secret", accessKey, "wrong", "", "InvalidSignatureException", "The request signature we calculated does not match"},
		{"unknown key", "AKIANOTKNOWN", secretKey, "", "UnrecognizedClientException", "The security token included in the request is invalid."},
		{"missing session token", sessionKey, sessionSec, "", "UnrecognizedClientException", "The security token included in the request is invalid."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := lambdaClient(srv.URL, tc.id, tc.secret, tc.token).Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f")})
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an APIError", err)
			}
			<-seen
			if ae.ErrorCode() != tc.code || !strings.Contains(ae.ErrorMessage(), tc.message) {
				t.Fatalf("got %s: %s; want %s: %s", ae.ErrorCode(), ae.ErrorMessage(), tc.code, tc.message)
			}
		})
	}

	t.Run("clock 16 minutes off", func(t *testing.T) {
		skewed := verifyingServer(t, &sigv4.Verifier{Credentials: testStore(), Now: func() time.Time { return time.Now().Add(16 * time.Minute) }}, nil)
		_, err := lambdaClient(skewed.URL, accessKey, secretKey, "").Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f")})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidSignatureException" || !strings.HasPrefix(ae.ErrorMessage(), "Signature expired: ") {
			t.Fatalf("err = %v", err)
		}
	})
}

// botocore (the aws CLI's signer) signs differently from the Go SDK in
// places (path normalisation, query handling); its requests verify too.
func TestBotocoreSignatures(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	if err := exec.Command(python, "-c", "import botocore.auth").Run(); err != nil {
		t.Skip("botocore not importable")
	}
	srv := verifyingServer(t, &sigv4.Verifier{Credentials: testStore()}, nil)
	const script = `
import sys, json
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
method, url, body, service, presign, ak, sk, tok = sys.argv[1:9]
creds = Credentials(ak, sk, tok or None)
req = AWSRequest(method=method, url=url, data=body.encode() if body else None,
                 headers={"Content-Type": "application/x-amz-json-1.1"} if body else {})
if presign == "1":
    SigV4QueryAuth(creds, service, "us-east-1", expires=300).add_auth(req)
else:
    SigV4Auth(creds, service, "us-east-1").add_auth(req)
p = req.prepare()
print(json.dumps({"url": p.url, "headers": dict(p.headers)}))
`
	tests := []struct {
		name, method, path, body, service string
		presign                           bool
		session                           bool
	}{
		{name: "lambda invoke by ARN", method: "POST", path: invokeARN, body: `{"a":1}`, service: "lambda"},
		{name: "lambda invoke with qualifier", method: "POST", path: invokeQual + "?Qualifier=prod", body: `{}`, service: "lambda"},
		{name: "query with spaces and repeats", method: "GET", path: "/2015-03-31/functions/?b=2&a=x%20y&a=%2F%3A&empty=", service: "lambda"},
		{name: "path with dot segments", method: "GET", path: "/2015-03-31//functions/./f/../g", service: "lambda"},
		{name: "sts with session", method: "POST", path: "/", body: "Action=GetCallerIdentity&Version=2011-06-15", service: "sts", session: true},
		{name: "presigned sts", method: "GET", path: "/?Action=GetCallerIdentity&Version=2011-06-15", service: "sts", presign: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ak, sk, tok := accessKey, secretKey, ""
			if tc.session {
				ak, sk, tok = sessionKey, sessionSec, sessionTok
			}
			presign := "0"
			if tc.presign {
				presign = "1"
			}
			out, err := exec.Command(python, "-c", script, tc.method, srv.URL+tc.path, tc.body, tc.service, presign, ak, sk, tok).Output()
			if err != nil {
				t.Fatalf("botocore: %v", err)
			}
			var signed struct {
				URL     string
				Headers map[string]string
			}
			if err := json.Unmarshal(out, &signed); err != nil {
				t.Fatal(err)
			}
			req, err := http.NewRequest(tc.method, signed.URL, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.body == "" {
				req.Body, req.ContentLength = http.NoBody, 0
			}
			// Send the path exactly as botocore has it.
			req.URL.Opaque = strings.SplitN(strings.TrimPrefix(signed.URL, srv.URL), "?", 2)[0]
			for k, v := range signed.Headers {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s\nbotocore: %s", resp.StatusCode, b, out)
			}
		})
	}
}
