package functions

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/gofaas/gofaas"
)

// validation collects violations of the API model's constraints, which
// Lambda reports together in one ValidationException:
// "2 validation errors detected: Value 'x' at 'role' failed to satisfy
// constraint: ...; Value ..."
type validation struct {
	msgs []string
}

func (v *validation) add(msg string) { v.msgs = append(v.msgs, msg) }

func (v *validation) null(field string) {
	v.add("Value null at '" + field + "' failed to satisfy constraint: Member must not be null")
}

func (v *validation) pattern(field, value, pattern string) {
	v.add("Value '" + value + "' at '" + field + "' failed to satisfy constraint: Member must satisfy regular expression pattern: " + pattern)
}

func (v *validation) maxLen(field, value string, max int) {
	v.add("Value '" + value + "' at '" + field + "' failed to satisfy constraint: Member must have length less than or equal to " + strconv.Itoa(max))
}

func (v *validation) minLen(field, value string, min int) {
	v.add("Value '" + value + "' at '" + field + "' failed to satisfy constraint: Member must have length greater than or equal to " + strconv.Itoa(min))
}

func (v *validation) min(field string, value, min int) {
	v.add("Value '" + strconv.Itoa(value) + "' at '" + field + "' failed to satisfy constraint: Member must have value greater than or equal to " + strconv.Itoa(min))
}

func (v *validation) max(field string, value, max int) {
	v.add("Value '" + strconv.Itoa(value) + "' at '" + field + "' failed to satisfy constraint: Member must have value less than or equal to " + strconv.Itoa(max))
}

func (v *validation) enum(field, value string, set []string) {
	v.add("Value '" + value + "' at '" + field + "' failed to satisfy constraint: Member must satisfy enum value set: [" + strings.Join(set, ", ") + "]")
}

func (v *validation) err() error {
	if len(v.msgs) == 0 {
		return nil
	}
	return validationError(len(v.msgs), strings.Join(v.msgs, "; "))
}

func validationError(n int, detail string) error {
	noun := "error"
	if n > 1 {
		noun = "errors"
	}
	return gofaas.TypedErrorf(gofaas.EINVALID, "ValidationException", "%d validation %s detected: %s", n, noun, detail)
}

// runtimes is the Runtime enum of the Lambda model, in the model's order.
var runtimes = []string{"nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "java8", "java8.al2", "java11", "python2.7", "python3.6", "python3.7", "python3.8", "python3.9", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet8", "nodejs4.3-edge", "go1.x", "ruby2.5", "ruby2.7", "provided", "provided.al2", "nodejs18.x", "python3.10", "java17", "ruby3.2", "ruby3.3", "ruby3.4", "python3.11", "nodejs20.x", "provided.al2023", "python3.12", "java21", "python3.13", "nodejs22.x", "nodejs24.x", "python3.14", "java25", "dotnet10", "ruby4.0"}

var architectures = []string{"x86_64", "arm64"}

func contains(set []string, s string) bool {
	for _, x := range set {
		if x == s {
			return true
		}
	}
	return false
}

func isRole(s string) bool {
	// arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+
	if !strings.HasPrefix(s, "arn:") {
		return false
	}
	s = s[4:]
	i := strings.IndexByte(s, ':')
	if i < 0 || !isPartition(s[:i]) {
		return false
	}
	s = s[i+1:]
	if !strings.HasPrefix(s, "iam::") {
		return false
	}
	s = s[5:]
	if len(s) < 13 || !isAccount(s[:12]) || s[12] != ':' {
		return false
	}
	s = s[13:]
	if !strings.HasPrefix(s, "role") {
		return false
	}
	s = s[4:] // "/" is in the character class, so "role/x" and "role/" both match
	if s == "" {
		return false
	}
	for j := 0; j < len(s); j++ {
		c := s[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("+=,.@-_/", c) >= 0) {
			return false
		}
	}
	return true
}

func hasSpace(s string) bool {
	return strings.ContainsAny(s, " \t\n\r\f\v")
}

// reservedEnvKeys are the variables Lambda sets itself and refuses in a
// function's configuration.
var reservedEnvKeys = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_DEFAULT_REGION": true, "AWS_REGION": true,
	"AWS_EXECUTION_ENV": true, "AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
	"AWS_LAMBDA_FUNCTION_VERSION": true, "AWS_LAMBDA_INITIALIZATION_TYPE": true, "AWS_LAMBDA_LOG_GROUP_NAME": true,
	"AWS_LAMBDA_LOG_STREAM_NAME": true, "AWS_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true,
	"AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true, "AWS_LAMBDA_RUNTIME_API": true,
	"LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true,
}

// maxEnvSize is Lambda's limit on a function's variables, measured as
// their compact JSON encoding.
const maxEnvSize = 4096

// checkEnvKeys adds a model violation for variable names that do not match
// [a-zA-Z]([a-zA-Z0-9_])+.
func checkEnvKeys(v *validation, env map[string]string) {
	for k := range env {
		if !isEnvKey(k) {
			v.add("Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]")
			return
		}
	}
}

func isEnvKey(k string) bool {
	if len(k) < 2 || !(k[0] >= 'a' && k[0] <= 'z' || k[0] >= 'A' && k[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// checkEnv applies Lambda's semantic rules to a function's variables:
// no reserved keys, at most 4 KB.
func checkEnv(env map[string]string) error {
	var reserved []string
	for k := range env {
		if reservedEnvKeys[k] {
			reserved = append(reserved, k)
		}
	}
	if len(reserved) > 0 {
		sort.Strings(reserved)
		return gofaas.Errorf(gofaas.EINVALID, "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: %s", strings.Join(reserved, ", "))
	}
	if len(env) == 0 {
		return nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(env); err != nil {
		return err
	}
	s := strings.TrimSuffix(b.String(), "\n")
	if len(s) > maxEnvSize {
		return gofaas.Errorf(gofaas.EINVALID, "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: %s", s)
	}
	return nil
}

// formatWeight formats an alias weight as Lambda (Java) prints a double.
func formatWeight(w float64) string {
	s := strconv.FormatFloat(w, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}
