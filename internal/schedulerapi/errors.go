package schedulerapi

import (
	"net/http"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
)

// errorTypes maps domain error codes to Scheduler's exceptions and
// statuses (botocore scheduler/2021-06-30).
var errorTypes = map[string]struct {
	typ    string
	status int
}{
	gofaas.EINVALID:      {"ValidationException", http.StatusBadRequest},
	gofaas.ENOTFOUND:     {"ResourceNotFoundException", http.StatusNotFound},
	gofaas.ECONFLICT:     {"ConflictException", http.StatusConflict},
	gofaas.EPRECONDITION: {"ConflictException", http.StatusConflict},
	gofaas.ETOOLARGE:     {"ServiceQuotaExceededException", http.StatusPaymentRequired},
	gofaas.ETHROTTLED:    {"ThrottlingException", http.StatusTooManyRequests},
	gofaas.EUNAUTHORIZED: {"AccessDeniedException", http.StatusForbidden},
	gofaas.EINTERNAL:     {"InternalServerException", http.StatusInternalServerError},
}

// errorMapper is the awsproto.ErrorMapper of Scheduler.
func errorMapper(code string) (string, int) {
	if t, ok := errorTypes[code]; ok {
		return t.typ, t.status
	}
	return "InternalServerException", http.StatusInternalServerError
}

// writeError renders err as Scheduler does: X-Amzn-ErrorType and a body
// whose message member is "Message", as in the model.
func writeError(w http.ResponseWriter, err error) {
	e := awsproto.ToAPIError(err, errorMapper, "InternalServerException")
	// A shared exception type (from the store or the schedule parser) keeps
	// Scheduler's status.
	for _, t := range errorTypes {
		if t.typ == e.Type {
			e.Status = t.status
		}
	}
	e.MessageKey = "Message"
	awsproto.WriteRESTJSONError(w, e)
}

func validation(msg string) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "ValidationException", "%s", msg)
}

func errUnknownOperation() error {
	return &awsproto.APIError{Status: http.StatusNotFound, Type: "UnknownOperationException", Message: "Unknown operation"}
}
