package iamapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/iamapi"
	"github.com/gofaas/gofaas/internal/policy"
	"github.com/gofaas/gofaas/internal/sqlite"
)

const account = "123456789012"

// blogPolicy is the blog's policy document.
const blogPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","lambda:*"],"Resource":"*"}]}`

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

type env struct {
	store   *sqlite.IdentityStore
	handler *iamapi.Handler
	srv     *httptest.Server
	client  *iam.Client // signed with the root key "root"
}

// accessKeyOf returns the access key id of a SigV4 Authorization header.
func accessKeyOf(r *http.Request) string {
	_, rest, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return ""
	}
	akid, _, _ := strings.Cut(rest, "/")
	return akid
}

// gateway stands in for the real gateway: it resolves the caller from the
// access key (the key "root" is the root user) without checking
// signatures, and sets RequestInfo.
func gateway(store gofaas.CredentialStore, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		akid := accessKeyOf(r)
		var p *gofaas.Principal
		if akid == "root" || akid == "" {
			p = &gofaas.Principal{Type: "Root", ARN: "arn:aws:iam::" + account + ":root", AccountID: account, UserID: account}
		} else {
			creds, err := store.LookupCredentials(r.Context(), akid)
			if err != nil {
				http.Error(w, err.Error(), http.StatusForbidden)
				return
			}
			p = creds.Principal
		}
		ctx := gofaas.WithRequestInfo(r.Context(), &gofaas.RequestInfo{RequestID: "req-1", Region: "us-east-1",
			AccountID: account, Service: "iam", AccessKey: akid})
		next.ServeHTTP(w, r.WithContext(gofaas.WithPrincipal(ctx, p)))
	})
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := sqlite.NewDB(":memory:")
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := sqlite.NewIdentityStore(db, account)
	store.AWSManaged = policy.AWSManaged
	h := &iamapi.Handler{Store: store}
	srv := httptest.NewServer(gateway(store, h))
	t.Cleanup(srv.Close)
	return &env{store: store, handler: h, srv: srv, client: newClient(srv.URL, "root", "secret")}
}

func newClient(endpoint, akid, secret string) *iam.Client {
	return iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(akid, secret, ""),
	})
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// wantAPIError fails t unless err is an API error with code and message.
func wantAPIError(t *testing.T, err error, code, message string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v, want API error %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code = %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	if message != "" && ae.ErrorMessage() != message {
		t.Fatalf("error message = %q, want %q", ae.ErrorMessage(), message)
	}
}

func TestBlogSteps(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client

	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("lambda-deployer"), PolicyDocument: aws.String(blogPolicy)})
	ok(t, err)
	if got, want := aws.ToString(pol.Policy.Arn), "arn:aws:iam::123456789012:policy/lambda-deployer"; got != want {
		t.Fatalf("policy ARN = %s, want %s", got, want)
	}
	if id := aws.ToString(pol.Policy.PolicyId); !strings.HasPrefix(id, "ANPA") || len(id) != 21 {
		t.Fatalf("PolicyId = %s", id)
	}
	if got := aws.ToString(pol.Policy.DefaultVersionId); got != "v1" {
		t.Fatalf("DefaultVersionId = %s", got)
	}

	role, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("lambda-ex"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	if got, want := aws.ToString(role.Role.Arn), "arn:aws:iam::123456789012:role/lambda-ex"; got != want {
		t.Fatalf("role ARN = %s, want %s", got, want)
	}
	if !strings.HasPrefix(aws.ToString(role.Role.RoleId), "AROA") || aws.ToInt32(role.Role.MaxSessionDuration) != 3600 {
		t.Fatalf("role = %+v", role.Role)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument)); doc != lambdaTrust {
		t.Fatalf("trust policy = %s", doc)
	}

	_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("deployers")})
	ok(t, err)
	_, err = c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("deployers"), PolicyArn: pol.Policy.Arn})
	ok(t, err)
	user, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")})
	ok(t, err)
	if got, want := aws.ToString(user.User.Arn), "arn:aws:iam::123456789012:user/bob"; got != want {
		t.Fatalf("user ARN = %s, want %s", got, want)
	}
	_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("deployers"), UserName: aws.String("bob")})
	ok(t, err)
	key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	ok(t, err)
	akid := aws.ToString(key.AccessKey.AccessKeyId)
	if !strings.HasPrefix(akid, "AKIA") || len(akid) != 20 || len(aws.ToString(key.AccessKey.SecretAccessKey)) != 40 {
		t.Fatalf("access key = %+v", key.AccessKey)
	}
	if key.AccessKey.Status != types.StatusTypeActive || aws.ToString(key.AccessKey.UserName) != "bob" {
		t.Fatalf("access key = %+v", key.AccessKey)
	}

	creds, err := e.store.LookupCredentials(ctx, akid)
	ok(t, err)
	p := creds.Principal
	if p.Type != "IAMUser" || p.ARN != "arn:aws:iam::123456789012:user/bob" || p.UserID != aws.ToString(user.User.UserId) || p.Name != "bob" {
		t.Fatalf("principal = %+v", p)
	}
	if creds.SecretAccessKey != aws.ToString(key.AccessKey.SecretAccessKey) {
		t.Fatal("secret does not match")
	}

	// The user's policies, through its group.
	pp, err := e.store.PoliciesFor(ctx, p)
	ok(t, err)
	if len(pp.Identity) != 1 || pp.Identity[0].Document != blogPolicy || pp.Identity[0].ARN != aws.ToString(pol.Policy.Arn) {
		t.Fatalf("policies = %+v", pp.Identity)
	}

	// With bob's key, GetUser without a name is bob himself.
	bob := newClient(e.srv.URL, akid, "x")
	me, err := bob.GetUser(ctx, &iam.GetUserInput{})
	ok(t, err)
	if aws.ToString(me.User.UserName) != "bob" {
		t.Fatalf("GetUser = %+v", me.User)
	}
	// And CreateAccessKey without a name makes bob's second key.
	k2, err := bob.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	ok(t, err)
	if aws.ToString(k2.AccessKey.UserName) != "bob" {
		t.Fatalf("second key = %+v", k2.AccessKey)
	}
	_, err = bob.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	var le *types.LimitExceededException
	if !errors.As(err, &le) {
		t.Fatalf("third key: %v, want LimitExceeded", err)
	}
	wantAPIError(t, err, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")

	g, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("deployers")})
	ok(t, err)
	if len(g.Users) != 1 || aws.ToString(g.Users[0].UserName) != "bob" || !strings.HasPrefix(aws.ToString(g.Group.GroupId), "AGPA") {
		t.Fatalf("GetGroup = %+v", g)
	}
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: pol.Policy.Arn})
	ok(t, err)
	if aws.ToInt32(gp.Policy.AttachmentCount) != 1 {
		t.Fatalf("AttachmentCount = %d", aws.ToInt32(gp.Policy.AttachmentCount))
	}
}

func TestErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")})
	ok(t, err)
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)

	var nse *types.NoSuchEntityException
	_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	if !errors.As(err, &nse) {
		t.Fatalf("GetUser: %v", err)
	}
	wantAPIError(t, err, "NoSuchEntity", "The user with name alice cannot be found.")

	_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("x")})
	wantAPIError(t, err, "NoSuchEntity", "The role with name x cannot be found.")

	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::123456789012:policy/nope")})
	wantAPIError(t, err, "NoSuchEntity", "Policy arn:aws:iam::123456789012:policy/nope does not exist or is not attachable.")

	var eae *types.EntityAlreadyExistsException
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Bob")})
	if !errors.As(err, &eae) {
		t.Fatalf("CreateUser twice: %v", err)
	}
	wantAPIError(t, err, "EntityAlreadyExists", "User with name Bob already exists.")

	var mpd *types.MalformedPolicyDocumentException
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17"}`)})
	if !errors.As(err, &mpd) {
		t.Fatalf("CreatePolicy malformed: %v", err)
	}
	// A trust policy is not an identity policy.
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(lambdaTrust)})
	if !errors.As(err, &mpd) {
		t.Fatalf("CreatePolicy with a principal: %v", err)
	}
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(blogPolicy)})
	if !errors.As(err, &mpd) {
		t.Fatalf("CreateRole with an identity policy as trust policy: %v", err)
	}

	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bad name")})
	wantAPIError(t, err, "ValidationError", `1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`)

	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r3"), AssumeRolePolicyDocument: aws.String(lambdaTrust), MaxSessionDuration: aws.Int32(100)})
	wantAPIError(t, err, "ValidationError", "1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600")

	// DeleteConflict: a user with keys, then with groups.
	_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	ok(t, err)
	var dc *types.DeleteConflictException
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("bob")})
	if !errors.As(err, &dc) {
		t.Fatalf("DeleteUser with keys: %v", err)
	}
	wantAPIError(t, err, "DeleteConflict", "Cannot delete entity, must delete access keys first.")

	// A policy attached cannot be deleted.
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(blogPolicy)})
	ok(t, err)
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: pol.Policy.Arn})
	ok(t, err)
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: pol.Policy.Arn})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete a policy attached to entities.")
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r")})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	_, err = c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: pol.Policy.Arn})
	ok(t, err)
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: pol.Policy.Arn})
	ok(t, err)
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r")})
	ok(t, err)

	// AccessDenied from Authorize, message passed through.
	e.handler.Authorize = func(ctx context.Context, action, resource string) error {
		return gofaas.Errorf(gofaas.EUNAUTHORIZED, "User: x is not authorized to perform: %s on resource: %s", action, resource)
	}
	_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bob")})
	wantAPIError(t, err, "AccessDenied", "User: x is not authorized to perform: iam:GetUser on resource: arn:aws:iam::123456789012:user/bob")
	var he interface{ HTTPStatusCode() int }
	if !errors.As(err, &he) || he.HTTPStatusCode() != 403 {
		t.Fatalf("status: %v", err)
	}
}

func TestAuthorizeTable(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var got []string
	e.handler.Authorize = func(ctx context.Context, action, resource string) error {
		got = append(got, action+" "+resource)
		return nil
	}
	c := e.client
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob"), Path: aws.String("/team/")})
	ok(t, err)
	_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bob")})
	ok(t, err)
	_, err = c.ListUsers(ctx, &iam.ListUsersInput{})
	ok(t, err)
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")})
	ok(t, err)
	want := []string{
		"iam:CreateUser arn:aws:iam::123456789012:user/team/bob",
		"iam:GetUser arn:aws:iam::123456789012:user/team/bob",
		"iam:ListUsers *",
		"iam:CreateRole arn:aws:iam::123456789012:role/r",
		"iam:AttachRolePolicy arn:aws:iam::123456789012:role/r",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("authorized:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPaging(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	for _, n := range []string{"u1", "u2", "u3", "u4", "u5"} {
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(n)})
		ok(t, err)
	}
	out, err := c.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(2)})
	ok(t, err)
	if !out.IsTruncated || len(out.Users) != 2 || aws.ToString(out.Marker) == "" {
		t.Fatalf("first page = %+v", out)
	}
	var names []string
	pg := iam.NewListUsersPaginator(c, &iam.ListUsersInput{MaxItems: aws.Int32(2)})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		ok(t, err)
		for _, u := range page.Users {
			names = append(names, aws.ToString(u.UserName))
		}
	}
	if got := strings.Join(names, ","); got != "u1,u2,u3,u4,u5" {
		t.Fatalf("paged users = %s", got)
	}
	// ListPolicies Scope=AWS serves the AWS managed policies.
	aws1, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws})
	ok(t, err)
	if len(aws1.Policies) != len(policy.AWSManaged) {
		t.Fatalf("AWS policies = %d, want %d", len(aws1.Policies), len(policy.AWSManaged))
	}
	local, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal})
	ok(t, err)
	if len(local.Policies) != 0 {
		t.Fatalf("local policies = %d", len(local.Policies))
	}
	admin := "arn:aws:iam::aws:policy/AdministratorAccess"
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(admin)})
	ok(t, err)
	if aws.ToString(gp.Policy.PolicyName) != "AdministratorAccess" || aws.ToString(gp.Policy.Path) != "/" {
		t.Fatalf("GetPolicy = %+v", gp.Policy)
	}
	v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(admin), VersionId: gp.Policy.DefaultVersionId})
	ok(t, err)
	if doc, _ := url.QueryUnescape(aws.ToString(v.PolicyVersion.Document)); doc != policy.AWSManaged[admin] {
		t.Fatalf("document = %s", doc)
	}
}

func TestPolicyVersions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(blogPolicy)})
	ok(t, err)
	arn := pol.Policy.Arn
	doc2 := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/a+b"}]}`
	for i := 2; i <= 5; i++ {
		v, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(doc2), SetAsDefault: i == 3})
		ok(t, err)
		if got, want := aws.ToString(v.PolicyVersion.VersionId), "v"+string(rune('0'+i)); got != want {
			t.Fatalf("version = %s, want %s", got, want)
		}
	}
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(doc2)})
	wantAPIError(t, err, "LimitExceeded", "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
	ok(t, err)
	if aws.ToString(gp.Policy.DefaultVersionId) != "v3" {
		t.Fatalf("default = %s", aws.ToString(gp.Policy.DefaultVersionId))
	}
	_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v3")})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete the default version of a policy.")
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
	wantAPIError(t, err, "DeleteConflict", "")
	ok(t, func() error {
		_, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v5")})
		return err
	}())
	list, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: arn})
	ok(t, err)
	var ids []string
	for _, v := range list.Versions {
		ids = append(ids, aws.ToString(v.VersionId))
		if v.IsDefaultVersion != (aws.ToString(v.VersionId) == "v3") {
			t.Fatalf("IsDefaultVersion of %s = %v", aws.ToString(v.VersionId), v.IsDefaultVersion)
		}
	}
	if got := strings.Join(ids, ","); got != "v4,v3,v2,v1" {
		t.Fatalf("versions = %s", got)
	}
	// A new version after a deletion gets a new number.
	v6, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(doc2)})
	ok(t, err)
	if aws.ToString(v6.PolicyVersion.VersionId) != "v6" {
		t.Fatalf("version = %s", aws.ToString(v6.PolicyVersion.VersionId))
	}
	gv, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v2")})
	ok(t, err)
	raw := aws.ToString(gv.PolicyVersion.Document)
	if strings.ContainsAny(raw, "{}\" +") {
		t.Fatalf("document not URL-encoded: %s", raw)
	}
	if doc, _ := url.QueryUnescape(raw); doc != doc2 {
		t.Fatalf("document = %s", doc)
	}
	_, err = c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v1")})
	ok(t, err)
	_, err = c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v9")})
	wantAPIError(t, err, "NoSuchEntity", "")
}

func TestInlinePolicies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"logs:*\", \"Resource\": \"*\"}\n}"
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("logs"), PolicyDocument: aws.String(doc)})
	ok(t, err)
	got, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("logs")})
	ok(t, err)
	if aws.ToString(got.RoleName) != "r" || aws.ToString(got.PolicyName) != "logs" {
		t.Fatalf("GetRolePolicy = %+v", got)
	}
	if raw := aws.ToString(got.PolicyDocument); !strings.HasPrefix(raw, "%7B%0A%20%20%22Version%22") {
		t.Fatalf("document = %s", raw)
	}
	if d, _ := url.QueryUnescape(aws.ToString(got.PolicyDocument)); d != doc {
		t.Fatalf("document = %q", d)
	}
	names, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("r")})
	ok(t, err)
	if len(names.PolicyNames) != 1 || names.PolicyNames[0] != "logs" {
		t.Fatalf("ListRolePolicies = %+v", names)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r")})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.")
	_, err = c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("nope")})
	wantAPIError(t, err, "NoSuchEntity", "The role policy with name nope cannot be found.")
	_, err = c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("logs")})
	ok(t, err)

	// Users and groups too.
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")})
	ok(t, err)
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("p"), PolicyDocument: aws.String(blogPolicy)})
	ok(t, err)
	gu, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("p")})
	ok(t, err)
	if aws.ToString(gu.UserName) != "u" {
		t.Fatalf("GetUserPolicy = %+v", gu)
	}
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("p"), PolicyDocument: aws.String("{")})
	var mpd *types.MalformedPolicyDocumentException
	if !errors.As(err, &mpd) {
		t.Fatalf("malformed inline policy: %v", err)
	}
}

func TestRolesAndTags(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(lambdaTrust),
		Description: aws.String("d"), MaxSessionDuration: aws.Int32(7200), Path: aws.String("/svc/"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	ok(t, err)
	_, err = c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("r"), MaxSessionDuration: aws.Int32(43200)})
	ok(t, err)
	newTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: aws.String(newTrust)})
	ok(t, err)
	_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}})
	ok(t, err)
	_, err = c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("r"), TagKeys: []string{"team"}})
	ok(t, err)
	r, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")})
	ok(t, err)
	if aws.ToString(r.Role.Description) != "d" || aws.ToInt32(r.Role.MaxSessionDuration) != 43200 ||
		aws.ToString(r.Role.Arn) != "arn:aws:iam::123456789012:role/svc/r" {
		t.Fatalf("role = %+v", r.Role)
	}
	if len(r.Role.Tags) != 1 || aws.ToString(r.Role.Tags[0].Key) != "env" {
		t.Fatalf("tags = %+v", r.Role.Tags)
	}
	if d, _ := url.QueryUnescape(aws.ToString(r.Role.AssumeRolePolicyDocument)); d != newTrust {
		t.Fatalf("trust = %s", d)
	}
	roles, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/svc/")})
	ok(t, err)
	if len(roles.Roles) != 1 {
		t.Fatalf("ListRoles = %+v", roles.Roles)
	}
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")})
	ok(t, err)
	_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("u"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	ok(t, err)
	tags, err := c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("u")})
	ok(t, err)
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "v" {
		t.Fatalf("ListUserTags = %+v", tags.Tags)
	}
}

func TestGroupsAndKeys(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")})
	ok(t, err)
	_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")})
	ok(t, err)
	_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("g"), UserName: aws.String("u")})
	ok(t, err)
	gs, err := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("u")})
	ok(t, err)
	if len(gs.Groups) != 1 {
		t.Fatalf("ListGroupsForUser = %+v", gs.Groups)
	}
	_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("g")})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete entity, must remove users from group first.")
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("u")})
	wantAPIError(t, err, "DeleteConflict", "")
	_, err = c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("g"), UserName: aws.String("u")})
	ok(t, err)
	_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("g")})
	ok(t, err)
	groups, err := c.ListGroups(ctx, &iam.ListGroupsInput{})
	ok(t, err)
	if len(groups.Groups) != 0 {
		t.Fatalf("groups = %+v", groups.Groups)
	}

	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("u")})
	ok(t, err)
	_, err = c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("u"), AccessKeyId: k.AccessKey.AccessKeyId, Status: types.StatusTypeInactive})
	ok(t, err)
	keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("u")})
	ok(t, err)
	if len(keys.AccessKeyMetadata) != 1 || keys.AccessKeyMetadata[0].Status != types.StatusTypeInactive {
		t.Fatalf("keys = %+v", keys.AccessKeyMetadata)
	}
	if _, err := e.store.LookupCredentials(ctx, aws.ToString(k.AccessKey.AccessKeyId)); gofaas.ErrorCode(err) != gofaas.ENOTFOUND {
		t.Fatalf("inactive key lookup: %v", err)
	}
	_, err = c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("u"), AccessKeyId: aws.String("AKIAAAAAAAAAAAAAAAAA")})
	wantAPIError(t, err, "NoSuchEntity", "The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found.")
	_, err = c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("u"), AccessKeyId: k.AccessKey.AccessKeyId})
	ok(t, err)
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("u")})
	ok(t, err)
	_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	wantAPIError(t, err, "NoSuchEntity", "The user with name u cannot be found.")

	// The root user sees itself.
	me, err := c.GetUser(ctx, &iam.GetUserInput{})
	ok(t, err)
	if aws.ToString(me.User.Arn) != "arn:aws:iam::123456789012:root" || aws.ToString(me.User.UserId) != account {
		t.Fatalf("root GetUser = %+v", me.User)
	}
}

func TestUnknownAction(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Post(e.srv.URL, "application/x-www-form-urlencoded", strings.NewReader("Action=Nope&Version=2010-05-08"))
	ok(t, err)
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("status = %d", resp.StatusCode)
	}
}
