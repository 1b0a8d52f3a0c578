package gofaas

import (
	"context"
	"time"
)

// Lambda limits gofaas enforces, as AWS documents them.
const (
	MaxZipSize          = 50 << 20  // a zip uploaded directly (ZipFile)
	MaxUnzippedSize     = 250 << 20 // a function's code, unzipped
	MaxSyncPayload      = 6 << 20   // sync invoke request and response
	MaxAsyncPayload     = 1 << 20   // async invoke request (InvocationType Event)
	DefaultTimeout      = 3         // seconds
	MaxTimeout          = 900       // seconds
	DefaultMemorySize   = 128       // MB
	MinMemorySize       = 128       // MB
	MaxMemorySize       = 10240     // MB
	DefaultAccountLimit = 1000      // concurrent executions per account
	MinUnreserved       = 100       // unreserved concurrency AWS always keeps
	LatestVersion       = "$LATEST" // the mutable version
)

// Runtimes gofaas runs natively.
const (
	RuntimeGo1x           = "go1.x"
	RuntimeProvided       = "provided"
	RuntimeProvidedAL2    = "provided.al2"
	RuntimeProvidedAL2023 = "provided.al2023"
)

// IsSupportedRuntime reports whether gofaas can run functions of runtime r.
func IsSupportedRuntime(r string) bool {
	switch r {
	case RuntimeGo1x, RuntimeProvided, RuntimeProvidedAL2, RuntimeProvidedAL2023:
		return true
	}
	return false
}

// Function is one version of a function ($LATEST or a published number): its
// configuration as Lambda reports it, plus where its code lives.
type Function struct {
	Name          string
	Version       string // "$LATEST" or "1", "2", ...
	Runtime       string
	Role          string
	Handler       string
	Description   string
	Timeout       int // seconds
	MemorySize    int // MB
	Environment   map[string]string
	Architectures []string
	EphemeralMB   int

	// CodeSha256 is the hex SHA-256 of the zip; it also names the zip in the
	// code store. Lambda reports it base64-encoded.
	CodeSha256 string
	CodeSize   int64

	LastModified time.Time
	RevisionID   string
	State        string // "Active"
	UpdateStatus string // "Successful"
}

// Alias is a named pointer to a version, with an optional weighted second
// version.
type Alias struct {
	FunctionName    string
	Name            string
	FunctionVersion string
	Description     string
	// AdditionalVersionWeights maps a version to the share (0.0-1.0) of
	// invocations it receives instead of FunctionVersion.
	AdditionalVersionWeights map[string]float64
	RevisionID               string
}

// EventInvokeConfig is a function's (or qualifier's) asynchronous invocation
// configuration.
type EventInvokeConfig struct {
	FunctionName             string
	Qualifier                string // "$LATEST", a version or an alias
	MaximumRetryAttempts     *int   // 0-2, nil means the default (2)
	MaximumEventAgeInSeconds *int   // 60-21600, nil means the default (21600)
	OnSuccess                string // destination ARN
	OnFailure                string // destination ARN
	LastModified             time.Time
}

// FunctionStore persists functions, versions, aliases and their settings.
// Every method returns ENOTFOUND for a function, version or alias that does
// not exist, and ECONFLICT when creating something that already exists.
type FunctionStore interface {
	// CreateFunction stores the $LATEST version of a new function.
	CreateFunction(ctx context.Context, fn *Function) error
	// GetFunction returns one version ("$LATEST" or a number).
	GetFunction(ctx context.Context, name, version string) (*Function, error)
	// UpdateFunction replaces the $LATEST version. If revisionID is not
	// empty and differs from the stored one, it returns EPRECONDITION.
	UpdateFunction(ctx context.Context, fn *Function, revisionID string) error
	// DeleteFunction removes a function with all its versions, aliases and
	// settings, or one published version if version is not empty.
	DeleteFunction(ctx context.Context, name, version string) error
	// ListFunctions returns the $LATEST versions ordered by name, after
	// marker (a name; empty for the start), at most max.
	ListFunctions(ctx context.Context, marker string, max int) ([]*Function, error)
	// PublishVersion copies $LATEST into the next version number, unless
	// the newest version already has the same code and configuration, in
	// which case it returns that one.
	PublishVersion(ctx context.Context, name, description, revisionID string) (*Function, error)
	// ListVersions returns $LATEST then the versions in order, after marker
	// (a version; empty for the start), at most max.
	ListVersions(ctx context.Context, name, marker string, max int) ([]*Function, error)

	CreateAlias(ctx context.Context, a *Alias) error
	GetAlias(ctx context.Context, function, name string) (*Alias, error)
	UpdateAlias(ctx context.Context, a *Alias, revisionID string) error
	DeleteAlias(ctx context.Context, function, name string) error
	// ListAliases returns aliases ordered by name after marker, at most max;
	// version filters by FunctionVersion when not empty.
	ListAliases(ctx context.Context, function, version, marker string, max int) ([]*Alias, error)

	// PutConcurrency sets (n >= 0) or, with n < 0, removes a function's
	// reserved concurrency.
	PutConcurrency(ctx context.Context, function string, n int) error
	// GetConcurrency returns the reserved concurrency, or -1 if none is set.
	GetConcurrency(ctx context.Context, function string) (int, error)
	// ReservedConcurrency returns every function's reserved concurrency.
	ReservedConcurrency(ctx context.Context) (map[string]int, error)

	// GetPolicy returns the resource policy document of a function or
	// qualifier ("" for the unqualified function) and its revision; a
	// function without one returns "" and no error.
	GetPolicy(ctx context.Context, function, qualifier string) (doc, revisionID string, err error)
	// PutPolicy replaces that policy ("" removes it). If revisionID is not
	// empty and differs from the stored one, it returns EPRECONDITION.
	PutPolicy(ctx context.Context, function, qualifier, doc, revisionID string) (newRevisionID string, err error)

	PutEventInvokeConfig(ctx context.Context, c *EventInvokeConfig) error
	GetEventInvokeConfig(ctx context.Context, function, qualifier string) (*EventInvokeConfig, error)
	DeleteEventInvokeConfig(ctx context.Context, function, qualifier string) error
}

// CodeStore keeps function zips, content-addressed by hex SHA-256, and
// their extracted trees.
type CodeStore interface {
	// Put validates and stores a zip (checking paths and sizes), extracts
	// it once, and returns its hex SHA-256. Bad zips give EINVALID.
	Put(ctx context.Context, zip []byte) (sha256hex string, err error)
	// Zip returns the stored zip.
	Zip(ctx context.Context, sha256hex string) ([]byte, error)
	// Dir returns the read-only directory holding the extracted code.
	Dir(ctx context.Context, sha256hex string) (string, error)
}

// FunctionResolver answers the invoker's questions about functions, quickly
// (it caches; the control plane invalidates on every change).
type FunctionResolver interface {
	// Resolve turns a function name in any accepted form (name,
	// name:qualifier, partial or full ARN) and an optional qualifier into
	// the version to run: for an alias it picks the version by the alias's
	// routing weights. The returned Function's Version is the executed
	// version. It returns ENOTFOUND (message as Lambda words it) or EINVALID.
	Resolve(ctx context.Context, name, qualifier string) (*Function, error)
	// ReservedConcurrency returns a function's reserved concurrency, or -1.
	ReservedConcurrency(ctx context.Context, name string) (int, error)
	// EventInvokeConfig returns the async configuration that applies to the
	// function and qualifier, or nil if none is set.
	EventInvokeConfig(ctx context.Context, name, qualifier string) (*EventInvokeConfig, error)
}
