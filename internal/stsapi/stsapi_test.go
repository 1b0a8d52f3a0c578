package stsapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/policy"
	"github.com/gofaas/gofaas/internal/sqlite"
	"github.com/gofaas/gofaas/internal/stsapi"
)

const account = "123456789012"

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func accessKeyOf(r *http.Request) string {
	_, rest, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return ""
	}
	akid, _, _ := strings.Cut(rest, "/")
	return akid
}

// gateway stands in for the real one: the caller comes from the access
// key ("root" is the root user), signatures are not checked.
func gateway(store gofaas.CredentialStore, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		akid := accessKeyOf(r)
		var p *gofaas.Principal
		if akid == "root" {
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
			AccountID: account, Service: "sts", AccessKey: akid})
		next.ServeHTTP(w, r.WithContext(gofaas.WithPrincipal(ctx, p)))
	})
}

type env struct {
	store   *sqlite.IdentityStore
	handler *stsapi.Handler
	srv     *httptest.Server
	now     time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := sqlite.NewDB(":memory:")
	e := &env{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	db.Now = func() time.Time { return e.now }
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.store = sqlite.NewIdentityStore(db, account)
	e.store.AWSManaged = policy.AWSManaged
	e.handler = &stsapi.Handler{Store: e.store, Now: func() time.Time { return e.now }}
	e.srv = httptest.NewServer(gateway(e.store, e.handler))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) client(akid, secret, token string) *sts.Client {
	return sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(akid, secret, token),
	})
}

// user creates an IAM user with an access key and returns a client of it.
func (e *env) user(t *testing.T, name string) (*sts.Client, *gofaas.User) {
	t.Helper()
	ctx := context.Background()
	u := &gofaas.User{Name: name}
	ok(t, e.store.CreateUser(ctx, u))
	k, err := e.store.CreateAccessKey(ctx, name)
	ok(t, err)
	return e.client(k.AccessKeyID, k.SecretAccessKey, ""), u
}

func (e *env) role(t *testing.T, name, trust string, maxSession int) *gofaas.Role {
	t.Helper()
	r := &gofaas.Role{Name: name, AssumeRolePolicy: trust, MaxSessionDuration: maxSession}
	ok(t, e.store.CreateRole(context.Background(), r))
	return r
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func wantAPIError(t *testing.T, err error, code, message string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v, want API error %s", err, code)
	}
	if ae.ErrorCode() != code || (message != "" && ae.ErrorMessage() != message) {
		t.Fatalf("error = %s: %q, want %s: %q", ae.ErrorCode(), ae.ErrorMessage(), code, message)
	}
}

func trustFor(principal string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`
}

func TestGetCallerIdentity(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	root, err := e.client("root", "x", "").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	ok(t, err)
	if aws.ToString(root.Arn) != "arn:aws:iam::123456789012:root" || aws.ToString(root.UserId) != account || aws.ToString(root.Account) != account {
		t.Fatalf("root = %+v", root)
	}

	bob, u := e.user(t, "bob")
	me, err := bob.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	ok(t, err)
	if aws.ToString(me.Arn) != "arn:aws:iam::123456789012:user/bob" || aws.ToString(me.UserId) != u.UserID {
		t.Fatalf("user = %+v", me)
	}

	r := e.role(t, "deploy", trustFor("arn:aws:iam::123456789012:user/bob"), 0)
	out, err := bob.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/deploy"), RoleSessionName: aws.String("s1")})
	ok(t, err)
	c := out.Credentials
	sess := e.client(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	who, err := sess.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	ok(t, err)
	if aws.ToString(who.Arn) != "arn:aws:sts::123456789012:assumed-role/deploy/s1" || aws.ToString(who.UserId) != r.RoleID+":s1" {
		t.Fatalf("assumed role = %+v", who)
	}
}

func TestAssumeRole(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	bob, _ := e.user(t, "bob")
	r := e.role(t, "deploy", trustFor("arn:aws:iam::123456789012:user/bob"), 7200)
	roleARN := aws.String("arn:aws:iam::123456789012:role/deploy")

	out, err := bob.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN, RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(7200)})
	ok(t, err)
	c := out.Credentials
	if id := aws.ToString(c.AccessKeyId); !strings.HasPrefix(id, "ASIA") || len(id) != 20 {
		t.Fatalf("AccessKeyId = %s", id)
	}
	if len(aws.ToString(c.SecretAccessKey)) != 40 || len(aws.ToString(c.SessionToken)) < 100 {
		t.Fatalf("credentials = %+v", c)
	}
	if got, want := aws.ToTime(c.Expiration), e.now.Add(2*time.Hour); !got.Equal(want) {
		t.Fatalf("Expiration = %v, want %v", got, want)
	}
	if got := aws.ToString(out.AssumedRoleUser.AssumedRoleId); got != r.RoleID+":s1" {
		t.Fatalf("AssumedRoleId = %s", got)
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::123456789012:assumed-role/deploy/s1" {
		t.Fatalf("Arn = %s", got)
	}
	creds, err := e.store.LookupCredentials(ctx, aws.ToString(c.AccessKeyId))
	ok(t, err)
	if creds.SessionToken != aws.ToString(c.SessionToken) || creds.Principal.Type != "AssumedRole" || creds.Principal.SessionName != "s1" {
		t.Fatalf("credentials = %+v", creds.Principal)
	}
	// They expire.
	e.now = e.now.Add(2*time.Hour + time.Second)
	if _, err := e.store.LookupCredentials(ctx, aws.ToString(c.AccessKeyId)); gofaas.ErrorCode(err) != gofaas.ENOTFOUND {
		t.Fatalf("expired session: %v", err)
	}
}

func TestAssumeRoleRefusals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	bob, _ := e.user(t, "bob")
	e.role(t, "lambda", lambdaTrust, 0)
	e.role(t, "bobs", trustFor("arn:aws:iam::123456789012:user/bob"), 0)
	e.role(t, "acct", trustFor("arn:aws:iam::123456789012:root"), 0)
	denied := func(role string) string {
		return "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/" + role
	}
	assume := func(c *sts.Client, role string, d int32) error {
		in := &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/" + role), RoleSessionName: aws.String("s0")}
		if d != 0 {
			in.DurationSeconds = aws.Int32(d)
		}
		_, err := c.AssumeRole(ctx, in)
		return err
	}

	t.Run("TrustDenies", func(t *testing.T) {
		err := assume(bob, "lambda", 0)
		wantAPIError(t, err, "AccessDenied", denied("lambda"))
		var he interface{ HTTPStatusCode() int }
		if !errors.As(err, &he) || he.HTTPStatusCode() != 403 {
			t.Fatalf("status: %v", err)
		}
	})
	t.Run("NoSuchRole", func(t *testing.T) {
		wantAPIError(t, assume(bob, "nope", 0), "AccessDenied", denied("nope"))
	})
	t.Run("DurationTooLong", func(t *testing.T) {
		wantAPIError(t, assume(bob, "bobs", 3601), "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	})
	t.Run("DurationTooShort", func(t *testing.T) {
		wantAPIError(t, assume(bob, "bobs", 899), "ValidationError",
			"1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")
	})
	t.Run("Root", func(t *testing.T) {
		wantAPIError(t, assume(e.client("root", "x", ""), "bobs", 0), "AccessDenied", "Roles may not be assumed by root accounts.")
	})
	t.Run("BadSessionName", func(t *testing.T) {
		_, err := bob.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/bobs"), RoleSessionName: aws.String("a b")})
		wantAPIError(t, err, "ValidationError", "")
	})
	t.Run("MalformedSessionPolicy", func(t *testing.T) {
		_, err := bob.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/bobs"),
			RoleSessionName: aws.String("s0"), Policy: aws.String(`{"Statement":`)})
		var mpd *types.MalformedPolicyDocumentException
		if !errors.As(err, &mpd) {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("AccountTrustNeedsIdentityPolicy", func(t *testing.T) {
		e.handler.Authorize = func(ctx context.Context, action, resource string) error {
			return gofaas.Errorf(gofaas.EUNAUTHORIZED, "no identity-based policy allows the %s action", action)
		}
		defer func() { e.handler.Authorize = nil }()
		wantAPIError(t, assume(bob, "acct", 0), "AccessDenied", denied("acct"))
		// A trust policy naming bob himself suffices.
		ok(t, assume(bob, "bobs", 0))
	})
	t.Run("AccountTrustWithIdentityPolicy", func(t *testing.T) {
		ok(t, assume(bob, "acct", 0))
	})
	t.Run("RoleChaining", func(t *testing.T) {
		e.role(t, "long", trustFor("arn:aws:iam::123456789012:root"), 43200)
		out, err := bob.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/acct"), RoleSessionName: aws.String("s0")})
		ok(t, err)
		c := out.Credentials
		sess := e.client(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
		wantAPIError(t, assume(sess, "long", 7200), "ValidationError",
			"The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
		ok(t, assume(sess, "long", 3600))
	})
}

func TestSessionPolicies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	bob, _ := e.user(t, "bob")
	e.role(t, "bobs", trustFor("arn:aws:iam::123456789012:user/bob"), 0)
	ok(t, e.store.PutInlinePolicy(ctx, gofaas.KindRole, "bobs", "all", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`))
	session := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]}`
	out, err := bob.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/bobs"),
		RoleSessionName: aws.String("s0"), Policy: aws.String(session),
		PolicyArns: []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/service-role/AWSLambdaRole")}}})
	ok(t, err)
	if out.PackedPolicySize == nil {
		t.Fatal("no PackedPolicySize")
	}
	creds, err := e.store.LookupCredentials(ctx, aws.ToString(out.Credentials.AccessKeyId))
	ok(t, err)
	pp, err := e.store.PoliciesFor(ctx, creds.Principal)
	ok(t, err)
	if len(pp.Identity) != 1 || pp.Identity[0].Name != "all" {
		t.Fatalf("identity policies = %+v", pp.Identity)
	}
	if len(pp.Session) != 2 || pp.Session[0].Document != session || pp.Session[1].ARN != "arn:aws:iam::aws:policy/service-role/AWSLambdaRole" || pp.Session[1].Document == "" {
		t.Fatalf("session policies = %+v", pp.Session)
	}
}

func TestAssumeRoleForService(t *testing.T) {
	e := newEnv(t)
	ctx := gofaas.WithRequestInfo(context.Background(), &gofaas.RequestInfo{AccountID: account})
	r := e.role(t, "lambda-ex", lambdaTrust, 0)
	e.role(t, "other", trustFor("arn:aws:iam::123456789012:root"), 0)
	sess, err := e.handler.AssumeRoleForService(ctx, "arn:aws:iam::123456789012:role/lambda-ex", "my-function", "lambda.amazonaws.com", 0)
	ok(t, err)
	if !strings.HasPrefix(sess.AccessKeyID, "ASIA") || sess.RoleID != r.RoleID || !sess.Expiration.Equal(e.now.Add(time.Hour)) {
		t.Fatalf("session = %+v", sess)
	}
	creds, err := e.store.LookupCredentials(ctx, sess.AccessKeyID)
	ok(t, err)
	if creds.Principal.ARN != "arn:aws:sts::123456789012:assumed-role/lambda-ex/my-function" {
		t.Fatalf("principal = %+v", creds.Principal)
	}
	if _, err := e.handler.AssumeRoleForService(ctx, "arn:aws:iam::123456789012:role/other", "f", "lambda.amazonaws.com", 0); gofaas.ErrorCode(err) != gofaas.EINVALID {
		t.Fatalf("untrusted: %v", err)
	}
	if _, err := e.handler.AssumeRoleForService(ctx, "arn:aws:iam::123456789012:role/nope", "f", "lambda.amazonaws.com", 0); gofaas.ErrorCode(err) != gofaas.EINVALID {
		t.Fatalf("missing role: %v", err)
	}
	// Without RequestInfo, the Handler's AccountID names the account.
	e.handler.AccountID = account
	if _, err := e.handler.AssumeRoleForService(context.Background(), "arn:aws:iam::123456789012:role/lambda-ex", "f", "lambda.amazonaws.com", time.Minute*15); err != nil {
		t.Fatal(err)
	}
}
