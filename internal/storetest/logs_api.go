package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
)

// RunLogStoreAPI runs the contract of the gofaas.LogStore methods the
// CloudWatch Logs API uses (groups, streams, positioned reads, merged
// scans, retention, tags) against stores returned by open, one fresh
// empty store per subtest.
func RunLogStoreAPI(t *testing.T, open func(t *testing.T) gofaas.LogStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s gofaas.LogStore)
	}{
		{"Groups", testLogGroups},
		{"Streams", testLogStreams},
		{"Append", testLogAppend},
		{"Read", testLogRead},
		{"Scan", testLogScan},
		{"ScanBudget", testLogScanBudget},
		{"Retention", testLogRetention},
		{"Tags", testLogTags},
		{"DeleteThenSink", testLogDeleteThenSink},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

func testLogGroups(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	for _, name := range []string{"b", "a/x", "a/y", "Other"} {
		g := &gofaas.LogGroup{Name: name, RetentionDays: 7, Tags: map[string]string{"k": name}}
		ok(t, s.CreateLogGroup(ctx, g))
		if g.Created.IsZero() {
			t.Fatal("Created not set")
		}
	}
	err := s.CreateLogGroup(ctx, &gofaas.LogGroup{Name: "b"})
	wantCode(t, err, gofaas.ECONFLICT)
	wantMessage(t, err, "The specified log group already exists")
	g, err := s.GetLogGroup(ctx, "a/x")
	ok(t, err)
	if g.RetentionDays != 7 || g.Tags["k"] != "a/x" {
		t.Fatalf("group = %+v", g)
	}
	names := func(q gofaas.LogGroupQuery) []string {
		t.Helper()
		gs, err := s.ListLogGroups(ctx, q)
		ok(t, err)
		var out []string
		for _, g := range gs {
			out = append(out, g.Name)
		}
		return out
	}
	tests := []struct {
		name string
		q    gofaas.LogGroupQuery
		want []string
	}{
		{"All", gofaas.LogGroupQuery{}, []string{"Other", "a/x", "a/y", "b"}},
		{"Prefix", gofaas.LogGroupQuery{Prefix: "a/"}, []string{"a/x", "a/y"}},
		{"PatternIgnoresCase", gofaas.LogGroupQuery{Pattern: "oTH"}, []string{"Other"}},
		{"After", gofaas.LogGroupQuery{After: "a/x", Limit: 2}, []string{"a/y", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := names(tt.q); !slices.Equal(got, tt.want) {
				t.Fatalf("groups = %v, want %v", got, tt.want)
			}
		})
	}
	ok(t, s.DeleteLogGroup(ctx, "b"))
	err = s.DeleteLogGroup(ctx, "b")
	wantCode(t, err, gofaas.ENOTFOUND)
	wantMessage(t, err, "The specified log group does not exist.")
	_, err = s.GetLogGroup(ctx, "b")
	wantCode(t, err, gofaas.ENOTFOUND)
}

func testLogStreams(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	err := s.CreateLogStream(ctx, "g", "s")
	wantCode(t, err, gofaas.ENOTFOUND)
	wantMessage(t, err, "The specified log group does not exist.")
	ok(t, s.CreateLogGroup(ctx, &gofaas.LogGroup{Name: "g"}))
	for _, name := range []string{"a", "b", "c"} {
		ok(t, s.CreateLogStream(ctx, "g", name))
	}
	err = s.CreateLogStream(ctx, "g", "a")
	wantCode(t, err, gofaas.ECONFLICT)
	// Last events: b first, then c, then a; ties broken by name.
	for i, name := range []string{"b", "c", "a"} {
		_, err := s.AppendLogEvents(ctx, "g", name, []gofaas.LogEvent{{Timestamp: t0.Add(time.Duration(i) * time.Second), Message: "x"}})
		ok(t, err)
	}
	names := func(q gofaas.LogStreamQuery) []string {
		t.Helper()
		q.Group = "g"
		ss, err := s.ListLogStreams(ctx, q)
		ok(t, err)
		var out []string
		for _, st := range ss {
			out = append(out, st.Name)
		}
		return out
	}
	b := &gofaas.LogStream{Name: "b", LastEvent: t0}
	tests := []struct {
		name string
		q    gofaas.LogStreamQuery
		want []string
	}{
		{"ByName", gofaas.LogStreamQuery{}, []string{"a", "b", "c"}},
		{"ByNameDescending", gofaas.LogStreamQuery{Descending: true}, []string{"c", "b", "a"}},
		{"ByNameAfter", gofaas.LogStreamQuery{After: b}, []string{"c"}},
		{"ByNameDescendingAfter", gofaas.LogStreamQuery{After: b, Descending: true}, []string{"a"}},
		{"Prefix", gofaas.LogStreamQuery{Prefix: "b"}, []string{"b"}},
		{"ByLastEvent", gofaas.LogStreamQuery{ByLastEvent: true}, []string{"b", "c", "a"}},
		{"ByLastEventAfter", gofaas.LogStreamQuery{ByLastEvent: true, After: b, Limit: 1}, []string{"c"}},
		{"ByLastEventDescending", gofaas.LogStreamQuery{ByLastEvent: true, Descending: true}, []string{"a", "c", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := names(tt.q); !slices.Equal(got, tt.want) {
				t.Fatalf("streams = %v, want %v", got, tt.want)
			}
		})
	}
	ok(t, s.DeleteLogStream(ctx, "g", "a"))
	err = s.DeleteLogStream(ctx, "g", "a")
	wantCode(t, err, gofaas.ENOTFOUND)
	wantMessage(t, err, "The specified log stream does not exist.")
	_, err = s.ListLogStreams(ctx, gofaas.LogStreamQuery{Group: "missing"})
	wantCode(t, err, gofaas.ENOTFOUND)
	// Deleting a group deletes its streams and events.
	ok(t, s.DeleteLogGroup(ctx, "g"))
	ok(t, s.CreateLogGroup(ctx, &gofaas.LogGroup{Name: "g"}))
	if got := names(gofaas.LogStreamQuery{}); len(got) != 0 {
		t.Fatalf("streams of a recreated group = %v", got)
	}
}

func testLogAppend(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	_, err := s.AppendLogEvents(ctx, "g", "s", []gofaas.LogEvent{{Timestamp: t0, Message: "x"}})
	wantCode(t, err, gofaas.ENOTFOUND)
	ok(t, s.CreateLogGroup(ctx, &gofaas.LogGroup{Name: "g"}))
	_, err = s.AppendLogEvents(ctx, "g", "s", []gofaas.LogEvent{{Timestamp: t0, Message: "x"}})
	wantCode(t, err, gofaas.ENOTFOUND)
	wantMessage(t, err, "The specified log stream does not exist.")
	ok(t, s.CreateLogStream(ctx, "g", "s"))
	st, err := s.AppendLogEvents(ctx, "g", "s", []gofaas.LogEvent{
		{Timestamp: t0.Add(time.Second), Message: "abc", Ingestion: t0.Add(time.Minute)},
		{Timestamp: t0.Add(2 * time.Second), Message: "de", Ingestion: t0.Add(time.Minute)},
	})
	ok(t, err)
	if st.Name != "s" || st.StoredBytes != 5 || !st.FirstEvent.Equal(t0.Add(time.Second)) || !st.LastEvent.Equal(t0.Add(2*time.Second)) ||
		!st.LastIngestion.Equal(t0.Add(time.Minute)) || st.LastSeq == 0 {
		t.Fatalf("stream = %+v", st)
	}
	empty, err := s.AppendLogEvents(ctx, "g", "s", nil)
	ok(t, err)
	if empty.LastSeq != st.LastSeq {
		t.Fatalf("an empty append changed LastSeq: %d → %d", st.LastSeq, empty.LastSeq)
	}
	g, err := s.GetLogGroup(ctx, "g")
	ok(t, err)
	if g.StoredBytes != 5 {
		t.Fatalf("group stored bytes = %d, want 5", g.StoredBytes)
	}
}

func testLogRead(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	var batch []gofaas.LogEvent
	for i := range 10 {
		// Two events per second: positions break the ties.
		batch = append(batch, at(time.Duration(i/2)*time.Second, fmt.Sprint(i)))
	}
	ok(t, s.PutLogEvents(ctx, batch))
	all, err := s.ReadLogEvents(ctx, gofaas.LogRead{Group: group, Stream: stream, From: gofaas.LogStart, To: gofaas.LogEnd})
	ok(t, err)
	if got := messages(all); !slices.Equal(got, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}) {
		t.Fatalf("all = %v", got)
	}
	for i := 1; i < len(all); i++ {
		if !all[i-1].Position().Less(all[i].Position()) {
			t.Fatalf("positions out of order at %d: %+v %+v", i, all[i-1].Position(), all[i].Position())
		}
	}
	tests := []struct {
		name string
		r    gofaas.LogRead
		want []string
	}{
		{"AfterPosition", gofaas.LogRead{From: all[2].Position(), To: gofaas.LogEnd, Limit: 3}, []string{"3", "4", "5"}},
		{"BeforePosition", gofaas.LogRead{From: gofaas.LogStart, To: all[5].Position(), Backward: true, Limit: 2}, []string{"4", "3"}},
		{"TimeRange", gofaas.LogRead{From: gofaas.LogTimeFrom(t0.Add(time.Second).UnixNano()), To: gofaas.LogTimeTo(t0.Add(3 * time.Second).UnixNano())},
			[]string{"2", "3", "4", "5"}},
		{"MaxBytes", gofaas.LogRead{From: gofaas.LogStart, To: gofaas.LogEnd, MaxBytes: 2*27 + 1}, []string{"0", "1"}},
		{"MaxBytesFirstAlways", gofaas.LogRead{From: gofaas.LogStart, To: gofaas.LogEnd, MaxBytes: 1}, []string{"0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.r.Group, tt.r.Stream = group, stream
			evs, err := s.ReadLogEvents(ctx, tt.r)
			ok(t, err)
			if got := messages(evs); !slices.Equal(got, tt.want) {
				t.Fatalf("events = %v, want %v", got, tt.want)
			}
		})
	}
}

// scanAll scans with the given budget until done, and returns
// "stream:message" of every event visited.
func scanAll(t *testing.T, s gofaas.LogStore, sc gofaas.LogScan) []string {
	t.Helper()
	var out []string
	for calls := 0; ; calls++ {
		if calls > 10000 {
			t.Fatal("scan makes no progress")
		}
		next, done, err := s.ScanLogEvents(context.Background(), sc, func(e *gofaas.LogEvent) bool {
			out = append(out, e.Stream+":"+e.Message)
			return true
		})
		ok(t, err)
		if done {
			return out
		}
		sc.From = next
	}
}

func testLogScan(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	ev := func(st string, sec int, msg string) gofaas.LogEvent {
		return gofaas.LogEvent{Group: "g", Stream: st, Timestamp: t0.Add(time.Duration(sec) * time.Second), Message: msg}
	}
	ok(t, s.PutLogEvents(ctx, []gofaas.LogEvent{ev("a", 0, "a0 ERROR"), ev("b", 1, "b1"), ev("a", 2, "a2"), ev("c", 1, "c1 ERROR"), ev("b", 3, "b3 ERROR")}))
	ok(t, s.PutLogEvents(ctx, []gofaas.LogEvent{ev("other", 0, "x")}))
	ok(t, s.PutLogEvents(ctx, []gofaas.LogEvent{{Group: "other", Stream: "a", Timestamp: t0, Message: "elsewhere"}}))
	tests := []struct {
		name string
		sc   gofaas.LogScan
		want []string
	}{
		{"All", gofaas.LogScan{}, []string{"a:a0 ERROR", "other:x", "b:b1", "c:c1 ERROR", "a:a2", "b:b3 ERROR"}},
		{"Streams", gofaas.LogScan{Streams: []string{"b", "c", "missing"}}, []string{"b:b1", "c:c1 ERROR", "b:b3 ERROR"}},
		{"Prefix", gofaas.LogScan{StreamPrefix: "o"}, []string{"other:x"}},
		{"Contains", gofaas.LogScan{Contains: []string{"ERROR"}}, []string{"a:a0 ERROR", "c:c1 ERROR", "b:b3 ERROR"}},
		{"ContainsAll", gofaas.LogScan{Contains: []string{"ERROR", "b"}}, []string{"b:b3 ERROR"}},
		{"TimeRange", gofaas.LogScan{From: gofaas.LogTimeFrom(t0.Add(time.Second).UnixNano()), To: gofaas.LogTimeTo(t0.Add(3 * time.Second).UnixNano())},
			[]string{"b:b1", "c:c1 ERROR", "a:a2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.sc.Group = "g"
			if tt.sc.From == (gofaas.LogPosition{}) {
				tt.sc.From = gofaas.LogStart
			}
			if tt.sc.To == (gofaas.LogPosition{}) {
				tt.sc.To = gofaas.LogEnd
			}
			if got := scanAll(t, s, tt.sc); !slices.Equal(got, tt.want) {
				t.Fatalf("scan = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("Stop", func(t *testing.T) {
		var seen []string
		next, done, err := s.ScanLogEvents(ctx, gofaas.LogScan{Group: "g", From: gofaas.LogStart, To: gofaas.LogEnd}, func(e *gofaas.LogEvent) bool {
			if len(seen) == 2 {
				return false
			}
			seen = append(seen, e.Message)
			return true
		})
		ok(t, err)
		if done || !slices.Equal(seen, []string{"a0 ERROR", "x"}) {
			t.Fatalf("seen %v, done %v", seen, done)
		}
		rest := scanAll(t, s, gofaas.LogScan{Group: "g", From: next, To: gofaas.LogEnd})
		if !slices.Equal(rest, []string{"b:b1", "c:c1 ERROR", "a:a2", "b:b3 ERROR"}) {
			t.Fatalf("resumed scan = %q", rest)
		}
	})
	t.Run("MissingGroup", func(t *testing.T) {
		_, _, err := s.ScanLogEvents(ctx, gofaas.LogScan{Group: "missing", From: gofaas.LogStart, To: gofaas.LogEnd}, func(*gofaas.LogEvent) bool { return true })
		wantCode(t, err, gofaas.ENOTFOUND)
	})
}

func testLogScanBudget(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	var batch []gofaas.LogEvent
	var want []string
	for i := range 3000 {
		st := fmt.Sprint("s", i%3)
		msg := fmt.Sprint("line ", i)
		if i%700 == 0 {
			msg += " ERROR"
		}
		batch = append(batch, gofaas.LogEvent{Group: "g", Stream: st, Timestamp: t0.Add(time.Duration(i/2) * time.Millisecond), Message: msg})
	}
	ok(t, s.PutLogEvents(ctx, batch))
	for _, e := range batch {
		want = append(want, e.Stream+":"+e.Message)
	}
	for _, budget := range []int{1, 100, 0} {
		t.Run(fmt.Sprint(budget), func(t *testing.T) {
			sc := gofaas.LogScan{Group: "g", From: gofaas.LogStart, To: gofaas.LogEnd, Budget: budget}
			if got := scanAll(t, s, sc); !slices.Equal(got, want) {
				t.Fatalf("scan with budget %d: %d events, want %d in order", budget, len(got), len(want))
			}
			sc.Contains = []string{"ERROR"}
			got := scanAll(t, s, sc)
			if len(got) != 5 || got[0] != "s0:line 0 ERROR" || got[4] != "s1:line 2800 ERROR" {
				t.Fatalf("filtered scan with budget %d = %q", budget, got)
			}
		})
	}
}

func testLogRetention(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	for _, g := range []string{"short", "forever"} {
		ok(t, s.CreateLogGroup(ctx, &gofaas.LogGroup{Name: g}))
		ok(t, s.CreateLogStream(ctx, g, "s"))
		_, err := s.AppendLogEvents(ctx, g, "s", []gofaas.LogEvent{
			{Timestamp: t0.Add(-10 * 24 * time.Hour), Message: "old"},
			{Timestamp: t0.Add(-time.Hour), Message: "new"},
		})
		ok(t, err)
	}
	wantCode(t, s.PutRetentionPolicy(ctx, "missing", 1), gofaas.ENOTFOUND)
	ok(t, s.PutRetentionPolicy(ctx, "short", 7))
	n, err := s.EnforceRetention(ctx, t0)
	ok(t, err)
	if n != 1 {
		t.Fatalf("EnforceRetention deleted %d, want 1", n)
	}
	for g, want := range map[string][]string{"short": {"new"}, "forever": {"old", "new"}} {
		evs, err := s.GetLogEvents(ctx, g, "s", time.Time{}, time.Time{}, 0)
		ok(t, err)
		if got := messages(evs); !slices.Equal(got, want) {
			t.Fatalf("%s after retention = %v, want %v", g, got, want)
		}
	}
	st, err := s.ListLogStreams(ctx, gofaas.LogStreamQuery{Group: "short"})
	ok(t, err)
	if st[0].StoredBytes != 3 || !st[0].FirstEvent.Equal(t0.Add(-time.Hour)) {
		t.Fatalf("stream after retention = %+v", st[0])
	}
	ok(t, s.PutRetentionPolicy(ctx, "short", 0))
	if n, err := s.EnforceRetention(ctx, t0.Add(1000*24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("EnforceRetention without policies = %d, %v", n, err)
	}
}

func testLogTags(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	wantCode(t, s.TagLogGroup(ctx, "g", map[string]string{"a": "1"}), gofaas.ENOTFOUND)
	ok(t, s.CreateLogGroup(ctx, &gofaas.LogGroup{Name: "g"}))
	ok(t, s.TagLogGroup(ctx, "g", map[string]string{"a": "1", "b": "2"}))
	ok(t, s.TagLogGroup(ctx, "g", map[string]string{"b": "3"}))
	ok(t, s.UntagLogGroup(ctx, "g", []string{"a", "missing"}))
	g, err := s.GetLogGroup(ctx, "g")
	ok(t, err)
	if len(g.Tags) != 1 || g.Tags["b"] != "3" {
		t.Fatalf("tags = %v", g.Tags)
	}
}

// testLogDeleteThenSink: the sink recreates a deleted stream or group on
// its next write, and old events do not come back.
func testLogDeleteThenSink(t *testing.T, s gofaas.LogStore) {
	ctx := context.Background()
	ok(t, s.PutLogEvents(ctx, []gofaas.LogEvent{at(0, "before")}))
	ok(t, s.DeleteLogStream(ctx, group, stream))
	ok(t, s.PutLogEvents(ctx, []gofaas.LogEvent{at(time.Second, "after stream delete")}))
	ok(t, s.DeleteLogGroup(ctx, group))
	ok(t, s.PutLogEvents(ctx, []gofaas.LogEvent{at(2*time.Second, "after group delete")}))
	if got := messages(getAll(t, s)); !slices.Equal(got, []string{"after group delete"}) {
		t.Fatalf("events = %v", got)
	}
}
