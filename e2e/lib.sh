# lib.sh: helpers shared by the e2e scripts. Source it; it defines functions only.
#
# Checks count into PASSED and FAILED and never stop the script, so one run reports
# every failure; summary prints the totals and returns non-zero if any check failed.

PASSED=0
FAILED=0

# pass MESSAGE and fail MESSAGE [DETAIL]: record one check.
pass() {
	PASSED=$((PASSED + 1))
	printf '  ok    %s\n' "$1"
}
fail() {
	FAILED=$((FAILED + 1))
	printf '  FAIL  %s\n' "$1"
	if [ -n "${2:-}" ]; then
		printf '%s\n' "$2" | head -n 20 | sed 's/^/        /'
	fi
}

# section TITLE: print a heading.
section() {
	printf '\n== %s\n' "$1"
}

# summary [LABEL]: print "N passed, N failed" and return 1 if anything failed.
summary() {
	printf '\n%s%d passed, %d failed\n' "${1:+$1: }" "$PASSED" "$FAILED"
	[ "$FAILED" -eq 0 ]
}

# check_eq WHAT GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1 = $3"
	else
		fail "$1 = '$2', want '$3'"
	fi
}

# check_match WHAT GOT ERE: GOT must match the extended regular expression ERE.
check_match() {
	if [[ $2 =~ $3 ]]; then
		pass "$1 matches $3"
	else
		fail "$1 = '$2', want a match of $3"
	fi
}

# check_contains WHAT FILE TEXT: FILE must contain TEXT.
check_contains() {
	if grep -qF -- "$3" "$2" 2>/dev/null; then
		pass "$1 contains $3"
	else
		fail "$1 does not contain $3" "$(head -c 2000 "$2" 2>/dev/null)"
	fi
}

# jf FILE PATH: print the JSON value at PATH (keys and list indexes joined by
# dots; "." is the whole document) in FILE: strings raw, anything else as JSON,
# "<missing>" if there is no such value and "<invalid JSON>" if FILE is not JSON.
jf() {
	python3 - "$1" "$2" <<'PY'
import json, sys
try:
    with open(sys.argv[1], "rb") as f:
        v = json.load(f)
except Exception:
    print("<invalid JSON>")
    sys.exit(0)
for k in [p for p in sys.argv[2].split(".") if p]:
    if isinstance(v, list) and k.lstrip("-").isdigit() and -len(v) <= int(k) < len(v):
        v = v[int(k)]
    elif isinstance(v, dict) and k in v:
        v = v[k]
    else:
        print("<missing>")
        sys.exit(0)
print(v if isinstance(v, str) else json.dumps(v, separators=(",", ":")))
PY
}

# sha256_b64 FILE: base64 of FILE's SHA-256, as Lambda's CodeSha256.
sha256_b64() {
	python3 -c 'import base64,hashlib,sys; print(base64.b64encode(hashlib.sha256(open(sys.argv[1],"rb").read()).digest()).decode())' "$1"
}

# free_port: print a free TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# is_loopback_url URL: succeed if URL is http(s) to 127.0.0.0/8, [::1] or localhost.
is_loopback_url() {
	[[ $1 =~ ^https?://(127\.[0-9]+\.[0-9]+\.[0-9]+|\[::1\]|localhost)(:[0-9]+)?(/|$) ]]
}

# wait_for_port HOST PORT PID SECONDS: poll until HOST:PORT answers HTTP, at most
# SECONDS; fail early if process PID has exited.
wait_for_port() {
	local deadline=$((SECONDS + $4))
	while [ "$SECONDS" -lt "$deadline" ]; do
		if ! kill -0 "$3" 2>/dev/null; then
			return 1
		fi
		if curl -s -o /dev/null --max-time 1 "http://$1:$2/"; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# setup_aws_env: export the credentials and region (defaults test, test,
# us-west-1, which gofaas --dev accepts) and keep the user's files, pagers and
# retries out of the run.
setup_aws_env() {
	export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
	export AWS_REGION="${AWS_REGION:-us-west-1}"
	export AWS_DEFAULT_REGION="$AWS_REGION"
	unset AWS_PROFILE AWS_SESSION_TOKEN
	export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
	export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=standard
}

# The aws CLI helpers below use AWS_CLI (the command) and E2E_ENDPOINT, and write
# into the working directory.

# awsc ARGS...: the CLI with the endpoint (the Debian v2 predates
# AWS_ENDPOINT_URL), bounded in time.
awsc() {
	timeout 60 "$AWS_CLI" --endpoint-url "$E2E_ENDPOINT" --output json \
		--cli-connect-timeout 5 --cli-read-timeout 50 "$@"
}

# run NAME ARGS...: run awsc ARGS, stdout to NAME.json, stderr to NAME.err, exit
# status to RC; never fails.
run() {
	local name="$1"
	shift
	set +e
	awsc "$@" >"$name.json" 2>"$name.err"
	RC=$?
	set -e
}

# LAMBDA_TRUST is the trust policy that lets Lambda assume a role, as the blog
# writes it.
LAMBDA_TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'

# ensure_role NAME: create the execution role NAME trusting Lambda (aws iam
# create-role, as the blog does) with the current credentials. A role that
# already exists (EntityAlreadyExists: a second CLI against the same server)
# will do; any other failure is a failed check.
ensure_role() {
	run "role-$1" iam create-role --role-name "$1" --assume-role-policy-document "$LAMBDA_TRUST"
	if [ "$RC" -eq 0 ]; then
		pass "iam create-role $1"
	elif grep -q EntityAlreadyExists "role-$1.err"; then
		pass "iam create-role $1 (EntityAlreadyExists: created by an earlier run)"
	else
		fail "iam create-role $1 exited $RC" "$(cat "role-$1.err" "role-$1.json")"
	fi
}

# expect_ok WHAT NAME: the last run succeeded.
expect_ok() {
	if [ "$RC" -eq 0 ]; then
		pass "$1 succeeds"
		return 0
	fi
	fail "$1 exited $RC" "$(cat "$2.err" "$2.json")"
	return 1
}

# expect_error WHAT NAME CODE: the last run failed as the CLI fails on a service
# error (254 in v2, 255 in v1) and named CODE (an extended regular expression) on
# stderr.
expect_error() {
	if [ "$RC" -eq 254 ] || [ "$RC" -eq 255 ]; then
		pass "$1 exits $RC"
	else
		fail "$1 exited $RC, want 254 or 255" "$(cat "$2.err" "$2.json")"
	fi
	if grep -qE -- "$3" "$2.err"; then
		pass "$1 names $3"
	else
		fail "$1 does not name $3" "$(cat "$2.err")"
	fi
}
