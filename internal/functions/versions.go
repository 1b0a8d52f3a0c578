package functions

import (
	"context"

	"github.com/gofaas/gofaas"
)

// PublishVersionInput is the PublishVersion request.
type PublishVersionInput struct {
	FunctionName string
	// CodeSha256, if set, must be $LATEST's code hash (base64, as Lambda
	// reports it).
	CodeSha256  string
	Description string
	RevisionID  string
}

// PublishVersion publishes $LATEST as a new version, or returns the newest
// version if $LATEST has not changed since. It returns EPRECONDITION when
// RevisionID is stale and EINVALID when CodeSha256 does not match.
func (s *Service) PublishVersion(ctx context.Context, in *PublishVersionInput) (*gofaas.Function, error) {
	ref, err := s.latestRef(ctx, in.FunctionName)
	if err != nil {
		return nil, err
	}
	var v validation
	checkDescription(&v, in.Description)
	if err := v.err(); err != nil {
		return nil, err
	}
	latest, err := s.Store.GetFunction(ctx, ref.Name, gofaas.LatestVersion)
	if err != nil {
		return nil, storeErr(ctx, err, ref.Name, "")
	}
	if in.RevisionID != "" && in.RevisionID != latest.RevisionID {
		return nil, revisionMismatch()
	}
	if cur := CodeSha256(latest.CodeSha256); in.CodeSha256 != "" && in.CodeSha256 != cur {
		return nil, gofaas.Errorf(gofaas.EINVALID, "CodeSHA256 (%s) is different from current CodeSHA256 in $LATEST (%s). Please try again with the CodeSHA256 in $LATEST.", in.CodeSha256, cur)
	}
	fn, err := s.Store.PublishVersion(ctx, ref.Name, in.Description, latest.RevisionID)
	if err != nil {
		return nil, storeErr(ctx, err, ref.Name, "")
	}
	s.changed(ref.Name)
	return fn, nil
}

// ListVersionsInput is the ListVersionsByFunction request.
type ListVersionsInput struct {
	FunctionName string
	Marker       string
	MaxItems     *int // 1-10000; nil means 50
}

// ListVersionsOutput is a page of versions.
type ListVersionsOutput struct {
	Versions   []*gofaas.Function
	NextMarker string
}

// ListVersionsByFunction returns $LATEST and the published versions in
// order, a page at a time.
func (s *Service) ListVersionsByFunction(ctx context.Context, in *ListVersionsInput) (*ListVersionsOutput, error) {
	ref, err := resolveRef(ctx, in.FunctionName, "", namespacedShape)
	if err != nil {
		return nil, err
	}
	var v validation
	max := checkMaxItems(&v, in.MaxItems, 10000, 50)
	if err := v.err(); err != nil {
		return nil, err
	}
	vs, err := s.Store.ListVersions(ctx, ref.Name, in.Marker, max+1)
	if err != nil {
		return nil, storeErr(ctx, err, ref.Name, "")
	}
	out := &ListVersionsOutput{Versions: vs}
	if len(vs) > max {
		out.Versions = vs[:max]
		out.NextMarker = vs[max-1].Version
	}
	return out, nil
}
