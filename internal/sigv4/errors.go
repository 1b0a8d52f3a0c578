package sigv4

import (
	"fmt"
	"net/http"
)

// Kind says why a request failed verification.
type Kind string

// The kinds of verification failure.
const (
	// MissingAuthenticationToken: neither an Authorization header nor
	// presigned query parameters.
	MissingAuthenticationToken Kind = "MissingAuthenticationToken"
	// IncompleteSignature: the Authorization header or the presigned
	// parameters are malformed or incomplete.
	IncompleteSignature Kind = "IncompleteSignature"
	// InvalidClientTokenId: the access key is unknown, inactive or expired.
	InvalidClientTokenId Kind = "InvalidClientTokenId"
	// SignatureDoesNotMatch: the signature is wrong (wrong secret, or the
	// request was changed after signing).
	SignatureDoesNotMatch Kind = "SignatureDoesNotMatch"
	// SignatureExpired: the request time is more than MaxSkew away from now.
	SignatureExpired Kind = "SignatureExpired"
	// RequestExpired: a presigned request was used after X-Amz-Expires.
	RequestExpired Kind = "RequestExpired"
	// InvalidToken: the session token is missing, wrong, unsigned, or sent
	// with a long-term key.
	InvalidToken Kind = "InvalidToken"
)

// Protocol families, as botocore's metadata.protocol names them, that For
// renders errors for.
const (
	ProtocolJSON     = "json"      // DynamoDB, Logs, Events, CloudWatch (json)
	ProtocolRESTJSON = "rest-json" // Lambda, API Gateway
	ProtocolQuery    = "query"     // IAM, STS, CloudWatch (query)
)

// Error is a verification failure. Message is AWS's message without the
// canonical request appendix; For adds it where AWS does.
type Error struct {
	Kind    Kind
	Message string
	// CanonicalRequest and StringToSign are what the server computed, set
	// for SignatureDoesNotMatch.
	CanonicalRequest string
	StringToSign     string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return "sigv4: " + string(e.Kind) + ": " + e.Message
}

const (
	msgInvalidToken = "The security token included in the request is invalid."
	msgMismatch     = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

// For returns the HTTP status, AWS exception name and message with which an
// AWS service of the given protocol family ("json", "rest-json", "query";
// "ec2" and "rest-xml" are treated as "query") answers e. An unknown
// protocol is treated as "rest-json".
//
// JSON-1.0/1.1 services (DynamoDB, Logs, ...) answer every authentication
// failure with 400; rest-json services (Lambda) and query services (IAM,
// STS) with 403, except IncompleteSignature, which is 400 everywhere.
func (e *Error) For(protocol string) (status int, awsType string, message string) {
	family := protocol
	switch protocol {
	case ProtocolJSON, ProtocolQuery:
	case "ec2", "rest-xml":
		family = ProtocolQuery
	default:
		family = ProtocolRESTJSON
	}
	status = http.StatusForbidden
	if family == ProtocolJSON {
		status = http.StatusBadRequest
	}
	message = e.Message
	switch e.Kind {
	case MissingAuthenticationToken:
		switch family {
		case ProtocolQuery:
			return status, "MissingAuthenticationToken", "Request is missing Authentication Token"
		case ProtocolJSON:
			return status, "MissingAuthenticationTokenException", "Request is missing Authentication Token"
		}
		return status, "MissingAuthenticationTokenException", "Missing Authentication Token"
	case IncompleteSignature:
		if family == ProtocolQuery {
			return http.StatusBadRequest, "IncompleteSignature", message
		}
		return http.StatusBadRequest, "IncompleteSignatureException", message
	case InvalidClientTokenId, InvalidToken:
		if family == ProtocolQuery {
			return status, "InvalidClientTokenId", msgInvalidToken
		}
		return status, "UnrecognizedClientException", msgInvalidToken
	case SignatureDoesNotMatch:
		if e.CanonicalRequest != "" {
			message = fmt.Sprintf("%s\n\nThe Canonical String for this request should have been\n'%s'\n\nThe String-to-Sign should have been\n'%s'\n",
				message, e.CanonicalRequest, e.StringToSign)
		}
		if family == ProtocolQuery {
			return status, "SignatureDoesNotMatch", message
		}
		return status, "InvalidSignatureException", message
	case SignatureExpired, RequestExpired:
		if family == ProtocolQuery {
			return status, "SignatureDoesNotMatch", message
		}
		return status, "InvalidSignatureException", message
	}
	if family == ProtocolQuery {
		return status, "SignatureDoesNotMatch", message
	}
	return status, "InvalidSignatureException", message
}

func errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}
