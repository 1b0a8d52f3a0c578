package authz

import (
	"context"
	"strings"
	"testing"

	"github.com/gofaas/gofaas"
)

// policies is a hand-written policy source.
type policies map[string]*gofaas.PrincipalPolicies

func (p policies) PoliciesFor(_ context.Context, pr *gofaas.Principal) (*gofaas.PrincipalPolicies, error) {
	if pp, ok := p[pr.ARN]; ok {
		return pp, nil
	}
	return &gofaas.PrincipalPolicies{}, nil
}

const (
	bob     = "arn:aws:iam::123456789012:user/bob"
	fnARN   = "arn:aws:lambda:us-east-1:123456789012:function:f"
	allowFn = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","lambda:*"],"Resource":"*"}]}`
)

func user(arn string) *gofaas.Principal {
	return &gofaas.Principal{Type: "IAMUser", ARN: arn, AccountID: "123456789012", Name: arn[strings.LastIndex(arn, "/")+1:]}
}

func TestAuthorize(t *testing.T) {
	src := policies{bob: {Identity: []gofaas.PolicyDocument{{Name: "lambda-all", Document: allowFn}}}}
	a := &Authorizer{Policies: src}
	ctx := context.Background()
	tests := []struct {
		name    string
		req     *gofaas.AuthRequest
		allowed bool
		msg     string
	}{
		{"root", &gofaas.AuthRequest{Principal: &gofaas.Principal{Type: "Root", ARN: "arn:aws:iam::123456789012:root"}, Action: "iam:CreateUser", Resource: "*"}, true, ""},
		{"user allowed", &gofaas.AuthRequest{Principal: user(bob), Action: "lambda:CreateFunction", Resource: fnARN}, true, ""},
		{"user denied", &gofaas.AuthRequest{Principal: user(bob), Action: "iam:CreateUser", Resource: "arn:aws:iam::123456789012:user/eve"}, false,
			"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/eve because no identity-based policy allows the iam:CreateUser action"},
		{"no policies", &gofaas.AuthRequest{Principal: user("arn:aws:iam::123456789012:user/eve"), Action: "lambda:InvokeFunction", Resource: fnARN}, false, "because no identity-based policy allows"},
		{"service via resource policy", &gofaas.AuthRequest{Principal: &gofaas.Principal{Type: "Service", ARN: "events.amazonaws.com"}, Action: "lambda:InvokeFunction", Resource: fnARN,
			Context:        map[string][]string{"aws:SourceArn": {"arn:aws:events:us-east-1:123456789012:rule/r"}},
			ResourcePolicy: `{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"r","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + fnARN + `","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:events:us-east-1:123456789012:rule/r"}}}]}`}, true, ""},
		{"service with another source", &gofaas.AuthRequest{Principal: &gofaas.Principal{Type: "Service", ARN: "events.amazonaws.com"}, Action: "lambda:InvokeFunction", Resource: fnARN,
			Context:        map[string][]string{"aws:SourceArn": {"arn:aws:events:us-east-1:123456789012:rule/other"}},
			ResourcePolicy: `{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"r","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + fnARN + `","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:events:us-east-1:123456789012:rule/r"}}}]}`}, false, ""},
		{"anonymous", &gofaas.AuthRequest{Action: "lambda:ListFunctions", Resource: "*"}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.Authorize(ctx, tt.req)
			if got := err == nil; got != tt.allowed {
				t.Fatalf("allowed = %v (%v), want %v", got, err, tt.allowed)
			}
			if err != nil && gofaas.ErrorCode(err) != gofaas.EUNAUTHORIZED {
				t.Errorf("code = %s, want EUNAUTHORIZED", gofaas.ErrorCode(err))
			}
			if tt.msg != "" && !strings.Contains(gofaas.ErrorMessage(err), tt.msg) {
				t.Errorf("message = %q, want it to contain %q", gofaas.ErrorMessage(err), tt.msg)
			}
		})
	}
}

func TestInvalidate(t *testing.T) {
	src := policies{}
	a := &Authorizer{Policies: src}
	req := &gofaas.AuthRequest{Principal: user(bob), Action: "lambda:ListFunctions", Resource: "*"}
	if a.Authorize(context.Background(), req) == nil {
		t.Fatal("allowed without a policy")
	}
	src[bob] = &gofaas.PrincipalPolicies{Identity: []gofaas.PolicyDocument{{Name: "p", Document: allowFn}}}
	a.Invalidate()
	if err := a.Authorize(context.Background(), req); err != nil {
		t.Fatalf("after a policy was added and the cache invalidated: %v", err)
	}
}

func BenchmarkAuthorize(b *testing.B) {
	src := policies{bob: {Identity: []gofaas.PolicyDocument{{Name: "lambda-all", Document: allowFn}}}}
	a := &Authorizer{Policies: src}
	req := &gofaas.AuthRequest{Principal: user(bob), Action: "lambda:InvokeFunction", Resource: fnARN}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := a.Authorize(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
