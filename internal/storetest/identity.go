package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
)

// IdentityAccount is the account the identity store under test must
// belong to.
const IdentityAccount = "123456789012"

// AWSManagedPolicies are the AWS managed policies the identity store under
// test must serve.
var AWSManagedPolicies = map[string]string{
	"arn:aws:iam::aws:policy/AdministratorAccess":                      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
	"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`,
}

const (
	docAllowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	docLambda   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"}]}`
	docTrust    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	adminARN    = "arn:aws:iam::aws:policy/AdministratorAccess"
)

// RunIdentityStore runs the gofaas.IdentityStore contract against stores
// returned by open: fresh, empty, of account IdentityAccount, serving
// AWSManagedPolicies, with a clock at real time.
func RunIdentityStore(t *testing.T, open func(t *testing.T) gofaas.IdentityStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s gofaas.IdentityStore)
	}{
		{"Users", testUsers},
		{"UsersPaging", testUsersPaging},
		{"Groups", testGroups},
		{"Roles", testRoles},
		{"ManagedPolicies", testManagedPolicies},
		{"PolicyVersions", testPolicyVersions},
		{"Attachments", testAttachments},
		{"InlinePolicies", testInlinePolicies},
		{"AccessKeys", testAccessKeys},
		{"Sessions", testSessions},
		{"PoliciesFor", testPoliciesFor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

func testUsers(t *testing.T, s gofaas.IdentityStore) {
	ctx := context.Background()
	u := &gofaas.User{Name: "Bob", Path: "/team/", Tags: map[string]string{"k": "v"}}
	ok(t, s.CreateUser(ctx, u))
	if !strings.HasPrefix(u.UserID, "AIDA") || len(u.UserID) != 21 || u.Created.IsZero() {
		t.Fatalf("created user = %+v", u)
	}
	err := s.CreateUser(ctx, &gofaas.User{Name: "bob"})
	wantCode(t, err, gofaas.ECONFLICT)
	wantMessage(t, err, "User with name bob already exists.")
	got, err := s.GetUser(ctx, "BOB")
	ok(t, err)
	if got.Name != "Bob" || got.Path != "/team/" || got.UserID != u.UserID || got.Tags["k"] != "v" {
		t.Fatalf("GetUser = %+v", got)
	}
	_, err = s.GetUser(ctx, "alice")
	wantCode(t, err, gofaas.ENOTFOUND)
	wantMessage(t, err, "The user with name alice cannot be found.")
	ok(t, s.TagUser(ctx, "bob", map[string]string{"a": "1"}))
	ok(t, s.UntagUser(ctx, "bob", []string{"k"}))
	got, _ = s.GetUser(ctx, "bob")
	if len(got.Tags) != 1 || got.Tags["a"] != "1" {
		t.Fatalf("tags = %v", got.Tags)
	}
	ok(t, s.DeleteUser(ctx, "bob"))
	wantCode(t, s.DeleteUser(ctx, "bob"), gofaas.ENOTFOUND)
}

func testUsersPaging(t *testing.T, s gofaas.IdentityStore) {
	ctx := context.Background()
	for _, n := range []string{"e", "a", "d", "c", "b"} {
		path := "/"
		if n == "c" {
			path = "/x/"
		}
		ok(t, s.CreateUser(ctx, &gofaas.User{Name: n, Path: path}))
	}
	var names []string
	opts := gofaas.ListOptions{MaxItems: 2}
	for {
		users, page, err := s.ListUsers(ctx, opts)
		ok(t, err)
		for _, u := range users {
			names = append(names, u.Name)
		}
		if !page.IsTruncated() {
			break
		}
		opts.Marker = page.Marker
	}
	if got := strings.Join(names, ","); got != "a,b,c,d,e" {
		t.Fatalf("users = %s", got)
	}
	users, _, err := s.ListUsers(ctx, gofaas.ListOptions{PathPrefix: "/x/"})
	ok(t, err)
	if len(users) != 1 || users[0].Name != "c" {
		t.Fatalf("path prefix: %+v", users)
	}
}

func testGroups(t *testing.T, s gofaas.IdentityStore) {
	ctx := context.Background()
	g := &gofaas.Group{Name: "devs"}
	ok(t, s.CreateGroup(ctx, g))
	if !strings.HasPrefix(g.GroupID, "AGPA") || g.Path != "/" {
		t.Fatalf("group = %+v", g)
	}
	wantCode(t, s.CreateGroup(ctx, &gofaas.Group{Name: "Devs"}), gofaas.ECONFLICT)
	ok(t, s.CreateUser(ctx, &gofaas.User{Name: "u"}))
	wantMessage(t, s.AddUserToGroup(ctx, "devs", "nobody"), "The user with name nobody cannot be found.")
	wantMessage(t, s.AddUserToGroup(ctx, "nogroup", "u"), "The group with name nogroup cannot be found.")
	ok(t, s.AddUserToGroup(ctx, "devs", "u"))
	ok(t, s.AddUserToGroup(ctx, "devs", "u"))
	users, _, err := s.ListGroupUsers(ctx, "devs", gofaas.ListOptions{})
	ok(t, err)
	if len(users) != 1 || users[0].Name != "u" {
		t.Fatalf("members = %+v", users)
	}
	groups, _, err := s.ListGroupsForUser(ctx, "u", gofaas.ListOptions{})
	ok(t, err)
	if len(groups) != 1 || groups[0].Name != "devs" {
		t.Fatalf("groups = %+v", groups)
	}
	err = s.DeleteGroup(ctx, "devs")
	wantCode(t, err, gofaas.ECONFLICT)
	wantMessage(t, err, "Cannot delete entity, must remove users from group first.")
	wantCode(t, s.DeleteUser(ctx, "u"), gofaas.ECONFLICT)
	ok(t, s.RemoveUserFromGroup(ctx, "devs", "u"))
	ok(t, s.DeleteGroup(ctx, "devs"))
	ok(t, s.DeleteUser(ctx, "u"))
}

func testRoles(t *testing.T, s gofaas.IdentityStore) {
	ctx := context.Background()
	r := &gofaas.Role{Name: "exec", AssumeRolePolicy: docTrust}
	ok(t, s.CreateRole(ctx, r))
	if !strings.HasPrefix(r.RoleID, "AROA") || r.MaxSessionDuration != gofaas.DefaultMaxSessionDuration {
		t.Fatalf("role = %+v", r)
	}
	err := s.CreateRole(ctx, &gofaas.Role{Name: "exec", AssumeRolePolicy: docTrust})
	wantMessage(t, err, "Role with name exec already exists.")
	desc := "d"
	ok(t, s.UpdateRole(ctx, "exec", &desc, 7200))
	ok(t, s.UpdateAssumeRolePolicy(ctx, "exec", docAllowAll))
	ok(t, s.TagRole(ctx, "exec", map[string]string{"t": "1"}))
	got, err := s.GetRole(ctx, "exec")
	ok(t, err)
	if got.Description != "d" || got.MaxSessionDuration != 7200 || got.AssumeRolePolicy != docAllowAll || got.Tags["t"] != "1" {
		t.Fatalf("role = %+v", got)
	}
	wantMessage(t, s.UpdateAssumeRolePolicy(ctx, "nope", docTrust), "The role with name nope cannot be found.")
	roles, _, err := s.ListRoles(ctx, gofaas.ListOptions{})
	ok(t, err)
	if len(roles) != 1 {
		t.Fatalf("roles = %+v", roles)
	}
	ok(t, s.DeleteRole(ctx, "exec"))
	wantCode(t, s.DeleteRole(ctx, "exec"), gofaas.ENOTFOUND)
}

func testManagedPolicies(t *testing.T, s gofaas.IdentityStore) {
	ctx := context.Background()
	p := &gofaas.ManagedPolicy{Name: "deploy", Path: "/ci/", Description: "d"}
	ok(t, s.CreatePolicy(ctx, p, docLambda))
	if p.ARN != "arn:aws:iam::"+IdentityAccount+":policy/ci/deploy" || !strings.HasPrefix(p.PolicyID, "ANPA") || p.DefaultVersionID != "v1" {
		t.Fatalf("policy = %+v", p)
	}
	err := s.CreatePolicy(ctx, &gofaas.ManagedPolicy{Name: "deploy"}, docLambda)
	wantCode(t, err, gofaas.ECONFLICT)
	wantMessage(t, err, "A policy called deploy already exists. Duplicate names are not allowed.")
	got, err := s.GetPolicy(ctx, p.ARN)
	ok(t, err)
	if got.Name != "deploy" || got.Path != "/ci/" || got.Description != "d" {
		t.Fatalf("GetPolicy = %+v", got)
	}
	admin, err := s.GetPolicy(ctx, adminARN)
	ok(t, err)
	if admin.Name != "AdministratorAccess" || admin.DefaultVersionID != "v1" || !strings.HasPrefix(admin.PolicyID, "ANPA") {
		t.Fatalf("AWS managed policy = %+v", admin)
	}
	_, err = s.GetPolicy(ctx, "arn:aws:iam::aws:policy/Nope")
	wantCode(t, err, gofaas.ENOTFOUND)
	for scope, want := range map[string]int{gofaas.ScopeAll: 3, gofaas.ScopeAWS: 2, gofaas.ScopeLocal: 1} {
		list, _, err := s.ListPolicies(ctx, gofaas.ListPoliciesOptions{Scope: scope})
		ok(t, err)
		if len(list) != want {
			t.Fatalf("ListPolicies %s = %d policies, want %d", scope, len(list), want)
		}
	}
	list, _, err := s.ListPolicies(ctx, gofaas.ListPoliciesOptions{Scope: gofaas.ScopeAll, OnlyAttached: true})
	ok(t, err)
	if len(list) != 0 {
		t.Fatalf("attached policies = %+v", list)
	}
	ok(t, s.DeletePolicy(ctx, p.ARN))
	wantMessage(t, s.DeletePolicy(ctx, p.ARN), "Policy "+p.ARN+" was not found.")
}

func testPolicyVersions(t *testing.T, s gofaas.IdentityStore) {
	ctx := context.Background()
	p := &gofaas.ManagedPolicy{Name: "p"}
	ok(t, s.CreatePolicy(ctx, p, docLambda))
	for i := 2; i <= gofaas.MaxPolicyVersions; i++ {
		v, err := s.CreatePolicyVersion(ctx, p.ARN, docAllowAll, i == 4)
		ok(t, err)
		if v.VersionID != "v"+string(rune('0'+i)) || v.IsDefault != (i == 4) {
			t.Fatalf("version = %+v", v)
		}
	}
	_, err := s.CreatePolicyVersion(ctx, p.ARN, docAllowAll, false)
	wantCode(t, err, gofaas.ECONFLICT)
	wantMessage(t, err, "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
	got, _ := s.GetPolicy(ctx, p.ARN)
	if got.DefaultVersionID != "v4" {
		t.Fatalf("default = %s", got.DefaultVersionID)
	}
	wantMessage(t, s.DeletePolicyVersion(ctx, p.ARN, "v4"), "Cannot delete the default version of a policy.")
	wantCode(t, s.DeletePolicy(ctx, p.ARN), gofaas.ECONFLICT)
	ok(t, s.DeletePolicyVersion(ctx, p.ARN, "v5"))
	wantCode(t, s.DeletePolicyVersion(ctx, p.ARN, "v5"), gofaas.ENOTFOUND)
	v, err := s.CreatePolicyVersion(ctx, p.ARN, docAllowAll, false)
	ok(t, err)
	if v.VersionID != "v6" {
		t.Fatalf("version after a deletion = %s, want v6", v.VersionID)
	}
	ok(t, s.SetDefaultPolicyVersion(ctx, p.ARN, "v1"))
	wantCode(t, s.SetDefaultPolicyVersion(ctx, p.ARN, "v9"), gofaas.ENOTFOUND)
	v1, err := s.GetPolicyVersion(ctx, p.ARN, "v1")
	ok(t, err)
	if !v1.IsDefault || v1.Document != docLambda {
		t.Fatalf("v1 = %+v", v1)
	}
	var ids []string
	opts := gofaas.ListOptions{MaxItems: 2}
	for {
		vs, page, err := s.ListPolicyVersions(ctx, p.ARN, opts)
		ok(t, err)
		for _, v := range vs {
			ids = append(ids, v.VersionID)
		}
		if !page.IsTruncated() {
			break
		}
		opts.Marker = page.Marker
	}
	if got := strings.Join(ids, ","); got != "v6,v4,v3,v2,v1" {
		t.Fatalf("versions = %s", got)
	}
	av, err := s.GetPolicyVersion(ctx, adminARN, "v1")
	ok(t, err)
	if av.Document != AWSManagedPolicies[adminARN] || !av.IsDefault {
		t.Fatalf("AWS managed version = %+v", av)
	}
}

func testAttachments(t *testing.T, s gofaas.IdentityStore) {
	ctx := context.Background()
	p := &gofaas.ManagedPolicy{Name: "p"}
	ok(t, s.CreatePolicy(ctx, p, docLambda))
	ok(t, s.CreateRole(ctx, &gofaas.Role{Name: "r", AssumeRolePolicy: docTrust}))
	ok(t, s.AttachPolicy(ctx, gofaas.KindRole, "r", p.ARN))
	ok(t, s.AttachPolicy(ctx, gofaas.KindRole, "r", p.ARN))
	ok(t, s.AttachPolicy(ctx, gofaas.KindRole, "r", adminARN))
	err := s.AttachPolicy(ctx, gofaas.KindRole, "r", "arn:aws:iam::"+IdentityAccount+":policy/nope")
	wantCode(t, err, gofaas.ENOTFOUND)
	wantMessage(t, err, "Policy arn:aws:iam::"+IdentityAccount+":policy/nope does not exist or is not attachable.")
	wantMessage(t, s.AttachPolicy(ctx, gofaas.KindRole, "nope", p.ARN), "The role with name nope cannot be found.")
	list, _, err := s.ListAttachedPolicies(ctx, gofaas.KindRole, "r", gofaas.ListOptions{})
	ok(t, err)
	if len(list) != 2 {
		t.Fatalf("attached = %+v", list)
	}
	got, _ := s.GetPolicy(ctx, p.ARN)
	if got.AttachmentCount != 1 {
		t.Fatalf("AttachmentCount = %d", got.AttachmentCount)
	}
	admin, _ := s.GetPolicy(ctx, adminARN)
	if admin.AttachmentCount != 1 {
		t.Fatalf("AWS policy AttachmentCount = %d", admin.AttachmentCount)
	}
	attached, _, err := s.ListPolicies(ctx, gofaas.ListPoliciesOptions{OnlyAttached: true})
	ok(t, err)
	if len(attached) != 2 {
		t.Fatalf("OnlyAttached = %+v", attached)
	}
	wantMessage(t, s.DeletePolicy(ctx, p.ARN), "Cannot delete a policy attached to entities.")
	wantMessage(t, s.DeleteRole(ctx, "r"), "Cannot delete entity, must detach all policies first.")
	ok(t, s.DetachPolicy(ctx, gofaas.KindRole, "r", p.ARN))
	wantCode(t, s.DetachPolicy(ctx, gofaas.KindRole, "r", p.ARN), gofaas.ENOTFOUND)
	ok(t, s.DetachPolicy(ctx, gofaas.KindRole, "r", adminARN))
	ok(t, s.DeleteRole(ctx, "r"))
	ok(t, s.DeletePolicy(ctx, p.ARN))
}

func testInlinePolicies(t *testing.T, s gofaas.IdentityStore) {
	ctx := context.Background()
	ok(t, s.CreateUser(ctx, &gofaas.User{Name: "u"}))
	ok(t, s.PutInlinePolicy(ctx, gofaas.KindUser, "u", "p", docLambda))
	ok(t, s.PutInlinePolicy(ctx, gofaas.KindUser, "u", "p", docAllowAll))
	doc, err := s.GetInlinePolicy(ctx, gofaas.KindUser, "u", "p")
	ok(t, err)
	if doc != docAllowAll {
		t.Fatalf("document = %s", doc)
	}
	_, err = s.GetInlinePolicy(ctx, gofaas.KindUser, "u", "q")
	wantMessage(t, err, "The user policy with name q cannot be found.")
	wantMessage(t, s.PutInlinePolicy(ctx, gofaas.KindGroup, "g", "p", docLambda), "The group with name g cannot be found.")
	names, _, err := s.ListInlinePolicies(ctx, gofaas.KindUser, "u", gofaas.ListOptions{})
	ok(t, err)
	if len(names) != 1 || names[0] != "p" {
		t.Fatalf("names = %v", names)
	}
	wantMessage(t, s.DeleteUser(ctx, "u"), "Cannot delete entity, must delete policies first.")
	ok(t, s.DeleteInlinePolicy(ctx, gofaas.KindUser, "u", "p"))
	wantCode(t, s.DeleteInlinePolicy(ctx, gofaas.KindUser, "u", "p"), gofaas.ENOTFOUND)
	ok(t, s.DeleteUser(ctx, "u"))
}

func testAccessKeys(t *testing.T, s gofaas.IdentityStore) {
	ctx := context.Background()
	u := &gofaas.User{Name: "u", Path: "/p/"}
	ok(t, s.CreateUser(ctx, u))
	k1, err := s.CreateAccessKey(ctx, "u")
	ok(t, err)
	if !strings.HasPrefix(k1.AccessKeyID, "AKIA") || len(k1.AccessKeyID) != 20 || len(k1.SecretAccessKey) != 40 || k1.Status != "Active" {
		t.Fatalf("key = %+v", k1)
	}
	_, err = s.CreateAccessKey(ctx, "u")
	ok(t, err)
	_, err = s.CreateAccessKey(ctx, "u")
	wantCode(t, err, gofaas.ECONFLICT)
	wantMessage(t, err, "Cannot exceed quota for AccessKeysPerUser: 2")
	_, err = s.CreateAccessKey(ctx, "nobody")
	wantCode(t, err, gofaas.ENOTFOUND)

	creds, err := s.LookupCredentials(ctx, k1.AccessKeyID)
	ok(t, err)
	p := creds.Principal
	if creds.SecretAccessKey != k1.SecretAccessKey || creds.SessionToken != "" || p.Type != "IAMUser" ||
		p.ARN != "arn:aws:iam::"+IdentityAccount+":user/p/u" || p.UserID != u.UserID || p.Name != "u" || p.AccountID != IdentityAccount {
		t.Fatalf("credentials = %+v, principal %+v", creds, p)
	}
	ok(t, s.UpdateAccessKey(ctx, "u", k1.AccessKeyID, "Inactive"))
	_, err = s.LookupCredentials(ctx, k1.AccessKeyID)
	wantCode(t, err, gofaas.ENOTFOUND)
	keys, _, err := s.ListAccessKeys(ctx, "u", gofaas.ListOptions{})
	ok(t, err)
	if len(keys) != 2 || keys[0].SecretAccessKey != "" {
		t.Fatalf("keys = %+v", keys)
	}
	wantMessage(t, s.DeleteUser(ctx, "u"), "Cannot delete entity, must delete access keys first.")
	wantMessage(t, s.DeleteAccessKey(ctx, "u", "AKIANOPE"), "The Access Key with id AKIANOPE cannot be found.")
	for _, k := range keys {
		ok(t, s.DeleteAccessKey(ctx, "u", k.AccessKeyID))
	}
	ok(t, s.DeleteUser(ctx, "u"))
	_, err = s.LookupCredentials(ctx, "AKIAUNKNOWN")
	wantCode(t, err, gofaas.ENOTFOUND)

	// The root user's keys.
	rk, err := s.CreateAccessKey(ctx, "")
	ok(t, err)
	creds, err = s.LookupCredentials(ctx, rk.AccessKeyID)
	ok(t, err)
	if !creds.Principal.IsRoot() || creds.Principal.ARN != "arn:aws:iam::"+IdentityAccount+":root" || creds.Principal.UserID != IdentityAccount {
		t.Fatalf("root principal = %+v", creds.Principal)
	}
}

func testSessions(t *testing.T, s gofaas.IdentityStore) {
	ctx := context.Background()
	r := &gofaas.Role{Name: "r", AssumeRolePolicy: docTrust}
	ok(t, s.CreateRole(ctx, r))
	sess := &gofaas.Session{RoleName: "r", RoleID: r.RoleID, SessionName: "s", Expiration: time.Now().Add(time.Hour),
		Policy: docLambda, PolicyARNs: []string{adminARN}}
	ok(t, s.CreateSession(ctx, sess))
	if !strings.HasPrefix(sess.AccessKeyID, "ASIA") || len(sess.AccessKeyID) != 20 || len(sess.SecretAccessKey) != 40 || len(sess.SessionToken) < 100 {
		t.Fatalf("session = %+v", sess)
	}
	creds, err := s.LookupCredentials(ctx, sess.AccessKeyID)
	ok(t, err)
	p := creds.Principal
	if creds.SessionToken != sess.SessionToken || p.Type != "AssumedRole" ||
		p.ARN != "arn:aws:sts::"+IdentityAccount+":assumed-role/r/s" || p.UserID != r.RoleID+":s" ||
		p.Name != "r" || p.SessionName != "s" || p.Session == nil || p.Session.Policy != docLambda || len(p.Session.PolicyARNs) != 1 {
		t.Fatalf("principal = %+v", p)
	}
	old := &gofaas.Session{RoleName: "r", RoleID: r.RoleID, SessionName: "old", Expiration: time.Now().Add(-time.Minute)}
	ok(t, s.CreateSession(ctx, old))
	_, err = s.LookupCredentials(ctx, old.AccessKeyID)
	wantCode(t, err, gofaas.ENOTFOUND)
	n, err := s.DeleteExpiredSessions(ctx, time.Now())
	ok(t, err)
	if n != 1 {
		t.Fatalf("deleted %d sessions, want 1", n)
	}
	_, err = s.GetSession(ctx, sess.AccessKeyID)
	ok(t, err)
}

func testPoliciesFor(t *testing.T, s gofaas.IdentityStore) {
	ctx := context.Background()
	boundary := &gofaas.ManagedPolicy{Name: "boundary"}
	ok(t, s.CreatePolicy(ctx, boundary, docLambda))
	ok(t, s.CreateUser(ctx, &gofaas.User{Name: "u", PermissionsBoundary: boundary.ARN}))
	ok(t, s.PutInlinePolicy(ctx, gofaas.KindUser, "u", "mine", docLambda))
	ok(t, s.CreateGroup(ctx, &gofaas.Group{Name: "g"}))
	ok(t, s.AddUserToGroup(ctx, "g", "u"))
	ok(t, s.AttachPolicy(ctx, gofaas.KindGroup, "g", adminARN))
	ok(t, s.PutInlinePolicy(ctx, gofaas.KindGroup, "g", "grp", docAllowAll))
	k, err := s.CreateAccessKey(ctx, "u")
	ok(t, err)
	creds, err := s.LookupCredentials(ctx, k.AccessKeyID)
	ok(t, err)
	pp, err := s.PoliciesFor(ctx, creds.Principal)
	ok(t, err)
	var got []string
	for _, d := range pp.Identity {
		got = append(got, d.Owner+":"+d.Name+":"+d.ARN)
		if d.Document == "" {
			t.Fatalf("no document for %+v", d)
		}
	}
	want := "user/u:mine:,group/g:grp:,group/g:AdministratorAccess:" + adminARN
	if strings.Join(got, ",") != want {
		t.Fatalf("identity policies = %s\nwant %s", strings.Join(got, ","), want)
	}
	if pp.Boundary == nil || pp.Boundary.ARN != boundary.ARN || pp.Boundary.Document != docLambda || pp.Session != nil {
		t.Fatalf("boundary = %+v, session = %+v", pp.Boundary, pp.Session)
	}

	ok(t, s.CreateRole(ctx, &gofaas.Role{Name: "r", AssumeRolePolicy: docTrust}))
	ok(t, s.AttachPolicy(ctx, gofaas.KindRole, "r", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))
	p := &gofaas.Principal{Type: "AssumedRole", Name: "r", Session: &gofaas.Session{RoleName: "r", SessionName: "s"}}
	pp, err = s.PoliciesFor(ctx, p)
	ok(t, err)
	if len(pp.Identity) != 1 || pp.Identity[0].Name != "AWSLambdaBasicExecutionRole" || pp.Session != nil || pp.Boundary != nil {
		t.Fatalf("role policies = %+v", pp)
	}
	root, err := s.PoliciesFor(ctx, &gofaas.Principal{Type: "Root"})
	ok(t, err)
	if len(root.Identity) != 0 {
		t.Fatalf("root policies = %+v", root)
	}
}
