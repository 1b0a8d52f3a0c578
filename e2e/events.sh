#!/usr/bin/env bash
# events.sh: EventBridge with a real aws CLI against a running gofaas, the
# blog's "Lambda cron" walkthrough (issue 5) as a new user follows it:
#
#   - the execution role and the behave test function (as observability.sh);
#   - put-rule examplecron-<sfx> with cron(16 * ? * MON-FRI *) (RuleArn printed),
#     the invalid expressions cron(0 12 * * MON *), rate(1 minutes) and
#     cron(0 12 ? * 8 *) refused with AWS's ValidationException, describe-rule,
#     lambda add-permission for events.amazonaws.com with the rule's ARN,
#     put-targets, list-targets-by-rule, list-rule-names-by-target,
#     disable-rule and enable-rule;
#   - an event-pattern rule {"source":["my.app"],"detail-type":["order"]} on a
#     second function: put-events of a matching entry runs it, an entry with
#     Source other.app does not;
#   - test-event-pattern, true and false;
#   - delete-rule with targets left (ValidationException), remove-targets,
#     delete-rule;
#   - timed (E2E_TIMED=1, and not E2E_FAST=1): a rate(1 minute)
#     rule on a third function, created first so the minute passes while the
#     rest runs, must have invoked it within 75 s of put-targets.
#
#   E2E_ENDPOINT=http://127.0.0.1:4566 AWS_CLI=/usr/bin/aws e2e/events.sh
#
# Environment: E2E_ENDPOINT (required, loopback only), AWS_CLI (default: aws),
# E2E_ACCOUNT_ID (default 123456789012), the usual AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY and AWS_REGION (defaults: test, test, us-west-1),
# E2E_SUFFIX (default: unique to the run) for the names, E2E_TIMED (default: 1
# when AWS_CLI is the first aws on PATH, else 0) and E2E_FAST (default 0).
# e2e/run.sh runs this once per installed CLI, so the timed part runs with its
# first CLI only. Every wait is bounded.
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
	echo "events: refusing non-loopback endpoint $E2E_ENDPOINT" >&2
	exit 2
fi

version="$("$AWS_CLI" --version 2>&1)"
echo "events: $version against $E2E_ENDPOINT"
binfmt=()
case "$version" in
aws-cli/1.*) ;;
*) binfmt=(--cli-binary-format raw-in-base64-out) ;;
esac
# Timed by default only with the first aws on PATH (e2e/run.sh's first CLI).
timed_default=0
if [ "$(readlink -f "$(command -v "$AWS_CLI")" 2>/dev/null)" = "$(readlink -f "$(command -v aws)" 2>/dev/null)" ]; then
	timed_default=1
fi
E2E_TIMED="${E2E_TIMED:-$timed_default}"
timed=1
if [ "$E2E_TIMED" != 1 ] || [ "${E2E_FAST:-0}" = 1 ]; then
	timed=0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

sfx="${E2E_SUFFIX:-$(date +%s)$RANDOM}"
fn="ExampleFunction$sfx"     # examplecron's target
ofn="OrderFunction$sfx"      # the event-pattern rule's target
rfn="RateFunction$sfx"       # the rate(1 minute) rule's target
cron="examplecron-$sfx"
orders="orders-$sfx"
rate="every-minute-$sfx"
role="arn:aws:iam::$ACCOUNT:role/lambda-all"
fnarn="arn:aws:lambda:$AWS_REGION:$ACCOUNT:function:$fn"
ofnarn="arn:aws:lambda:$AWS_REGION:$ACCOUNT:function:$ofn"
rfnarn="arn:aws:lambda:$AWS_REGION:$ACCOUNT:function:$rfn"
rulearn() { printf 'arn:aws:events:%s:%s:rule/%s' "$AWS_REGION" "$ACCOUNT" "$1"; }

# poll SECONDS WANT COMMAND...: run COMMAND (which prints one value) every
# 0.5 s until it prints WANT, for at most SECONDS; GOT is the last value.
poll() {
	local deadline=$((SECONDS + $1)) want="$2"
	shift 2
	while :; do
		GOT="$("$@" 2>/dev/null || true)"
		if [ "$GOT" = "$want" ] || [ "$SECONDS" -ge "$deadline" ]; then
			break
		fi
		sleep 0.5
	done
}

# starts FUNCTION: how many START lines the function's log group has ("0"
# while the group does not exist yet).
starts() {
	run fle logs filter-log-events --log-group-name "/aws/lambda/$1" --filter-pattern '"START RequestId"'
	if [ "$RC" -ne 0 ]; then
		if grep -q ResourceNotFoundException fle.err; then
			echo 0
			return 0
		fi
		return 1
	fi
	python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["events"]))' fle.json
}

# at_least N FUNCTION: "yes" once FUNCTION has N or more START lines.
at_least() {
	local n
	n="$(starts "$2")" || return 1
	if [ "$n" -ge "$1" ]; then echo yes; else echo "$n"; fi
}

# Leftovers of a failed earlier run with the same suffix.
for r in "$cron" "$orders" "$rate"; do
	awsc events remove-targets --rule "$r" --ids 1 >/dev/null 2>&1 || true
	awsc events delete-rule --name "$r" >/dev/null 2>&1 || true
done
for f in "$fn" "$ofn" "$rfn"; do
	awsc lambda delete-function --function-name "$f" >/dev/null 2>&1 || true
	awsc logs delete-log-group --log-group-name "/aws/lambda/$f" >/dev/null 2>&1 || true
done

section "the execution role and the behave functions"
ensure_role lambda-all
if (cd "$root/testdata/functions/behave" &&
	CGO_ENABLED=0 GOFLAGS=-mod=mod GOWORK=off timeout 300 go build -trimpath -o "$work/bootstrap" .) &&
	zip -q behave.zip bootstrap; then
	pass "go build -o bootstrap && zip behave.zip bootstrap (testdata/functions/behave)"
else
	fail "build of testdata/functions/behave"
fi
fns=("$fn" "$ofn")
[ "$timed" -eq 1 ] && fns+=("$rfn")
for f in "${fns[@]}"; do
	run "create-$f" lambda create-function --function-name "$f" --zip-file fileb://./behave.zip \
		--runtime provided.al2023 --role "$role" --handler bootstrap
	expect_ok "create-function $f" "create-$f" &&
		check_eq "create-function $f FunctionArn" "$(jf "create-$f.json" FunctionArn)" \
			"arn:aws:lambda:$AWS_REGION:$ACCOUNT:function:$f"
done

rate_start=0
if [ "$timed" -eq 1 ]; then
	section "a rate(1 minute) rule (observed at the end, while the minute passes)"
	run rrule events put-rule --name "$rate" --schedule-expression "rate(1 minute)"
	expect_ok "put-rule $rate rate(1 minute)" rrule &&
		check_eq "put-rule $rate RuleArn" "$(jf rrule.json RuleArn)" "$(rulearn "$rate")"
	run rperm lambda add-permission --function-name "$rfn" --statement-id everyminute \
		--action lambda:InvokeFunction --principal events.amazonaws.com --source-arn "$(rulearn "$rate")"
	expect_ok "add-permission $rfn events.amazonaws.com for $rate" rperm || true
	run rtargets events put-targets --rule "$rate" --targets "Id=1,Arn=$rfnarn"
	expect_ok "put-targets $rate" rtargets &&
		check_eq "put-targets $rate FailedEntryCount" "$(jf rtargets.json FailedEntryCount)" 0
	rate_start=$SECONDS
fi

section "examplecron: cron(16 * ? * MON-FRI *)"
run put events put-rule --name "$cron" --schedule-expression "cron(16 * ? * MON-FRI *)"
if expect_ok "put-rule $cron --schedule-expression cron(16 * ? * MON-FRI *)" put; then
	check_eq "put-rule RuleArn" "$(jf put.json RuleArn)" "$(rulearn "$cron")"
fi
cronarn="$(jf put.json RuleArn)"
[ "$cronarn" = "<missing>" ] || [ "$cronarn" = "<invalid JSON>" ] && cronarn="$(rulearn "$cron")"

i=0
for bad in "cron(0 12 * * MON *)" "rate(1 minutes)" "cron(0 12 ? * 8 *)"; do
	i=$((i + 1))
	run "bad$i" events put-rule --name "bad$i-$sfx" --schedule-expression "$bad"
	expect_error "put-rule --schedule-expression '$bad'" "bad$i" ValidationException
	check_contains "put-rule '$bad' error" "bad$i.err" "Parameter ScheduleExpression is not valid."
done
run badlist events list-rules --name-prefix "bad"
expect_ok "list-rules --name-prefix bad" badlist &&
	check_eq "rules named bad*-$sfx (none created)" \
		"$(python3 -c 'import json,sys; print(sum(r["Name"].endswith("-"+sys.argv[2]) for r in json.load(open(sys.argv[1]))["Rules"]))' badlist.json "$sfx")" 0

run desc events describe-rule --name "$cron"
if expect_ok "describe-rule $cron" desc; then
	check_eq "describe-rule State" "$(jf desc.json State)" ENABLED
	check_eq "describe-rule ScheduleExpression" "$(jf desc.json ScheduleExpression)" "cron(16 * ? * MON-FRI *)"
	check_eq "describe-rule Arn" "$(jf desc.json Arn)" "$cronarn"
	check_eq "describe-rule EventBusName" "$(jf desc.json EventBusName)" default
fi

run perm lambda add-permission --function-name "$fn" --statement-id examplecron \
	--action lambda:InvokeFunction --principal events.amazonaws.com --source-arn "$cronarn"
if expect_ok "lambda add-permission $fn --principal events.amazonaws.com --source-arn $cronarn" perm; then
	check_contains "add-permission Statement" perm.json events.amazonaws.com
fi

run targets events put-targets --rule "$cron" --targets "Id=1,Arn=$fnarn"
expect_ok "put-targets --rule $cron --targets Id=1,Arn=$fnarn" targets &&
	check_eq "put-targets FailedEntryCount" "$(jf targets.json FailedEntryCount)" 0

run lt events list-targets-by-rule --rule "$cron"
if expect_ok "list-targets-by-rule $cron" lt; then
	check_eq "list-targets-by-rule targets" "$(jf lt.json Targets.0.Id) $(jf lt.json Targets.0.Arn) $(jf lt.json Targets.1)" \
		"1 $fnarn <missing>"
fi
run ln events list-rule-names-by-target --target-arn "$fnarn"
expect_ok "list-rule-names-by-target $fnarn" ln &&
	check_eq "list-rule-names-by-target RuleNames" "$(jf ln.json RuleNames)" "[\"$cron\"]"

run dis events disable-rule --name "$cron"
expect_ok "disable-rule $cron" dis || true
run desc2 events describe-rule --name "$cron"
expect_ok "describe-rule after disable-rule" desc2 &&
	check_eq "describe-rule State after disable-rule" "$(jf desc2.json State)" DISABLED
run en events enable-rule --name "$cron"
expect_ok "enable-rule $cron" en || true
run desc3 events describe-rule --name "$cron"
expect_ok "describe-rule after enable-rule" desc3 &&
	check_eq "describe-rule State after enable-rule" "$(jf desc3.json State)" ENABLED

section "an event pattern: PutEvents fan-out"
run prule events put-rule --name "$orders" --event-pattern '{"source":["my.app"],"detail-type":["order"]}'
expect_ok "put-rule $orders --event-pattern {\"source\":[\"my.app\"],\"detail-type\":[\"order\"]}" prule &&
	check_eq "put-rule $orders RuleArn" "$(jf prule.json RuleArn)" "$(rulearn "$orders")"
run pdesc events describe-rule --name "$orders"
expect_ok "describe-rule $orders" pdesc &&
	check_eq "describe-rule $orders EventPattern" \
		"$(python3 -c 'import json,sys; print(json.dumps(json.loads(json.load(open(sys.argv[1]))["EventPattern"]), sort_keys=True))' pdesc.json 2>&1)" \
		'{"detail-type": ["order"], "source": ["my.app"]}'
run pperm lambda add-permission --function-name "$ofn" --statement-id orders \
	--action lambda:InvokeFunction --principal events.amazonaws.com --source-arn "$(rulearn "$orders")"
expect_ok "add-permission $ofn events.amazonaws.com for $orders" pperm || true
run ptargets events put-targets --rule "$orders" --targets "Id=1,Arn=$ofnarn"
expect_ok "put-targets $orders" ptargets &&
	check_eq "put-targets $orders FailedEntryCount" "$(jf ptargets.json FailedEntryCount)" 0

# The entry that must not match goes first, so had it matched, its invocation
# would be there by the time the matching one's is.
run other events put-events --entries '[{"Source":"other.app","DetailType":"order","Detail":"{\"total\":120}"}]'
if expect_ok "put-events Source other.app" other; then
	check_eq "put-events other.app FailedEntryCount" "$(jf other.json FailedEntryCount)" 0
	check_match "put-events other.app EventId" "$(jf other.json Entries.0.EventId)" '^[0-9a-f-]{36}$'
fi
run pe events put-events --entries '[{"Source":"my.app","DetailType":"order","Detail":"{\"total\":120}"}]'
if expect_ok "put-events Source my.app DetailType order" pe; then
	check_eq "put-events FailedEntryCount" "$(jf pe.json FailedEntryCount)" 0
	check_match "put-events EventId" "$(jf pe.json Entries.0.EventId)" '^[0-9a-f-]{36}$'
fi
poll 15 yes at_least 1 "$ofn"
check_eq "$ofn invoked by the my.app event within 15 s" "$GOT" yes
sleep 2
check_eq "$ofn START lines (other.app did not invoke it)" "$(starts "$ofn")" 1

section "test-event-pattern"
ev() {
	printf '{"id":"7bf73129-1428-4cd3-a780-95db273d1602","detail-type":"order","source":"%s","account":"%s","time":"2026-01-05T12:16:00Z","region":"%s","resources":[],"detail":{"total":120}}' \
		"$1" "$ACCOUNT" "$AWS_REGION"
}
run tep1 events test-event-pattern --event-pattern '{"source":["my.app"],"detail-type":["order"]}' --event "$(ev my.app)"
expect_ok "test-event-pattern (my.app)" tep1 && check_eq "test-event-pattern my.app Result" "$(jf tep1.json Result)" true
run tep2 events test-event-pattern --event-pattern '{"source":["my.app"],"detail-type":["order"]}' --event "$(ev other.app)"
expect_ok "test-event-pattern (other.app)" tep2 && check_eq "test-event-pattern other.app Result" "$(jf tep2.json Result)" false
run tep3 events test-event-pattern --event-pattern '{"detail":{"total":[{"numeric":[">",100]}]}}' --event "$(ev my.app)"
expect_ok "test-event-pattern numeric > 100" tep3 && check_eq "test-event-pattern numeric > 100 Result" "$(jf tep3.json Result)" true
run tep4 events test-event-pattern --event-pattern '{"detail":{"total":[{"numeric":[">",200]}]}}' --event "$(ev my.app)"
expect_ok "test-event-pattern numeric > 200" tep4 && check_eq "test-event-pattern numeric > 200 Result" "$(jf tep4.json Result)" false

if [ "$timed" -eq 1 ]; then
	section "rate(1 minute): invoked by the schedule"
	left=$((75 - (SECONDS - rate_start)))
	[ "$left" -gt 0 ] || left=1
	poll "$left" yes at_least 1 "$rfn"
	check_eq "$rfn invoked by $rate within 75 s of put-targets ($((SECONDS - rate_start)) s)" "$GOT" yes
else
	section "rate(1 minute): skipped (E2E_TIMED=$E2E_TIMED, E2E_FAST=${E2E_FAST:-0})"
fi

section "clean up: delete-rule refuses a rule with targets"
run delt events delete-rule --name "$cron"
expect_error "delete-rule $cron with a target left" delt ValidationException
run still events describe-rule --name "$cron"
expect_ok "describe-rule $cron after the refused delete-rule" still || true
rules=("$cron" "$orders")
[ "$timed" -eq 1 ] && rules+=("$rate")
for r in "${rules[@]}"; do
	run "rm-$r" events remove-targets --rule "$r" --ids 1
	expect_ok "remove-targets --rule $r --ids 1" "rm-$r" &&
		check_eq "remove-targets $r FailedEntryCount" "$(jf "rm-$r.json" FailedEntryCount)" 0
	run "del-$r" events delete-rule --name "$r"
	expect_ok "delete-rule $r" "del-$r" || true
	run "gone-$r" events describe-rule --name "$r"
	expect_error "describe-rule $r after delete-rule" "gone-$r" ResourceNotFoundException
done
run ln2 events list-rule-names-by-target --target-arn "$fnarn"
expect_ok "list-rule-names-by-target after delete-rule" ln2 &&
	check_eq "list-rule-names-by-target RuleNames after delete-rule" "$(jf ln2.json RuleNames)" "[]"
for f in "${fns[@]}"; do
	run "delf-$f" lambda delete-function --function-name "$f"
	expect_ok "delete-function $f" "delf-$f" || true
	awsc logs delete-log-group --log-group-name "/aws/lambda/$f" >/dev/null 2>&1 || true
done

summary "events ($version)"
