package functions

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"maps"
	"slices"
	"strings"

	"github.com/gofaas/gofaas"
)

// Environment is a function's environment variables, as a request sets them.
type Environment struct {
	Variables map[string]string
}

// CreateFunctionInput is the CreateFunction request.
type CreateFunctionInput struct {
	FunctionName string
	Runtime      string
	Role         string
	Handler      string
	Description  string
	Timeout      *int // seconds; nil means 3
	MemorySize   *int // MB; nil means 128
	Publish      bool
	PackageType  string // "" or "Zip"; "Image" is not supported

	// Code: gofaas takes the zip itself. S3 locations and images are
	// refused.
	ZipFile  []byte
	S3Bucket string
	S3Key    string
	ImageURI string

	Environment      *Environment
	Architectures    []string
	EphemeralStorage *int // MB; nil means 512
}

// CreateFunction creates a function from a zip. It returns EINVALID for a
// bad request, ECONFLICT if the function exists, and the new $LATEST (or,
// with Publish, version 1).
func (s *Service) CreateFunction(ctx context.Context, in *CreateFunctionInput) (*gofaas.Function, error) {
	var v validation
	if in.FunctionName == "" {
		v.null("functionName")
	} else if len(in.FunctionName) > maxFunctionNameLen {
		v.maxLen("functionName", in.FunctionName, maxFunctionNameLen)
	}
	ref, ok := ParseFunctionName(in.FunctionName)
	if in.FunctionName != "" && !ok {
		v.pattern("functionName", in.FunctionName, patternFunctionName)
	}
	if in.Role == "" {
		v.null("role")
	} else if !isRole(in.Role) {
		v.pattern("role", in.Role, patternRole)
	}
	if in.Runtime != "" && !contains(runtimes, in.Runtime) {
		v.enum("runtime", in.Runtime, runtimes)
	}
	checkHandler(&v, in.Handler)
	checkDescription(&v, in.Description)
	if in.Timeout != nil && *in.Timeout < 1 {
		v.min("timeout", *in.Timeout, 1)
	}
	checkMemory(&v, in.MemorySize)
	if in.PackageType != "" && in.PackageType != "Zip" && in.PackageType != "Image" {
		v.enum("packageType", in.PackageType, []string{"Zip", "Image"})
	}
	checkArchitectures(&v, in.Architectures)
	checkEphemeral(&v, in.EphemeralStorage)
	if in.Environment != nil {
		checkEnvKeys(&v, in.Environment.Variables)
	}
	if err := v.err(); err != nil {
		return nil, err
	}

	// Semantic rules, after the model's.
	if len(ref.Name) > maxPlainNameLen {
		return nil, validationError(1, "Value '"+in.FunctionName+"' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64")
	}
	if ref.Qualifier != "" {
		return nil, gofaas.Errorf(gofaas.EINVALID, "Unsupported function name: a qualifier is not allowed when creating a function: %s", in.FunctionName)
	}
	if info := gofaas.RequestInfoFrom(ctx); ref.Region != "" && info.Region != "" && ref.Region != info.Region {
		return nil, gofaas.Errorf(gofaas.EINVALID, "Functions from '%s' are not reachable in this region ('%s')", ref.Region, info.Region)
	}
	if in.PackageType == "Image" || in.ImageURI != "" {
		return nil, gofaas.Errorf(gofaas.EINVALID, "gofaas runs Zip packages only; container images (PackageType Image) are not supported.")
	}
	if in.Runtime == "" || in.Handler == "" {
		return nil, gofaas.Errorf(gofaas.EINVALID, "Runtime and Handler are mandatory parameters for functions created with deployment packages.")
	}
	if err := checkRuntime(in.Runtime); err != nil {
		return nil, err
	}
	if err := checkLimits(in.Timeout, in.MemorySize); err != nil {
		return nil, err
	}
	if in.Environment != nil {
		if err := checkEnv(in.Environment.Variables); err != nil {
			return nil, err
		}
	}
	if err := checkCodeSource(in.ZipFile, in.S3Bucket, in.S3Key, in.ImageURI); err != nil {
		return nil, err
	}
	if err := s.checkRole(ctx, in.Role); err != nil {
		return nil, err
	}

	sha, err := s.Code.Put(ctx, in.ZipFile)
	if err != nil {
		return nil, err
	}
	fn := &gofaas.Function{
		Name:          ref.Name,
		Version:       gofaas.LatestVersion,
		Runtime:       in.Runtime,
		Role:          in.Role,
		Handler:       in.Handler,
		Description:   in.Description,
		Timeout:       gofaas.DefaultTimeout,
		MemorySize:    gofaas.DefaultMemorySize,
		Architectures: []string{"x86_64"},
		EphemeralMB:   512,
		CodeSha256:    sha,
		CodeSize:      int64(len(in.ZipFile)),
		LastModified:  s.timestamp(),
		RevisionID:    newRevisionID(),
		State:         "Active",
		UpdateStatus:  "Successful",
	}
	if in.Timeout != nil {
		fn.Timeout = *in.Timeout
	}
	if in.MemorySize != nil {
		fn.MemorySize = *in.MemorySize
	}
	if in.EphemeralStorage != nil {
		fn.EphemeralMB = *in.EphemeralStorage
	}
	if len(in.Architectures) > 0 {
		fn.Architectures = slices.Clone(in.Architectures)
	}
	if in.Environment != nil && len(in.Environment.Variables) > 0 {
		fn.Environment = maps.Clone(in.Environment.Variables)
	}
	if err := s.Store.CreateFunction(ctx, fn); err != nil {
		if gofaas.ErrorCode(err) == gofaas.ECONFLICT {
			return nil, gofaas.Errorf(gofaas.ECONFLICT, "Function already exist: %s", ref.Name)
		}
		return nil, err
	}
	s.changed(ref.Name)
	if in.Publish {
		v, err := s.Store.PublishVersion(ctx, ref.Name, "", "")
		if err != nil {
			return nil, storeErr(ctx, err, ref.Name, "")
		}
		s.changed(ref.Name)
		return v, nil
	}
	return fn, nil
}

func checkHandler(v *validation, h string) {
	if len(h) > 128 {
		v.maxLen("handler", h, 128)
	} else if h != "" && hasSpace(h) {
		v.pattern("handler", h, patternHandler)
	}
}

func checkDescription(v *validation, d string) {
	if len(d) > 256 {
		v.maxLen("description", d, 256)
	}
}

func checkMemory(v *validation, m *int) {
	if m == nil {
		return
	}
	if *m < gofaas.MinMemorySize {
		v.min("memorySize", *m, gofaas.MinMemorySize)
	} else if *m > 32768 {
		v.max("memorySize", *m, 32768)
	}
}

func checkArchitectures(v *validation, a []string) {
	if a == nil {
		return
	}
	if len(a) != 1 {
		v.add("Value '[" + strings.Join(a, ", ") + "]' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1")
	} else if !contains(architectures, a[0]) {
		v.add("Value '[" + a[0] + "]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]")
	}
}

func checkEphemeral(v *validation, e *int) {
	if e == nil {
		return
	}
	if *e < 512 {
		v.min("ephemeralStorage.size", *e, 512)
	} else if *e > 10240 {
		v.max("ephemeralStorage.size", *e, 10240)
	}
}

// checkRuntime refuses runtimes gofaas cannot run natively.
func checkRuntime(r string) error {
	if gofaas.IsSupportedRuntime(r) {
		return nil
	}
	return gofaas.Errorf(gofaas.EINVALID, "The runtime parameter of %s is not supported by gofaas. Supported runtimes: go1.x, provided, provided.al2, provided.al2023.", r)
}

// checkLimits applies the limits Lambda checks beyond the model's.
func checkLimits(timeout, memory *int) error {
	if timeout != nil && *timeout > gofaas.MaxTimeout {
		var v validation
		v.max("timeout", *timeout, gofaas.MaxTimeout)
		return v.err()
	}
	if memory != nil && *memory > gofaas.MaxMemorySize {
		return gofaas.Errorf(gofaas.EINVALID, "'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to %d", gofaas.MaxMemorySize)
	}
	return nil
}

func checkCodeSource(zip []byte, bucket, key, image string) error {
	switch {
	case bucket != "" || key != "":
		return gofaas.Errorf(gofaas.EINVALID, "gofaas does not read code from S3; upload the zip with ZipFile.")
	case image != "":
		return gofaas.Errorf(gofaas.EINVALID, "gofaas runs Zip packages only; container images (PackageType Image) are not supported.")
	case len(zip) == 0:
		return gofaas.Errorf(gofaas.EINVALID, "Please provide a source for function code.")
	case len(zip) > gofaas.MaxZipSize:
		return gofaas.Errorf(gofaas.ETOOLARGE, "Unzipped size must be smaller than %d bytes", gofaas.MaxUnzippedSize)
	}
	return nil
}

// GetFunctionInput names a function version for GetFunction,
// GetFunctionConfiguration and DeleteFunction.
type GetFunctionInput struct {
	FunctionName string
	Qualifier    string
}

// GetFunctionOutput is a function version as a request addressed it.
type GetFunctionOutput struct {
	// Function is the version: for an alias, the alias's main version.
	Function *gofaas.Function
	// Qualifier is the qualifier the request named, "" if none; Lambda
	// reports a qualified FunctionArn when there is one.
	Qualifier string
	// ReservedConcurrency is the function's reserved concurrency, or -1
	// (GetFunction only).
	ReservedConcurrency int
}

// GetFunction returns a function version with its reserved concurrency.
// It returns ENOTFOUND for a missing function, version or alias.
func (s *Service) GetFunction(ctx context.Context, in *GetFunctionInput) (*GetFunctionOutput, error) {
	out, err := s.GetFunctionConfiguration(ctx, in)
	if err != nil {
		return nil, err
	}
	n, err := s.Store.GetConcurrency(ctx, out.Function.Name)
	if err != nil {
		return nil, storeErr(ctx, err, out.Function.Name, "")
	}
	out.ReservedConcurrency = n
	return out, nil
}

// GetFunctionConfiguration returns a function version. It returns ENOTFOUND
// for a missing function, version or alias.
func (s *Service) GetFunctionConfiguration(ctx context.Context, in *GetFunctionInput) (*GetFunctionOutput, error) {
	ref, err := resolveRef(ctx, in.FunctionName, in.Qualifier, namespacedShape)
	if err != nil {
		return nil, err
	}
	version := ref.Qualifier
	if version == "" {
		version = gofaas.LatestVersion
	} else if version != gofaas.LatestVersion && !isVersion(version) {
		a, err := s.Store.GetAlias(ctx, ref.Name, version)
		if err != nil {
			return nil, storeErr(ctx, err, ref.Name, ref.Qualifier)
		}
		version = a.FunctionVersion
	}
	fn, err := s.Store.GetFunction(ctx, ref.Name, version)
	if err != nil {
		return nil, storeErr(ctx, err, ref.Name, ref.Qualifier)
	}
	return &GetFunctionOutput{Function: fn, Qualifier: ref.Qualifier, ReservedConcurrency: -1}, nil
}

// ListFunctionsInput is the ListFunctions request.
type ListFunctionsInput struct {
	// FunctionVersion "ALL" lists every version; "" lists $LATEST only.
	FunctionVersion string
	Marker          string
	MaxItems        *int // 1-10000; nil means 50
}

// ListFunctionsOutput is a page of functions.
type ListFunctionsOutput struct {
	Functions  []*gofaas.Function
	NextMarker string
}

// ListFunctions returns functions in name order, a page at a time.
func (s *Service) ListFunctions(ctx context.Context, in *ListFunctionsInput) (*ListFunctionsOutput, error) {
	var v validation
	if in.FunctionVersion != "" && in.FunctionVersion != "ALL" {
		v.enum("functionVersion", in.FunctionVersion, []string{"ALL"})
	}
	max := checkMaxItems(&v, in.MaxItems, 10000, 50)
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.FunctionVersion == "ALL" {
		return s.listAllVersions(ctx, in.Marker, max)
	}
	fns, err := s.Store.ListFunctions(ctx, in.Marker, max+1)
	if err != nil {
		return nil, err
	}
	out := &ListFunctionsOutput{Functions: fns}
	if len(fns) > max {
		out.Functions = fns[:max]
		out.NextMarker = fns[max-1].Name
	}
	return out, nil
}

// listAllVersions pages through every version of every function; its
// marker is "name:version" of the last one returned.
func (s *Service) listAllVersions(ctx context.Context, marker string, max int) (*ListFunctionsOutput, error) {
	name, version, _ := strings.Cut(marker, ":")
	out := &ListFunctionsOutput{}
	fnMarker := "" // functions before the marker's are skipped below
	for {
		fns, err := s.Store.ListFunctions(ctx, fnMarker, 100)
		if err != nil {
			return nil, err
		}
		for _, fn := range fns {
			vmarker := ""
			if fn.Name == name {
				vmarker = version
			} else if fn.Name < name {
				continue
			}
			vs, err := s.allVersions(ctx, fn.Name, vmarker)
			if err != nil {
				return nil, err
			}
			for _, v := range vs {
				if len(out.Functions) == max {
					last := out.Functions[max-1]
					out.NextMarker = last.Name + ":" + last.Version
					return out, nil
				}
				out.Functions = append(out.Functions, v)
			}
		}
		if len(fns) < 100 {
			return out, nil
		}
		fnMarker = fns[len(fns)-1].Name
	}
}

// allVersions returns a function's versions after marker ("" for all,
// "$LATEST" for the published ones).
func (s *Service) allVersions(ctx context.Context, name, marker string) ([]*gofaas.Function, error) {
	var all []*gofaas.Function
	for {
		vs, err := s.Store.ListVersions(ctx, name, marker, 1000)
		if err != nil {
			return nil, storeErr(ctx, err, name, "")
		}
		all = append(all, vs...)
		if len(vs) < 1000 {
			return all, nil
		}
		marker = vs[len(vs)-1].Version
	}
}

func checkMaxItems(v *validation, m *int, max, def int) int {
	if m == nil {
		return def
	}
	if *m < 1 {
		v.min("maxItems", *m, 1)
	} else if *m > max {
		v.max("maxItems", *m, max)
	}
	return *m
}

// UpdateFunctionCodeInput is the UpdateFunctionCode request.
type UpdateFunctionCodeInput struct {
	FunctionName  string
	ZipFile       []byte
	S3Bucket      string
	S3Key         string
	ImageURI      string
	Publish       bool
	DryRun        bool
	RevisionID    string
	Architectures []string
}

// UpdateFunctionCode replaces $LATEST's code and, with Publish, publishes a
// version. It returns EPRECONDITION when RevisionID is stale.
func (s *Service) UpdateFunctionCode(ctx context.Context, in *UpdateFunctionCodeInput) (*gofaas.Function, error) {
	ref, err := s.latestRef(ctx, in.FunctionName)
	if err != nil {
		return nil, err
	}
	var v validation
	checkArchitectures(&v, in.Architectures)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkCodeSource(in.ZipFile, in.S3Bucket, in.S3Key, in.ImageURI); err != nil {
		return nil, err
	}
	fn, err := s.Store.GetFunction(ctx, ref.Name, gofaas.LatestVersion)
	if err != nil {
		return nil, storeErr(ctx, err, ref.Name, "")
	}
	if in.RevisionID != "" && in.RevisionID != fn.RevisionID {
		return nil, revisionMismatch()
	}
	sum := sha256hex(in.ZipFile)
	if !in.DryRun {
		if sum, err = s.Code.Put(ctx, in.ZipFile); err != nil {
			return nil, err
		}
	}
	next := *fn
	next.CodeSha256 = sum
	next.CodeSize = int64(len(in.ZipFile))
	if len(in.Architectures) > 0 {
		next.Architectures = slices.Clone(in.Architectures)
	}
	next.LastModified = s.timestamp()
	next.RevisionID = newRevisionID()
	if in.DryRun {
		return &next, nil
	}
	if err := s.Store.UpdateFunction(ctx, &next, fn.RevisionID); err != nil {
		return nil, storeErr(ctx, err, ref.Name, "")
	}
	s.changed(ref.Name)
	if in.Publish {
		pv, err := s.Store.PublishVersion(ctx, ref.Name, "", "")
		if err != nil {
			return nil, storeErr(ctx, err, ref.Name, "")
		}
		s.changed(ref.Name)
		return pv, nil
	}
	return &next, nil
}

// latestRef parses the name of an operation that acts on $LATEST only.
func (s *Service) latestRef(ctx context.Context, name string) (Ref, error) {
	ref, err := resolveRef(ctx, name, "", plainShape)
	if err != nil {
		return Ref{}, err
	}
	if ref.Qualifier != "" && ref.Qualifier != gofaas.LatestVersion {
		return Ref{}, gofaas.Errorf(gofaas.EINVALID, "Current operation does not support versions other than $LATEST. Please set function version to $LATEST or do not set a version")
	}
	return ref, nil
}

// UpdateFunctionConfigurationInput is the UpdateFunctionConfiguration
// request; nil fields are left unchanged.
type UpdateFunctionConfigurationInput struct {
	FunctionName     string
	Runtime          *string
	Role             *string
	Handler          *string
	Description      *string
	Timeout          *int
	MemorySize       *int
	Environment      *Environment
	EphemeralStorage *int
	RevisionID       string
}

// UpdateFunctionConfiguration changes $LATEST's configuration. It returns
// EPRECONDITION when RevisionID is stale.
func (s *Service) UpdateFunctionConfiguration(ctx context.Context, in *UpdateFunctionConfigurationInput) (*gofaas.Function, error) {
	ref, err := s.latestRef(ctx, in.FunctionName)
	if err != nil {
		return nil, err
	}
	var v validation
	if in.Role != nil && !isRole(*in.Role) {
		v.pattern("role", *in.Role, patternRole)
	}
	if in.Runtime != nil && !contains(runtimes, *in.Runtime) {
		v.enum("runtime", *in.Runtime, runtimes)
	}
	if in.Handler != nil {
		checkHandler(&v, *in.Handler)
	}
	if in.Description != nil {
		checkDescription(&v, *in.Description)
	}
	if in.Timeout != nil && *in.Timeout < 1 {
		v.min("timeout", *in.Timeout, 1)
	}
	checkMemory(&v, in.MemorySize)
	checkEphemeral(&v, in.EphemeralStorage)
	if in.Environment != nil {
		checkEnvKeys(&v, in.Environment.Variables)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.Runtime != nil {
		if err := checkRuntime(*in.Runtime); err != nil {
			return nil, err
		}
	}
	if err := checkLimits(in.Timeout, in.MemorySize); err != nil {
		return nil, err
	}
	if in.Environment != nil {
		if err := checkEnv(in.Environment.Variables); err != nil {
			return nil, err
		}
	}

	fn, err := s.Store.GetFunction(ctx, ref.Name, gofaas.LatestVersion)
	if err != nil {
		return nil, storeErr(ctx, err, ref.Name, "")
	}
	if in.RevisionID != "" && in.RevisionID != fn.RevisionID {
		return nil, revisionMismatch()
	}
	if in.Role != nil {
		if err := s.checkRole(ctx, *in.Role); err != nil {
			return nil, err
		}
	}
	next := *fn
	if in.Runtime != nil {
		next.Runtime = *in.Runtime
	}
	if in.Role != nil {
		next.Role = *in.Role
	}
	if in.Handler != nil {
		if *in.Handler == "" {
			return nil, gofaas.Errorf(gofaas.EINVALID, "Runtime and Handler are mandatory parameters for functions created with deployment packages.")
		}
		next.Handler = *in.Handler
	}
	if in.Description != nil {
		next.Description = *in.Description
	}
	if in.Timeout != nil {
		next.Timeout = *in.Timeout
	}
	if in.MemorySize != nil {
		next.MemorySize = *in.MemorySize
	}
	if in.EphemeralStorage != nil {
		next.EphemeralMB = *in.EphemeralStorage
	}
	if in.Environment != nil {
		next.Environment = nil
		if len(in.Environment.Variables) > 0 {
			next.Environment = maps.Clone(in.Environment.Variables)
		}
	}
	next.LastModified = s.timestamp()
	next.RevisionID = newRevisionID()
	if err := s.Store.UpdateFunction(ctx, &next, fn.RevisionID); err != nil {
		return nil, storeErr(ctx, err, ref.Name, "")
	}
	s.changed(ref.Name)
	return &next, nil
}

// DeleteFunction deletes a function, or with a qualifier one published
// version. It refuses $LATEST and aliases (EINVALID) and versions that
// aliases use (ECONFLICT).
func (s *Service) DeleteFunction(ctx context.Context, in *GetFunctionInput) error {
	ref, err := resolveRef(ctx, in.FunctionName, in.Qualifier, namespacedShape)
	if err != nil {
		return err
	}
	switch q := ref.Qualifier; {
	case q == gofaas.LatestVersion:
		return gofaas.Errorf(gofaas.EINVALID, "$LATEST version cannot be deleted without deleting the function.")
	case q != "" && !isVersion(q):
		return gofaas.Errorf(gofaas.EINVALID, "Deletion of aliases is not currently supported.")
	case q != "":
		if _, err := s.Store.GetFunction(ctx, ref.Name, q); err != nil {
			return storeErr(ctx, err, ref.Name, q)
		}
		aliases, err := s.allAliases(ctx, ref.Name, "")
		if err != nil {
			return err
		}
		var users []string
		for _, a := range aliases {
			if _, weighted := a.AdditionalVersionWeights[q]; a.FunctionVersion == q || weighted {
				users = append(users, a.Name)
			}
		}
		if len(users) > 0 {
			return gofaas.Errorf(gofaas.ECONFLICT, "Unable to delete version because the following aliases reference it: [%s]", strings.Join(users, ", "))
		}
	}
	if err := s.Store.DeleteFunction(ctx, ref.Name, ref.Qualifier); err != nil {
		return storeErr(ctx, err, ref.Name, "")
	}
	s.changed(ref.Name)
	return nil
}

func sha256hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// CodeSha256 returns the base64 form in which Lambda reports a code hash
// stored as hex.
func CodeSha256(hexsum string) string {
	b, err := hex.DecodeString(hexsum)
	if err != nil {
		return hexsum
	}
	return base64.StdEncoding.EncodeToString(b)
}

// checkRole asks RoleCheck whether Lambda may assume role.
func (s *Service) checkRole(ctx context.Context, role string) error {
	if s.RoleCheck == nil {
		return nil
	}
	return s.RoleCheck(ctx, role)
}
