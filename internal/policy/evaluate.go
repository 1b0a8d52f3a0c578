package policy

import (
	"strings"

	"github.com/gofaas/gofaas"
)

// Request is one authorization question: may Principal do Action on
// Resource?
type Request struct {
	// Principal is the caller; nil is an anonymous caller. An AWS service
	// calling on its own behalf (EventBridge invoking a function) is a
	// Principal with Type "Service" and ARN (and Name) its service principal,
	// "events.amazonaws.com".
	Principal *gofaas.Principal
	Action    string // "lambda:InvokeFunction"
	Resource  string // an ARN, or "*"
	// Context holds the request's condition keys ("aws:SourceArn",
	// "aws:CurrentTime", "aws:PrincipalTag/team" ...). Lookups are
	// case-insensitive. aws:username, aws:userid, aws:PrincipalArn,
	// aws:PrincipalAccount and aws:PrincipalType are derived from Principal
	// when Context does not hold them.
	Context map[string][]string
}

// Named is a parsed policy with the name and ARN that explanations and
// error messages show (ARN "" for inline policies).
type Named struct {
	Name string
	ARN  string
	Doc  *Document
}

// PolicySet is every policy that applies to a request.
type PolicySet struct {
	// Identity holds the caller's identity-based policies: a user's inline
	// and managed policies and its groups' policies, or a role's policies.
	Identity []Named
	// Resource holds the resource's policies (a Lambda function policy).
	Resource []Named
	// SessionPolicies are the session's policies (AssumeRole Policy and
	// PolicyArns); when any is set, one of them must also allow.
	SessionPolicies []Named
	// PermissionsBoundary, when set, must also allow.
	PermissionsBoundary *Named
	// Root marks the account's root user (as does Principal.Type "Root"):
	// it is allowed everything that no resource-based policy explicitly
	// denies.
	Root bool
}

// PolicyType names a kind of policy as AWS's access denied messages do.
type PolicyType string

// Policy types.
const (
	IdentityBased       PolicyType = "identity-based policy"
	ResourceBased       PolicyType = "resource-based policy"
	PermissionsBoundary PolicyType = "permissions boundary"
	SessionPolicy       PolicyType = "session policy"
)

// MatchedStatement identifies the statement that decided a request.
type MatchedStatement struct {
	Type       PolicyType
	PolicyName string
	PolicyARN  string
	Sid        string
	Index      int    // the statement's index in its document
	Effect     string // "Allow" or "Deny"
	// Principal says how a resource or trust policy's Principal matched:
	// "exact" (the caller's user or role session ARN), "role" (the role of
	// the caller's session), "account", "any", "service", "federated" or
	// "canonical"; "" for identity policies and NotPrincipal.
	Principal string
}

// Decision is the outcome of an evaluation.
type Decision struct {
	Allowed bool
	// ExplicitDeny is set when a Deny statement matched.
	ExplicitDeny bool
	// DeniedBy is the policy type a denial names in its message.
	DeniedBy PolicyType
	// Statement is the Deny statement that matched, or the Allow statement
	// that allowed (nil for an implicit deny and for the root user).
	Statement *MatchedStatement
	// Reason explains the decision in a sentence, for the console and logs.
	Reason string
}

// Evaluate decides req as IAM does within one account ("Policy evaluation
// logic"):
//
//  1. An explicit Deny in any policy (identity, resource, boundary,
//     session) denies.
//  2. The root user is then allowed.
//  3. A resource-based policy that allows the caller's exact ARN (an IAM
//     user, or a role session ARN) allows: AWS does not limit such a grant by
//     the permissions boundary or session policies.
//  4. Otherwise an identity-based policy or a resource-based policy must
//     allow (a resource policy naming the role, the account or "*" counts
//     here), and then the permissions boundary (if set) and a session policy
//     (if any is set) must allow too.
//
// Evaluate does not parse; documents are parsed once and cached by callers.
func Evaluate(req Request, set PolicySet) Decision {
	e := evalCtx{req: &req}
	var idAllow, resAllow, resDirect, bAllow, sAllow *MatchedStatement

	check := func(typ PolicyType, pols []Named, principal bool) (deny, allow, direct *MatchedStatement) {
		for pi := range pols {
			n := &pols[pi]
			if n.Doc == nil {
				continue
			}
			for si, st := range n.Doc.Statements {
				if !st.deny && allow != nil && (!principal || direct != nil) {
					continue // an Allow is already known; only Denies matter now
				}
				how, ok := st.applies(&e, principal)
				if !ok {
					continue
				}
				m := &MatchedStatement{Type: typ, PolicyName: n.Name, PolicyARN: n.ARN, Sid: st.Sid,
					Index: si, Effect: st.Effect, Principal: how}
				if st.deny {
					return m, nil, nil
				}
				if principal && how == "account" {
					// Naming the account (its id or :root) delegates to
					// the account: the caller still needs an identity
					// policy that allows the action.
					continue
				}
				if allow == nil {
					allow = m
				}
				if how == "exact" && direct == nil {
					direct = m
				}
			}
		}
		return nil, allow, direct
	}
	denied := func(m *MatchedStatement) Decision {
		return Decision{ExplicitDeny: true, DeniedBy: m.Type, Statement: m,
			Reason: "explicitly denied by " + describe(m)}
	}

	root := set.Root || req.Principal.IsRoot()
	if !root {
		var d *MatchedStatement
		if d, idAllow, _ = check(IdentityBased, set.Identity, false); d != nil {
			return denied(d)
		}
	}
	if d, a, dir := check(ResourceBased, set.Resource, true); d != nil {
		return denied(d)
	} else {
		resAllow, resDirect = a, dir
	}
	if root {
		return Decision{Allowed: true, Reason: "the root user is allowed every action that no policy explicitly denies"}
	}
	if set.PermissionsBoundary != nil {
		d, a, _ := check(PermissionsBoundary, []Named{*set.PermissionsBoundary}, false)
		if d != nil {
			return denied(d)
		}
		bAllow = a
	}
	if len(set.SessionPolicies) > 0 {
		d, a, _ := check(SessionPolicy, set.SessionPolicies, false)
		if d != nil {
			return denied(d)
		}
		sAllow = a
	}

	if resDirect != nil {
		return Decision{Allowed: true, Statement: resDirect, Reason: "allowed by " + describe(resDirect) +
			", which names the caller's ARN (not limited by permissions boundaries or session policies)"}
	}
	allow := idAllow
	if allow == nil {
		allow = resAllow
	}
	if allow == nil {
		typ := IdentityBased
		if req.Principal != nil && req.Principal.Type == "Service" || req.Principal == nil {
			typ = ResourceBased
		}
		return Decision{DeniedBy: typ, Reason: "no " + string(typ) + " allows the " + req.Action + " action"}
	}
	if set.PermissionsBoundary != nil && bAllow == nil {
		return Decision{DeniedBy: PermissionsBoundary, Statement: nil,
			Reason: "no permissions boundary allows the " + req.Action + " action"}
	}
	if len(set.SessionPolicies) > 0 && sAllow == nil {
		return Decision{DeniedBy: SessionPolicy,
			Reason: "no session policy allows the " + req.Action + " action"}
	}
	return Decision{Allowed: true, Statement: allow, Reason: "allowed by " + describe(allow)}
}

// EvaluateTrust decides whether principal may perform action (sts:AssumeRole,
// sts:TagSession ...) under a role's trust policy. An explicit Deny wins;
// otherwise a matching Allow allows. Within one account, AWS also requires
// an identity-based policy allowing the action when the trust policy names
// the account rather than the caller (Statement.Principal "account"); that
// check is the caller's.
func EvaluateTrust(trust *Document, principal *gofaas.Principal, action string, context map[string][]string) Decision {
	req := Request{Principal: principal, Action: action, Resource: "", Context: context}
	e := evalCtx{req: &req}
	var allow *MatchedStatement
	if trust != nil {
		for si, st := range trust.Statements {
			how, ok := st.applies(&e, true)
			if !ok {
				continue
			}
			m := &MatchedStatement{Type: ResourceBased, Sid: st.Sid, Index: si, Effect: st.Effect, Principal: how}
			if st.deny {
				return Decision{ExplicitDeny: true, DeniedBy: ResourceBased, Statement: m,
					Reason: "explicitly denied by the role's trust policy" + sidNote(m)}
			}
			if allow == nil {
				allow = m
			}
		}
	}
	if allow == nil {
		return Decision{DeniedBy: ResourceBased, Reason: "the role's trust policy does not allow " + action}
	}
	return Decision{Allowed: true, Statement: allow, Reason: "allowed by the role's trust policy" + sidNote(allow)}
}

func describe(m *MatchedStatement) string {
	s := string(m.Type)
	switch {
	case m.PolicyARN != "":
		s += " " + m.PolicyARN
	case m.PolicyName != "":
		s += " " + m.PolicyName
	}
	return s + sidNote(m)
}

func sidNote(m *MatchedStatement) string {
	if m.Sid != "" {
		return " (statement " + m.Sid + ")"
	}
	return ""
}

// DeniedMessage returns AWS's access denied message for a denied request:
// "User: ARN is not authorized to perform: ACTION on resource: RESOURCE
// because no identity-based policy allows the ACTION action", or "... with
// an explicit deny in an identity-based policy". For an assumed role the
// ARN is the session's (arn:aws:sts::ACCT:assumed-role/ROLE/SESSION).
func DeniedMessage(req Request, d Decision) string {
	who := "anonymous"
	if req.Principal != nil && req.Principal.ARN != "" {
		who = req.Principal.ARN
	}
	resource := req.Resource
	if resource == "" {
		resource = "*"
	}
	msg := "User: " + who + " is not authorized to perform: " + req.Action + " on resource: " + resource
	typ := d.DeniedBy
	if typ == "" {
		typ = IdentityBased
	}
	if d.ExplicitDeny {
		article := "a "
		if typ == IdentityBased {
			article = "an "
		}
		return msg + " with an explicit deny in " + article + string(typ)
	}
	return msg + " because no " + string(typ) + " allows the " + req.Action + " action"
}

// applies reports whether st applies to the request: its action, resource,
// principal (for resource and trust policies) and conditions all match.
// how says how the principal matched.
func (st *Statement) applies(e *evalCtx, principal bool) (how string, ok bool) {
	hit := false
	for i := range st.actions {
		if st.actions[i].match(e.req.Action, nil) {
			hit = true
			break
		}
	}
	if hit == (st.NotAction != nil) {
		return "", false
	}
	if st.resources != nil {
		hit = false
		for i := range st.resources {
			if st.resources[i].match(e.req.Resource, e) {
				hit = true
				break
			}
		}
		if hit == (st.NotResource != nil) {
			return "", false
		}
	}
	if principal {
		switch {
		case st.Principal != nil:
			if how, ok = principalMatch(st.Principal, e.req.Principal); !ok {
				return "", false
			}
		case st.NotPrincipal != nil:
			if _, ok := principalMatch(st.NotPrincipal, e.req.Principal); ok {
				return "", false
			}
		default:
			return "", false
		}
	}
	for i := range st.Conditions {
		if !st.Conditions[i].eval(e) {
			return "", false
		}
	}
	return how, true
}

// principalMatch reports whether p is one of ps, and how.
func principalMatch(ps *Principals, p *gofaas.Principal) (string, bool) {
	if ps.Any {
		return "any", true
	}
	if p == nil {
		return "", false
	}
	if p.Type == "Service" {
		for _, s := range ps.Service {
			if strings.EqualFold(s, p.ARN) || strings.EqualFold(s, p.Name) {
				return "service", true
			}
		}
		return "", false
	}
	for _, s := range ps.AWS {
		if isAccountID(s) {
			if s == p.AccountID {
				return "account", true
			}
			continue
		}
		if s == p.ARN {
			if p.Type == "Root" {
				return "account", true
			}
			return "exact", true
		}
		a, err := gofaas.ParseARN(s)
		if err != nil || a.AccountID != p.AccountID {
			continue
		}
		switch {
		case a.Service == "iam" && a.Resource == "root":
			return "account", true
		case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/") && p.Type == "AssumedRole":
			name := a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
			if name == p.Name {
				return "role", true
			}
		}
	}
	for _, s := range ps.Federated {
		if s == p.ARN || s == p.Name {
			return "federated", true
		}
	}
	for _, s := range ps.CanonicalUser {
		if s == p.UserID {
			return "canonical", true
		}
	}
	return "", false
}

// evalCtx answers condition key and policy variable lookups for one request.
type evalCtx struct {
	req *Request
}

// lookup returns the values of a condition key, matched case-insensitively.
func (e *evalCtx) lookup(key string) ([]string, bool) {
	if v, ok := e.req.Context[key]; ok {
		return v, true
	}
	for k, v := range e.req.Context {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	p := e.req.Principal
	if p == nil {
		return nil, false
	}
	var v string
	switch strings.ToLower(key) {
	case "aws:username":
		if p.Type != "IAMUser" {
			return nil, false
		}
		v = p.Name
	case "aws:userid":
		v = p.UserID
	case "aws:principalarn":
		v = principalARN(p)
	case "aws:principalaccount":
		v = p.AccountID
	case "aws:principaltype":
		switch p.Type {
		case "Root":
			v = "Account"
		case "IAMUser":
			v = "User"
		default:
			v = p.Type
		}
	default:
		return nil, false
	}
	if v == "" {
		return nil, false
	}
	return []string{v}, true
}

// principalARN is aws:PrincipalArn: the role's ARN (not the session's) for
// an assumed role.
func principalARN(p *gofaas.Principal) string {
	if p.Type == "AssumedRole" && p.AccountID != "" && p.Name != "" {
		return "arn:aws:iam::" + p.AccountID + ":role/" + p.Name
	}
	return p.ARN
}

// variable resolves a policy variable: it must have exactly one value.
func (e *evalCtx) variable(key string) (string, bool) {
	v, ok := e.lookup(key)
	if !ok || len(v) != 1 {
		return "", false
	}
	return v[0], true
}
