#!/usr/bin/env bash
# The whole test suite: go vet, the Go unit and end-to-end tests, then the
# aws CLI walkthroughs under e2e/. Every step is bounded in time.
set -euo pipefail
cd "$(dirname "$0")"

echo "== go vet ./..."
go vet ./...

echo "== go test ./..."
go test -race -timeout 15m -count=1 ./...

echo "== e2e: aws CLI walkthroughs"
timeout 900 e2e/run.sh
