package functions

import (
	"context"
	"maps"

	"github.com/gofaas/gofaas"
)

// AliasInput is the CreateAlias and UpdateAlias request.
type AliasInput struct {
	FunctionName    string
	Name            string
	FunctionVersion string // required for CreateAlias; "" leaves it (UpdateAlias)
	Description     *string
	// RoutingConfig, when not nil, sets the extra version and its weight
	// (an empty map removes it).
	RoutingConfig map[string]float64
	RevisionID    string // UpdateAlias only
}

// CreateAlias creates an alias. It returns ECONFLICT if it exists and
// ENOTFOUND if the function or a version does not exist.
func (s *Service) CreateAlias(ctx context.Context, in *AliasInput) (*gofaas.Alias, error) {
	ref, err := s.aliasRef(ctx, in, true)
	if err != nil {
		return nil, err
	}
	if _, err := s.Store.GetFunction(ctx, ref.Name, in.FunctionVersion); err != nil {
		return nil, storeErr(ctx, err, ref.Name, in.FunctionVersion)
	}
	if err := s.checkRouting(ctx, ref.Name, in.FunctionVersion, in.RoutingConfig); err != nil {
		return nil, err
	}
	a := &gofaas.Alias{
		FunctionName:    ref.Name,
		Name:            in.Name,
		FunctionVersion: in.FunctionVersion,
		RevisionID:      newRevisionID(),
	}
	if in.Description != nil {
		a.Description = *in.Description
	}
	if len(in.RoutingConfig) > 0 {
		a.AdditionalVersionWeights = maps.Clone(in.RoutingConfig)
	}
	if err := s.Store.CreateAlias(ctx, a); err != nil {
		switch gofaas.ErrorCode(err) {
		case gofaas.ECONFLICT:
			return nil, gofaas.Errorf(gofaas.ECONFLICT, "Alias already exists: %s", ARN(ctx, ref.Name, in.Name))
		case gofaas.ENOTFOUND:
			return nil, notFound(ctx, ref.Name, "")
		}
		return nil, err
	}
	s.changed(ref.Name)
	return a, nil
}

// aliasRef validates an alias request's names.
func (s *Service) aliasRef(ctx context.Context, in *AliasInput, create bool) (Ref, error) {
	ref, err := resolveRef(ctx, in.FunctionName, "", plainShape)
	if err != nil {
		return Ref{}, err
	}
	var v validation
	checkAliasName(&v, in.Name)
	if create && in.FunctionVersion == "" {
		v.null("functionVersion")
	} else if in.FunctionVersion != "" {
		if len(in.FunctionVersion) > 1024 {
			v.maxLen("functionVersion", in.FunctionVersion, 1024)
		} else if in.FunctionVersion != gofaas.LatestVersion && !isVersion(in.FunctionVersion) {
			v.pattern("functionVersion", in.FunctionVersion, patternVersion)
		}
	}
	if in.Description != nil {
		checkDescription(&v, *in.Description)
	}
	if err := v.err(); err != nil {
		return Ref{}, err
	}
	if ref.Qualifier != "" {
		return Ref{}, gofaas.Errorf(gofaas.EINVALID, "Current operation does not support versions other than $LATEST. Please set function version to $LATEST or do not set a version")
	}
	return ref, nil
}

func checkAliasName(v *validation, name string) {
	switch {
	case name == "":
		v.null("name")
	case len(name) > 128:
		v.maxLen("name", name, 128)
	case !isName(name) || isVersion(name):
		v.pattern("name", name, patternAlias)
	}
}

// checkRouting applies Lambda's rules to an alias's routing weights.
func (s *Service) checkRouting(ctx context.Context, name, version string, weights map[string]float64) error {
	if len(weights) == 0 {
		return nil
	}
	if len(weights) > 1 {
		return gofaas.Errorf(gofaas.EINVALID, "Number of items in AdditionalVersionWeights cannot be greater than 1")
	}
	for k, w := range weights {
		entry := "{" + k + "=" + formatWeight(w) + "}"
		if w < 0 || w > 1 {
			return validationError(1, "Value '"+entry+"' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]")
		}
		if k == version {
			return gofaas.Errorf(gofaas.EINVALID, "Invalid function version %s. Function version %s is already included in routing configuration.", version, version)
		}
		if version == gofaas.LatestVersion {
			return gofaas.Errorf(gofaas.EINVALID, "$LATEST is not supported for an alias pointing to more than 1 version")
		}
		if !isVersion(k) {
			return validationError(1, "Value '"+entry+"' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+, Member must not be null]")
		}
		if _, err := s.Store.GetFunction(ctx, name, k); err != nil {
			return storeErr(ctx, err, name, k)
		}
	}
	return nil
}

// GetAlias returns an alias. It returns ENOTFOUND if the function or the
// alias does not exist.
func (s *Service) GetAlias(ctx context.Context, functionName, name string) (*gofaas.Alias, error) {
	ref, err := s.aliasRef(ctx, &AliasInput{FunctionName: functionName, Name: name}, false)
	if err != nil {
		return nil, err
	}
	return s.getAlias(ctx, ref.Name, name)
}

func (s *Service) getAlias(ctx context.Context, function, name string) (*gofaas.Alias, error) {
	a, err := s.Store.GetAlias(ctx, function, name)
	if gofaas.ErrorCode(err) == gofaas.ENOTFOUND {
		if _, ferr := s.Store.GetFunction(ctx, function, gofaas.LatestVersion); ferr != nil {
			return nil, storeErr(ctx, ferr, function, "")
		}
		return nil, aliasNotFound(ctx, function, name)
	}
	return a, err
}

// UpdateAlias changes an alias. It returns ENOTFOUND for a missing alias or
// version and EPRECONDITION when RevisionID is stale.
func (s *Service) UpdateAlias(ctx context.Context, in *AliasInput) (*gofaas.Alias, error) {
	ref, err := s.aliasRef(ctx, in, false)
	if err != nil {
		return nil, err
	}
	old, err := s.getAlias(ctx, ref.Name, in.Name)
	if err != nil {
		return nil, err
	}
	if in.RevisionID != "" && in.RevisionID != old.RevisionID {
		return nil, revisionMismatch()
	}
	next := *old
	if in.FunctionVersion != "" && in.FunctionVersion != old.FunctionVersion {
		if _, err := s.Store.GetFunction(ctx, ref.Name, in.FunctionVersion); err != nil {
			return nil, storeErr(ctx, err, ref.Name, in.FunctionVersion)
		}
		next.FunctionVersion = in.FunctionVersion
	}
	if in.Description != nil {
		next.Description = *in.Description
	}
	if in.RoutingConfig != nil {
		next.AdditionalVersionWeights = nil
		if len(in.RoutingConfig) > 0 {
			next.AdditionalVersionWeights = maps.Clone(in.RoutingConfig)
		}
	}
	if err := s.checkRouting(ctx, ref.Name, next.FunctionVersion, next.AdditionalVersionWeights); err != nil {
		return nil, err
	}
	next.RevisionID = newRevisionID()
	if err := s.Store.UpdateAlias(ctx, &next, old.RevisionID); err != nil {
		switch gofaas.ErrorCode(err) {
		case gofaas.ENOTFOUND:
			return nil, aliasNotFound(ctx, ref.Name, in.Name)
		case gofaas.EPRECONDITION:
			return nil, revisionMismatch()
		}
		return nil, err
	}
	s.changed(ref.Name)
	return &next, nil
}

// DeleteAlias deletes an alias. It returns ENOTFOUND if the function does
// not exist; deleting a missing alias of an existing function succeeds, as
// in Lambda.
func (s *Service) DeleteAlias(ctx context.Context, functionName, name string) error {
	ref, err := s.aliasRef(ctx, &AliasInput{FunctionName: functionName, Name: name}, false)
	if err != nil {
		return err
	}
	if _, err := s.Store.GetFunction(ctx, ref.Name, gofaas.LatestVersion); err != nil {
		return storeErr(ctx, err, ref.Name, "")
	}
	if err := s.Store.DeleteAlias(ctx, ref.Name, name); err != nil && gofaas.ErrorCode(err) != gofaas.ENOTFOUND {
		return err
	}
	s.changed(ref.Name)
	return nil
}

// ListAliasesInput is the ListAliases request.
type ListAliasesInput struct {
	FunctionName    string
	FunctionVersion string // filter; "" for all
	Marker          string
	MaxItems        *int // 1-10000; nil means 50
}

// ListAliasesOutput is a page of aliases.
type ListAliasesOutput struct {
	Aliases    []*gofaas.Alias
	NextMarker string
}

// ListAliases returns a function's aliases in name order, a page at a time.
func (s *Service) ListAliases(ctx context.Context, in *ListAliasesInput) (*ListAliasesOutput, error) {
	ref, err := resolveRef(ctx, in.FunctionName, "", plainShape)
	if err != nil {
		return nil, err
	}
	var v validation
	if in.FunctionVersion != "" && in.FunctionVersion != gofaas.LatestVersion && !isVersion(in.FunctionVersion) {
		v.pattern("functionVersion", in.FunctionVersion, patternVersion)
	}
	max := checkMaxItems(&v, in.MaxItems, 10000, 50)
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, err := s.Store.GetFunction(ctx, ref.Name, gofaas.LatestVersion); err != nil {
		return nil, storeErr(ctx, err, ref.Name, "")
	}
	as, err := s.Store.ListAliases(ctx, ref.Name, in.FunctionVersion, in.Marker, max+1)
	if err != nil {
		return nil, storeErr(ctx, err, ref.Name, "")
	}
	out := &ListAliasesOutput{Aliases: as}
	if len(as) > max {
		out.Aliases = as[:max]
		out.NextMarker = as[max-1].Name
	}
	return out, nil
}

// allAliases returns every alias of a function, optionally only those of
// one version.
func (s *Service) allAliases(ctx context.Context, name, version string) ([]*gofaas.Alias, error) {
	var all []*gofaas.Alias
	marker := ""
	for {
		as, err := s.Store.ListAliases(ctx, name, version, marker, 1000)
		if err != nil {
			return nil, storeErr(ctx, err, name, "")
		}
		all = append(all, as...)
		if len(as) < 1000 {
			return all, nil
		}
		marker = as[len(as)-1].Name
	}
}
