package cloudwatchapi

import (
	"net/http"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
)

// xmlns is CloudWatch's XML namespace (botocore cloudwatch/2010-08-01).
const xmlns = "http://monitoring.amazonaws.com/doc/2010-08-01/"

// shapePrefix prefixes the __type of modeled errors in CBOR and JSON.
const shapePrefix = "com.amazonaws.cloudwatch#"

// Query error codes, which *gofaas.Error.Type carries.
const (
	codeInvalidValue       = "InvalidParameterValue"
	codeMissing            = "MissingParameter"
	codeInvalidCombination = "InvalidParameterCombination"
	codeInvalidNextToken   = "InvalidNextToken"
	codeResourceNotFound   = "ResourceNotFound"
	codeLimitExceeded      = "LimitExceeded"
	codeInternal           = "InternalServiceError"
	codeAccessDenied       = "AccessDenied"
)

// errorShapes maps a query error code to the exception shape the CBOR and
// JSON protocols name, whether the model declares it (so its __type is a
// full shape id), and the HTTP status (botocore's error traits).
var errorShapes = map[string]struct {
	shape   string
	modeled bool
	status  int
}{
	codeInvalidValue:            {"InvalidParameterValueException", true, http.StatusBadRequest},
	codeMissing:                 {"MissingRequiredParameterException", true, http.StatusBadRequest},
	codeInvalidCombination:      {"InvalidParameterCombinationException", true, http.StatusBadRequest},
	codeInvalidNextToken:        {"InvalidNextToken", true, http.StatusBadRequest},
	codeResourceNotFound:        {"ResourceNotFound", true, http.StatusNotFound},
	codeLimitExceeded:           {"LimitExceededFault", true, http.StatusBadRequest},
	codeInternal:                {"InternalServiceFault", true, http.StatusInternalServerError},
	codeAccessDenied:            {"AccessDeniedException", false, http.StatusForbidden},
	"Throttling":                {"ThrottlingException", false, http.StatusBadRequest},
	"RequestEntityTooLarge":     {"RequestEntityTooLargeException", false, http.StatusRequestEntityTooLarge},
	"InvalidAction":             {"InvalidAction", false, http.StatusBadRequest},
	"MalformedQueryString":      {"SerializationException", false, http.StatusBadRequest},
	"UnknownOperationException": {"UnknownOperationException", false, http.StatusNotFound},
	"SerializationException":    {"SerializationException", false, http.StatusBadRequest},
}

// codes maps domain error codes to query error codes.
var codes = map[string]string{
	gofaas.EINVALID:      codeInvalidValue,
	gofaas.ENOTFOUND:     codeResourceNotFound,
	gofaas.ECONFLICT:     codeInvalidValue,
	gofaas.EPRECONDITION: codeInvalidValue,
	gofaas.ETOOLARGE:     "RequestEntityTooLarge",
	gofaas.ETHROTTLED:    "Throttling",
	gofaas.EUNAUTHORIZED: codeAccessDenied,
	gofaas.EINTERNAL:     codeInternal,
}

func errorMapper(code string) (string, int) {
	q, ok := codes[code]
	if !ok {
		q = codeInternal
	}
	return q, errorShapes[q].status
}

// toAPIError renders err for protocol p: the query code for the query
// protocol; the shape id and an X-Amzn-Query-Error header for CBOR and
// JSON, as services compatible with the query protocol answer.
func toAPIError(err error, p protocol) *awsproto.APIError {
	e := awsproto.ToAPIError(err, errorMapper, codeInternal)
	code := e.Type
	s, ok := errorShapes[code]
	if ok {
		e.Status = s.status
	}
	if p == protoQuery {
		return e
	}
	fault := "Sender"
	if e.Status >= 500 {
		fault = "Receiver"
	}
	if ok {
		e.Type = s.shape
		if s.modeled {
			e.Type = shapePrefix + s.shape
		}
	}
	if e.Headers == nil {
		e.Headers = map[string]string{}
	}
	e.Headers["X-Amzn-Query-Error"] = code + ";" + fault
	return e
}

func invalidValue(format string, args ...any) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, codeInvalidValue, format, args...)
}

func missing(name string) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, codeMissing, "The parameter %s is required.", name)
}

func combination(format string, args ...any) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, codeInvalidCombination, format, args...)
}
