package policy

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestActionMatch(t *testing.T) {
	tests := []struct {
		pattern, action string
		want            bool
	}{
		{"*", "lambda:InvokeFunction", true},
		{"lambda:*", "lambda:InvokeFunction", true},
		{"lambda:*", "lambdax:InvokeFunction", false},
		{"lambda:Invoke*", "lambda:InvokeFunction", true},
		{"lambda:invoke*", "LAMBDA:INVOKEFUNCTION", true},
		{"Lambda:InvokeFunction", "lambda:invokefunction", true},
		{"lambda:InvokeFunction", "lambda:InvokeFunctionUrl", false},
		{"lambda:Get*", "lambda:ListFunctions", false},
		{"lambda:?etFunction", "lambda:GetFunction", true},
		{"lambda:?etFunction", "lambda:etFunction", false},
		{"iam:*Report", "iam:GetOrganizationsAccessReport", true},
		{"iam:*Report", "iam:GetReports", false},
		{"*:Get*", "dynamodb:GetItem", true},
		{"s3:*Object*", "s3:GetObjectAcl", true},
		{"logs:*", "logs:", true},
	}
	for _, tt := range tests {
		p := compileAction(tt.pattern)
		if got := p.match(tt.action, nil); got != tt.want {
			t.Errorf("action %q matches %q = %v, want %v", tt.pattern, tt.action, got, tt.want)
		}
	}
}

// Examples from AWS's "IAM JSON policy elements: Resource", section
// "Using wildcards in resource ARNs", and Lambda's resource ARNs.
func TestResourceMatch(t *testing.T) {
	const acct = "123456789012"
	tests := []struct {
		pattern, resource string
		want              bool
	}{
		{"*", "arn:aws:lambda:us-east-1:123456789012:function:f", true},
		{"*", "*", true},
		{"arn:aws:lambda:us-east-1:123456789012:function:f", "*", false},
		{"arn:aws:iam::" + acct + ":user/Bob", "arn:aws:iam::" + acct + ":user/Bob", true},
		{"arn:aws:iam::" + acct + ":user/Bob", "arn:aws:iam::" + acct + ":user/bob", false}, // case-sensitive
		{"arn:aws:iam::" + acct + ":user/accounting/*", "arn:aws:iam::" + acct + ":user/accounting/bob", true},
		{"arn:aws:iam::" + acct + ":user/accounting/*", "arn:aws:iam::" + acct + ":user/accounting/a/b", true},
		{"arn:aws:iam::" + acct + ":user/accounting/*", "arn:aws:iam::" + acct + ":user/marketing/bob", false},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket/a/b.jpg", true},
		// "The wildcards in the ARN apply to all of the following objects".
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1/test/object.jpg", true},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1/2/test/object.jpg", true},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1/2/test/3/object.jpg", true},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1/2/3/test/4/object.jpg", true},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1///test///object.jpg", true},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1/test/.jpg", true},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket//test/object.jpg", true},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1/test/", true},
		// "The ARN would not match the following objects".
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1-test/object.jpg", false},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/test/object.jpg", false},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1/2/test.jpg", false},
		{"arn:aws:s3:::example?bucket/*", "arn:aws:s3:::example1bucket/x", true},
		{"arn:aws:s3:::example?bucket/*", "arn:aws:s3:::example12bucket/x", false},
		// A * that ends a segment may span colons; one inside a segment may not.
		{"arn:aws:lambda:*:*:function:*", "arn:aws:lambda:us-east-1:123456789012:function:f", true},
		{"arn:aws:lambda:*:*:function:*", "arn:aws:lambda:us-east-1:123456789012:function:f:prod", true},
		{"arn:aws:lambda:*", "arn:aws:lambda:us-east-1:123456789012:function:f", true},
		{"arn:aws:lambda:us-east-1:123456789012:function:f", "arn:aws:lambda:us-east-1:123456789012:function:f:1", false},
		{"arn:aws:lambda:us-east-1:123456789012:function:f:*", "arn:aws:lambda:us-east-1:123456789012:function:f:1", true},
		{"arn:aws:lambda:us-east-1:123456789012:function:f*", "arn:aws:lambda:us-east-1:123456789012:function:f:1", true},
		{"arn:aws:lambda:us-east-1:123456789012:function:my-*-fn", "arn:aws:lambda:us-east-1:123456789012:function:my-a-fn", true},
		{"arn:aws:lambda:us-east-1:123456789012:function:my-*-fn", "arn:aws:lambda:us-east-1:123456789012:function:my-a:b-fn", false},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/a:b/test/x", false},
		{"arn:aws:lambda:us-east-?:*:function:f", "arn:aws:lambda:us-east-1:123456789012:function:f", true},
		{"arn:aws:lambda:us-east?1:*:function:f", "arn:aws:lambda:us-east:1:123456789012:function:f", false},
		{"arn:aws:logs:*:*:log-group:/aws/lambda/*", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*", true},
		{"arn:aws:logs:*:*:log-group:/aws/lambda/*", "arn:aws:logs:us-east-1:123456789012:log-group:/other", false},
		{"arn:aws:execute-api:*:*:*", "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets", true},
		{"arn:aws:cloudwatch:*:*:insight-rule/DynamoDBContributorInsights*", "arn:aws:cloudwatch:us-east-1:1:insight-rule/DynamoDBContributorInsights-x", true},
		// The service segment cannot be wildcarded.
		{"arn:aws:*:us-east-1:123456789012:function:f", "arn:aws:lambda:us-east-1:123456789012:function:f", false},
		{"arn:aws:lamb?a:us-east-1:123456789012:function:f", "arn:aws:lambda:us-east-1:123456789012:function:f", false},
		{"arn:*:lambda:*:*:function:f", "arn:aws:lambda:us-east-1:123456789012:function:f", true},
	}
	for _, tt := range tests {
		p := compileResource(tt.pattern, true)
		if got := p.match(tt.resource, nil); got != tt.want {
			t.Errorf("resource %q matches %q = %v, want %v", tt.pattern, tt.resource, got, tt.want)
		}
	}
}

type mapResolver map[string]string

func (m mapResolver) variable(k string) (string, bool) {
	v, ok := m[strings.ToLower(k)]
	return v, ok
}

func TestPolicyVariables(t *testing.T) {
	r := mapResolver{"aws:username": "bob", "aws:principaltag/team": "red", "aws:userid": "AIDA*"}
	tests := []struct {
		pattern  string
		vars     bool
		resource string
		want     bool
	}{
		{"arn:aws:iam::123456789012:user/${aws:username}", true, "arn:aws:iam::123456789012:user/bob", true},
		{"arn:aws:iam::123456789012:user/${aws:username}", true, "arn:aws:iam::123456789012:user/alice", false},
		{"arn:aws:iam::123456789012:user/${aws:UserName}", true, "arn:aws:iam::123456789012:user/bob", true},
		// 2008-10-17: variables are literal text.
		{"arn:aws:iam::123456789012:user/${aws:username}", false, "arn:aws:iam::123456789012:user/bob", false},
		{"arn:aws:iam::123456789012:user/${aws:username}", false, "arn:aws:iam::123456789012:user/${aws:username}", true},
		{"arn:aws:lambda:*:*:function:${aws:PrincipalTag/team}-*", true, "arn:aws:lambda:us-east-1:1:function:red-f", true},
		{"arn:aws:lambda:*:*:function:${aws:PrincipalTag/team}-*", true, "arn:aws:lambda:us-east-1:1:function:blue-f", false},
		// Unresolvable: no match.
		{"arn:aws:lambda:*:*:function:${aws:PrincipalTag/dept}", true, "arn:aws:lambda:us-east-1:1:function:x", false},
		// Default values.
		{"arn:aws:lambda:*:*:function:${aws:PrincipalTag/dept, 'none'}", true, "arn:aws:lambda:us-east-1:1:function:none", true},
		// Variable values are literal, never wildcards.
		{"arn:aws:iam::1:user/${aws:userid}", true, "arn:aws:iam::1:user/AIDAXYZ", false},
		{"arn:aws:iam::1:user/${aws:userid}", true, "arn:aws:iam::1:user/AIDA*", true},
		// Escapes.
		{"arn:aws:s3:::b/${*}${?}${$}", true, "arn:aws:s3:::b/*?$", true},
		{"arn:aws:s3:::b/${*}", true, "arn:aws:s3:::b/x", false},
	}
	for _, tt := range tests {
		p := compileResource(tt.pattern, tt.vars)
		if got := p.match(tt.resource, r); got != tt.want {
			t.Errorf("resource %q (vars %v) matches %q = %v, want %v", tt.pattern, tt.vars, tt.resource, got, tt.want)
		}
	}
}

// refMatch is a plain recursive reference for the glob rules: * matches any
// run (without ':' when bounded), ? one character (not ':' when seg).
func refMatch(p []refTok, s []rune) bool {
	if len(p) == 0 {
		return len(s) == 0
	}
	switch t := p[0]; t.k {
	case tLit:
		return len(s) > 0 && s[0] == t.r && refMatch(p[1:], s[1:])
	case tOne, tOneSeg:
		return len(s) > 0 && (t.k == tOne || s[0] != ':') && refMatch(p[1:], s[1:])
	default:
		for i := 0; i <= len(s); i++ {
			if refMatch(p[1:], s[i:]) {
				return true
			}
			if i < len(s) && t.k == tStarSeg && s[i] == ':' {
				return false
			}
		}
		return false
	}
}

type refTok struct {
	k uint8
	r rune
}

// refCompile tokenizes a resource pattern by IAM's documented rules,
// independently of compile.
func refCompile(pat string, resource bool) []refTok {
	rs := []rune(pat)
	var out []refTok
	seg := 0
	arn := strings.HasPrefix(pat, "arn:")
	for i, r := range rs {
		switch {
		case r == ':':
			seg++
			out = append(out, refTok{k: tLit, r: r})
		case resource && arn && seg == 2:
			out = append(out, refTok{k: tLit, r: r})
		case r == '*' && resource && i+1 < len(rs) && rs[i+1] != ':':
			out = append(out, refTok{k: tStarSeg})
		case r == '*':
			out = append(out, refTok{k: tStar})
		case r == '?' && resource:
			out = append(out, refTok{k: tOneSeg})
		case r == '?':
			out = append(out, refTok{k: tOne})
		default:
			out = append(out, refTok{k: tLit, r: r})
		}
	}
	return out
}

func FuzzMatch(f *testing.F) {
	f.Add("arn:aws:s3:::b/*/test/*", "arn:aws:s3:::b/1/2/test/x")
	f.Add("arn:aws:lambda:*:*:function:my-*-fn", "arn:aws:lambda:r:1:function:my-a:b-fn")
	f.Add("lambda:Invoke*", "lambda:InvokeFunction")
	f.Add("a*b?c*", "aXXbYcZZ")
	f.Add("*?*", "")
	f.Fuzz(func(t *testing.T, pat, s string) {
		if len(pat) > 24 || len(s) > 24 || !utf8.ValidString(pat) || !utf8.ValidString(s) ||
			strings.Contains(pat, "$") {
			return
		}
		for _, resource := range []bool{false, true} {
			var p pattern
			if resource {
				p = compileResource(pat, false)
			} else {
				p = compile(pat, modeLike, false)
			}
			got := p.match(s, nil)
			want := refMatch(refCompile(pat, resource), []rune(s))
			if pat == "*" {
				want = true
			}
			if got != want {
				t.Fatalf("resource=%v: %q matches %q = %v, reference says %v", resource, pat, s, got, want)
			}
		}
	})
}
