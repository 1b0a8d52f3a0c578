package lambdaapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/gofaas/gofaas"
)

// invocation is the per-request state of Invoke, pooled so that a warm
// invoke allocates little: the body buffer, its limit reader and the
// InvokeInput handed to the Invoker (which must not keep either after it
// returns).
type invocation struct {
	buf bytes.Buffer
	lr  io.LimitedReader
	in  gofaas.InvokeInput
}

var invocations = sync.Pool{New: func() any { return new(invocation) }}

// maxPooledBuffer is the largest body buffer kept for reuse.
const maxPooledBuffer = 1 << 20

// contentTypeJSON is shared by every Invoke response; nothing modifies it.
var contentTypeJSON = []string{"application/json"}

// emptyEvent is what a function receives for an empty payload. The
// Invoker must not modify payloads.
var emptyEvent = []byte("{}")

func (h *Handler) invoke(w http.ResponseWriter, r *http.Request) {
	hd := r.Header
	typ := hd.Get("X-Amz-Invocation-Type")
	switch typ {
	case "":
		typ = gofaas.InvocationRequestResponse
	case gofaas.InvocationRequestResponse, gofaas.InvocationEvent, gofaas.InvocationDryRun:
	default:
		writeError(w, enumError("invocationType", typ, "[Event, RequestResponse, DryRun]"))
		return
	}
	logType := hd.Get("X-Amz-Log-Type")
	switch logType {
	case "", "None", "Tail":
	default:
		writeError(w, enumError("logType", logType, "[None, Tail]"))
		return
	}
	limit := gofaas.MaxSyncPayload
	if typ == gofaas.InvocationEvent {
		limit = gofaas.MaxAsyncPayload
	}
	h.serveInvoke(w, r, typ, logType, limit, "InvokeFunction", false)
}

// invokeAsync is the legacy InvokeAsync operation: an Event invocation
// answered with {"Status":202}.
func (h *Handler) invokeAsync(w http.ResponseWriter, r *http.Request) {
	h.serveInvoke(w, r, gofaas.InvocationEvent, "", maxInvokeAsyncPayload, "InvokeAsync", true)
}

// maxInvokeAsyncPayload is the legacy InvokeAsync operation's limit.
const maxInvokeAsyncPayload = 256 << 10

func (h *Handler) serveInvoke(w http.ResponseWriter, r *http.Request, typ, logType string, limit int, op string, legacy bool) {
	if r.ContentLength > int64(limit) {
		writeError(w, invokeTooLarge(limit, op))
		return
	}
	inv := invocations.Get().(*invocation)
	inv.buf.Reset()
	inv.lr.R, inv.lr.N = r.Body, int64(limit)+1
	_, err := inv.buf.ReadFrom(&inv.lr)
	inv.lr.R = nil
	if err != nil {
		release(inv)
		writeError(w, errInvalidContent(err.Error()))
		return
	}
	payload := inv.buf.Bytes()
	if len(payload) > limit {
		release(inv)
		writeError(w, invokeTooLarge(limit, op))
		return
	}
	if len(bytes.TrimSpace(payload)) == 0 {
		payload = emptyEvent
	} else if !json.Valid(payload) {
		var v any
		msg := "invalid JSON"
		if err := json.Unmarshal(payload, &v); err != nil {
			msg = err.Error()
		}
		release(inv)
		writeError(w, errInvalidContent("Could not parse payload into json: "+msg))
		return
	}
	inv.in = gofaas.InvokeInput{
		FunctionName:   r.PathValue("FunctionName"),
		Qualifier:      queryValue(r.URL.RawQuery, "Qualifier"),
		InvocationType: typ,
		LogType:        logType,
		ClientContext:  r.Header.Get("X-Amz-Client-Context"),
		Payload:        payload,
		RequestID:      gofaas.RequestInfoFrom(r.Context()).RequestID,
	}
	out, err := h.Invoker.Invoke(r.Context(), &inv.in)
	if typ != gofaas.InvocationEvent {
		// An accepted event may still be referenced by a queue that
		// did not copy it; only synchronous buffers are reused.
		defer release(inv)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	if legacy {
		writeJSON(w, http.StatusAccepted, struct{ Status int }{http.StatusAccepted})
		return
	}
	status := out.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	rh := w.Header()
	if out.FunctionError != "" {
		rh.Set("X-Amz-Function-Error", out.FunctionError)
	}
	if out.LogResult != "" {
		rh.Set("X-Amz-Log-Result", out.LogResult)
	}
	if out.ExecutedVersion != "" && status == http.StatusOK {
		rh.Set("X-Amz-Executed-Version", out.ExecutedVersion)
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	rh["Content-Type"] = contentTypeJSON
	rh.Set("Content-Length", strconv.Itoa(len(out.Payload)))
	w.WriteHeader(status)
	w.Write(out.Payload)
}

func release(inv *invocation) {
	inv.in = gofaas.InvokeInput{}
	if inv.buf.Cap() > maxPooledBuffer {
		return
	}
	invocations.Put(inv)
}

func invokeTooLarge(limit int, op string) error {
	return gofaas.Errorf(gofaas.ETOOLARGE, "Request must be smaller than %d bytes for the %s operation", limit, op)
}

func enumError(field, value, set string) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "ValidationException", "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: %s", value, field, set)
}

// queryValue returns the first value of key in a raw query string without
// parsing all of it.
func queryValue(raw, key string) string {
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(kv, "=")
		if k != key {
			continue
		}
		if strings.ContainsAny(v, "%+") {
			if u, err := url.QueryUnescape(v); err == nil {
				return u
			}
		}
		return v
	}
	return ""
}
