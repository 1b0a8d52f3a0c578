// Package functions is Lambda's control plane as typed Go methods: create,
// configure, version, alias and delete functions, set their concurrency and
// asynchronous invocation settings, with Lambda's validation rules and
// error messages. The wire adapter (internal/lambdaapi), the console and
// in-process callers all use these methods.
//
// Service also implements gofaas.FunctionResolver for the invoker. Its three
// methods serve from an in-memory cache, filled from the store on a miss and
// dropped, for a function, on every change this Service makes to it. A
// generation counter keeps a fill that raced with a change from caching the
// older value. Values handed out from the cache are shared: callers must not
// modify them.
package functions

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/gofaas/gofaas"
)

// Service is the Lambda control plane over a FunctionStore and a CodeStore.
// Set its fields before first use; the zero values of the optional fields
// are sensible.
type Service struct {
	Store gofaas.FunctionStore
	Code  gofaas.CodeStore
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// OnChange, if set, is called after any change to a function's code,
	// configuration, versions, aliases, concurrency or async settings, so
	// the invoker can retire environments and drop caches.
	OnChange func(name string)
	// Rand returns a number in [0, 1) to pick a version of a weighted
	// alias; nil means math/rand/v2.Float64.
	Rand func() float64
	// RoleCheck, when set, checks that an execution role exists and trusts
	// lambda.amazonaws.com; it returns InvalidParameterValueException "The
	// role defined for the function cannot be assumed by Lambda." if not.
	RoleCheck func(ctx context.Context, roleARN string) error
	// AccountConcurrency is the account's concurrency limit; zero means
	// gofaas.DefaultAccountLimit.
	AccountConcurrency int

	mu       sync.RWMutex
	gen      uint64
	fns      map[string]*cached
	policies map[string]string // "name:qualifier" → resource policy ("" for none)
}

var _ gofaas.FunctionResolver = (*Service)(nil)

// cached is what the cache holds for one function.
type cached struct {
	versions map[string]*gofaas.Function
	aliases  map[string]*gofaas.Alias
	reserved int
	hasRes   bool
	// eic maps a qualifier to its async configuration; a nil value means
	// none is set.
	eic map[string]*gofaas.EventInvokeConfig
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// timestamp is the time a change is recorded at, to Lambda's precision.
func (s *Service) timestamp() time.Time {
	return s.now().UTC().Truncate(time.Millisecond)
}

func (s *Service) rand() float64 {
	if s.Rand != nil {
		return s.Rand()
	}
	return mrand.Float64()
}

func (s *Service) accountLimit() int {
	if s.AccountConcurrency > 0 {
		return s.AccountConcurrency
	}
	return gofaas.DefaultAccountLimit
}

// changed drops everything cached about function name and tells OnChange.
func (s *Service) changed(name string) {
	s.mu.Lock()
	s.gen++
	delete(s.fns, name)
	for k := range s.policies {
		if strings.HasPrefix(k, name+":") {
			delete(s.policies, k)
		}
	}
	s.mu.Unlock()
	if s.OnChange != nil {
		s.OnChange(name)
	}
}

// generation returns the current cache generation, to be passed to fill.
func (s *Service) generation() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.gen
}

// fill runs f on the cache entry of name under the write lock, unless a
// change happened since generation gen was read. With existing, it only
// adds to an entry that is already there (so that lookups of names that
// do not exist cannot grow the cache).
func (s *Service) fill(name string, gen uint64, existing bool, f func(c *cached)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen != gen || existing && s.fns[name] == nil {
		return
	}
	if s.fns == nil {
		s.fns = make(map[string]*cached)
	}
	c := s.fns[name]
	if c == nil {
		c = &cached{}
		s.fns[name] = c
	}
	f(c)
}

// newRevisionID returns a random UUID, as Lambda's revision ids are.
func newRevisionID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// notFound returns Lambda's error for a missing function or version.
func notFound(ctx context.Context, name, qualifier string) error {
	return gofaas.Errorf(gofaas.ENOTFOUND, "Function not found: %s", ARN(ctx, name, qualifier))
}

// aliasNotFound returns Lambda's error for a missing alias.
func aliasNotFound(ctx context.Context, name, alias string) error {
	return gofaas.Errorf(gofaas.ENOTFOUND, "Cannot find alias arn: %s", ARN(ctx, name, alias))
}

// revisionMismatch is Lambda's error for a stale RevisionId.
func revisionMismatch() error {
	return gofaas.Errorf(gofaas.EPRECONDITION, "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
}

// storeErr rewords the store's ENOTFOUND and EPRECONDITION errors as Lambda
// words them.
func storeErr(ctx context.Context, err error, name, qualifier string) error {
	switch gofaas.ErrorCode(err) {
	case gofaas.ENOTFOUND:
		return notFound(ctx, name, qualifier)
	case gofaas.EPRECONDITION:
		return revisionMismatch()
	}
	return err
}
