#!/usr/bin/env bash
# compare.sh: gofaas against AWS's runtime interface emulator (RIE), serving the
# same hello function (testdata/functions/hello as bootstrap), side by side in one
# run, on loopback only.
#
#   bench/compare.sh
#
# It builds gofaas, the load tool (bench/invoke) and the function; installs the
# emulator with go install (skipped, with a note, if that fails); starts gofaas,
# the emulator in its classic mode and in its concurrent mode
# (AWS_LAMBDA_MAX_CONCURRENCY=64; its classic mode serves one request at a time);
# then runs, interleaved, BENCH_ROUNDS rounds of BENCH_SECONDS each at
# concurrency 1 and 16 and prints the medians; then cold starts: BENCH_COLD new
# functions on gofaas (first invoke, process start included) and BENCH_COLD
# emulator launches (process start to first answer). Every process it starts is
# stopped on exit.
#
# Environment: BENCH_SECONDS (5), BENCH_ROUNDS (3), BENCH_COLD (20),
# BENCH_WARMUP (1s, before each measured run).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
seconds="${BENCH_SECONDS:-5}"
rounds="${BENCH_ROUNDS:-3}"
cold="${BENCH_COLD:-20}"
warmup="${BENCH_WARMUP:-1s}"
rie_module="github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"
rie_version="v0.0.0-20261030222936-bef5c4ba774d"

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-west-1

tmp="$(mktemp -d)"
groups=() # process groups we started (each with setsid, so pgid = pid)

cleanup() {
	local rc=$?
	for g in "${groups[@]}"; do
		kill -TERM "$g" 2>/dev/null || true
	done
	local deadline=$((SECONDS + 5))
	for g in "${groups[@]}"; do
		while kill -0 "$g" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
			sleep 0.05
		done
		kill -KILL -- "-$g" 2>/dev/null || true
		wait "$g" 2>/dev/null || true
	done
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start NAME PORT CMD...: start CMD in its own process group, logging to
# $tmp/NAME.log, and wait at most 10 s for 127.0.0.1:PORT to answer HTTP; on
# failure show the log, stop it and return 1. Sets STARTED_PID.
start() {
	local name="$1" port="$2"
	shift 2
	setsid "$@" >"$tmp/$name.log" 2>&1 &
	STARTED_PID=$!
	groups+=("$STARTED_PID")
	local deadline=$((SECONDS + 10))
	while [ "$SECONDS" -lt "$deadline" ]; do
		if ! kill -0 "$STARTED_PID" 2>/dev/null; then
			break
		fi
		if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
			return 0
		fi
		sleep 0.05
	done
	echo "compare: $name did not answer on 127.0.0.1:$port within 10 s; its log:" >&2
	tail -n 20 "$tmp/$name.log" | sed 's/^/  /' >&2
	kill -KILL -- "-$STARTED_PID" 2>/dev/null || true
	return 1
}

# rss PID: the resident set size of PID in MB.
rss() {
	awk '/^VmRSS:/ { printf "%.1f MB", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "unknown"
}

echo "compare: building gofaas, bench/invoke and the hello function"
(cd "$root" && timeout 600 go build -o "$tmp/gofaas" ./cmd/gofaas)
(cd "$root" && timeout 600 go build -o "$tmp/invoke" ./bench/invoke)
mkdir -p "$tmp/fn"
(cd "$root/testdata/functions/hello" &&
	CGO_ENABLED=0 GOFLAGS=-mod=mod GOWORK=off timeout 600 go build -trimpath -o "$tmp/fn/bootstrap" .)
(cd "$tmp/fn" && zip -q "$tmp/hello.zip" bootstrap)

echo "compare: installing the runtime interface emulator ($rie_module@$rie_version)"
rie=""
if GOBIN="$tmp/bin" GOFLAGS=-mod=mod GOWORK=off timeout 600 go install "$rie_module@$rie_version" >"$tmp/rie-install.log" 2>&1; then
	rie="$tmp/bin/aws-lambda-rie"
else
	echo "compare: go install of the emulator failed (is the module proxy refusing it?); skipping the emulator:"
	tail -n 5 "$tmp/rie-install.log" | sed 's/^/  /'
fi

gport="$(free_port)"
start gofaas "$gport" "$tmp/gofaas" serve --listen "127.0.0.1:$gport" --data "$tmp/data" \
	--account-id 123456789012 --dev || exit 1
gofaas_pid="$STARTED_PID"
gofaas="http://127.0.0.1:$gport"
echo "compare: gofaas on $gofaas, idle RSS $(rss "$gofaas_pid")"
# The execution role the functions use must exist and trust Lambda.
timeout 60 aws --endpoint-url "$gofaas" --region "$AWS_REGION" iam create-role --role-name lambda-all --assume-role-policy-document \
	'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}' >/dev/null
timeout 60 "$tmp/invoke" --endpoint "$gofaas" --deploy "$tmp/hello.zip" --function hello

# The runs: label, then the load tool's target flags.
labels=("gofaas c=1" "gofaas c=16")
declare -A flags=(
	["gofaas c=1"]="--endpoint $gofaas --function hello --concurrency 1"
	["gofaas c=16"]="--endpoint $gofaas --function hello --concurrency 16"
)
if [ -n "$rie" ]; then
	cport="$(free_port)"
	if start rie-classic "$cport" env -u AWS_LAMBDA_MAX_CONCURRENCY "$rie" \
		--runtime-interface-emulator-address "127.0.0.1:$cport" \
		--runtime-api-address "127.0.0.1:$(free_port)" "$tmp/fn/bootstrap"; then
		echo "compare: emulator, classic mode, on 127.0.0.1:$cport"
		labels+=("rie-classic c=1")
		flags["rie-classic c=1"]="--target rie --endpoint http://127.0.0.1:$cport --concurrency 1"
	fi
	# The concurrent mode runs only a zip-style bootstrap from /var/runtime,
	# /var/task or /opt (rapid/handlers.go prepareRuntimeBootstrap), whatever the
	# command line says. Give it /var/task/bootstrap in a private mount namespace
	# (a tmpfs over /var), so the host's /var is never touched; that needs root.
	mport="$(free_port)"
	if start rie-concurrent "$mport" unshare --mount --propagation private -- sh -c \
		'mount -t tmpfs -o size=64m tmpfs /var && mkdir /var/task && cp "$1" /var/task/bootstrap && shift && exec "$@"' \
		sh "$tmp/fn/bootstrap" env AWS_LAMBDA_MAX_CONCURRENCY=64 "$rie" \
		--runtime-interface-emulator-address "127.0.0.1:$mport" \
		--runtime-api-address "127.0.0.1:$(free_port)"; then
		echo "compare: emulator, concurrent mode (AWS_LAMBDA_MAX_CONCURRENCY=64), on 127.0.0.1:$mport"
		labels+=("rie-concurrent c=1" "rie-concurrent c=16")
		flags["rie-concurrent c=1"]="--target rie --endpoint http://127.0.0.1:$mport --concurrency 1"
		flags["rie-concurrent c=16"]="--target rie --endpoint http://127.0.0.1:$mport --concurrency 16"
	else
		echo "compare: the emulator's concurrent mode did not start (it needs root for a private /var/task); skipping it"
	fi
fi

results="$tmp/results.jsonl"
: >"$results"
for round in $(seq 1 "$rounds"); do
	echo
	echo "== round $round of $rounds (${seconds}s each, after a ${warmup} warm-up)"
	for label in "${labels[@]}"; do
		# shellcheck disable=SC2086 # the flags are words
		out="$(timeout $((seconds + 120)) "$tmp/invoke" ${flags[$label]} \
			--duration "${seconds}s" --warmup "$warmup" --json 2>"$tmp/run.err")" || true
		if [ -z "$out" ]; then
			out='{"requests":0,"errors":1,"throughput":0,"p50_ms":0,"p99_ms":0,"first_errors":["no result"]}'
			sed 's/^/    /' "$tmp/run.err"
		fi
		printf '%s\t%s\n' "$label" "$out" >>"$results"
		python3 -c '
import json, sys
label, r = sys.argv[1], json.loads(sys.argv[2])
print("  %-20s %8.0f invokes/s  p50 %7.3f ms  p99 %7.3f ms  errors %d" % (label, r["throughput"], r["p50_ms"], r["p99_ms"], r["errors"]))
for e in r.get("first_errors") or []:
    print("    error:", e)
' "$label" "$out"
	done
done

echo
echo "== medians of $rounds rounds"
python3 - "$results" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, data = line.rstrip("\n").split("\t", 1)
    rows.setdefault(label, []).append(json.loads(data))
med = {}
print("  %-20s %12s %10s %10s %8s" % ("target", "invokes/s", "p50 ms", "p99 ms", "errors"))
for label, rs in rows.items():
    m = {k: statistics.median(r[k] for r in rs) for k in ("throughput", "p50_ms", "p99_ms")}
    m["errors"] = sum(r["errors"] for r in rs)
    med[label] = m
    print("  %-20s %12.0f %10.3f %10.3f %8d" % (label, m["throughput"], m["p50_ms"], m["p99_ms"], m["errors"]))
emu1 = [m for l, m in med.items() if l.startswith("rie") and l.endswith("c=1")]
emu16 = [m for l, m in med.items() if l.startswith("rie") and l.endswith("c=16")]
g1, g16 = med.get("gofaas c=1"), med.get("gofaas c=16")
if emu1 and g1:
    best = min(m["p50_ms"] for m in emu1)
    print("\n  warm p50 at c=1: gofaas %.3f ms, best emulator %.3f ms: ratio %.2f (target <= 0.5)" % (g1["p50_ms"], best, g1["p50_ms"] / best if best else float("nan")))
if emu16 and g16:
    best = max(m["throughput"] for m in emu16)
    print("  throughput at c=16: gofaas %.0f/s, best emulator %.0f/s: ratio %.2f (target >= 2, no errors: %s)" % (g16["throughput"], best, g16["throughput"] / best if best else float("nan"), g16["errors"] == 0))
PY

echo
echo "== cold starts"
timeout 600 "$tmp/invoke" --endpoint "$gofaas" --function hello --cold "$cold" --zip "$tmp/hello.zip" || true
if [ -n "$rie" ]; then
	timeout 600 "$tmp/invoke" --target rie --cold "$cold" --rie-bin "$rie" --bootstrap "$tmp/fn/bootstrap" || true
fi

echo
echo "== memory"
echo "  gofaas RSS after the run (warm environments are separate processes): $(rss "$gofaas_pid")"
