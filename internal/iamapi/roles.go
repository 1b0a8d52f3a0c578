package iamapi

import (
	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
	"github.com/gofaas/gofaas/internal/policy"
)

// parseDocument validates a policy document of the given kind, returning
// MalformedPolicyDocument with IAM's reason.
func parseDocument(doc string, kind policy.Kind) error {
	_, err := policy.Parse(doc, kind)
	return err
}

// maxSessionDuration reads and checks MaxSessionDuration (3600..43200).
func (c *call) maxSessionDuration() (int, error) {
	n, ok, err := c.q.Int("MaxSessionDuration")
	if err != nil {
		return 0, validationError("1 validation error detected: Value '%s' at 'maxSessionDuration' failed to satisfy constraint: Member must be a number", c.q.Get("MaxSessionDuration"))
	}
	if !ok {
		return 0, nil
	}
	if n < 3600 {
		return 0, validationError("1 validation error detected: Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600", n)
	}
	if n > 43200 {
		return 0, validationError("1 validation error detected: Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200", n)
	}
	return n, nil
}

func (c *call) createRole() (any, error) {
	if err := c.check(mRoleName.req(), mPath, mTrustDocument.req(), mRoleDescription, mBoundary); err != nil {
		return nil, err
	}
	max, err := c.maxSessionDuration()
	if err != nil {
		return nil, err
	}
	tags, err := c.tags()
	if err != nil {
		return nil, err
	}
	doc := c.q.Get("AssumeRolePolicyDocument")
	if err := parseDocument(doc, policy.ParseTrust); err != nil {
		return nil, err
	}
	r := &gofaas.Role{Name: c.q.Get("RoleName"), Path: c.q.Get("Path"), AssumeRolePolicy: doc,
		Description: c.q.Get("Description"), MaxSessionDuration: max, Tags: tags,
		PermissionsBoundary: c.q.Get("PermissionsBoundary")}
	if r.PermissionsBoundary != "" {
		if _, err := c.h.Store.GetPolicy(c.ctx, r.PermissionsBoundary); err != nil {
			return nil, invalidInput("ARN %s is not valid.", r.PermissionsBoundary)
		}
	}
	if err := c.h.Store.CreateRole(c.ctx, r); err != nil {
		return nil, err
	}
	return struct {
		Role xmlRole `xml:"Role"`
	}{c.toRole(r, true)}, nil
}

func (c *call) getRole() (any, error) {
	if err := c.check(mRoleName.req()); err != nil {
		return nil, err
	}
	r, err := c.h.Store.GetRole(c.ctx, c.q.Get("RoleName"))
	if err != nil {
		return nil, err
	}
	x := c.toRole(r, true)
	x.RoleLastUsed = &struct{}{}
	return struct {
		Role xmlRole `xml:"Role"`
	}{x}, nil
}

func (c *call) listRoles() (any, error) {
	if err := c.check(mPathPrefix, mMarker); err != nil {
		return nil, err
	}
	roles, p, err := c.h.Store.ListRoles(c.ctx, c.listOptions())
	if err != nil {
		return nil, err
	}
	out := make(awsproto.XMLList[xmlRole], len(roles))
	for i, r := range roles {
		out[i] = c.toRole(r, false)
	}
	return struct {
		Roles awsproto.XMLList[xmlRole] `xml:"Roles"`
		xmlPage
	}{out, page(p)}, nil
}

func (c *call) deleteRole() (any, error) {
	if err := c.check(mRoleName.req()); err != nil {
		return nil, err
	}
	return nil, c.h.Store.DeleteRole(c.ctx, c.q.Get("RoleName"))
}

func (c *call) updateRole() (any, error) {
	if err := c.check(mRoleName.req(), mRoleDescription); err != nil {
		return nil, err
	}
	max, err := c.maxSessionDuration()
	if err != nil {
		return nil, err
	}
	if err := c.h.Store.UpdateRole(c.ctx, c.q.Get("RoleName"), c.q.Opt("Description"), max); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (c *call) updateAssumeRolePolicy() (any, error) {
	if err := c.check(mRoleName.req(), mPolicyDocument.req()); err != nil {
		return nil, err
	}
	doc := c.q.Get("PolicyDocument")
	if err := parseDocument(doc, policy.ParseTrust); err != nil {
		return nil, err
	}
	return nil, c.h.Store.UpdateAssumeRolePolicy(c.ctx, c.q.Get("RoleName"), doc)
}

func (c *call) tagRole() (any, error) {
	if err := c.check(mRoleName.req()); err != nil {
		return nil, err
	}
	tags, err := c.tags()
	if err != nil {
		return nil, err
	}
	return nil, c.h.Store.TagRole(c.ctx, c.q.Get("RoleName"), tags)
}

func (c *call) untagRole() (any, error) {
	if err := c.check(mRoleName.req()); err != nil {
		return nil, err
	}
	return nil, c.h.Store.UntagRole(c.ctx, c.q.Get("RoleName"), c.q.List("TagKeys"))
}

func (c *call) listRoleTags() (any, error) {
	if err := c.check(mRoleName.req(), mMarker); err != nil {
		return nil, err
	}
	r, err := c.h.Store.GetRole(c.ctx, c.q.Get("RoleName"))
	if err != nil {
		return nil, err
	}
	return listTags(r.Tags), nil
}
