package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/gofaas/gofaas/internal/testfn"
)

// TestFunctionLogs: a function's output and Lambda's START/END/REPORT lines
// are read back through the CloudWatch Logs API, as `aws logs tail` does.
func TestFunctionLogs(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	ctx := testContext(t)
	createFunction(t, c, "logged", "provided.al2023", "bootstrap", testfn.Build(t, "behave", "bootstrap"))
	res := invokeFn(t, c, "logged", map[string]any{"op": "print", "lines": 3})
	id := requestID(t, res.ResultMetadata)
	invokeFn(t, c, "logged", map[string]any{"op": "error", "message": "ERROR boom"})
	m.Logs.Flush()

	logs := cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), Retryer: aws.NopRetryer{}})
	groups, err := logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/")})
	if err != nil || len(groups.LogGroups) != 1 || aws.ToString(groups.LogGroups[0].LogGroupName) != "/aws/lambda/logged" {
		t.Fatalf("DescribeLogGroups = %+v, %v", groups, err)
	}
	streams, err := logs.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/aws/lambda/logged")})
	if err != nil || len(streams.LogStreams) != 1 || !strings.Contains(aws.ToString(streams.LogStreams[0].LogStreamName), "/[$LATEST]") {
		t.Fatalf("DescribeLogStreams = %+v, %v", streams, err)
	}
	out, err := logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/logged"),
		StartTime: aws.Int64(time.Now().Add(-10 * time.Minute).UnixMilli())})
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, e := range out.Events {
		all = append(all, aws.ToString(e.Message))
	}
	text := strings.Join(all, "\n")
	for _, want := range []string{"START RequestId: " + id + " Version: $LATEST", "END RequestId: " + id, "REPORT RequestId: " + id, "Init Duration: "} {
		if !strings.Contains(text, want) {
			t.Errorf("logs lack %q:\n%s", want, text)
		}
	}
	filtered, err := logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/logged"), FilterPattern: aws.String("REPORT")})
	if err != nil || len(filtered.Events) != 2 {
		t.Errorf("filter REPORT: %d events (%v), want 2", len(filtered.Events), err)
	}
}

// TestNoLogLineLost: 1,000 lines printed by one invocation are all stored,
// between its START and END.
func TestNoLogLineLost(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	createFunction(t, c, "chatty", "provided.al2023", "bootstrap", testfn.Build(t, "behave", "bootstrap"))
	for i := 0; i < 3; i++ {
		invokeFn(t, c, "chatty", map[string]any{"op": "print", "lines": 500})
	}
	m.Logs.Flush()
	msgs := logEvents(t, m, "/aws/lambda/chatty")
	inside, starts := 0, 0
	open := false
	for _, msg := range msgs {
		switch {
		case strings.HasPrefix(msg, "START RequestId: "):
			open, starts = true, starts+1
		case strings.HasPrefix(msg, "END RequestId: "):
			open = false
		case strings.HasPrefix(msg, "REPORT ") || strings.HasPrefix(msg, "behave:"):
		default:
			if open {
				inside++
			}
		}
	}
	if starts != 3 || inside != 3000 {
		t.Errorf("%d invocations with %d lines between START and END, want 3 with 3000 (of %d events)", starts, inside, len(msgs))
	}
}

// TestDeletedLogGroup: a Lambda log group a user deleted comes back only
// when the function's role may logs:CreateLogGroup, as on AWS.
func TestDeletedLogGroup(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	ctx := testContext(t)
	createFunction(t, c, "lg", "provided.al2023", "bootstrap", testfn.Build(t, "behave", "bootstrap"))
	logs := cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), Retryer: aws.NopRetryer{}})
	exists := func() bool {
		m.Logs.Flush()
		out, err := logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/lg")})
		return err == nil && len(out.LogGroups) == 1
	}
	invokeFn(t, c, "lg", map[string]any{"op": "echo"})
	if !exists() {
		t.Fatal("the log group was not created at the first invocation")
	}
	if _, err := logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/aws/lambda/lg")}); err != nil {
		t.Fatal(err)
	}
	invokeFn(t, c, "lg", map[string]any{"op": "echo"})
	if exists() {
		t.Fatal("the deleted group came back although the role (lambda-all) lacks logs:CreateLogGroup")
	}
	if _, err := iamClientURL(m.URL()).AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("lambda-all"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")}); err != nil {
		t.Fatal(err)
	}
	invokeFn(t, c, "lg", map[string]any{"op": "echo"})
	if !exists() {
		t.Fatal("the group was not recreated once the role may create it")
	}
}
