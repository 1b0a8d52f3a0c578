package policy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gofaas/gofaas"
)

// condTest evaluates a one-condition identity statement against a context.
func condAllows(t *testing.T, op, key, values string, ctx map[string][]string) bool {
	t.Helper()
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{%q:{%q:%s}}}}`, op, key, values)
	d, err := Parse(doc, ParseIdentity)
	if err != nil {
		t.Fatalf("Parse %s: %v", doc, gofaas.ErrorMessage(err))
	}
	return Evaluate(Request{Principal: bob, Action: "lambda:GetFunction", Resource: "*", Context: ctx},
		PolicySet{Identity: []Named{{Name: "p", Doc: d}}}).Allowed
}

func TestConditionOperators(t *testing.T) {
	one := func(k, v string) map[string][]string { return map[string][]string{k: {v}} }
	many := func(k string, v ...string) map[string][]string { return map[string][]string{k: v} }
	none := map[string][]string{}
	tests := []struct {
		op, key, values string
		ctx             map[string][]string
		want            bool
	}{
		// String operators; keys case-insensitive, values case-sensitive.
		{"StringEquals", "aws:RequestedRegion", `"us-east-1"`, one("aws:RequestedRegion", "us-east-1"), true},
		{"StringEquals", "AWS:requestedregion", `"us-east-1"`, one("aws:RequestedRegion", "us-east-1"), true},
		{"StringEquals", "aws:RequestedRegion", `"us-east-1"`, one("aws:RequestedRegion", "US-EAST-1"), false},
		{"StringEquals", "aws:RequestedRegion", `["eu-west-1","us-east-1"]`, one("aws:RequestedRegion", "us-east-1"), true},
		{"StringEquals", "aws:RequestedRegion", `"us-east-1"`, none, false},
		{"StringEquals", "aws:RequestedRegion", `"us-*"`, one("aws:RequestedRegion", "us-east-1"), false},
		{"StringNotEquals", "aws:RequestedRegion", `["eu-west-1","us-east-1"]`, one("aws:RequestedRegion", "us-east-1"), false},
		{"StringNotEquals", "aws:RequestedRegion", `["eu-west-1","us-east-1"]`, one("aws:RequestedRegion", "ap-south-1"), true},
		{"StringNotEquals", "aws:RequestedRegion", `"us-east-1"`, none, true},
		{"StringEqualsIgnoreCase", "aws:RequestedRegion", `"US-East-1"`, one("aws:RequestedRegion", "us-east-1"), true},
		{"StringNotEqualsIgnoreCase", "aws:RequestedRegion", `"US-East-1"`, one("aws:RequestedRegion", "us-east-1"), false},
		{"StringLike", "aws:SourceArn", `"arn:aws:events:*:123456789012:rule/*"`, one("aws:SourceArn", "arn:aws:events:us-east-1:123456789012:rule/r"), true},
		{"StringLike", "s3:prefix", `["home/","home/${aws:username}/*"]`, one("s3:prefix", "home/bob/x"), true},
		{"StringLike", "s3:prefix", `["home/","home/${aws:username}/*"]`, one("s3:prefix", "home/alice/x"), false},
		{"StringLike", "s3:prefix", `"a?c"`, one("s3:prefix", "abc"), true},
		{"StringNotLike", "s3:prefix", `"home/*"`, one("s3:prefix", "tmp/x"), true},
		{"StringNotLike", "s3:prefix", `"home/*"`, one("s3:prefix", "home/x"), false},
		{"StringEquals", "aws:PrincipalTag/team", `"${aws:username}"`, one("aws:PrincipalTag/team", "bob"), true},
		{"StringEquals", "aws:PrincipalTag/team", `"${aws:PrincipalTag/missing}"`, one("aws:PrincipalTag/team", "bob"), false},
		{"StringEquals", "aws:username", `"bob"`, none, true}, // derived from the principal
		{"StringEquals", "aws:PrincipalArn", `"arn:aws:iam::123456789012:user/bob"`, none, true},
		{"StringEquals", "aws:PrincipalType", `"User"`, none, true},
		// Numeric.
		{"NumericLessThan", "aws:MultiFactorAuthAge", `3600`, one("aws:MultiFactorAuthAge", "100"), true},
		{"NumericLessThan", "aws:MultiFactorAuthAge", `"3600"`, one("aws:MultiFactorAuthAge", "3600"), false},
		{"NumericLessThanEquals", "aws:MultiFactorAuthAge", `3600`, one("aws:MultiFactorAuthAge", "3600"), true},
		{"NumericGreaterThan", "s3:max-keys", `10`, one("s3:max-keys", "10.5"), true},
		{"NumericGreaterThanEquals", "s3:max-keys", `10`, one("s3:max-keys", "9"), false},
		{"NumericEquals", "s3:max-keys", `[5, 10]`, one("s3:max-keys", "10"), true},
		{"NumericNotEquals", "s3:max-keys", `[5, 10]`, one("s3:max-keys", "10"), false},
		{"NumericNotEquals", "s3:max-keys", `[5, 10]`, one("s3:max-keys", "7"), true},
		{"NumericEquals", "s3:max-keys", `10`, one("s3:max-keys", "ten"), false},
		// Date: ISO 8601 and epoch seconds.
		{"DateGreaterThan", "aws:CurrentTime", `"2020-04-01T00:00:00Z"`, one("aws:CurrentTime", "2021-01-01T00:00:00Z"), true},
		{"DateLessThan", "aws:CurrentTime", `"2020-06-30T23:59:59Z"`, one("aws:CurrentTime", "2021-01-01T00:00:00Z"), false},
		{"DateLessThan", "aws:CurrentTime", `"2020-06-30"`, one("aws:CurrentTime", "2020-06-29T12:00:00Z"), true},
		{"DateEquals", "aws:EpochTime", `1577836800`, one("aws:EpochTime", "2020-01-01T00:00:00Z"), true},
		{"DateNotEquals", "aws:EpochTime", `1577836800`, one("aws:EpochTime", "1577836801"), true},
		{"DateLessThanEquals", "aws:CurrentTime", `"2020-01-01T00:00:00+01:00"`, one("aws:CurrentTime", "2019-12-31T23:00:00Z"), true},
		{"DateGreaterThanEquals", "aws:CurrentTime", `"2020-01-01T00:00:00.000Z"`, one("aws:CurrentTime", "2019-12-31T23:59:59Z"), false},
		// Bool.
		{"Bool", "aws:SecureTransport", `true`, one("aws:SecureTransport", "true"), true},
		{"Bool", "aws:SecureTransport", `"true"`, one("aws:SecureTransport", "false"), false},
		{"Bool", "aws:SecureTransport", `"false"`, none, false},
		{"Bool", "aws:MultiFactorAuthPresent", `"TRUE"`, one("aws:MultiFactorAuthPresent", "true"), true},
		// Binary.
		{"BinaryEquals", "key:bin", `"QmluYXJ5VmFsdWVJbkJhc2U2NA=="`, one("key:bin", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="), true},
		{"BinaryEquals", "key:bin", `"QmluYXJ5VmFsdWVJbkJhc2U2NA=="`, one("key:bin", "QQ=="), false},
		// IP.
		{"IpAddress", "aws:SourceIp", `"203.0.113.0/24"`, one("aws:SourceIp", "203.0.113.7"), true},
		{"IpAddress", "aws:SourceIp", `["203.0.113.0/24","2001:DB8:1234:5678::/64"]`, one("aws:SourceIp", "2001:db8:1234:5678::1"), true},
		{"IpAddress", "aws:SourceIp", `"203.0.113.7"`, one("aws:SourceIp", "203.0.113.7"), true},
		{"IpAddress", "aws:SourceIp", `"203.0.113.0/24"`, one("aws:SourceIp", "198.51.100.1"), false},
		{"IpAddress", "aws:SourceIp", `"203.0.113.0/24"`, one("aws:SourceIp", "::ffff:203.0.113.9"), true},
		{"NotIpAddress", "aws:SourceIp", `"203.0.113.0/24"`, one("aws:SourceIp", "198.51.100.1"), true},
		{"NotIpAddress", "aws:SourceIp", `"203.0.113.0/24"`, one("aws:SourceIp", "203.0.113.1"), false},
		// ARN.
		{"ArnEquals", "aws:SourceArn", `"arn:aws:sns:us-east-1:123456789012:t"`, one("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:t"), true},
		{"ArnLike", "aws:SourceArn", `"arn:aws:events:*:123456789012:rule/*"`, one("aws:SourceArn", "arn:aws:events:us-east-1:123456789012:rule/a:b"), true},
		{"ArnLike", "aws:SourceArn", `"arn:aws:events:us-*:123456789012:rule/*"`, one("aws:SourceArn", "arn:aws:events:us-east-1:123456789012:rule/r"), true},
		{"ArnLike", "aws:SourceArn", `"arn:aws:events:*:123456789012:rule/*"`, one("aws:SourceArn", "arn:aws:events:us-east-1:210987654321:rule/r"), false},
		{"ArnLike", "aws:SourceArn", `"arn:aws:*:123456789012:rule/*"`, one("aws:SourceArn", "arn:aws:events:x:123456789012:rule/r"), false}, // * stays in its segment
		{"ArnLike", "aws:SourceArn", `"arn:aws:events:*"`, one("aws:SourceArn", "not-an-arn"), false},
		{"ArnNotEquals", "aws:SourceArn", `"arn:aws:sns:us-east-1:123456789012:t"`, one("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:u"), true},
		{"ArnNotLike", "aws:SourceArn", `"arn:aws:sns:*:*:t*"`, one("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:tx"), false},
		{"ArnNotLike", "aws:SourceArn", `"arn:aws:sns:*:*:t*"`, none, true},
		// Null.
		{"Null", "aws:TokenIssueTime", `"true"`, none, true},
		{"Null", "aws:TokenIssueTime", `true`, one("aws:TokenIssueTime", "2020-01-01T00:00:00Z"), false},
		{"Null", "aws:TokenIssueTime", `"false"`, one("aws:TokenIssueTime", "2020-01-01T00:00:00Z"), true},
		{"Null", "aws:TokenIssueTime", `"false"`, none, false},
		// IfExists.
		{"StringEqualsIfExists", "ec2:InstanceType", `"t2.micro"`, none, true},
		{"StringEqualsIfExists", "ec2:InstanceType", `"t2.micro"`, one("ec2:InstanceType", "m5.large"), false},
		{"StringEqualsIfExists", "ec2:InstanceType", `"t2.micro"`, one("ec2:InstanceType", "t2.micro"), true},
		{"NumericLessThanIfExists", "s3:max-keys", `10`, none, true},
		{"IpAddressIfExists", "aws:SourceIp", `"10.0.0.0/8"`, one("aws:SourceIp", "11.0.0.1"), false},
		// Set operators.
		{"ForAllValues:StringEquals", "aws:TagKeys", `["env","team"]`, many("aws:TagKeys", "env", "team"), true},
		{"ForAllValues:StringEquals", "aws:TagKeys", `["env","team"]`, many("aws:TagKeys", "env", "cost"), false},
		{"ForAllValues:StringEquals", "aws:TagKeys", `["env","team"]`, none, true}, // empty set
		{"ForAllValues:StringEquals", "aws:TagKeys", `["env","team"]`, many("aws:TagKeys"), true},
		{"ForAnyValue:StringEquals", "aws:TagKeys", `["env","team"]`, many("aws:TagKeys", "cost", "team"), true},
		{"ForAnyValue:StringEquals", "aws:TagKeys", `["env","team"]`, many("aws:TagKeys", "cost"), false},
		{"ForAnyValue:StringEquals", "aws:TagKeys", `["env","team"]`, none, false}, // empty set
		{"ForAnyValue:StringLike", "aws:TagKeys", `"te*"`, many("aws:TagKeys", "cost", "team"), true},
		{"ForAllValues:StringLike", "aws:TagKeys", `"te*"`, many("aws:TagKeys", "cost", "team"), false},
		{"ForAnyValue:StringNotEquals", "aws:TagKeys", `["env","team"]`, many("aws:TagKeys", "env", "cost"), true},
		{"ForAnyValue:StringNotEquals", "aws:TagKeys", `["env","team"]`, many("aws:TagKeys", "env", "team"), false},
		{"ForAllValues:StringNotEquals", "aws:TagKeys", `["env","team"]`, many("aws:TagKeys", "cost", "owner"), true},
		{"ForAllValues:StringNotEquals", "aws:TagKeys", `["env","team"]`, many("aws:TagKeys", "cost", "env"), false},
		{"ForAllValues:StringEqualsIfExists", "aws:TagKeys", `"env"`, none, true},
		{"ForAnyValue:StringEqualsIfExists", "aws:TagKeys", `"env"`, none, true},
		{"ForAnyValue:NumericLessThan", "x:n", `5`, many("x:n", "9", "3"), true},
		{"ForAllValues:IpAddress", "x:ips", `"10.0.0.0/8"`, many("x:ips", "10.1.1.1", "10.2.2.2"), true},
		// Multi-valued key without set operator: any value matches.
		{"StringEquals", "aws:TagKeys", `"team"`, many("aws:TagKeys", "env", "team"), true},
		{"StringNotEquals", "aws:TagKeys", `"team"`, many("aws:TagKeys", "env", "team"), false},
	}
	for _, tt := range tests {
		name := tt.op + " " + tt.key + " " + tt.values
		if got := condAllows(t, tt.op, tt.key, tt.values, tt.ctx); got != tt.want {
			t.Errorf("%s with %v: allowed = %v, want %v", name, tt.ctx, got, tt.want)
		}
	}
}

func TestConditionsANDed(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
		"StringEquals":{"aws:RequestedRegion":"us-east-1","aws:PrincipalTag/team":["red","blue"]},
		"Bool":{"aws:SecureTransport":"true"}}}}`
	d := MustParse(doc, ParseIdentity)
	tests := []struct {
		ctx  map[string][]string
		want bool
	}{
		{map[string][]string{"aws:RequestedRegion": {"us-east-1"}, "aws:PrincipalTag/team": {"blue"}, "aws:SecureTransport": {"true"}}, true},
		{map[string][]string{"aws:RequestedRegion": {"us-east-1"}, "aws:PrincipalTag/team": {"green"}, "aws:SecureTransport": {"true"}}, false},
		{map[string][]string{"aws:RequestedRegion": {"us-east-1"}, "aws:PrincipalTag/team": {"red"}}, false},
	}
	for i, tt := range tests {
		got := Evaluate(Request{Principal: bob, Action: "x:y", Resource: "*", Context: tt.ctx},
			PolicySet{Identity: []Named{{Name: "p", Doc: d}}}).Allowed
		if got != tt.want {
			t.Errorf("case %d: allowed = %v, want %v", i, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2020-01-01T00:00:00Z", "2020-01-01T00:00:00.123Z", "2020-01-01", "2020-01-01T00:00:00+02:00", "1577836800", "2020-01-01T00:00Z"} {
		if _, ok := parseDate(s); !ok {
			t.Errorf("parseDate(%q) failed", s)
		}
	}
	for _, s := range []string{"", "yesterday", "2020-13-01"} {
		if _, ok := parseDate(s); ok {
			t.Errorf("parseDate(%q) succeeded", s)
		}
	}
	_ = strings.ToLower
}
