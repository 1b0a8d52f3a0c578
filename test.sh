#!/usr/bin/env bash
# The whole test suite: go vet, the Go unit and end-to-end tests, then the
# aws CLI walkthroughs under e2e/. Every step is bounded in time.
set -euo pipefail
cd "$(dirname "$0")"

# The e2e walkthroughs drive the real aws CLIs: v1 if one is on PATH, and v2
# at /usr/bin/aws (Debian's awscli package), installed here when we can.
if ! [ -x /usr/bin/aws ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "== installing aws CLI v2 (apt-get install awscli)"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null
fi

echo "== go vet ./..."
go vet ./...

echo "== go test ./..."
go test -race -timeout 15m -count=1 ./...

echo "== e2e: aws CLI walkthroughs"
if command -v aws >/dev/null || [ -x /usr/bin/aws ]; then
	timeout 900 e2e/run.sh
else
	echo "e2e skipped: no aws CLI on this machine (as root, this script installs Debian's awscli)"
fi
