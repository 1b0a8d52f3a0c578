// Package authz is gofaas's IAM authorizer: for each request it gathers
// the policies that apply to the caller (identity, group, role, boundary,
// session) and the resource's own policy, and lets internal/policy decide,
// as IAM does.
//
// Parsed documents are cached by their text, and each principal's policy
// set until Invalidate (called after every IAM change), so a decision costs
// a map lookup and an evaluation.
package authz

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/policy"
)

// Authorizer implements gofaas.Authorizer.
type Authorizer struct {
	// Policies finds the policies of a principal (an IdentityStore).
	Policies interface {
		PoliciesFor(ctx context.Context, p *gofaas.Principal) (*gofaas.PrincipalPolicies, error)
	}
	Now func() time.Time

	mu   sync.RWMutex
	gen  uint64
	sets map[string]*cachedSet // by principal ARN (and session key)
	docs map[string]*policy.Document
}

type cachedSet struct {
	gen uint64
	set policy.PolicySet
}

var _ gofaas.Authorizer = (*Authorizer)(nil)

// maxCached bounds each cache; past it the cache starts over.
const maxCached = 10000

// Invalidate drops every cached policy set: IAM changed.
func (a *Authorizer) Invalidate() {
	a.mu.Lock()
	a.gen++
	clear(a.sets)
	a.mu.Unlock()
}

// Authorize implements gofaas.Authorizer.
func (a *Authorizer) Authorize(ctx context.Context, req *gofaas.AuthRequest) error {
	p := req.Principal
	if p == nil {
		return gofaas.Errorf(gofaas.EUNAUTHORIZED, "Unable to determine the caller's identity.")
	}
	set, err := a.policySet(ctx, p)
	if err != nil {
		return err
	}
	if req.ResourcePolicy != "" {
		doc, err := a.document(req.ResourcePolicy, policy.ParseResource)
		if err == nil {
			set.Resource = []policy.Named{{Name: "resource policy", Doc: doc}}
		}
	}
	preq := policy.Request{Principal: p, Action: req.Action, Resource: req.Resource, Context: a.context(ctx, req)}
	d := policy.Evaluate(preq, set)
	if d.Allowed {
		return nil
	}
	return gofaas.Errorf(gofaas.EUNAUTHORIZED, "%s", policy.DeniedMessage(preq, d))
}

// context adds the global condition keys every request carries.
func (a *Authorizer) context(ctx context.Context, req *gofaas.AuthRequest) map[string][]string {
	now := time.Now()
	if a.Now != nil {
		now = a.Now()
	}
	c := make(map[string][]string, len(req.Context)+4)
	for k, v := range req.Context {
		c[k] = v
	}
	c["aws:CurrentTime"] = []string{now.UTC().Format(time.RFC3339)}
	c["aws:EpochTime"] = []string{strconv.FormatInt(now.Unix(), 10)}
	c["aws:SecureTransport"] = []string{"false"}
	info := gofaas.RequestInfoFrom(ctx)
	if info.Region != "" {
		c["aws:RequestedRegion"] = []string{info.Region}
	}
	if info.SourceIP != "" {
		c["aws:SourceIp"] = []string{info.SourceIP}
	}
	return c
}

// policySet returns the principal's identity, boundary and session
// policies, parsed, from the cache when it can.
func (a *Authorizer) policySet(ctx context.Context, p *gofaas.Principal) (policy.PolicySet, error) {
	switch p.Type {
	case "Root":
		return policy.PolicySet{Root: true}, nil
	case "Service":
		return policy.PolicySet{}, nil
	}
	key := p.ARN + "|" + p.AccessKeyID
	a.mu.RLock()
	c, ok := a.sets[key]
	gen := a.gen
	a.mu.RUnlock()
	if ok && c.gen == gen {
		return c.set, nil
	}
	pp, err := a.Policies.PoliciesFor(ctx, p)
	if err != nil {
		return policy.PolicySet{}, err
	}
	var set policy.PolicySet
	for _, d := range pp.Identity {
		if doc, err := a.document(d.Document, policy.ParseIdentity); err == nil {
			set.Identity = append(set.Identity, policy.Named{Name: d.Name, ARN: d.ARN, Doc: doc})
		}
	}
	if pp.Boundary != nil {
		if doc, err := a.document(pp.Boundary.Document, policy.ParseIdentity); err == nil {
			set.PermissionsBoundary = &policy.Named{Name: pp.Boundary.Name, ARN: pp.Boundary.ARN, Doc: doc}
		}
	}
	if pp.Session != nil {
		set.SessionPolicies = []policy.Named{}
		for _, d := range pp.Session {
			if doc, err := a.document(d.Document, policy.ParseIdentity); err == nil {
				set.SessionPolicies = append(set.SessionPolicies, policy.Named{Name: d.Name, ARN: d.ARN, Doc: doc})
			}
		}
	}
	a.mu.Lock()
	if a.gen == gen {
		if a.sets == nil || len(a.sets) > maxCached {
			a.sets = make(map[string]*cachedSet)
		}
		a.sets[key] = &cachedSet{gen: gen, set: set}
	}
	a.mu.Unlock()
	return set, nil
}

// document parses a policy once per distinct text.
func (a *Authorizer) document(text string, kind policy.Kind) (*policy.Document, error) {
	key := strconv.Itoa(int(kind)) + text
	a.mu.RLock()
	d, ok := a.docs[key]
	a.mu.RUnlock()
	if ok {
		return d, nil
	}
	d, err := policy.Parse(text, kind)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	if a.docs == nil || len(a.docs) > maxCached {
		a.docs = make(map[string]*policy.Document)
	}
	a.docs[key] = d
	a.mu.Unlock()
	return d, nil
}
