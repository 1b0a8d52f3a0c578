package logsapi

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/logfilter"
)

// PutLogEvents' limits, as CloudWatch Logs documents them.
const (
	maxBatchEvents = 10_000
	maxBatchBytes  = 1_048_576
	eventOverhead  = 26 // bytes counted per event besides its message
	maxBatchSpan   = 24 * time.Hour
	maxEventAge    = 14 * 24 * time.Hour
	maxEventAhead  = 2 * time.Hour
	maxPageEvents  = 10_000
	maxPageBytes   = 1_048_576
	// defaultScanTime bounds a FilterLogEvents search, so the first page
	// of a large group comes back quickly; the rest follows by nextToken.
	defaultScanTime = 50 * time.Millisecond
)

// PutLogEvents appends a batch of events to a stream. Events older than 14
// days or than the group's retention, or more than 2 hours in the future,
// are rejected and reported in rejectedLogEventsInfo; the rest are
// stored. Sequence tokens are accepted and ignored.
func (h *Handler) PutLogEvents(ctx context.Context, in *PutLogEventsInput) (*PutLogEventsOutput, error) {
	var c checker
	c.groupName("logGroupName", &in.LogGroupName, true)
	c.streamName("logStreamName", &in.LogStreamName, true)
	c.str("sequenceToken", in.SequenceToken, false, 1, 0, nil, "")
	switch {
	case in.LogEvents == nil:
		c.fail("null", "logEvents", "not be null")
	case len(in.LogEvents) < 1:
		c.fail("[]", "logEvents", "have length greater than or equal to 1")
	case len(in.LogEvents) > maxBatchEvents:
		c.fail(fmt.Sprintf("list of %d events", len(in.LogEvents)), "logEvents", "have length less than or equal to 10000")
	}
	for i, e := range in.LogEvents {
		member := fmt.Sprintf("logEvents.%d.member", i+1)
		if e.Timestamp == nil {
			c.fail("null", member+".timestamp", "not be null")
		} else if *e.Timestamp < 0 {
			c.fail(fmt.Sprint(*e.Timestamp), member+".timestamp", "have value greater than or equal to 0")
		}
		c.str(member+".message", e.Message, true, 1, 0, nil, "")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	size := 0
	for _, e := range in.LogEvents {
		size += len(*e.Message) + eventOverhead
	}
	if size > maxBatchBytes {
		return nil, invalidf("Upload too large: %d bytes exceeds limit of %d", size, maxBatchBytes)
	}
	for i := 1; i < len(in.LogEvents); i++ {
		if *in.LogEvents[i].Timestamp < *in.LogEvents[i-1].Timestamp {
			return nil, invalidf("Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	first, last := *in.LogEvents[0].Timestamp, *in.LogEvents[len(in.LogEvents)-1].Timestamp
	if time.Duration(last-first)*time.Millisecond > maxBatchSpan {
		return nil, invalidf("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	g, err := h.Store.GetLogGroup(ctx, in.LogGroupName)
	if err != nil {
		return nil, err
	}
	now := h.now()
	tooOld := now.Add(-maxEventAge).UnixMilli()
	expired := int64(math.MinInt64)
	if g.RetentionDays > 0 {
		expired = now.Add(-time.Duration(g.RetentionDays) * 24 * time.Hour).UnixMilli()
	}
	tooNew := now.Add(maxEventAhead).UnixMilli()
	// The events are in time order: the rejected ones are a prefix (too
	// old or expired) and a suffix (too new).
	oldEnd, expiredEnd, newStart := 0, 0, len(in.LogEvents)
	for i, e := range in.LogEvents {
		ts := *e.Timestamp
		if ts < tooOld {
			oldEnd = i + 1
		}
		if ts < expired {
			expiredEnd = i + 1
		}
		if ts > tooNew && newStart == len(in.LogEvents) {
			newStart = i
		}
	}
	accept := max(oldEnd, expiredEnd)
	events := make([]gofaas.LogEvent, 0, max(newStart-accept, 0))
	for _, e := range in.LogEvents[accept:max(newStart, accept)] {
		events = append(events, gofaas.LogEvent{
			Group: in.LogGroupName, Stream: in.LogStreamName,
			Timestamp: time.UnixMilli(*e.Timestamp).UTC(), Message: *e.Message, Ingestion: now,
		})
	}
	st, err := h.Store.AppendLogEvents(ctx, in.LogGroupName, in.LogStreamName, events)
	if err != nil {
		return nil, err
	}
	out := &PutLogEventsOutput{NextSequenceToken: sequenceToken(st.LastSeq)}
	if accept > 0 || newStart < len(in.LogEvents) {
		info := &RejectedLogEventsInfo{}
		if accept > 0 {
			info.TooOldLogEventEndIndex = ptr(accept)
		}
		if expiredEnd > 0 {
			info.ExpiredLogEventEndIndex = ptr(expiredEnd)
		}
		if newStart < len(in.LogEvents) {
			info.TooNewLogEventStartIndex = ptr(newStart)
		}
		out.RejectedLogEventsInfo = info
	}
	return out, nil
}

// GetLogEvents returns a page of one stream's events: without a token,
// the newest events of the time range (or the oldest with startFromHead);
// with a token, the events after (f/) or before (b/) it.
func (h *Handler) GetLogEvents(ctx context.Context, in *GetLogEventsInput) (*GetLogEventsOutput, error) {
	group := groupName(in.LogGroupName, in.LogGroupIdentifier)
	var c checker
	if in.LogGroupName != "" {
		c.groupName("logGroupName", &in.LogGroupName, false)
	}
	c.streamName("logStreamName", &in.LogStreamName, true)
	c.nonNegative("startTime", in.StartTime)
	c.nonNegative("endTime", in.EndTime)
	c.str("nextToken", in.NextToken, false, 1, 0, nil, "")
	c.intRange("limit", in.Limit, 1, maxPageEvents)
	if err := c.err(); err != nil {
		return nil, err
	}
	if group == "" {
		return nil, invalidf("Should provide either logGroupName or logGroupIdentifier.")
	}
	r := gofaas.LogRead{Group: group, Stream: in.LogStreamName, From: gofaas.LogStart, To: gofaas.LogEnd,
		Backward: !in.StartFromHead, Limit: maxPageEvents, MaxBytes: maxPageBytes}
	if in.Limit != nil {
		r.Limit = *in.Limit
	}
	if in.StartTime != nil {
		r.From = gofaas.LogTimeFrom(*in.StartTime * 1e6)
	}
	if in.EndTime != nil {
		r.To = gofaas.LogTimeTo(*in.EndTime * 1e6)
	}
	var tokenPos gofaas.LogPosition
	if in.NextToken != nil {
		dir, p, err := decodeEventToken(*in.NextToken)
		if err != nil {
			return nil, err
		}
		tokenPos = p
		r.Backward = dir == 'b'
		if r.Backward {
			r.To = minPos(r.To, p)
		} else {
			r.From = maxPos(r.From, p)
		}
	}
	evs, err := h.Store.ReadLogEvents(ctx, r)
	if err != nil {
		return nil, err
	}
	if r.Backward {
		slices.Reverse(evs)
	}
	out := &GetLogEventsOutput{Events: make([]OutputLogEvent, 0, len(evs))}
	for _, e := range evs {
		out.Events = append(out.Events, OutputLogEvent{Timestamp: e.Timestamp.UnixMilli(), Message: e.Message, IngestionTime: e.Ingestion.UnixMilli()})
	}
	switch {
	case len(evs) > 0:
		out.NextForwardToken = encodeEventToken('f', evs[len(evs)-1].Position())
		out.NextBackwardToken = encodeEventToken('b', evs[0].Position())
	case in.NextToken != nil && r.Backward:
		// Nothing older: the same token again, and forward from it.
		out.NextBackwardToken = *in.NextToken
		out.NextForwardToken = encodeEventToken('f', tokenPos)
	case in.NextToken != nil:
		// Nothing newer: the same token again, and backward from it.
		out.NextForwardToken = *in.NextToken
		out.NextBackwardToken = encodeEventToken('b', tokenPos)
	default:
		out.NextForwardToken = encodeEventToken('f', r.From)
		out.NextBackwardToken = encodeEventToken('b', r.To)
	}
	return out, nil
}

// FilterLogEvents returns a group's events matching a filter pattern, in
// time order across the selected streams.
func (h *Handler) FilterLogEvents(ctx context.Context, in *FilterLogEventsInput) (*FilterLogEventsOutput, error) {
	group := groupName(in.LogGroupName, in.LogGroupIdentifier)
	var c checker
	if in.LogGroupName != "" {
		c.groupName("logGroupName", &in.LogGroupName, false)
	}
	if in.LogStreamNames != nil {
		if len(in.LogStreamNames) < 1 {
			c.fail("[]", "logStreamNames", "have length greater than or equal to 1")
		} else if len(in.LogStreamNames) > 100 {
			c.fail(fmt.Sprintf("list of %d names", len(in.LogStreamNames)), "logStreamNames", "have length less than or equal to 100")
		}
		for i, n := range in.LogStreamNames {
			c.streamName(fmt.Sprintf("logStreamNames.%d.member", i+1), &n, false)
		}
	}
	c.streamName("logStreamNamePrefix", in.LogStreamNamePrefix, false)
	c.nonNegative("startTime", in.StartTime)
	c.nonNegative("endTime", in.EndTime)
	if in.FilterPattern != nil && utf8.RuneCountInString(*in.FilterPattern) > 1024 {
		c.fail(*in.FilterPattern, "filterPattern", "have length less than or equal to 1024")
	}
	c.str("nextToken", in.NextToken, false, 1, 0, nil, "")
	c.intRange("limit", in.Limit, 1, maxPageEvents)
	if err := c.err(); err != nil {
		return nil, err
	}
	if group == "" {
		return nil, invalidf("Should provide either logGroupName or logGroupIdentifier.")
	}
	if in.LogStreamNames != nil && in.LogStreamNamePrefix != nil {
		return nil, invalidf("You cannot specify both LogStreamNames and LogStreamNamePrefix.")
	}
	pattern := ""
	if in.FilterPattern != nil {
		pattern = *in.FilterPattern
	}
	filter, err := logfilter.Parse(pattern)
	if err != nil {
		return nil, err
	}
	sc := gofaas.LogScan{Group: group, Streams: in.LogStreamNames, From: gofaas.LogStart, To: gofaas.LogEnd,
		Contains: filter.Terms(), Budget: h.ScanBudget}
	if in.LogStreamNamePrefix != nil {
		sc.StreamPrefix = *in.LogStreamNamePrefix
	}
	switch {
	case h.ScanTime == 0:
		sc.Deadline = time.Now().Add(defaultScanTime)
	case h.ScanTime > 0:
		sc.Deadline = time.Now().Add(h.ScanTime)
	}
	if in.StartTime != nil {
		sc.From = gofaas.LogTimeFrom(*in.StartTime * 1e6)
	}
	if in.EndTime != nil {
		// endTime is inclusive: events later than it are not returned.
		sc.To = gofaas.LogTimeTo((*in.EndTime + 1) * 1e6)
	}
	if in.NextToken != nil {
		p, err := decodeFilterToken(*in.NextToken)
		if err != nil {
			return nil, err
		}
		sc.From = maxPos(sc.From, p)
	}
	limit := maxPageEvents
	if in.Limit != nil {
		limit = *in.Limit
	}
	out := &FilterLogEventsOutput{Events: []FilteredLogEvent{}, SearchedLogStreams: []SearchedLogStream{}}
	size := 0
	next, done, err := h.Store.ScanLogEvents(ctx, sc, func(e *gofaas.LogEvent) bool {
		if !filter.Match(e.Message) {
			return true
		}
		n := len(e.Message) + eventOverhead
		if len(out.Events) >= limit || len(out.Events) > 0 && size+n > maxPageBytes {
			return false
		}
		size += n
		out.Events = append(out.Events, FilteredLogEvent{
			LogStreamName: e.Stream, Timestamp: e.Timestamp.UnixMilli(), Message: e.Message,
			IngestionTime: e.Ingestion.UnixMilli(), EventID: eventID(e),
		})
		return true
	})
	if err != nil {
		return nil, err
	}
	if !done {
		out.NextToken = encodeFilterToken(next)
	}
	return out, nil
}

// eventID is an event's stable id (aws logs tail --follow uses it to drop
// events it has printed): its timestamp and arrival number, in digits as
// CloudWatch Logs' are.
func eventID(e *gofaas.LogEvent) string {
	return fmt.Sprintf("%020d%036d", uint64(e.Timestamp.UnixMilli()), uint64(e.Seq))
}

// Event tokens: "f/" or "b/" and a position as 40 digits.
func encodeEventToken(dir byte, p gofaas.LogPosition) string {
	return string(dir) + "/" + encodePos(p)
}

func decodeEventToken(tok string) (byte, gofaas.LogPosition, error) {
	if len(tok) < 2 || tok[1] != '/' || tok[0] != 'f' && tok[0] != 'b' {
		return 0, gofaas.LogPosition{}, errBadToken()
	}
	p, err := decodePos(tok[2:])
	return tok[0], p, err
}

// Filter tokens are a position too, apart from event tokens by their
// prefix.
func encodeFilterToken(p gofaas.LogPosition) string { return "F" + encodePos(p) }

func decodeFilterToken(tok string) (gofaas.LogPosition, error) {
	rest, ok := strings.CutPrefix(tok, "F")
	if !ok {
		return gofaas.LogPosition{}, errBadToken()
	}
	return decodePos(rest)
}

// encodePos writes a position as 40 decimal digits that sort as the
// position does.
func encodePos(p gofaas.LogPosition) string {
	return fmt.Sprintf("%020d%020d", uint64(p.Time)^(1<<63), uint64(p.Seq)^(1<<63))
}

func decodePos(s string) (gofaas.LogPosition, error) {
	if len(s) != 40 {
		return gofaas.LogPosition{}, errBadToken()
	}
	t, err1 := strconv.ParseUint(s[:20], 10, 64)
	q, err2 := strconv.ParseUint(s[20:], 10, 64)
	if err1 != nil || err2 != nil {
		return gofaas.LogPosition{}, errBadToken()
	}
	return gofaas.LogPosition{Time: int64(t ^ (1 << 63)), Seq: int64(q ^ (1 << 63))}, nil
}

func maxPos(a, b gofaas.LogPosition) gofaas.LogPosition {
	if a.Less(b) {
		return b
	}
	return a
}

func minPos(a, b gofaas.LogPosition) gofaas.LogPosition {
	if a.Less(b) {
		return a
	}
	return b
}
