#!/usr/bin/env bash
# iam.sh: the issue's IAM walkthrough with a real aws CLI against a running
# gofaas: the blog's IAM steps signed with the root key (a policy allowing
# iam:PassRole and lambda:*, an execution role trusting Lambda, a group, a
# user in it and the user's access key); then, with that user's key, who am I,
# create-function with the role and invoke (the function reports the role
# session it runs as); and the refusals a user meets: no iam:PassRole, a role
# that does not trust Lambda, a wrong secret, an unknown key; and
# sts assume-role, whose ASIA credentials work.
#
#   E2E_ENDPOINT=http://127.0.0.1:4566 AWS_CLI=/usr/bin/aws e2e/iam.sh
#
# Environment: E2E_ENDPOINT (required, loopback only), AWS_CLI (default: aws),
# E2E_ACCOUNT_ID (default 123456789012), E2E_ROOT_ACCESS_KEY_ID and
# E2E_ROOT_SECRET_ACCESS_KEY (the root key, as `gofaas credentials` prints it;
# default: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, else test/test, which
# gofaas --dev accepts), AWS_REGION (default us-west-1). Names carry a suffix
# unique to the run (E2E_SUFFIX to choose it), so several runs, one per CLI,
# share a server. e2e/run.sh starts a server and runs this once per installed
# CLI.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=lib.sh
. "$here/lib.sh"

: "${E2E_ENDPOINT:?set E2E_ENDPOINT to the gofaas endpoint, e.g. http://127.0.0.1:4566}"
AWS_CLI="${AWS_CLI:-aws}"
ACCOUNT="${E2E_ACCOUNT_ID:-123456789012}"
setup_aws_env
ROOT_KEY="${E2E_ROOT_ACCESS_KEY_ID:-$AWS_ACCESS_KEY_ID}"
ROOT_SECRET="${E2E_ROOT_SECRET_ACCESS_KEY:-$AWS_SECRET_ACCESS_KEY}"
# No call may pick up credentials from the environment by accident: each one
# names its own (runas).
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN

if ! is_loopback_url "$E2E_ENDPOINT"; then
	echo "iam: refusing non-loopback endpoint $E2E_ENDPOINT" >&2
	exit 2
fi

version="$("$AWS_CLI" --version 2>&1)"
echo "iam: $version against $E2E_ENDPOINT"
binfmt=()
case "$version" in
aws-cli/1.*) ;;
*) binfmt=(--cli-binary-format raw-in-base64-out) ;;
esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

sfx="${E2E_SUFFIX:-$(date +%s)$RANDOM}"
policy_name="lambda-deploy-$sfx"
role_name="lambda-exec-$sfx"
ec2_role_name="ec2-only-$sfx"
assumable_name="assumable-$sfx"
group_name="lambda-devs-$sfx"
user="dev-$sfx"
nopass="nopass-$sfx"
fn="IamWhoami$sfx"
policy_arn="arn:aws:iam::$ACCOUNT:policy/$policy_name"
role_arn="arn:aws:iam::$ACCOUNT:role/$role_name"
ec2_role_arn="arn:aws:iam::$ACCOUNT:role/$ec2_role_name"
assumable_arn="arn:aws:iam::$ACCOUNT:role/$assumable_name"
user_arn="arn:aws:iam::$ACCOUNT:user/$user"
nopass_arn="arn:aws:iam::$ACCOUNT:user/$nopass"

blog_policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","lambda:*"],"Resource":"*"}]}'
lambda_only='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"}]}'
ec2_trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
user_trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"'"$user_arn"'"},"Action":"sts:AssumeRole"}]}'
list_only='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:ListFunctions","Resource":"*"}]}'

# Credentials, "KEY SECRET [TOKEN]"; filled in as the walkthrough creates them.
ROOT="$ROOT_KEY $ROOT_SECRET"
USER_CREDS=""
NOPASS_CREDS=""
SESSION_CREDS=""

# runas CREDS NAME ARGS...: run (lib.sh) with exactly the credentials CREDS
# ("KEY SECRET [TOKEN]") and no others.
runas() {
	local k s t
	read -r k s t <<<"$1"
	shift
	set +e
	(
		export AWS_ACCESS_KEY_ID="$k" AWS_SECRET_ACCESS_KEY="$s"
		if [ -n "$t" ]; then export AWS_SESSION_TOKEN="$t"; else unset AWS_SESSION_TOKEN; fi
		run "$@"
		exit "$RC"
	)
	RC=$?
	set -e
}

# expect_denied WHAT NAME CODE TEXT: the last run failed with error CODE and
# TEXT (a fixed string) in its message.
expect_denied() {
	expect_error "$1" "$2" "$3"
	check_contains "$1 message" "$2.err" "$4"
}

section "the root key"
runas "$ROOT" rootid sts get-caller-identity
if expect_ok "sts get-caller-identity as root" rootid; then
	check_eq "root Arn" "$(jf rootid.json Arn)" "arn:aws:iam::$ACCOUNT:root"
	check_eq "root Account" "$(jf rootid.json Account)" "$ACCOUNT"
fi

section "the blog's IAM steps, signed with the root key"
runas "$ROOT" cpolicy iam create-policy --policy-name "$policy_name" --policy-document "$blog_policy"
expect_ok "iam create-policy $policy_name" cpolicy && check_eq "create-policy Arn" "$(jf cpolicy.json Policy.Arn)" "$policy_arn"
runas "$ROOT" crole iam create-role --role-name "$role_name" --assume-role-policy-document "$LAMBDA_TRUST"
expect_ok "iam create-role $role_name (trusts lambda.amazonaws.com)" crole && check_eq "create-role Arn" "$(jf crole.json Role.Arn)" "$role_arn"
runas "$ROOT" cgroup iam create-group --group-name "$group_name"
expect_ok "iam create-group $group_name" cgroup || true
runas "$ROOT" attach iam attach-group-policy --group-name "$group_name" --policy-arn "$policy_arn"
expect_ok "iam attach-group-policy" attach || true
runas "$ROOT" cuser iam create-user --user-name "$user"
expect_ok "iam create-user $user" cuser && check_eq "create-user Arn" "$(jf cuser.json User.Arn)" "$user_arn"
runas "$ROOT" addgroup iam add-user-to-group --group-name "$group_name" --user-name "$user"
expect_ok "iam add-user-to-group" addgroup || true
runas "$ROOT" ckey iam create-access-key --user-name "$user"
if expect_ok "iam create-access-key --user-name $user" ckey; then
	check_match "AccessKeyId" "$(jf ckey.json AccessKey.AccessKeyId)" '^AKIA[A-Z0-9]{16}$'
	check_eq "access key Status" "$(jf ckey.json AccessKey.Status)" Active
	check_eq "access key UserName" "$(jf ckey.json AccessKey.UserName)" "$user"
	USER_CREDS="$(jf ckey.json AccessKey.AccessKeyId) $(jf ckey.json AccessKey.SecretAccessKey)"
fi

section "with the user's key: who am I, create-function with the role, invoke"
runas "$USER_CREDS" userid sts get-caller-identity
if expect_ok "sts get-caller-identity as $user" userid; then
	check_eq "user Arn" "$(jf userid.json Arn)" "$user_arn"
	check_eq "user Account" "$(jf userid.json Account)" "$ACCOUNT"
	check_match "user UserId" "$(jf userid.json UserId)" '^AIDA[A-Z0-9]+$'
fi
if (cd "$root/testdata/functions/whoami" &&
	CGO_ENABLED=0 GOFLAGS=-mod=mod GOWORK=off timeout 300 go build -trimpath -o "$work/bootstrap" .) &&
	zip -q whoami.zip bootstrap; then
	pass "go build -o bootstrap && zip whoami.zip bootstrap (testdata/functions/whoami)"
else
	fail "build of testdata/functions/whoami"
fi
runas "$USER_CREDS" create lambda create-function --function-name "$fn" --zip-file fileb://./whoami.zip \
	--runtime provided.al2023 --handler bootstrap --role "$role_arn"
if expect_ok "lambda create-function $fn --role $role_name as $user" create; then
	check_eq "create Role" "$(jf create.json Role)" "$role_arn"
	check_eq "create State" "$(jf create.json State)" Active
fi
runas "$USER_CREDS" invoke lambda invoke --function-name "$fn" "${binfmt[@]}" --payload '{}' invoke.out
if expect_ok "lambda invoke $fn as $user" invoke; then
	check_eq "invoke StatusCode" "$(jf invoke.json StatusCode)" 200
	check_eq "invoke FunctionError" "$(jf invoke.json FunctionError)" "<missing>"
	# The function calls sts:GetCallerIdentity with its execution role's credentials.
	check_eq "the function's Arn" "$(jf invoke.out Arn)" "arn:aws:sts::$ACCOUNT:assumed-role/$role_name/$fn"
	check_eq "the function's Account" "$(jf invoke.out Account)" "$ACCOUNT"
fi

section "a user without iam:PassRole"
runas "$ROOT" cnopass iam create-user --user-name "$nopass"
expect_ok "iam create-user $nopass" cnopass || true
runas "$ROOT" pnopass iam put-user-policy --user-name "$nopass" --policy-name lambda-only --policy-document "$lambda_only"
expect_ok "iam put-user-policy (lambda:* only)" pnopass || true
runas "$ROOT" knopass iam create-access-key --user-name "$nopass"
if expect_ok "iam create-access-key --user-name $nopass" knopass; then
	NOPASS_CREDS="$(jf knopass.json AccessKey.AccessKeyId) $(jf knopass.json AccessKey.SecretAccessKey)"
fi
runas "$NOPASS_CREDS" nlist lambda list-functions
expect_ok "lambda list-functions as $nopass (lambda:* allows it)" nlist || true
runas "$NOPASS_CREDS" ncreate lambda create-function --function-name "Nopass$sfx" --zip-file fileb://./whoami.zip \
	--runtime provided.al2023 --handler bootstrap --role "$role_arn"
expect_denied "create-function as $nopass" ncreate AccessDeniedException \
	"User: $nopass_arn is not authorized to perform: iam:PassRole on resource: $role_arn"
runas "$NOPASS_CREDS" ngone lambda get-function --function-name "Nopass$sfx"
expect_error "get-function of the refused function" ngone ResourceNotFoundException

section "a role that does not trust Lambda"
runas "$ROOT" cec2 iam create-role --role-name "$ec2_role_name" --assume-role-policy-document "$ec2_trust"
expect_ok "iam create-role $ec2_role_name (trusts ec2.amazonaws.com)" cec2 || true
runas "$USER_CREDS" ec2create lambda create-function --function-name "Ec2$sfx" --zip-file fileb://./whoami.zip \
	--runtime provided.al2023 --handler bootstrap --role "$ec2_role_arn"
expect_denied "create-function with $ec2_role_name" ec2create InvalidParameterValueException \
	"The role defined for the function cannot be assumed by Lambda."

section "bad credentials"
user_key="${USER_CREDS%% *}"
runas "$user_key wrongwrongwrongwrongwrongwrongwrongwrong" badl lambda list-functions
expect_error "lambda list-functions with a wrong secret" badl InvalidSignatureException
runas "$user_key wrongwrongwrongwrongwrongwrongwrongwrong" badi iam get-user
expect_error "iam get-user with a wrong secret" badi SignatureDoesNotMatch
runas "$user_key wrongwrongwrongwrongwrongwrongwrongwrong" bads sts get-caller-identity
expect_error "sts get-caller-identity with a wrong secret" bads SignatureDoesNotMatch
unknown="AKIAUNKNOWN$(printf '%09d' $((RANDOM * RANDOM % 1000000000)))"
runas "$unknown secretsecretsecretsecretsecretsecret1234" unkl lambda list-functions
expect_error "lambda list-functions with an unknown key" unkl UnrecognizedClientException
runas "$unknown secretsecretsecretsecretsecretsecret1234" unki iam get-user
expect_error "iam get-user with an unknown key" unki InvalidClientTokenId
runas "$unknown secretsecretsecretsecretsecretsecret1234" unks sts get-caller-identity
expect_error "sts get-caller-identity with an unknown key" unks InvalidClientTokenId

section "sts assume-role as the user"
runas "$ROOT" crassume iam create-role --role-name "$assumable_name" --assume-role-policy-document "$user_trust"
expect_ok "iam create-role $assumable_name (trusts $user)" crassume || true
runas "$ROOT" prassume iam put-role-policy --role-name "$assumable_name" --policy-name list-only --policy-document "$list_only"
expect_ok "iam put-role-policy (lambda:ListFunctions)" prassume || true
runas "$USER_CREDS" assume sts assume-role --role-arn "$assumable_arn" --role-session-name "e2e-$sfx"
if expect_ok "sts assume-role $assumable_name as $user" assume; then
	check_match "session AccessKeyId" "$(jf assume.json Credentials.AccessKeyId)" '^ASIA[A-Z0-9]{16}$'
	check_match "session token" "$(jf assume.json Credentials.SessionToken)" '^[^ ]{16,}$'
	check_match "session Expiration" "$(jf assume.json Credentials.Expiration)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T'
	check_eq "AssumedRoleUser Arn" "$(jf assume.json AssumedRoleUser.Arn)" "arn:aws:sts::$ACCOUNT:assumed-role/$assumable_name/e2e-$sfx"
	SESSION_CREDS="$(jf assume.json Credentials.AccessKeyId) $(jf assume.json Credentials.SecretAccessKey) $(jf assume.json Credentials.SessionToken)"
fi
runas "$SESSION_CREDS" sessid sts get-caller-identity
if expect_ok "sts get-caller-identity with the session" sessid; then
	check_eq "session Arn" "$(jf sessid.json Arn)" "arn:aws:sts::$ACCOUNT:assumed-role/$assumable_name/e2e-$sfx"
	check_match "session UserId" "$(jf sessid.json UserId)" "^AROA[A-Z0-9]+:e2e-$sfx\$"
fi
runas "$SESSION_CREDS" sesslist lambda list-functions
expect_ok "lambda list-functions with the session (its role allows it)" sesslist || true
runas "$SESSION_CREDS" sessget lambda get-function --function-name "$fn"
expect_denied "lambda get-function with the session" sessget AccessDeniedException \
	"User: arn:aws:sts::$ACCOUNT:assumed-role/$assumable_name/e2e-$sfx is not authorized to perform: lambda:GetFunction"
runas "${SESSION_CREDS% *}" notoken sts get-caller-identity
expect_error "the session's key without its token" notoken InvalidClientTokenId
runas "$NOPASS_CREDS" nassume sts assume-role --role-arn "$assumable_arn" --role-session-name "e2e-$sfx"
expect_denied "sts assume-role as $nopass (not trusted)" nassume AccessDenied \
	"User: $nopass_arn is not authorized to perform: sts:AssumeRole on resource: $assumable_arn"

section "clean up"
runas "$USER_CREDS" del lambda delete-function --function-name "$fn"
expect_ok "lambda delete-function $fn as $user" del || true

summary "iam ($version)"
