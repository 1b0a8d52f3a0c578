package lambdaapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/functions"
	"github.com/gofaas/gofaas/internal/lambdaapi"
	"github.com/gofaas/gofaas/internal/sqlite"
)

const (
	region  = "us-west-1"
	account = "123456789012"
	role    = "arn:aws:iam::123456789012:role/lambda-all"
	fnARN   = "arn:aws:lambda:us-west-1:123456789012:function:"
)

// fakeInvoker is a gofaas.Invoker whose behaviour a test sets.
type fakeInvoker struct {
	invoke func(ctx context.Context, in *gofaas.InvokeInput) (*gofaas.InvokeOutput, error)
}

func (f *fakeInvoker) Invoke(ctx context.Context, in *gofaas.InvokeInput) (*gofaas.InvokeOutput, error) {
	return f.invoke(ctx, in)
}

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

type env struct {
	client  *lambda.Client
	svc     *functions.Service
	invoker *fakeInvoker
	handler *lambdaapi.Handler
	url     string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	db := sqlite.NewDB(":memory:")
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := &functions.Service{Store: sqlite.NewFunctionStore(db), Code: &memCode{}}
	inv := &fakeInvoker{}
	// By default the fake resolves the function and echoes the payload.
	inv.invoke = func(ctx context.Context, in *gofaas.InvokeInput) (*gofaas.InvokeOutput, error) {
		fn, err := svc.Resolve(ctx, in.FunctionName, in.Qualifier)
		if err != nil {
			return nil, err
		}
		switch in.InvocationType {
		case gofaas.InvocationEvent:
			return &gofaas.InvokeOutput{StatusCode: 202}, nil
		case gofaas.InvocationDryRun:
			return &gofaas.InvokeOutput{StatusCode: 204}, nil
		}
		return &gofaas.InvokeOutput{StatusCode: 200, Payload: bytes.Clone(in.Payload), ExecutedVersion: fn.Version}, nil
	}
	h := &lambdaapi.Handler{Functions: svc, Invoker: inv, CodeURLKey: []byte("k")}
	mux := http.NewServeMux()
	h.Routes(mux)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := gofaas.WithRequestInfo(r.Context(), &gofaas.RequestInfo{Region: region, AccountID: account, RequestID: "req-1"})
		mux.ServeHTTP(w, r.WithContext(ctx))
	}))
	t.Cleanup(srv.Close)
	client := lambda.New(lambda.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:      aws.NopRetryer{},
	})
	return &env{client: client, svc: svc, invoker: inv, handler: h, url: srv.URL}
}

func testZip(t testing.TB, content string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("bootstrap")
	w.Write([]byte(content))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (e *env) create(t testing.TB, name string) *lambda.CreateFunctionOutput {
	t.Helper()
	out, err := e.client.CreateFunction(context.Background(), &lambda.CreateFunctionInput{
		FunctionName: aws.String(name),
		Runtime:      types.RuntimeProvidedal2023,
		Role:         aws.String(role),
		Handler:      aws.String("bootstrap"),
		Code:         &types.FunctionCode{ZipFile: testZip(t, name)},
	})
	if err != nil {
		t.Fatalf("CreateFunction(%s): %v", name, err)
	}
	return out
}

// wantAPIError checks err's AWS error code and message.
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || ae.ErrorMessage() != msg {
		t.Fatalf("err = %s %q\nwant %s %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

func TestCreateGetInvoke(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	z := testZip(t, "hello")
	out, err := e.client.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("ExampleFunction"),
		Runtime:      types.RuntimeGo1x,
		Role:         aws.String(role),
		Handler:      aws.String("examplebinary"),
		Code:         &types.FunctionCode{ZipFile: z},
		Environment:  &types.Environment{Variables: map[string]string{"GREETING": "hi"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(z)
	checks := []struct{ name, got, want string }{
		{"FunctionName", aws.ToString(out.FunctionName), "ExampleFunction"},
		{"FunctionArn", aws.ToString(out.FunctionArn), fnARN + "ExampleFunction"},
		{"Runtime", string(out.Runtime), "go1.x"},
		{"Role", aws.ToString(out.Role), role},
		{"Handler", aws.ToString(out.Handler), "examplebinary"},
		{"CodeSha256", aws.ToString(out.CodeSha256), base64.StdEncoding.EncodeToString(sum[:])},
		{"Version", aws.ToString(out.Version), "$LATEST"},
		{"State", string(out.State), "Active"},
		{"LastUpdateStatus", string(out.LastUpdateStatus), "Successful"},
		{"PackageType", string(out.PackageType), "Zip"},
		{"TracingConfig", string(out.TracingConfig.Mode), "PassThrough"},
		{"LogGroup", aws.ToString(out.LoggingConfig.LogGroup), "/aws/lambda/ExampleFunction"},
		{"Environment", out.Environment.Variables["GREETING"], "hi"},
		{"Architectures", string(out.Architectures[0]), "x86_64"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if aws.ToInt32(out.Timeout) != 3 || aws.ToInt32(out.MemorySize) != 128 || out.CodeSize != int64(len(z)) || aws.ToInt32(out.EphemeralStorage.Size) != 512 {
		t.Errorf("Timeout %d MemorySize %d CodeSize %d", aws.ToInt32(out.Timeout), aws.ToInt32(out.MemorySize), out.CodeSize)
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000-0700", aws.ToString(out.LastModified)); err != nil || !strings.HasSuffix(aws.ToString(out.LastModified), "+0000") {
		t.Errorf("LastModified = %q (%v)", aws.ToString(out.LastModified), err)
	}

	got, err := e.client.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("ExampleFunction")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Configuration.RevisionId) != aws.ToString(out.RevisionId) || aws.ToString(got.Code.RepositoryType) != "S3" {
		t.Errorf("GetFunction = %+v", got.Configuration)
	}
	if got.Concurrency != nil {
		t.Errorf("Concurrency = %+v, want none", got.Concurrency)
	}
	loc := aws.ToString(got.Code.Location)
	resp, err := http.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(body, z) {
		t.Errorf("GET %s = %d, %d bytes", loc, resp.StatusCode, len(body))
	}
	for _, bad := range []string{strings.Replace(loc, "signature=", "signature=0", 1), strings.Replace(loc, "expires=", "expires=1", 1)} {
		resp, err := http.Get(bad)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s = %d, want 403", bad, resp.StatusCode)
		}
	}
	e.handler.Now = func() time.Time { return time.Now().Add(11 * time.Minute) }
	if resp, err := http.Get(loc); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET of an expired code URL = %v, %v; want 403", resp.StatusCode, err)
	}

	inv, err := e.client.Invoke(ctx, &lambda.InvokeInput{
		FunctionName: aws.String("ExampleFunction"),
		Payload:      []byte(`{"value":"john"}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if inv.StatusCode != 200 || string(inv.Payload) != `{"value":"john"}` || aws.ToString(inv.ExecutedVersion) != "$LATEST" || inv.FunctionError != nil {
		t.Errorf("Invoke = %d %s %q", inv.StatusCode, inv.Payload, aws.ToString(inv.ExecutedVersion))
	}
}

func TestInvoke(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.create(t, "f")
	var seen gofaas.InvokeInput
	echo := e.invoker.invoke
	e.invoker.invoke = func(ctx context.Context, in *gofaas.InvokeInput) (*gofaas.InvokeOutput, error) {
		seen = *in
		seen.Payload = bytes.Clone(in.Payload)
		return echo(ctx, in)
	}

	out, err := e.client.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(fnARN + "f"),
		Qualifier:      aws.String("$LATEST"),
		InvocationType: types.InvocationTypeEvent,
		ClientContext:  aws.String("e30="),
		Payload:        []byte(`{}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.StatusCode != 202 {
		t.Errorf("Event StatusCode = %d", out.StatusCode)
	}
	if seen.InvocationType != "Event" || seen.Qualifier != "$LATEST" || seen.ClientContext != "e30=" || seen.FunctionName != fnARN+"f" || seen.RequestID != "req-1" {
		t.Errorf("invoker saw %+v", seen)
	}
	out, err = e.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f"), InvocationType: types.InvocationTypeDryRun})
	if err != nil || out.StatusCode != 204 {
		t.Errorf("DryRun = %v, %v", out, err)
	}
	out, err = e.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f")})
	if err != nil || string(out.Payload) != "{}" {
		t.Errorf("empty payload: %s, %v", out.Payload, err)
	}

	// A function's failure is data.
	e.invoker.invoke = func(ctx context.Context, in *gofaas.InvokeInput) (*gofaas.InvokeOutput, error) {
		return &gofaas.InvokeOutput{StatusCode: 200, Payload: []byte(`{"errorMessage":"boom"}`), FunctionError: "Unhandled", ExecutedVersion: "$LATEST", LogResult: "bG9n"}, nil
	}
	out, err = e.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f"), LogType: types.LogTypeTail})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.FunctionError) != "Unhandled" || aws.ToString(out.LogResult) != "bG9n" || string(out.Payload) != `{"errorMessage":"boom"}` {
		t.Errorf("failed invoke = %+v", out)
	}

	// Throttles carry their reason.
	e.invoker.invoke = func(ctx context.Context, in *gofaas.InvokeInput) (*gofaas.InvokeOutput, error) {
		return nil, &gofaas.Error{Code: gofaas.ETHROTTLED, Message: "Rate Exceeded.", Reason: "ReservedFunctionConcurrentInvocationLimitExceeded"}
	}
	_, err = e.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f")})
	var tm *types.TooManyRequestsException
	if !errors.As(err, &tm) || tm.Reason != types.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded || aws.ToString(tm.RetryAfterSeconds) != "1" {
		t.Errorf("throttle = %v (%+v)", err, tm)
	}
	e.invoker.invoke = func(ctx context.Context, in *gofaas.InvokeInput) (*gofaas.InvokeOutput, error) {
		return nil, errors.New("database on fire")
	}
	_, err = e.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f")})
	var se *types.ServiceException
	if !errors.As(err, &se) || strings.Contains(err.Error(), "fire") {
		t.Errorf("internal error = %v", err)
	}
	e.invoker.invoke = echo

	_, err = e.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f"), Payload: []byte("not json")})
	var irc *types.InvalidRequestContentException
	if !errors.As(err, &irc) || !strings.HasPrefix(aws.ToString(irc.Message), "Could not parse request body into json: Could not parse payload into json: ") {
		t.Errorf("bad payload = %v", err)
	}
	big := bytes.Repeat([]byte("1"), gofaas.MaxSyncPayload+1)
	_, err = e.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f"), Payload: big})
	var tl *types.RequestTooLargeException
	if !errors.As(err, &tl) {
		t.Fatalf("oversized = %v", err)
	}
	wantAPIError(t, err, "RequestTooLargeException", "Request must be smaller than 6291456 bytes for the InvokeFunction operation")
	_, err = e.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f"), InvocationType: types.InvocationTypeEvent, Payload: big[:gofaas.MaxAsyncPayload+1]})
	wantAPIError(t, err, "RequestTooLargeException", "Request must be smaller than 1048576 bytes for the InvokeFunction operation")

	_, err = e.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("nope")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("missing function = %v", err)
	}
	wantAPIError(t, err, "ResourceNotFoundException", "Function not found: "+fnARN+"nope")
	_, err = e.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f:1"), Qualifier: aws.String("2")})
	var ipv *types.InvalidParameterValueException
	if !errors.As(err, &ipv) {
		t.Fatalf("conflicting qualifier = %v", err)
	}
	wantAPIError(t, err, "InvalidParameterValueException", "The derived qualifier from the function name does not match the specified qualifier.")

	ia, err := e.client.InvokeAsync(ctx, &lambda.InvokeAsyncInput{FunctionName: aws.String("f"), InvokeArgs: strings.NewReader(`{"a":1}`)})
	if err != nil || ia.Status != 202 {
		t.Errorf("InvokeAsync = %+v, %v", ia, err)
	}
}

func TestFunctionLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	created := e.create(t, "f")

	_, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("f"), Runtime: types.RuntimeProvidedal2023, Role: aws.String(role),
		Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: testZip(t, "f")},
	})
	var rc *types.ResourceConflictException
	if !errors.As(err, &rc) {
		t.Fatalf("duplicate = %v", err)
	}
	wantAPIError(t, err, "ResourceConflictException", "Function already exist: f")

	_, err = c.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("g"), Runtime: types.RuntimeProvidedal2023, Role: aws.String("not-a-role"),
		Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: testZip(t, "g")},
	})
	wantAPIError(t, err, "ValidationException", `1 validation error detected: Value 'not-a-role' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`)
	_, err = c.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("g"), Runtime: types.RuntimeProvidedal2023, Role: aws.String(role),
		Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: testZip(t, "g")},
		Environment: &types.Environment{Variables: map[string]string{"AWS_REGION": "x"}},
	})
	wantAPIError(t, err, "InvalidParameterValueException", "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION")

	conf, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("f"), Timeout: aws.Int32(30), MemorySize: aws.Int32(256),
		Description: aws.String("d"), Handler: aws.String("other"), Runtime: types.RuntimeProvidedal2,
		Environment: &types.Environment{Variables: map[string]string{"KEY": "v"}},
		RevisionId:  created.RevisionId,
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(conf.Timeout) != 30 || aws.ToInt32(conf.MemorySize) != 256 || aws.ToString(conf.Description) != "d" || aws.ToString(conf.Handler) != "other" || conf.Runtime != types.RuntimeProvidedal2 || conf.Environment.Variables["KEY"] != "v" {
		t.Errorf("updated = %+v", conf)
	}
	_, err = c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("f"), Timeout: aws.Int32(5), RevisionId: created.RevisionId})
	var pf *types.PreconditionFailedException
	if !errors.As(err, &pf) {
		t.Fatalf("stale revision = %v", err)
	}
	_, err = c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("f"), Timeout: aws.Int32(901)})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900")

	code, err := c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("f"), ZipFile: testZip(t, "v2"), Publish: true})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(code.Version) != "1" || aws.ToString(code.FunctionArn) != fnARN+"f:1" {
		t.Errorf("UpdateFunctionCode+Publish = %s %s", aws.ToString(code.Version), aws.ToString(code.FunctionArn))
	}
	cfg, err := c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("f"), Qualifier: aws.String("1")})
	if err != nil || aws.ToString(cfg.FunctionArn) != fnARN+"f:1" || aws.ToString(cfg.CodeSha256) != aws.ToString(code.CodeSha256) {
		t.Errorf("GetFunctionConfiguration(f, 1) = %+v, %v", cfg, err)
	}
	_, err = c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("f"), Qualifier: aws.String("7")})
	wantAPIError(t, err, "ResourceNotFoundException", "Function not found: "+fnARN+"f:7")

	pv, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("f"), Description: aws.String("same")})
	if err != nil || aws.ToString(pv.Version) != "1" {
		t.Errorf("PublishVersion of unchanged = %v, %v", pv, err)
	}
	e.create(t, "g")
	e.create(t, "h")
	var names []string
	p := lambda.NewListFunctionsPaginator(c, &lambda.ListFunctionsInput{MaxItems: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, fn := range page.Functions {
			names = append(names, aws.ToString(fn.FunctionName))
		}
	}
	if got := strings.Join(names, ","); got != "f,g,h" {
		t.Errorf("ListFunctions = %s", got)
	}
	vs, err := c.ListVersionsByFunction(ctx, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String("f")})
	if err != nil || len(vs.Versions) != 2 || aws.ToString(vs.Versions[0].FunctionArn) != fnARN+"f:$LATEST" || vs.NextMarker != nil {
		t.Errorf("ListVersionsByFunction = %+v, %v", vs, err)
	}

	_, err = c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("f"), Qualifier: aws.String("$LATEST")})
	wantAPIError(t, err, "InvalidParameterValueException", "$LATEST version cannot be deleted without deleting the function.")
	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("f")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("f")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) || aws.ToString(nf.Message) != "Function not found: "+fnARN+"f" {
		t.Errorf("GetFunction after delete = %v (%+v)", err, nf)
	}
}

func TestAliases(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	e.create(t, "f")
	v1, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("f"), Timeout: aws.Int32(9)}); err != nil {
		t.Fatal(err)
	}
	v2, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("f")})
	if err != nil || aws.ToString(v2.Version) != "2" || aws.ToString(v2.FunctionArn) != fnARN+"f:2" {
		t.Fatalf("PublishVersion = %+v, %v", v2, err)
	}
	a, err := c.CreateAlias(ctx, &lambda.CreateAliasInput{
		FunctionName: aws.String("f"), Name: aws.String("live"), FunctionVersion: v1.Version,
		Description:   aws.String("prod"),
		RoutingConfig: &types.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"2": 0.5}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(a.AliasArn) != fnARN+"f:live" || aws.ToString(a.FunctionVersion) != "1" || a.RoutingConfig.AdditionalVersionWeights["2"] != 0.5 || aws.ToString(a.RevisionId) == "" {
		t.Errorf("CreateAlias = %+v", a)
	}
	_, err = c.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("live"), FunctionVersion: aws.String("1")})
	wantAPIError(t, err, "ResourceConflictException", "Alias already exists: "+fnARN+"f:live")
	_, err = c.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("x"), FunctionVersion: aws.String("$LATEST"),
		RoutingConfig: &types.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"2": 0.5}}})
	wantAPIError(t, err, "InvalidParameterValueException", "$LATEST is not supported for an alias pointing to more than 1 version")

	got, err := c.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String("f"), Name: aws.String("live")})
	if err != nil || aws.ToString(got.Description) != "prod" {
		t.Errorf("GetAlias = %+v, %v", got, err)
	}
	_, err = c.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String("f"), Name: aws.String("dead")})
	wantAPIError(t, err, "ResourceNotFoundException", "Cannot find alias arn: "+fnARN+"f:dead")
	up, err := c.UpdateAlias(ctx, &lambda.UpdateAliasInput{FunctionName: aws.String("f"), Name: aws.String("live"),
		FunctionVersion: aws.String("2"), RoutingConfig: &types.AliasRoutingConfiguration{}, RevisionId: a.RevisionId})
	if err != nil || aws.ToString(up.FunctionVersion) != "2" || up.RoutingConfig != nil {
		t.Errorf("UpdateAlias = %+v, %v", up, err)
	}
	_, err = c.UpdateAlias(ctx, &lambda.UpdateAliasInput{FunctionName: aws.String("f"), Name: aws.String("live"), RevisionId: a.RevisionId})
	var pf *types.PreconditionFailedException
	if !errors.As(err, &pf) {
		t.Errorf("stale alias revision = %v", err)
	}
	inv, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f:live")})
	if err != nil || aws.ToString(inv.ExecutedVersion) != "2" {
		t.Errorf("Invoke(f:live) = %v, %v", inv, err)
	}
	list, err := c.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: aws.String("f")})
	if err != nil || len(list.Aliases) != 1 {
		t.Errorf("ListAliases = %+v, %v", list, err)
	}
	_, err = c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("f"), Qualifier: aws.String("2")})
	wantAPIError(t, err, "ResourceConflictException", "Unable to delete version because the following aliases reference it: [live]")
	if _, err := c.DeleteAlias(ctx, &lambda.DeleteAliasInput{FunctionName: aws.String("f"), Name: aws.String("live")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("f"), Qualifier: aws.String("2")}); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrencyAndSettings(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	e.create(t, "f")
	g, err := c.GetFunctionConcurrency(ctx, &lambda.GetFunctionConcurrencyInput{FunctionName: aws.String("f")})
	if err != nil || g.ReservedConcurrentExecutions != nil {
		t.Errorf("GetFunctionConcurrency unset = %+v, %v", g, err)
	}
	p, err := c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("f"), ReservedConcurrentExecutions: aws.Int32(2)})
	if err != nil || aws.ToInt32(p.ReservedConcurrentExecutions) != 2 {
		t.Errorf("PutFunctionConcurrency = %+v, %v", p, err)
	}
	g, err = c.GetFunctionConcurrency(ctx, &lambda.GetFunctionConcurrencyInput{FunctionName: aws.String("f")})
	if err != nil || aws.ToInt32(g.ReservedConcurrentExecutions) != 2 {
		t.Errorf("GetFunctionConcurrency = %+v, %v", g, err)
	}
	fn, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("f")})
	if err != nil || fn.Concurrency == nil || aws.ToInt32(fn.Concurrency.ReservedConcurrentExecutions) != 2 {
		t.Errorf("GetFunction.Concurrency = %+v, %v", fn.Concurrency, err)
	}
	_, err = c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("f"), ReservedConcurrentExecutions: aws.Int32(901)})
	wantAPIError(t, err, "InvalidParameterValueException", "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].")
	s, err := c.GetAccountSettings(ctx, &lambda.GetAccountSettingsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(s.AccountLimit.UnreservedConcurrentExecutions) != 998 || s.AccountLimit.ConcurrentExecutions != 1000 ||
		s.AccountLimit.CodeSizeZipped != 52428800 || s.AccountLimit.CodeSizeUnzipped != 262144000 || s.AccountUsage.FunctionCount != 1 || s.AccountUsage.TotalCodeSize == 0 {
		t.Errorf("GetAccountSettings = %+v %+v", s.AccountLimit, s.AccountUsage)
	}
	if _, err := c.DeleteFunctionConcurrency(ctx, &lambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String("f")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("nope"), ReservedConcurrentExecutions: aws.Int32(1)})
	wantAPIError(t, err, "ResourceNotFoundException", "Function not found: "+fnARN+"nope")
}

func TestEventInvokeConfig(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	e.create(t, "f")
	_, err := c.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("f")})
	wantAPIError(t, err, "ResourceNotFoundException", "The function "+fnARN+"f:$LATEST doesn't have an EventInvokeConfig")
	put, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{
		FunctionName: aws.String("f"), MaximumRetryAttempts: aws.Int32(1),
		DestinationConfig: &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String("arn:aws:sqs:us-west-1:123456789012:dlq")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(put.FunctionArn) != fnARN+"f:$LATEST" || aws.ToInt32(put.MaximumRetryAttempts) != 1 || put.LastModified == nil ||
		aws.ToString(put.DestinationConfig.OnFailure.Destination) != "arn:aws:sqs:us-west-1:123456789012:dlq" {
		t.Errorf("Put = %+v", put)
	}
	if d := time.Since(*put.LastModified); d < 0 || d > time.Minute {
		t.Errorf("LastModified = %v", put.LastModified)
	}
	up, err := c.UpdateFunctionEventInvokeConfig(ctx, &lambda.UpdateFunctionEventInvokeConfigInput{FunctionName: aws.String("f"), MaximumEventAgeInSeconds: aws.Int32(120)})
	if err != nil || aws.ToInt32(up.MaximumRetryAttempts) != 1 || aws.ToInt32(up.MaximumEventAgeInSeconds) != 120 {
		t.Errorf("Update = %+v, %v", up, err)
	}
	get, err := c.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("f")})
	if err != nil || aws.ToInt32(get.MaximumEventAgeInSeconds) != 120 {
		t.Errorf("Get = %+v, %v", get, err)
	}
	cfg, err := e.svc.EventInvokeConfig(ctx, "f", "")
	if err != nil || cfg == nil || *cfg.MaximumEventAgeInSeconds != 120 {
		t.Errorf("resolver EventInvokeConfig = %+v, %v", cfg, err)
	}
	list, err := c.ListFunctionEventInvokeConfigs(ctx, &lambda.ListFunctionEventInvokeConfigsInput{FunctionName: aws.String("f")})
	if err != nil || len(list.FunctionEventInvokeConfigs) != 1 {
		t.Errorf("List = %+v, %v", list, err)
	}
	if _, err := c.DeleteFunctionEventInvokeConfig(ctx, &lambda.DeleteFunctionEventInvokeConfigInput{FunctionName: aws.String("f")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("f"), MaximumRetryAttempts: aws.Int32(5)})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '5' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2")
}

func TestWireErrors(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		method, path, body string
		status             int
		typ                string
	}{
		{"POST", "/2015-03-31/functions", "{not json", 400, "InvalidRequestContentException"},
		{"GET", "/2015-03-31/nothing-here", "", 404, "UnknownOperationException"},
		{"PATCH", "/2015-03-31/functions/f", "", 404, "UnknownOperationException"},
		{"GET", "/2015-03-31/functions/f/aliases/live/extra", "", 404, "UnknownOperationException"},
		{"GET", "/2015-03-31/functions?MaxItems=x", "", 400, "ValidationException"},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, e.url+tt.path, strings.NewReader(tt.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || resp.Header.Get("X-Amzn-ErrorType") != tt.typ {
			t.Errorf("%s %s = %d %s %s, want %d %s", tt.method, tt.path, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), body, tt.status, tt.typ)
		}
	}
}

// BenchmarkInvoke measures the wire adapter's cost per invoke, without
// the network and with an Invoker that answers at once.
func BenchmarkInvoke(b *testing.B) {
	e := newEnv(b)
	e.create(b, "f")
	out := &gofaas.InvokeOutput{StatusCode: 200, Payload: []byte(`{"message":"hi"}`), ExecutedVersion: "$LATEST"}
	e.invoker.invoke = func(ctx context.Context, in *gofaas.InvokeInput) (*gofaas.InvokeOutput, error) { return out, nil }
	mux := http.NewServeMux()
	e.handler.Routes(mux)
	payload := []byte(`{"value":"john","key2":"value2","key1":"value1"}`)
	body := bytes.NewReader(payload)
	req := httptest.NewRequest("POST", "/2015-03-31/functions/f/invocations", body)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		body.Reset(payload)
		clear(w.h)
		mux.ServeHTTP(w, req)
	}
}

type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}
