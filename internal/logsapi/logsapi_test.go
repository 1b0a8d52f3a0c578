package logsapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/logsapi"
	"github.com/gofaas/gofaas/internal/sqlite"
)

// t0 is the tests' "now".
var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// clock is an injectable, movable time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// env is a handler over a fresh file database, served to a real SDK
// client.
type env struct {
	h      *logsapi.Handler
	store  *sqlite.LogStore
	client *cloudwatchlogs.Client
	clock  *clock
	url    string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := sqlite.NewDB(filepath.Join(t.TempDir(), "logs.db"))
	c := &clock{now: t0}
	db.Now = c.Now
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := sqlite.NewLogStore(db)
	h := &logsapi.Handler{Store: store, Now: c.Now}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{h: h, store: store, clock: c, url: srv.URL, client: newClient(srv.URL)}
}

func newClient(url string) *cloudwatchlogs.Client {
	return cloudwatchlogs.New(cloudwatchlogs.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:   &http.Client{Timeout: 30 * time.Second},
		Retryer:      aws.NopRetryer{},
	})
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// wantAPIError fails t unless err is the AWS error code with message
// (a message ending in "*" is a prefix).
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

func (e *env) createGroup(t *testing.T, group string) {
	t.Helper()
	_, err := e.client.CreateLogGroup(context.Background(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)})
	ok(t, err)
}

func (e *env) createStream(t *testing.T, group, stream string) {
	t.Helper()
	_, err := e.client.CreateLogStream(context.Background(), &cloudwatchlogs.CreateLogStreamInput{
		LogGroupName: aws.String(group), LogStreamName: aws.String(stream)})
	ok(t, err)
}

// put writes messages to a stream at the given times (ms after t0).
func (e *env) put(t *testing.T, group, stream string, events ...types.InputLogEvent) *cloudwatchlogs.PutLogEventsOutput {
	t.Helper()
	out, err := e.client.PutLogEvents(context.Background(), &cloudwatchlogs.PutLogEventsInput{
		LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: events})
	ok(t, err)
	return out
}

// ev is an input event at t0+offset.
func ev(offset time.Duration, msg string) types.InputLogEvent {
	return types.InputLogEvent{Timestamp: aws.Int64(t0.Add(offset).UnixMilli()), Message: aws.String(msg)}
}

func TestLogGroups(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, g := range []string{"/aws/lambda/a", "/aws/lambda/b", "/aws/lambda/c", "other/Group_1", "zeta"} {
		e.createGroup(t, g)
	}
	t.Run("AlreadyExists", func(t *testing.T) {
		_, err := e.client.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("zeta")})
		wantAPIError(t, err, "ResourceAlreadyExistsException", "The specified log group already exists")
	})
	t.Run("InvalidName", func(t *testing.T) {
		_, err := e.client.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("bad name")})
		wantAPIError(t, err, "InvalidParameterException",
			`1 validation error detected: Value 'bad name' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`)
	})
	t.Run("Describe", func(t *testing.T) {
		out, err := e.client.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/")})
		ok(t, err)
		if len(out.LogGroups) != 3 || out.NextToken != nil {
			t.Fatalf("groups = %d, token %v, want 3 and none", len(out.LogGroups), out.NextToken)
		}
		g := out.LogGroups[0]
		if got, want := aws.ToString(g.Arn), "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a:*"; got != want {
			t.Errorf("arn = %s, want %s", got, want)
		}
		if got, want := aws.ToString(g.LogGroupArn), "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a"; got != want {
			t.Errorf("logGroupArn = %s, want %s", got, want)
		}
		if aws.ToInt64(g.CreationTime) != t0.UnixMilli() || aws.ToInt32(g.MetricFilterCount) != 0 || g.RetentionInDays != nil {
			t.Errorf("group = %+v", g)
		}
	})
	t.Run("Pattern", func(t *testing.T) {
		out, err := e.client.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("group_")})
		ok(t, err)
		if len(out.LogGroups) != 1 || aws.ToString(out.LogGroups[0].LogGroupName) != "other/Group_1" {
			t.Fatalf("groups = %+v, want other/Group_1 (case-insensitive)", out.LogGroups)
		}
		_, err = e.client.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{
			LogGroupNamePattern: aws.String("a"), LogGroupNamePrefix: aws.String("/")})
		wantAPIError(t, err, "InvalidParameterException", "")
	})
	t.Run("Paging", func(t *testing.T) {
		p := cloudwatchlogs.NewDescribeLogGroupsPaginator(e.client, &cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(2)})
		var names []string
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			ok(t, err)
			pages++
			for _, g := range out.LogGroups {
				names = append(names, aws.ToString(g.LogGroupName))
			}
		}
		want := []string{"/aws/lambda/a", "/aws/lambda/b", "/aws/lambda/c", "other/Group_1", "zeta"}
		if !slices.Equal(names, want) || pages != 3 {
			t.Fatalf("paged %v in %d pages, want %v in 3", names, pages, want)
		}
		_, err := e.client.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(51)})
		wantAPIError(t, err, "InvalidParameterException",
			"1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50")
	})
	t.Run("Delete", func(t *testing.T) {
		_, err := e.client.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("zeta")})
		ok(t, err)
		_, err = e.client.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("zeta")})
		wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	})
}

func TestLogStreams(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const g = "/aws/lambda/f"
	_, err := e.client.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(g), LogStreamName: aws.String("s")})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	e.createGroup(t, g)
	// Streams named in one order, written in another.
	for _, s := range []string{"a", "b", "c", "d", "e"} {
		e.createStream(t, g, s)
	}
	_, err = e.client.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(g), LogStreamName: aws.String("a")})
	wantAPIError(t, err, "ResourceAlreadyExistsException", "The specified log stream already exists")
	_, err = e.client.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(g), LogStreamName: aws.String("a:b")})
	wantAPIError(t, err, "InvalidParameterException", "1 validation error detected: Value 'a:b' at 'logStreamName'*")
	for i, s := range []string{"c", "a", "e", "b"} {
		e.put(t, g, s, ev(time.Duration(i)*time.Second, "hello "+s))
	}
	list := func(in *cloudwatchlogs.DescribeLogStreamsInput) (names []string, pages int) {
		t.Helper()
		in.LogGroupName = aws.String(g)
		p := cloudwatchlogs.NewDescribeLogStreamsPaginator(e.client, in)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			ok(t, err)
			pages++
			for _, s := range out.LogStreams {
				names = append(names, aws.ToString(s.LogStreamName))
			}
		}
		return names, pages
	}
	tests := []struct {
		name  string
		in    cloudwatchlogs.DescribeLogStreamsInput
		want  []string
		pages int
	}{
		{"ByName", cloudwatchlogs.DescribeLogStreamsInput{Limit: aws.Int32(2)}, []string{"a", "b", "c", "d", "e"}, 3},
		{"ByNameDescending", cloudwatchlogs.DescribeLogStreamsInput{Limit: aws.Int32(2), Descending: aws.Bool(true)}, []string{"e", "d", "c", "b", "a"}, 3},
		{"Prefix", cloudwatchlogs.DescribeLogStreamsInput{LogStreamNamePrefix: aws.String("b")}, []string{"b"}, 1},
		{"LastEventTime", cloudwatchlogs.DescribeLogStreamsInput{OrderBy: types.OrderByLastEventTime, Limit: aws.Int32(2)}, []string{"d", "c", "a", "e", "b"}, 3},
		{"LastEventTimeDescending", cloudwatchlogs.DescribeLogStreamsInput{OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true), Limit: aws.Int32(3)},
			[]string{"b", "e", "a", "c", "d"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, pages := list(&tt.in)
			if !slices.Equal(got, tt.want) || pages != tt.pages {
				t.Fatalf("streams = %v in %d pages, want %v in %d", got, pages, tt.want, tt.pages)
			}
		})
	}
	t.Run("Fields", func(t *testing.T) {
		out, err := e.client.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(g), LogStreamNamePrefix: aws.String("e")})
		ok(t, err)
		s := out.LogStreams[0]
		if aws.ToInt64(s.FirstEventTimestamp) != t0.Add(2*time.Second).UnixMilli() || aws.ToInt64(s.LastEventTimestamp) != t0.Add(2*time.Second).UnixMilli() ||
			aws.ToInt64(s.LastIngestionTime) != t0.UnixMilli() || aws.ToInt64(s.CreationTime) != t0.UnixMilli() || aws.ToString(s.UploadSequenceToken) == "" {
			t.Fatalf("stream = %+v", s)
		}
		if got, want := aws.ToString(s.Arn), "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f:log-stream:e"; got != want {
			t.Fatalf("arn = %s, want %s", got, want)
		}
	})
	t.Run("PrefixWithLastEventTime", func(t *testing.T) {
		_, err := e.client.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(g),
			OrderBy: types.OrderByLastEventTime, LogStreamNamePrefix: aws.String("a")})
		wantAPIError(t, err, "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
	})
	t.Run("MissingGroup", func(t *testing.T) {
		_, err := e.client.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("nope")})
		wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	})
	t.Run("Delete", func(t *testing.T) {
		_, err := e.client.DeleteLogStream(ctx, &cloudwatchlogs.DeleteLogStreamInput{LogGroupName: aws.String(g), LogStreamName: aws.String("a")})
		ok(t, err)
		_, err = e.client.DeleteLogStream(ctx, &cloudwatchlogs.DeleteLogStreamInput{LogGroupName: aws.String(g), LogStreamName: aws.String("a")})
		wantAPIError(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
		_, err = e.client.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String("a")})
		wantAPIError(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
		// A stream of the same name starts empty.
		e.createStream(t, g, "a")
		out, err := e.client.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String("a")})
		ok(t, err)
		if len(out.Events) != 0 {
			t.Fatalf("events of a recreated stream = %d", len(out.Events))
		}
	})
}

func TestPutLogEvents(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const g, s = "/aws/lambda/f", "s"
	e.createGroup(t, g)
	e.createStream(t, g, s)
	put := func(events ...types.InputLogEvent) (*cloudwatchlogs.PutLogEventsOutput, error) {
		return e.client.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), LogEvents: events})
	}
	messages := func() []string {
		out, err := e.client.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), StartFromHead: aws.Bool(true)})
		ok(t, err)
		var m []string
		for _, ev := range out.Events {
			m = append(m, aws.ToString(ev.Message))
		}
		return m
	}
	t.Run("Accepted", func(t *testing.T) {
		out, err := put(ev(-time.Second, "one"), ev(-time.Second, "two"))
		ok(t, err)
		if out.NextSequenceToken == nil || out.RejectedLogEventsInfo != nil {
			t.Fatalf("output = %+v", out)
		}
		// Sequence tokens are accepted and ignored.
		_, err = e.client.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s),
			LogEvents: []types.InputLogEvent{ev(0, "three")}, SequenceToken: aws.String("49039859483485935873333333333")})
		ok(t, err)
		if got, want := messages(), []string{"one", "two", "three"}; !slices.Equal(got, want) {
			t.Fatalf("messages = %v, want %v", got, want)
		}
	})
	t.Run("Rejected", func(t *testing.T) {
		_, err := put(ev(-15*24*time.Hour, "old"), ev(-13*24*time.Hour, "kept"))
		wantAPIError(t, err, "InvalidParameterException", "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
		out, err := put(ev(-14*24*time.Hour-time.Hour, "old"), ev(-14*24*time.Hour+time.Hour, "kept"))
		ok(t, err)
		r := out.RejectedLogEventsInfo
		if r == nil || aws.ToInt32(r.TooOldLogEventEndIndex) != 1 || r.TooNewLogEventStartIndex != nil || r.ExpiredLogEventEndIndex != nil {
			t.Fatalf("rejected = %+v, want too old before 1", r)
		}
		out, err = put(ev(time.Hour, "soon"), ev(3*time.Hour, "new"))
		ok(t, err)
		r = out.RejectedLogEventsInfo
		if r == nil || aws.ToInt32(r.TooNewLogEventStartIndex) != 1 || r.TooOldLogEventEndIndex != nil {
			t.Fatalf("rejected = %+v, want too new from 1", r)
		}
		if got := messages(); !slices.Contains(got, "kept") || !slices.Contains(got, "soon") || slices.Contains(got, "old") || slices.Contains(got, "new") {
			t.Fatalf("messages = %v", got)
		}
	})
	t.Run("RejectedByRetention", func(t *testing.T) {
		_, err := e.client.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(g), RetentionInDays: aws.Int32(1)})
		ok(t, err)
		defer e.client.DeleteRetentionPolicy(ctx, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: aws.String(g)})
		out, err := put(ev(-25*time.Hour, "expired"), ev(-23*time.Hour, "fresh"))
		ok(t, err)
		r := out.RejectedLogEventsInfo
		if r == nil || aws.ToInt32(r.TooOldLogEventEndIndex) != 1 || aws.ToInt32(r.ExpiredLogEventEndIndex) != 1 || r.TooNewLogEventStartIndex != nil {
			t.Fatalf("rejected = %+v, want expired before 1", r)
		}
	})
	t.Run("AllRejected", func(t *testing.T) {
		out, err := put(ev(5*time.Hour, "future"))
		ok(t, err)
		if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.TooNewLogEventStartIndex) != 0 {
			t.Fatalf("rejected = %+v", r)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		big := strings.Repeat("x", 600_000)
		tests := []struct {
			name    string
			events  []types.InputLogEvent
			stream  string
			code    string
			message string
		}{
			{"Order", []types.InputLogEvent{ev(time.Second, "b"), ev(0, "a")}, s, "InvalidParameterException",
				"Log events in a single PutLogEvents request must be in chronological order."},
			{"TooLarge", []types.InputLogEvent{ev(0, big), ev(0, big)}, s, "InvalidParameterException", "Upload too large: 1200052 bytes exceeds limit of 1048576"},
			{"Empty", []types.InputLogEvent{}, s, "InvalidParameterException",
				"1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1"},
			{"EmptyMessage", []types.InputLogEvent{ev(0, "")}, s, "InvalidParameterException",
				"1 validation error detected: Value '' at 'logEvents.1.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1"},
			{"NoStream", []types.InputLogEvent{ev(0, "x")}, "missing", "ResourceNotFoundException", "The specified log stream does not exist."},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := e.client.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(tt.stream), LogEvents: tt.events})
				wantAPIError(t, err, tt.code, tt.message)
			})
		}
		events := make([]types.InputLogEvent, 10_001)
		for i := range events {
			events[i] = ev(0, "x")
		}
		_, err := put(events...)
		wantAPIError(t, err, "InvalidParameterException", "1 validation error detected: Value *")
	})
}

// fill writes n events "m0".."m{n-1}" a second apart from t0-1h.
func (e *env) fill(t *testing.T, group, stream string, n int) {
	t.Helper()
	var batch []types.InputLogEvent
	for i := range n {
		batch = append(batch, ev(-time.Hour+time.Duration(i)*time.Second, fmt.Sprintf("m%d", i)))
	}
	e.put(t, group, stream, batch...)
}

func TestGetLogEvents(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const g, s = "/aws/lambda/f", "s"
	e.createGroup(t, g)
	e.createStream(t, g, s)
	e.fill(t, g, s, 25)
	get := func(in cloudwatchlogs.GetLogEventsInput) *cloudwatchlogs.GetLogEventsOutput {
		t.Helper()
		in.LogGroupName, in.LogStreamName = aws.String(g), aws.String(s)
		out, err := e.client.GetLogEvents(ctx, &in)
		ok(t, err)
		return out
	}
	msgs := func(out *cloudwatchlogs.GetLogEventsOutput) string {
		var m []string
		for _, ev := range out.Events {
			m = append(m, aws.ToString(ev.Message))
		}
		return strings.Join(m, ",")
	}
	t.Run("Forward", func(t *testing.T) {
		out := get(cloudwatchlogs.GetLogEventsInput{StartFromHead: aws.Bool(true), Limit: aws.Int32(10)})
		var pages []string
		for len(out.Events) > 0 {
			pages = append(pages, msgs(out))
			tok := out.NextForwardToken
			out = get(cloudwatchlogs.GetLogEventsInput{StartFromHead: aws.Bool(true), Limit: aws.Int32(10), NextToken: tok})
			if len(out.Events) == 0 && aws.ToString(out.NextForwardToken) != aws.ToString(tok) {
				t.Fatalf("at the end nextForwardToken = %s, want the token passed, %s", aws.ToString(out.NextForwardToken), aws.ToString(tok))
			}
		}
		if len(pages) != 3 || !strings.HasPrefix(pages[0], "m0,m1,") || pages[2] != "m20,m21,m22,m23,m24" {
			t.Fatalf("pages = %q", pages)
		}
		// New events appear behind the last forward token.
		last := out.NextForwardToken
		e.put(t, g, s, ev(0, "late"))
		if got := msgs(get(cloudwatchlogs.GetLogEventsInput{NextToken: last})); got != "late" {
			t.Fatalf("after the last token = %q, want late", got)
		}
	})
	t.Run("Backward", func(t *testing.T) {
		out := get(cloudwatchlogs.GetLogEventsInput{Limit: aws.Int32(10), EndTime: aws.Int64(t0.UnixMilli())})
		if got := msgs(out); !strings.HasSuffix(got, "m23,m24") || !strings.HasPrefix(got, "m15,") {
			t.Fatalf("latest page = %q, want m15..m24 in order", got)
		}
		var pages []string
		for len(out.Events) > 0 {
			pages = append(pages, msgs(out))
			tok := out.NextBackwardToken
			out = get(cloudwatchlogs.GetLogEventsInput{Limit: aws.Int32(10), NextToken: tok})
			if len(out.Events) == 0 && aws.ToString(out.NextBackwardToken) != aws.ToString(tok) {
				t.Fatalf("at the start nextBackwardToken = %s, want %s", aws.ToString(out.NextBackwardToken), aws.ToString(tok))
			}
		}
		if len(pages) != 3 || pages[2] != "m0,m1,m2,m3,m4" {
			t.Fatalf("pages = %q", pages)
		}
		// And forward again from a backward page.
		back := get(cloudwatchlogs.GetLogEventsInput{Limit: aws.Int32(5), EndTime: aws.Int64(t0.UnixMilli())})
		older := get(cloudwatchlogs.GetLogEventsInput{Limit: aws.Int32(5), NextToken: back.NextBackwardToken})
		if got := msgs(get(cloudwatchlogs.GetLogEventsInput{Limit: aws.Int32(5), NextToken: older.NextForwardToken})); got != msgs(back) {
			t.Fatalf("forward from the older page = %q, want %q", got, msgs(back))
		}
	})
	t.Run("TimeRange", func(t *testing.T) {
		out := get(cloudwatchlogs.GetLogEventsInput{StartFromHead: aws.Bool(true),
			StartTime: aws.Int64(t0.Add(-time.Hour + 3*time.Second).UnixMilli()), EndTime: aws.Int64(t0.Add(-time.Hour + 6*time.Second).UnixMilli())})
		if got := msgs(out); got != "m3,m4,m5" {
			t.Fatalf("[3s, 6s) = %q, want m3,m4,m5", got)
		}
	})
	t.Run("Paginator", func(t *testing.T) {
		p := cloudwatchlogs.NewGetLogEventsPaginator(e.client, &cloudwatchlogs.GetLogEventsInput{
			LogGroupName: aws.String(g), LogStreamName: aws.String(s), StartFromHead: aws.Bool(true), Limit: aws.Int32(7)},
			func(o *cloudwatchlogs.GetLogEventsPaginatorOptions) { o.StopOnDuplicateToken = true })
		n := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			ok(t, err)
			n += len(out.Events)
		}
		if n != 26 {
			t.Fatalf("paginated %d events, want 26", n)
		}
	})
	t.Run("BadToken", func(t *testing.T) {
		_, err := e.client.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), NextToken: aws.String("x/1")})
		wantAPIError(t, err, "InvalidParameterException", "The specified nextToken is invalid.")
	})
}

// filterAll pages through FilterLogEvents and returns "stream:message"
// of every event and the number of pages.
func (e *env) filterAll(t *testing.T, in cloudwatchlogs.FilterLogEventsInput) ([]string, int) {
	t.Helper()
	p := cloudwatchlogs.NewFilterLogEventsPaginator(e.client, &in)
	var out []string
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		ok(t, err)
		pages++
		for _, ev := range page.Events {
			if aws.ToString(ev.EventId) == "" {
				t.Fatal("event without eventId")
			}
			out = append(out, aws.ToString(ev.LogStreamName)+":"+aws.ToString(ev.Message))
		}
	}
	return out, pages
}

func TestFilterLogEvents(t *testing.T) {
	e := newEnv(t)
	const g = "/aws/lambda/f"
	e.createGroup(t, g)
	e.createStream(t, g, "s1")
	e.createStream(t, g, "s2")
	e.createStream(t, g, "x3")
	e.put(t, g, "s1", ev(0, "START RequestId: 1"), ev(2*time.Second, "ERROR boom"), ev(4*time.Second, `{"level":"error","latency":250}`))
	e.put(t, g, "s2", ev(time.Second, "INFO ok"), ev(3*time.Second, `{"level":"info","latency":50}`), ev(4*time.Second, "WARN slow"))
	e.put(t, g, "x3", ev(5*time.Second, `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534`))
	tests := []struct {
		name string
		in   cloudwatchlogs.FilterLogEventsInput
		want []string
	}{
		{"All", cloudwatchlogs.FilterLogEventsInput{}, []string{"s1:START RequestId: 1", "s2:INFO ok", "s1:ERROR boom", `s2:{"level":"info","latency":50}`,
			`s1:{"level":"error","latency":250}`, "s2:WARN slow", `x3:127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534`}},
		{"Term", cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String("ERROR")}, []string{"s1:ERROR boom"}},
		{"TermsAnd", cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String("ERROR boom")}, []string{"s1:ERROR boom"}},
		{"Optional", cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String("?ERROR ?WARN")}, []string{"s1:ERROR boom", "s2:WARN slow"}},
		{"Exclude", cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(`"latency" -error`)}, []string{`s2:{"level":"info","latency":50}`}},
		{"Phrase", cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(`"RequestId: 1"`)}, []string{"s1:START RequestId: 1"}},
		{"JSON", cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(`{ $.level = "error" }`)}, []string{`s1:{"level":"error","latency":250}`}},
		{"JSONNumber", cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(`{ $.latency > 100 }`)}, []string{`s1:{"level":"error","latency":250}`}},
		{"JSONOr", cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(`{ ($.latency < 100) || $.level = "err*" }`)},
			[]string{`s2:{"level":"info","latency":50}`, `s1:{"level":"error","latency":250}`}},
		{"SpaceDelimited", cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(`[ip, user, username, timestamp, request = "*html*", status_code = 4*, bytes > 1000]`)},
			[]string{`x3:127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534`}},
		{"Ellipsis", cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(`[..., status_code = 404, size]`)},
			[]string{`x3:127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534`}},
		{"StreamNames", cloudwatchlogs.FilterLogEventsInput{LogStreamNames: []string{"s2", "missing"}}, []string{"s2:INFO ok", `s2:{"level":"info","latency":50}`, "s2:WARN slow"}},
		{"StreamPrefix", cloudwatchlogs.FilterLogEventsInput{LogStreamNamePrefix: aws.String("x")}, []string{`x3:127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534`}},
		{"TimeRange", cloudwatchlogs.FilterLogEventsInput{StartTime: aws.Int64(t0.Add(time.Second).UnixMilli()), EndTime: aws.Int64(t0.Add(3 * time.Second).UnixMilli())},
			[]string{"s2:INFO ok", "s1:ERROR boom", `s2:{"level":"info","latency":50}`}},
		{"Interleaved", cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String("WARN"), Interleaved: aws.Bool(true)}, []string{"s2:WARN slow"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.LogGroupName = aws.String(g)
			got, _ := e.filterAll(t, tt.in)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("events =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
	t.Run("Paging", func(t *testing.T) {
		got, pages := e.filterAll(t, cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(g), Limit: aws.Int32(2)})
		if len(got) != 7 || pages != 4 {
			t.Fatalf("%d events in %d pages, want 7 in 4", len(got), pages)
		}
	})
	t.Run("SmallBudget", func(t *testing.T) {
		// A scan that stops early returns a token, maybe with no events;
		// paging still finds everything, in order.
		const big = "big"
		e.createGroup(t, big)
		for _, s := range []string{"a", "b"} {
			e.createStream(t, big, s)
			var batch []types.InputLogEvent
			for i := range 2000 {
				msg := fmt.Sprintf("%s line %d", s, i)
				if i%500 == 499 {
					msg += " ERROR"
				}
				batch = append(batch, ev(time.Duration(i)*time.Millisecond, msg))
			}
			e.put(t, big, s, batch...)
		}
		e.h.ScanBudget = 1
		defer func() { e.h.ScanBudget = 0 }()
		for _, pattern := range []string{"ERROR", "?ERROR ?nothing"} {
			got, pages := e.filterAll(t, cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(big), FilterPattern: aws.String(pattern)})
			want := []string{"a:a line 499 ERROR", "b:b line 499 ERROR", "a:a line 999 ERROR", "b:b line 999 ERROR",
				"a:a line 1499 ERROR", "b:b line 1499 ERROR", "a:a line 1999 ERROR", "b:b line 1999 ERROR"}
			if !slices.Equal(got, want) || pages < 3 {
				t.Fatalf("%s: events = %q in %d pages", pattern, got, pages)
			}
		}
		all, _ := e.filterAll(t, cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(big), Limit: aws.Int32(333)})
		if len(all) != 4000 || all[0] != "a:a line 0" || all[1] != "b:b line 0" || all[3999] != "b:b line 1999 ERROR" {
			t.Fatalf("all events with a budget of 1 = %d: %q ... %q", len(all), all[:4], all[len(all)-2:])
		}
	})
	t.Run("Errors", func(t *testing.T) {
		ctx := context.Background()
		_, err := e.client.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(g), FilterPattern: aws.String("{ $.x = ")})
		wantAPIError(t, err, "InvalidParameterException", "Invalid filter pattern")
		_, err = e.client.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("nope")})
		wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
		_, err = e.client.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(g),
			LogStreamNames: []string{"s1"}, LogStreamNamePrefix: aws.String("s")})
		wantAPIError(t, err, "InvalidParameterException", "")
		_, err = e.client.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(g), NextToken: aws.String("garbage")})
		wantAPIError(t, err, "InvalidParameterException", "The specified nextToken is invalid.")
	})
}

func TestRetention(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const g, s = "/aws/lambda/f", "s"
	e.createGroup(t, g)
	e.createStream(t, g, s)
	e.createGroup(t, "keep")
	e.createStream(t, "keep", s)
	for _, group := range []string{g, "keep"} {
		e.put(t, group, s, ev(-10*24*time.Hour, "ten days"), ev(-10*24*time.Hour+time.Hour, "ten days less an hour"))
		e.put(t, group, s, ev(-2*24*time.Hour, "two days"))
		e.put(t, group, s, ev(-time.Hour, "an hour"))
	}
	_, err := e.client.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(g), RetentionInDays: aws.Int32(2)})
	wantAPIError(t, err, "InvalidParameterException",
		"1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]")
	_, err = e.client.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("nope"), RetentionInDays: aws.Int32(3)})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = e.client.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(g), RetentionInDays: aws.Int32(7)})
	ok(t, err)
	groups, err := e.client.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(g)})
	ok(t, err)
	if got := aws.ToInt32(groups.LogGroups[0].RetentionInDays); got != 7 {
		t.Fatalf("retentionInDays = %d, want 7", got)
	}
	before := groups.LogGroups[0].StoredBytes
	remaining := func(group string) []string {
		got, _ := e.filterAll(t, cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group)})
		return got
	}
	n, err := e.h.EnforceRetention(ctx, e.clock.Now())
	ok(t, err)
	if n != 2 {
		t.Fatalf("EnforceRetention deleted %d events, want 2", n)
	}
	if got, want := remaining(g), []string{"s:two days", "s:an hour"}; !slices.Equal(got, want) {
		t.Fatalf("after 7-day retention = %q, want %q", got, want)
	}
	if got := remaining("keep"); len(got) != 4 {
		t.Fatalf("a group without retention lost events: %q", got)
	}
	// Two days later, with 3 days' retention, "two days" goes too.
	_, err = e.client.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(g), RetentionInDays: aws.Int32(3)})
	ok(t, err)
	e.clock.Set(t0.Add(2 * 24 * time.Hour))
	_, err = e.h.EnforceRetention(ctx, e.clock.Now())
	ok(t, err)
	if got, want := remaining(g), []string{"s:an hour"}; !slices.Equal(got, want) {
		t.Fatalf("after 3-day retention = %q, want %q", got, want)
	}
	groups, err = e.client.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(g)})
	ok(t, err)
	if after := groups.LogGroups[0].StoredBytes; aws.ToInt64(after) != int64(len("an hour")) || aws.ToInt64(after) >= aws.ToInt64(before) {
		t.Fatalf("storedBytes %d → %d, want %d", aws.ToInt64(before), aws.ToInt64(after), len("an hour"))
	}
	streams, err := e.client.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(g)})
	ok(t, err)
	if got := aws.ToInt64(streams.LogStreams[0].FirstEventTimestamp); got != t0.Add(-time.Hour).UnixMilli() {
		t.Fatalf("firstEventTimestamp after retention = %d, want %d", got, t0.Add(-time.Hour).UnixMilli())
	}
	_, err = e.client.DeleteRetentionPolicy(ctx, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: aws.String(g)})
	ok(t, err)
	e.clock.Set(t0.Add(365 * 24 * time.Hour))
	_, err = e.h.EnforceRetention(ctx, e.clock.Now())
	ok(t, err)
	if got := remaining(g); len(got) != 1 {
		t.Fatalf("events after the policy was deleted = %q", got)
	}
}

func TestTags(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const g = "/aws/lambda/f"
	_, err := e.client.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(g), Tags: map[string]string{"team": "a"}})
	ok(t, err)
	list := func() map[string]string {
		out, err := e.client.ListTagsLogGroup(ctx, &cloudwatchlogs.ListTagsLogGroupInput{LogGroupName: aws.String(g)})
		ok(t, err)
		return out.Tags
	}
	if got := list(); got["team"] != "a" || len(got) != 1 {
		t.Fatalf("tags at creation = %v", got)
	}
	_, err = e.client.TagLogGroup(ctx, &cloudwatchlogs.TagLogGroupInput{LogGroupName: aws.String(g), Tags: map[string]string{"env": "dev", "team": "b"}})
	ok(t, err)
	if got := list(); got["team"] != "b" || got["env"] != "dev" {
		t.Fatalf("tags = %v", got)
	}
	_, err = e.client.UntagLogGroup(ctx, &cloudwatchlogs.UntagLogGroupInput{LogGroupName: aws.String(g), Tags: []string{"team"}})
	ok(t, err)
	if got := list(); len(got) != 1 || got["env"] != "dev" {
		t.Fatalf("tags after untag = %v", got)
	}
	arn := "arn:aws:logs:us-east-1:000000000000:log-group:" + g
	_, err = e.client.TagResource(ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"k": "v"}})
	ok(t, err)
	out, err := e.client.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(arn + ":*")})
	ok(t, err)
	if len(out.Tags) != 2 || out.Tags["k"] != "v" {
		t.Fatalf("ListTagsForResource = %v", out.Tags)
	}
	_, err = e.client.UntagResource(ctx, &cloudwatchlogs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"k", "env"}})
	ok(t, err)
	if got := list(); len(got) != 0 {
		t.Fatalf("tags after UntagResource = %v", got)
	}
	many := map[string]string{}
	for i := range 51 {
		many[fmt.Sprint("k", i)] = "v"
	}
	_, err = e.client.TagResource(ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(arn), Tags: many})
	wantAPIError(t, err, "InvalidParameterException", "")
	_, err = e.client.TagLogGroup(ctx, &cloudwatchlogs.TagLogGroupInput{LogGroupName: aws.String("nope"), Tags: map[string]string{"a": "b"}})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = e.client.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:lambda:us-east-1:000000000000:function:f")})
	wantAPIError(t, err, "InvalidParameterException", "")
}

// recorder is an Authorizer that records requests and denies actions it
// is told to.
type recorder struct {
	mu   sync.Mutex
	reqs []string
	deny string
}

func (r *recorder) Authorize(_ context.Context, req *gofaas.AuthRequest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req.Action+" "+req.Resource)
	if req.Action == r.deny {
		return gofaas.Errorf(gofaas.EUNAUTHORIZED, "User: arn:aws:iam::000000000000:user/u is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
			req.Action, req.Resource, req.Action)
	}
	return nil
}

func TestAuthorize(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rec := &recorder{deny: "logs:DeleteLogGroup"}
	e.h.Authorizer = rec
	const g = "/aws/lambda/f"
	e.createGroup(t, g)
	e.createStream(t, g, "s")
	e.put(t, g, "s", ev(0, "x"))
	_, err := e.client.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	ok(t, err)
	_, err = e.client.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String("s")})
	ok(t, err)
	_, err = e.client.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:" + g)})
	ok(t, err)
	_, err = e.client.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(g)})
	wantAPIError(t, err, "AccessDeniedException", "User: arn:aws:iam::000000000000:user/u is not authorized to perform: logs:DeleteLogGroup*")
	groupARN := "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f:*"
	streamARN := "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f:log-stream:s"
	want := []string{
		"logs:CreateLogGroup " + groupARN,
		"logs:CreateLogStream " + groupARN,
		"logs:PutLogEvents " + streamARN,
		"logs:DescribeLogGroups *",
		"logs:GetLogEvents " + streamARN,
		"logs:FilterLogEvents " + groupARN,
		"logs:DeleteLogGroup " + groupARN,
	}
	if !slices.Equal(rec.reqs, want) {
		t.Fatalf("authorized\n%q\nwant\n%q", rec.reqs, want)
	}
	if _, err := e.client.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{}); err != nil {
		t.Fatal(err)
	}
}

func TestWire(t *testing.T) {
	e := newEnv(t)
	post := func(target, body string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", e.url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		resp, err := http.DefaultClient.Do(req)
		ok(t, err)
		defer resp.Body.Close()
		var b strings.Builder
		_, err = fmt.Fprint(&b, readAll(t, resp))
		ok(t, err)
		return resp, b.String()
	}
	tests := []struct {
		name, target, body string
		status             int
		want               string
	}{
		{"Unknown", "Logs_20140328.StartQuery", "{}", 400, `{"__type":"UnknownOperationException","message":""}`},
		{"Malformed", "Logs_20140328.CreateLogGroup", "{", 400, `"__type":"SerializationException"`},
		{"Missing", "Logs_20140328.CreateLogGroup", "{}", 400,
			`{"__type":"InvalidParameterException","message":"1 validation error detected: Value '' at 'logGroupName' failed to satisfy constraint: Member must have length greater than or equal to 1"}`},
		{"Created", "Logs_20140328.CreateLogGroup", `{"logGroupName":"g"}`, 200, `{}`},
		{"Describe", "Logs_20140328.DescribeLogGroups", `{}`, 200, `"logGroupName":"g","creationTime":`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := post(tt.target, tt.body)
			if resp.StatusCode != tt.status || !strings.Contains(body, tt.want) {
				t.Fatalf("%d %s, want %d containing %s", resp.StatusCode, body, tt.status, tt.want)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
				t.Fatalf("Content-Type = %s", ct)
			}
		})
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}
