// Package cloudwatchapi is CloudWatch's metrics API (botocore model
// cloudwatch/2010-08-01) over a metrics.Recorder. The model lists three
// protocols and real clients use each: aws-sdk-go-v2 speaks Smithy RPC v2
// CBOR, the aws CLI v1 with a current botocore speaks JSON 1.0, and older
// CLIs (the Debian aws CLI v2) speak the query protocol. The Handler
// answers every request in the protocol it was asked in; the operations
// share one set of input and output shapes.
package cloudwatchapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
	"github.com/gofaas/gofaas/internal/metrics"
)

// TargetPrefix is the X-Amz-Target prefix of the JSON protocol and the
// service name in RPC v2 CBOR paths.
const TargetPrefix = "GraniteServiceVersion20100801"

// Handler serves the CloudWatch metrics API (the gateway sends it the
// requests signed for service "monitoring").
type Handler struct {
	Metrics *metrics.Recorder
	// Authorizer decides every operation (action "cloudwatch:OP",
	// resource "*"); nil allows everything.
	Authorizer gofaas.Authorizer
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

type protocol int

const (
	protoQuery protocol = iota
	protoJSON
	protoCBOR
)

// call is one request being served.
type call struct {
	ctx   context.Context
	h     *Handler
	proto protocol
	op    string
	body  []byte
	q     *awsproto.Query
}

// operation runs one action and returns its output shape (nil for none).
type operation func(c *call) (any, error)

// operations is the route table.
var operations = map[string]operation{
	"PutMetricData":       (*call).putMetricData,
	"GetMetricStatistics": (*call).getMetricStatistics,
	"GetMetricData":       (*call).getMetricData,
	"ListMetrics":         (*call).listMetrics,
}

// maxBody bounds a CBOR or JSON request body (PutMetricData: 1 MB as
// AWS documents, with room for encoding).
const maxBody = 2 << 20

// ServeHTTP serves one CloudWatch request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	info := gofaas.RequestInfoFrom(ctx)
	c := &call{ctx: ctx, h: h}
	if err := decompress(r); err != nil {
		h.writeError(w, c, info, gofaas.TypedErrorf(gofaas.EINVALID, "SerializationException", "%s", err.Error()))
		return
	}
	switch {
	case awsproto.IsCBOR(r):
		c.proto = protoCBOR
		svc, op, ok := awsproto.CBOROperation(r.URL.Path)
		if !ok || svc != TargetPrefix || r.Method != http.MethodPost {
			h.writeError(w, c, info, gofaas.TypedErrorf(gofaas.EINVALID, "UnknownOperationException", "Unknown operation."))
			return
		}
		c.op = op
	case r.Header.Get("X-Amz-Target") != "":
		c.proto = protoJSON
		target := r.Header.Get("X-Amz-Target")
		op, ok := strings.CutPrefix(target, TargetPrefix+".")
		if !ok {
			h.writeError(w, c, info, gofaas.TypedErrorf(gofaas.EINVALID, "UnknownOperationException", "Unknown operation %s.", target))
			return
		}
		c.op = op
	default:
		c.proto = protoQuery
		q, err := awsproto.ReadQuery(r)
		if err != nil {
			h.writeError(w, c, info, gofaas.TypedErrorf(gofaas.EINVALID, "MalformedQueryString", "%s", err.Error()))
			return
		}
		c.q, c.op = q, q.Action
	}
	op, ok := operations[c.op]
	if !ok {
		switch {
		case c.proto != protoQuery:
			h.writeError(w, c, info, gofaas.TypedErrorf(gofaas.EINVALID, "UnknownOperationException", "Unknown operation %s.", c.op))
		case c.op == "":
			h.writeError(w, c, info, gofaas.TypedErrorf(gofaas.EINVALID, "InvalidAction", "Missing Action"))
		default:
			h.writeError(w, c, info, gofaas.TypedErrorf(gofaas.EINVALID, "InvalidAction",
				"Could not find operation %s for version %s", c.op, c.q.Version))
		}
		return
	}
	if c.proto != protoQuery && r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			h.writeError(w, c, info, err)
			return
		}
		if len(b) > maxBody {
			h.writeError(w, c, info, gofaas.Errorf(gofaas.ETOOLARGE, "Request must be smaller than %d bytes.", maxBody))
			return
		}
		c.body = b
	}
	if h.Authorizer != nil {
		if err := h.Authorizer.Authorize(ctx, &gofaas.AuthRequest{Principal: gofaas.PrincipalFrom(ctx),
			Action: "cloudwatch:" + c.op, Resource: "*"}); err != nil {
			h.writeError(w, c, info, err)
			return
		}
	}
	out, err := op(c)
	if err != nil {
		h.writeError(w, c, info, err)
		return
	}
	switch c.proto {
	case protoCBOR:
		awsproto.WriteCBOR(w, out)
	case protoJSON:
		writeJSON(w, out)
	default:
		awsproto.WriteQueryResponse(w, c.op, xmlns, info.RequestID, out)
	}
}

// decompress replaces a gzip-encoded body (PutMetricData is compressed by
// the SDKs past 10 KB) by its decoded bytes, at most maxBody of them.
func decompress(r *http.Request) error {
	enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	if enc == "" || enc == "identity" || r.Body == nil {
		return nil
	}
	if enc != "gzip" {
		return fmt.Errorf("unsupported Content-Encoding %q", enc)
	}
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		return fmt.Errorf("malformed gzip body: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(zr, maxBody+1))
	if err != nil {
		return fmt.Errorf("malformed gzip body: %w", err)
	}
	if len(b) > maxBody {
		return fmt.Errorf("request body larger than %d bytes", maxBody)
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.Header.Del("Content-Encoding")
	return nil
}

// decode reads the request's input shape into v.
func (c *call) decode(v any) error {
	var err error
	switch c.proto {
	case protoCBOR:
		err = awsproto.DecodeCBOR(c.body, v)
	case protoJSON:
		if len(c.body) > 0 {
			err = json.Unmarshal(c.body, v)
		}
	default:
		err = decodeForm(c.q.Values, v)
	}
	if err != nil {
		return gofaas.TypedErrorf(gofaas.EINVALID, "SerializationException", "%s", err.Error())
	}
	return nil
}

// name returns a member's name in messages: the query protocol's dotted
// form, which CloudWatch uses in every protocol.
func name(parts ...any) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('.')
		}
		switch p := p.(type) {
		case string:
			b.WriteString(p)
		case int:
			b.WriteString("member.")
			b.WriteString(strconv.Itoa(p + 1))
		}
	}
	return b.String()
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handler) writeError(w http.ResponseWriter, c *call, info *gofaas.RequestInfo, err error) {
	e := toAPIError(err, c.proto)
	switch c.proto {
	case protoCBOR:
		awsproto.WriteCBORError(w, e)
	case protoJSON:
		awsproto.WriteJSONError(w, e)
	default:
		awsproto.WriteQueryError(w, e, xmlns, info.RequestID)
	}
}

// WriteError renders an error the gateway raised before the Handler ran
// (authentication) in the protocol of r.
func WriteError(w http.ResponseWriter, r *http.Request, e *awsproto.APIError) {
	p := protoQuery
	switch {
	case awsproto.IsCBOR(r):
		p = protoCBOR
	case r.Header.Get("X-Amz-Target") != "":
		p = protoJSON
	}
	code := e.Type
	out := *e
	if p != protoQuery {
		fault := "Sender"
		if e.Status >= 500 {
			fault = "Receiver"
		}
		out.Headers = map[string]string{"X-Amzn-Query-Error": code + ";" + fault}
		for k, v := range e.Headers {
			out.Headers[k] = v
		}
	}
	switch p {
	case protoCBOR:
		awsproto.WriteCBORError(w, &out)
	case protoJSON:
		awsproto.WriteJSONError(w, &out)
	default:
		awsproto.WriteQueryError(w, &out, xmlns, gofaas.RequestInfoFrom(r.Context()).RequestID)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	if v == nil {
		v = struct{}{}
	}
	b, err := json.Marshal(v)
	if err != nil {
		awsproto.WriteJSONError(w, toAPIError(err, protoJSON))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.0")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}
