package iamapi_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAWSCLI drives the handler with the real aws CLIs found on the
// machine: v1 (first on PATH) and v2 at /usr/bin/aws. It skips a CLI that
// is not installed.
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
			dir := t.TempDir()
			run := func(args ...string) map[string]any {
				t.Helper()
				cmd := exec.Command(bin, append([]string{"--endpoint-url", e.srv.URL, "--region", "us-east-1", "--output", "json"}, args...)...)
				cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=root", "AWS_SECRET_ACCESS_KEY=secret",
					"AWS_CONFIG_FILE="+filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "creds"),
					"AWS_PAGER=")
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
				}
				var v map[string]any
				if len(strings.TrimSpace(string(out))) > 0 {
					if err := json.Unmarshal(out, &v); err != nil {
						t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
					}
				}
				return v
			}
			p := run("iam", "create-policy", "--policy-name", "deploy", "--policy-document", blogPolicy)
			arn := p["Policy"].(map[string]any)["Arn"].(string)
			r := run("iam", "create-role", "--role-name", "lambda-ex", "--assume-role-policy-document", lambdaTrust)
			// The CLI decodes the URL-encoded trust policy into JSON.
			if doc, ok := r["Role"].(map[string]any)["AssumeRolePolicyDocument"].(map[string]any); !ok || doc["Version"] != "2012-10-17" {
				t.Fatalf("create-role = %v", r)
			}
			run("iam", "create-group", "--group-name", "deployers")
			run("iam", "attach-group-policy", "--group-name", "deployers", "--policy-arn", arn)
			run("iam", "create-user", "--user-name", "bob")
			run("iam", "add-user-to-group", "--group-name", "deployers", "--user-name", "bob")
			k := run("iam", "create-access-key", "--user-name", "bob")
			if id := k["AccessKey"].(map[string]any)["AccessKeyId"].(string); !strings.HasPrefix(id, "AKIA") {
				t.Fatalf("create-access-key = %v", k)
			}
			v := run("iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v1")
			if doc, ok := v["PolicyVersion"].(map[string]any)["Document"].(map[string]any); !ok || doc["Version"] != "2012-10-17" {
				t.Fatalf("get-policy-version = %v", v)
			}
			l := run("iam", "list-users")
			if users := l["Users"].([]any); len(users) != 1 {
				t.Fatalf("list-users = %v", l)
			}
			g := run("iam", "get-group", "--group-name", "deployers")
			if users := g["Users"].([]any); len(users) != 1 {
				t.Fatalf("get-group = %v", g)
			}
			// An error decodes with its code and message.
			cmd := exec.Command(bin, "--endpoint-url", e.srv.URL, "--region", "us-east-1", "iam", "get-user", "--user-name", "nobody")
			cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=root", "AWS_SECRET_ACCESS_KEY=secret",
				"AWS_CONFIG_FILE="+filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "creds"))
			out, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(out), "An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name nobody cannot be found.") {
				t.Fatalf("get-user nobody: %v\n%s", err, out)
			}
		})
	}
}
