package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofaas/gofaas"
)

var _ gofaas.LogStore = (*LogStore)(nil)

// LogStore implements gofaas.LogStore on a DB. PutLogEvents creates log
// groups and streams on first use, as Lambda's log delivery does, and keeps
// their summaries (stored bytes, first and last event times) for listing.
type LogStore struct {
	db *DB
}

// NewLogStore returns a LogStore backed by db, which must be open before
// the store is used.
func NewLogStore(db *DB) *LogStore {
	return &LogStore{db: db}
}

// LogGroup summarizes a log group.
type LogGroup struct {
	Name        string
	Created     time.Time
	StoredBytes int64 // bytes of message text stored
}

// LogStream summarizes a log stream.
type LogStream struct {
	Group         string
	Name          string
	Created       time.Time
	FirstEvent    time.Time // zero until the first event
	LastEvent     time.Time
	LastIngestion time.Time
	StoredBytes   int64
}

// streamKey names a stream within its group.
type streamKey struct{ group, stream string }

// streamStats accumulates what one batch adds to a stream.
// eventsPerInsert is how many log events one INSERT carries (5 parameters
// each, well under SQLite's limit of 32766).
const eventsPerInsert = 100

// insertEventsSQL[n] inserts n log events.
var insertEventsSQL = func() []string {
	qs := make([]string, eventsPerInsert+1)
	for n := 1; n <= eventsPerInsert; n++ {
		qs[n] = "INSERT INTO log_events (group_name, stream_name, timestamp_ns, ingestion_ns, message) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", n), ", ")
	}
	return qs
}()

type streamStats struct {
	first, last, ingestion int64
	bytes                  int64
}

// PutLogEvents stores events in one transaction, creating their groups
// and streams if needed. An event with a zero Ingestion gets now; one with
// a zero Timestamp gets its Ingestion. It returns EINVALID for an event
// without a group or stream.
func (s *LogStore) PutLogEvents(ctx context.Context, events []gofaas.LogEvent) error {
	if len(events) == 0 {
		return nil
	}
	now := s.db.now()
	nowNS := now.UnixNano()
	var order []streamKey
	stats := map[streamKey]*streamStats{}
	for _, e := range events {
		if e.Group == "" || e.Stream == "" {
			return gofaas.Errorf(gofaas.EINVALID, "log event needs a log group and a log stream")
		}
		k := streamKey{e.Group, e.Stream}
		st := stats[k]
		if st == nil {
			st = &streamStats{}
			stats[k] = st
			order = append(order, k)
		}
		ts, ing := eventTimes(e, now)
		if st.first == 0 || ts < st.first {
			st.first = ts
		}
		st.last = max(st.last, ts)
		st.ingestion = max(st.ingestion, ing)
		st.bytes += int64(len(e.Message))
	}
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		for _, k := range order {
			if _, err := tx.ExecContext(ctx, `INSERT INTO log_groups (name, created_ns, stored_bytes) VALUES (?, ?, 0)
				ON CONFLICT (name) DO NOTHING`, k.group, nowNS); err != nil {
				return fmt.Errorf("create log group %s: %w", k.group, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO log_streams (group_name, name, created_ns) VALUES (?, ?, ?)
				ON CONFLICT (group_name, name) DO NOTHING`, k.group, k.stream, nowNS); err != nil {
				return fmt.Errorf("create log stream %s/%s: %w", k.group, k.stream, err)
			}
		}
		// Many rows per statement: the per-statement cost of database/sql
		// and the driver dominates single-row inserts.
		for batch := range slices.Chunk(events, eventsPerInsert) {
			args := make([]any, 0, 5*len(batch))
			for _, e := range batch {
				ts, ing := eventTimes(e, now)
				args = append(args, e.Group, e.Stream, ts, ing, e.Message)
			}
			q := insertEventsSQL[len(batch)]
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("put log events: %w", err)
			}
		}
		for _, k := range order {
			st := stats[k]
			if _, err := tx.ExecContext(ctx, `UPDATE log_streams SET
				first_event_ns = CASE WHEN first_event_ns = 0 OR first_event_ns > ? THEN ? ELSE first_event_ns END,
				last_event_ns = CASE WHEN last_event_ns < ? THEN ? ELSE last_event_ns END,
				last_ingestion_ns = CASE WHEN last_ingestion_ns < ? THEN ? ELSE last_ingestion_ns END,
				stored_bytes = stored_bytes + ?
				WHERE group_name = ? AND name = ?`,
				st.first, st.first, st.last, st.last, st.ingestion, st.ingestion, st.bytes, k.group, k.stream); err != nil {
				return fmt.Errorf("update log stream %s/%s: %w", k.group, k.stream, err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE log_groups SET stored_bytes = stored_bytes + ? WHERE name = ?`,
				st.bytes, k.group); err != nil {
				return fmt.Errorf("update log group %s: %w", k.group, err)
			}
		}
		return nil
	})
}

// eventTimes returns an event's timestamp and ingestion time in Unix
// nanoseconds, defaulting ingestion to now and the timestamp to ingestion.
func eventTimes(e gofaas.LogEvent, now time.Time) (ts, ing int64) {
	ing = toNS(e.Ingestion)
	if ing == 0 {
		ing = now.UnixNano()
	}
	ts = toNS(e.Timestamp)
	if ts == 0 {
		ts = ing
	}
	return ts, ing
}

// GetLogEvents returns a stream's events in time order (ties in arrival
// order) from start (inclusive; zero means the beginning) to end
// (exclusive; zero means no end), at most limit (no limit if limit <= 0).
// It returns ENOTFOUND, with CloudWatch Logs' messages, for a missing log
// group or stream.
func (s *LogStore) GetLogEvents(ctx context.Context, group, stream string, start, end time.Time, limit int) ([]gofaas.LogEvent, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	if err := logStreamExists(ctx, rd, group, stream); err != nil {
		return nil, err
	}
	query := `SELECT timestamp_ns, ingestion_ns, message FROM log_events
		WHERE group_name = ? AND stream_name = ? AND timestamp_ns >= ?`
	args := []any{group, stream, toNS(start)}
	if !end.IsZero() {
		query += ` AND timestamp_ns < ?`
		args = append(args, end.UnixNano())
	}
	rows, err := rd.QueryContext(ctx, query+` ORDER BY timestamp_ns, id`+limitClause(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("get log events %s/%s: %w", group, stream, err)
	}
	defer rows.Close()
	var out []gofaas.LogEvent
	for rows.Next() {
		e := gofaas.LogEvent{Group: group, Stream: stream}
		var ts, ing int64
		if err := rows.Scan(&ts, &ing, &e.Message); err != nil {
			return nil, fmt.Errorf("get log events %s/%s: %w", group, stream, err)
		}
		e.Timestamp, e.Ingestion = fromNS(ts), fromNS(ing)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("get log events %s/%s: %w", group, stream, err)
	}
	return out, nil
}

// logStreamExists returns ENOTFOUND unless the group and stream exist.
func logStreamExists(ctx context.Context, q queryer, group, stream string) error {
	var groups, streams int
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM log_groups WHERE name = ?),
		(SELECT COUNT(*) FROM log_streams WHERE group_name = ? AND name = ?)`,
		group, group, stream).Scan(&groups, &streams)
	switch {
	case err != nil:
		return fmt.Errorf("check log stream %s/%s: %w", group, stream, err)
	case groups == 0:
		return gofaas.Errorf(gofaas.ENOTFOUND, "The specified log group does not exist.")
	case streams == 0:
		return gofaas.Errorf(gofaas.ENOTFOUND, "The specified log stream does not exist.")
	}
	return nil
}

// LogGroups returns the log groups whose names start with prefix, ordered
// by name, after marker (a name; empty for the start), at most max (no
// limit if max <= 0).
func (s *LogStore) LogGroups(ctx context.Context, prefix, marker string, max int) ([]LogGroup, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	rows, err := rd.QueryContext(ctx, `SELECT name, created_ns, stored_bytes FROM log_groups
		WHERE name > ? AND substr(name, 1, ?) = ? ORDER BY name`+limitClause(max), marker, utf8.RuneCountInString(prefix), prefix)
	if err != nil {
		return nil, fmt.Errorf("list log groups: %w", err)
	}
	defer rows.Close()
	var out []LogGroup
	for rows.Next() {
		var g LogGroup
		var created int64
		if err := rows.Scan(&g.Name, &created, &g.StoredBytes); err != nil {
			return nil, fmt.Errorf("list log groups: %w", err)
		}
		g.Created = fromNS(created)
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list log groups: %w", err)
	}
	return out, nil
}

// LogStreams returns the streams of group whose names start with prefix,
// ordered by name, after marker, at most max (no limit if max <= 0). It
// returns ENOTFOUND for a missing group.
func (s *LogStore) LogStreams(ctx context.Context, group, prefix, marker string, max int) ([]LogStream, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	var n int
	if err := rd.QueryRowContext(ctx, `SELECT COUNT(*) FROM log_groups WHERE name = ?`, group).Scan(&n); err != nil {
		return nil, fmt.Errorf("check log group %s: %w", group, err)
	} else if n == 0 {
		return nil, gofaas.Errorf(gofaas.ENOTFOUND, "The specified log group does not exist.")
	}
	rows, err := rd.QueryContext(ctx, `SELECT name, created_ns, first_event_ns, last_event_ns, last_ingestion_ns, stored_bytes
		FROM log_streams WHERE group_name = ? AND name > ? AND substr(name, 1, ?) = ? ORDER BY name`+limitClause(max),
		group, marker, utf8.RuneCountInString(prefix), prefix)
	if err != nil {
		return nil, fmt.Errorf("list log streams of %s: %w", group, err)
	}
	defer rows.Close()
	var out []LogStream
	for rows.Next() {
		st := LogStream{Group: group}
		var created, first, last, ing int64
		if err := rows.Scan(&st.Name, &created, &first, &last, &ing, &st.StoredBytes); err != nil {
			return nil, fmt.Errorf("list log streams of %s: %w", group, err)
		}
		st.Created, st.FirstEvent, st.LastEvent, st.LastIngestion = fromNS(created), fromNS(first), fromNS(last), fromNS(ing)
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list log streams of %s: %w", group, err)
	}
	return out, nil
}
