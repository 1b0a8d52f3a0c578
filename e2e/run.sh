#!/usr/bin/env bash
# run.sh: build gofaas, start it on a free loopback port with a fresh data
# directory, and drive it with the real aws CLI:
#
#   1. walkthrough.sh, iam.sh and observability.sh with aws CLI v1 (the
#      first aws on PATH, pyenv's; it has no `aws logs tail`, which
#      observability.sh skips);
#   2. walkthrough.sh, iam.sh and observability.sh with aws CLI v2 at
#      /usr/bin/aws, if installed (apt-get install -y awscli);
#   3. a restart: a function, a version and an alias, then kill -9 and a new
#      server on the same data directory, which must still have them.
#
#   e2e/run.sh        (from anywhere; exits non-zero if any check fails)
#
# Every wait is bounded; the server and the temporary directory are removed on exit.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=lib.sh
. "$here/lib.sh"

ACCOUNT="${E2E_ACCOUNT_ID:-123456789012}"
export E2E_ACCOUNT_ID="$ACCOUNT"
tmp="$(mktemp -d)"
server_pid=""
groups=() # process groups of every server started (setsid: pgid = pid)

# stop_server [SIGNAL]: stop the server (TERM by default), waiting at most 5 s
# before KILL. Only the server process gets the signal: with KILL this is a crash,
# and what the server leaves behind is for cleanup to find.
stop_server() {
	[ -n "$server_pid" ] || return 0
	kill -"${1:-TERM}" "$server_pid" 2>/dev/null || true
	local deadline=$((SECONDS + 5))
	while kill -0 "$server_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
		sleep 0.05
	done
	kill -KILL "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
	server_pid=""
}

cleanup() {
	local rc=$?
	stop_server
	for g in "${groups[@]}"; do
		kill -KILL -- "-$g" 2>/dev/null || true
	done
	if [ "$rc" -ne 0 ] && [ -s "$tmp/server.log" ]; then
		echo
		echo "== last lines of the server log"
		tail -n 40 "$tmp/server.log" | sed 's/^/  /'
	fi
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server: start gofaas on $port with the data directory $tmp/data and wait
# at most 10 s for it to answer.
start_server() {
	echo "run: starting gofaas serve --listen 127.0.0.1:$port --data $tmp/data --account-id $ACCOUNT --dev"
	setsid "$tmp/gofaas" serve --listen "127.0.0.1:$port" --data "$tmp/data" --account-id "$ACCOUNT" --dev \
		>>"$tmp/server.log" 2>&1 &
	server_pid=$!
	groups+=("$server_pid")
	local start=$SECONDS
	if ! wait_for_port 127.0.0.1 "$port" "$server_pid" 10; then
		echo "run: gofaas did not answer on 127.0.0.1:$port within 10 s" >&2
		exit 1
	fi
	echo "run: gofaas (pid $server_pid) answers on $E2E_ENDPOINT after $((SECONDS - start)) s"
}

echo "run: building ./cmd/gofaas"
(cd "$root" && timeout 600 go build -o "$tmp/gofaas" ./cmd/gofaas)

port="$(free_port)"
export E2E_ENDPOINT="http://127.0.0.1:$port"
export AWS_ENDPOINT_URL="$E2E_ENDPOINT"
setup_aws_env
start_server

# The CLIs to drive: the first aws on PATH, and /usr/bin/aws if it is another one.
clis=()
if first="$(command -v aws)"; then
	clis+=("$first")
fi
if [ -x /usr/bin/aws ] && { [ ${#clis[@]} -eq 0 ] || [ "$(readlink -f "${clis[0]}")" != "$(readlink -f /usr/bin/aws)" ]; }; then
	clis+=(/usr/bin/aws)
else
	echo "run: no aws CLI v2 at /usr/bin/aws (apt-get install -y awscli); skipping it"
fi
if [ ${#clis[@]} -eq 0 ]; then
	echo "run: no aws CLI found" >&2
	exit 1
fi

# The root key the server created in its data directory, as `gofaas
# credentials` prints it: iam.sh signs the blog's IAM steps with it.
creds="$("$tmp/gofaas" credentials --data "$tmp/data")"
E2E_ROOT_ACCESS_KEY_ID="$(sed -n 's/.* AWS_ACCESS_KEY_ID=\([^ ]*\).*/\1/p' <<<"$creds")"
E2E_ROOT_SECRET_ACCESS_KEY="$(sed -n 's/.* AWS_SECRET_ACCESS_KEY=\([^ ]*\).*/\1/p' <<<"$creds")"
export E2E_ROOT_ACCESS_KEY_ID E2E_ROOT_SECRET_ACCESS_KEY
check_match "root key from gofaas credentials" "$E2E_ROOT_ACCESS_KEY_ID" '^AKIA[A-Z0-9]{16}$'

for cli in "${clis[@]}"; do
	for script in walkthrough iam observability events; do
		echo
		echo "######## $script with $cli ($("$cli" --version 2>&1))"
		if AWS_CLI="$cli" timeout 900 "$here/$script.sh"; then
			pass "$script with $cli"
		else
			fail "$script with $cli"
		fi
	done
done

echo
echo "######## restart: kill -9 keeps functions, versions and aliases"
AWS_CLI="${clis[0]}"
mkdir -p "$tmp/work"
cd "$tmp/work"
ensure_role lambda-all
cp "$root/testdata/runtimes/shell/bootstrap" bootstrap
zip -q shell.zip bootstrap
run rcreate lambda create-function --function-name Survivor --zip-file fileb://./shell.zip \
	--runtime provided.al2023 --role "arn:aws:iam::$ACCOUNT:role/lambda-all" --handler handler.name
expect_ok "create-function Survivor" rcreate || true
run rpublish lambda publish-version --function-name Survivor
expect_ok "publish-version Survivor" rpublish || true
run ralias lambda create-alias --function-name Survivor --name live --function-version 1
expect_ok "create-alias Survivor live" ralias || true
run rconf lambda update-function-configuration --function-name Survivor --timeout 7
expect_ok "update-function-configuration Survivor --timeout 7" rconf || true

echo "run: kill -9 $server_pid (gofaas), then a new server on the same data directory"
stop_server KILL 2>/dev/null
start_server

run rget lambda get-function-configuration --function-name Survivor
if expect_ok "get-function-configuration Survivor after kill -9" rget; then
	check_eq "Timeout after restart" "$(jf rget.json Timeout)" 7
	check_eq "CodeSha256 after restart" "$(jf rget.json CodeSha256)" "$(sha256_b64 shell.zip)"
fi
run rversions lambda list-versions-by-function --function-name Survivor
expect_ok "list-versions-by-function after kill -9" rversions &&
	check_eq "versions after restart" "$(python3 -c 'import json,sys; print(" ".join(v["Version"] for v in json.load(open(sys.argv[1]))["Versions"]))' rversions.json 2>&1)" '$LATEST 1'
run rgetalias lambda get-alias --function-name Survivor --name live
expect_ok "get-alias live after kill -9" rgetalias &&
	check_eq "alias version after restart" "$(jf rgetalias.json FunctionVersion)" 1
binfmt=()
case "$("$AWS_CLI" --version 2>&1)" in aws-cli/1.*) ;; *) binfmt=(--cli-binary-format raw-in-base64-out) ;; esac
run rinvoke lambda invoke --function-name Survivor --qualifier live "${binfmt[@]}" --payload '{"after":"restart"}' rinvoke.out
if expect_ok "invoke Survivor:live after kill -9" rinvoke; then
	check_eq "rinvoke ExecutedVersion" "$(jf rinvoke.json ExecutedVersion)" 1
	check_eq "rinvoke answer" "$(jf rinvoke.out event.after)" restart
fi
run rdelete lambda delete-function --function-name Survivor
expect_ok "delete-function Survivor" rdelete || true
cd "$root"

summary "e2e"
