package stsapi_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofaas/gofaas"
)

// TestAWSCLI runs get-caller-identity and assume-role with the real aws
// CLIs found on the machine: v1 (first on PATH) and v2 at /usr/bin/aws.
func TestAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the aws CLI")
	}
	clis := map[string]string{}
	if p, err := exec.LookPath("aws"); err == nil {
		clis["PATH"] = p
	}
	if _, err := os.Stat("/usr/bin/aws"); err == nil {
		clis["v2"] = "/usr/bin/aws"
	}
	if len(clis) == 0 {
		t.Skip("no aws CLI")
	}
	for name, bin := range clis {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ctx := t.Context()
			if err := e.store.CreateUser(ctx, &gofaas.User{Name: "bob"}); err != nil {
				t.Fatal(err)
			}
			k, err := e.store.CreateAccessKey(ctx, "bob")
			if err != nil {
				t.Fatal(err)
			}
			e.role(t, "deploy", trustFor("arn:aws:iam::123456789012:user/bob"), 0)
			e.role(t, "lambda", lambdaTrust, 0)
			who, out, err := runCLI(t, bin, e.srv.URL, k.AccessKeyID, k.SecretAccessKey, "sts", "get-caller-identity")
			if err != nil || who["Arn"] != "arn:aws:iam::123456789012:user/bob" || who["Account"] != account {
				t.Fatalf("get-caller-identity: %v\n%s", err, out)
			}
			ar, out, err := runCLI(t, bin, e.srv.URL, k.AccessKeyID, k.SecretAccessKey, "sts", "assume-role",
				"--role-arn", "arn:aws:iam::123456789012:role/deploy", "--role-session-name", "cli")
			if err != nil {
				t.Fatalf("assume-role: %v\n%s", err, out)
			}
			if u := ar["AssumedRoleUser"].(map[string]any); u["Arn"] != "arn:aws:sts::123456789012:assumed-role/deploy/cli" {
				t.Fatalf("assume-role = %s", out)
			}
			_, out, err = runCLI(t, bin, e.srv.URL, k.AccessKeyID, k.SecretAccessKey, "sts", "assume-role",
				"--role-arn", "arn:aws:iam::123456789012:role/lambda", "--role-session-name", "cli")
			if err == nil || !strings.Contains(out, "An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:iam::123456789012:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/lambda") {
				t.Fatalf("assume-role untrusted: %v\n%s", err, out)
			}
		})
	}
}

func runCLI(t *testing.T, bin, endpoint, akid, secret string, args ...string) (map[string]any, string, error) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(bin, append([]string{"--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json"}, args...)...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+akid, "AWS_SECRET_ACCESS_KEY="+secret,
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "creds"), "AWS_PAGER=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, string(out), err
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return v, string(out), nil
}
