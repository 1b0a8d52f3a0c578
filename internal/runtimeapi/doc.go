// Package runtimeapi serves the Lambda Runtime API (2018-06-01) to one
// execution environment.
//
// # One server per environment
//
// Each environment gets its own loopback listener, and its process gets the
// listener's host:port as AWS_LAMBDA_RUNTIME_API. A runtime therefore never
// names which environment it is: the connection says so. This keeps every
// runtime client (aws-lambda-go, the Rust and Python clients, a curl loop)
// working unchanged, whatever it does with the address.
//
// # Lifecycle
//
// The states of a server are:
//
//	initializing --/next--> idle --Invoke--> invoking --/response|/error--> idle
//	initializing --/init/error--> failed
//
// Any other call is rejected with 403 InvalidStateTransition, a request id
// that is not the current one with 400 InvalidRequestID, an oversized
// response with 413 RequestEntityTooLarge: the answers of AWS's OpenAPI
// description of the Runtime API. The invoker hands an invocation to the
// runtime's waiting /next long poll through a channel and waits for its
// result on another, so a warm invoke costs one channel hand-off each way.
package runtimeapi
