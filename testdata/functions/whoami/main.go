// Command bootstrap is a Lambda function (provided.al2023) that reports who
// it runs as: it loads the default AWS configuration, as any function using
// the SDK does (the execution role's credentials from AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; the endpoint from
// AWS_ENDPOINT_URL), calls sts:GetCallerIdentity and returns
// {"Account": ..., "Arn": ..., "UserId": ...}. A failure is returned as a
// handled error whose message is the SDK's error text.
//
//	GOOS=linux CGO_ENABLED=0 go build -o bootstrap
//	zip deployment.zip bootstrap
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Identity is GetCallerIdentity's answer.
type Identity struct {
	Account string `json:"Account"`
	Arn     string `json:"Arn"`
	UserId  string `json:"UserId"`
}

// Handler asks STS who the function is.
func Handler(ctx context.Context) (Identity, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRetryMaxAttempts(1))
	if err != nil {
		return Identity{}, err
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, err
	}
	return Identity{Account: aws.ToString(out.Account), Arn: aws.ToString(out.Arn), UserId: aws.ToString(out.UserId)}, nil
}

func main() {
	lambda.Start(Handler)
}
