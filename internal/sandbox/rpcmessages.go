package sandbox

// The go1.x runtime's net/rpc messages, as github.com/aws/aws-lambda-go
// lambda/messages defines them. gob matches struct fields by name, so these
// local types are wire-compatible with every aws-lambda-go version.

type pingRequest struct{}

type pingResponse struct{}

type invokeRequestTimestamp struct {
	Seconds int64
	Nanos   int64
}

type invokeRequest struct {
	Payload               []byte
	RequestId             string
	XAmznTraceId          string
	Deadline              invokeRequestTimestamp
	InvokedFunctionArn    string
	CognitoIdentityId     string
	CognitoIdentityPoolId string
	ClientContext         []byte
}

type invokeResponse struct {
	Payload []byte
	Error   *invokeResponseError
}

type invokeResponseError struct {
	Message    string
	Type       string
	StackTrace []*invokeResponseFrame
	ShouldExit bool
}

type invokeResponseFrame struct {
	Path  string `json:"path"`
	Line  int32  `json:"line"`
	Label string `json:"label"`
}
