package gofaas

import "context"

// RequestInfo describes the API request being served: who sent it, where,
// and under which id. The gateway sets it; services read it to build ARNs.
type RequestInfo struct {
	RequestID string
	Region    string // from the SigV4 credential scope, or the server default
	AccountID string
	Service   string // signing name: "lambda", "iam", ...
	AccessKey string
	SourceIP  string // the client's address, for aws:SourceIp
}

type requestInfoKey struct{}

// WithRequestInfo returns ctx carrying info.
func WithRequestInfo(ctx context.Context, info *RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, info)
}

// RequestInfoFrom returns the request info in ctx, or a zero value.
func RequestInfoFrom(ctx context.Context) *RequestInfo {
	if info, ok := ctx.Value(requestInfoKey{}).(*RequestInfo); ok {
		return info
	}
	return &RequestInfo{}
}
