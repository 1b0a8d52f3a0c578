#!/usr/bin/env bash
# observability.sh: a function's logs and metrics with a real aws CLI against a
# running gofaas, as the issue's user reads them after invoking a function:
# the execution role, the behave test function on provided.al2023, a few
# invocations (two of them at once, two failing), then
#
#   - CloudWatch Logs: describe-log-groups, describe-log-streams (newest first),
#     get-log-events (START, the function's lines, END, REPORT) and
#     filter-log-events --filter-pattern ERROR (only the error lines);
#   - with aws CLI v2 only (v1 has no such command): logs tail --since 10m,
#     --filter-pattern ERROR, and --follow for a few seconds while the
#     function is invoked once more (its START printed exactly once);
#   - CloudWatch metrics: get-metric-statistics for Invocations and Errors
#     (sums equal to what this script did), Duration (statistics matching the
#     REPORT lines, and --extended-statistics p99), list-metrics;
#   - the Prometheus exposition at /metrics;
#
# and clean-up with delete-function and logs delete-log-group.
#
#   E2E_ENDPOINT=http://127.0.0.1:4566 AWS_CLI=/usr/bin/aws e2e/observability.sh
#
# Environment: E2E_ENDPOINT (required, loopback only), AWS_CLI (default: aws),
# E2E_ACCOUNT_ID (default 123456789012), the usual AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY and AWS_REGION (defaults: test, test, us-west-1), and
# E2E_SUFFIX (default: unique to the run) for the function's name, so several
# runs, one per CLI, share a server. e2e/run.sh starts a server and runs this
# once per installed CLI. Every wait is bounded: the server flushes log batches
# every 100 ms, so what an invocation wrote is polled for at most 10 s.
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
	echo "observability: refusing non-loopback endpoint $E2E_ENDPOINT" >&2
	exit 2
fi

version="$("$AWS_CLI" --version 2>&1)"
echo "observability: $version against $E2E_ENDPOINT"
binfmt=()
v2=1
case "$version" in
aws-cli/1.*) v2=0 ;;
*) binfmt=(--cli-binary-format raw-in-base64-out) ;;
esac

work="$(mktemp -d)"
bg_pids=()
cleanup_work() {
	for p in "${bg_pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup_work EXIT
cd "$work"

sfx="${E2E_SUFFIX:-$(date +%s)$RANDOM}"
fn="Observed$sfx"
group="/aws/lambda/$fn"
role="arn:aws:iam::$ACCOUNT:role/lambda-all"

# What this script did to the function, which the logs and metrics must show.
INVOCATIONS=0
ERRORS=0

# invoke NAME PAYLOAD [ARGS...]: lambda invoke of the function, counted.
invoke() {
	local name="$1" payload="$2"
	shift 2
	run "$name" lambda invoke --function-name "$fn" "${binfmt[@]}" --payload "$payload" "$@" "$name.out"
	INVOCATIONS=$((INVOCATIONS + 1))
}

# request_id NAME: the RequestId of the START line in NAME.json's LogResult
# (an invoke with --log-type Tail).
request_id() {
	jf "$1.json" LogResult | base64 -d 2>/dev/null |
		sed -n 's/^START RequestId: \([^ ]*\) .*/\1/p' | head -n 1
}

# poll SECONDS WANT COMMAND...: run COMMAND (which prints one value) every
# 0.1 s until it prints WANT, for at most SECONDS; GOT is the last value.
poll() {
	local deadline=$((SECONDS + $1)) want="$2"
	shift 2
	while :; do
		GOT="$("$@" 2>/dev/null || true)"
		if [ "$GOT" = "$want" ] || [ "$SECONDS" -ge "$deadline" ]; then
			break
		fi
		sleep 0.1
	done
}

# py FILE CODE [ARGS...]: run CODE with d = the JSON in FILE and the extra
# ARGS in sys.argv[3:]; "<invalid JSON>" if FILE is not JSON.
py() {
	python3 - "$@" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    print("<invalid JSON>")
    sys.exit(0)
exec(sys.argv[2])
PY
}

# count_events PATTERN: how many events of the log group filter-log-events
# finds with PATTERN (the CLI follows the paging tokens).
count_events() {
	run fle logs filter-log-events --log-group-name "$group" --filter-pattern "$1"
	[ "$RC" -eq 0 ] || return 1
	py fle.json 'print(len(d["events"]))'
}

# stat_sum METRIC STATISTIC: the sum of STATISTIC over the datapoints of the
# function's AWS/Lambda METRIC in the last 10 minutes, 60-second periods
# (written to METRIC.json; "none" without datapoints).
stat_sum() {
	run "$1" cloudwatch get-metric-statistics --namespace AWS/Lambda --metric-name "$1" \
		--dimensions "Name=FunctionName,Value=$fn" \
		--start-time "$(date -u -d '-10 min' +%Y-%m-%dT%H:%M:%SZ)" \
		--end-time "$(date -u -d '+1 min' +%Y-%m-%dT%H:%M:%SZ)" \
		--period 60 --statistics "$2"
	[ "$RC" -eq 0 ] || return 1
	py "$1.json" '
p = d["Datapoints"]
print("%g" % sum(x[sys.argv[3]] for x in p) if p else "none")' "$2"
}

# Functions a failed earlier run with the same suffix may have left behind.
awsc lambda delete-function --function-name "$fn" >/dev/null 2>&1 || true
awsc logs delete-log-group --log-group-name "$group" >/dev/null 2>&1 || true

section "the execution role and the behave function"
ensure_role lambda-all
if (cd "$root/testdata/functions/behave" &&
	CGO_ENABLED=0 GOFLAGS=-mod=mod GOWORK=off timeout 300 go build -trimpath -o "$work/bootstrap" .) &&
	zip -q behave.zip bootstrap; then
	pass "go build -o bootstrap && zip behave.zip bootstrap (testdata/functions/behave)"
else
	fail "build of testdata/functions/behave"
fi
run create lambda create-function --function-name "$fn" --zip-file fileb://./behave.zip \
	--runtime provided.al2023 --role "$role" --handler bootstrap
expect_ok "create-function $fn" create && check_eq "create State" "$(jf create.json State)" Active

section "invocations: two at once, two that print, two that fail, one more with its log tail"
# Two overlapping invocations run in two execution environments, so the log
# group has two streams for describe-log-streams to order.
run_bg() {
	(
		run "$@"
		exit "$RC"
	) &
	bg_pids+=($!)
}
run_bg sleep1 lambda invoke --function-name "$fn" "${binfmt[@]}" --payload '{"op":"sleep","ms":1500}' sleep1.out
run_bg sleep2 lambda invoke --function-name "$fn" "${binfmt[@]}" --payload '{"op":"sleep","ms":1500}' sleep2.out
for i in 1 2; do
	RC=0
	wait "${bg_pids[$((i - 1))]}" || RC=$?
	INVOCATIONS=$((INVOCATIONS + 1))
	expect_ok "invoke {\"op\":\"sleep\",\"ms\":1500} (at once, $i of 2)" "sleep$i" &&
		check_eq "sleep$i answer" "$(jf "sleep$i.out" .)" '{"slept":1500}'
done
bg_pids=()
for i in 1 2; do
	invoke "print$i" '{"op":"print","lines":2}'
	expect_ok "invoke {\"op\":\"print\",\"lines\":2} ($i)" "print$i" &&
		check_eq "print$i answer" "$(jf "print$i.out" .)" '{"printed":2}'
done
for i in 1 2; do
	invoke "error$i" '{"op":"error","message":"ERROR boom"}'
	ERRORS=$((ERRORS + 1))
	if expect_ok "invoke {\"op\":\"error\",\"message\":\"ERROR boom\"} ($i)" "error$i"; then
		check_eq "error$i FunctionError" "$(jf "error$i.json" FunctionError)" Unhandled
		check_eq "error$i errorMessage" "$(jf "error$i.out" errorMessage)" "ERROR boom"
	fi
done
invoke last '{"op":"print","lines":3}' --log-type Tail
expect_ok "invoke {\"op\":\"print\",\"lines\":3} --log-type Tail" last || true
last_id="$(request_id last)"
check_match "the last invocation's RequestId (from its LogResult)" "$last_id" '^[0-9a-f-]{36}$'

section "CloudWatch Logs: the function's log group"
# Every invocation writes one START line; wait for the last batch to land.
poll 10 "$INVOCATIONS" count_events '"START RequestId"'
check_eq "filter-log-events '\"START RequestId\"' events (one per invocation)" "$GOT" "$INVOCATIONS"

run groups logs describe-log-groups --log-group-name-prefix /aws/lambda/
if expect_ok "logs describe-log-groups --log-group-name-prefix /aws/lambda/" groups; then
	check_eq "describe-log-groups lists $group" \
		"$(py groups.json 'print(sum(g["logGroupName"] == sys.argv[3] for g in d["logGroups"]))' "$group")" 1
	check_eq "describe-log-groups: names outside the prefix" \
		"$(py groups.json 'print(sum(not g["logGroupName"].startswith("/aws/lambda/") for g in d["logGroups"]))')" 0
	check_eq "$group arn" \
		"$(py groups.json 'print([g.get("arn") for g in d["logGroups"] if g["logGroupName"] == sys.argv[3]][0])' "$group")" \
		"arn:aws:logs:$AWS_REGION:$ACCOUNT:log-group:$group:*"
fi

run streams logs describe-log-streams --log-group-name "$group" --order-by LastEventTime --descending
if expect_ok "logs describe-log-streams --order-by LastEventTime --descending" streams; then
	check_eq "streams (the two overlapping invocations ran in two environments)" \
		"$(py streams.json 'print(len(d["logStreams"]))')" 2
	check_eq "stream names of the form YYYY/MM/DD/[\$LATEST]<32 hex digits>" \
		"$(py streams.json '
import re
print(all(re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", s["logStreamName"]) for s in d["logStreams"]))')" True
	check_eq "streams in descending lastEventTimestamp" \
		"$(py streams.json '
t = [s.get("lastEventTimestamp", 0) for s in d["logStreams"]]
print(t == sorted(t, reverse=True))')" True
fi
newest="$(jf streams.json logStreams.0.logStreamName)"

run events logs get-log-events --log-group-name "$group" --log-stream-name "$newest" --start-from-head
if expect_ok "logs get-log-events of the newest stream" events; then
	py events.json 'print("\n".join(e["message"] for e in d["events"]))' >events.txt
	check_contains "the newest stream (it ran the last invocation)" events.txt "START RequestId: $last_id Version: \$LATEST"
	check_contains "the newest stream" events.txt "behave stdout 3"
	check_contains "the newest stream" events.txt "behave stderr 3"
	check_contains "the newest stream" events.txt "END RequestId: $last_id"
	check_contains "the newest stream" events.txt "REPORT RequestId: $last_id"$'\t'"Duration: "
	check_match "get-log-events nextForwardToken" "$(jf events.json nextForwardToken)" '^f/[0-9]+$'
	check_match "get-log-events nextBackwardToken" "$(jf events.json nextBackwardToken)" '^b/[0-9]+$'
fi

run errs logs filter-log-events --log-group-name "$group" --filter-pattern ERROR
if expect_ok "logs filter-log-events --filter-pattern ERROR" errs; then
	check_eq "ERROR events (one per failed invocation)" "$(py errs.json 'print(len(d["events"]))')" "$ERRORS"
	check_eq "ERROR events without ERROR boom" \
		"$(py errs.json 'print(sum("ERROR boom" not in e["message"] for e in d["events"]))')" 0
fi

if [ "$v2" -eq 1 ]; then
	section "aws logs tail (aws CLI v2)"
	# The tail's text goes to NAME.json, where expect_ok looks for the output.
	set +e
	timeout 60 "$AWS_CLI" --endpoint-url "$E2E_ENDPOINT" logs tail "$group" --since 10m >tail.json 2>tail.err
	RC=$?
	set -e
	if expect_ok "logs tail $group --since 10m" tail; then
		check_eq "START lines in the tail" "$(grep -c 'START RequestId: ' tail.json)" "$INVOCATIONS"
		check_eq "END lines in the tail" "$(grep -c 'END RequestId: ' tail.json)" "$INVOCATIONS"
		check_eq "REPORT lines in the tail" "$(grep -c 'REPORT RequestId: ' tail.json)" "$INVOCATIONS"
		check_contains "the tail" tail.json "START RequestId: $last_id Version: \$LATEST"
		check_contains "the tail" tail.json "behave stdout 3"
		check_contains "the tail" tail.json "END RequestId: $last_id"
		check_contains "the tail" tail.json "REPORT RequestId: $last_id"
		check_match "a tail line (timestamp, stream, message)" "$(grep -m1 "START RequestId: $last_id" tail.json)" \
			'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+\+00:00 [0-9]{4}/[0-9]{2}/[0-9]{2}/\[\$LATEST\][0-9a-f]{32} START RequestId: '
	fi

	set +e
	timeout 60 "$AWS_CLI" --endpoint-url "$E2E_ENDPOINT" logs tail "$group" --since 10m --filter-pattern ERROR >tailerr.json 2>tailerr.err
	RC=$?
	set -e
	if expect_ok "logs tail $group --since 10m --filter-pattern ERROR" tailerr; then
		check_eq "lines of the ERROR tail" "$(grep -c . tailerr.json)" "$ERRORS"
		check_eq "lines of the ERROR tail with ERROR boom" "$(grep -c 'ERROR boom' tailerr.json)" "$ERRORS"
	fi

	# --follow polls FilterLogEvents every 5 s (awscli's FollowLogEventsGenerator)
	# after the CLI's start-up (about 0.7 s): 8 s gives it one more poll, after
	# the invocation below, with a margin for a loaded machine.
	timeout 8 "$AWS_CLI" --endpoint-url "$E2E_ENDPOINT" logs tail "$group" --follow --since 10m \
		>follow.txt 2>follow.err &
	follow_pid=$!
	bg_pids+=("$follow_pid")
	# Invoke once the first poll has printed the earlier invocations.
	deadline=$((SECONDS + 5))
	while ! grep -q "REPORT RequestId: $last_id" follow.txt && [ "$SECONDS" -lt "$deadline" ]; do
		sleep 0.05
	done
	invoke follow '{"op":"print","lines":1}' --log-type Tail
	expect_ok "invoke while logs tail --follow runs" follow || true
	follow_id="$(request_id follow)"
	RC=0
	wait "$follow_pid" || RC=$?
	bg_pids=()
	check_eq "logs tail --follow ended by timeout 8 (exit status)" "$RC" 124
	check_eq "START lines of the new invocation in the follow" "$(grep -c "START RequestId: $follow_id " follow.txt)" 1
	check_eq "REPORT lines of the new invocation in the follow" "$(grep -c "REPORT RequestId: $follow_id" follow.txt)" 1
	check_eq "START lines in the follow (each invocation once)" "$(grep -c "START RequestId: " follow.txt)" "$INVOCATIONS"
	check_eq "repeated lines in the follow (each poll prints only new events)" "$(sort follow.txt | uniq -d | wc -l)" 0
	if [ -s follow.err ]; then
		fail "logs tail --follow wrote to stderr" "$(cat follow.err)"
	else
		pass "logs tail --follow wrote nothing to stderr"
	fi
else
	section "aws logs tail: not in aws CLI v1, skipped"
fi

section "CloudWatch metrics: AWS/Lambda for the function"
poll 10 "$INVOCATIONS" stat_sum Invocations Sum
check_eq "get-metric-statistics Invocations Sum (the invocations made)" "$GOT" "$INVOCATIONS"
check_eq "Invocations Unit" "$(py Invocations.json 'print(",".join(sorted({p["Unit"] for p in d["Datapoints"]})))')" Count
poll 10 "$ERRORS" stat_sum Errors Sum
check_eq "get-metric-statistics Errors Sum (the failed invocations)" "$GOT" "$ERRORS"
poll 10 "$INVOCATIONS" stat_sum Duration SampleCount
check_eq "get-metric-statistics Duration SampleCount" "$GOT" "$INVOCATIONS"

# Duration's Minimum and Maximum are the REPORT lines' Duration, which rounds
# to 0.01 ms.
run reports logs filter-log-events --log-group-name "$group" --filter-pattern REPORT
expect_ok "logs filter-log-events --filter-pattern REPORT" reports || true
run dstat cloudwatch get-metric-statistics --namespace AWS/Lambda --metric-name Duration \
	--dimensions "Name=FunctionName,Value=$fn" \
	--start-time "$(date -u -d '-10 min' +%Y-%m-%dT%H:%M:%SZ)" --end-time "$(date -u -d '+1 min' +%Y-%m-%dT%H:%M:%SZ)" \
	--period 60 --statistics Minimum Maximum
if expect_ok "get-metric-statistics Duration --statistics Minimum Maximum" dstat; then
	check_eq "Duration Minimum and Maximum against the REPORT lines" "$(python3 - dstat.json reports.json <<'PY'
import json, re, sys
p = json.load(open(sys.argv[1]))["Datapoints"]
r = [float(m.group(1)) for e in json.load(open(sys.argv[2]))["events"]
     for m in [re.search(r"\tDuration: ([0-9.]+) ms", e["message"])] if m]
if not p or not r:
    print("datapoints: %d, REPORT durations: %d" % (len(p), len(r)))
else:
    lo, hi = min(x["Minimum"] for x in p), max(x["Maximum"] for x in p)
    ok = abs(lo - min(r)) <= 0.0051 and abs(hi - max(r)) <= 0.0051
    print("match" if ok else "Minimum %g Maximum %g, REPORT %g to %g" % (lo, hi, min(r), max(r)))
PY
)" match
	check_eq "Duration Unit" "$(py dstat.json 'print(",".join(sorted({p["Unit"] for p in d["Datapoints"]})))')" Milliseconds
fi
run p99 cloudwatch get-metric-statistics --namespace AWS/Lambda --metric-name Duration \
	--dimensions "Name=FunctionName,Value=$fn" \
	--start-time "$(date -u -d '-10 min' +%Y-%m-%dT%H:%M:%SZ)" --end-time "$(date -u -d '+1 min' +%Y-%m-%dT%H:%M:%SZ)" \
	--period 60 --extended-statistics p99
if expect_ok "get-metric-statistics Duration --extended-statistics p99" p99; then
	check_eq "Duration p99 datapoints within [Minimum, Maximum]" "$(py p99.json '
p = d["Datapoints"]
m = {str(x["Timestamp"]): x for x in json.load(open(sys.argv[3]))["Datapoints"]}
bad = [x for x in p if not (m[str(x["Timestamp"])]["Minimum"] <= x["ExtendedStatistics"]["p99"] <= m[str(x["Timestamp"])]["Maximum"])]
print("none" if not p else "ok" if not bad else "outside: %r" % bad)' dstat.json)" ok
fi

run metrics cloudwatch list-metrics --namespace AWS/Lambda
if expect_ok "cloudwatch list-metrics --namespace AWS/Lambda" metrics; then
	for m in Invocations Errors Duration; do
		check_eq "list-metrics: $m with FunctionName=$fn" "$(py metrics.json '
print(sum(x["MetricName"] == sys.argv[3] and x.get("Dimensions") == [{"Name": "FunctionName", "Value": sys.argv[4]}]
          for x in d["Metrics"]))' "$m" "$fn")" 1
	done
fi

section "Prometheus exposition at /metrics"
if curl -sS --max-time 10 -o prom.txt "$E2E_ENDPOINT/metrics"; then
	pass "curl $E2E_ENDPOINT/metrics"
	check_eq "gofaas_lambda_invocations_total{function=\"$fn\"}" \
		"$(sed -n "s/^gofaas_lambda_invocations_total{function=\"$fn\"} //p" prom.txt)" "$INVOCATIONS"
	check_eq "gofaas_lambda_errors_total{function=\"$fn\"}" \
		"$(sed -n "s/^gofaas_lambda_errors_total{function=\"$fn\"} //p" prom.txt)" "$ERRORS"
	check_eq "gofaas_lambda_duration_seconds_count{function=\"$fn\"}" \
		"$(sed -n "s/^gofaas_lambda_duration_seconds_count{function=\"$fn\"} //p" prom.txt)" "$INVOCATIONS"
else
	fail "curl $E2E_ENDPOINT/metrics"
fi

section "clean up"
run del lambda delete-function --function-name "$fn"
expect_ok "lambda delete-function $fn" del || true
run delgroup logs delete-log-group --log-group-name "$group"
expect_ok "logs delete-log-group $group" delgroup || true
run gone logs describe-log-groups --log-group-name-prefix "$group"
expect_ok "logs describe-log-groups after delete-log-group" gone &&
	check_eq "log groups named $group" "$(py gone.json 'print(sum(g["logGroupName"] == sys.argv[3] for g in d["logGroups"]))' "$group")" 0

summary "observability ($version)"
