package gofaas

import (
	"context"
	"time"
)

// Kinds of IAM identity that policies attach to.
const (
	KindUser  = "user"
	KindGroup = "group"
	KindRole  = "role"
)

// Limits IAM enforces that the identity store checks.
const (
	MaxAccessKeysPerUser = 2
	MaxPolicyVersions    = 5
	// DefaultMaxSessionDuration is a role's MaxSessionDuration when its
	// creator gives none, in seconds.
	DefaultMaxSessionDuration = 3600
)

// AWSManagedPolicyAccount is the account segment of AWS managed policy
// ARNs: arn:aws:iam::aws:policy/NAME.
const AWSManagedPolicyAccount = "aws"

// ListOptions selects one page of a listing, as IAM's Marker/MaxItems do.
type ListOptions struct {
	// PathPrefix keeps only entities whose path starts with it ("" = all).
	PathPrefix string
	// Marker is the Marker of the previous page, "" for the first page.
	Marker string
	// MaxItems bounds the page; 0 means 100, IAM's default.
	MaxItems int
}

// Page says whether a listing has more items: Marker is "" on the last page
// and otherwise is passed back in ListOptions.Marker for the next one.
type Page struct {
	Marker string
}

// IsTruncated reports whether there are more items after this page.
func (p Page) IsTruncated() bool { return p.Marker != "" }

// Policy scopes of ListPolicies.
const (
	ScopeAll   = "All"
	ScopeAWS   = "AWS"
	ScopeLocal = "Local"
)

// ListPoliciesOptions selects managed policies.
type ListPoliciesOptions struct {
	ListOptions
	Scope        string // ScopeAll (""), ScopeAWS or ScopeLocal
	OnlyAttached bool
}

// AttachedPolicy names a managed policy attached to a user, group or role.
type AttachedPolicy struct {
	Name string
	ARN  string
}

// PolicyDocument is one policy that applies to a principal.
type PolicyDocument struct {
	// Name is the inline policy name or the managed policy name.
	Name string
	// ARN is the managed policy's ARN, "" for an inline policy.
	ARN string
	// Owner says where the policy comes from: "user/NAME", "group/NAME" or
	// "role/NAME" (for the explanation of a decision).
	Owner    string
	Document string // JSON
}

// PrincipalPolicies are the policies IAM evaluates for a principal's
// request, besides resource policies.
type PrincipalPolicies struct {
	// Identity holds the identity-based policies: a user's inline and
	// attached managed policies and those of each of its groups, or a
	// role's inline and attached managed policies.
	Identity []PolicyDocument
	// Boundary is the permissions boundary's document, nil if none.
	Boundary *PolicyDocument
	// Session holds the session policies of an assumed role's session
	// (the inline Policy first, then each of PolicyARNs); nil when the
	// session has none. When non-nil, a request must also be allowed by
	// at least one of them.
	Session []PolicyDocument
}

// IdentityStore holds IAM's users, groups, roles, managed and inline
// policies, access keys and STS sessions of one account.
//
// Entities are named as in IAM: names are unique per kind, and compared
// case-insensitively for users, groups, roles and policies, as IAM does.
// The store generates ids (AIDA..., AGPA..., AROA..., ANPA..., AKIA...,
// ASIA...), secrets and creation times and writes them back into its
// arguments.
//
// Errors: ENOTFOUND (NoSuchEntity) with IAM's message ("The user with name
// bob cannot be found."); ECONFLICT typed "EntityAlreadyExists" or
// "DeleteConflict"; ECONFLICT typed "LimitExceeded" for quotas; EINVALID for
// arguments the store cannot accept.
//
// AWS managed policies (arn:aws:iam::aws:policy/...) are not stored; the
// implementation serves them from a document table given to it, so
// GetPolicy, GetPolicyVersion, ListPolicies and attachments work for them.
type IdentityStore interface {
	CredentialStore

	// CreateUser creates u, filling UserID and Created.
	CreateUser(ctx context.Context, u *User) error
	GetUser(ctx context.Context, name string) (*User, error)
	ListUsers(ctx context.Context, opts ListOptions) ([]*User, Page, error)
	// DeleteUser returns DeleteConflict while the user has access keys,
	// inline or attached policies or group memberships.
	DeleteUser(ctx context.Context, name string) error
	// TagUser adds or overwrites tags; UntagUser removes keys.
	TagUser(ctx context.Context, name string, tags map[string]string) error
	UntagUser(ctx context.Context, name string, keys []string) error

	CreateGroup(ctx context.Context, g *Group) error
	GetGroup(ctx context.Context, name string) (*Group, error)
	ListGroups(ctx context.Context, opts ListOptions) ([]*Group, Page, error)
	// DeleteGroup returns DeleteConflict while the group has members or
	// policies.
	DeleteGroup(ctx context.Context, name string) error
	AddUserToGroup(ctx context.Context, group, user string) error
	RemoveUserFromGroup(ctx context.Context, group, user string) error
	ListGroupUsers(ctx context.Context, group string, opts ListOptions) ([]*User, Page, error)
	ListGroupsForUser(ctx context.Context, user string, opts ListOptions) ([]*Group, Page, error)

	// CreateRole creates r, filling RoleID, Created and a default
	// MaxSessionDuration.
	CreateRole(ctx context.Context, r *Role) error
	GetRole(ctx context.Context, name string) (*Role, error)
	ListRoles(ctx context.Context, opts ListOptions) ([]*Role, Page, error)
	// DeleteRole returns DeleteConflict while the role has policies.
	DeleteRole(ctx context.Context, name string) error
	// UpdateRole changes the description (when non-nil) and the maximum
	// session duration (when non-zero).
	UpdateRole(ctx context.Context, name string, description *string, maxSessionDuration int) error
	UpdateAssumeRolePolicy(ctx context.Context, name, document string) error
	TagRole(ctx context.Context, name string, tags map[string]string) error
	UntagRole(ctx context.Context, name string, keys []string) error

	// CreatePolicy creates a customer managed policy with version v1 as
	// its default, filling ARN, PolicyID, DefaultVersionID and the dates.
	CreatePolicy(ctx context.Context, p *ManagedPolicy, document string) error
	// GetPolicy returns a customer or AWS managed policy by ARN.
	GetPolicy(ctx context.Context, arn string) (*ManagedPolicy, error)
	ListPolicies(ctx context.Context, opts ListPoliciesOptions) ([]*ManagedPolicy, Page, error)
	// DeletePolicy returns DeleteConflict while the policy is attached or
	// has versions besides the default one.
	DeletePolicy(ctx context.Context, arn string) error
	// CreatePolicyVersion returns LimitExceeded when the policy has
	// MaxPolicyVersions versions.
	CreatePolicyVersion(ctx context.Context, arn, document string, setAsDefault bool) (*PolicyVersion, error)
	GetPolicyVersion(ctx context.Context, arn, versionID string) (*PolicyVersion, error)
	ListPolicyVersions(ctx context.Context, arn string, opts ListOptions) ([]*PolicyVersion, Page, error)
	// DeletePolicyVersion returns DeleteConflict for the default version.
	DeletePolicyVersion(ctx context.Context, arn, versionID string) error
	SetDefaultPolicyVersion(ctx context.Context, arn, versionID string) error

	// AttachPolicy attaches a managed policy to the user, group or role
	// (kind is KindUser, KindGroup or KindRole); attaching it twice is not
	// an error.
	AttachPolicy(ctx context.Context, kind, name, policyARN string) error
	DetachPolicy(ctx context.Context, kind, name, policyARN string) error
	ListAttachedPolicies(ctx context.Context, kind, name string, opts ListOptions) ([]AttachedPolicy, Page, error)

	// PutInlinePolicy creates or replaces an inline policy.
	PutInlinePolicy(ctx context.Context, kind, name, policyName, document string) error
	GetInlinePolicy(ctx context.Context, kind, name, policyName string) (string, error)
	DeleteInlinePolicy(ctx context.Context, kind, name, policyName string) error
	ListInlinePolicies(ctx context.Context, kind, name string, opts ListOptions) ([]string, Page, error)

	// CreateAccessKey makes an Active key for the user, or for the root
	// user when userName is "". It returns LimitExceeded ("Cannot exceed
	// quota for AccessKeysPerUser: 2") at the third key.
	CreateAccessKey(ctx context.Context, userName string) (*AccessKey, error)
	// ListAccessKeys lists the user's keys, without secrets.
	ListAccessKeys(ctx context.Context, userName string, opts ListOptions) ([]*AccessKey, Page, error)
	UpdateAccessKey(ctx context.Context, userName, accessKeyID, status string) error
	DeleteAccessKey(ctx context.Context, userName, accessKeyID string) error

	// CreateSession stores a session of temporary credentials, filling
	// AccessKeyID (ASIA...), SecretAccessKey and SessionToken when empty.
	// RoleName and Expiration must be set.
	CreateSession(ctx context.Context, s *Session) error
	// GetSession returns an unexpired session by its access key id.
	GetSession(ctx context.Context, accessKeyID string) (*Session, error)
	// DeleteExpiredSessions removes sessions that expired before t.
	DeleteExpiredSessions(ctx context.Context, t time.Time) (int, error)

	// PoliciesFor returns the policies that apply to p's requests. The root
	// user has none (it is allowed everything).
	PoliciesFor(ctx context.Context, p *Principal) (*PrincipalPolicies, error)
}
