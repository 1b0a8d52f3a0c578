#!/usr/bin/env bash
# walkthrough.sh: the issue's walkthrough with a real aws CLI against a running
# gofaas: the blog's execution role (aws iam create-role), the 2018 go1.x blog
# function, the same source as provided.al2023, the shell-script runtime,
# versions, aliases, configuration updates and the errors a user meets.
#
#   E2E_ENDPOINT=http://127.0.0.1:4566 AWS_CLI=/usr/bin/aws e2e/walkthrough.sh
#
# Environment: E2E_ENDPOINT (required, loopback only), AWS_CLI (default: aws),
# E2E_ACCOUNT_ID (default 123456789012), and the usual AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY and AWS_REGION (defaults: test, test, us-west-1).
# e2e/run.sh starts a server and runs this once per installed CLI.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=lib.sh
. "$here/lib.sh"

: "${E2E_ENDPOINT:?set E2E_ENDPOINT to the gofaas endpoint, e.g. http://127.0.0.1:4566}"
AWS_CLI="${AWS_CLI:-aws}"
ACCOUNT="${E2E_ACCOUNT_ID:-123456789012}"
setup_aws_env

if ! is_loopback_url "$E2E_ENDPOINT"; then
	echo "walkthrough: refusing non-loopback endpoint $E2E_ENDPOINT" >&2
	exit 2
fi

version="$("$AWS_CLI" --version 2>&1)"
echo "walkthrough: $version against $E2E_ENDPOINT"
# v2 reads blob arguments as base64 unless told otherwise; v1 has no such option.
binfmt=()
case "$version" in
aws-cli/1.*) ;;
*) binfmt=(--cli-binary-format raw-in-base64-out) ;;
esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

role="arn:aws:iam::$ACCOUNT:role/lambda-all"
arn_prefix="arn:aws:lambda:$AWS_REGION:$ACCOUNT:function"

# build_fn NAME OUT: build testdata/functions/NAME as ./OUT, as a user would.
build_fn() {
	(cd "$root/testdata/functions/$1" &&
		CGO_ENABLED=0 GOFLAGS=-mod=mod GOWORK=off timeout 300 go build -trimpath -o "$work/$2" .)
}

# check_config WHAT FILE NAME RUNTIME HANDLER ZIP: the FunctionConfiguration
# fields CreateFunction prints, as AWS prints them.
check_config() {
	local what="$1" f="$2" name="$3" runtime="$4" handler="$5" zip="$6"
	check_eq "$what FunctionName" "$(jf "$f" FunctionName)" "$name"
	check_eq "$what FunctionArn" "$(jf "$f" FunctionArn)" "$arn_prefix:$name"
	check_eq "$what Runtime" "$(jf "$f" Runtime)" "$runtime"
	check_eq "$what Role" "$(jf "$f" Role)" "$role"
	check_eq "$what Handler" "$(jf "$f" Handler)" "$handler"
	check_eq "$what CodeSize" "$(jf "$f" CodeSize)" "$(stat -c %s "$zip")"
	check_eq "$what CodeSha256" "$(jf "$f" CodeSha256)" "$(sha256_b64 "$zip")"
	check_eq "$what Description" "$(jf "$f" Description)" ""
	check_eq "$what Timeout" "$(jf "$f" Timeout)" 3
	check_eq "$what MemorySize" "$(jf "$f" MemorySize)" 128
	check_match "$what LastModified" "$(jf "$f" LastModified)" \
		'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\+0000$'
	check_eq "$what Version" "$(jf "$f" Version)" '$LATEST'
	check_eq "$what State" "$(jf "$f" State)" Active
	check_eq "$what LastUpdateStatus" "$(jf "$f" LastUpdateStatus)" Successful
	check_eq "$what PackageType" "$(jf "$f" PackageType)" Zip
	check_eq "$what Architectures" "$(jf "$f" Architectures)" '["x86_64"]'
}

# check_hello WHAT NAME VERSION: an invoke of the hello function printed
# StatusCode 200 and ExecutedVersion VERSION and wrote the greeting, created now.
check_hello() {
	local what="$1" name="$2" version="$3"
	check_eq "$what StatusCode" "$(jf "$name.json" StatusCode)" 200
	check_eq "$what ExecutedVersion" "$(jf "$name.json" ExecutedVersion)" "$version"
	check_eq "$what FunctionError" "$(jf "$name.json" FunctionError)" "<missing>"
	check_eq "$what message" "$(jf "$name.out" message)" "hi john"
	local created
	created="$(jf "$name.out" created)"
	if python3 - "$created" <<'PY'; then
import datetime, sys
t = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
sys.exit(0 if abs((datetime.datetime.now(datetime.timezone.utc) - t).total_seconds()) < 120 else 1)
PY
		pass "$what created $created is RFC 3339 UTC, within 2 minutes of now"
	else
		fail "$what created = '$created', want RFC 3339 UTC within 2 minutes of now" "$(cat "$name.out")"
	fi
}

payload='{"value":"john","key2":"value2","key1":"value1"}'

# Functions a failed earlier run may have left behind.
for fn in ExampleFunction HelloProvided ShellFunction; do
	awsc lambda delete-function --function-name "$fn" >/dev/null 2>&1 || true
done

section "the execution role (aws iam create-role, as the blog does)"
ensure_role lambda-all

section "the 2018 blog function on go1.x (aws-lambda-go v1.2.0, net/rpc)"
if build_fn hello2018 examplebinary && zip -q deployment.zip examplebinary; then
	pass "go build -o examplebinary && zip deployment.zip examplebinary"
else
	fail "build of testdata/functions/hello2018"
fi
run create lambda create-function --region us-west-1 --function-name ExampleFunction \
	--zip-file fileb://./deployment.zip --runtime go1.x --role "$role" --handler examplebinary
if expect_ok "create-function ExampleFunction" create; then
	check_config create create.json ExampleFunction go1.x examplebinary deployment.zip
fi
run invoke lambda invoke --function-name ExampleFunction "${binfmt[@]}" --payload "$payload" invoke.out
expect_ok "invoke ExampleFunction" invoke && check_hello invoke invoke '$LATEST'
run invoke2 lambda invoke --function-name ExampleFunction "${binfmt[@]}" --payload "$payload" invoke2.out
expect_ok "invoke ExampleFunction again (warm)" invoke2 && check_hello invoke2 invoke2 '$LATEST'

section "the same source on provided.al2023 (aws-lambda-go v1.55.1, Runtime API)"
if build_fn hello bootstrap && zip -q provided.zip bootstrap; then
	pass "go build -o bootstrap && zip provided.zip bootstrap"
else
	fail "build of testdata/functions/hello"
fi
run create2 lambda create-function --function-name HelloProvided \
	--zip-file fileb://./provided.zip --runtime provided.al2023 --role "$role" --handler bootstrap
if expect_ok "create-function HelloProvided" create2; then
	check_config create2 create2.json HelloProvided provided.al2023 bootstrap provided.zip
fi
run pinvoke lambda invoke --function-name HelloProvided "${binfmt[@]}" --payload "$payload" pinvoke.out
expect_ok "invoke HelloProvided" pinvoke && check_hello pinvoke pinvoke '$LATEST'

section "the shell-script runtime (sh and curl)"
cp "$root/testdata/runtimes/shell/bootstrap" ./bootstrap
zip -q shell.zip bootstrap
run screate lambda create-function --function-name ShellFunction \
	--zip-file fileb://./shell.zip --runtime provided.al2023 --role "$role" --handler handler.name
expect_ok "create-function ShellFunction" screate || true
run sinvoke lambda invoke --function-name ShellFunction "${binfmt[@]}" --payload '{"a":[1,2]}' sinvoke.out
if expect_ok "invoke ShellFunction" sinvoke; then
	check_eq "sinvoke StatusCode" "$(jf sinvoke.json StatusCode)" 200
	check_eq "sinvoke answer" "$(jf sinvoke.out .)" '{"shell":true,"handler":"handler.name","event":{"a":[1,2]}}'
fi
run sconf lambda update-function-configuration --function-name ShellFunction --handler error
expect_ok "update-function-configuration ShellFunction --handler error" sconf || true
run serr lambda invoke --function-name ShellFunction "${binfmt[@]}" --payload '{}' serr.out
if expect_ok "invoke ShellFunction with a failing handler" serr; then
	check_eq "serr StatusCode" "$(jf serr.json StatusCode)" 200
	check_eq "serr FunctionError" "$(jf serr.json FunctionError)" Unhandled
	check_eq "serr errorType" "$(jf serr.out errorType)" ShellError
	check_eq "serr errorMessage" "$(jf serr.out errorMessage)" "shell runtime: error on purpose"
fi

section "logs of an invocation (LogType Tail)"
run tail lambda invoke --function-name ExampleFunction "${binfmt[@]}" --payload "$payload" --log-type Tail tail.out
if expect_ok "invoke --log-type Tail" tail; then
	jf tail.json LogResult | base64 -d >tail.log 2>/dev/null || true
	check_contains "LogResult" tail.log "START RequestId: "
	check_contains "LogResult" tail.log "END RequestId: "
	check_contains "LogResult" tail.log "REPORT RequestId: "
fi

section "get-function and its code"
run get lambda get-function --function-name ExampleFunction
if expect_ok "get-function ExampleFunction" get; then
	check_eq "get Configuration.FunctionName" "$(jf get.json Configuration.FunctionName)" ExampleFunction
	check_eq "get Code.RepositoryType" "$(jf get.json Code.RepositoryType)" S3
	location="$(jf get.json Code.Location)"
	if is_loopback_url "$location"; then
		pass "Code.Location is a URL on gofaas"
		if curl -sS -f --max-time 10 -o code.zip "$location" && cmp -s code.zip deployment.zip; then
			pass "Code.Location serves the uploaded zip"
		else
			fail "Code.Location $location does not serve the uploaded zip"
		fi
	else
		fail "Code.Location = '$location', want a loopback URL"
	fi
fi

section "errors a user meets"
run missing lambda get-function --function-name NoSuchFunction
expect_error "get-function NoSuchFunction" missing ResourceNotFoundException
run imissing lambda invoke --function-name NoSuchFunction "${binfmt[@]}" --payload '{}' imissing.out
expect_error "invoke NoSuchFunction" imissing ResourceNotFoundException
run dup lambda create-function --function-name ExampleFunction \
	--zip-file fileb://./deployment.zip --runtime go1.x --role "$role" --handler examplebinary
expect_error "create-function ExampleFunction again" dup ResourceConflictException
run badtimeout lambda update-function-configuration --function-name ExampleFunction --timeout 901
# AWS names the out-of-range value in a validation error of either type.
expect_error "update-function-configuration --timeout 901" badtimeout 'InvalidParameterValueException|ValidationException'

section "versions and aliases"
run publish lambda publish-version --function-name ExampleFunction
if expect_ok "publish-version" publish; then
	check_eq "publish Version" "$(jf publish.json Version)" 1
	check_eq "publish FunctionArn" "$(jf publish.json FunctionArn)" "$arn_prefix:ExampleFunction:1"
	check_eq "publish CodeSha256" "$(jf publish.json CodeSha256)" "$(sha256_b64 deployment.zip)"
fi
run alias lambda create-alias --function-name ExampleFunction --name live --function-version 1
if expect_ok "create-alias live" alias; then
	check_eq "alias AliasArn" "$(jf alias.json AliasArn)" "$arn_prefix:ExampleFunction:live"
	check_eq "alias FunctionVersion" "$(jf alias.json FunctionVersion)" 1
fi
run ainvoke lambda invoke --function-name ExampleFunction --qualifier live "${binfmt[@]}" --payload "$payload" ainvoke.out
expect_ok "invoke --qualifier live" ainvoke && check_hello ainvoke ainvoke 1
run vinvoke lambda invoke --function-name ExampleFunction --qualifier 1 "${binfmt[@]}" --payload "$payload" vinvoke.out
expect_ok "invoke --qualifier 1" vinvoke && check_hello vinvoke vinvoke 1
run versions lambda list-versions-by-function --function-name ExampleFunction
if expect_ok "list-versions-by-function" versions; then
	check_eq "versions" "$(python3 -c 'import json,sys; print(" ".join(v["Version"] for v in json.load(open(sys.argv[1]))["Versions"]))' versions.json 2>&1)" '$LATEST 1'
fi
run aliases lambda list-aliases --function-name ExampleFunction
expect_ok "list-aliases" aliases && check_eq "aliases.0.Name" "$(jf aliases.json Aliases.0.Name)" live

section "configuration updates"
run upd lambda update-function-configuration --function-name ExampleFunction --timeout 10
if expect_ok "update-function-configuration --timeout 10" upd; then
	check_eq "upd Timeout" "$(jf upd.json Timeout)" 10
	check_eq "upd Version" "$(jf upd.json Version)" '$LATEST'
fi
run conf lambda get-function-configuration --function-name ExampleFunction
expect_ok "get-function-configuration" conf && check_eq "conf Timeout" "$(jf conf.json Timeout)" 10
run vconf lambda get-function-configuration --function-name ExampleFunction --qualifier 1
expect_ok "get-function-configuration --qualifier 1" vconf && check_eq "version 1 Timeout" "$(jf vconf.json Timeout)" 3
run uinvoke lambda invoke --function-name ExampleFunction "${binfmt[@]}" --payload "$payload" uinvoke.out
expect_ok "invoke after the update" uinvoke && check_hello uinvoke uinvoke '$LATEST'

section "list-functions"
run list lambda list-functions
if expect_ok "list-functions" list; then
	names="$(python3 -c 'import json,sys; print(" ".join(sorted(f["FunctionName"] for f in json.load(open(sys.argv[1]))["Functions"])))' list.json 2>&1)"
	for fn in ExampleFunction HelloProvided ShellFunction; do
		if [[ " $names " == *" $fn "* ]]; then pass "list-functions names $fn"; else fail "list-functions lacks $fn: $names"; fi
	done
fi
run page lambda list-functions --max-items 1
expect_ok "list-functions --max-items 1" page && check_eq "page length" "$(jf page.json Functions | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 1

section "delete-function"
for fn in ExampleFunction HelloProvided ShellFunction; do
	run del lambda delete-function --function-name "$fn"
	expect_ok "delete-function $fn" del || true
done
run gone lambda get-function --function-name ExampleFunction
expect_error "get-function after delete-function" gone ResourceNotFoundException
run agone lambda get-alias --function-name ExampleFunction --name live
expect_error "get-alias after delete-function" agone ResourceNotFoundException

summary "walkthrough ($version)"
