package logsapi

import (
	"context"
	"strings"

	"github.com/gofaas/gofaas"
)

// Defaults for requests that carry no region or account (in-process
// callers and tests).
const (
	defaultRegion  = "us-east-1"
	defaultAccount = "000000000000"
)

func regionAccount(ctx context.Context) (string, string) {
	info := gofaas.RequestInfoFrom(ctx)
	region, account := info.Region, info.AccountID
	if region == "" {
		region = defaultRegion
	}
	if account == "" {
		account = defaultAccount
	}
	return region, account
}

// groupARN returns a log group's ARN as DescribeLogGroups' arn member and
// IAM spell it: arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*.
func groupARN(ctx context.Context, group string) string {
	return groupARNNoStar(ctx, group) + ":*"
}

// groupARNNoStar returns the ARN without the trailing ":*"
// (DescribeLogGroups' logGroupArn, the tagging APIs' resourceArn).
func groupARNNoStar(ctx context.Context, group string) string {
	region, account := regionAccount(ctx)
	return "arn:aws:logs:" + region + ":" + account + ":log-group:" + group
}

// streamARN returns a log stream's ARN.
func streamARN(ctx context.Context, group, stream string) string {
	return groupARNNoStar(ctx, group) + ":log-stream:" + stream
}

// groupFromARN returns the log group an ARN names
// (arn:aws:logs:R:A:log-group:NAME, with or without ":*").
func groupFromARN(arn string) (string, bool) {
	a, err := gofaas.ParseARN(arn)
	if err != nil || a.Service != "logs" {
		return "", false
	}
	name, ok := strings.CutPrefix(a.Resource, "log-group:")
	if !ok {
		return "", false
	}
	name = strings.TrimSuffix(name, ":*")
	if name == "" || strings.Contains(name, ":") {
		return "", false
	}
	return name, true
}

// groupName returns the log group of a request that names it by
// logGroupName or logGroupIdentifier (a name or an ARN).
func groupName(name, identifier string) string {
	if name != "" || identifier == "" {
		return name
	}
	if g, ok := groupFromARN(identifier); ok {
		return g
	}
	return identifier
}
