// Package awsproto writes AWS wire responses: JSON bodies and error bodies in
// the shape each protocol (rest-json, json, query) expects, so that the AWS
// SDKs and CLIs decode them. It is the only package that renders errors.
package awsproto

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gofaas/gofaas"
)

// APIError is an error as an AWS service reports it on the wire.
type APIError struct {
	Status  int    // HTTP status
	Type    string // exception name, e.g. "ResourceNotFoundException"
	Message string
	// Fields are extra members of the error body (e.g. "Reason").
	Fields map[string]any
	// Headers are extra response headers (e.g. "Retry-After").
	Headers map[string]string
	// MessageKey names the message member of the body: "message" unless
	// the service's model spells it "Message" for this exception.
	MessageKey string
}

// Error implements error.
func (e *APIError) Error() string { return e.Type + ": " + e.Message }

// ErrorMapper maps a domain error code to an exception name and status.
type ErrorMapper func(code string) (typ string, status int)

// ToAPIError converts err to an APIError using m for *gofaas.Error codes.
// An *APIError passes through; any other error is an internal error whose
// text is logged, never shown.
func ToAPIError(err error, m ErrorMapper, internalType string) *APIError {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae
	}
	var ge *gofaas.Error
	if errors.As(err, &ge) && ge.Code != gofaas.EINTERNAL {
		typ, status := m(ge.Code)
		if ge.Type != "" {
			typ = ge.Type
		}
		out := &APIError{Status: status, Type: typ, Message: ge.Message}
		if ge.Reason != "" {
			out.Fields = map[string]any{"Reason": ge.Reason}
		}
		return out
	}
	slog.Error("internal error", "err", err)
	return &APIError{Status: http.StatusInternalServerError, Type: internalType, Message: "An internal error occurred."}
}

// WriteJSON writes v as a JSON body with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		slog.Error("encode response", "err", err)
		http.Error(w, `{"message":"An internal error occurred."}`, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// WriteRESTJSONError writes e as a rest-json service (Lambda, API Gateway)
// does: X-Amzn-ErrorType names the exception, the body carries Type and
// message.
func WriteRESTJSONError(w http.ResponseWriter, e *APIError) {
	key := e.MessageKey
	if key == "" {
		key = "message"
	}
	body := map[string]any{"Type": "User", key: e.Message}
	if e.Status >= 500 {
		body["Type"] = "Service"
	}
	for k, v := range e.Fields {
		body[k] = v
	}
	h := w.Header()
	h.Set("X-Amzn-ErrorType", e.Type)
	for k, v := range e.Headers {
		h.Set(k, v)
	}
	WriteJSON(w, e.Status, body)
}

// WriteJSONError writes e as a JSON 1.0/1.1 service (DynamoDB, Logs, Events)
// does: the body's __type names the exception.
func WriteJSONError(w http.ResponseWriter, e *APIError) {
	body := map[string]any{"__type": e.Type, "message": e.Message}
	for k, v := range e.Fields {
		body[k] = v
	}
	for k, v := range e.Headers {
		w.Header().Set(k, v)
	}
	w.Header().Set("X-Amzn-ErrorType", e.Type)
	b, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(e.Status)
	w.Write(b)
}
