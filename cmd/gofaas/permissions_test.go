package main

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/gofaas/gofaas/internal/testfn"
)

// TestResourcePolicy: AddPermission, GetPolicy and RemovePermission as the
// EventBridge walkthrough uses them.
func TestResourcePolicy(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	ctx := testContext(t)
	createFunction(t, c, "pol", "provided", "echo", testfn.ShellRuntime(t))

	_, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("pol")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("GetPolicy without a policy = %v, want ResourceNotFoundException", err)
	}
	rule := "arn:aws:events:us-east-1:123456789012:rule/examplecron"
	out, err := c.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("pol"), StatementId: aws.String("examplecron"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("events.amazonaws.com"), SourceArn: aws.String(rule)})
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Sid       string
		Effect    string
		Principal map[string]string
		Action    string
		Resource  string
		Condition map[string]map[string]string
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.Statement)), &st); err != nil {
		t.Fatal(err)
	}
	if st.Sid != "examplecron" || st.Effect != "Allow" || st.Principal["Service"] != "events.amazonaws.com" ||
		st.Resource != "arn:aws:lambda:us-east-1:123456789012:function:pol" || st.Condition["ArnLike"]["AWS:SourceArn"] != rule {
		t.Errorf("statement = %s", aws.ToString(out.Statement))
	}
	_, err = c.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("pol"), StatementId: aws.String("examplecron"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("events.amazonaws.com")})
	var conflict *types.ResourceConflictException
	if !errors.As(err, &conflict) {
		t.Errorf("duplicate statement id = %v, want ResourceConflictException", err)
	}
	pol, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("pol")})
	if err != nil || pol.RevisionId == nil {
		t.Fatalf("GetPolicy = %v", err)
	}
	var doc struct {
		Version   string
		Id        string
		Statement []json.RawMessage
	}
	if err := json.Unmarshal([]byte(aws.ToString(pol.Policy)), &doc); err != nil || doc.Version != "2012-10-17" || len(doc.Statement) != 1 {
		t.Errorf("policy = %s (%v)", aws.ToString(pol.Policy), err)
	}
	if _, err := c.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String("pol"), StatementId: aws.String("examplecron")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String("pol"), StatementId: aws.String("examplecron")})
	if !errors.As(err, &nf) {
		t.Errorf("removing a missing statement = %v, want ResourceNotFoundException", err)
	}
}
