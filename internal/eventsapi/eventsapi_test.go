package eventsapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/smithy-go"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/eventsapi"
	"github.com/gofaas/gofaas/internal/rules"
	"github.com/gofaas/gofaas/internal/sqlite"
)

type call struct {
	rule, target string
	event        string
}

type env struct {
	client *eventbridge.Client
	runner *rules.Runner
	mu     sync.Mutex
	calls  []call
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := sqlite.NewDB(filepath.Join(t.TempDir(), "ev.db"))
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := sqlite.NewRuleStore(db)
	e := &env{}
	e.runner = &rules.Runner{Store: store, Region: "us-east-1", AccountID: "123456789012",
		Invoke: func(ctx context.Context, tg *gofaas.Target, r *gofaas.Rule, ev []byte) error {
			e.mu.Lock()
			e.calls = append(e.calls, call{r.Name, tg.Id, string(ev)})
			e.mu.Unlock()
			return nil
		}}
	if err := e.runner.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.runner.Close() })
	h := &eventsapi.Handler{Store: store, Scheduler: e.runner, Region: "us-east-1", AccountID: "123456789012"}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e.client = eventbridge.New(eventbridge.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:  &http.Client{Timeout: 30 * time.Second}, Retryer: aws.NopRetryer{},
	})
	return e
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func wantAPIError(t *testing.T, err error, code, message string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v, want %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code = %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	if p, prefix := strings.CutSuffix(message, "*"); prefix {
		if !strings.HasPrefix(ae.ErrorMessage(), p) {
			t.Fatalf("error message = %q, want prefix %q", ae.ErrorMessage(), p)
		}
	} else if message != "" && ae.ErrorMessage() != message {
		t.Fatalf("error message = %q, want %q", ae.ErrorMessage(), message)
	}
}

const fnArn = "arn:aws:lambda:us-east-1:123456789012:function:ExampleFunction"

func TestRules(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	out, err := e.client.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("examplecron"),
		ScheduleExpression: aws.String("cron(16 * ? * MON-FRI *)"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	ok(t, err)
	if got, want := aws.ToString(out.RuleArn), "arn:aws:events:us-east-1:123456789012:rule/examplecron"; got != want {
		t.Fatalf("RuleArn = %s, want %s", got, want)
	}
	for _, expr := range []string{"cron(0 12 * * MON *)", "rate(1 minutes)", "cron(0 12 ? * 8 *)"} {
		_, err := e.client.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("bad"), ScheduleExpression: aws.String(expr)})
		wantAPIError(t, err, "ValidationException", "Parameter ScheduleExpression is not valid.")
	}
	_, err = e.client.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("bad"), EventPattern: aws.String(`{"source": "x"}`)})
	wantAPIError(t, err, "InvalidEventPatternException", "Event pattern is not valid. Reason: *")
	_, err = e.client.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("bad")})
	wantAPIError(t, err, "ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.")

	d, err := e.client.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("examplecron")})
	ok(t, err)
	if d.State != types.RuleStateEnabled || aws.ToString(d.ScheduleExpression) != "cron(16 * ? * MON-FRI *)" || aws.ToString(d.EventBusName) != "default" || aws.ToString(d.CreatedBy) != "123456789012" {
		t.Fatalf("DescribeRule = %+v", d)
	}
	_, err = e.client.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "Rule nope does not exist on EventBus default.")

	_, err = e.client.DisableRule(ctx, &eventbridge.DisableRuleInput{Name: aws.String("examplecron")})
	ok(t, err)
	d, _ = e.client.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("examplecron")})
	if d.State != types.RuleStateDisabled {
		t.Fatalf("State = %s after DisableRule", d.State)
	}
	_, err = e.client.EnableRule(ctx, &eventbridge.EnableRuleInput{Name: aws.String("examplecron")})
	ok(t, err)
	_, err = e.client.EnableRule(ctx, &eventbridge.EnableRuleInput{Name: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "Rule nope does not exist on EventBus default.")

	// Paging.
	for _, n := range []string{"a1", "a2", "a3", "b1"} {
		_, err := e.client.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(n), EventPattern: aws.String(`{"source":["my.app"]}`)})
		ok(t, err)
	}
	var names []string
	var token *string
	for {
		lr, err := e.client.ListRules(ctx, &eventbridge.ListRulesInput{NamePrefix: aws.String("a"), Limit: aws.Int32(2), NextToken: token})
		ok(t, err)
		for _, r := range lr.Rules {
			names = append(names, aws.ToString(r.Name))
		}
		if token = lr.NextToken; token == nil {
			break
		}
	}
	if got, want := strings.Join(names, ","), "a1,a2,a3"; got != want {
		t.Fatalf("ListRules = %s, want %s", got, want)
	}

	// Targets.
	pt, err := e.client.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("examplecron"), Targets: []types.Target{
		{Id: aws.String("1"), Arn: aws.String(fnArn)},
		{Id: aws.String("2"), Arn: aws.String("not-an-arn")},
		{Id: aws.String("3"), Arn: aws.String(fnArn), Input: aws.String(`{"a":1}`), InputPath: aws.String("$.detail")},
	}})
	ok(t, err)
	if pt.FailedEntryCount != 2 || len(pt.FailedEntries) != 2 || aws.ToString(pt.FailedEntries[0].TargetId) != "2" {
		t.Fatalf("PutTargets = %+v", pt)
	}
	var many []types.Target
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		many = append(many, types.Target{Id: aws.String(id), Arn: aws.String(fnArn)})
	}
	_, err = e.client.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("examplecron"), Targets: many})
	wantAPIError(t, err, "LimitExceededException", "")
	_, err = e.client.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("nope"), Targets: many[:1]})
	wantAPIError(t, err, "ResourceNotFoundException", "Rule nope does not exist on EventBus default.")
	lt, err := e.client.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("examplecron")})
	ok(t, err)
	if len(lt.Targets) != 1 || aws.ToString(lt.Targets[0].Arn) != fnArn {
		t.Fatalf("ListTargetsByRule = %+v", lt.Targets)
	}
	rn, err := e.client.ListRuleNamesByTarget(ctx, &eventbridge.ListRuleNamesByTargetInput{TargetArn: aws.String(fnArn)})
	ok(t, err)
	if strings.Join(rn.RuleNames, ",") != "examplecron" {
		t.Fatalf("ListRuleNamesByTarget = %v", rn.RuleNames)
	}
	_, err = e.client.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("examplecron")})
	wantAPIError(t, err, "ValidationException", "Rule can't be deleted since it has targets.")
	rt, err := e.client.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String("examplecron"), Ids: []string{"1", "zz"}})
	ok(t, err)
	if rt.FailedEntryCount != 1 || aws.ToString(rt.FailedEntries[0].TargetId) != "zz" {
		t.Fatalf("RemoveTargets = %+v", rt)
	}

	// Tags.
	arn := aws.ToString(out.RuleArn)
	_, err = e.client.TagResource(ctx, &eventbridge.TagResourceInput{ResourceARN: aws.String(arn), Tags: []types.Tag{{Key: aws.String("x"), Value: aws.String("y")}}})
	ok(t, err)
	_, err = e.client.UntagResource(ctx, &eventbridge.UntagResourceInput{ResourceARN: aws.String(arn), TagKeys: []string{"k"}})
	ok(t, err)
	tl, err := e.client.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	ok(t, err)
	if len(tl.Tags) != 1 || aws.ToString(tl.Tags[0].Key) != "x" {
		t.Fatalf("ListTagsForResource = %+v", tl.Tags)
	}

	_, err = e.client.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("examplecron")})
	ok(t, err)
	_, err = e.client.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("examplecron")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
}

func TestBusesAndEvents(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cb, err := e.client.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("orders")})
	ok(t, err)
	if got, want := aws.ToString(cb.EventBusArn), "arn:aws:events:us-east-1:123456789012:event-bus/orders"; got != want {
		t.Fatalf("EventBusArn = %s", got)
	}
	_, err = e.client.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("orders")})
	wantAPIError(t, err, "ResourceAlreadyExistsException", "Event bus orders already exists.")
	_, err = e.client.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "Event bus nope does not exist.")
	lb, err := e.client.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{})
	ok(t, err)
	if len(lb.EventBuses) != 2 || aws.ToString(lb.EventBuses[0].Name) != "default" {
		t.Fatalf("ListEventBuses = %+v", lb.EventBuses)
	}
	_, err = e.client.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("s"), EventBusName: aws.String("orders"), ScheduleExpression: aws.String("rate(1 minute)")})
	wantAPIError(t, err, "ValidationException", "ScheduleExpression is supported only on the default event bus.")
	pr, err := e.client.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("big"), EventBusName: aws.String("orders"),
		EventPattern: aws.String(`{"source":["my.app"],"detail":{"total":[{"numeric":[">",100]}]}}`)})
	ok(t, err)
	if got, want := aws.ToString(pr.RuleArn), "arn:aws:events:us-east-1:123456789012:rule/orders/big"; got != want {
		t.Fatalf("RuleArn = %s, want %s", got, want)
	}
	_, err = e.client.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("big"), EventBusName: aws.String("orders"),
		Targets: []types.Target{{Id: aws.String("t"), Arn: aws.String(fnArn), InputTransformer: &types.InputTransformer{
			InputPathsMap: map[string]string{"total": "$.detail.total", "src": "$.source"},
			InputTemplate: aws.String(`{"t": <total>, "s": "from <src>"}`)}}}})
	ok(t, err)
	pe, err := e.client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{
		{Source: aws.String("my.app"), DetailType: aws.String("order"), Detail: aws.String(`{"total":120}`), EventBusName: aws.String("orders")},
		{Source: aws.String("my.app"), DetailType: aws.String("order"), Detail: aws.String(`{"total":20}`), EventBusName: aws.String("orders")},
		{Source: aws.String("my.app"), DetailType: aws.String("order"), Detail: aws.String(`not json`)},
		{DetailType: aws.String("order"), Detail: aws.String(`{}`)},
	}})
	ok(t, err)
	if pe.FailedEntryCount != 2 || aws.ToString(pe.Entries[0].EventId) == "" || aws.ToString(pe.Entries[2].ErrorCode) != "MalformedDetail" ||
		aws.ToString(pe.Entries[3].ErrorCode) != "InvalidArgument" {
		t.Fatalf("PutEvents = %+v", pe.Entries)
	}
	e.runner.Wait()
	e.mu.Lock()
	calls := e.calls
	e.mu.Unlock()
	if len(calls) != 1 || calls[0].event != `{"t": 120, "s": "from my.app"}` {
		t.Fatalf("invocations = %+v", calls)
	}
	var entries []types.PutEventsRequestEntry
	for range 11 {
		entries = append(entries, types.PutEventsRequestEntry{Source: aws.String("a"), DetailType: aws.String("b"), Detail: aws.String("{}")})
	}
	_, err = e.client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: entries})
	wantAPIError(t, err, "ValidationException", "")
	big := strings.Repeat("x", 300<<10)
	_, err = e.client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{{Source: aws.String("a"), DetailType: aws.String("b"), Detail: aws.String(`{"x":"` + big + `"}`)}}})
	wantAPIError(t, err, "ValidationException", "Total size of the entries in the request is over the limit.")

	te, err := e.client.TestEventPattern(ctx, &eventbridge.TestEventPatternInput{EventPattern: aws.String(`{"source":["my.app"]}`),
		Event: aws.String(`{"id":"1","account":"123456789012","source":"my.app","time":"2026-01-01T00:00:00Z","region":"us-east-1","detail-type":"x","resources":[],"detail":{}}`)})
	ok(t, err)
	if !te.Result {
		t.Fatal("TestEventPattern = false")
	}
	_, err = e.client.TestEventPattern(ctx, &eventbridge.TestEventPatternInput{EventPattern: aws.String(`{"source":"x"}`), Event: aws.String(`{"id":"1","account":"1","source":"a","time":"t","region":"r","detail-type":"x"}`)})
	wantAPIError(t, err, "InvalidEventPatternException", "")

	_, err = e.client.DeleteEventBus(ctx, &eventbridge.DeleteEventBusInput{Name: aws.String("orders")})
	ok(t, err)
	_, err = e.client.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("big"), EventBusName: aws.String("orders")})
	wantAPIError(t, err, "ResourceNotFoundException", "Event bus orders does not exist.")
}
