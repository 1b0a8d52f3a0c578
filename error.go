package gofaas

import (
	"errors"
	"fmt"
)

// Error codes shared by every service. Front ends map them to their AWS
// exception names and HTTP statuses in their errors.go.
const (
	EINVALID      = "invalid"      // a parameter is wrong (400)
	ENOTFOUND     = "not_found"    // a resource does not exist (404)
	ECONFLICT     = "conflict"     // a resource exists or is busy (409)
	EPRECONDITION = "precondition" // RevisionId did not match (412)
	ETOOLARGE     = "too_large"    // a request or payload is too large (413)
	ETHROTTLED    = "throttled"    // a concurrency or rate limit was hit (429)
	EUNAUTHORIZED = "unauthorized" // the caller may not do this (403)
	EINTERNAL     = "internal"     // a platform failure (500)
)

// Error is the one coded error type of gofaas. Domain code returns it; only
// the wire layer (internal/awsproto) turns it into an AWS error body.
type Error struct {
	// Code is one of the E* constants.
	Code string
	// Message is shown to the caller as is.
	Message string
	// Type, when set, names the AWS exception precisely (for example
	// "InvalidRequestContentException"); otherwise the front end derives it
	// from Code.
	Type string
	// Reason is an extra machine-readable reason some exceptions carry
	// (TooManyRequestsException.Reason).
	Reason string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("gofaas error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// TypedErrorf returns an *Error that names its AWS exception type.
func TypedErrorf(code, typ string, format string, args ...any) *Error {
	return &Error{Code: code, Type: typ, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, and
// EINTERNAL for any other non-nil error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of err if it is (or wraps) an *Error, and
// "Internal error." for any other error, whose text is never shown.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
