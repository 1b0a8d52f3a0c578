package gofaas

import (
	"context"
	"time"
)

// LogEvent is one line of a log stream.
type LogEvent struct {
	Group     string
	Stream    string
	Timestamp time.Time
	Message   string
	Ingestion time.Time
}

// LogSink receives log events; it may buffer them briefly.
type LogSink interface {
	PutLogEvents(ctx context.Context, events []LogEvent) error
}

// LogStore reads stored log events back.
type LogStore interface {
	LogSink
	// GetLogEvents returns a stream's events in time order from start
	// (inclusive) to end (exclusive; zero means no end), at most limit.
	GetLogEvents(ctx context.Context, group, stream string, start, end time.Time, limit int) ([]LogEvent, error)
}
