package iamapi

import (
	"net/http"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
)

// xmlns is IAM's XML namespace (botocore iam/2010-05-08 metadata).
const xmlns = "https://iam.amazonaws.com/doc/2010-05-08/"

// errorTypes maps domain error codes to IAM's error codes and statuses.
var errorTypes = map[string]struct {
	typ    string
	status int
}{
	gofaas.EINVALID:      {"InvalidInput", http.StatusBadRequest},
	gofaas.ENOTFOUND:     {"NoSuchEntity", http.StatusNotFound},
	gofaas.ECONFLICT:     {"EntityAlreadyExists", http.StatusConflict},
	gofaas.EPRECONDITION: {"InvalidInput", http.StatusBadRequest},
	gofaas.ETOOLARGE:     {"LimitExceeded", http.StatusConflict},
	gofaas.ETHROTTLED:    {"Throttling", http.StatusBadRequest},
	gofaas.EUNAUTHORIZED: {"AccessDenied", http.StatusForbidden},
	gofaas.EINTERNAL:     {"ServiceFailure", http.StatusInternalServerError},
}

// typeStatus is the HTTP status of error codes that a *gofaas.Error names
// through its Type (botocore's httpStatusCode for each).
var typeStatus = map[string]int{
	"DeleteConflict":          http.StatusConflict,
	"LimitExceeded":           http.StatusConflict,
	"EntityAlreadyExists":     http.StatusConflict,
	"ValidationError":         http.StatusBadRequest,
	"MalformedPolicyDocument": http.StatusBadRequest,
	"InvalidInput":            http.StatusBadRequest,
	"NoSuchEntity":            http.StatusNotFound,
	"UnmodifiableEntity":      http.StatusBadRequest,
	"PolicyNotAttachable":     http.StatusBadRequest,
	"AccessDenied":            http.StatusForbidden,
	"ExpiredToken":            http.StatusForbidden,
}

func errorMapper(code string) (string, int) {
	if t, ok := errorTypes[code]; ok {
		return t.typ, t.status
	}
	return "ServiceFailure", http.StatusInternalServerError
}

// toAPIError renders err with IAM's codes and statuses.
func toAPIError(err error) *awsproto.APIError {
	e := awsproto.ToAPIError(err, errorMapper, "ServiceFailure")
	if s, ok := typeStatus[e.Type]; ok {
		e.Status = s
	}
	return e
}

// validationError is IAM's ValidationError with the given message.
func validationError(format string, args ...any) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "ValidationError", format, args...)
}
