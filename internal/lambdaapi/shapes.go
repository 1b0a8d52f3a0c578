package lambdaapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/functions"
)

// Wire shapes, named as Lambda's model names them.

// FunctionConfiguration is a function version's configuration.
type FunctionConfiguration struct {
	FunctionName         string                `json:"FunctionName"`
	FunctionArn          string                `json:"FunctionArn"`
	Runtime              string                `json:"Runtime,omitempty"`
	Role                 string                `json:"Role"`
	Handler              string                `json:"Handler,omitempty"`
	CodeSize             int64                 `json:"CodeSize"`
	Description          string                `json:"Description"`
	Timeout              int                   `json:"Timeout"`
	MemorySize           int                   `json:"MemorySize"`
	LastModified         string                `json:"LastModified"`
	CodeSha256           string                `json:"CodeSha256"`
	Version              string                `json:"Version"`
	Environment          *EnvironmentResponse  `json:"Environment,omitempty"`
	TracingConfig        TracingConfig         `json:"TracingConfig"`
	RevisionId           string                `json:"RevisionId"`
	State                string                `json:"State"`
	LastUpdateStatus     string                `json:"LastUpdateStatus"`
	PackageType          string                `json:"PackageType"`
	Architectures        []string              `json:"Architectures"`
	EphemeralStorage     EphemeralStorage      `json:"EphemeralStorage"`
	SnapStart            SnapStartResponse     `json:"SnapStart"`
	RuntimeVersionConfig *RuntimeVersionConfig `json:"RuntimeVersionConfig,omitempty"`
	LoggingConfig        LoggingConfig         `json:"LoggingConfig"`
}

// EnvironmentResponse is a function's variables as Lambda reports them.
type EnvironmentResponse struct {
	Variables map[string]string `json:"Variables"`
}

// TracingConfig is the X-Ray tracing mode.
type TracingConfig struct {
	Mode string `json:"Mode"`
}

// EphemeralStorage is the size of /tmp in MB.
type EphemeralStorage struct {
	Size int `json:"Size"`
}

// SnapStartResponse is the SnapStart setting (always off in gofaas).
type SnapStartResponse struct {
	ApplyOn            string `json:"ApplyOn"`
	OptimizationStatus string `json:"OptimizationStatus"`
}

// RuntimeVersionConfig names the runtime version.
type RuntimeVersionConfig struct {
	RuntimeVersionArn string `json:"RuntimeVersionArn"`
}

// LoggingConfig is where a function's logs go.
type LoggingConfig struct {
	LogFormat string `json:"LogFormat"`
	LogGroup  string `json:"LogGroup"`
}

// FunctionCodeLocation is where GetFunction says the code can be fetched.
type FunctionCodeLocation struct {
	RepositoryType string `json:"RepositoryType"`
	Location       string `json:"Location"`
}

// Concurrency is a function's reserved concurrency.
type Concurrency struct {
	ReservedConcurrentExecutions *int `json:"ReservedConcurrentExecutions,omitempty"`
}

// GetFunctionResponse is GetFunction's answer.
type GetFunctionResponse struct {
	Configuration *FunctionConfiguration `json:"Configuration"`
	Code          *FunctionCodeLocation  `json:"Code,omitempty"`
	Concurrency   *Concurrency           `json:"Concurrency,omitempty"`
}

// FunctionCode is CreateFunction's Code member.
type FunctionCode struct {
	ZipFile         []byte `json:"ZipFile"`
	S3Bucket        string `json:"S3Bucket"`
	S3Key           string `json:"S3Key"`
	S3ObjectVersion string `json:"S3ObjectVersion"`
	ImageUri        string `json:"ImageUri"`
}

// Environment is a request's variables.
type Environment struct {
	Variables map[string]string `json:"Variables"`
}

// CreateFunctionRequest is CreateFunction's body.
type CreateFunctionRequest struct {
	FunctionName     string
	Runtime          string
	Role             string
	Handler          string
	Code             FunctionCode
	Description      string
	Timeout          *int
	MemorySize       *int
	Publish          bool
	PackageType      string
	Environment      *Environment
	Architectures    []string
	EphemeralStorage *EphemeralStorage
}

// UpdateFunctionConfigurationRequest is UpdateFunctionConfiguration's body.
type UpdateFunctionConfigurationRequest struct {
	Runtime          *string
	Role             *string
	Handler          *string
	Description      *string
	Timeout          *int
	MemorySize       *int
	Environment      *Environment
	EphemeralStorage *EphemeralStorage
	RevisionId       string
}

// UpdateFunctionCodeRequest is UpdateFunctionCode's body.
type UpdateFunctionCodeRequest struct {
	ZipFile       []byte
	S3Bucket      string
	S3Key         string
	ImageUri      string
	Publish       bool
	DryRun        bool
	RevisionId    string
	Architectures []string
}

// ListFunctionsResponse is ListFunctions' answer.
type ListFunctionsResponse struct {
	Functions  []*FunctionConfiguration `json:"Functions"`
	NextMarker *string                  `json:"NextMarker,omitempty"`
}

// PublishVersionRequest is PublishVersion's body.
type PublishVersionRequest struct {
	CodeSha256  string
	Description string
	RevisionId  string
}

// ListVersionsByFunctionResponse is ListVersionsByFunction's answer.
type ListVersionsByFunctionResponse struct {
	Versions   []*FunctionConfiguration `json:"Versions"`
	NextMarker *string                  `json:"NextMarker,omitempty"`
}

// AliasRoutingConfiguration is an alias's weighted second version.
type AliasRoutingConfiguration struct {
	AdditionalVersionWeights map[string]float64 `json:"AdditionalVersionWeights"`
}

// AliasConfiguration is an alias.
type AliasConfiguration struct {
	AliasArn        string                     `json:"AliasArn"`
	Name            string                     `json:"Name"`
	FunctionVersion string                     `json:"FunctionVersion"`
	Description     string                     `json:"Description"`
	RoutingConfig   *AliasRoutingConfiguration `json:"RoutingConfig,omitempty"`
	RevisionId      string                     `json:"RevisionId"`
}

// AliasRequest is CreateAlias' and UpdateAlias' body.
type AliasRequest struct {
	Name            string
	FunctionVersion string
	Description     *string
	RoutingConfig   *AliasRoutingConfiguration
	RevisionId      string
}

// ListAliasesResponse is ListAliases' answer.
type ListAliasesResponse struct {
	Aliases    []*AliasConfiguration `json:"Aliases"`
	NextMarker *string               `json:"NextMarker,omitempty"`
}

// PutFunctionConcurrencyRequest is PutFunctionConcurrency's body.
type PutFunctionConcurrencyRequest struct {
	ReservedConcurrentExecutions *int
}

// GetAccountSettingsResponse is GetAccountSettings' answer.
type GetAccountSettingsResponse struct {
	AccountLimit AccountLimit `json:"AccountLimit"`
	AccountUsage AccountUsage `json:"AccountUsage"`
}

// AccountLimit is the account's limits.
type AccountLimit struct {
	TotalCodeSize                  int64 `json:"TotalCodeSize"`
	CodeSizeUnzipped               int64 `json:"CodeSizeUnzipped"`
	CodeSizeZipped                 int64 `json:"CodeSizeZipped"`
	ConcurrentExecutions           int   `json:"ConcurrentExecutions"`
	UnreservedConcurrentExecutions int   `json:"UnreservedConcurrentExecutions"`
}

// AccountUsage is the account's usage.
type AccountUsage struct {
	TotalCodeSize int64 `json:"TotalCodeSize"`
	FunctionCount int64 `json:"FunctionCount"`
}

// Destination is an async destination.
type Destination struct {
	Destination *string `json:"Destination,omitempty"`
}

// DestinationConfig is where async results go.
type DestinationConfig struct {
	OnSuccess *Destination `json:"OnSuccess,omitempty"`
	OnFailure *Destination `json:"OnFailure,omitempty"`
}

// FunctionEventInvokeConfig is a function's async settings.
type FunctionEventInvokeConfig struct {
	LastModified             epochSeconds       `json:"LastModified"`
	FunctionArn              string             `json:"FunctionArn"`
	MaximumRetryAttempts     *int               `json:"MaximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int               `json:"MaximumEventAgeInSeconds,omitempty"`
	DestinationConfig        *DestinationConfig `json:"DestinationConfig,omitempty"`
}

// EventInvokeConfigRequest is Put/UpdateFunctionEventInvokeConfig's body.
type EventInvokeConfigRequest struct {
	MaximumRetryAttempts     *int
	MaximumEventAgeInSeconds *int
	DestinationConfig        *DestinationConfig
}

// ListFunctionEventInvokeConfigsResponse is ListFunctionEventInvokeConfigs'
// answer.
type ListFunctionEventInvokeConfigsResponse struct {
	FunctionEventInvokeConfigs []*FunctionEventInvokeConfig `json:"FunctionEventInvokeConfigs"`
	NextMarker                 *string                      `json:"NextMarker,omitempty"`
}

// epochSeconds is a rest-json timestamp: seconds since the epoch.
type epochSeconds time.Time

func (t epochSeconds) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', 3, 64), nil
}

// lastModifiedLayout is how Lambda prints LastModified.
const lastModifiedLayout = "2006-01-02T15:04:05.000-0700"

// configuration renders a version; qualifier, when set, qualifies the ARN.
func configuration(ctx context.Context, fn *gofaas.Function, qualifier string) *FunctionConfiguration {
	c := &FunctionConfiguration{
		FunctionName:     fn.Name,
		FunctionArn:      functions.ARN(ctx, fn.Name, qualifier),
		Runtime:          fn.Runtime,
		Role:             fn.Role,
		Handler:          fn.Handler,
		CodeSize:         fn.CodeSize,
		Description:      fn.Description,
		Timeout:          fn.Timeout,
		MemorySize:       fn.MemorySize,
		LastModified:     fn.LastModified.UTC().Format(lastModifiedLayout),
		CodeSha256:       functions.CodeSha256(fn.CodeSha256),
		Version:          fn.Version,
		TracingConfig:    TracingConfig{Mode: "PassThrough"},
		RevisionId:       fn.RevisionID,
		State:            orDefault(fn.State, "Active"),
		LastUpdateStatus: orDefault(fn.UpdateStatus, "Successful"),
		PackageType:      "Zip",
		Architectures:    fn.Architectures,
		EphemeralStorage: EphemeralStorage{Size: fn.EphemeralMB},
		SnapStart:        SnapStartResponse{ApplyOn: "None", OptimizationStatus: "Off"},
		LoggingConfig:    LoggingConfig{LogFormat: "Text", LogGroup: "/aws/lambda/" + fn.Name},
	}
	if len(c.Architectures) == 0 {
		c.Architectures = []string{"x86_64"}
	}
	if c.EphemeralStorage.Size == 0 {
		c.EphemeralStorage.Size = 512
	}
	if len(fn.Environment) > 0 {
		c.Environment = &EnvironmentResponse{Variables: fn.Environment}
	}
	if fn.Runtime != "" {
		sum := sha256.Sum256([]byte(fn.Runtime))
		info := gofaas.RequestInfoFrom(ctx)
		region := info.Region
		if region == "" {
			region = functions.DefaultRegion
		}
		c.RuntimeVersionConfig = &RuntimeVersionConfig{
			RuntimeVersionArn: "arn:aws:lambda:" + region + "::runtime:" + hex.EncodeToString(sum[:]),
		}
	}
	return c
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func aliasConfiguration(ctx context.Context, a *gofaas.Alias) *AliasConfiguration {
	c := &AliasConfiguration{
		AliasArn:        functions.ARN(ctx, a.FunctionName, a.Name),
		Name:            a.Name,
		FunctionVersion: a.FunctionVersion,
		Description:     a.Description,
		RevisionId:      a.RevisionID,
	}
	if len(a.AdditionalVersionWeights) > 0 {
		c.RoutingConfig = &AliasRoutingConfiguration{AdditionalVersionWeights: a.AdditionalVersionWeights}
	}
	return c
}

func eventInvokeConfig(ctx context.Context, c *gofaas.EventInvokeConfig) *FunctionEventInvokeConfig {
	out := &FunctionEventInvokeConfig{
		LastModified:             epochSeconds(c.LastModified),
		FunctionArn:              functions.ARN(ctx, c.FunctionName, c.Qualifier),
		MaximumRetryAttempts:     c.MaximumRetryAttempts,
		MaximumEventAgeInSeconds: c.MaximumEventAgeInSeconds,
		DestinationConfig:        &DestinationConfig{OnSuccess: &Destination{}, OnFailure: &Destination{}},
	}
	if c.OnSuccess != "" {
		out.DestinationConfig.OnSuccess.Destination = &c.OnSuccess
	}
	if c.OnFailure != "" {
		out.DestinationConfig.OnFailure.Destination = &c.OnFailure
	}
	return out
}

func marker(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
