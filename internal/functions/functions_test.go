package functions_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/functions"
	"github.com/gofaas/gofaas/internal/sqlite"
)

const (
	testRegion  = "us-west-1"
	testAccount = "123456789012"
	testRole    = "arn:aws:iam::123456789012:role/lambda-all"
)

// memCode is a CodeStore in memory.
type memCode struct {
	mu   sync.Mutex
	zips map[string][]byte
}

func (c *memCode) Put(ctx context.Context, zip []byte) (string, error) {
	sum := sha256.Sum256(zip)
	h := hex.EncodeToString(sum[:])
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.zips == nil {
		c.zips = map[string][]byte{}
	}
	c.zips[h] = bytes.Clone(zip)
	return h, nil
}

func (c *memCode) Zip(ctx context.Context, h string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if z, ok := c.zips[h]; ok {
		return z, nil
	}
	return nil, gofaas.Errorf(gofaas.ENOTFOUND, "no zip %s", h)
}

func (c *memCode) Dir(ctx context.Context, h string) (string, error) { return "", nil }

// countingStore counts reads, to see what the cache saves.
type countingStore struct {
	gofaas.FunctionStore
	gets atomic.Int64
}

func (s *countingStore) GetFunction(ctx context.Context, name, version string) (*gofaas.Function, error) {
	s.gets.Add(1)
	return s.FunctionStore.GetFunction(ctx, name, version)
}

func newService(t testing.TB) (*functions.Service, *countingStore) {
	t.Helper()
	db := sqlite.NewDB(":memory:")
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := &countingStore{FunctionStore: sqlite.NewFunctionStore(db)}
	return &functions.Service{Store: store, Code: &memCode{}}, store
}

func testCtx() context.Context {
	return gofaas.WithRequestInfo(context.Background(), &gofaas.RequestInfo{Region: testRegion, AccountID: testAccount})
}

func testZip(t testing.TB, content string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("bootstrap")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(content))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func create(t testing.TB, s *functions.Service, name string) *gofaas.Function {
	t.Helper()
	fn, err := s.CreateFunction(testCtx(), &functions.CreateFunctionInput{
		FunctionName: name, Runtime: "provided.al2023", Role: testRole, Handler: "bootstrap",
		ZipFile: testZip(t, name),
	})
	if err != nil {
		t.Fatalf("CreateFunction(%s): %v", name, err)
	}
	return fn
}

func ptr[T any](v T) *T { return &v }

// wantErr checks err's code, AWS type (the explicit one, or "" for the
// code's default) and message.
func wantErr(t *testing.T, err error, code, typ, msg string) {
	t.Helper()
	var e *gofaas.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want %s %q", err, code, msg)
	}
	if e.Code != code || e.Type != typ || e.Message != msg {
		t.Fatalf("err = %s/%s %q\nwant %s/%s %q", e.Code, e.Type, e.Message, code, typ, msg)
	}
}

func TestCreateFunction(t *testing.T) {
	s, _ := newService(t)
	now := time.Date(2018, 6, 12, 4, 55, 36, 327e6, time.UTC)
	s.Now = func() time.Time { return now }
	z := testZip(t, "x")
	fn, err := s.CreateFunction(testCtx(), &functions.CreateFunctionInput{
		FunctionName: "ExampleFunction", Runtime: "go1.x", Role: testRole, Handler: "examplebinary", ZipFile: z,
		Environment: &functions.Environment{Variables: map[string]string{"AB": "1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(z)
	if got, want := fn.CodeSha256, hex.EncodeToString(sum[:]); got != want {
		t.Errorf("CodeSha256 = %s, want %s", got, want)
	}
	if fn.Version != "$LATEST" || fn.Timeout != 3 || fn.MemorySize != 128 || fn.CodeSize != int64(len(z)) || fn.RevisionID == "" {
		t.Errorf("fn = %+v", fn)
	}
	if fn.Environment["AB"] != "1" {
		t.Errorf("Environment = %v", fn.Environment)
	}
	_, err = s.CreateFunction(testCtx(), &functions.CreateFunctionInput{
		FunctionName: "ExampleFunction", Runtime: "go1.x", Role: testRole, Handler: "examplebinary", ZipFile: z,
	})
	wantErr(t, err, gofaas.ECONFLICT, "", "Function already exist: ExampleFunction")

	fn, err = s.CreateFunction(testCtx(), &functions.CreateFunctionInput{
		FunctionName: "arn:aws:lambda:us-west-1:123456789012:function:Published", Runtime: "go1.x", Role: testRole,
		Handler: "h", ZipFile: z, Publish: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if fn.Name != "Published" || fn.Version != "1" {
		t.Errorf("published = %s:%s", fn.Name, fn.Version)
	}
}

func TestCreateFunctionValidation(t *testing.T) {
	long := strings.Repeat("a", 65)
	bigEnv := map[string]string{"BIG": strings.Repeat("x", 4096)}
	const (
		ve = "ValidationException"
	)
	tests := []struct {
		name string
		edit func(in *functions.CreateFunctionInput)
		code string
		typ  string
		msg  string
	}{
		{"bad role", func(in *functions.CreateFunctionInput) { in.Role = "x" }, gofaas.EINVALID, ve,
			`1 validation error detected: Value 'x' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`},
		{"bad name", func(in *functions.CreateFunctionInput) { in.FunctionName = "my function" }, gofaas.EINVALID, ve,
			`1 validation error detected: Value 'my function' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`},
		{"two errors", func(in *functions.CreateFunctionInput) { in.Role = "x"; in.Timeout = ptr(0) }, gofaas.EINVALID, ve,
			`2 validation errors detected: Value 'x' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+; Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1`},
		{"long name", func(in *functions.CreateFunctionInput) { in.FunctionName = long }, gofaas.EINVALID, ve,
			"1 validation error detected: Value '" + long + "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"unknown runtime", func(in *functions.CreateFunctionInput) { in.Runtime = "cobol" }, gofaas.EINVALID, ve,
			"1 validation error detected: Value 'cobol' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [nodejs, nodejs4.3, nodejs6.10, nodejs8.10, nodejs10.x, nodejs12.x, nodejs14.x, nodejs16.x, java8, java8.al2, java11, python2.7, python3.6, python3.7, python3.8, python3.9, dotnetcore1.0, dotnetcore2.0, dotnetcore2.1, dotnetcore3.1, dotnet6, dotnet8, nodejs4.3-edge, go1.x, ruby2.5, ruby2.7, provided, provided.al2, nodejs18.x, python3.10, java17, ruby3.2, ruby3.3, ruby3.4, python3.11, nodejs20.x, provided.al2023, python3.12, java21, python3.13, nodejs22.x, nodejs24.x, python3.14, java25, dotnet10, ruby4.0]"},
		{"unsupported runtime", func(in *functions.CreateFunctionInput) { in.Runtime = "python3.12" }, gofaas.EINVALID, "",
			"The runtime parameter of python3.12 is not supported by gofaas. Supported runtimes: go1.x, provided, provided.al2, provided.al2023."},
		{"no handler", func(in *functions.CreateFunctionInput) { in.Handler = "" }, gofaas.EINVALID, "",
			"Runtime and Handler are mandatory parameters for functions created with deployment packages."},
		{"timeout 901", func(in *functions.CreateFunctionInput) { in.Timeout = ptr(901) }, gofaas.EINVALID, ve,
			"1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900"},
		{"memory 64", func(in *functions.CreateFunctionInput) { in.MemorySize = ptr(64) }, gofaas.EINVALID, ve,
			"1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128"},
		{"memory 10241", func(in *functions.CreateFunctionInput) { in.MemorySize = ptr(10241) }, gofaas.EINVALID, "",
			"'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to 10240"},
		{"reserved env", func(in *functions.CreateFunctionInput) {
			in.Environment = &functions.Environment{Variables: map[string]string{"AWS_REGION": "x", "OK": "y", "AWS_ACCESS_KEY_ID": "z"}}
		}, gofaas.EINVALID, "",
			"Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_ACCESS_KEY_ID, AWS_REGION"},
		{"env too big", func(in *functions.CreateFunctionInput) { in.Environment = &functions.Environment{Variables: bigEnv} }, gofaas.EINVALID, "",
			`Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {"BIG":"` + bigEnv["BIG"] + `"}`},
		{"no code", func(in *functions.CreateFunctionInput) { in.ZipFile = nil }, gofaas.EINVALID, "",
			"Please provide a source for function code."},
		{"qualifier", func(in *functions.CreateFunctionInput) { in.FunctionName = "f:1" }, gofaas.EINVALID, "",
			"Unsupported function name: a qualifier is not allowed when creating a function: f:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newService(t)
			in := &functions.CreateFunctionInput{FunctionName: "f", Runtime: "provided.al2023", Role: testRole, Handler: "bootstrap", ZipFile: testZip(t, "x")}
			tt.edit(in)
			_, err := s.CreateFunction(testCtx(), in)
			wantErr(t, err, tt.code, tt.typ, tt.msg)
		})
	}
}

func TestParseFunctionName(t *testing.T) {
	tests := []struct {
		in   string
		want functions.Ref
		ok   bool
	}{
		{"f", functions.Ref{Name: "f"}, true},
		{"my-Func_1", functions.Ref{Name: "my-Func_1"}, true},
		{"f:1", functions.Ref{Name: "f", Qualifier: "1"}, true},
		{"f:$LATEST", functions.Ref{Name: "f", Qualifier: "$LATEST"}, true},
		{"f:live", functions.Ref{Name: "f", Qualifier: "live"}, true},
		{"123456789012:function:f", functions.Ref{Name: "f", AccountID: "123456789012"}, true},
		{"123456789012:function:f:prod", functions.Ref{Name: "f", Qualifier: "prod", AccountID: "123456789012"}, true},
		{"arn:aws:lambda:us-west-1:123456789012:function:f", functions.Ref{Name: "f", Region: "us-west-1", AccountID: "123456789012"}, true},
		{"arn:aws:lambda:us-west-1:123456789012:function:f:7", functions.Ref{Name: "f", Qualifier: "7", Region: "us-west-1", AccountID: "123456789012"}, true},
		{"arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f", functions.Ref{Name: "f", Region: "us-gov-west-1", AccountID: "123456789012"}, true},
		{"", functions.Ref{}, false},
		{"my function", functions.Ref{}, false},
		{"f:", functions.Ref{}, false},
		{"f:a:b", functions.Ref{}, false},
		{"f:$latest", functions.Ref{}, false},
		{"arn:aws:s3:::bucket", functions.Ref{}, false},
		{"arn:aws:lambda:us-west-1:123456789012:function:", functions.Ref{}, false},
		{"arn:xyz:lambda:us-west-1:123456789012:function:f", functions.Ref{}, false},
	}
	for _, tt := range tests {
		got, ok := functions.ParseFunctionName(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseFunctionName(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseFunctionName(f *testing.F) {
	for _, s := range []string{"f", "f:1", "f:$LATEST", "123456789012:function:f:x", "arn:aws:lambda:us-west-1:123456789012:function:f:live", "arn::lambda:eu-isob-east-1:123456789012:function:f", ":::", "arn:aws:lambda:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, ok := functions.ParseFunctionName(s)
		if !ok {
			return
		}
		if ref.Name == "" || !strings.Contains(s, ref.Name) {
			t.Fatalf("ParseFunctionName(%q) = %+v", s, ref)
		}
		if ref.Qualifier != "" && !strings.HasSuffix(s, ":"+ref.Qualifier) {
			t.Fatalf("qualifier %q not at the end of %q", ref.Qualifier, s)
		}
		// The canonical ARN parses back to the same reference.
		arn := gofaas.FunctionARN("us-east-1", "123456789012", ref.Name, ref.Qualifier)
		back, ok := functions.ParseFunctionName(arn)
		if !ok || back.Name != ref.Name || back.Qualifier != ref.Qualifier {
			t.Fatalf("round trip of %q via %q = %+v, %v", s, arn, back, ok)
		}
	})
}

func TestResolveForms(t *testing.T) {
	s, _ := newService(t)
	ctx := testCtx()
	create(t, s, "f")
	v1, err := s.PublishVersion(ctx, &functions.PublishVersionInput{FunctionName: "f"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAlias(ctx, &functions.AliasInput{FunctionName: "f", Name: "live", FunctionVersion: v1.Version}); err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:lambda:us-west-1:123456789012:function:f"
	tests := []struct {
		name, qualifier, version string
	}{
		{"f", "", "$LATEST"},
		{"f", "$LATEST", "$LATEST"},
		{"f", "1", "1"},
		{"f:1", "", "1"},
		{"f:1", "1", "1"},
		{"f", "live", "1"},
		{"f:live", "", "1"},
		{"123456789012:function:f", "", "$LATEST"},
		{"123456789012:function:f:live", "", "1"},
		{arn, "", "$LATEST"},
		{arn + ":1", "", "1"},
		{arn, "live", "1"},
	}
	for _, tt := range tests {
		fn, err := s.Resolve(ctx, tt.name, tt.qualifier)
		if err != nil {
			t.Errorf("Resolve(%q, %q): %v", tt.name, tt.qualifier, err)
			continue
		}
		if fn.Name != "f" || fn.Version != tt.version {
			t.Errorf("Resolve(%q, %q) = %s:%s, want f:%s", tt.name, tt.qualifier, fn.Name, fn.Version, tt.version)
		}
	}

	errs := []struct {
		name, qualifier, code, msg string
	}{
		{"f:1", "2", gofaas.EINVALID, "The derived qualifier from the function name does not match the specified qualifier."},
		{"nope", "", gofaas.ENOTFOUND, "Function not found: arn:aws:lambda:us-west-1:123456789012:function:nope"},
		{"f", "9", gofaas.ENOTFOUND, "Function not found: arn:aws:lambda:us-west-1:123456789012:function:f:9"},
		{"f:dead", "", gofaas.ENOTFOUND, "Function not found: arn:aws:lambda:us-west-1:123456789012:function:f:dead"},
		{"arn:aws:lambda:eu-west-1:123456789012:function:f", "", gofaas.ENOTFOUND, "Functions from 'eu-west-1' are not reachable in this region ('us-west-1')"},
	}
	for _, tt := range errs {
		_, err := s.Resolve(ctx, tt.name, tt.qualifier)
		wantErr(t, err, tt.code, "", tt.msg)
	}
	_, err = s.Resolve(ctx, "bad name", "")
	if e := (*gofaas.Error)(nil); !errors.As(err, &e) || e.Type != "ValidationException" {
		t.Errorf("Resolve(bad name) = %v, want ValidationException", err)
	}
}

func TestAliasRouting(t *testing.T) {
	s, _ := newService(t)
	ctx := testCtx()
	create(t, s, "f")
	mustPublish(t, s, "f", "one")
	mustPublish(t, s, "f", "two")
	_, err := s.CreateAlias(ctx, &functions.AliasInput{FunctionName: "f", Name: "live", FunctionVersion: "1",
		RoutingConfig: map[string]float64{"2": 0.25}})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	s.Rand = rng.Float64
	counts := map[string]int{}
	const n = 10000
	for i := 0; i < n; i++ {
		fn, err := s.Resolve(ctx, "f", "live")
		if err != nil {
			t.Fatal(err)
		}
		counts[fn.Version]++
	}
	if share := float64(counts["2"]) / n; share < 0.23 || share > 0.27 {
		t.Errorf("version 2 got %.3f of invocations, want about 0.25 (%v)", share, counts)
	}
	if counts["1"]+counts["2"] != n {
		t.Errorf("counts = %v", counts)
	}
}

// mustPublish changes $LATEST's description and publishes it.
func mustPublish(t *testing.T, s *functions.Service, name, desc string) *gofaas.Function {
	t.Helper()
	ctx := testCtx()
	if _, err := s.UpdateFunctionConfiguration(ctx, &functions.UpdateFunctionConfigurationInput{FunctionName: name, Description: &desc}); err != nil {
		t.Fatal(err)
	}
	v, err := s.PublishVersion(ctx, &functions.PublishVersionInput{FunctionName: name})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestAliasRules(t *testing.T) {
	s, _ := newService(t)
	ctx := testCtx()
	create(t, s, "f")
	mustPublish(t, s, "f", "one")
	mustPublish(t, s, "f", "two")
	const arn = "arn:aws:lambda:us-west-1:123456789012:function:f"
	tests := []struct {
		name string
		in   functions.AliasInput
		code string
		typ  string
		msg  string
	}{
		{"two weights", functions.AliasInput{Name: "a", FunctionVersion: "1", RoutingConfig: map[string]float64{"2": 0.1, "3": 0.1}},
			gofaas.EINVALID, "", "Number of items in AdditionalVersionWeights cannot be greater than 1"},
		{"same version", functions.AliasInput{Name: "a", FunctionVersion: "1", RoutingConfig: map[string]float64{"1": 0.1}},
			gofaas.EINVALID, "", "Invalid function version 1. Function version 1 is already included in routing configuration."},
		{"latest weighted", functions.AliasInput{Name: "a", FunctionVersion: "$LATEST", RoutingConfig: map[string]float64{"2": 0.1}},
			gofaas.EINVALID, "", "$LATEST is not supported for an alias pointing to more than 1 version"},
		{"weight range", functions.AliasInput{Name: "a", FunctionVersion: "1", RoutingConfig: map[string]float64{"2": 1.5}},
			gofaas.EINVALID, "ValidationException", "1 validation error detected: Value '{2=1.5}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]"},
		{"missing extra", functions.AliasInput{Name: "a", FunctionVersion: "1", RoutingConfig: map[string]float64{"9": 0.5}},
			gofaas.ENOTFOUND, "", "Function not found: " + arn + ":9"},
		{"missing version", functions.AliasInput{Name: "a", FunctionVersion: "9"},
			gofaas.ENOTFOUND, "", "Function not found: " + arn + ":9"},
		{"numeric name", functions.AliasInput{Name: "12", FunctionVersion: "1"},
			gofaas.EINVALID, "ValidationException", "1 validation error detected: Value '12' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.FunctionName = "f"
			_, err := s.CreateAlias(ctx, &in)
			wantErr(t, err, tt.code, tt.typ, tt.msg)
		})
	}
	if _, err := s.CreateAlias(ctx, &functions.AliasInput{FunctionName: "f", Name: "live", FunctionVersion: "1"}); err != nil {
		t.Fatal(err)
	}
	_, err := s.CreateAlias(ctx, &functions.AliasInput{FunctionName: "f", Name: "live", FunctionVersion: "1"})
	wantErr(t, err, gofaas.ECONFLICT, "", "Alias already exists: "+arn+":live")
	_, err = s.GetAlias(ctx, "f", "dead")
	wantErr(t, err, gofaas.ENOTFOUND, "", "Cannot find alias arn: "+arn+":dead")
	_, err = s.UpdateAlias(ctx, &functions.AliasInput{FunctionName: "f", Name: "live", RevisionID: "stale"})
	wantErr(t, err, gofaas.EPRECONDITION, "", "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
	err = s.DeleteFunction(ctx, &functions.GetFunctionInput{FunctionName: "f", Qualifier: "1"})
	wantErr(t, err, gofaas.ECONFLICT, "", "Unable to delete version because the following aliases reference it: [live]")
	err = s.DeleteFunction(ctx, &functions.GetFunctionInput{FunctionName: "f", Qualifier: "$LATEST"})
	wantErr(t, err, gofaas.EINVALID, "", "$LATEST version cannot be deleted without deleting the function.")
	if err := s.DeleteFunction(ctx, &functions.GetFunctionInput{FunctionName: "f", Qualifier: "2"}); err != nil {
		t.Fatal(err)
	}
}

func TestCacheInvalidation(t *testing.T) {
	s, store := newService(t)
	ctx := testCtx()
	var changed []string
	s.OnChange = func(name string) { changed = append(changed, name) }
	create(t, s, "f")
	if _, err := s.Resolve(ctx, "f", ""); err != nil {
		t.Fatal(err)
	}
	before := store.gets.Load()
	for i := 0; i < 10; i++ {
		if _, err := s.Resolve(ctx, "f", ""); err != nil {
			t.Fatal(err)
		}
	}
	if got := store.gets.Load() - before; got != 0 {
		t.Errorf("cached Resolve read the store %d times", got)
	}
	if _, err := s.UpdateFunctionConfiguration(ctx, &functions.UpdateFunctionConfigurationInput{FunctionName: "f", Timeout: ptr(30)}); err != nil {
		t.Fatal(err)
	}
	fn, err := s.Resolve(ctx, "f", "")
	if err != nil {
		t.Fatal(err)
	}
	if fn.Timeout != 30 {
		t.Errorf("Timeout after update = %d, want 30", fn.Timeout)
	}
	if len(changed) != 2 || changed[1] != "f" {
		t.Errorf("OnChange calls = %v", changed)
	}

	// Reserved concurrency and async settings are cached and invalidated too.
	if n, _ := s.ReservedConcurrency(ctx, "f"); n != -1 {
		t.Errorf("ReservedConcurrency = %d, want -1", n)
	}
	if _, err := s.PutFunctionConcurrency(ctx, "f", ptr(5)); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.ReservedConcurrency(ctx, "f"); n != 5 {
		t.Errorf("ReservedConcurrency = %d, want 5", n)
	}
	if c, _ := s.EventInvokeConfig(ctx, "f", ""); c != nil {
		t.Errorf("EventInvokeConfig = %+v, want nil", c)
	}
	if _, err := s.PutFunctionEventInvokeConfig(ctx, &functions.EventInvokeConfigInput{FunctionName: "f", MaximumRetryAttempts: ptr(0)}); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.EventInvokeConfig(ctx, "f", ""); c == nil || *c.MaximumRetryAttempts != 0 {
		t.Errorf("EventInvokeConfig = %+v, want MaximumRetryAttempts 0", c)
	}
	if err := s.DeleteFunction(ctx, &functions.GetFunctionInput{FunctionName: "f"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Resolve(ctx, "f", "")
	wantErr(t, err, gofaas.ENOTFOUND, "", "Function not found: arn:aws:lambda:us-west-1:123456789012:function:f")
}

func TestConcurrencyLimit(t *testing.T) {
	s, _ := newService(t)
	ctx := testCtx()
	create(t, s, "a")
	create(t, s, "b")
	if _, err := s.PutFunctionConcurrency(ctx, "a", ptr(800)); err != nil {
		t.Fatal(err)
	}
	_, err := s.PutFunctionConcurrency(ctx, "b", ptr(101))
	wantErr(t, err, gofaas.EINVALID, "", "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].")
	if _, err := s.PutFunctionConcurrency(ctx, "b", ptr(100)); err != nil {
		t.Fatal(err)
	}
	// Changing a's own reservation does not count its old value.
	if _, err := s.PutFunctionConcurrency(ctx, "a", ptr(800)); err != nil {
		t.Fatal(err)
	}
	settings, err := s.GetAccountSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if settings.Limit.UnreservedConcurrentExecutions != 100 || settings.Usage.FunctionCount != 2 || settings.Limit.ConcurrentExecutions != 1000 {
		t.Errorf("settings = %+v", settings)
	}
	_, err = s.PutFunctionConcurrency(ctx, "nope", ptr(1))
	wantErr(t, err, gofaas.ENOTFOUND, "", "Function not found: arn:aws:lambda:us-west-1:123456789012:function:nope")
}

func TestUpdateAndPublish(t *testing.T) {
	s, _ := newService(t)
	ctx := testCtx()
	fn := create(t, s, "f")
	_, err := s.UpdateFunctionCode(ctx, &functions.UpdateFunctionCodeInput{FunctionName: "f", ZipFile: testZip(t, "y"), RevisionID: "stale"})
	wantErr(t, err, gofaas.EPRECONDITION, "", "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
	up, err := s.UpdateFunctionCode(ctx, &functions.UpdateFunctionCodeInput{FunctionName: "f", ZipFile: testZip(t, "y"), RevisionID: fn.RevisionID, Publish: true})
	if err != nil {
		t.Fatal(err)
	}
	if up.Version != "1" || up.CodeSha256 == fn.CodeSha256 {
		t.Errorf("published %s with sha %s (was %s)", up.Version, up.CodeSha256, fn.CodeSha256)
	}
	// Publishing an unchanged $LATEST returns the newest version.
	again, err := s.PublishVersion(ctx, &functions.PublishVersionInput{FunctionName: "f"})
	if err != nil {
		t.Fatal(err)
	}
	if again.Version != "1" {
		t.Errorf("unchanged publish = version %s, want 1", again.Version)
	}
	_, err = s.PublishVersion(ctx, &functions.PublishVersionInput{FunctionName: "f", CodeSha256: "abc"})
	wantErr(t, err, gofaas.EINVALID, "", fmt.Sprintf("CodeSHA256 (abc) is different from current CodeSHA256 in $LATEST (%s). Please try again with the CodeSHA256 in $LATEST.", functions.CodeSha256(up.CodeSha256)))
	_, err = s.UpdateFunctionConfiguration(ctx, &functions.UpdateFunctionConfigurationInput{FunctionName: "f:1", Timeout: ptr(5)})
	wantErr(t, err, gofaas.EINVALID, "", "Current operation does not support versions other than $LATEST. Please set function version to $LATEST or do not set a version")

	out, err := s.ListVersionsByFunction(ctx, &functions.ListVersionsInput{FunctionName: "f", MaxItems: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Versions) != 1 || out.Versions[0].Version != "$LATEST" || out.NextMarker != "$LATEST" {
		t.Fatalf("page 1 = %d versions, marker %q", len(out.Versions), out.NextMarker)
	}
	out, err = s.ListVersionsByFunction(ctx, &functions.ListVersionsInput{FunctionName: "f", Marker: out.NextMarker})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Versions) != 1 || out.Versions[0].Version != "1" || out.NextMarker != "" {
		t.Fatalf("page 2 = %+v, marker %q", out.Versions, out.NextMarker)
	}
}

func TestListFunctionsPaging(t *testing.T) {
	s, _ := newService(t)
	ctx := testCtx()
	for _, n := range []string{"c", "a", "b"} {
		create(t, s, n)
	}
	var names []string
	marker := ""
	for {
		out, err := s.ListFunctions(ctx, &functions.ListFunctionsInput{Marker: marker, MaxItems: ptr(2)})
		if err != nil {
			t.Fatal(err)
		}
		for _, fn := range out.Functions {
			names = append(names, fn.Name)
		}
		if marker = out.NextMarker; marker == "" {
			break
		}
	}
	if got := strings.Join(names, ","); got != "a,b,c" {
		t.Errorf("listed %s", got)
	}
	mustPublish(t, s, "b", "v1")
	out, err := s.ListFunctions(ctx, &functions.ListFunctionsInput{FunctionVersion: "ALL", MaxItems: ptr(2)})
	if err != nil {
		t.Fatal(err)
	}
	out2, err := s.ListFunctions(ctx, &functions.ListFunctionsInput{FunctionVersion: "ALL", Marker: out.NextMarker})
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, fn := range append(out.Functions, out2.Functions...) {
		all = append(all, fn.Name+":"+fn.Version)
	}
	if got := strings.Join(all, ","); got != "a:$LATEST,b:$LATEST,b:1,c:$LATEST" {
		t.Errorf("ALL listed %s", got)
	}
	_, err = s.ListFunctions(ctx, &functions.ListFunctionsInput{MaxItems: ptr(10001)})
	wantErr(t, err, gofaas.EINVALID, "ValidationException", "1 validation error detected: Value '10001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 10000")
}

func TestEventInvokeConfig(t *testing.T) {
	s, _ := newService(t)
	ctx := testCtx()
	create(t, s, "f")
	_, err := s.GetFunctionEventInvokeConfig(ctx, "f", "")
	wantErr(t, err, gofaas.ENOTFOUND, "", "The function arn:aws:lambda:us-west-1:123456789012:function:f:$LATEST doesn't have an EventInvokeConfig")
	_, err = s.PutFunctionEventInvokeConfig(ctx, &functions.EventInvokeConfigInput{FunctionName: "f"})
	wantErr(t, err, gofaas.EINVALID, "", "You must specify at least one of error handling or destination setting.")
	_, err = s.PutFunctionEventInvokeConfig(ctx, &functions.EventInvokeConfigInput{FunctionName: "f", MaximumRetryAttempts: ptr(3)})
	wantErr(t, err, gofaas.EINVALID, "ValidationException", "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2")
	_, err = s.UpdateFunctionEventInvokeConfig(ctx, &functions.EventInvokeConfigInput{FunctionName: "f", MaximumRetryAttempts: ptr(1)})
	wantErr(t, err, gofaas.ENOTFOUND, "", "The function arn:aws:lambda:us-west-1:123456789012:function:f:$LATEST doesn't have an EventInvokeConfig")
	if _, err := s.PutFunctionEventInvokeConfig(ctx, &functions.EventInvokeConfigInput{FunctionName: "f", MaximumRetryAttempts: ptr(1)}); err != nil {
		t.Fatal(err)
	}
	c, err := s.UpdateFunctionEventInvokeConfig(ctx, &functions.EventInvokeConfigInput{FunctionName: "f", MaximumEventAgeInSeconds: ptr(60)})
	if err != nil {
		t.Fatal(err)
	}
	if *c.MaximumRetryAttempts != 1 || *c.MaximumEventAgeInSeconds != 60 {
		t.Errorf("merged config = %+v", c)
	}
	list, err := s.ListFunctionEventInvokeConfigs(ctx, &functions.ListEventInvokeConfigsInput{FunctionName: "f"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Configs) != 1 {
		t.Errorf("listed %d configs", len(list.Configs))
	}
	if err := s.DeleteFunctionEventInvokeConfig(ctx, "f", ""); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkResolve(b *testing.B) {
	s, _ := newService(b)
	ctx := testCtx()
	create(b, s, "f")
	if _, err := s.Resolve(ctx, "f", ""); err != nil {
		b.Fatal(err)
	}
	arn := "arn:aws:lambda:us-west-1:123456789012:function:f"
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Resolve(ctx, arn, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestCacheRace changes a function while others resolve it; afterwards the
// cache must hold the last configuration, not one a racing fill read.
func TestCacheRace(t *testing.T) {
	s, _ := newService(t)
	ctx := testCtx()
	create(t, s, "f")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.Resolve(ctx, "f", ""); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for timeout := 1; timeout <= 20; timeout++ {
		if _, err := s.UpdateFunctionConfiguration(ctx, &functions.UpdateFunctionConfigurationInput{FunctionName: "f", Timeout: ptr(timeout)}); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	fn, err := s.Resolve(ctx, "f", "")
	if err != nil {
		t.Fatal(err)
	}
	if fn.Timeout != 20 {
		t.Errorf("cached Timeout = %d, want 20", fn.Timeout)
	}
}
