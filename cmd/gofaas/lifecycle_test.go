package main

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/gofaas/gofaas/internal/testfn"
)

// TestUpdatesRetireEnvironments: new code or configuration is what the next
// invocation runs, never a warm environment of the old one.
func TestUpdatesRetireEnvironments(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	ctx := testContext(t)
	createFunction(t, c, "upd", "provided.al2023", "bootstrap", testfn.Build(t, "behave", "bootstrap"), func(in *lambda.CreateFunctionInput) {
		in.Environment = &types.Environment{Variables: map[string]string{"STAGE": "one"}}
	})
	env := func() string {
		res := invokeFn(t, c, "upd", map[string]string{"op": "env"})
		return decode[struct {
			Env map[string]string `json:"env"`
		}](t, res.Payload).Env["STAGE"]
	}
	if got := env(); got != "one" {
		t.Fatalf("STAGE = %q, want one", got)
	}
	if _, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("upd"),
		Environment: &types.Environment{Variables: map[string]string{"STAGE": "two"}}}); err != nil {
		t.Fatal(err)
	}
	if got := env(); got != "two" {
		t.Errorf("after UpdateFunctionConfiguration STAGE = %q, want two", got)
	}
	// New code: the shell runtime answers differently.
	if _, err := c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("upd"), ZipFile: testfn.ShellRuntime(t)}); err != nil {
		t.Fatal(err)
	}
	res := invokeFn(t, c, "upd", map[string]string{"op": "env"})
	if !strings.Contains(string(res.Payload), `"shell":true`) {
		t.Errorf("after UpdateFunctionCode the old code answered: %s", res.Payload)
	}
}

// TestVersionsAndAliases invokes published versions directly and through
// aliases, including a weighted alias.
func TestVersionsAndAliases(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	ctx := testContext(t)
	createFunction(t, c, "ver", "provided.al2023", "bootstrap", testfn.Build(t, "behave", "bootstrap"), func(in *lambda.CreateFunctionInput) {
		in.Environment = &types.Environment{Variables: map[string]string{"VER": "1"}}
	})
	if _, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("ver")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("ver"),
		Environment: &types.Environment{Variables: map[string]string{"VER": "2"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("ver")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("ver"), Name: aws.String("live"), FunctionVersion: aws.String("1"),
		RoutingConfig: &types.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"2": 0.5}}}); err != nil {
		t.Fatal(err)
	}
	v := func(qualifier string) (string, string) {
		res := invokeFn(t, c, "ver", map[string]string{"op": "env"}, func(in *lambda.InvokeInput) { in.Qualifier = aws.String(qualifier) })
		got := decode[struct {
			Env map[string]string `json:"env"`
		}](t, res.Payload)
		if got.Env["AWS_LAMBDA_FUNCTION_VERSION"] != aws.ToString(res.ExecutedVersion) {
			t.Errorf("AWS_LAMBDA_FUNCTION_VERSION %q but ExecutedVersion %q", got.Env["AWS_LAMBDA_FUNCTION_VERSION"], aws.ToString(res.ExecutedVersion))
		}
		return got.Env["VER"], aws.ToString(res.ExecutedVersion)
	}
	if got, ver := v("1"); got != "1" || ver != "1" {
		t.Errorf("version 1: V=%s executed %s", got, ver)
	}
	if got, ver := v("2"); got != "2" || ver != "2" {
		t.Errorf("version 2: V=%s executed %s", got, ver)
	}
	seen := map[string]int{}
	for i := 0; i < 40; i++ {
		_, ver := v("live")
		seen[ver]++
	}
	if seen["1"] == 0 || seen["2"] == 0 || seen["1"]+seen["2"] != 40 {
		t.Errorf("weighted alias executed versions %v, want both 1 and 2", seen)
	}
	// A missing qualifier is not found.
	_, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("ver"), Qualifier: aws.String("9")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("invoke of version 9 = %v, want ResourceNotFoundException", err)
	}
}

func TestInvokeEdges(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	ctx := testContext(t)
	zip := testfn.Build(t, "behave", "bootstrap")
	createFunction(t, c, "edge", "provided.al2023", "bootstrap", zip)

	t.Run("DryRun", func(t *testing.T) {
		out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("edge"), InvocationType: types.InvocationTypeDryRun})
		if err != nil || out.StatusCode != 204 {
			t.Errorf("DryRun = %v, status %d, want 204", err, out.StatusCode)
		}
	})
	t.Run("request over 6 MB", func(t *testing.T) {
		big := `{"x":"` + strings.Repeat("a", 6<<20) + `"}`
		_, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("edge"), Payload: []byte(big)})
		var tl *types.RequestTooLargeException
		if !errors.As(err, &tl) {
			t.Errorf("err = %v, want RequestTooLargeException", err)
		}
	})
	t.Run("not JSON", func(t *testing.T) {
		_, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("edge"), Payload: []byte(`{not json`)})
		var ic *types.InvalidRequestContentException
		if !errors.As(err, &ic) {
			t.Errorf("err = %v, want InvalidRequestContentException", err)
		}
	})
	t.Run("unknown function", func(t *testing.T) {
		_, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("nope")})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) || !strings.Contains(aws.ToString(nf.Message), "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope") {
			t.Errorf("err = %v, want ResourceNotFoundException naming the ARN", err)
		}
	})
	t.Run("code download", func(t *testing.T) {
		out, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("edge")})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(aws.ToString(out.Code.Location))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		sum := sha256.Sum256(b)
		if resp.StatusCode != 200 || base64.StdEncoding.EncodeToString(sum[:]) != aws.ToString(out.Configuration.CodeSha256) {
			t.Errorf("Code.Location gave status %d and %d bytes that do not match CodeSha256", resp.StatusCode, len(b))
		}
		// A tampered URL is refused.
		resp, err = http.Get(strings.Replace(aws.ToString(out.Code.Location), "signature=", "signature=00", 1))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Error("a tampered code URL was served")
		}
	})
	t.Run("bad zip", func(t *testing.T) {
		_, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("slip"), Runtime: types.RuntimeProvidedal2023, Role: aws.String(testRole),
			Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: testfn.Zip(t, map[string]testfn.ZipFile{"../escape": {Content: []byte("x"), Mode: 0o755}})}})
		var ip *types.InvalidParameterValueException
		if !errors.As(err, &ip) {
			t.Errorf("zip with ../ = %v, want InvalidParameterValueException", err)
		}
	})
	t.Run("out of memory", func(t *testing.T) {
		if m.cgroups == nil {
			t.Skip("memory limits are off on this host")
		}
		res := invokeFn(t, c, "edge", map[string]any{"op": "alloc", "mb": 400})
		doc := decode[errorDoc](t, res.Payload)
		if doc.ErrorType != "Runtime.OutOfMemory" {
			t.Errorf("alloc 400 MB in 128 MB: payload %s, want Runtime.OutOfMemory", res.Payload)
		}
	})
}
