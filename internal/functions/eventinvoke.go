package functions

import (
	"context"
	"strings"

	"github.com/gofaas/gofaas"
)

// EventInvokeConfigInput is the Put- and UpdateFunctionEventInvokeConfig
// request. Nil fields are unset (Put) or unchanged (Update).
type EventInvokeConfigInput struct {
	FunctionName             string
	Qualifier                string
	MaximumRetryAttempts     *int
	MaximumEventAgeInSeconds *int
	// OnSuccess and OnFailure are destination ARNs; nil leaves them
	// unset or unchanged, "" clears one.
	OnSuccess *string
	OnFailure *string
}

const patternDestination = `^$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)`

// PutFunctionEventInvokeConfig sets (replacing) a function's or a
// qualifier's async invocation settings.
func (s *Service) PutFunctionEventInvokeConfig(ctx context.Context, in *EventInvokeConfigInput) (*gofaas.EventInvokeConfig, error) {
	return s.putEventInvokeConfig(ctx, in, false)
}

// UpdateFunctionEventInvokeConfig changes the given fields of existing
// async invocation settings; it returns ENOTFOUND if none are set.
func (s *Service) UpdateFunctionEventInvokeConfig(ctx context.Context, in *EventInvokeConfigInput) (*gofaas.EventInvokeConfig, error) {
	return s.putEventInvokeConfig(ctx, in, true)
}

func (s *Service) putEventInvokeConfig(ctx context.Context, in *EventInvokeConfigInput, merge bool) (*gofaas.EventInvokeConfig, error) {
	ref, err := resolveRef(ctx, in.FunctionName, in.Qualifier, namespacedShape)
	if err != nil {
		return nil, err
	}
	var v validation
	if n := in.MaximumRetryAttempts; n != nil && *n < 0 {
		v.min("maximumRetryAttempts", *n, 0)
	} else if n != nil && *n > 2 {
		v.max("maximumRetryAttempts", *n, 2)
	}
	if n := in.MaximumEventAgeInSeconds; n != nil && *n < 60 {
		v.min("maximumEventAgeInSeconds", *n, 60)
	} else if n != nil && *n > 21600 {
		v.max("maximumEventAgeInSeconds", *n, 21600)
	}
	checkDestination(&v, "destinationConfig.onSuccess.destination", in.OnSuccess)
	checkDestination(&v, "destinationConfig.onFailure.destination", in.OnFailure)
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.MaximumRetryAttempts == nil && in.MaximumEventAgeInSeconds == nil && in.OnSuccess == nil && in.OnFailure == nil {
		return nil, gofaas.Errorf(gofaas.EINVALID, "You must specify at least one of error handling or destination setting.")
	}
	qualifier := ref.Qualifier
	if qualifier == "" {
		qualifier = gofaas.LatestVersion
	}
	if err := s.qualifierExists(ctx, ref.Name, qualifier); err != nil {
		return nil, err
	}
	for _, d := range []*string{in.OnSuccess, in.OnFailure} {
		if d != nil && isSelf(*d, ref.Name) {
			return nil, gofaas.Errorf(gofaas.EINVALID, "You can't specify the function as a destination for itself.")
		}
	}
	c := &gofaas.EventInvokeConfig{FunctionName: ref.Name, Qualifier: qualifier}
	if merge {
		old, err := s.Store.GetEventInvokeConfig(ctx, ref.Name, qualifier)
		if err != nil {
			if gofaas.ErrorCode(err) == gofaas.ENOTFOUND {
				return nil, noEventInvokeConfig(ctx, ref.Name, qualifier)
			}
			return nil, err
		}
		*c = *old
	}
	if in.MaximumRetryAttempts != nil {
		n := *in.MaximumRetryAttempts
		c.MaximumRetryAttempts = &n
	}
	if in.MaximumEventAgeInSeconds != nil {
		n := *in.MaximumEventAgeInSeconds
		c.MaximumEventAgeInSeconds = &n
	}
	if in.OnSuccess != nil {
		c.OnSuccess = *in.OnSuccess
	}
	if in.OnFailure != nil {
		c.OnFailure = *in.OnFailure
	}
	c.LastModified = s.timestamp()
	if err := s.Store.PutEventInvokeConfig(ctx, c); err != nil {
		return nil, storeErr(ctx, err, ref.Name, "")
	}
	s.changed(ref.Name)
	return c, nil
}

func checkDestination(v *validation, field string, d *string) {
	if d == nil || *d == "" || strings.HasPrefix(*d, "kafka://") {
		return
	}
	parts := strings.SplitN(*d, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[2] == "" ||
		(parts[3] != "" && !isRegion(parts[3])) || (parts[4] != "" && !isAccount(parts[4])) {
		v.pattern(field, *d, patternDestination)
	}
}

// isSelf reports whether destination d is function name itself.
func isSelf(d, name string) bool {
	if !strings.HasPrefix(d, "arn:") || !strings.Contains(d, ":lambda:") {
		return false
	}
	ref, ok := ParseFunctionName(d)
	return ok && ref.Name == name
}

// qualifierExists checks that a function and its version or alias exist.
func (s *Service) qualifierExists(ctx context.Context, name, qualifier string) error {
	if qualifier == gofaas.LatestVersion || isVersion(qualifier) {
		if _, err := s.Store.GetFunction(ctx, name, qualifier); err != nil {
			if gofaas.ErrorCode(err) == gofaas.ENOTFOUND {
				return notFound(ctx, name, qualifier)
			}
			return err
		}
		return nil
	}
	if _, err := s.getAlias(ctx, name, qualifier); err != nil {
		return err
	}
	return nil
}

func noEventInvokeConfig(ctx context.Context, name, qualifier string) error {
	return gofaas.Errorf(gofaas.ENOTFOUND, "The function %s doesn't have an EventInvokeConfig", ARN(ctx, name, qualifier))
}

// GetFunctionEventInvokeConfig returns a function's or a qualifier's async
// settings; it returns ENOTFOUND if none are set.
func (s *Service) GetFunctionEventInvokeConfig(ctx context.Context, functionName, qualifier string) (*gofaas.EventInvokeConfig, error) {
	ref, err := resolveRef(ctx, functionName, qualifier, namespacedShape)
	if err != nil {
		return nil, err
	}
	q := ref.Qualifier
	if q == "" {
		q = gofaas.LatestVersion
	}
	c, err := s.Store.GetEventInvokeConfig(ctx, ref.Name, q)
	if err != nil {
		if gofaas.ErrorCode(err) == gofaas.ENOTFOUND {
			return nil, noEventInvokeConfig(ctx, ref.Name, q)
		}
		return nil, err
	}
	return c, nil
}

// DeleteFunctionEventInvokeConfig removes async settings; it returns
// ENOTFOUND if none are set.
func (s *Service) DeleteFunctionEventInvokeConfig(ctx context.Context, functionName, qualifier string) error {
	ref, err := resolveRef(ctx, functionName, qualifier, namespacedShape)
	if err != nil {
		return err
	}
	q := ref.Qualifier
	if q == "" {
		q = gofaas.LatestVersion
	}
	if err := s.Store.DeleteEventInvokeConfig(ctx, ref.Name, q); err != nil {
		if gofaas.ErrorCode(err) == gofaas.ENOTFOUND {
			return noEventInvokeConfig(ctx, ref.Name, q)
		}
		return err
	}
	s.changed(ref.Name)
	return nil
}

// ListEventInvokeConfigsInput is the ListFunctionEventInvokeConfigs request.
type ListEventInvokeConfigsInput struct {
	FunctionName string
	Marker       string
	MaxItems     *int // 1-50; nil means 50
}

// ListEventInvokeConfigsOutput is a page of async settings.
type ListEventInvokeConfigsOutput struct {
	Configs    []*gofaas.EventInvokeConfig
	NextMarker string
}

// ListFunctionEventInvokeConfigs returns the async settings of a function's
// $LATEST, versions and aliases, in that order; the marker is the last
// qualifier returned.
func (s *Service) ListFunctionEventInvokeConfigs(ctx context.Context, in *ListEventInvokeConfigsInput) (*ListEventInvokeConfigsOutput, error) {
	ref, err := resolveRef(ctx, in.FunctionName, "", namespacedShape)
	if err != nil {
		return nil, err
	}
	var v validation
	max := checkMaxItems(&v, in.MaxItems, 50, 50)
	if err := v.err(); err != nil {
		return nil, err
	}
	versions, err := s.allVersions(ctx, ref.Name, "")
	if err != nil {
		return nil, err
	}
	aliases, err := s.allAliases(ctx, ref.Name, "")
	if err != nil {
		return nil, err
	}
	qualifiers := make([]string, 0, len(versions)+len(aliases))
	for _, v := range versions {
		qualifiers = append(qualifiers, v.Version)
	}
	for _, a := range aliases {
		qualifiers = append(qualifiers, a.Name)
	}
	out := &ListEventInvokeConfigsOutput{}
	started := in.Marker == ""
	for _, q := range qualifiers {
		if !started {
			started = q == in.Marker
			continue
		}
		c, err := s.Store.GetEventInvokeConfig(ctx, ref.Name, q)
		if gofaas.ErrorCode(err) == gofaas.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		if len(out.Configs) == max {
			out.NextMarker = out.Configs[max-1].Qualifier
			break
		}
		out.Configs = append(out.Configs, c)
	}
	return out, nil
}
