package lambdaapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofaas/gofaas"
)

func TestErrorMapper(t *testing.T) {
	tests := []struct {
		code   string
		typ    string
		status int
	}{
		{gofaas.EINVALID, "InvalidParameterValueException", 400},
		{gofaas.ENOTFOUND, "ResourceNotFoundException", 404},
		{gofaas.ECONFLICT, "ResourceConflictException", 409},
		{gofaas.EPRECONDITION, "PreconditionFailedException", 412},
		{gofaas.ETOOLARGE, "RequestTooLargeException", 413},
		{gofaas.ETHROTTLED, "TooManyRequestsException", 429},
		{gofaas.EUNAUTHORIZED, "AccessDeniedException", 403},
		{gofaas.EINTERNAL, "ServiceException", 500},
		{"unheard-of", "ServiceException", 500},
	}
	for _, tt := range tests {
		typ, status := errorMapper(tt.code)
		if typ != tt.typ || status != tt.status {
			t.Errorf("errorMapper(%s) = %s %d, want %s %d", tt.code, typ, status, tt.typ, tt.status)
		}
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		typ    string
		body   map[string]any
		header map[string]string
	}{
		{"not found", gofaas.Errorf(gofaas.ENOTFOUND, "Function not found: x"), 404, "ResourceNotFoundException",
			map[string]any{"Type": "User", "Message": "Function not found: x"}, nil},
		{"typed", gofaas.TypedErrorf(gofaas.EINVALID, "ValidationException", "1 validation error detected: v"), 400, "ValidationException",
			map[string]any{"Type": "User", "message": "1 validation error detected: v"}, nil},
		{"throttled", &gofaas.Error{Code: gofaas.ETHROTTLED, Message: "Rate Exceeded.", Reason: "ReservedFunctionConcurrentInvocationLimitExceeded"}, 429, "TooManyRequestsException",
			map[string]any{"Type": "User", "message": "Rate Exceeded.", "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded"},
			map[string]string{"Retry-After": "1"}},
		{"internal", errors.New("disk on fire"), 500, "ServiceException",
			map[string]any{"Type": "Service", "Message": "An internal error occurred."}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			writeError(rec, tt.err)
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			if got := rec.Header().Get("X-Amzn-ErrorType"); got != tt.typ {
				t.Errorf("X-Amzn-ErrorType = %q, want %q", got, tt.typ)
			}
			for k, v := range tt.header {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.body {
				if body[k] != v {
					t.Errorf("body[%s] = %v, want %v (body %s)", k, body[k], v, rec.Body)
				}
			}
		})
	}
	_ = http.StatusOK
}
