package gateway

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofaas/gofaas"
)

func TestCredentialScope(t *testing.T) {
	tests := []struct {
		name   string
		auth   string
		query  string
		want   scope
		wantOK bool
	}{
		{"header", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-west-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
			"", scope{"AKID", "us-west-1", "lambda"}, true},
		{"no spaces", "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-3/iam/aws4_request,SignedHeaders=host,Signature=abc",
			"", scope{"AKID", "eu-west-3", "iam"}, true},
		{"presigned", "", "X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Flambda%2Faws4_request", scope{"AKID", "us-east-1", "lambda"}, true},
		{"short scope", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1, Signature=abc", "", scope{}, false},
		{"not aws4_request", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws5, Signature=abc", "", scope{}, false},
		{"other scheme", "Bearer xyz", "", scope{}, false},
		{"none", "", "", scope{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/x?"+tt.query, nil)
			if tt.auth != "" {
				r.Header.Set("Authorization", tt.auth)
			}
			got, ok := credentialScope(r)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("credentialScope = %+v, %v; want %+v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func FuzzCredentialScope(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-west-1/lambda/aws4_request, SignedHeaders=host, Signature=abc")
	f.Add("AWS4-HMAC-SHA256 Credential=////aws4_request")
	f.Add("AWS4-HMAC-SHA256 ,,,,Credential=")
	f.Fuzz(func(t *testing.T, auth string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header["Authorization"] = []string{auth}
		s, ok := credentialScope(r)
		if !ok && s != (scope{}) {
			t.Errorf("no scope but %+v", s)
		}
		if ok && (strings.Contains(s.region, "/") || strings.Contains(s.service, "/")) {
			t.Errorf("scope parts contain '/': %+v", s)
		}
	})
}

// TestDispatch: signed requests go to their service with RequestInfo set,
// unsigned ones to the fallback, and every answer carries a request id.
func TestDispatch(t *testing.T) {
	var got *gofaas.RequestInfo
	svc := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = gofaas.RequestInfoFrom(r.Context())
		io.WriteString(w, "lambda")
	})
	fallback := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "fallback") })
	s := &Server{Addr: "127.0.0.1:0", Region: "us-east-1", AccountID: "123456789012",
		Services: map[string]http.Handler{"lambda": svc}, Fallback: fallback}
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	req, _ := http.NewRequest("GET", s.URL()+"/2015-03-31/functions", nil)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/lambda/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "lambda" || got.Region != "eu-west-1" || got.AccountID != "123456789012" || got.AccessKey != "AKID" || got.RequestID == "" {
		t.Errorf("signed request: body %q info %+v", body, got)
	}
	if resp.Header.Get("X-Amzn-Requestid") != got.RequestID {
		t.Errorf("x-amzn-RequestId = %q, want %q", resp.Header.Get("X-Amzn-Requestid"), got.RequestID)
	}

	resp, err = http.Get(s.URL() + "/anything")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "fallback" {
		t.Errorf("unsigned request went to %q, want the fallback", body)
	}
}
