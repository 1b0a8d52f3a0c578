package policy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gofaas/gofaas"
)

const acct = "123456789012"

var (
	bob = &gofaas.Principal{Type: "IAMUser", ARN: "arn:aws:iam::" + acct + ":user/bob", AccountID: acct,
		UserID: "AIDAEXAMPLEBOB", Name: "bob"}
	alice = &gofaas.Principal{Type: "IAMUser", ARN: "arn:aws:iam::" + acct + ":user/alice", AccountID: acct,
		UserID: "AIDAEXAMPLEALICE", Name: "alice"}
	session = &gofaas.Principal{Type: "AssumedRole", ARN: "arn:aws:sts::" + acct + ":assumed-role/app/s1",
		AccountID: acct, UserID: "AROAEXAMPLEAPP:s1", Name: "app", SessionName: "s1"}
	root   = &gofaas.Principal{Type: "Root", ARN: "arn:aws:iam::" + acct + ":root", AccountID: acct, UserID: acct}
	events = &gofaas.Principal{Type: "Service", ARN: "events.amazonaws.com", Name: "events.amazonaws.com"}
	other  = &gofaas.Principal{Type: "IAMUser", ARN: "arn:aws:iam::210987654321:user/eve", AccountID: "210987654321",
		UserID: "AIDAEVE", Name: "eve"}
)

const fn = "arn:aws:lambda:us-east-1:" + acct + ":function:f"

// stmt builds one identity statement.
func stmt(effect, action, resource string) string {
	return fmt.Sprintf(`{"Effect":%q,"Action":%q,"Resource":%q}`, effect, action, resource)
}

func doc(kind Kind, stmts ...string) *Document {
	return MustParse(`{"Version":"2012-10-17","Statement":[`+strings.Join(stmts, ",")+`]}`, kind)
}

func named(name string, d *Document) Named { return Named{Name: name, Doc: d} }

func TestEvaluateMatrix(t *testing.T) {
	allowAll := named("AllowAll", doc(ParseIdentity, stmt("Allow", "*", "*")))
	allowLambda := named("AllowLambda", doc(ParseIdentity, stmt("Allow", "lambda:*", "*")))
	denyDelete := named("DenyDelete", doc(ParseIdentity, stmt("Deny", "lambda:Delete*", "*")))
	groupInvoke := named("GroupInvoke", doc(ParseIdentity, stmt("Allow", "lambda:InvokeFunction", "arn:aws:lambda:*:*:function:*")))
	notAction := named("NotIAM", doc(ParseIdentity, `{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`))
	denyNotResource := named("OnlyF", doc(ParseIdentity, `{"Effect":"Deny","Action":"lambda:*","NotResource":"`+fn+`*"}`))
	boundaryLambda := named("Boundary", doc(ParseIdentity, stmt("Allow", "lambda:Get*", "*")))
	sessionGet := named("Session", doc(ParseIdentity, stmt("Allow", "lambda:GetFunction", "*")))
	resAllowBob := named("FunctionPolicy", doc(ParseResource, `{"Sid":"bob","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct+`:user/bob"},"Action":"lambda:InvokeFunction","Resource":"`+fn+`"}`))
	resAllowRole := named("FunctionPolicy", doc(ParseResource, `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct+`:role/app"},"Action":"lambda:InvokeFunction","Resource":"`+fn+`"}`))
	resAllowSession := named("FunctionPolicy", doc(ParseResource, `{"Effect":"Allow","Principal":{"AWS":"`+session.ARN+`"},"Action":"lambda:InvokeFunction","Resource":"`+fn+`"}`))
	resAllowAccount := named("FunctionPolicy", doc(ParseResource, `{"Effect":"Allow","Principal":{"AWS":"`+acct+`"},"Action":"lambda:InvokeFunction","Resource":"`+fn+`"}`))
	resAllowRootARN := named("FunctionPolicy", doc(ParseResource, `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct+`:root"},"Action":"lambda:InvokeFunction","Resource":"`+fn+`"}`))
	resAllowAny := named("FunctionPolicy", doc(ParseResource, `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"`+fn+`"}`))
	resDenyAll := named("FunctionPolicy", doc(ParseResource, `{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"lambda:*","Resource":"*"}`))
	resNotPrincipal := named("FunctionPolicy", doc(ParseResource, `{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::`+acct+`:user/bob"},"Action":"lambda:*","Resource":"*"}`))
	resEvents := named("FunctionPolicy", doc(ParseResource, `{"Sid":"events","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"`+fn+`","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:events:us-east-1:`+acct+`:rule/r"}}}`))
	rule := map[string][]string{"aws:SourceArn": {"arn:aws:events:us-east-1:" + acct + ":rule/r"}}

	tests := []struct {
		name     string
		p        *gofaas.Principal
		action   string
		resource string
		ctx      map[string][]string
		set      PolicySet
		allowed  bool
		explicit bool
		deniedBy PolicyType
	}{
		{"no policies", bob, "lambda:GetFunction", fn, nil, PolicySet{}, false, false, IdentityBased},
		{"identity allow", bob, "lambda:GetFunction", fn, nil, PolicySet{Identity: []Named{allowLambda}}, true, false, ""},
		{"identity allow other service", bob, "dynamodb:GetItem", "*", nil, PolicySet{Identity: []Named{allowLambda}}, false, false, IdentityBased},
		{"group policy allows", bob, "lambda:InvokeFunction", fn, nil, PolicySet{Identity: []Named{groupInvoke}}, true, false, ""},
		{"group policy resource mismatch", bob, "lambda:InvokeFunction", "arn:aws:dynamodb:us-east-1:1:table/t", nil, PolicySet{Identity: []Named{groupInvoke}}, false, false, IdentityBased},
		{"deny beats allow", bob, "lambda:DeleteFunction", fn, nil, PolicySet{Identity: []Named{allowAll, denyDelete}}, false, true, IdentityBased},
		{"deny elsewhere", bob, "lambda:GetFunction", fn, nil, PolicySet{Identity: []Named{allowAll, denyDelete}}, true, false, ""},
		{"NotAction allows", bob, "lambda:GetFunction", fn, nil, PolicySet{Identity: []Named{notAction}}, true, false, ""},
		{"NotAction excludes", bob, "iam:CreateUser", "*", nil, PolicySet{Identity: []Named{notAction}}, false, false, IdentityBased},
		{"Deny NotResource other function", bob, "lambda:GetFunction", fn + "x", nil, PolicySet{Identity: []Named{allowAll, denyNotResource}}, true, false, ""},
		{"Deny NotResource elsewhere", bob, "lambda:GetFunction", "arn:aws:lambda:us-east-1:" + acct + ":function:g", nil, PolicySet{Identity: []Named{allowAll, denyNotResource}}, false, true, IdentityBased},
		{"role policy", session, "lambda:GetFunction", fn, nil, PolicySet{Identity: []Named{allowLambda}}, true, false, ""},
		{"boundary allows", bob, "lambda:GetFunction", fn, nil, PolicySet{Identity: []Named{allowAll}, PermissionsBoundary: &boundaryLambda}, true, false, ""},
		{"boundary limits", bob, "lambda:DeleteFunction", fn, nil, PolicySet{Identity: []Named{allowAll}, PermissionsBoundary: &boundaryLambda}, false, false, PermissionsBoundary},
		{"boundary alone grants nothing", bob, "lambda:GetFunction", fn, nil, PolicySet{PermissionsBoundary: &boundaryLambda}, false, false, IdentityBased},
		{"boundary deny", bob, "lambda:DeleteFunction", fn, nil, PolicySet{Identity: []Named{allowAll}, PermissionsBoundary: &denyDelete}, false, true, PermissionsBoundary},
		{"session allows", session, "lambda:GetFunction", fn, nil, PolicySet{Identity: []Named{allowAll}, SessionPolicies: []Named{sessionGet}}, true, false, ""},
		{"session limits", session, "lambda:UpdateFunctionCode", fn, nil, PolicySet{Identity: []Named{allowAll}, SessionPolicies: []Named{sessionGet}}, false, false, SessionPolicy},
		{"session policies union", session, "lambda:ListTags", fn, nil, PolicySet{Identity: []Named{allowAll}, SessionPolicies: []Named{sessionGet, allowLambda}}, true, false, ""},
		{"session deny", session, "lambda:DeleteFunction", fn, nil, PolicySet{Identity: []Named{allowAll}, SessionPolicies: []Named{allowAll, denyDelete}}, false, true, SessionPolicy},
		{"session alone grants nothing", session, "lambda:GetFunction", fn, nil, PolicySet{SessionPolicies: []Named{sessionGet}}, false, false, IdentityBased},
		// Resource-based policies (same account).
		{"resource allows user ARN", bob, "lambda:InvokeFunction", fn, nil, PolicySet{Resource: []Named{resAllowBob}}, true, false, ""},
		{"resource names other user", alice, "lambda:InvokeFunction", fn, nil, PolicySet{Resource: []Named{resAllowBob}}, false, false, IdentityBased},
		{"resource user ARN not limited by boundary", bob, "lambda:InvokeFunction", fn, nil, PolicySet{Resource: []Named{resAllowBob}, PermissionsBoundary: &boundaryLambda}, true, false, ""},
		{"resource role ARN: session", session, "lambda:InvokeFunction", fn, nil, PolicySet{Resource: []Named{resAllowRole}}, true, false, ""},
		{"resource role ARN limited by session policy", session, "lambda:InvokeFunction", fn, nil, PolicySet{Resource: []Named{resAllowRole}, SessionPolicies: []Named{sessionGet}}, false, false, SessionPolicy},
		{"resource role ARN limited by boundary", session, "lambda:InvokeFunction", fn, nil, PolicySet{Resource: []Named{resAllowRole}, PermissionsBoundary: &boundaryLambda}, false, false, PermissionsBoundary},
		{"resource session ARN bypasses session policy", session, "lambda:InvokeFunction", fn, nil, PolicySet{Resource: []Named{resAllowSession}, SessionPolicies: []Named{sessionGet}, PermissionsBoundary: &boundaryLambda}, true, false, ""},
		{"resource account id delegates: identity policy still needed", alice, "lambda:InvokeFunction", fn, nil, PolicySet{Resource: []Named{resAllowAccount}}, false, false, IdentityBased},
		{"resource root ARN delegates: identity policy still needed", alice, "lambda:InvokeFunction", fn, nil, PolicySet{Resource: []Named{resAllowRootARN}}, false, false, IdentityBased},
		{"resource account id with identity allow", alice, "lambda:InvokeFunction", fn, nil, PolicySet{Identity: []Named{allowAll}, Resource: []Named{resAllowAccount}}, true, false, ""},
		{"resource account other account", other, "lambda:InvokeFunction", fn, nil, PolicySet{Resource: []Named{resAllowAccount}}, false, false, IdentityBased},
		{"resource star", other, "lambda:InvokeFunction", fn, nil, PolicySet{Resource: []Named{resAllowAny}}, true, false, ""},
		{"resource wrong action", bob, "lambda:GetFunction", fn, nil, PolicySet{Resource: []Named{resAllowBob}}, false, false, IdentityBased},
		{"resource deny beats identity allow", bob, "lambda:GetFunction", fn, nil, PolicySet{Identity: []Named{allowAll}, Resource: []Named{resDenyAll}}, false, true, ResourceBased},
		{"NotPrincipal deny spares bob", bob, "lambda:GetFunction", fn, nil, PolicySet{Identity: []Named{allowAll}, Resource: []Named{resNotPrincipal}}, true, false, ""},
		{"NotPrincipal deny hits alice", alice, "lambda:GetFunction", fn, nil, PolicySet{Identity: []Named{allowAll}, Resource: []Named{resNotPrincipal}}, false, true, ResourceBased},
		// Service principals.
		{"service allowed with source arn", events, "lambda:InvokeFunction", fn, rule, PolicySet{Resource: []Named{resEvents}}, true, false, ""},
		{"service wrong source arn", events, "lambda:InvokeFunction", fn, map[string][]string{"aws:SourceArn": {"arn:aws:events:us-east-1:" + acct + ":rule/other"}}, PolicySet{Resource: []Named{resEvents}}, false, false, ResourceBased},
		{"service without policy", events, "lambda:InvokeFunction", fn, rule, PolicySet{}, false, false, ResourceBased},
		{"service not named", events, "lambda:InvokeFunction", fn, nil, PolicySet{Resource: []Named{resAllowBob}}, false, false, ResourceBased},
		{"user cannot use service grant", bob, "lambda:InvokeFunction", fn, rule, PolicySet{Resource: []Named{resEvents}}, false, false, IdentityBased},
		// Root.
		{"root allowed", root, "lambda:DeleteFunction", fn, nil, PolicySet{}, true, false, ""},
		{"root flag", bob, "lambda:DeleteFunction", fn, nil, PolicySet{Root: true}, true, false, ""},
		{"root and resource deny", root, "lambda:DeleteFunction", fn, nil, PolicySet{Resource: []Named{resDenyAll}}, false, true, ResourceBased},
		// Anonymous.
		{"anonymous", nil, "lambda:InvokeFunction", fn, nil, PolicySet{Resource: []Named{resAllowBob}}, false, false, ResourceBased},
		{"anonymous star", nil, "lambda:InvokeFunction", fn, nil, PolicySet{Resource: []Named{resAllowAny}}, true, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Evaluate(Request{Principal: tt.p, Action: tt.action, Resource: tt.resource, Context: tt.ctx}, tt.set)
			if d.Allowed != tt.allowed || d.ExplicitDeny != tt.explicit {
				t.Fatalf("allowed=%v explicit=%v (%s), want allowed=%v explicit=%v", d.Allowed, d.ExplicitDeny, d.Reason, tt.allowed, tt.explicit)
			}
			if !d.Allowed && d.DeniedBy != tt.deniedBy {
				t.Errorf("DeniedBy = %q, want %q", d.DeniedBy, tt.deniedBy)
			}
			if d.Reason == "" {
				t.Errorf("empty Reason")
			}
		})
	}
}

func TestEvaluateMatchedStatement(t *testing.T) {
	d := Evaluate(Request{Principal: bob, Action: "lambda:DeleteFunction", Resource: fn},
		PolicySet{Identity: []Named{
			{Name: "Admin", ARN: "arn:aws:iam::aws:policy/AdministratorAccess", Doc: MustParse(AdministratorAccess, ParseIdentity)},
			{Name: "inline", Doc: MustParse(`{"Version":"2012-10-17","Statement":[{"Sid":"NoDelete","Effect":"Deny","Action":"lambda:Delete*","Resource":"*"}]}`, ParseIdentity)},
		}})
	m := d.Statement
	if m == nil || m.PolicyName != "inline" || m.Sid != "NoDelete" || m.Effect != "Deny" || m.Type != IdentityBased {
		t.Fatalf("Statement = %+v", m)
	}
	if got, want := d.Reason, "explicitly denied by identity-based policy inline (statement NoDelete)"; got != want {
		t.Errorf("Reason = %q, want %q", got, want)
	}
	d = Evaluate(Request{Principal: bob, Action: "lambda:GetFunction", Resource: fn},
		PolicySet{Identity: []Named{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess", Doc: MustParse(AdministratorAccess, ParseIdentity)}}})
	if d.Statement == nil || d.Statement.PolicyARN != "arn:aws:iam::aws:policy/AdministratorAccess" {
		t.Fatalf("Statement = %+v", d.Statement)
	}
}

func TestIdentityPolicyVariables(t *testing.T) {
	own := named("own", doc(ParseIdentity, `{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"arn:aws:iam::`+acct+`:user/${aws:username}"}`))
	tests := []struct {
		p        *gofaas.Principal
		resource string
		want     bool
	}{
		{bob, "arn:aws:iam::" + acct + ":user/bob", true},
		{bob, "arn:aws:iam::" + acct + ":user/alice", false},
		{alice, "arn:aws:iam::" + acct + ":user/alice", true},
		{session, "arn:aws:iam::" + acct + ":user/app", false}, // aws:username is not set for roles
	}
	for _, tt := range tests {
		d := Evaluate(Request{Principal: tt.p, Action: "iam:CreateAccessKey", Resource: tt.resource}, PolicySet{Identity: []Named{own}})
		if d.Allowed != tt.want {
			t.Errorf("%s on %s: allowed = %v, want %v", tt.p.ARN, tt.resource, d.Allowed, tt.want)
		}
	}
}

func TestManagedPolicies(t *testing.T) {
	p := func(name string) []Named {
		for arn, d := range AWSManaged {
			if strings.HasSuffix(arn, "/"+name) {
				return []Named{{Name: name, ARN: arn, Doc: MustParse(d, ParseIdentity)}}
			}
		}
		t.Fatalf("no managed policy %s", name)
		return nil
	}
	tests := []struct {
		policy, action, resource string
		ctx                      map[string][]string
		want                     bool
	}{
		{"AdministratorAccess", "iam:CreateUser", "arn:aws:iam::" + acct + ":user/x", nil, true},
		{"AWSLambdaBasicExecutionRole", "logs:PutLogEvents", "arn:aws:logs:us-east-1:" + acct + ":log-group:/aws/lambda/f:log-stream:s", nil, true},
		{"AWSLambdaBasicExecutionRole", "logs:DeleteLogGroup", "*", nil, false},
		{"AWSLambda_FullAccess", "lambda:CreateFunction", fn, nil, true},
		{"AWSLambda_FullAccess", "iam:PassRole", "arn:aws:iam::" + acct + ":role/r", map[string][]string{"iam:PassedToService": {"lambda.amazonaws.com"}}, true},
		{"AWSLambda_FullAccess", "iam:PassRole", "arn:aws:iam::" + acct + ":role/r", map[string][]string{"iam:PassedToService": {"ec2.amazonaws.com"}}, false},
		{"AWSLambda_FullAccess", "iam:PassRole", "arn:aws:iam::" + acct + ":role/r", nil, false},
		{"AWSLambda_FullAccess", "logs:GetLogEvents", "arn:aws:logs:us-east-1:" + acct + ":log-group:/aws/lambda/f:log-stream:x", nil, true},
		{"AWSLambda_FullAccess", "logs:GetLogEvents", "arn:aws:logs:us-east-1:" + acct + ":log-group:/app:log-stream:x", nil, false},
		{"AWSLambdaRole", "lambda:InvokeFunction", fn, nil, true},
		{"AWSLambdaRole", "lambda:GetFunction", fn, nil, false},
		{"AmazonDynamoDBFullAccess", "dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:" + acct + ":table/t", nil, true},
		{"AmazonDynamoDBReadOnlyAccess", "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:" + acct + ":table/t", nil, true},
		{"AmazonDynamoDBReadOnlyAccess", "dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:" + acct + ":table/t", nil, false},
		{"CloudWatchLogsFullAccess", "logs:CreateLogGroup", "*", nil, true},
		{"AmazonAPIGatewayInvokeFullAccess", "execute-api:Invoke", "arn:aws:execute-api:us-east-1:" + acct + ":api/prod/GET/", nil, true},
		{"ReadOnlyAccess", "lambda:GetFunction", fn, nil, true},
		{"ReadOnlyAccess", "lambda:ListFunctions", "*", nil, true},
		{"ReadOnlyAccess", "lambda:InvokeFunction", fn, nil, false},
		{"ReadOnlyAccess", "sts:GetCallerIdentity", "*", nil, true},
	}
	for _, tt := range tests {
		d := Evaluate(Request{Principal: bob, Action: tt.action, Resource: tt.resource, Context: tt.ctx}, PolicySet{Identity: p(tt.policy)})
		if d.Allowed != tt.want {
			t.Errorf("%s: %s on %s: allowed = %v, want %v", tt.policy, tt.action, tt.resource, d.Allowed, tt.want)
		}
	}
}

func TestEvaluateTrust(t *testing.T) {
	lambdaTrust := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, ParseTrust)
	userTrust := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::`+acct+`:user/bob","`+acct+`"]},"Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::`+acct+`:user/alice"},"Action":"sts:AssumeRole"}]}`, ParseTrust)
	lambdaSvc := &gofaas.Principal{Type: "Service", ARN: "lambda.amazonaws.com", Name: "lambda.amazonaws.com"}
	mfa := map[string][]string{"aws:MultiFactorAuthPresent": {"true"}}
	tests := []struct {
		name     string
		trust    *Document
		p        *gofaas.Principal
		ctx      map[string][]string
		allowed  bool
		explicit bool
		how      string
	}{
		{"lambda service", lambdaTrust, lambdaSvc, nil, true, false, "service"},
		{"events service", lambdaTrust, events, nil, false, false, ""},
		{"user not trusted by service trust", lambdaTrust, bob, nil, false, false, ""},
		{"user named", userTrust, bob, mfa, true, false, "exact"},
		{"user needs mfa", userTrust, bob, nil, false, false, ""},
		{"account named", userTrust, session, mfa, true, false, "account"},
		{"explicit deny", userTrust, alice, mfa, false, true, ""},
		{"other account", userTrust, other, mfa, false, false, ""},
		{"nil trust", nil, bob, nil, false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := EvaluateTrust(tt.trust, tt.p, "sts:AssumeRole", tt.ctx)
			if d.Allowed != tt.allowed || d.ExplicitDeny != tt.explicit {
				t.Fatalf("allowed=%v explicit=%v (%s), want %v %v", d.Allowed, d.ExplicitDeny, d.Reason, tt.allowed, tt.explicit)
			}
			if tt.allowed && d.Statement.Principal != tt.how {
				t.Errorf("Principal match = %q, want %q", d.Statement.Principal, tt.how)
			}
		})
	}
}

func TestDeniedMessage(t *testing.T) {
	const fnArn = "arn:aws:lambda:us-east-1:123456789012:function:f"
	allowAll := named("a", doc(ParseIdentity, stmt("Allow", "*", "*")))
	deny := named("d", doc(ParseIdentity, stmt("Deny", "lambda:*", "*")))
	resDeny := named("r", doc(ParseResource, `{"Effect":"Deny","Principal":"*","Action":"lambda:*","Resource":"*"}`))
	get := named("s", doc(ParseIdentity, stmt("Allow", "lambda:GetFunction", "*")))
	tests := []struct {
		name string
		p    *gofaas.Principal
		act  string
		res  string
		set  PolicySet
		want string
	}{
		{"implicit", bob, "lambda:CreateFunction", fnArn, PolicySet{},
			"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: lambda:CreateFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:f because no identity-based policy allows the lambda:CreateFunction action"},
		{"explicit identity", bob, "lambda:CreateFunction", fnArn, PolicySet{Identity: []Named{allowAll, deny}},
			"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: lambda:CreateFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:f with an explicit deny in an identity-based policy"},
		{"explicit resource", bob, "lambda:GetFunction", fnArn, PolicySet{Identity: []Named{allowAll}, Resource: []Named{resDeny}},
			"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:f with an explicit deny in a resource-based policy"},
		{"session", session, "lambda:DeleteFunction", fnArn, PolicySet{Identity: []Named{allowAll}, SessionPolicies: []Named{get}},
			"User: arn:aws:sts::123456789012:assumed-role/app/s1 is not authorized to perform: lambda:DeleteFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:f because no session policy allows the lambda:DeleteFunction action"},
		{"boundary", bob, "lambda:DeleteFunction", fnArn, PolicySet{Identity: []Named{allowAll}, PermissionsBoundary: &get},
			"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: lambda:DeleteFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:f because no permissions boundary allows the lambda:DeleteFunction action"},
		{"list on star", bob, "lambda:ListFunctions", "*", PolicySet{},
			"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: lambda:ListFunctions on resource: * because no identity-based policy allows the lambda:ListFunctions action"},
		{"passrole", bob, "iam:PassRole", "arn:aws:iam::123456789012:role/r", PolicySet{},
			"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/r because no identity-based policy allows the iam:PassRole action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := Request{Principal: tt.p, Action: tt.act, Resource: tt.res}
			d := Evaluate(req, tt.set)
			if d.Allowed {
				t.Fatalf("allowed")
			}
			if got := DeniedMessage(req, d); got != tt.want {
				t.Errorf("message\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, d := range AWSManaged {
		f.Add(d, uint8(0))
	}
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"lambda:*","Resource":"arn:aws:lambda:*:*:function:${aws:username}-*","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":"a*"},"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2030-01-01"}}}}`, uint8(1))
	f.Add(`{"Statement":[{"Effect":"Deny","NotPrincipal":"*","NotAction":"x:y","NotResource":"arn:*"}]}`, uint8(1))
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}}`, uint8(2))
	f.Fuzz(func(t *testing.T, s string, k uint8) {
		kind := Kind(k % 3)
		d, err := Parse(s, kind)
		if err != nil {
			if gofaas.ErrorCode(err) != gofaas.EINVALID {
				t.Fatalf("error code %q", gofaas.ErrorCode(err))
			}
			return
		}
		ctx := map[string][]string{"aws:SourceArn": {"arn:aws:events:us-east-1:1:rule/r"}, "aws:TagKeys": {"a", "b"},
			"aws:SourceIp": {"10.1.2.3"}, "aws:CurrentTime": {"2025-01-01T00:00:00Z"}}
		for _, p := range []*gofaas.Principal{bob, session, root, events, nil} {
			req := Request{Principal: p, Action: "lambda:InvokeFunction", Resource: fn, Context: ctx}
			n := Named{Name: "fuzz", Doc: d}
			dec := Evaluate(req, PolicySet{Identity: []Named{n}, Resource: []Named{n}, SessionPolicies: []Named{n}, PermissionsBoundary: &n})
			_ = DeniedMessage(req, dec)
			_ = EvaluateTrust(d, p, "sts:AssumeRole", ctx)
		}
	})
}

// benchSet is a realistic policy set: 20 statements across 4 policies (a
// user's inline policy, a group's managed policy, AWS managed
// AWSLambda_FullAccess and a function policy).
func benchSet(b *testing.B) PolicySet {
	inline := MustParse(`{"Version":"2012-10-17","Statement":[
		{"Sid":"OwnKeys","Effect":"Allow","Action":["iam:CreateAccessKey","iam:DeleteAccessKey","iam:ListAccessKeys","iam:UpdateAccessKey"],"Resource":"arn:aws:iam::123456789012:user/${aws:username}"},
		{"Sid":"Tables","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/app-*"},
		{"Sid":"NoProdDelete","Effect":"Deny","Action":"lambda:Delete*","Resource":"arn:aws:lambda:*:*:function:prod-*"},
		{"Sid":"Region","Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}},
		{"Sid":"Logs","Effect":"Allow","Action":["logs:FilterLogEvents","logs:GetLogEvents"],"Resource":"arn:aws:logs:*:*:log-group:/aws/lambda/*"}]}`, ParseIdentity)
	group := MustParse(`{"Version":"2012-10-17","Statement":[
		{"Sid":"Events","Effect":"Allow","Action":["events:PutRule","events:PutTargets","events:DescribeRule"],"Resource":"arn:aws:events:us-east-1:123456789012:rule/*"},
		{"Sid":"Api","Effect":"Allow","Action":"apigateway:GET","Resource":"arn:aws:apigateway:us-east-1::/restapis/*"},
		{"Sid":"Metrics","Effect":"Allow","Action":"cloudwatch:PutMetricData","Resource":"*","Condition":{"StringEquals":{"cloudwatch:namespace":"App"}}},
		{"Sid":"NoIAMWrite","Effect":"Deny","Action":["iam:Create*","iam:Delete*","iam:Put*","iam:Attach*"],"NotResource":"arn:aws:iam::123456789012:user/${aws:username}"},
		{"Sid":"Mfa","Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}},
		{"Sid":"Ip","Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.0/24"]}}}]}`, ParseIdentity)
	fnPolicy := MustParse(`{"Version":"2012-10-17","Id":"default","Statement":[
		{"Sid":"events","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:app-api","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:events:us-east-1:123456789012:rule/*"}}},
		{"Sid":"apigw","Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:app-api","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:us-east-1:123456789012:abc/*"}}},
		{"Sid":"ops","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/ops"},"Action":"lambda:*","Resource":"*"},
		{"Sid":"deny","Effect":"Deny","Principal":"*","Action":"lambda:RemovePermission","Resource":"*"},
		{"Sid":"acct","Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":"lambda:GetFunction","Resource":"*"}]}`, ParseResource)
	return PolicySet{
		Identity: []Named{
			{Name: "inline", Doc: inline},
			{Name: "devs", ARN: "arn:aws:iam::123456789012:policy/devs", Doc: group},
			{Name: "AWSLambda_FullAccess", ARN: "arn:aws:iam::aws:policy/AWSLambda_FullAccess", Doc: MustParse(AWSLambdaFullAccess, ParseIdentity)},
		},
		Resource: []Named{{Name: "function policy", Doc: fnPolicy}},
	}
}

func BenchmarkEvaluate(b *testing.B) {
	set := benchSet(b)
	n := 0
	for _, p := range append(append([]Named{}, set.Identity...), set.Resource...) {
		n += len(p.Doc.Statements)
	}
	if n != 20 {
		b.Fatalf("%d statements, want 20", n)
	}
	req := Request{Principal: bob, Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:123456789012:function:app-api",
		Context: map[string][]string{"aws:RequestedRegion": {"us-east-1"}, "aws:SourceIp": {"10.1.2.3"},
			"aws:CurrentTime": {"2026-01-01T00:00:00Z"}, "aws:SecureTransport": {"true"}}}
	if d := Evaluate(req, set); !d.Allowed {
		b.Fatalf("denied: %s", d.Reason)
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(req, set)
	}
}

func BenchmarkEvaluateDenied(b *testing.B) {
	set := benchSet(b)
	req := Request{Principal: bob, Action: "dynamodb:DeleteTable", Resource: "arn:aws:dynamodb:us-east-1:123456789012:table/app-x",
		Context: map[string][]string{"aws:RequestedRegion": {"us-east-1"}, "aws:SourceIp": {"10.1.2.3"}}}
	if d := Evaluate(req, set); d.Allowed {
		b.Fatal("allowed")
	}
	b.ReportAllocs()
	for b.Loop() {
		d := Evaluate(req, set)
		_ = DeniedMessage(req, d)
	}
}
