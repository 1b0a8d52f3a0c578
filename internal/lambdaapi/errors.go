package lambdaapi

import (
	"errors"
	"net/http"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
)

// errorTypes maps domain error codes to Lambda's exceptions and statuses.
var errorTypes = map[string]struct {
	typ    string
	status int
}{
	gofaas.EINVALID:      {"InvalidParameterValueException", http.StatusBadRequest},
	gofaas.ENOTFOUND:     {"ResourceNotFoundException", http.StatusNotFound},
	gofaas.ECONFLICT:     {"ResourceConflictException", http.StatusConflict},
	gofaas.EPRECONDITION: {"PreconditionFailedException", http.StatusPreconditionFailed},
	gofaas.ETOOLARGE:     {"RequestTooLargeException", http.StatusRequestEntityTooLarge},
	gofaas.ETHROTTLED:    {"TooManyRequestsException", http.StatusTooManyRequests},
	gofaas.EUNAUTHORIZED: {"AccessDeniedException", http.StatusForbidden},
	gofaas.EINTERNAL:     {"ServiceException", http.StatusInternalServerError},
}

// errorMapper is the awsproto.ErrorMapper of Lambda.
func errorMapper(code string) (string, int) {
	if t, ok := errorTypes[code]; ok {
		return t.typ, t.status
	}
	return "ServiceException", http.StatusInternalServerError
}

// capitalMessage lists the exceptions whose model member is "Message"
// rather than "message" (botocore lambda/2015-03-31).
var capitalMessage = map[string]bool{
	"ResourceNotFoundException":       true,
	"ServiceException":                true,
	"ResourceInUseException":          true,
	"CodeVerificationFailedException": true,
	"InvalidCodeSignatureException":   true,
	"InvalidZipFileException":         true,
	"InvalidRuntimeException":         true,
	"NoPublishedVersionException":     true,
	"RecursiveInvocationException":    true,
}

// retryAfterSeconds is the Retry-After a throttled caller is given.
const retryAfterSeconds = "1"

// writeError renders err as Lambda does.
func writeError(w http.ResponseWriter, err error) {
	e := awsproto.ToAPIError(err, errorMapper, "ServiceException")
	var ge *gofaas.Error
	if errors.As(err, &ge) && ge.Code == gofaas.ETHROTTLED {
		if e.Headers == nil {
			e.Headers = map[string]string{}
		}
		e.Headers["Retry-After"] = retryAfterSeconds
	}
	if capitalMessage[e.Type] {
		e.MessageKey = "Message"
	}
	awsproto.WriteRESTJSONError(w, e)
}

// Wire-level errors that have no domain code of their own.
func errInvalidContent(detail string) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "InvalidRequestContentException", "Could not parse request body into json: %s", detail)
}

func errUnknownOperation() error {
	return &awsproto.APIError{Status: http.StatusNotFound, Type: "UnknownOperationException", Message: "Unknown operation"}
}
