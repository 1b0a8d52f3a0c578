package functions

import (
	"context"

	"github.com/gofaas/gofaas"
)

// PutFunctionConcurrency reserves n concurrent executions for a function.
// Reservations may not leave the account fewer than 100 unreserved ones
// (EINVALID).
func (s *Service) PutFunctionConcurrency(ctx context.Context, functionName string, n *int) (int, error) {
	ref, err := s.latestRef(ctx, functionName)
	if err != nil {
		return 0, err
	}
	var v validation
	if n == nil {
		v.null("reservedConcurrentExecutions")
	} else if *n < 0 {
		v.min("reservedConcurrentExecutions", *n, 0)
	}
	if err := v.err(); err != nil {
		return 0, err
	}
	if _, err := s.Store.GetFunction(ctx, ref.Name, gofaas.LatestVersion); err != nil {
		return 0, storeErr(ctx, err, ref.Name, "")
	}
	all, err := s.Store.ReservedConcurrency(ctx)
	if err != nil {
		return 0, err
	}
	reserved := *n
	for name, r := range all {
		if name != ref.Name {
			reserved += r
		}
	}
	if s.accountLimit()-reserved < gofaas.MinUnreserved {
		return 0, gofaas.Errorf(gofaas.EINVALID, "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [%d].", gofaas.MinUnreserved)
	}
	if err := s.Store.PutConcurrency(ctx, ref.Name, *n); err != nil {
		return 0, storeErr(ctx, err, ref.Name, "")
	}
	s.changed(ref.Name)
	return *n, nil
}

// GetFunctionConcurrency returns a function's reserved concurrency, or -1
// if none is set.
func (s *Service) GetFunctionConcurrency(ctx context.Context, functionName string) (int, error) {
	ref, err := s.latestRef(ctx, functionName)
	if err != nil {
		return 0, err
	}
	if _, err := s.Store.GetFunction(ctx, ref.Name, gofaas.LatestVersion); err != nil {
		return 0, storeErr(ctx, err, ref.Name, "")
	}
	n, err := s.Store.GetConcurrency(ctx, ref.Name)
	if err != nil {
		return 0, storeErr(ctx, err, ref.Name, "")
	}
	return n, nil
}

// DeleteFunctionConcurrency removes a function's reservation.
func (s *Service) DeleteFunctionConcurrency(ctx context.Context, functionName string) error {
	ref, err := s.latestRef(ctx, functionName)
	if err != nil {
		return err
	}
	if _, err := s.Store.GetFunction(ctx, ref.Name, gofaas.LatestVersion); err != nil {
		return storeErr(ctx, err, ref.Name, "")
	}
	if err := s.Store.PutConcurrency(ctx, ref.Name, -1); err != nil {
		return storeErr(ctx, err, ref.Name, "")
	}
	s.changed(ref.Name)
	return nil
}

// AccountSettings are the account's limits and usage.
type AccountSettings struct {
	Limit AccountLimit
	Usage AccountUsage
}

// AccountLimit is Lambda's AccountLimit.
type AccountLimit struct {
	TotalCodeSize                  int64
	CodeSizeUnzipped               int64
	CodeSizeZipped                 int64
	ConcurrentExecutions           int
	UnreservedConcurrentExecutions int
}

// AccountUsage is Lambda's AccountUsage.
type AccountUsage struct {
	TotalCodeSize int64
	FunctionCount int64
}

// totalCodeSizeLimit is Lambda's default storage quota for functions and
// layers (75 GB).
const totalCodeSizeLimit = 80530636800

// GetAccountSettings returns the account's limits and usage.
func (s *Service) GetAccountSettings(ctx context.Context) (*AccountSettings, error) {
	reserved, err := s.Store.ReservedConcurrency(ctx)
	if err != nil {
		return nil, err
	}
	out := &AccountSettings{Limit: AccountLimit{
		TotalCodeSize:        totalCodeSizeLimit,
		CodeSizeUnzipped:     gofaas.MaxUnzippedSize,
		CodeSizeZipped:       gofaas.MaxZipSize,
		ConcurrentExecutions: s.accountLimit(),
	}}
	unreserved := s.accountLimit()
	for _, n := range reserved {
		unreserved -= n
	}
	out.Limit.UnreservedConcurrentExecutions = unreserved
	marker := ""
	for {
		fns, err := s.Store.ListFunctions(ctx, marker, 1000)
		if err != nil {
			return nil, err
		}
		for _, fn := range fns {
			out.Usage.FunctionCount++
			vs, err := s.allVersions(ctx, fn.Name, "")
			if err != nil {
				if gofaas.ErrorCode(err) == gofaas.ENOTFOUND {
					continue // deleted meanwhile
				}
				return nil, err
			}
			for _, v := range vs {
				out.Usage.TotalCodeSize += v.CodeSize
			}
		}
		if len(fns) < 1000 {
			return out, nil
		}
		marker = fns[len(fns)-1].Name
	}
}
