package iamapi

import (
	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
)

func invalidInput(format string, args ...any) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "InvalidInput", format, args...)
}

func limitExceeded(format string, args ...any) error {
	return gofaas.TypedErrorf(gofaas.ECONFLICT, "LimitExceeded", format, args...)
}

// listOptions reads Marker, MaxItems and PathPrefix.
func (c *call) listOptions() gofaas.ListOptions {
	n, _, _ := c.q.Int("MaxItems")
	return gofaas.ListOptions{PathPrefix: c.q.Get("PathPrefix"), Marker: c.q.Get("Marker"), MaxItems: n}
}

// callerUserName returns UserName, or the calling IAM user's name when it
// is absent; "" stands for the root user. An assumed role must name a
// user.
func (c *call) callerUserName() (string, error) {
	if c.q.Has("UserName") {
		return c.q.Get("UserName"), nil
	}
	p := gofaas.PrincipalFrom(c.ctx)
	switch {
	case p == nil:
		return "", validationError("Must specify userName when calling with non-User credentials")
	case p.Type == "IAMUser":
		return p.Name, nil
	case p.IsRoot():
		return "", nil
	}
	return "", validationError("Must specify userName when calling with non-User credentials")
}

func (c *call) createUser() (any, error) {
	if err := c.check(mUserName.req(), mPath, mBoundary); err != nil {
		return nil, err
	}
	tags, err := c.tags()
	if err != nil {
		return nil, err
	}
	u := &gofaas.User{Name: c.q.Get("UserName"), Path: c.q.Get("Path"), Tags: tags,
		PermissionsBoundary: c.q.Get("PermissionsBoundary")}
	if u.PermissionsBoundary != "" {
		if _, err := c.h.Store.GetPolicy(c.ctx, u.PermissionsBoundary); err != nil {
			return nil, invalidInput("ARN %s is not valid.", u.PermissionsBoundary)
		}
	}
	if err := c.h.Store.CreateUser(c.ctx, u); err != nil {
		return nil, err
	}
	return struct {
		User xmlUser `xml:"User"`
	}{c.toUser(u, true)}, nil
}

func (c *call) getUser() (any, error) {
	if err := c.check(mExistingUser); err != nil {
		return nil, err
	}
	name, err := c.callerUserName()
	if err != nil {
		return nil, err
	}
	var x xmlUser
	if name == "" {
		// The root user: IAM reports the account id and root ARN.
		x = xmlUser{Path: "/", UserID: c.acct, Arn: "arn:aws:iam::" + c.acct + ":root",
			CreateDate: timestamp(c.h.now())}
	} else {
		u, err := c.h.Store.GetUser(c.ctx, name)
		if err != nil {
			return nil, err
		}
		x = c.toUser(u, true)
	}
	return struct {
		User xmlUser `xml:"User"`
	}{x}, nil
}

func (c *call) listUsers() (any, error) {
	if err := c.check(mPathPrefix, mMarker); err != nil {
		return nil, err
	}
	users, p, err := c.h.Store.ListUsers(c.ctx, c.listOptions())
	if err != nil {
		return nil, err
	}
	out := make(awsproto.XMLList[xmlUser], len(users))
	for i, u := range users {
		out[i] = c.toUser(u, false)
	}
	return struct {
		Users awsproto.XMLList[xmlUser] `xml:"Users"`
		xmlPage
	}{out, page(p)}, nil
}

func (c *call) deleteUser() (any, error) {
	if err := c.check(mExistingUser.req()); err != nil {
		return nil, err
	}
	return nil, c.h.Store.DeleteUser(c.ctx, c.q.Get("UserName"))
}

func (c *call) tagUser() (any, error) {
	if err := c.check(mExistingUser.req()); err != nil {
		return nil, err
	}
	tags, err := c.tags()
	if err != nil {
		return nil, err
	}
	return nil, c.h.Store.TagUser(c.ctx, c.q.Get("UserName"), tags)
}

func (c *call) untagUser() (any, error) {
	if err := c.check(mExistingUser.req()); err != nil {
		return nil, err
	}
	return nil, c.h.Store.UntagUser(c.ctx, c.q.Get("UserName"), c.q.List("TagKeys"))
}

func (c *call) listUserTags() (any, error) {
	if err := c.check(mExistingUser.req(), mMarker); err != nil {
		return nil, err
	}
	u, err := c.h.Store.GetUser(c.ctx, c.q.Get("UserName"))
	if err != nil {
		return nil, err
	}
	return listTags(u.Tags), nil
}

// listTags is the result of ListUserTags and ListRoleTags (never truncated:
// an entity has at most 50 tags).
func listTags(tags map[string]string) any {
	l := tagList(tags)
	if l == nil {
		l = &awsproto.XMLList[xmlTag]{}
	}
	return struct {
		Tags *awsproto.XMLList[xmlTag] `xml:"Tags"`
		xmlPage
	}{l, xmlPage{}}
}

// ---- access keys

func (c *call) createAccessKey() (any, error) {
	if err := c.check(mExistingUser); err != nil {
		return nil, err
	}
	name, err := c.callerUserName()
	if err != nil {
		return nil, err
	}
	k, err := c.h.Store.CreateAccessKey(c.ctx, name)
	if err != nil {
		return nil, err
	}
	return struct {
		AccessKey xmlAccessKey `xml:"AccessKey"`
	}{xmlAccessKey{UserName: k.UserName, AccessKeyID: k.AccessKeyID, Status: k.Status,
		SecretAccessKey: k.SecretAccessKey, CreateDate: timestamp(k.Created)}}, nil
}

func (c *call) listAccessKeys() (any, error) {
	if err := c.check(mExistingUser, mMarker); err != nil {
		return nil, err
	}
	name, err := c.callerUserName()
	if err != nil {
		return nil, err
	}
	keys, p, err := c.h.Store.ListAccessKeys(c.ctx, name, c.listOptions())
	if err != nil {
		return nil, err
	}
	out := make(awsproto.XMLList[xmlAccessKey], len(keys))
	for i, k := range keys {
		out[i] = xmlAccessKey{UserName: k.UserName, AccessKeyID: k.AccessKeyID, Status: k.Status, CreateDate: timestamp(k.Created)}
	}
	return struct {
		AccessKeyMetadata awsproto.XMLList[xmlAccessKey] `xml:"AccessKeyMetadata"`
		xmlPage
	}{out, page(p)}, nil
}

var mStatus = newMember("Status", 0, 0, `Active|Inactive|Expired`)

func (c *call) updateAccessKey() (any, error) {
	if err := c.check(mExistingUser, mAccessKeyID.req(), mStatus.req()); err != nil {
		return nil, err
	}
	name, err := c.callerUserName()
	if err != nil {
		return nil, err
	}
	if c.q.Get("Status") == "Expired" {
		return nil, invalidInput("Invalid status: Expired")
	}
	return nil, c.h.Store.UpdateAccessKey(c.ctx, name, c.q.Get("AccessKeyId"), c.q.Get("Status"))
}

func (c *call) deleteAccessKey() (any, error) {
	if err := c.check(mExistingUser, mAccessKeyID.req()); err != nil {
		return nil, err
	}
	name, err := c.callerUserName()
	if err != nil {
		return nil, err
	}
	return nil, c.h.Store.DeleteAccessKey(c.ctx, name, c.q.Get("AccessKeyId"))
}

// ---- groups

func (c *call) createGroup() (any, error) {
	if err := c.check(mGroupName.req(), mPath); err != nil {
		return nil, err
	}
	g := &gofaas.Group{Name: c.q.Get("GroupName"), Path: c.q.Get("Path")}
	if err := c.h.Store.CreateGroup(c.ctx, g); err != nil {
		return nil, err
	}
	return struct {
		Group xmlGroup `xml:"Group"`
	}{c.toGroup(g)}, nil
}

func (c *call) getGroup() (any, error) {
	if err := c.check(mGroupName.req(), mMarker); err != nil {
		return nil, err
	}
	g, err := c.h.Store.GetGroup(c.ctx, c.q.Get("GroupName"))
	if err != nil {
		return nil, err
	}
	users, p, err := c.h.Store.ListGroupUsers(c.ctx, g.Name, c.listOptions())
	if err != nil {
		return nil, err
	}
	out := make(awsproto.XMLList[xmlUser], len(users))
	for i, u := range users {
		out[i] = c.toUser(u, false)
	}
	return struct {
		Group xmlGroup                  `xml:"Group"`
		Users awsproto.XMLList[xmlUser] `xml:"Users"`
		xmlPage
	}{c.toGroup(g), out, page(p)}, nil
}

func (c *call) listGroups() (any, error) {
	if err := c.check(mPathPrefix, mMarker); err != nil {
		return nil, err
	}
	groups, p, err := c.h.Store.ListGroups(c.ctx, c.listOptions())
	if err != nil {
		return nil, err
	}
	return c.groupList(groups, p), nil
}

func (c *call) groupList(groups []*gofaas.Group, p gofaas.Page) any {
	out := make(awsproto.XMLList[xmlGroup], len(groups))
	for i, g := range groups {
		out[i] = c.toGroup(g)
	}
	return struct {
		Groups awsproto.XMLList[xmlGroup] `xml:"Groups"`
		xmlPage
	}{out, page(p)}
}

func (c *call) deleteGroup() (any, error) {
	if err := c.check(mGroupName.req()); err != nil {
		return nil, err
	}
	return nil, c.h.Store.DeleteGroup(c.ctx, c.q.Get("GroupName"))
}

func (c *call) addUserToGroup() (any, error) {
	if err := c.check(mGroupName.req(), mExistingUser.req()); err != nil {
		return nil, err
	}
	return nil, c.h.Store.AddUserToGroup(c.ctx, c.q.Get("GroupName"), c.q.Get("UserName"))
}

func (c *call) removeUserFromGroup() (any, error) {
	if err := c.check(mGroupName.req(), mExistingUser.req()); err != nil {
		return nil, err
	}
	return nil, c.h.Store.RemoveUserFromGroup(c.ctx, c.q.Get("GroupName"), c.q.Get("UserName"))
}

func (c *call) listGroupsForUser() (any, error) {
	if err := c.check(mExistingUser.req(), mMarker); err != nil {
		return nil, err
	}
	groups, p, err := c.h.Store.ListGroupsForUser(c.ctx, c.q.Get("UserName"), c.listOptions())
	if err != nil {
		return nil, err
	}
	return c.groupList(groups, p), nil
}
