// Command examplebinary is the function of AWS's 2018 blog post "Announcing Go
// Support for AWS Lambda", built against github.com/aws/aws-lambda-go v1.2.0
// (June 2018). That version speaks only the go1.x net/rpc protocol: it listens
// on _LAMBDA_SERVER_PORT and serves Function.Ping and Function.Invoke.
//
// Build it as the blog did:
//
//	go build -o examplebinary
//	zip deployment.zip examplebinary
package main

import (
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

// Request is the event: {"value": "john"}.
type Request struct {
	Value string `json:"value"`
}

// Response is the answer: {"message": "hi john", "created": "2018-06-12T04:55:36Z"}.
type Response struct {
	Message string `json:"message"`
	Created string `json:"created"`
}

// Handler greets the caller.
func Handler(request Request) (Response, error) {
	return Response{
		Message: "hi " + request.Value,
		Created: time.Now().UTC().Format(time.RFC3339),
	}, nil
}

func main() {
	lambda.Start(Handler)
}
