package gofaas

import (
	"context"
	"math"
	"time"
)

// LogEvent is one line of a log stream.
type LogEvent struct {
	Group     string
	Stream    string
	Timestamp time.Time
	Message   string
	Ingestion time.Time
	// Seq is the store-assigned arrival number of a stored event: unique
	// within a store and increasing with arrival, so events with equal
	// timestamps keep their order. Writers leave it zero.
	Seq int64
}

// Position returns the event's place in a stream's order.
func (e *LogEvent) Position() LogPosition {
	return LogPosition{Time: e.Timestamp.UnixNano(), Seq: e.Seq}
}

// LogSink receives log events; it may buffer them briefly.
type LogSink interface {
	PutLogEvents(ctx context.Context, events []LogEvent) error
}

// LogGroup is a CloudWatch Logs log group.
type LogGroup struct {
	Name    string
	Created time.Time
	// RetentionDays is how long events are kept; 0 keeps them for ever.
	RetentionDays int
	// StoredBytes counts the message bytes stored in the group.
	StoredBytes int64
	Tags        map[string]string
}

// LogStream is a log stream of a group.
type LogStream struct {
	Group         string
	Name          string
	Created       time.Time
	FirstEvent    time.Time // zero until the first event
	LastEvent     time.Time
	LastIngestion time.Time
	StoredBytes   int64
	// LastSeq is the Seq of the newest event written; it serves as the
	// stream's upload sequence token.
	LastSeq int64
}

// LogPosition is a place in the total order of stored events: by
// timestamp (Unix nanoseconds), then by Seq. Reads take ranges of
// positions with both ends exclusive.
type LogPosition struct {
	Time int64
	Seq  int64
}

// Less reports whether p comes before q.
func (p LogPosition) Less(q LogPosition) bool {
	return p.Time < q.Time || p.Time == q.Time && p.Seq < q.Seq
}

// Positions bounding every event.
var (
	LogStart = LogPosition{Time: math.MinInt64, Seq: math.MinInt64}
	LogEnd   = LogPosition{Time: math.MaxInt64, Seq: math.MaxInt64}
)

// LogTimeFrom returns the exclusive lower bound of the events at or after t
// (Unix nanoseconds): every Seq is positive.
func LogTimeFrom(ns int64) LogPosition { return LogPosition{Time: ns, Seq: 0} }

// LogTimeTo returns the exclusive upper bound of the events before t (Unix
// nanoseconds).
func LogTimeTo(ns int64) LogPosition { return LogPosition{Time: ns, Seq: 0} }

// LogGroupQuery selects log groups, ordered by name.
type LogGroupQuery struct {
	Prefix string // names starting with Prefix
	// Pattern selects names containing it, ignoring ASCII case.
	Pattern string
	After   string // names after this one (paging)
	Limit   int    // at most this many; <= 0 means no limit
}

// LogStreamQuery selects a group's log streams.
type LogStreamQuery struct {
	Group  string
	Prefix string
	// ByLastEvent orders by last event time (then name) instead of name.
	ByLastEvent bool
	Descending  bool
	// After continues a listing after this stream (its name, and for
	// ByLastEvent its LastEvent); nil starts at the beginning.
	After *LogStream
	Limit int
}

// LogRead reads one stream's events between two positions (exclusive),
// in order or, when Backward, newest first.
type LogRead struct {
	Group, Stream string
	From, To      LogPosition
	Backward      bool
	Limit         int // <= 0: no limit
	// MaxBytes stops the page once its messages plus 26 bytes per event
	// would exceed it; <= 0 means no limit. The first event is always
	// returned.
	MaxBytes int
}

// LogScan visits a group's events, across its streams, in position order.
type LogScan struct {
	Group string
	// Streams, if not empty, names the streams to read; else every stream
	// whose name starts with StreamPrefix.
	Streams      []string
	StreamPrefix string
	From, To     LogPosition
	// Contains lists substrings every visited event must contain
	// (case-sensitive); the store may skip events lacking one.
	Contains []string
	// Budget bounds the events examined (including those Contains
	// skipped); <= 0 means a store default. Deadline, if not zero, stops
	// the scan once passed. Either way each stream is read at least once,
	// so a scan resumed from its returned position makes progress.
	Budget   int
	Deadline time.Time
}

// LogStore keeps log groups, streams and events. Unless noted, methods
// return ENOTFOUND with CloudWatch Logs' messages ("The specified log
// group does not exist.", "The specified log stream does not exist.") for
// a missing group or stream.
type LogStore interface {
	// PutLogEvents (the LogSink) stores events, creating their groups and
	// streams on first use as Lambda's log delivery does. It returns
	// EINVALID for an event without a group or stream.
	LogSink
	// GetLogEvents returns a stream's events in time order from start
	// (inclusive) to end (exclusive; zero means no end), at most limit.
	GetLogEvents(ctx context.Context, group, stream string, start, end time.Time, limit int) ([]LogEvent, error)

	// CreateLogGroup creates g (Name, RetentionDays, Tags); it sets
	// g.Created. It returns ECONFLICT if the group exists.
	CreateLogGroup(ctx context.Context, g *LogGroup) error
	GetLogGroup(ctx context.Context, name string) (*LogGroup, error)
	// DeleteLogGroup deletes a group with its streams and events.
	DeleteLogGroup(ctx context.Context, name string) error
	ListLogGroups(ctx context.Context, q LogGroupQuery) ([]LogGroup, error)
	// PutRetentionPolicy sets a group's retention; 0 removes it.
	PutRetentionPolicy(ctx context.Context, group string, days int) error
	// TagLogGroup adds or replaces tags; UntagLogGroup removes keys.
	TagLogGroup(ctx context.Context, group string, tags map[string]string) error
	UntagLogGroup(ctx context.Context, group string, keys []string) error

	// CreateLogStream returns ECONFLICT if the stream exists.
	CreateLogStream(ctx context.Context, group, stream string) error
	// DeleteLogStream deletes a stream and its events.
	DeleteLogStream(ctx context.Context, group, stream string) error
	ListLogStreams(ctx context.Context, q LogStreamQuery) ([]LogStream, error)

	// AppendLogEvents stores events (their Group and Stream are ignored)
	// in an existing stream, without creating it, and returns the stream
	// as updated.
	AppendLogEvents(ctx context.Context, group, stream string, events []LogEvent) (*LogStream, error)
	// ReadLogEvents returns a page of one stream's events.
	ReadLogEvents(ctx context.Context, r LogRead) ([]LogEvent, error)
	// ScanLogEvents calls visit with the group's events in position order
	// until visit returns false (that event is not consumed), the range
	// ends or the budget is spent. It returns the position up to which
	// the range was examined (resume from it) and whether the range is
	// exhausted. Streams that do not exist are ignored.
	ScanLogEvents(ctx context.Context, s LogScan, visit func(*LogEvent) bool) (next LogPosition, done bool, err error)

	// EnforceRetention deletes the events older than their group's
	// retention at now, and returns how many it deleted.
	EnforceRetention(ctx context.Context, now time.Time) (int64, error)
}
