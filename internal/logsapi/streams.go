package logsapi

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
)

// CreateLogStream creates a log stream in an existing group.
func (h *Handler) CreateLogStream(ctx context.Context, in *CreateLogStreamInput) (*Empty, error) {
	var c checker
	c.groupName("logGroupName", &in.LogGroupName, true)
	c.streamName("logStreamName", &in.LogStreamName, true)
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := h.Store.CreateLogStream(ctx, in.LogGroupName, in.LogStreamName); err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// DeleteLogStream deletes a log stream and its events.
func (h *Handler) DeleteLogStream(ctx context.Context, in *DeleteLogStreamInput) (*Empty, error) {
	var c checker
	c.groupName("logGroupName", &in.LogGroupName, true)
	c.streamName("logStreamName", &in.LogStreamName, true)
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := h.Store.DeleteLogStream(ctx, in.LogGroupName, in.LogStreamName); err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// DescribeLogStreams lists a group's streams by name or by last event
// time, 50 a page at most.
func (h *Handler) DescribeLogStreams(ctx context.Context, in *DescribeLogStreamsInput) (*DescribeLogStreamsOutput, error) {
	group := groupName(in.LogGroupName, in.LogGroupIdentifier)
	var c checker
	if in.LogGroupName != "" {
		c.groupName("logGroupName", &in.LogGroupName, false)
	}
	c.streamName("logStreamNamePrefix", in.LogStreamNamePrefix, false)
	if in.OrderBy != "" && in.OrderBy != "LogStreamName" && in.OrderBy != "LastEventTime" {
		c.fail(in.OrderBy, "orderBy", "satisfy enum value set: [LogStreamName, LastEventTime]")
	}
	c.str("nextToken", in.NextToken, false, 1, 0, nil, "")
	c.intRange("limit", in.Limit, 1, 50)
	if err := c.err(); err != nil {
		return nil, err
	}
	if group == "" {
		return nil, invalidf("Should provide either logGroupName or logGroupIdentifier.")
	}
	if in.LogGroupName != "" && in.LogGroupIdentifier != "" {
		return nil, invalidf("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
	}
	byLast := in.OrderBy == "LastEventTime"
	if byLast && in.LogStreamNamePrefix != nil {
		return nil, invalidf("Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	limit := 50
	if in.Limit != nil {
		limit = *in.Limit
	}
	q := gofaas.LogStreamQuery{Group: group, ByLastEvent: byLast, Descending: in.Descending, Limit: limit + 1}
	if in.LogStreamNamePrefix != nil {
		q.Prefix = *in.LogStreamNamePrefix
	}
	if in.NextToken != nil {
		after, err := decodeStreamToken(*in.NextToken)
		if err != nil {
			return nil, err
		}
		q.After = after
	}
	streams, err := h.Store.ListLogStreams(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &DescribeLogStreamsOutput{LogStreams: []LogStream{}}
	if len(streams) > limit {
		streams = streams[:limit]
		out.NextToken = encodeStreamToken(&streams[limit-1])
	}
	for i := range streams {
		out.LogStreams = append(out.LogStreams, wireStream(ctx, &streams[i]))
	}
	return out, nil
}

// wireStream converts a stored stream to its wire shape.
func wireStream(ctx context.Context, s *gofaas.LogStream) LogStream {
	return LogStream{
		LogStreamName:       s.Name,
		CreationTime:        s.Created.UnixMilli(),
		FirstEventTimestamp: millis(s.FirstEvent),
		LastEventTimestamp:  millis(s.LastEvent),
		LastIngestionTime:   millis(s.LastIngestion),
		UploadSequenceToken: sequenceToken(s.LastSeq),
		Arn:                 streamARN(ctx, s.Group, s.Name),
		StoredBytes:         s.StoredBytes,
	}
}

// sequenceToken renders a stream's upload sequence token; PutLogEvents
// accepts and ignores any token, as CloudWatch Logs now does.
func sequenceToken(seq int64) string {
	return strconv.FormatInt(seq+1, 10)
}

// millis returns t in Unix milliseconds, 0 for the zero time.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// Stream tokens page by the last stream listed: its last event time and
// name.
func encodeStreamToken(s *gofaas.LogStream) string {
	var last int64
	if !s.LastEvent.IsZero() {
		last = s.LastEvent.UnixNano()
	}
	return base64.RawURLEncoding.EncodeToString([]byte("s/" + strconv.FormatInt(last, 10) + "/" + s.Name))
}

func decodeStreamToken(tok string) (*gofaas.LogStream, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil, errBadToken()
	}
	rest, ok := strings.CutPrefix(string(b), "s/")
	ns, name, ok2 := strings.Cut(rest, "/")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !ok || !ok2 || err != nil {
		return nil, errBadToken()
	}
	s := &gofaas.LogStream{Name: name}
	if n != 0 {
		s.LastEvent = time.Unix(0, n).UTC()
	}
	return s, nil
}
