package gofaas

import (
	"context"
	"time"
)

// Principal is who sent a request, as its SigV4 signature established.
type Principal struct {
	// Type is "Root", "IAMUser" or "AssumedRole" (the userIdentity types
	// of CloudTrail).
	Type      string
	ARN       string // arn:aws:iam::ACCT:root, ...:user/NAME, arn:aws:sts::ACCT:assumed-role/ROLE/SESSION
	AccountID string
	// UserID is what sts:GetCallerIdentity reports: the account id for
	// root, AIDA... for a user, AROA...:SESSION for an assumed role.
	UserID string
	// Name is the user name, or the role name of an assumed role.
	Name string
	// SessionName is the role session name of an assumed role.
	SessionName string
	AccessKeyID string
	// Session holds the temporary credentials' session (session policies),
	// nil for long-term keys.
	Session *Session
}

// IsRoot reports whether p is the account's root user.
func (p *Principal) IsRoot() bool { return p != nil && p.Type == "Root" }

// User is an IAM user.
type User struct {
	Name    string
	Path    string
	UserID  string // AIDA...
	Created time.Time
	Tags    map[string]string
	// PermissionsBoundary is a managed policy ARN, or "".
	PermissionsBoundary string
}

// Group is an IAM group.
type Group struct {
	Name    string
	Path    string
	GroupID string // AGPA...
	Created time.Time
}

// Role is an IAM role.
type Role struct {
	Name                string
	Path                string
	RoleID              string // AROA...
	AssumeRolePolicy    string // the trust policy document (JSON)
	Description         string
	MaxSessionDuration  int // seconds, 3600-43200
	Created             time.Time
	Tags                map[string]string
	PermissionsBoundary string
}

// ManagedPolicy is a customer managed policy (or an AWS managed one, whose
// ARN is in the "aws" account).
type ManagedPolicy struct {
	ARN              string
	Name             string
	Path             string
	PolicyID         string // ANPA...
	Description      string
	DefaultVersionID string // "v1", ...
	AttachmentCount  int
	Created          time.Time
	Updated          time.Time
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	PolicyARN string
	VersionID string
	Document  string
	IsDefault bool
	Created   time.Time
}

// AccessKey is a long-term access key of a user, or of the root user when
// UserName is "".
type AccessKey struct {
	AccessKeyID     string // AKIA...
	SecretAccessKey string
	UserName        string
	Status          string // "Active" or "Inactive"
	Created         time.Time
}

// Session is a set of temporary credentials from STS.
type Session struct {
	AccessKeyID     string // ASIA...
	SecretAccessKey string
	SessionToken    string
	RoleName        string
	RoleID          string
	SessionName     string
	Expiration      time.Time
	// Policy is an inline session policy (JSON), or "".
	Policy string
	// PolicyARNs are managed session policies.
	PolicyARNs []string
}

// Credentials are what a signature is verified against.
type Credentials struct {
	SecretAccessKey string
	// SessionToken must be presented (X-Amz-Security-Token) for session
	// credentials; "" for long-term keys.
	SessionToken string
	Principal    *Principal
}

// CredentialStore finds the secret and identity behind an access key id.
type CredentialStore interface {
	// LookupCredentials returns ENOTFOUND for an unknown, inactive or
	// expired key.
	LookupCredentials(ctx context.Context, accessKeyID string) (*Credentials, error)
}

// AuthRequest is one authorization question: may Principal do Action on
// Resource?
type AuthRequest struct {
	Principal *Principal
	Action    string // "lambda:InvokeFunction"
	Resource  string // an ARN, or "*"
	// Context holds the request's condition keys ("aws:SourceArn",
	// "aws:CurrentTime", ...), keys in canonical case.
	Context map[string][]string
	// ResourcePolicy is the resource's policy document (a Lambda function
	// policy), or "".
	ResourcePolicy string
}

// Authorizer decides AuthRequests as IAM does. It returns nil when the
// request is allowed, and EUNAUTHORIZED with AWS's message otherwise:
// "User: ARN is not authorized to perform: ACTION on resource: RESOURCE
// because no identity-based policy allows the ACTION action".
type Authorizer interface {
	Authorize(ctx context.Context, req *AuthRequest) error
}

type principalKey struct{}

// WithPrincipal returns ctx carrying the authenticated caller.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the authenticated caller in ctx, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
