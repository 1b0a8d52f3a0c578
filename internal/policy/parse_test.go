package policy

import (
	"errors"
	"testing"

	"github.com/gofaas/gofaas"
)

func TestParseMalformed(t *testing.T) {
	const ok = `"Effect":"Allow","Action":"lambda:*","Resource":"*"`
	tests := []struct {
		name string
		kind Kind
		doc  string
		want string
	}{
		{"not json", ParseIdentity, `{"Version":`, "Syntax errors in policy."},
		{"trailing garbage", ParseIdentity, `{"Statement":{` + ok + `}} x`, "Syntax errors in policy."},
		{"array", ParseIdentity, `[]`, "Syntax errors in policy."},
		{"unknown top-level", ParseIdentity, `{"Version":"2012-10-17","Foo":1,"Statement":{` + ok + `}}`, "Syntax errors in policy."},
		{"bad version", ParseIdentity, `{"Version":"2012-10-18","Statement":{` + ok + `}}`, "Syntax errors in policy."},
		{"no statement", ParseIdentity, `{"Version":"2012-10-17"}`, "Syntax errors in policy."},
		{"empty statement list", ParseIdentity, `{"Version":"2012-10-17","Statement":[]}`, "Syntax errors in policy."},
		{"statement string", ParseIdentity, `{"Statement":"x"}`, "Syntax errors in policy."},
		{"unknown statement element", ParseIdentity, `{"Statement":{` + ok + `,"Foo":"x"}}`, "Syntax errors in policy."},
		{"lower-case element", ParseIdentity, `{"Statement":{"effect":"Allow","Action":"a:b","Resource":"*"}}`, "Syntax errors in policy."},
		{"missing effect", ParseIdentity, `{"Statement":{"Action":"a:b","Resource":"*"}}`, "Missing required field Effect"},
		{"bad effect", ParseIdentity, `{"Statement":{"Effect":"allow","Action":"a:b","Resource":"*"}}`, "Invalid effect: allow"},
		{"principal in identity", ParseIdentity, `{"Statement":{` + ok + `,"Principal":"*"}}`, "Policy document should not specify a principal."},
		{"notprincipal in identity", ParseIdentity, `{"Statement":{` + ok + `,"NotPrincipal":{"AWS":"123456789012"}}}`, "Policy document should not specify a principal."},
		{"no principal in resource policy", ParseResource, `{"Statement":{` + ok + `}}`, "Missing required field Principal"},
		{"no principal in trust policy", ParseTrust, `{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`, "Missing required field Principal"},
		{"resource in trust policy", ParseTrust, `{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}}`, "Has prohibited field Resource"},
		{"no action", ParseIdentity, `{"Statement":{"Effect":"Allow","Resource":"*"}}`, "Policy statement must contain actions."},
		{"empty action list", ParseIdentity, `{"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}`, "Policy statement must contain actions."},
		{"action and notaction", ParseIdentity, `{"Statement":{"Effect":"Allow","Action":"a:b","NotAction":"a:c","Resource":"*"}}`, "Syntax errors in policy."},
		{"no resource", ParseIdentity, `{"Statement":{"Effect":"Allow","Action":"a:b"}}`, "Policy statement must contain resources."},
		{"resource and notresource", ParseIdentity, `{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"*","NotResource":"*"}}`, "Syntax errors in policy."},
		{"action without vendor", ParseIdentity, `{"Statement":{"Effect":"Allow","Action":"InvokeFunction","Resource":"*"}}`, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"action number", ParseIdentity, `{"Statement":{"Effect":"Allow","Action":1,"Resource":"*"}}`, "Syntax errors in policy."},
		{"resource not arn", ParseIdentity, `{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"bucket"}}`, `Resource bucket must be in ARN format or "*".`},
		{"duplicate sid", ParseIdentity, `{"Statement":[{"Sid":"A",` + ok + `},{"Sid":"A",` + ok + `}]}`, "Statement IDs (SID) in a single policy must be unique."},
		{"sid not alphanumeric", ParseIdentity, `{"Statement":{"Sid":"a-b",` + ok + `}}`, "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"},
		{"bad condition operator", ParseIdentity, `{"Statement":{` + ok + `,"Condition":{"StringEqualz":{"aws:username":"x"}}}}`, "Invalid Condition type : StringEqualz"},
		{"Null IfExists", ParseIdentity, `{"Statement":{` + ok + `,"Condition":{"NullIfExists":{"aws:username":"true"}}}}`, "Invalid Condition type : NullIfExists"},
		{"condition key without vendor", ParseIdentity, `{"Statement":{` + ok + `,"Condition":{"StringEquals":{"username":"x"}}}}`, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"condition value object", ParseIdentity, `{"Statement":{` + ok + `,"Condition":{"StringEquals":{"aws:username":{"a":"b"}}}}}`, "Syntax errors in policy."},
		{"condition not object", ParseIdentity, `{"Statement":{` + ok + `,"Condition":"x"}}`, "Syntax errors in policy."},
		{"principal string not star", ParseResource, `{"Statement":{` + ok + `,"Principal":"bob"}}`, `Invalid principal in policy: "bob"`},
		{"principal bad aws", ParseResource, `{"Statement":{` + ok + `,"Principal":{"AWS":"bob"}}}`, `Invalid principal in policy: "AWS":"bob"`},
		{"principal unknown type", ParseResource, `{"Statement":{` + ok + `,"Principal":{"Users":"123456789012"}}}`, `Invalid principal in policy: "Users":"123456789012"`},
		{"principal and notprincipal", ParseResource, `{"Statement":{` + ok + `,"Principal":"*","NotPrincipal":"*"}}`, "Syntax errors in policy."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.doc, tt.kind)
			var e *gofaas.Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse: err = %v, want MalformedPolicyDocument", err)
			}
			if got, want := e.Code, gofaas.EINVALID; got != want {
				t.Errorf("code = %q, want %q", got, want)
			}
			if got, want := e.Type, "MalformedPolicyDocument"; got != want {
				t.Errorf("type = %q, want %q", got, want)
			}
			if got, want := e.Message, tt.want; got != want {
				t.Errorf("message = %q, want %q", got, want)
			}
		})
	}
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		doc  string
	}{
		{"statement object", ParseIdentity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`},
		{"no version", ParseIdentity, `{"Statement":[{"Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:iam::*:user/*"}]}`},
		{"2008", ParseIdentity, `{"Version":"2008-10-17","Id":"x","Statement":[{"Sid":"1","Effect":"Allow","Action":["lambda:Get*"],"Resource":["arn:aws:lambda:*:*:function:*"]}]}`},
		{"condition values", ParseIdentity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
			"NumericLessThan":{"aws:MultiFactorAuthAge":3600},"Bool":{"aws:SecureTransport":true},
			"ForAnyValue:StringLike":{"aws:TagKeys":["a*","b"]},"DateGreaterThanIfExists":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}}}`},
		{"lambda function policy", ParseResource, `{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"events-invoke_1","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:events:us-east-1:123456789012:rule/r"}}}]}`},
		{"resource policy principals", ParseResource, `{"Statement":{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:user/bob","arn:aws:iam::123456789012:role/path/r","arn:aws:sts::123456789012:assumed-role/r/s"]},"Action":"lambda:*","Resource":"*"}}`},
		{"trust policy", ParseTrust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(tt.doc, tt.kind); err != nil {
				t.Fatalf("Parse: %v", gofaas.ErrorMessage(err))
			}
		})
	}
}

func TestParseConditionValues(t *testing.T) {
	d := MustParse(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"a:n":[1, 2.50]},"Bool":{"a:b":false}}}}`, ParseIdentity)
	got := map[string][]string{}
	for _, c := range d.Statements[0].Conditions {
		got[c.Key] = c.Values
	}
	if g, w := got["a:n"], []string{"1", "2.50"}; len(g) != 2 || g[0] != w[0] || g[1] != w[1] {
		t.Errorf("numeric values = %q, want %q", g, w)
	}
	if g := got["a:b"]; len(g) != 1 || g[0] != "false" {
		t.Errorf("bool values = %q, want [false]", g)
	}
}

func TestAWSManagedParse(t *testing.T) {
	if len(AWSManaged) != 9 {
		t.Errorf("AWSManaged has %d policies, want 9", len(AWSManaged))
	}
	for arn, doc := range AWSManaged {
		if _, err := Parse(doc, ParseIdentity); err != nil {
			t.Errorf("%s: %v", arn, gofaas.ErrorMessage(err))
		}
	}
}
