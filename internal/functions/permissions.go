package functions

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/gofaas/gofaas"
)

// AddPermissionInput is the AddPermission request: a statement granting a
// principal an action on the function (or one of its qualifiers).
type AddPermissionInput struct {
	FunctionName     string
	Qualifier        string
	StatementID      string
	Action           string
	Principal        string
	SourceArn        string
	SourceAccount    string
	EventSourceToken string
	PrincipalOrgID   string
	RevisionID       string
}

// policyDocument is a Lambda function policy as AWS stores and returns it.
type policyDocument struct {
	Version   string            `json:"Version"`
	ID        string            `json:"Id"`
	Statement []json.RawMessage `json:"Statement"`
}

type policyStatement struct {
	Sid       string                       `json:"Sid"`
	Effect    string                       `json:"Effect"`
	Principal any                          `json:"Principal"`
	Action    string                       `json:"Action"`
	Resource  string                       `json:"Resource"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

var (
	statementIDRE = regexp.MustCompile(`^([a-zA-Z0-9-_.]+)$`)
	actionRE      = regexp.MustCompile(`^(lambda:[*]|lambda:[a-zA-Z]+|[*])$`)
	principalRE   = regexp.MustCompile(`^[^\s]+$`)
)

// AddPermission adds a statement to the function's resource policy and
// returns the statement as JSON.
func (s *Service) AddPermission(ctx context.Context, in *AddPermissionInput) (string, error) {
	ref, err := resolveRef(ctx, in.FunctionName, in.Qualifier, namespacedShape)
	if err != nil {
		return "", err
	}
	var v validation
	if in.StatementID == "" {
		v.null("statementId")
	} else if len(in.StatementID) > 100 || !statementIDRE.MatchString(in.StatementID) {
		v.pattern("statementId", in.StatementID, `([a-zA-Z0-9-_.]+)`)
	}
	if in.Action == "" {
		v.null("action")
	} else if !actionRE.MatchString(in.Action) {
		v.pattern("action", in.Action, `(lambda:[*]|lambda:[a-zA-Z]+|[*])`)
	}
	if in.Principal == "" {
		v.null("principal")
	} else if !principalRE.MatchString(in.Principal) {
		v.pattern("principal", in.Principal, `[^\s]+`)
	}
	if err := v.err(); err != nil {
		return "", err
	}
	if err := s.policyTargetExists(ctx, ref); err != nil {
		return "", err
	}
	doc, rev, err := s.Store.GetPolicy(ctx, ref.Name, ref.Qualifier)
	if err != nil {
		return "", storeErr(ctx, err, ref.Name, "")
	}
	if in.RevisionID != "" && in.RevisionID != rev {
		return "", revisionMismatch()
	}
	pd := policyDocument{Version: "2012-10-17", ID: "default"}
	if doc != "" {
		if err := json.Unmarshal([]byte(doc), &pd); err != nil {
			return "", err
		}
	}
	for _, raw := range pd.Statement {
		var st policyStatement
		if json.Unmarshal(raw, &st) == nil && st.Sid == in.StatementID {
			return "", gofaas.Errorf(gofaas.ECONFLICT, "The statement id (%s) provided already exists. Please specify a new statement id, or remove the existing statement.", in.StatementID)
		}
	}
	st := policyStatement{
		Sid:       in.StatementID,
		Effect:    "Allow",
		Principal: principalElement(in.Principal),
		Action:    in.Action,
		Resource:  ARN(ctx, ref.Name, ref.Qualifier),
	}
	cond := map[string]map[string]string{}
	if in.SourceArn != "" {
		cond["ArnLike"] = map[string]string{"AWS:SourceArn": in.SourceArn}
	}
	if in.SourceAccount != "" {
		addCond(cond, "StringEquals", "AWS:SourceAccount", in.SourceAccount)
	}
	if in.PrincipalOrgID != "" {
		addCond(cond, "StringEquals", "aws:PrincipalOrgID", in.PrincipalOrgID)
	}
	if in.EventSourceToken != "" {
		addCond(cond, "StringEquals", "lambda:EventSourceToken", in.EventSourceToken)
	}
	if len(cond) > 0 {
		st.Condition = cond
	}
	stJSON, err := json.Marshal(st)
	if err != nil {
		return "", err
	}
	pd.Statement = append(pd.Statement, stJSON)
	newDoc, err := json.Marshal(pd)
	if err != nil {
		return "", err
	}
	if len(newDoc) > 20480 {
		return "", gofaas.TypedErrorf(gofaas.EINVALID, "PolicyLengthExceededException", "The final policy size (%d) is bigger than the limit (20480).", len(newDoc))
	}
	if _, err := s.Store.PutPolicy(ctx, ref.Name, ref.Qualifier, string(newDoc), rev); err != nil {
		return "", storeErr(ctx, err, ref.Name, "")
	}
	s.policyChanged(ref.Name)
	return string(stJSON), nil
}

func addCond(cond map[string]map[string]string, op, key, value string) {
	if cond[op] == nil {
		cond[op] = map[string]string{}
	}
	cond[op][key] = value
}

// principalElement turns AddPermission's Principal into a policy's: an
// account id becomes its root ARN, a service name a Service principal.
func principalElement(p string) any {
	switch {
	case p == "*":
		return "*"
	case len(p) == 12 && strings.Trim(p, "0123456789") == "":
		return map[string]string{"AWS": "arn:aws:iam::" + p + ":root"}
	case strings.HasSuffix(p, ".amazonaws.com") || strings.HasSuffix(p, ".amazonaws.com.cn"):
		return map[string]string{"Service": p}
	default:
		return map[string]string{"AWS": p}
	}
}

// RemovePermission removes a statement from the function's policy.
func (s *Service) RemovePermission(ctx context.Context, functionName, qualifier, statementID, revisionID string) error {
	ref, err := resolveRef(ctx, functionName, qualifier, namespacedShape)
	if err != nil {
		return err
	}
	if err := s.policyTargetExists(ctx, ref); err != nil {
		return err
	}
	doc, rev, err := s.Store.GetPolicy(ctx, ref.Name, ref.Qualifier)
	if err != nil {
		return storeErr(ctx, err, ref.Name, "")
	}
	if revisionID != "" && revisionID != rev {
		return revisionMismatch()
	}
	var pd policyDocument
	if doc != "" {
		if err := json.Unmarshal([]byte(doc), &pd); err != nil {
			return err
		}
	}
	kept := pd.Statement[:0]
	found := false
	for _, raw := range pd.Statement {
		var st policyStatement
		if json.Unmarshal(raw, &st) == nil && st.Sid == statementID {
			found = true
			continue
		}
		kept = append(kept, raw)
	}
	if !found {
		return gofaas.Errorf(gofaas.ENOTFOUND, "Statement %s is not found in resource policy.", statementID)
	}
	newDoc := ""
	if len(kept) > 0 {
		pd.Statement = kept
		b, err := json.Marshal(pd)
		if err != nil {
			return err
		}
		newDoc = string(b)
	}
	if _, err := s.Store.PutPolicy(ctx, ref.Name, ref.Qualifier, newDoc, rev); err != nil {
		return storeErr(ctx, err, ref.Name, "")
	}
	s.policyChanged(ref.Name)
	return nil
}

// GetPolicy returns the function's (or qualifier's) resource policy and its
// revision id.
func (s *Service) GetPolicy(ctx context.Context, functionName, qualifier string) (doc, revisionID string, err error) {
	ref, err := resolveRef(ctx, functionName, qualifier, namespacedShape)
	if err != nil {
		return "", "", err
	}
	if err := s.policyTargetExists(ctx, ref); err != nil {
		return "", "", err
	}
	doc, rev, err := s.Store.GetPolicy(ctx, ref.Name, ref.Qualifier)
	if err != nil {
		return "", "", storeErr(ctx, err, ref.Name, "")
	}
	if doc == "" {
		return "", "", gofaas.Errorf(gofaas.ENOTFOUND, "The resource you requested does not exist.")
	}
	return doc, rev, nil
}

// policyTargetExists checks that the function, and its qualifier when set,
// exist.
func (s *Service) policyTargetExists(ctx context.Context, ref Ref) error {
	if ref.Qualifier == "" {
		if _, err := s.Store.GetFunction(ctx, ref.Name, gofaas.LatestVersion); err != nil {
			return storeErr(ctx, err, ref.Name, "")
		}
		return nil
	}
	return s.qualifierExists(ctx, ref.Name, ref.Qualifier)
}

// PolicyDocument returns the resource policy that applies to invoking the
// function with qualifier ("" for none), or "" if there is none. It is on
// the invoke path and served from a cache.
func (s *Service) PolicyDocument(ctx context.Context, name, qualifier string) string {
	key := name + ":" + qualifier
	s.mu.RLock()
	doc, ok := s.policies[key]
	s.mu.RUnlock()
	if ok {
		return doc
	}
	s.mu.RLock()
	gen := s.gen
	s.mu.RUnlock()
	doc, _, err := s.Store.GetPolicy(ctx, name, qualifier)
	if err != nil {
		return ""
	}
	s.mu.Lock()
	if s.gen == gen {
		if s.policies == nil {
			s.policies = make(map[string]string)
		}
		if len(s.policies) > 10000 {
			clear(s.policies)
		}
		s.policies[key] = doc
	}
	s.mu.Unlock()
	return doc
}

// policyChanged drops cached policies of a function.
func (s *Service) policyChanged(name string) {
	s.mu.Lock()
	for k := range s.policies {
		if strings.HasPrefix(k, name+":") {
			delete(s.policies, k)
		}
	}
	s.gen++
	s.mu.Unlock()
}
