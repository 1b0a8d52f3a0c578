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
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
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
type operation struct {
	scope int
	run   func(h *Handler, ctx context.Context, body []byte) (any, error)
}

// op adapts a typed method to the route table.
func op[In any, Out any](scope int, m func(h *Handler, ctx context.Context, in *In) (*Out, error)) operation {
	return operation{scope: scope, run: func(h *Handler, ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if err := decode(body, in); err != nil {
			return nil, err
		}
		return m(h, ctx, in)
	}}
}

// operations is the route table: X-Amz-Target operation → handler.
var operations = map[string]operation{
	"CreateLogGroup":        op(scopeGroup, (*Handler).CreateLogGroup),
	"DeleteLogGroup":        op(scopeGroup, (*Handler).DeleteLogGroup),
	"DescribeLogGroups":     op(scopeAll, (*Handler).DescribeLogGroups),
	"CreateLogStream":       op(scopeGroup, (*Handler).CreateLogStream),
	"DeleteLogStream":       op(scopeStream, (*Handler).DeleteLogStream),
	"DescribeLogStreams":    op(scopeGroup, (*Handler).DescribeLogStreams),
	"PutLogEvents":          op(scopeStream, (*Handler).PutLogEvents),
	"GetLogEvents":          op(scopeStream, (*Handler).GetLogEvents),
	"FilterLogEvents":       op(scopeGroup, (*Handler).FilterLogEvents),
	"PutRetentionPolicy":    op(scopeGroup, (*Handler).PutRetentionPolicy),
	"DeleteRetentionPolicy": op(scopeGroup, (*Handler).DeleteRetentionPolicy),
	"TagLogGroup":           op(scopeGroup, (*Handler).TagLogGroup),
	"UntagLogGroup":         op(scopeGroup, (*Handler).UntagLogGroup),
	"ListTagsLogGroup":      op(scopeGroup, (*Handler).ListTagsLogGroup),
	"TagResource":           op(scopeARN, (*Handler).TagResource),
	"UntagResource":         op(scopeARN, (*Handler).UntagResource),
	"ListTagsForResource":   op(scopeARN, (*Handler).ListTagsForResource),
}

// maxBody bounds a request body: a full PutLogEvents batch with JSON
// escaping to spare.
const maxBody = 8 << 20

// ServeHTTP serves one CloudWatch Logs request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if id := gofaas.RequestInfoFrom(ctx).RequestID; id != "" {
		w.Header().Set("X-Amzn-RequestId", id)
	}
	if r.Method != http.MethodPost {
		writeError(w, gofaas.TypedErrorf(gofaas.EINVALID, "UnknownOperationException", ""))
		return
	}
	name, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	o, known := operations[name]
	if !ok || !known {
		writeError(w, gofaas.TypedErrorf(gofaas.EINVALID, "UnknownOperationException", ""))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		writeError(w, gofaas.TypedErrorf(gofaas.EINVALID, "SerializationException", "Could not read the request body"))
		return
	} else if len(body) > maxBody {
		writeError(w, gofaas.TypedErrorf(gofaas.EINVALID, "InvalidParameterException", "Request body too large"))
		return
	}
	if err := h.authorize(ctx, name, o.scope, body); err != nil {
		writeError(w, err)
		return
	}
	out, err := o.run(h, ctx, body)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, out)
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

// decode reads a JSON request body; an empty body is an empty object.
func decode(body []byte, v any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return gofaas.TypedErrorf(gofaas.EINVALID, "SerializationException", "Could not parse the request: %s", jsonProblem(err))
	}
	return nil
}

// jsonProblem describes a decoding error without Go type names.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "unexpected value for " + strconv.Quote(te.Field)
	}
	return "malformed JSON"
}

// writeJSON writes a JSON 1.1 response.
func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
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
