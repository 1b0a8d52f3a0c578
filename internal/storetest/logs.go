package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
)

// RunLogStore runs the gofaas.LogStore contract against stores returned by
// open, one fresh empty store per subtest.
func RunLogStore(t *testing.T, open func(t *testing.T) gofaas.LogStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s gofaas.LogStore)
	}{
		{"RoundTrip", testLogRoundTrip},
		{"TimeOrder", testLogTimeOrder},
		{"Range", testLogRange},
		{"StreamsAreSeparate", testLogStreamsSeparate},
		{"NotFound", testLogNotFound},
		{"Invalid", testLogInvalid},
		{"Batch", testLogBatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

const (
	group  = "/aws/lambda/f"
	stream = "2026/11/28/[$LATEST]0123456789abcdef"
)

// at returns an event of the test stream at t0+offset.
func at(offset time.Duration, msg string) gofaas.LogEvent {
	return gofaas.LogEvent{Group: group, Stream: stream, Timestamp: t0.Add(offset), Message: msg}
}

func messages(evs []gofaas.LogEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Message)
	}
	return out
}

func getAll(t *testing.T, s gofaas.LogStore) []gofaas.LogEvent {
	t.Helper()
	evs, err := s.GetLogEvents(context.Background(), group, stream, time.Time{}, time.Time{}, 0)
	ok(t, err)
	return evs
}

func testLogRoundTrip(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	in := gofaas.LogEvent{Group: group, Stream: stream, Timestamp: t0.Add(1234 * time.Millisecond),
		Ingestion: t0.Add(2 * time.Second), Message: "START RequestId: 1 Version: $LATEST\n\tünïcode"}
	ok(t, s.PutLogEvents(ctx, []gofaas.LogEvent{in}))
	got := getAll(t, s)
	if len(got) != 1 {
		t.Fatalf("got %d events, want 1", len(got))
	}
	g := got[0]
	if g.Group != in.Group || g.Stream != in.Stream || g.Message != in.Message ||
		!g.Timestamp.Equal(in.Timestamp) || !g.Ingestion.Equal(in.Ingestion) {
		t.Fatalf("got %+v, want %+v", g, in)
	}
	t.Run("IngestionDefaultsToNow", func(t *testing.T) {
		ok(t, s.PutLogEvents(ctx, []gofaas.LogEvent{at(time.Hour, "later")}))
		got := getAll(t, s)
		if last := got[len(got)-1]; last.Ingestion.IsZero() {
			t.Fatalf("Ingestion not set: %+v", last)
		}
	})
	t.Run("EmptyBatch", func(t *testing.T) {
		ok(t, s.PutLogEvents(ctx, nil))
	})
}

func testLogTimeOrder(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	ok(t, s.PutLogEvents(ctx, []gofaas.LogEvent{at(3*time.Second, "c"), at(time.Second, "a1"), at(time.Second, "a2")}))
	ok(t, s.PutLogEvents(ctx, []gofaas.LogEvent{at(2*time.Second, "b"), at(time.Second, "a3")}))
	// Time order; equal timestamps keep their arrival order.
	if got, want := messages(getAll(t, s)), []string{"a1", "a2", "a3", "b", "c"}; !slices.Equal(got, want) {
		t.Fatalf("events = %v, want %v", got, want)
	}
}

func testLogRange(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	var batch []gofaas.LogEvent
	for i := range 5 {
		batch = append(batch, at(time.Duration(i)*time.Second, fmt.Sprint(i)))
	}
	ok(t, s.PutLogEvents(ctx, batch))
	sec := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
	tests := []struct {
		name       string
		start, end time.Time
		limit      int
		want       []string
	}{
		{"All", time.Time{}, time.Time{}, 0, []string{"0", "1", "2", "3", "4"}},
		{"StartInclusive", sec(2), time.Time{}, 0, []string{"2", "3", "4"}},
		{"EndExclusive", time.Time{}, sec(2), 0, []string{"0", "1"}},
		{"Window", sec(1), sec(3), 0, []string{"1", "2"}},
		{"Limit", sec(1), time.Time{}, 2, []string{"1", "2"}},
		{"Empty", sec(2), sec(2), 0, nil},
		{"AfterLast", sec(10), time.Time{}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := s.GetLogEvents(ctx, group, stream, tt.start, tt.end, tt.limit)
			ok(t, err)
			if got := messages(evs); !slices.Equal(got, tt.want) {
				t.Fatalf("events = %v, want %v", got, tt.want)
			}
		})
	}
}

func testLogStreamsSeparate(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	ok(t, s.PutLogEvents(ctx, []gofaas.LogEvent{
		{Group: group, Stream: "a", Timestamp: t0, Message: "ga"},
		{Group: group, Stream: "b", Timestamp: t0, Message: "gb"},
		{Group: "/aws/lambda/other", Stream: "a", Timestamp: t0, Message: "oa"},
	}))
	tests := []struct{ group, stream, want string }{
		{group, "a", "ga"}, {group, "b", "gb"}, {"/aws/lambda/other", "a", "oa"},
	}
	for _, tt := range tests {
		evs, err := s.GetLogEvents(ctx, tt.group, tt.stream, time.Time{}, time.Time{}, 0)
		ok(t, err)
		if got := messages(evs); !slices.Equal(got, []string{tt.want}) {
			t.Fatalf("%s/%s = %v, want [%s]", tt.group, tt.stream, got, tt.want)
		}
	}
}

func testLogNotFound(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	ok(t, s.PutLogEvents(ctx, []gofaas.LogEvent{at(0, "x")}))
	tests := []struct{ name, group, stream, message string }{
		{"Group", "/aws/lambda/missing", stream, "The specified log group does not exist."},
		{"Stream", group, "missing", "The specified log stream does not exist."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.GetLogEvents(ctx, tt.group, tt.stream, time.Time{}, time.Time{}, 0)
			wantCode(t, err, gofaas.ENOTFOUND)
			wantMessage(t, err, tt.message)
		})
	}
}

func testLogInvalid(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	tests := []struct {
		name string
		ev   gofaas.LogEvent
	}{
		{"NoGroup", gofaas.LogEvent{Stream: stream, Timestamp: t0, Message: "x"}},
		{"NoStream", gofaas.LogEvent{Group: group, Timestamp: t0, Message: "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A bad event fails the whole batch.
			err := s.PutLogEvents(ctx, []gofaas.LogEvent{at(0, "good"), tt.ev})
			wantCode(t, err, gofaas.EINVALID)
			_, err = s.GetLogEvents(ctx, group, stream, time.Time{}, time.Time{}, 0)
			wantCode(t, err, gofaas.ENOTFOUND)
		})
	}
}

func testLogBatch(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	var batch []gofaas.LogEvent
	for i := range 1000 {
		batch = append(batch, at(time.Duration(i)*time.Millisecond, fmt.Sprint(i)))
	}
	ok(t, s.PutLogEvents(ctx, batch))
	evs := getAll(t, s)
	if len(evs) != 1000 || evs[999].Message != "999" {
		t.Fatalf("got %d events, want 1000 in order", len(evs))
	}
}
