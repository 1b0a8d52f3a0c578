// Package stsapi is STS's query API (botocore model sts/2011-06-15):
// GetCallerIdentity and AssumeRole, over a gofaas.IdentityStore, with role
// trust policies evaluated by internal/policy. AssumeRoleForService gives
// AWS services (Lambda) the credentials of the roles they run as.
package stsapi

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
	"github.com/gofaas/gofaas/internal/policy"
)

// xmlns is STS's XML namespace.
const xmlns = "https://sts.amazonaws.com/doc/2011-06-15/"

// Session duration limits of AssumeRole, in seconds.
const (
	minDuration     = 900
	defaultDuration = 3600
	// chainedMaxDuration bounds role chaining (a role session assuming a
	// role).
	chainedMaxDuration = 3600
)

// Handler serves the STS API: POST / with Action=... (the gateway sends it
// the requests signed for service "sts").
type Handler struct {
	Store gofaas.IdentityStore
	// AccountID is the account of the roles; when "", the account of the
	// request (RequestInfo) is used.
	AccountID string
	// Authorize decides whether the caller in ctx may do action on resource
	// by its identity-based policies; nil allows everything. AssumeRole
	// asks it for "sts:AssumeRole" on the role ARN. GetCallerIdentity needs
	// no permission.
	Authorize func(ctx context.Context, action, resource string) error
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// AssumeRoleInput are AssumeRole's parameters.
type AssumeRoleInput struct {
	RoleARN         string
	RoleSessionName string
	// DurationSeconds is 0 for the default (one hour).
	DurationSeconds int
	// Policy is an inline session policy (JSON), or "".
	Policy     string
	PolicyARNs []string
}

// ServeHTTP serves one STS request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	info := gofaas.RequestInfoFrom(ctx)
	q, err := awsproto.ReadQuery(r)
	if err != nil {
		writeError(w, info, gofaas.TypedErrorf(gofaas.EINVALID, "MalformedQueryString", "%s", err.Error()))
		return
	}
	var result any
	switch q.Action {
	case "GetCallerIdentity":
		result, err = h.getCallerIdentity(ctx)
	case "AssumeRole":
		result, err = h.assumeRole(ctx, q)
	case "":
		err = gofaas.TypedErrorf(gofaas.EINVALID, "MissingAction", "Missing Action")
	default:
		err = gofaas.TypedErrorf(gofaas.EINVALID, "InvalidAction", "Could not find operation %s for version %s", q.Action, q.Version)
	}
	if err != nil {
		writeError(w, info, err)
		return
	}
	awsproto.WriteQueryResponse(w, q.Action, xmlns, info.RequestID, result)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// ---- errors

var errorTypes = map[string]struct {
	typ    string
	status int
}{
	gofaas.EINVALID:      {"ValidationError", http.StatusBadRequest},
	gofaas.ENOTFOUND:     {"ValidationError", http.StatusBadRequest},
	gofaas.ECONFLICT:     {"ValidationError", http.StatusBadRequest},
	gofaas.ETOOLARGE:     {"PackedPolicyTooLarge", http.StatusBadRequest},
	gofaas.ETHROTTLED:    {"Throttling", http.StatusBadRequest},
	gofaas.EUNAUTHORIZED: {"AccessDenied", http.StatusForbidden},
	gofaas.EINTERNAL:     {"InternalFailure", http.StatusInternalServerError},
}

var typeStatus = map[string]int{
	"MalformedPolicyDocument":    http.StatusBadRequest,
	"PackedPolicyTooLarge":       http.StatusBadRequest,
	"ValidationError":            http.StatusBadRequest,
	"ExpiredTokenException":      http.StatusBadRequest,
	"AccessDenied":               http.StatusForbidden,
	"MissingAuthenticationToken": http.StatusForbidden,
	"InvalidAction":              http.StatusBadRequest,
	"MissingAction":              http.StatusBadRequest,
}

func errorMapper(code string) (string, int) {
	if t, ok := errorTypes[code]; ok {
		return t.typ, t.status
	}
	return "InternalFailure", http.StatusInternalServerError
}

func writeError(w http.ResponseWriter, info *gofaas.RequestInfo, err error) {
	e := awsproto.ToAPIError(err, errorMapper, "InternalFailure")
	if s, ok := typeStatus[e.Type]; ok {
		e.Status = s
	}
	awsproto.WriteQueryError(w, e, xmlns, info.RequestID)
}

func validationError(format string, args ...any) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "ValidationError", format, args...)
}

func accessDenied(format string, args ...any) error {
	return gofaas.TypedErrorf(gofaas.EUNAUTHORIZED, "AccessDenied", format, args...)
}

// ---- GetCallerIdentity

type getCallerIdentityResult struct {
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
	Arn     string `xml:"Arn"`
}

func (h *Handler) getCallerIdentity(ctx context.Context) (any, error) {
	p := gofaas.PrincipalFrom(ctx)
	if p == nil {
		return nil, gofaas.TypedErrorf(gofaas.EUNAUTHORIZED, "MissingAuthenticationToken", "Request is missing Authentication Token")
	}
	acct := p.AccountID
	if acct == "" {
		acct = gofaas.RequestInfoFrom(ctx).AccountID
	}
	return getCallerIdentityResult{UserID: p.UserID, Account: acct, Arn: p.ARN}, nil
}

// ---- AssumeRole

type xmlCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type assumeRoleResult struct {
	Credentials     xmlCredentials `xml:"Credentials"`
	AssumedRoleUser struct {
		AssumedRoleID string `xml:"AssumedRoleId"`
		Arn           string `xml:"Arn"`
	} `xml:"AssumedRoleUser"`
	PackedPolicySize *int `xml:"PackedPolicySize,omitempty"`
}

var reSessionName = regexp.MustCompile(`^[\w+=,.@-]*$`)

func (h *Handler) assumeRole(ctx context.Context, q *awsproto.Query) (any, error) {
	in := AssumeRoleInput{RoleARN: q.Get("RoleArn"), RoleSessionName: q.Get("RoleSessionName"), Policy: q.Get("Policy")}
	var errs []string
	if !q.Has("RoleArn") {
		errs = append(errs, "Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	} else if n := utf8.RuneCountInString(in.RoleARN); n < 20 || n > 2048 {
		errs = append(errs, "Value '"+in.RoleARN+"' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20")
	}
	if !q.Has("RoleSessionName") {
		errs = append(errs, "Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	} else if n := utf8.RuneCountInString(in.RoleSessionName); n < 2 {
		errs = append(errs, "Value '"+in.RoleSessionName+"' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2")
	} else if n > 64 {
		errs = append(errs, "Value '"+in.RoleSessionName+"' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64")
	} else if !reSessionName.MatchString(in.RoleSessionName) {
		errs = append(errs, "Value '"+in.RoleSessionName+"' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*")
	}
	if d, ok, err := q.Int("DurationSeconds"); err != nil {
		errs = append(errs, "Value '"+q.Get("DurationSeconds")+"' at 'durationSeconds' failed to satisfy constraint: Member must be a number")
	} else if ok {
		if d < minDuration {
			errs = append(errs, "Value '"+q.Get("DurationSeconds")+"' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")
		} else if d > 43200 {
			errs = append(errs, "Value '"+q.Get("DurationSeconds")+"' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200")
		}
		in.DurationSeconds = d
	}
	if len(errs) == 1 {
		return nil, validationError("1 validation error detected: %s", errs[0])
	} else if len(errs) > 1 {
		return nil, validationError("%d validation errors detected: %s", len(errs), strings.Join(errs, "; "))
	}
	for _, m := range q.Members("PolicyArns") {
		in.PolicyARNs = append(in.PolicyARNs, m["arn"])
	}
	sess, role, err := h.AssumeRole(ctx, gofaas.PrincipalFrom(ctx), in)
	if err != nil {
		return nil, err
	}
	var out assumeRoleResult
	out.Credentials = xmlCredentials{sess.AccessKeyID, sess.SecretAccessKey, sess.SessionToken,
		sess.Expiration.UTC().Format("2006-01-02T15:04:05Z")}
	out.AssumedRoleUser.AssumedRoleID = role.RoleID + ":" + sess.SessionName
	out.AssumedRoleUser.Arn = h.sessionARN(ctx, role.Name, sess.SessionName)
	if in.Policy != "" || len(in.PolicyARNs) > 0 {
		size := packedPolicySize(in)
		out.PackedPolicySize = &size
	}
	return out, nil
}

// packedPolicySize approximates AWS's PackedPolicySize: the percentage of
// the session policy allowance the policies use.
func packedPolicySize(in AssumeRoleInput) int {
	n := len(in.Policy)
	for _, a := range in.PolicyARNs {
		n += len(a)
	}
	return min(100, (n*100+2047)/2048)
}

func (h *Handler) account(ctx context.Context, caller *gofaas.Principal) string {
	if h.AccountID != "" {
		return h.AccountID
	}
	if caller != nil && caller.AccountID != "" {
		return caller.AccountID
	}
	return gofaas.RequestInfoFrom(ctx).AccountID
}

func (h *Handler) sessionARN(ctx context.Context, role, session string) string {
	return "arn:aws:sts::" + h.account(ctx, gofaas.PrincipalFrom(ctx)) + ":assumed-role/" + role + "/" + session
}

// roleFromARN returns the role an ARN names in account, and false when
// there is none. The ARN's path must be the role's.
func (h *Handler) roleFromARN(ctx context.Context, account, arn string) (*gofaas.Role, bool) {
	prefix := "arn:aws:iam::" + account + ":role/"
	rest, ok := strings.CutPrefix(arn, prefix)
	if !ok || rest == "" {
		return nil, false
	}
	name := rest[strings.LastIndex(rest, "/")+1:]
	role, err := h.Store.GetRole(ctx, name)
	if err != nil || prefix+strings.TrimPrefix(role.Path, "/")+role.Name != arn {
		return nil, false
	}
	return role, true
}

// AssumeRole makes a session of the role in.RoleARN for caller, as STS's
// AssumeRole does:
//
//   - the root user may not assume roles;
//   - the role's trust policy must allow the caller sts:AssumeRole;
//   - when the trust policy allows the caller only through its account
//     (Principal {"AWS": "arn:aws:iam::ACCT:root"}), an identity-based
//     policy of the caller must allow sts:AssumeRole on the role too;
//     when it names the caller (or its role) itself, the trust policy
//     suffices, unless an identity policy explicitly denies ("Cross-account
//     vs same-account role trust");
//   - DurationSeconds is at most the role's MaxSessionDuration, and at
//     most one hour when a role session assumes a role (role chaining).
//
// A role that does not exist is reported as a denial, as AWS does.
func (h *Handler) AssumeRole(ctx context.Context, caller *gofaas.Principal, in AssumeRoleInput) (*gofaas.Session, *gofaas.Role, error) {
	if caller == nil {
		return nil, nil, gofaas.TypedErrorf(gofaas.EUNAUTHORIZED, "MissingAuthenticationToken", "Request is missing Authentication Token")
	}
	if caller.IsRoot() {
		return nil, nil, accessDenied("Roles may not be assumed by root accounts.")
	}
	denied := accessDenied("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller.ARN, in.RoleARN)
	role, ok := h.roleFromARN(ctx, h.account(ctx, caller), in.RoleARN)
	if !ok {
		return nil, nil, denied
	}
	trust, err := policy.Parse(role.AssumeRolePolicy, policy.ParseTrust)
	if err != nil {
		return nil, nil, denied
	}
	d := policy.EvaluateTrust(trust, caller, "sts:AssumeRole", nil)
	if !d.Allowed {
		return nil, nil, denied
	}
	if h.Authorize != nil {
		if err := h.Authorize(ctx, "sts:AssumeRole", in.RoleARN); err != nil {
			viaAccount := d.Statement == nil || d.Statement.Principal == "account"
			if viaAccount || strings.Contains(gofaas.ErrorMessage(err), "explicit deny") {
				return nil, nil, denied
			}
		}
	}
	duration := in.DurationSeconds
	if duration == 0 {
		duration = defaultDuration
	}
	if duration > role.MaxSessionDuration {
		return nil, nil, validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	if caller.Type == "AssumedRole" && duration > chainedMaxDuration {
		return nil, nil, validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if in.Policy != "" {
		if _, err := policy.Parse(in.Policy, policy.ParseIdentity); err != nil {
			return nil, nil, err
		}
	}
	if len(in.PolicyARNs) > 10 {
		return nil, nil, validationError("1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	for _, arn := range in.PolicyARNs {
		if _, err := h.Store.GetPolicy(ctx, arn); err != nil {
			return nil, nil, gofaas.TypedErrorf(gofaas.EINVALID, "InvalidParameterValue", "Policy %s does not exist or is not attachable.", arn)
		}
	}
	sess, err := h.newSession(ctx, role, in.RoleSessionName, time.Duration(duration)*time.Second)
	if err != nil {
		return nil, nil, err
	}
	sess.Policy, sess.PolicyARNs = in.Policy, in.PolicyARNs
	if err := h.Store.CreateSession(ctx, sess); err != nil {
		return nil, nil, err
	}
	return sess, role, nil
}

func (h *Handler) newSession(ctx context.Context, role *gofaas.Role, name string, d time.Duration) (*gofaas.Session, error) {
	return &gofaas.Session{
		RoleName:    role.Name,
		RoleID:      role.RoleID,
		SessionName: name,
		Expiration:  h.now().Add(d).UTC().Truncate(time.Second),
	}, nil
}

// AssumeRoleForService makes a session of roleARN for an AWS service
// principal (service is "lambda.amazonaws.com"), as the service does to run
// code with its execution role. The role must exist and its trust policy
// must allow the service sts:AssumeRole; otherwise it returns EINVALID
// ("The role defined for the function cannot be assumed by Lambda." is the
// caller's to phrase) with a plain message. duration 0 means one hour.
func (h *Handler) AssumeRoleForService(ctx context.Context, roleARN, sessionName, service string, duration time.Duration) (*gofaas.Session, error) {
	role, ok := h.roleFromARN(ctx, h.account(ctx, nil), roleARN)
	if !ok {
		return nil, gofaas.Errorf(gofaas.EINVALID, "The role %s does not exist.", roleARN)
	}
	trust, err := policy.Parse(role.AssumeRolePolicy, policy.ParseTrust)
	if err != nil {
		return nil, gofaas.Errorf(gofaas.EINVALID, "The trust policy of role %s is not valid.", roleARN)
	}
	principal := &gofaas.Principal{Type: "Service", ARN: service, Name: service}
	if d := policy.EvaluateTrust(trust, principal, "sts:AssumeRole", nil); !d.Allowed {
		return nil, gofaas.Errorf(gofaas.EINVALID, "The role %s cannot be assumed by %s.", roleARN, service)
	}
	if duration <= 0 {
		duration = time.Duration(defaultDuration) * time.Second
	}
	if sessionName == "" || utf8.RuneCountInString(sessionName) > 64 || !reSessionName.MatchString(sessionName) {
		return nil, gofaas.Errorf(gofaas.EINVALID, "Invalid role session name: %s", sessionName)
	}
	sess, err := h.newSession(ctx, role, sessionName, duration)
	if err != nil {
		return nil, err
	}
	if err := h.Store.CreateSession(ctx, sess); err != nil {
		return nil, err
	}
	return sess, nil
}
