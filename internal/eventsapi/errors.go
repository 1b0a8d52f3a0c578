package eventsapi

import (
	"net/http"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
)

// errorType maps a domain error code to EventBridge's exception name and
// HTTP status. EventBridge answers every client error with 400.
func errorType(code string) (string, int) {
	switch code {
	case gofaas.ENOTFOUND:
		return "ResourceNotFoundException", http.StatusBadRequest
	case gofaas.ECONFLICT:
		return "ResourceAlreadyExistsException", http.StatusBadRequest
	case gofaas.EUNAUTHORIZED:
		return "AccessDeniedException", http.StatusBadRequest
	case gofaas.ETHROTTLED:
		return "ThrottlingException", http.StatusBadRequest
	case gofaas.ETOOLARGE:
		return "LimitExceededException", http.StatusBadRequest
	case gofaas.EINVALID, gofaas.EPRECONDITION:
		return "ValidationException", http.StatusBadRequest
	}
	return "InternalException", http.StatusInternalServerError
}

// writeError writes err as EventBridge does.
func writeError(w http.ResponseWriter, err error) {
	awsproto.WriteJSONError(w, awsproto.ToAPIError(err, errorType, "InternalException"))
}

// invalidf returns a ValidationException.
func invalidf(format string, args ...any) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "ValidationException", format, args...)
}

// badPatternf returns an InvalidEventPatternException.
func badPatternf(format string, args ...any) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "InvalidEventPatternException", format, args...)
}
