package iamapi

import (
	"sort"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
)

// Wire shapes, named as botocore iam/2010-05-08 names them.

type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type xmlBoundary struct {
	PermissionsBoundaryType string `xml:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `xml:"PermissionsBoundaryArn"`
}

type xmlUser struct {
	Path                string                    `xml:"Path"`
	UserName            string                    `xml:"UserName,omitempty"`
	UserID              string                    `xml:"UserId"`
	Arn                 string                    `xml:"Arn"`
	CreateDate          string                    `xml:"CreateDate"`
	PermissionsBoundary *xmlBoundary              `xml:"PermissionsBoundary,omitempty"`
	Tags                *awsproto.XMLList[xmlTag] `xml:"Tags,omitempty"`
}

type xmlGroup struct {
	Path       string `xml:"Path"`
	GroupName  string `xml:"GroupName"`
	GroupID    string `xml:"GroupId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

type xmlRole struct {
	Path                     string                    `xml:"Path"`
	RoleName                 string                    `xml:"RoleName"`
	RoleID                   string                    `xml:"RoleId"`
	Arn                      string                    `xml:"Arn"`
	CreateDate               string                    `xml:"CreateDate"`
	AssumeRolePolicyDocument string                    `xml:"AssumeRolePolicyDocument,omitempty"`
	Description              string                    `xml:"Description,omitempty"`
	MaxSessionDuration       int                       `xml:"MaxSessionDuration,omitempty"`
	PermissionsBoundary      *xmlBoundary              `xml:"PermissionsBoundary,omitempty"`
	Tags                     *awsproto.XMLList[xmlTag] `xml:"Tags,omitempty"`
	RoleLastUsed             *struct{}                 `xml:"RoleLastUsed,omitempty"`
}

type xmlPolicy struct {
	PolicyName                    string `xml:"PolicyName"`
	PolicyID                      string `xml:"PolicyId"`
	Arn                           string `xml:"Arn"`
	Path                          string `xml:"Path"`
	DefaultVersionID              string `xml:"DefaultVersionId"`
	AttachmentCount               int    `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int    `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool   `xml:"IsAttachable"`
	Description                   string `xml:"Description,omitempty"`
	CreateDate                    string `xml:"CreateDate"`
	UpdateDate                    string `xml:"UpdateDate"`
}

type xmlPolicyVersion struct {
	Document         string `xml:"Document,omitempty"`
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool   `xml:"IsDefaultVersion"`
	CreateDate       string `xml:"CreateDate"`
}

type xmlAccessKey struct {
	UserName        string `xml:"UserName"`
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string `xml:"Status"`
	SecretAccessKey string `xml:"SecretAccessKey,omitempty"`
	CreateDate      string `xml:"CreateDate"`
}

type xmlAttachedPolicy struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

// xmlPage are the paging members of every List result.
type xmlPage struct {
	IsTruncated bool   `xml:"IsTruncated"`
	Marker      string `xml:"Marker,omitempty"`
}

func page(p gofaas.Page) xmlPage { return xmlPage{IsTruncated: p.IsTruncated(), Marker: p.Marker} }

// timestamp renders t as IAM does (ISO 8601, UTC, seconds).
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func tagList(tags map[string]string) *awsproto.XMLList[xmlTag] {
	if len(tags) == 0 {
		return nil
	}
	l := make(awsproto.XMLList[xmlTag], 0, len(tags))
	for k, v := range tags {
		l = append(l, xmlTag{k, v})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].Key < l[j].Key })
	return &l
}

func boundary(arn string) *xmlBoundary {
	if arn == "" {
		return nil
	}
	return &xmlBoundary{"PermissionsBoundaryPolicy", arn}
}

func (c *call) toUser(u *gofaas.User, withTags bool) xmlUser {
	x := xmlUser{Path: u.Path, UserName: u.Name, UserID: u.UserID, Arn: c.arn("user", u.Path, u.Name),
		CreateDate: timestamp(u.Created), PermissionsBoundary: boundary(u.PermissionsBoundary)}
	if withTags {
		x.Tags = tagList(u.Tags)
	}
	return x
}

func (c *call) toGroup(g *gofaas.Group) xmlGroup {
	return xmlGroup{Path: g.Path, GroupName: g.Name, GroupID: g.GroupID, Arn: c.arn("group", g.Path, g.Name),
		CreateDate: timestamp(g.Created)}
}

func (c *call) toRole(r *gofaas.Role, withTags bool) xmlRole {
	x := xmlRole{Path: r.Path, RoleName: r.Name, RoleID: r.RoleID, Arn: c.arn("role", r.Path, r.Name),
		CreateDate: timestamp(r.Created), AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicy),
		Description: r.Description, MaxSessionDuration: r.MaxSessionDuration,
		PermissionsBoundary: boundary(r.PermissionsBoundary)}
	if withTags {
		x.Tags = tagList(r.Tags)
	}
	return x
}

func toPolicy(p *gofaas.ManagedPolicy) xmlPolicy {
	return xmlPolicy{PolicyName: p.Name, PolicyID: p.PolicyID, Arn: p.ARN, Path: p.Path,
		DefaultVersionID: p.DefaultVersionID, AttachmentCount: p.AttachmentCount, IsAttachable: true,
		Description: p.Description, CreateDate: timestamp(p.Created), UpdateDate: timestamp(p.Updated)}
}

func toVersion(v *gofaas.PolicyVersion, withDocument bool) xmlPolicyVersion {
	x := xmlPolicyVersion{VersionID: v.VersionID, IsDefaultVersion: v.IsDefault, CreateDate: timestamp(v.Created)}
	if withDocument {
		x.Document = encodeDocument(v.Document)
	}
	return x
}

// encodeDocument URL-encodes a policy document as IAM returns documents
// (RFC 3986: every byte but ALPHA, DIGIT, "-", "_", ".", "~" and "*" as
// %XX, so a space is "%20", never "+"). The CLI and SDK users decode it.
func encodeDocument(doc string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(doc) * 2)
	for i := 0; i < len(doc); i++ {
		ch := doc[i]
		switch {
		case 'A' <= ch && ch <= 'Z', 'a' <= ch && ch <= 'z', '0' <= ch && ch <= '9',
			ch == '-', ch == '_', ch == '.', ch == '~', ch == '*':
			b.WriteByte(ch)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[ch>>4])
			b.WriteByte(hex[ch&15])
		}
	}
	return b.String()
}
