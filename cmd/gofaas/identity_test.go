package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/gofaas/gofaas/internal/testfn"
)

// The end-to-end tests of who a caller is and what it may do: the blog's IAM
// steps through the IAM API, iam:PassRole and the execution role's trust on
// CreateFunction, explicit denies, Lambda resource policies, STS sessions
// with session policies, and a function that asks STS who it runs as. Every
// client is the real aws-sdk-go-v2 one, signed with the key under test.

const (
	acct = "123456789012"
	// blogPolicy is the blog's policy for Lambda developers.
	blogPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","lambda:*"],"Resource":"*"}]}`
	// lambdaStar allows every Lambda action but not iam:PassRole.
	lambdaStar = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"}]}`
	ec2Trust   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

// whoamiOut is what testdata/functions/whoami returns: STS's
// GetCallerIdentity as the function sees it.
type whoamiOut struct {
	Account string
	Arn     string
	UserId  string
}

// key is an access key: "KEY SECRET" and, for a session, its token.
type key struct{ id, secret, token string }

func (k key) provider() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(k.id, k.secret, k.token)
}

// lambdaAs, iamAs and stsAs return the SDK's clients for m signed with k.
func lambdaAs(m *Main, k key) *lambda.Client {
	return lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL()),
		Credentials: k.provider(), Retryer: aws.NopRetryer{}})
}

func iamAs(m *Main, k key) *iam.Client {
	return iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL()),
		Credentials: k.provider(), Retryer: aws.NopRetryer{}})
}

func stsAs(m *Main, k key) *sts.Client {
	return sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL()),
		Credentials: k.provider(), Retryer: aws.NopRetryer{}})
}

// devRoot is the root key gofaas --dev accepts.
var devRoot = key{id: "test", secret: "test"}

func userARN(name string) string     { return "arn:aws:iam::" + acct + ":user/" + name }
func roleARN(name string) string     { return "arn:aws:iam::" + acct + ":role/" + name }
func functionARN(name string) string { return "arn:aws:lambda:us-east-1:" + acct + ":function:" + name }

// newRole creates role name with trust policy trust, signed with the root
// key, and returns its ARN.
func newRole(t *testing.T, m *Main, name, trust string) string {
	t.Helper()
	out, err := iamAs(m, devRoot).CreateRole(testContext(t), &iam.CreateRoleInput{
		RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatalf("CreateRole %s: %v", name, err)
	}
	if got, want := aws.ToString(out.Role.Arn), roleARN(name); got != want {
		t.Fatalf("CreateRole Arn = %q, want %q", got, want)
	}
	return aws.ToString(out.Role.Arn)
}

// newUser creates user name with an access key, signed with the root key;
// the user joins groups and gets inline policies (name → document).
func newUser(t *testing.T, m *Main, name string, groups []string, inline map[string]string) key {
	t.Helper()
	ctx := testContext(t)
	root := iamAs(m, devRoot)
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatalf("CreateUser %s: %v", name, err)
	}
	for _, g := range groups {
		if _, err := root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(g), UserName: aws.String(name)}); err != nil {
			t.Fatalf("AddUserToGroup %s %s: %v", g, name, err)
		}
	}
	for pn, doc := range inline {
		if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name),
			PolicyName: aws.String(pn), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatalf("PutUserPolicy %s %s: %v", name, pn, err)
		}
	}
	out, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateAccessKey %s: %v", name, err)
	}
	if id := aws.ToString(out.AccessKey.AccessKeyId); !strings.HasPrefix(id, "AKIA") || len(id) != 20 {
		t.Errorf("AccessKeyId = %q, want AKIA and 16 more characters", id)
	}
	return key{id: aws.ToString(out.AccessKey.AccessKeyId), secret: aws.ToString(out.AccessKey.SecretAccessKey)}
}

// blogIAM does the blog's IAM steps through the IAM API, signed with the
// root key: a policy allowing iam:PassRole and lambda:*, an execution role
// "lambda-blog" trusting Lambda, and a group "developers" with the policy.
// It returns the role's ARN.
func blogIAM(t *testing.T, m *Main) string {
	t.Helper()
	ctx := testContext(t)
	root := iamAs(m, devRoot)
	p, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("lambda-developers"), PolicyDocument: aws.String(blogPolicy)})
	if err != nil {
		t.Fatalf("CreatePolicy: %v", err)
	}
	if got, want := aws.ToString(p.Policy.Arn), "arn:aws:iam::"+acct+":policy/lambda-developers"; got != want {
		t.Errorf("CreatePolicy Arn = %q, want %q", got, want)
	}
	role := newRole(t, m, "lambda-blog", lambdaTrust)
	if _, err := root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("developers")}); err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	if _, err := root.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("developers"), PolicyArn: p.Policy.Arn}); err != nil {
		t.Fatalf("AttachGroupPolicy: %v", err)
	}
	return role
}

// wantAPIError checks that err is the service error code with HTTP status
// status and a message containing each of parts.
func wantAPIError(t *testing.T, what string, err error, code string, status int, parts ...string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Errorf("%s: err = %v, want %s", what, err, code)
		return
	}
	if ae.ErrorCode() != code {
		t.Errorf("%s: error code = %s (%v), want %s", what, ae.ErrorCode(), err, code)
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() != status {
		t.Errorf("%s: HTTP status = %d, want %d", what, re.HTTPStatusCode(), status)
	}
	for _, p := range parts {
		if !strings.Contains(ae.ErrorMessage(), p) {
			t.Errorf("%s: message = %q, want it to contain %q", what, ae.ErrorMessage(), p)
		}
	}
}

// TestFunctionIdentity: inside a function, the SDK's default configuration
// finds the execution role's credentials and gofaas's endpoint, and STS says
// the function is a session of its role named after the function.
func TestFunctionIdentity(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	createFunction(t, c, "whoami", "provided.al2023", "bootstrap", testfn.Build(t, "whoami", "bootstrap"))
	role, err := m.Identity.GetRole(testContext(t), "lambda-all")
	if err != nil {
		t.Fatal(err)
	}
	want := whoamiOut{
		Account: acct,
		Arn:     "arn:aws:sts::" + acct + ":assumed-role/lambda-all/whoami",
		UserId:  role.RoleID + ":whoami",
	}
	for _, invocation := range []string{"cold", "warm"} {
		out := invokeFn(t, c, "whoami", map[string]string{})
		if out.FunctionError != nil {
			t.Fatalf("%s invoke: %s: %s", invocation, aws.ToString(out.FunctionError), out.Payload)
		}
		if got := decode[whoamiOut](t, out.Payload); got != want {
			t.Errorf("%s invoke: GetCallerIdentity = %+v, want %+v", invocation, got, want)
		}
	}
}

// TestBlogIAM is the blog's IAM walkthrough through the SDK: the root key
// sets up a policy, a role, a group and a user; the user's key creates a
// function with the role and invokes it; a user without iam:PassRole and a
// role that does not trust Lambda are refused as Lambda refuses them.
func TestBlogIAM(t *testing.T) {
	m := testServer(t)
	ctx := testContext(t)
	role := blogIAM(t, m)
	alice := newUser(t, m, "alice", []string{"developers"}, nil)
	zip := testfn.Build(t, "whoami", "bootstrap")

	id, err := stsAs(m, alice).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity as alice: %v", err)
	}
	if got, want := aws.ToString(id.Arn), userARN("alice"); got != want {
		t.Errorf("alice's Arn = %q, want %q", got, want)
	}
	if got := aws.ToString(id.Account); got != acct {
		t.Errorf("alice's Account = %q, want %s", got, acct)
	}

	c := lambdaAs(m, alice)
	createFunction(t, c, "blog", "provided.al2023", "bootstrap", zip, func(in *lambda.CreateFunctionInput) { in.Role = aws.String(role) })
	out := invokeFn(t, c, "blog", map[string]string{})
	if out.FunctionError != nil {
		t.Fatalf("invoke as alice: %s: %s", aws.ToString(out.FunctionError), out.Payload)
	}
	if got, want := decode[whoamiOut](t, out.Payload).Arn, "arn:aws:sts::"+acct+":assumed-role/lambda-blog/blog"; got != want {
		t.Errorf("the function's Arn = %q, want %q", got, want)
	}

	t.Run("no iam:PassRole", func(t *testing.T) {
		bob := newUser(t, m, "bob", nil, map[string]string{"lambda-only": lambdaStar})
		c := lambdaAs(m, bob)
		if _, err := c.ListFunctions(ctx, &lambda.ListFunctionsInput{}); err != nil {
			t.Fatalf("ListFunctions as bob (lambda:*): %v", err)
		}
		_, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("bobs"), Runtime: types.RuntimeProvidedal2023,
			Handler: aws.String("bootstrap"), Role: aws.String(role), Code: &types.FunctionCode{ZipFile: zip}})
		// Lambda's model has no AccessDeniedException shape: the SDK gives a
		// generic API error with the code.
		wantAPIError(t, "CreateFunction without iam:PassRole", err, "AccessDeniedException", 403,
			"User: "+userARN("bob")+" is not authorized to perform: iam:PassRole on resource: "+role+
				" because no identity-based policy allows the iam:PassRole action")
		_, err = c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("bobs")})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Errorf("GetFunction of the refused function = %v, want ResourceNotFoundException", err)
		}
	})

	t.Run("role not trusting Lambda", func(t *testing.T) {
		for _, r := range []string{newRole(t, m, "ec2-only", ec2Trust), roleARN("no-such-role")} {
			_, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("untrusted"), Runtime: types.RuntimeProvidedal2023,
				Handler: aws.String("bootstrap"), Role: aws.String(r), Code: &types.FunctionCode{ZipFile: zip}})
			var ipv *types.InvalidParameterValueException
			if !errors.As(err, &ipv) {
				t.Errorf("CreateFunction with %s = %v, want InvalidParameterValueException", r, err)
				continue
			}
			if got, want := ipv.ErrorMessage(), "The role defined for the function cannot be assumed by Lambda."; got != want {
				t.Errorf("CreateFunction with %s: message = %q, want %q", r, got, want)
			}
		}
	})

	t.Run("bad credentials", func(t *testing.T) {
		wrong := key{id: alice.id, secret: "wrong" + alice.secret[5:]}
		unknown := key{id: "AKIAUNKNOWNUNKNOWN00", secret: alice.secret}
		cases := []struct {
			name   string
			k      key
			lambda string // Lambda's error code
			query  string // IAM's and STS's
		}{
			{"wrong secret", wrong, "InvalidSignatureException", "SignatureDoesNotMatch"},
			{"unknown key", unknown, "UnrecognizedClientException", "InvalidClientTokenId"},
		}
		for _, tc := range cases {
			_, err := lambdaAs(m, tc.k).ListFunctions(ctx, &lambda.ListFunctionsInput{})
			wantAPIError(t, "lambda, "+tc.name, err, tc.lambda, 403)
			_, err = iamAs(m, tc.k).GetUser(ctx, &iam.GetUserInput{})
			wantAPIError(t, "iam, "+tc.name, err, tc.query, 403)
			_, err = stsAs(m, tc.k).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			wantAPIError(t, "sts, "+tc.name, err, tc.query, 403)
		}
	})
}

// TestExplicitDeny: an explicit Deny in a user's inline policy on
// lambda:InvokeFunction for one function beats the Allow of the user's
// group, and of the function's own resource policy; other functions and
// other actions stay allowed.
func TestExplicitDeny(t *testing.T) {
	m := testServer(t)
	ctx := testContext(t)
	blogIAM(t, m)
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"NoSecret","Effect":"Deny","Action":"lambda:InvokeFunction","Resource":"` + functionARN("secret") + `"}]}`
	carol := newUser(t, m, "carol", []string{"developers"}, map[string]string{"no-secret": deny})
	root := lambdaClient(t, m, "us-east-1")
	for _, fn := range []string{"secret", "open"} {
		createFunction(t, root, fn, "provided.al2023", "echo", testfn.ShellRuntime(t))
	}

	c := lambdaAs(m, carol)
	if out := invokeFn(t, c, "open", map[string]int{"n": 1}); out.FunctionError != nil {
		t.Errorf("invoke open: %s", out.Payload)
	}
	if _, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("secret")}); err != nil {
		t.Errorf("GetFunction secret (the group allows lambda:*): %v", err)
	}
	denied := "User: " + userARN("carol") + " is not authorized to perform: lambda:InvokeFunction on resource: " +
		functionARN("secret") + " with an explicit deny in an identity-based policy"
	_, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("secret"), Payload: []byte(`{}`)})
	wantAPIError(t, "invoke secret", err, "AccessDeniedException", 403, denied)

	// A resource policy naming carol does not beat her explicit deny either.
	if _, err := root.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("secret"), StatementId: aws.String("carol"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String(userARN("carol"))}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("secret"), Payload: []byte(`{}`)})
	wantAPIError(t, "invoke secret with a resource policy naming carol", err, "AccessDeniedException", 403, denied)
}

// TestResourcePolicyGrants: within one account, a function's resource
// policy that names a user lets that user invoke with no identity policy at
// all ("Policy evaluation for requests within a single account"); a grant
// to the account only delegates to the account's identity policies, which
// give this user nothing (IAM User Guide, "AWS account principals").
func TestResourcePolicyGrants(t *testing.T) {
	m := testServer(t)
	ctx := testContext(t)
	dave := newUser(t, m, "dave", nil, nil)
	root := lambdaClient(t, m, "us-east-1")
	for _, fn := range []string{"shared", "account"} {
		createFunction(t, root, fn, "provided.al2023", "echo", testfn.ShellRuntime(t))
	}
	c := lambdaAs(m, dave)
	notAuthorized := func(fn string) string {
		return "User: " + userARN("dave") + " is not authorized to perform: lambda:InvokeFunction on resource: " + functionARN(fn)
	}

	_, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("shared"), Payload: []byte(`{}`)})
	wantAPIError(t, "invoke shared before AddPermission", err, "AccessDeniedException", 403, notAuthorized("shared"))

	if _, err := root.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("shared"), StatementId: aws.String("dave"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String(userARN("dave"))}); err != nil {
		t.Fatal(err)
	}
	out := invokeFn(t, c, "shared", map[string]string{"from": "dave"})
	if out.FunctionError != nil {
		t.Errorf("invoke shared: %s", out.Payload)
	}
	if got := decode[map[string]any](t, out.Payload)["event"]; got == nil || got.(map[string]any)["from"] != "dave" {
		t.Errorf("invoke shared answered %s", out.Payload)
	}
	// The statement grants lambda:InvokeFunction, nothing else.
	_, err = c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("shared")})
	wantAPIError(t, "GetFunction shared", err, "AccessDeniedException", 403,
		"User: "+userARN("dave")+" is not authorized to perform: lambda:GetFunction on resource: "+functionARN("shared"))

	// Principal: the account id (AddPermission writes arn:aws:iam::ACCT:root).
	if _, err := root.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("account"), StatementId: aws.String("acct"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String(acct)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("account"), Payload: []byte(`{}`)})
	wantAPIError(t, "invoke account (resource policy names only the account)", err, "AccessDeniedException", 403, notAuthorized("account"))
}

// TestSessionPolicy: a session from AssumeRole with a session policy has
// the intersection of the role's permissions and the session policy.
func TestSessionPolicy(t *testing.T) {
	m := testServer(t)
	ctx := testContext(t)
	erin := newUser(t, m, "erin", nil, nil)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + userARN("erin") + `"},"Action":"sts:AssumeRole"}]}`
	newRole(t, m, "deployer", trust)
	if _, err := iamAs(m, devRoot).PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("deployer"),
		PolicyName: aws.String("lambda"), PolicyDocument: aws.String(lambdaStar)}); err != nil {
		t.Fatal(err)
	}
	root := lambdaClient(t, m, "us-east-1")
	createFunction(t, root, "target", "provided.al2023", "echo", testfn.ShellRuntime(t))

	sessionPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*"}]}`
	ar, err := stsAs(m, erin).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN("deployer")),
		RoleSessionName: aws.String("readonly"), Policy: aws.String(sessionPolicy)})
	if err != nil {
		t.Fatalf("AssumeRole as erin: %v", err)
	}
	session := key{id: aws.ToString(ar.Credentials.AccessKeyId), secret: aws.ToString(ar.Credentials.SecretAccessKey),
		token: aws.ToString(ar.Credentials.SessionToken)}
	if !strings.HasPrefix(session.id, "ASIA") || session.token == "" || ar.Credentials.Expiration == nil {
		t.Errorf("AssumeRole credentials = %+v, want an ASIA key, a token and an expiration", ar.Credentials)
	}
	sessionARN := "arn:aws:sts::" + acct + ":assumed-role/deployer/readonly"
	if got := aws.ToString(ar.AssumedRoleUser.Arn); got != sessionARN {
		t.Errorf("AssumedRoleUser.Arn = %q, want %q", got, sessionARN)
	}
	id, err := stsAs(m, session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != sessionARN {
		t.Errorf("GetCallerIdentity with the session = %v, %v; want %s", id, err, sessionARN)
	}

	c := lambdaAs(m, session)
	if _, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("target")}); err != nil {
		t.Errorf("GetFunction with the session: %v", err)
	}
	_, err = c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("target")})
	wantAPIError(t, "DeleteFunction with the session", err, "AccessDeniedException", 403,
		"User: "+sessionARN+" is not authorized to perform: lambda:DeleteFunction on resource: "+functionARN("target"),
		"because no session policy allows the lambda:DeleteFunction action")
	if _, err := root.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("target")}); err != nil {
		t.Errorf("the function after the refused DeleteFunction: %v", err)
	}
}
