// Package iamapi is IAM's query API (botocore model iam/2010-05-08) over a
// gofaas.IdentityStore. It only decodes requests, checks their members as
// IAM's model constrains them, asks Authorize, and encodes responses.
package iamapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
)

// Handler serves the IAM API: POST / with Action=... (the gateway sends it
// the requests signed for service "iam").
type Handler struct {
	Store gofaas.IdentityStore
	// Authorize decides whether the caller in ctx may do action ("iam:CreateUser")
	// on resource (an ARN); nil allows everything. A denial is returned as
	// is: an EUNAUTHORIZED *gofaas.Error becomes AccessDenied (403) with its
	// message.
	Authorize func(ctx context.Context, action, resource string) error
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// call is one request being served.
type call struct {
	ctx  context.Context
	q    *awsproto.Query
	h    *Handler
	acct string
}

// operation is one IAM action: the IAM action name the caller needs, the
// resource it is checked on, and the operation itself, which returns the
// <ActionResult> body (nil for operations without output).
type operation struct {
	action   string
	resource func(c *call) string
	run      func(c *call) (any, error)
}

// operations is the route table: Action → permission, resource, handler.
// Resources follow IAM's "Actions, resources, and condition keys" page:
// user/PATH/NAME, group/PATH/NAME, role/PATH/NAME, policy/PATH/NAME.
var operations = map[string]operation{
	"CreateUser":                {"iam:CreateUser", newUserRes, (*call).createUser},
	"GetUser":                   {"iam:GetUser", callerUserRes, (*call).getUser},
	"ListUsers":                 {"iam:ListUsers", allRes, (*call).listUsers},
	"DeleteUser":                {"iam:DeleteUser", userRes, (*call).deleteUser},
	"TagUser":                   {"iam:TagUser", userRes, (*call).tagUser},
	"UntagUser":                 {"iam:UntagUser", userRes, (*call).untagUser},
	"ListUserTags":              {"iam:ListUserTags", userRes, (*call).listUserTags},
	"CreateAccessKey":           {"iam:CreateAccessKey", callerUserRes, (*call).createAccessKey},
	"ListAccessKeys":            {"iam:ListAccessKeys", callerUserRes, (*call).listAccessKeys},
	"UpdateAccessKey":           {"iam:UpdateAccessKey", callerUserRes, (*call).updateAccessKey},
	"DeleteAccessKey":           {"iam:DeleteAccessKey", callerUserRes, (*call).deleteAccessKey},
	"CreateGroup":               {"iam:CreateGroup", newGroupRes, (*call).createGroup},
	"GetGroup":                  {"iam:GetGroup", groupRes, (*call).getGroup},
	"ListGroups":                {"iam:ListGroups", allRes, (*call).listGroups},
	"DeleteGroup":               {"iam:DeleteGroup", groupRes, (*call).deleteGroup},
	"AddUserToGroup":            {"iam:AddUserToGroup", groupRes, (*call).addUserToGroup},
	"RemoveUserFromGroup":       {"iam:RemoveUserFromGroup", groupRes, (*call).removeUserFromGroup},
	"ListGroupsForUser":         {"iam:ListGroupsForUser", userRes, (*call).listGroupsForUser},
	"CreateRole":                {"iam:CreateRole", newRoleRes, (*call).createRole},
	"GetRole":                   {"iam:GetRole", roleRes, (*call).getRole},
	"ListRoles":                 {"iam:ListRoles", allRes, (*call).listRoles},
	"DeleteRole":                {"iam:DeleteRole", roleRes, (*call).deleteRole},
	"UpdateRole":                {"iam:UpdateRole", roleRes, (*call).updateRole},
	"UpdateAssumeRolePolicy":    {"iam:UpdateAssumeRolePolicy", roleRes, (*call).updateAssumeRolePolicy},
	"TagRole":                   {"iam:TagRole", roleRes, (*call).tagRole},
	"UntagRole":                 {"iam:UntagRole", roleRes, (*call).untagRole},
	"ListRoleTags":              {"iam:ListRoleTags", roleRes, (*call).listRoleTags},
	"CreatePolicy":              {"iam:CreatePolicy", newPolicyRes, (*call).createPolicy},
	"GetPolicy":                 {"iam:GetPolicy", policyRes, (*call).getPolicy},
	"ListPolicies":              {"iam:ListPolicies", allRes, (*call).listPolicies},
	"DeletePolicy":              {"iam:DeletePolicy", policyRes, (*call).deletePolicy},
	"CreatePolicyVersion":       {"iam:CreatePolicyVersion", policyRes, (*call).createPolicyVersion},
	"GetPolicyVersion":          {"iam:GetPolicyVersion", policyRes, (*call).getPolicyVersion},
	"ListPolicyVersions":        {"iam:ListPolicyVersions", policyRes, (*call).listPolicyVersions},
	"DeletePolicyVersion":       {"iam:DeletePolicyVersion", policyRes, (*call).deletePolicyVersion},
	"SetDefaultPolicyVersion":   {"iam:SetDefaultPolicyVersion", policyRes, (*call).setDefaultPolicyVersion},
	"AttachUserPolicy":          {"iam:AttachUserPolicy", userRes, attach(gofaas.KindUser)},
	"AttachGroupPolicy":         {"iam:AttachGroupPolicy", groupRes, attach(gofaas.KindGroup)},
	"AttachRolePolicy":          {"iam:AttachRolePolicy", roleRes, attach(gofaas.KindRole)},
	"DetachUserPolicy":          {"iam:DetachUserPolicy", userRes, detach(gofaas.KindUser)},
	"DetachGroupPolicy":         {"iam:DetachGroupPolicy", groupRes, detach(gofaas.KindGroup)},
	"DetachRolePolicy":          {"iam:DetachRolePolicy", roleRes, detach(gofaas.KindRole)},
	"ListAttachedUserPolicies":  {"iam:ListAttachedUserPolicies", userRes, listAttached(gofaas.KindUser)},
	"ListAttachedGroupPolicies": {"iam:ListAttachedGroupPolicies", groupRes, listAttached(gofaas.KindGroup)},
	"ListAttachedRolePolicies":  {"iam:ListAttachedRolePolicies", roleRes, listAttached(gofaas.KindRole)},
	"PutUserPolicy":             {"iam:PutUserPolicy", userRes, putInline(gofaas.KindUser)},
	"PutGroupPolicy":            {"iam:PutGroupPolicy", groupRes, putInline(gofaas.KindGroup)},
	"PutRolePolicy":             {"iam:PutRolePolicy", roleRes, putInline(gofaas.KindRole)},
	"GetUserPolicy":             {"iam:GetUserPolicy", userRes, getInline(gofaas.KindUser)},
	"GetGroupPolicy":            {"iam:GetGroupPolicy", groupRes, getInline(gofaas.KindGroup)},
	"GetRolePolicy":             {"iam:GetRolePolicy", roleRes, getInline(gofaas.KindRole)},
	"DeleteUserPolicy":          {"iam:DeleteUserPolicy", userRes, deleteInline(gofaas.KindUser)},
	"DeleteGroupPolicy":         {"iam:DeleteGroupPolicy", groupRes, deleteInline(gofaas.KindGroup)},
	"DeleteRolePolicy":          {"iam:DeleteRolePolicy", roleRes, deleteInline(gofaas.KindRole)},
	"ListUserPolicies":          {"iam:ListUserPolicies", userRes, listInline(gofaas.KindUser)},
	"ListGroupPolicies":         {"iam:ListGroupPolicies", groupRes, listInline(gofaas.KindGroup)},
	"ListRolePolicies":          {"iam:ListRolePolicies", roleRes, listInline(gofaas.KindRole)},
}

// ServeHTTP serves one IAM request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	info := gofaas.RequestInfoFrom(ctx)
	q, err := awsproto.ReadQuery(r)
	if err != nil {
		h.writeError(w, info, gofaas.TypedErrorf(gofaas.EINVALID, "MalformedQueryString", "%s", err.Error()))
		return
	}
	op, ok := operations[q.Action]
	if !ok {
		if q.Action == "" {
			h.writeError(w, info, gofaas.TypedErrorf(gofaas.EINVALID, "MissingAction", "Missing Action"))
		} else {
			h.writeError(w, info, gofaas.TypedErrorf(gofaas.EINVALID, "InvalidAction",
				"Could not find operation %s for version %s", q.Action, q.Version))
		}
		return
	}
	c := &call{ctx: ctx, q: q, h: h, acct: info.AccountID}
	if h.Authorize != nil {
		if err := h.Authorize(ctx, op.action, op.resource(c)); err != nil {
			h.writeError(w, info, err)
			return
		}
	}
	result, err := op.run(c)
	if err != nil {
		h.writeError(w, info, err)
		return
	}
	awsproto.WriteQueryResponse(w, q.Action, xmlns, info.RequestID, result)
}

func (h *Handler) writeError(w http.ResponseWriter, info *gofaas.RequestInfo, err error) {
	awsproto.WriteQueryError(w, toAPIError(err), xmlns, info.RequestID)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// ---- resources

func (c *call) arn(kind, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + c.acct + ":" + kind + path + name
}

func allRes(c *call) string { return "*" }

// userARN returns the ARN of user name, with its path when it exists.
func (c *call) userARN(name string) string {
	path := "/"
	if u, err := c.h.Store.GetUser(c.ctx, name); err == nil {
		path, name = u.Path, u.Name
	}
	return c.arn("user", path, name)
}

func userRes(c *call) string     { return c.userARN(c.q.Get("UserName")) }
func newUserRes(c *call) string  { return c.arn("user", c.q.Get("Path"), c.q.Get("UserName")) }
func newGroupRes(c *call) string { return c.arn("group", c.q.Get("Path"), c.q.Get("GroupName")) }
func newRoleRes(c *call) string  { return c.arn("role", c.q.Get("Path"), c.q.Get("RoleName")) }
func newPolicyRes(c *call) string {
	return c.arn("policy", c.q.Get("Path"), c.q.Get("PolicyName"))
}
func policyRes(c *call) string { return c.q.Get("PolicyArn") }

// callerUserRes is the user named by UserName, or else the caller itself
// (GetUser, CreateAccessKey ... without UserName act on the caller).
func callerUserRes(c *call) string {
	if c.q.Has("UserName") {
		return userRes(c)
	}
	if p := gofaas.PrincipalFrom(c.ctx); p != nil {
		return p.ARN
	}
	return "*"
}

func groupRes(c *call) string {
	name, path := c.q.Get("GroupName"), "/"
	if g, err := c.h.Store.GetGroup(c.ctx, name); err == nil {
		path, name = g.Path, g.Name
	}
	return c.arn("group", path, name)
}

func roleRes(c *call) string {
	name, path := c.q.Get("RoleName"), "/"
	if r, err := c.h.Store.GetRole(c.ctx, name); err == nil {
		path, name = r.Path, r.Name
	}
	return c.arn("role", path, name)
}
