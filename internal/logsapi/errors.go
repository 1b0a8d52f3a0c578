package logsapi

import (
	"net/http"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
)

// errorType maps a domain error code to CloudWatch Logs' exception name
// and HTTP status. Like other JSON 1.1 services, CloudWatch Logs answers
// client errors with 400, access denied included.
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
		return "InvalidParameterException", http.StatusBadRequest
	}
	return "ServiceUnavailableException", http.StatusInternalServerError
}

// writeError writes err as CloudWatch Logs does.
func writeError(w http.ResponseWriter, err error) {
	awsproto.WriteJSONError(w, awsproto.ToAPIError(err, errorType, "ServiceUnavailableException"))
}

// invalidf returns an InvalidParameterException.
func invalidf(format string, args ...any) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "InvalidParameterException", format, args...)
}
