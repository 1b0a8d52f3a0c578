package main

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/gofaas/gofaas/internal/rules"
	"github.com/gofaas/gofaas/internal/schedule"
	"github.com/gofaas/gofaas/internal/testfn"
)

// offsetClock is the real clock shifted by an offset the test moves, so a
// schedule's next occurrence can be brought to "in 300 ms".
type offsetClock struct{ off atomic.Int64 }

func (c *offsetClock) Now() time.Time { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *offsetClock) NewTimer(d time.Duration) rules.Timer {
	return rules.RealClock{}.NewTimer(d)
}

// TestScheduledRule is the blog's "Lambda cron": a rule with
// cron(16 * ? * MON-FRI *) invokes the function at its next occurrence,
// once the function's policy lets events.amazonaws.com invoke it.
func TestScheduledRule(t *testing.T) {
	clock := &offsetClock{}
	m := NewMain()
	m.RulesClock = clock
	m = testServerMain(t, m)
	c := lambdaClient(t, m, "us-east-1")
	ctx := testContext(t)
	fn := createFunction(t, c, "cronfn", "provided.al2023", "bootstrap", testfn.Build(t, "behave", "bootstrap"))
	eb := eventbridge.New(eventbridge.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), Retryer: aws.NopRetryer{}})

	// An invalid expression is refused as AWS does.
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("bad"), ScheduleExpression: aws.String("cron(0 12 * * MON *)")}); err == nil ||
		!strings.Contains(err.Error(), "Parameter ScheduleExpression is not valid.") {
		t.Errorf("invalid cron: %v", err)
	}
	rule, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("examplecron"), ScheduleExpression: aws.String("cron(16 * ? * MON-FRI *)")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("examplecron"),
		Targets: []ebtypes.Target{{Id: aws.String("1"), Arn: fn.FunctionArn}}}); err != nil {
		t.Fatal(err)
	}
	sched, err := schedule.Parse("cron(16 * ? * MON-FRI *)")
	if err != nil {
		t.Fatal(err)
	}
	fire := func() time.Time {
		next := sched.Next(clock.Now())
		clock.off.Add(int64(next.Sub(clock.Now()) - 300*time.Millisecond))
		m.Rules.Changed()
		return next
	}

	// Without a resource policy allowing EventBridge, nothing is invoked.
	fire()
	time.Sleep(time.Second)
	m.Logs.Flush()
	if n := len(logEvents(t, m, "/aws/lambda/cronfn")); n != 0 {
		t.Fatalf("the function ran without a policy allowing events.amazonaws.com (%d log events)", n)
	}

	if _, err := c.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("cronfn"), StatementId: aws.String("examplecron"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("events.amazonaws.com"), SourceArn: rule.RuleArn}); err != nil {
		t.Fatal(err)
	}
	fire()
	due := time.Now().Add(300 * time.Millisecond) // the occurrence, in real time
	waitFor(t, 10*time.Second, "the scheduled invocation", func() bool {
		m.Logs.Flush()
		for _, e := range logEvents(t, m, "/aws/lambda/cronfn") {
			if strings.HasPrefix(e, "START RequestId: ") {
				return true
			}
		}
		return false
	})

	if streams, err := m.LogStore.LogStreams(ctx, "/aws/lambda/cronfn", "", "", 10); err == nil && len(streams) > 0 {
		if evs, err := m.LogStore.GetLogEvents(ctx, "/aws/lambda/cronfn", streams[0].Name, time.Time{}, time.Time{}, 1); err == nil && len(evs) > 0 {
			t.Logf("first log line %v after the scheduled instant (timer wake-up, async queue, cold start)", evs[0].Timestamp.Sub(due))
		}
	}

	// Disabled: the next occurrence does not fire.
	if _, err := eb.DisableRule(ctx, &eventbridge.DisableRuleInput{Name: aws.String("examplecron")}); err != nil {
		t.Fatal(err)
	}
	fire()
	time.Sleep(time.Second)
	m.Logs.Flush()
	starts := 0
	for _, e := range logEvents(t, m, "/aws/lambda/cronfn") {
		if strings.HasPrefix(e, "START RequestId: ") {
			starts++
		}
	}
	if starts != 1 {
		t.Errorf("%d invocations, want 1 (the disabled rule fired)", starts)
	}

	// AWS/Events metrics: two firings, the first refused by the policy.
	cw := cloudwatch.New(cloudwatch.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), Retryer: aws.NopRetryer{}})
	for name, want := range map[string]float64{"Invocations": 2, "FailedInvocations": 1, "TriggeredRules": 2} {
		out, err := cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String("AWS/Events"), MetricName: aws.String(name),
			Dimensions: []cwtypes.Dimension{{Name: aws.String("RuleName"), Value: aws.String("examplecron")}},
			StartTime:  aws.Time(time.Now().Add(-time.Hour)), EndTime: aws.Time(time.Now().Add(time.Hour)), Period: aws.Int32(7200),
			Statistics: []cwtypes.Statistic{cwtypes.StatisticSum}})
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for _, d := range out.Datapoints {
			sum += aws.ToFloat64(d.Sum)
		}
		if sum != want {
			t.Errorf("AWS/Events %s = %v, want %v", name, sum, want)
		}
	}
}

// TestPutEventsFanOut: an event reaches every rule whose pattern matches,
// and only those.
func TestPutEventsFanOut(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	ctx := testContext(t)
	fn := createFunction(t, c, "orders", "provided.al2023", "bootstrap", testfn.Build(t, "behave", "bootstrap"))
	eb := eventbridge.New(eventbridge.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), Retryer: aws.NopRetryer{}})
	for _, r := range []struct{ name, pattern string }{
		{"big-orders", `{"source":["my.app"],"detail-type":["order"],"detail":{"total":[{"numeric":[">",100]}]}}`},
		{"other-app", `{"source":["other.app"]}`},
	} {
		out, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(r.name), EventPattern: aws.String(r.pattern)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("orders"), StatementId: aws.String(r.name),
			Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("events.amazonaws.com"), SourceArn: out.RuleArn}); err != nil {
			t.Fatal(err)
		}
		if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(r.name), Targets: []ebtypes.Target{{Id: aws.String("fn"), Arn: fn.FunctionArn}}}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{
		{Source: aws.String("my.app"), DetailType: aws.String("order"), Detail: aws.String(`{"total":120}`)},
		{Source: aws.String("my.app"), DetailType: aws.String("order"), Detail: aws.String(`{"total":80}`)},
		{Source: aws.String("my.app"), DetailType: aws.String("order"), Detail: aws.String(`not json`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if out.FailedEntryCount != 1 || out.Entries[2].ErrorCode == nil || out.Entries[0].EventId == nil {
		t.Errorf("PutEvents: %d failed, entries %+v", out.FailedEntryCount, out.Entries)
	}
	count := func() int {
		m.Logs.Flush()
		n := 0
		for _, e := range logEvents(t, m, "/aws/lambda/orders") {
			if strings.HasPrefix(e, "START RequestId: ") {
				n++
			}
		}
		return n
	}
	waitFor(t, 10*time.Second, "the matching event's invocation", func() bool { return count() >= 1 })
	time.Sleep(500 * time.Millisecond)
	if n := count(); n != 1 {
		t.Errorf("%d invocations, want 1 (only total 120 matches big-orders)", n)
	}
}

// TestSchedulerAt is the issue's `aws scheduler create-schedule` with
// at(2026-12-01T09:00:00) in Europe/Paris: it invokes the target once, at
// 08:00Z, as its role.
func TestSchedulerAt(t *testing.T) {
	clock := &offsetClock{}
	m := NewMain()
	m.RulesClock = clock
	m = testServerMain(t, m)
	c := lambdaClient(t, m, "us-east-1")
	ctx := testContext(t)
	fn := createFunction(t, c, "oncefn", "provided.al2023", "bootstrap", testfn.Build(t, "behave", "bootstrap"))
	ic := iamClientURL(m.URL())
	role, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("scheduler-invoke"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"scheduler.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("scheduler-invoke"), PolicyName: aws.String("invoke"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	sc := scheduler.New(scheduler.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), Retryer: aws.NopRetryer{}})
	if _, err := sc.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String("once"),
		ScheduleExpression: aws.String("at(2026-12-01T09:00:00)"), ScheduleExpressionTimezone: aws.String("Europe/Paris"),
		FlexibleTimeWindow: &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff},
		Target:             &schedtypes.Target{Arn: fn.FunctionArn, RoleArn: role.Role.Arn}}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	clock.off.Store(int64(at.Add(-300 * time.Millisecond).Sub(time.Now())))
	m.Schedules.Changed()
	count := func() int {
		m.Logs.Flush()
		n := 0
		for _, e := range logEvents(t, m, "/aws/lambda/oncefn") {
			if strings.HasPrefix(e, "START RequestId: ") {
				n++
			}
		}
		return n
	}
	waitFor(t, 10*time.Second, "the at() schedule's invocation", func() bool { return count() == 1 })
	clock.off.Add(int64(2 * time.Hour))
	m.Schedules.Changed()
	time.Sleep(500 * time.Millisecond)
	if n := count(); n != 1 {
		t.Errorf("%d invocations, want exactly 1", n)
	}
}
