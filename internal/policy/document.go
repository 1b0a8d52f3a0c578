package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/gofaas/gofaas"
)

// Kind says what a policy document is attached to; IAM validates each kind
// differently.
type Kind int

const (
	// ParseIdentity is an identity-based policy (user, group or role
	// policy, managed policy, permissions boundary, session policy): it must
	// not name a principal and must name resources.
	ParseIdentity Kind = iota
	// ParseResource is a resource-based policy (a Lambda function policy):
	// it must name a principal.
	ParseResource
	// ParseTrust is a role trust policy (AssumeRolePolicyDocument): it must
	// name a principal and must not name resources.
	ParseTrust
)

// Policy language versions.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Document is a parsed, validated policy document. It is immutable after
// Parse and safe for concurrent use; callers cache it.
type Document struct {
	Kind Kind
	// Version is "2012-10-17" or "2008-10-17" ("" when the document had
	// none, which has 2008-10-17 semantics: no policy variables).
	Version    string
	ID         string
	Statements []*Statement
}

// Statement is one statement of a policy document.
type Statement struct {
	Sid    string
	Effect string // "Allow" or "Deny"

	// Exactly one of Action and NotAction is set (non-nil).
	Action, NotAction []string
	// Exactly one of Resource and NotResource is set, except in trust
	// policies, which have neither (the statement applies to the role).
	Resource, NotResource []string
	// Principal and NotPrincipal are nil in identity policies.
	Principal, NotPrincipal *Principals
	Conditions              []Condition

	deny      bool
	actions   []pattern // compiled Action or NotAction, lower case
	resources []pattern // compiled Resource or NotResource
}

// Principals is the value of a Principal or NotPrincipal element.
type Principals struct {
	// Any is set for "*" and {"AWS": "*"}.
	Any           bool
	AWS           []string
	Service       []string
	Federated     []string
	CanonicalUser []string
}

// Parse parses and validates a policy document of the given kind. It
// returns EINVALID errors of type MalformedPolicyDocument with IAM's
// messages.
func Parse(doc string, kind Kind) (*Document, error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, malformed("Syntax errors in policy.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, malformed("Syntax errors in policy.")
	}
	top, ok := root.(map[string]any)
	if !ok {
		return nil, malformed("Syntax errors in policy.")
	}
	d := &Document{Kind: kind}
	for k := range top {
		switch k {
		case "Version", "Id", "Statement":
		default:
			return nil, malformed("Syntax errors in policy.")
		}
	}
	if v, ok := top["Version"]; ok {
		s, ok := v.(string)
		if !ok || (s != Version2012 && s != Version2008) {
			return nil, malformed("Syntax errors in policy.")
		}
		d.Version = s
	}
	if v, ok := top["Id"]; ok {
		s, ok := v.(string)
		if !ok {
			return nil, malformed("Syntax errors in policy.")
		}
		d.ID = s
	}
	raw, ok := top["Statement"]
	if !ok {
		return nil, malformed("Syntax errors in policy.")
	}
	var list []any
	switch v := raw.(type) {
	case map[string]any:
		list = []any{v}
	case []any:
		list = v
	default:
		return nil, malformed("Syntax errors in policy.")
	}
	if len(list) == 0 {
		return nil, malformed("Syntax errors in policy.")
	}
	vars := d.Version == Version2012
	sids := map[string]bool{}
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, malformed("Syntax errors in policy.")
		}
		st, err := parseStatement(m, kind, vars)
		if err != nil {
			return nil, err
		}
		if st.Sid != "" {
			if sids[st.Sid] {
				return nil, malformed("Statement IDs (SID) in a single policy must be unique.")
			}
			sids[st.Sid] = true
		}
		d.Statements = append(d.Statements, st)
	}
	return d, nil
}

// MustParse is Parse for documents known to be valid (tests, AWS managed
// policies); it panics on error.
func MustParse(doc string, kind Kind) *Document {
	d, err := Parse(doc, kind)
	if err != nil {
		panic(fmt.Sprintf("policy.MustParse: %s", gofaas.ErrorMessage(err)))
	}
	return d
}

func malformed(msg string) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "MalformedPolicyDocument", "%s", msg)
}

func parseStatement(m map[string]any, kind Kind, vars bool) (*Statement, error) {
	for k := range m {
		switch k {
		case "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
			"Resource", "NotResource", "Condition":
		default:
			return nil, malformed("Syntax errors in policy.")
		}
	}
	st := &Statement{}
	if v, ok := m["Sid"]; ok {
		s, ok := v.(string)
		if !ok {
			return nil, malformed("Syntax errors in policy.")
		}
		if kind != ParseResource && !alnum(s) {
			return nil, malformed("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*")
		}
		st.Sid = s
	}
	switch v, ok := m["Effect"]; {
	case !ok:
		return nil, malformed("Missing required field Effect")
	case v == "Allow":
		st.Effect = "Allow"
	case v == "Deny":
		st.Effect, st.deny = "Deny", true
	default:
		s, _ := v.(string)
		if s == "" {
			return nil, malformed("Syntax errors in policy.")
		}
		return nil, malformed("Invalid effect: " + s)
	}

	// Principal.
	_, hasP := m["Principal"]
	_, hasNP := m["NotPrincipal"]
	if hasP && hasNP {
		return nil, malformed("Syntax errors in policy.")
	}
	if kind == ParseIdentity && (hasP || hasNP) {
		return nil, malformed("Policy document should not specify a principal.")
	}
	if kind != ParseIdentity && !hasP && !hasNP {
		return nil, malformed("Missing required field Principal")
	}
	var err error
	if hasP {
		if st.Principal, err = parsePrincipals(m["Principal"]); err != nil {
			return nil, err
		}
	}
	if hasNP {
		if st.NotPrincipal, err = parsePrincipals(m["NotPrincipal"]); err != nil {
			return nil, err
		}
	}

	// Action.
	a, hasA := m["Action"]
	na, hasNA := m["NotAction"]
	if hasA && hasNA {
		return nil, malformed("Syntax errors in policy.")
	}
	if !hasA && !hasNA {
		return nil, malformed("Policy statement must contain actions.")
	}
	var actions []string
	if hasA {
		if st.Action, err = stringList(a); err != nil {
			return nil, err
		}
		actions = st.Action
	} else {
		if st.NotAction, err = stringList(na); err != nil {
			return nil, err
		}
		actions = st.NotAction
	}
	if len(actions) == 0 {
		return nil, malformed("Policy statement must contain actions.")
	}
	for _, s := range actions {
		if s != "*" && !vendorPrefixed(s) {
			return nil, malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
		}
		st.actions = append(st.actions, compileAction(s))
	}

	// Resource.
	r, hasR := m["Resource"]
	nr, hasNR := m["NotResource"]
	if hasR && hasNR {
		return nil, malformed("Syntax errors in policy.")
	}
	if kind == ParseTrust {
		if hasR {
			return nil, malformed("Has prohibited field Resource")
		}
		if hasNR {
			return nil, malformed("Has prohibited field NotResource")
		}
	} else if !hasR && !hasNR {
		return nil, malformed("Policy statement must contain resources.")
	}
	if hasR || hasNR {
		var resources []string
		if hasR {
			if st.Resource, err = stringList(r); err != nil {
				return nil, err
			}
			resources = st.Resource
		} else {
			if st.NotResource, err = stringList(nr); err != nil {
				return nil, err
			}
			resources = st.NotResource
		}
		if len(resources) == 0 {
			return nil, malformed("Policy statement must contain resources.")
		}
		for _, s := range resources {
			if s != "*" && !strings.HasPrefix(s, "arn:") {
				return nil, malformed(fmt.Sprintf("Resource %s must be in ARN format or \"*\".", s))
			}
			st.resources = append(st.resources, compileResource(s, vars))
		}
	}

	// Condition.
	if c, ok := m["Condition"]; ok {
		if st.Conditions, err = parseConditions(c, vars); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// stringList decodes a string or a list of strings.
func stringList(v any) ([]string, error) {
	switch v := v.(type) {
	case string:
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, malformed("Syntax errors in policy.")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, malformed("Syntax errors in policy.")
}

func parsePrincipals(v any) (*Principals, error) {
	if s, ok := v.(string); ok {
		if s != "*" {
			return nil, malformed(fmt.Sprintf("Invalid principal in policy: %q", s))
		}
		return &Principals{Any: true}, nil
	}
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil, malformed("Syntax errors in policy.")
	}
	p := &Principals{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		vals, err := stringList(m[k])
		if err != nil {
			return nil, err
		}
		if len(vals) == 0 {
			return nil, malformed("Syntax errors in policy.")
		}
		for _, s := range vals {
			if !validPrincipal(k, s) {
				return nil, malformed(fmt.Sprintf("Invalid principal in policy: %q:%q", k, s))
			}
		}
		switch k {
		case "AWS":
			for _, s := range vals {
				if s == "*" {
					p.Any = true
				}
			}
			p.AWS = vals
		case "Service":
			p.Service = vals
		case "Federated":
			p.Federated = vals
		case "CanonicalUser":
			p.CanonicalUser = vals
		}
	}
	return p, nil
}

func validPrincipal(typ, s string) bool {
	switch typ {
	case "AWS":
		if s == "*" || isAccountID(s) {
			return true
		}
		a, err := gofaas.ParseARN(s)
		if err != nil || a.AccountID == "" || !isAccountID(a.AccountID) || a.Resource == "" {
			return false
		}
		switch a.Service {
		case "iam":
			return a.Resource == "root" || strings.HasPrefix(a.Resource, "user/") || strings.HasPrefix(a.Resource, "role/")
		case "sts":
			return strings.HasPrefix(a.Resource, "assumed-role/") || strings.HasPrefix(a.Resource, "federated-user/")
		}
		return false
	case "Service", "Federated", "CanonicalUser":
		return s != "" && !strings.ContainsAny(s, " \t\n")
	}
	return false
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// vendorPrefixed reports whether s is "vendor:rest" with a non-empty vendor.
func vendorPrefixed(s string) bool {
	i := strings.IndexByte(s, ':')
	return i > 0 && i < len(s)-1
}

// scalarString turns a JSON condition value into its string form: strings
// as is, numbers as written, booleans as "true"/"false".
func scalarString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		if v {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

// String summarizes d for debugging.
func (d *Document) String() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "policy.Document{Version:%q, %d statements}", d.Version, len(d.Statements))
	return b.String()
}
