package functions

import (
	"context"

	"github.com/gofaas/gofaas"
)

// Resolve implements gofaas.FunctionResolver: it turns a function name in
// any accepted form and an optional qualifier into the version to run,
// picking an alias's version by its routing weights. The result is shared
// with the cache and must not be modified. A cached Resolve does not
// allocate.
func (s *Service) Resolve(ctx context.Context, name, qualifier string) (*gofaas.Function, error) {
	ref, err := resolveRef(ctx, name, qualifier, namespacedShape)
	if err != nil {
		return nil, err
	}
	q := ref.Qualifier
	if q == "" {
		q = gofaas.LatestVersion
	}
	version := q
	if q != gofaas.LatestVersion && !isVersion(q) {
		a, err := s.cachedAlias(ctx, ref.Name, q)
		if err != nil {
			return nil, err
		}
		version = a.FunctionVersion
		if len(a.AdditionalVersionWeights) > 0 {
			r := s.rand()
			for v, w := range a.AdditionalVersionWeights {
				if r < w {
					version = v
				}
			}
		}
	}
	return s.cachedVersion(ctx, ref.Name, version, ref.Qualifier)
}

// cachedVersion returns one version of a function from the cache or the
// store. asked is the qualifier the caller named, for the error message.
func (s *Service) cachedVersion(ctx context.Context, name, version, asked string) (*gofaas.Function, error) {
	s.mu.RLock()
	var fn *gofaas.Function
	if c := s.fns[name]; c != nil {
		fn = c.versions[version]
	}
	gen := s.gen
	s.mu.RUnlock()
	if fn != nil {
		return fn, nil
	}
	fn, err := s.Store.GetFunction(ctx, name, version)
	if err != nil {
		return nil, storeErr(ctx, err, name, asked)
	}
	s.fill(name, gen, false, func(c *cached) {
		if c.versions == nil {
			c.versions = make(map[string]*gofaas.Function)
		}
		c.versions[version] = fn
	})
	return fn, nil
}

func (s *Service) cachedAlias(ctx context.Context, name, alias string) (*gofaas.Alias, error) {
	s.mu.RLock()
	var a *gofaas.Alias
	if c := s.fns[name]; c != nil {
		a = c.aliases[alias]
	}
	gen := s.gen
	s.mu.RUnlock()
	if a != nil {
		return a, nil
	}
	a, err := s.Store.GetAlias(ctx, name, alias)
	if err != nil {
		if gofaas.ErrorCode(err) == gofaas.ENOTFOUND {
			return nil, notFound(ctx, name, alias)
		}
		return nil, err
	}
	s.fill(name, gen, false, func(c *cached) {
		if c.aliases == nil {
			c.aliases = make(map[string]*gofaas.Alias)
		}
		c.aliases[alias] = a
	})
	return a, nil
}

// ReservedConcurrency implements gofaas.FunctionResolver: a function's
// reserved concurrency, or -1 if none is set.
func (s *Service) ReservedConcurrency(ctx context.Context, name string) (int, error) {
	ref, err := resolveRef(ctx, name, "", namespacedShape)
	if err != nil {
		return 0, err
	}
	s.mu.RLock()
	c := s.fns[ref.Name]
	if c != nil && c.hasRes {
		n := c.reserved
		s.mu.RUnlock()
		return n, nil
	}
	gen := s.gen
	s.mu.RUnlock()
	n, err := s.Store.GetConcurrency(ctx, ref.Name)
	if err != nil {
		return 0, storeErr(ctx, err, ref.Name, "")
	}
	s.fill(ref.Name, gen, false, func(c *cached) { c.reserved, c.hasRes = n, true })
	return n, nil
}

// EventInvokeConfig implements gofaas.FunctionResolver: the async settings
// of the function and qualifier ("" means $LATEST), or nil if none are
// set. The result is shared and must not be modified.
func (s *Service) EventInvokeConfig(ctx context.Context, name, qualifier string) (*gofaas.EventInvokeConfig, error) {
	ref, err := resolveRef(ctx, name, qualifier, namespacedShape)
	if err != nil {
		return nil, err
	}
	q := ref.Qualifier
	if q == "" {
		q = gofaas.LatestVersion
	}
	s.mu.RLock()
	if c := s.fns[ref.Name]; c != nil {
		if cfg, ok := c.eic[q]; ok {
			s.mu.RUnlock()
			return cfg, nil
		}
	}
	gen := s.gen
	s.mu.RUnlock()
	cfg, err := s.Store.GetEventInvokeConfig(ctx, ref.Name, q)
	if gofaas.ErrorCode(err) == gofaas.ENOTFOUND {
		cfg, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	// A missing configuration is cached only for functions the cache
	// already knows (the invoker resolves a function first).
	s.fill(ref.Name, gen, cfg == nil, func(c *cached) {
		if c.eic == nil {
			c.eic = make(map[string]*gofaas.EventInvokeConfig)
		}
		c.eic[q] = cfg
	})
	return cfg, nil
}
