// Command bootstrap is the 2018 blog function (see ../hello2018) built against a
// current github.com/aws/aws-lambda-go. That library picks its protocol from the
// environment: the Runtime API when AWS_LAMBDA_RUNTIME_API is set
// (provided.al2023, where the executable is named bootstrap), net/rpc when
// _LAMBDA_SERVER_PORT is set (go1.x).
//
//	GOOS=linux CGO_ENABLED=0 go build -o bootstrap
//	zip deployment.zip bootstrap
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
