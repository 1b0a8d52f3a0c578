// Package logsapi is CloudWatch Logs' JSON 1.1 API (botocore model
// logs/2014-03-28) over a gofaas.LogStore: POST / with
// X-Amz-Target: Logs_20140328.<Operation>. Each operation is a typed
// method of Handler; ServeHTTP only decodes, asks the Authorizer, and
// encodes.
//
// # Paging tokens
//
// Events are ordered by timestamp, then by the store's arrival number
// (gofaas.LogPosition). GetLogEvents' tokens are "f/" or "b/" followed by
// a position: a forward token reads the events after it, a backward token
// the events before it; a page that finds no events returns the token it
// was given, as CloudWatch Logs does, so a paginator knows it has reached
// the end. FilterLogEvents' nextToken is the position up to which the
// group was searched; a call searches a bounded number of events
// (Handler.ScanBudget), so like CloudWatch Logs it can return few or no
// events with a nextToken.
package logsapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
)

// Handler serves the CloudWatch Logs API.
type Handler struct {
	Store gofaas.LogStore
	// Authorizer decides whether the caller may do each operation
	// ("logs:<Operation>" on the log group's or stream's ARN); nil allows
	// everything.
	Authorizer gofaas.Authorizer
	// Now returns the current time (PutLogEvents' age checks, ingestion
	// times); nil means time.Now.
	Now func() time.Time
	// ScanBudget bounds the events one FilterLogEvents call examines
	// before it returns a nextToken; 0 means 200,000. ScanTime bounds the
	// time it searches the same way; 0 means 50 ms, < 0 no bound.
	ScanBudget int
	ScanTime   time.Duration
	// OnDeleteLogGroup, when set, is told about each log group a caller
	// deleted (Lambda recreates its groups only under AWS's rule).
	OnDeleteLogGroup func(name string)
}

// targetPrefix prefixes X-Amz-Target.
const targetPrefix = "Logs_20140328."

// Resource scopes of the IAM check.
const (
	scopeAll    = iota // "*"
	scopeGroup         // arn:aws:logs:R:A:log-group:NAME:*
	scopeStream        // arn:aws:logs:R:A:log-group:NAME:log-stream:STREAM
	scopeARN           // the request's resourceArn
)

// operation is one API operation: how to authorize it and run it.
// operations is the route table: X-Amz-Target operation → handler.
var operations = map[string]awsproto.JSONOperation[*Handler]{
	"CreateLogGroup":        awsproto.JSONMethod(scopeGroup, (*Handler).CreateLogGroup),
	"DeleteLogGroup":        awsproto.JSONMethod(scopeGroup, (*Handler).DeleteLogGroup),
	"DescribeLogGroups":     awsproto.JSONMethod(scopeAll, (*Handler).DescribeLogGroups),
	"CreateLogStream":       awsproto.JSONMethod(scopeGroup, (*Handler).CreateLogStream),
	"DeleteLogStream":       awsproto.JSONMethod(scopeStream, (*Handler).DeleteLogStream),
	"DescribeLogStreams":    awsproto.JSONMethod(scopeGroup, (*Handler).DescribeLogStreams),
	"PutLogEvents":          awsproto.JSONMethod(scopeStream, (*Handler).PutLogEvents),
	"GetLogEvents":          awsproto.JSONMethod(scopeStream, (*Handler).GetLogEvents),
	"FilterLogEvents":       awsproto.JSONMethod(scopeGroup, (*Handler).FilterLogEvents),
	"PutRetentionPolicy":    awsproto.JSONMethod(scopeGroup, (*Handler).PutRetentionPolicy),
	"DeleteRetentionPolicy": awsproto.JSONMethod(scopeGroup, (*Handler).DeleteRetentionPolicy),
	"TagLogGroup":           awsproto.JSONMethod(scopeGroup, (*Handler).TagLogGroup),
	"UntagLogGroup":         awsproto.JSONMethod(scopeGroup, (*Handler).UntagLogGroup),
	"ListTagsLogGroup":      awsproto.JSONMethod(scopeGroup, (*Handler).ListTagsLogGroup),
	"TagResource":           awsproto.JSONMethod(scopeARN, (*Handler).TagResource),
	"UntagResource":         awsproto.JSONMethod(scopeARN, (*Handler).UntagResource),
	"ListTagsForResource":   awsproto.JSONMethod(scopeARN, (*Handler).ListTagsForResource),
}

// maxBody bounds a request body: a full PutLogEvents batch with JSON
// escaping to spare.
const maxBody = 8 << 20

// service is the CloudWatch Logs wire protocol over Handler's operations.
var service = &awsproto.JSONService[*Handler]{
	TargetPrefix: targetPrefix,
	MaxBody:      maxBody,
	Operations:   operations,
	Authorize:    (*Handler).authorize,
	WriteError:   writeError,
	TooLarge:     gofaas.TypedErrorf(gofaas.EINVALID, "InvalidParameterException", "Request body too large"),
}

// ServeHTTP serves one CloudWatch Logs request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	service.Serve(h, w, r)
}

// authorize asks the Authorizer about action "logs:<name>" on the
// resource the request names.
func (h *Handler) authorize(ctx context.Context, name string, scope int, body []byte) error {
	if h.Authorizer == nil {
		return nil
	}
	resource := "*"
	if scope != scopeAll {
		// The members that name the resource; a malformed body is left
		// for the operation to reject.
		var ref struct {
			LogGroupName       string `json:"logGroupName"`
			LogGroupIdentifier string `json:"logGroupIdentifier"`
			LogStreamName      string `json:"logStreamName"`
			ResourceARN        string `json:"resourceArn"`
		}
		_ = json.Unmarshal(body, &ref)
		group := groupName(ref.LogGroupName, ref.LogGroupIdentifier)
		switch scope {
		case scopeGroup:
			resource = groupARN(ctx, group)
		case scopeStream:
			resource = streamARN(ctx, group, ref.LogStreamName)
		case scopeARN:
			resource = ref.ResourceARN
			if g, ok := groupFromARN(ref.ResourceARN); ok {
				resource = groupARN(ctx, g)
			}
		}
	}
	return h.Authorizer.Authorize(ctx, &gofaas.AuthRequest{
		Principal: gofaas.PrincipalFrom(ctx), Action: "logs:" + name, Resource: resource,
	})
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// EnforceRetention deletes the events older than their group's retention
// at now; the server calls it periodically.
func (h *Handler) EnforceRetention(ctx context.Context, now time.Time) (int64, error) {
	return h.Store.EnforceRetention(ctx, now)
}
