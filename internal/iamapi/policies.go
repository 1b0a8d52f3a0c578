package iamapi

import (
	"encoding/xml"
	"strings"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
	"github.com/gofaas/gofaas/internal/policy"
)

// policyARN returns PolicyArn after checking it is a policy ARN.
func (c *call) policyARN() (string, error) {
	arn := c.q.Get("PolicyArn")
	if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":policy/") || strings.Count(arn, ":") != 5 {
		return "", invalidInput("ARN %s is not valid.", arn)
	}
	return arn, nil
}

func (c *call) createPolicy() (any, error) {
	if err := c.check(mPolicyName.req(), mPolicyPath, mPolicyDocument.req(), mPolicyDesc); err != nil {
		return nil, err
	}
	if _, err := c.tags(); err != nil {
		return nil, err
	}
	doc := c.q.Get("PolicyDocument")
	if err := parseDocument(doc, policy.ParseIdentity); err != nil {
		return nil, err
	}
	p := &gofaas.ManagedPolicy{Name: c.q.Get("PolicyName"), Path: c.q.Get("Path"), Description: c.q.Get("Description")}
	if err := c.h.Store.CreatePolicy(c.ctx, p, doc); err != nil {
		return nil, err
	}
	x := toPolicy(p)
	return struct {
		Policy xmlPolicy `xml:"Policy"`
	}{x}, nil
}

func (c *call) getPolicy() (any, error) {
	if err := c.check(mPolicyARN.req()); err != nil {
		return nil, err
	}
	arn, err := c.policyARN()
	if err != nil {
		return nil, err
	}
	p, err := c.h.Store.GetPolicy(c.ctx, arn)
	if err != nil {
		return nil, err
	}
	return struct {
		Policy xmlPolicy `xml:"Policy"`
	}{toPolicy(p)}, nil
}

var (
	mScope       = newMember("Scope", 0, 0, `All|AWS|Local`)
	mUsageFilter = newMember("PolicyUsageFilter", 0, 0, `PermissionsPolicy|PermissionsBoundary`)
)

func (c *call) listPolicies() (any, error) {
	if err := c.check(mScope, mPolicyPathPre, mMarker, mUsageFilter); err != nil {
		return nil, err
	}
	only, err := c.q.Bool("OnlyAttached")
	if err != nil {
		return nil, validationError("1 validation error detected: Value '%s' at 'onlyAttached' failed to satisfy constraint: Member must be a boolean", c.q.Get("OnlyAttached"))
	}
	opts := gofaas.ListPoliciesOptions{ListOptions: c.listOptions(), Scope: c.q.Get("Scope"), OnlyAttached: only}
	policies, p, err := c.h.Store.ListPolicies(c.ctx, opts)
	if err != nil {
		return nil, err
	}
	out := make(awsproto.XMLList[xmlPolicy], len(policies))
	for i, pol := range policies {
		out[i] = toPolicy(pol)
	}
	return struct {
		Policies awsproto.XMLList[xmlPolicy] `xml:"Policies"`
		xmlPage
	}{out, page(p)}, nil
}

func (c *call) deletePolicy() (any, error) {
	if err := c.check(mPolicyARN.req()); err != nil {
		return nil, err
	}
	arn, err := c.policyARN()
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(arn, "arn:aws:iam::aws:") {
		return nil, gofaas.Errorf(gofaas.EUNAUTHORIZED, "Cannot delete a policy managed by AWS: %s", arn)
	}
	return nil, c.h.Store.DeletePolicy(c.ctx, arn)
}

func (c *call) createPolicyVersion() (any, error) {
	if err := c.check(mPolicyARN.req(), mPolicyDocument.req()); err != nil {
		return nil, err
	}
	arn, err := c.policyARN()
	if err != nil {
		return nil, err
	}
	setDefault, err := c.q.Bool("SetAsDefault")
	if err != nil {
		return nil, validationError("1 validation error detected: Value '%s' at 'setAsDefault' failed to satisfy constraint: Member must be a boolean", c.q.Get("SetAsDefault"))
	}
	doc := c.q.Get("PolicyDocument")
	if err := parseDocument(doc, policy.ParseIdentity); err != nil {
		return nil, err
	}
	v, err := c.h.Store.CreatePolicyVersion(c.ctx, arn, doc, setDefault)
	if err != nil {
		return nil, err
	}
	return struct {
		PolicyVersion xmlPolicyVersion `xml:"PolicyVersion"`
	}{toVersion(v, false)}, nil
}

func (c *call) getPolicyVersion() (any, error) {
	if err := c.check(mPolicyARN.req(), mVersionID.req()); err != nil {
		return nil, err
	}
	arn, err := c.policyARN()
	if err != nil {
		return nil, err
	}
	v, err := c.h.Store.GetPolicyVersion(c.ctx, arn, c.q.Get("VersionId"))
	if err != nil {
		return nil, err
	}
	return struct {
		PolicyVersion xmlPolicyVersion `xml:"PolicyVersion"`
	}{toVersion(v, true)}, nil
}

func (c *call) listPolicyVersions() (any, error) {
	if err := c.check(mPolicyARN.req(), mMarker); err != nil {
		return nil, err
	}
	arn, err := c.policyARN()
	if err != nil {
		return nil, err
	}
	versions, p, err := c.h.Store.ListPolicyVersions(c.ctx, arn, c.listOptions())
	if err != nil {
		return nil, err
	}
	out := make(awsproto.XMLList[xmlPolicyVersion], len(versions))
	for i, v := range versions {
		out[i] = toVersion(v, false)
	}
	return struct {
		Versions awsproto.XMLList[xmlPolicyVersion] `xml:"Versions"`
		xmlPage
	}{out, page(p)}, nil
}

func (c *call) deletePolicyVersion() (any, error) {
	if err := c.check(mPolicyARN.req(), mVersionID.req()); err != nil {
		return nil, err
	}
	arn, err := c.policyARN()
	if err != nil {
		return nil, err
	}
	return nil, c.h.Store.DeletePolicyVersion(c.ctx, arn, c.q.Get("VersionId"))
}

func (c *call) setDefaultPolicyVersion() (any, error) {
	if err := c.check(mPolicyARN.req(), mVersionID.req()); err != nil {
		return nil, err
	}
	arn, err := c.policyARN()
	if err != nil {
		return nil, err
	}
	return nil, c.h.Store.SetDefaultPolicyVersion(c.ctx, arn, c.q.Get("VersionId"))
}

// ---- attachments and inline policies, the same for users, groups and roles

// entityMember is the member naming the entity of a kind.
func entityMember(kind string) member {
	switch kind {
	case gofaas.KindUser:
		return mExistingUser.req()
	case gofaas.KindGroup:
		return mGroupName.req()
	}
	return mRoleName.req()
}

func attach(kind string) func(c *call) (any, error) {
	m := entityMember(kind)
	return func(c *call) (any, error) {
		if err := c.check(m, mPolicyARN.req()); err != nil {
			return nil, err
		}
		arn, err := c.policyARN()
		if err != nil {
			return nil, err
		}
		return nil, c.h.Store.AttachPolicy(c.ctx, kind, c.q.Get(m.name), arn)
	}
}

func detach(kind string) func(c *call) (any, error) {
	m := entityMember(kind)
	return func(c *call) (any, error) {
		if err := c.check(m, mPolicyARN.req()); err != nil {
			return nil, err
		}
		arn, err := c.policyARN()
		if err != nil {
			return nil, err
		}
		return nil, c.h.Store.DetachPolicy(c.ctx, kind, c.q.Get(m.name), arn)
	}
}

func listAttached(kind string) func(c *call) (any, error) {
	m := entityMember(kind)
	return func(c *call) (any, error) {
		if err := c.check(m, mPolicyPathPre, mMarker); err != nil {
			return nil, err
		}
		list, p, err := c.h.Store.ListAttachedPolicies(c.ctx, kind, c.q.Get(m.name), c.listOptions())
		if err != nil {
			return nil, err
		}
		out := make(awsproto.XMLList[xmlAttachedPolicy], len(list))
		for i, a := range list {
			out[i] = xmlAttachedPolicy{a.Name, a.ARN}
		}
		return struct {
			AttachedPolicies awsproto.XMLList[xmlAttachedPolicy] `xml:"AttachedPolicies"`
			xmlPage
		}{out, page(p)}, nil
	}
}

func putInline(kind string) func(c *call) (any, error) {
	m := entityMember(kind)
	return func(c *call) (any, error) {
		if err := c.check(m, mPolicyName.req(), mPolicyDocument.req()); err != nil {
			return nil, err
		}
		doc := c.q.Get("PolicyDocument")
		if err := parseDocument(doc, policy.ParseIdentity); err != nil {
			return nil, err
		}
		return nil, c.h.Store.PutInlinePolicy(c.ctx, kind, c.q.Get(m.name), c.q.Get("PolicyName"), doc)
	}
}

func getInline(kind string) func(c *call) (any, error) {
	m := entityMember(kind)
	return func(c *call) (any, error) {
		if err := c.check(m, mPolicyName.req()); err != nil {
			return nil, err
		}
		doc, err := c.h.Store.GetInlinePolicy(c.ctx, kind, c.q.Get(m.name), c.q.Get("PolicyName"))
		if err != nil {
			return nil, err
		}
		return struct {
			Entity         xmlEntityName
			PolicyName     string `xml:"PolicyName"`
			PolicyDocument string `xml:"PolicyDocument"`
		}{xmlEntityName{m.name, c.q.Get(m.name)}, c.q.Get("PolicyName"), encodeDocument(doc)}, nil
	}
}

// xmlEntityName renders <UserName>, <GroupName> or <RoleName>.
type xmlEntityName struct {
	element, value string
}

// MarshalXML implements xml.Marshaler.
func (n xmlEntityName) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return e.EncodeElement(n.value, xml.StartElement{Name: xml.Name{Local: n.element}})
}

func deleteInline(kind string) func(c *call) (any, error) {
	m := entityMember(kind)
	return func(c *call) (any, error) {
		if err := c.check(m, mPolicyName.req()); err != nil {
			return nil, err
		}
		return nil, c.h.Store.DeleteInlinePolicy(c.ctx, kind, c.q.Get(m.name), c.q.Get("PolicyName"))
	}
}

func listInline(kind string) func(c *call) (any, error) {
	m := entityMember(kind)
	return func(c *call) (any, error) {
		if err := c.check(m, mMarker); err != nil {
			return nil, err
		}
		names, p, err := c.h.Store.ListInlinePolicies(c.ctx, kind, c.q.Get(m.name), c.listOptions())
		if err != nil {
			return nil, err
		}
		return struct {
			PolicyNames awsproto.XMLList[string] `xml:"PolicyNames"`
			xmlPage
		}{names, page(p)}, nil
	}
}
