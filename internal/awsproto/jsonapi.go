package awsproto

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofaas/gofaas"
)

// JSONOperation is one operation of a JSON 1.1 service (X-Amz-Target
// "<Prefix><Operation>"): the scope its IAM resource is built from, and
// how it runs on a service handler of type H.
type JSONOperation[H any] struct {
	Scope int
	Run   func(h H, ctx context.Context, body []byte) (any, error)
}

// JSONMethod adapts a typed method of H to a JSONOperation: the body is
// decoded into a new In and the method's *Out becomes the answer.
func JSONMethod[H, In, Out any](scope int, m func(h H, ctx context.Context, in *In) (*Out, error)) JSONOperation[H] {
	return JSONOperation[H]{Scope: scope, Run: func(h H, ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if err := DecodeJSON(body, in); err != nil {
			return nil, err
		}
		return m(h, ctx, in)
	}}
}

// JSONService is the wire side of a JSON 1.1 service, written once: target
// dispatch, body limit, authorization, answer and errors.
type JSONService[H any] struct {
	TargetPrefix string // "Logs_20140328."
	MaxBody      int
	Operations   map[string]JSONOperation[H]
	// Authorize checks the caller's IAM permission for operation name.
	Authorize func(h H, ctx context.Context, name string, scope int, body []byte) error
	// WriteError renders an error as the service does.
	WriteError func(w http.ResponseWriter, err error)
	// TooLarge is the error for a body over MaxBody.
	TooLarge error
}

// Serve answers one request with handler h.
func (s *JSONService[H]) Serve(h H, w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if id := gofaas.RequestInfoFrom(ctx).RequestID; id != "" {
		w.Header().Set("X-Amzn-RequestId", id)
	}
	name, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), s.TargetPrefix)
	o, known := s.Operations[name]
	if r.Method != http.MethodPost || !ok || !known {
		s.WriteError(w, gofaas.TypedErrorf(gofaas.EINVALID, "UnknownOperationException", ""))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(s.MaxBody)+1))
	if err != nil {
		s.WriteError(w, gofaas.TypedErrorf(gofaas.EINVALID, "SerializationException", "Could not read the request body"))
		return
	} else if len(body) > s.MaxBody {
		s.WriteError(w, s.TooLarge)
		return
	}
	if err := s.Authorize(h, ctx, name, o.Scope, body); err != nil {
		s.WriteError(w, err)
		return
	}
	out, err := o.Run(h, ctx, body)
	if err != nil {
		s.WriteError(w, err)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		s.WriteError(w, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/x-amz-json-1.1")
	hd.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// DecodeJSON decodes a JSON 1.1 request body into v; an empty body is an
// empty object. Errors are SerializationException, without Go type names.
func DecodeJSON(body []byte, v any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		msg := "malformed JSON"
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			msg = "unexpected value for " + strconv.Quote(te.Field)
		}
		return gofaas.TypedErrorf(gofaas.EINVALID, "SerializationException", "Could not parse the request: %s", msg)
	}
	return nil
}
