package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofaas/gofaas"
)

var _ gofaas.LogStore = (*LogStore)(nil)

// LogStore implements gofaas.LogStore on a DB. PutLogEvents creates log
// groups and streams on first use, as Lambda's log delivery does, and keeps
// their summaries (stored bytes, first and last event times) for listing.
//
// # Layout and speed
//
// PutLogEvents is on the invoke path, so an event costs one b-tree insert
// with a small key: events live in a WITHOUT ROWID table keyed (stream_id,
// timestamp_ns, seq). seq is assigned here, in memory, from a counter
// initialised from the streams' last_seq on first use; stream ids are
// cached. Both live in a state shared by every LogStore of a DB, and are
// only read or changed while holding its mutex inside a write transaction
// (the single write connection serializes those anyway), so a stream
// deleted by one call is never written by another.
type LogStore struct {
	db *DB
	st *logState
}

// logState is the write-side state shared by the LogStores of one DB.
type logState struct {
	mu      sync.Mutex
	loaded  bool  // seq was read from the database
	seq     int64 // the last seq assigned
	streams map[streamKey]int64
	// insert[k] inserts insertSizes[k] events; updStream adds a batch to
	// a stream's summary.
	insert    [len(insertSizes)]*sql.Stmt
	updStream *sql.Stmt
}

var logStates sync.Map // *DB → *logState

// NewLogStore returns a LogStore backed by db, which must be open before
// the store is used.
func NewLogStore(db *DB) *LogStore {
	st, _ := logStates.LoadOrStore(db, &logState{streams: map[streamKey]int64{}})
	return &LogStore{db: db, st: st.(*logState)}
}

// LogGroup summarizes a log group.
type LogGroup = gofaas.LogGroup

// LogStream summarizes a log stream.
type LogStream = gofaas.LogStream

// streamKey names a stream within its group.
type streamKey struct{ group, stream string }

// insertSizes are the numbers of events the prepared INSERTs carry,
// largest first (5 parameters each, under SQLite's limit of 32766).
var insertSizes = [...]int{1000, 100, 10, 1}

// insertEventsSQL returns the statement inserting n log events. OR FAIL
// (no key can conflict: seq is unique) spares SQLite the statement journal
// a multi-row INSERT otherwise writes to undo a half-done statement.
func insertEventsSQL(n int) string {
	return "INSERT OR FAIL INTO log_events (stream_id, timestamp_ns, seq, ingestion_ns, message) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", n), ", ")
}

// streamStats accumulates what one batch adds to a stream.
type streamStats struct {
	id                     int64
	first, last, ingestion int64
	bytes                  int64
	lastSeq                int64
}

// write runs fn in a write transaction holding the shared log state, with
// seq loaded. It drops the stream-id cache if the transaction fails, since
// fn may have cached ids of rows that were rolled back.
func (s *LogStore) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if err := s.prepare(ctx); err != nil {
		return err
	}
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		if !s.st.loaded {
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(last_seq), 0) FROM log_streams`).Scan(&s.st.seq); err != nil {
				return fmt.Errorf("load log sequence: %w", err)
			}
			s.st.loaded = true
		}
		return fn(tx)
	})
	if err != nil {
		clear(s.st.streams)
	}
	return err
}

// prepare prepares the insert statements once, outside any transaction
// (the write pool has one connection). The shared state is held.
func (s *LogStore) prepare(ctx context.Context) error {
	if s.db.write == nil {
		return errors.New("sqlite: database not open")
	}
	if s.st.updStream != nil {
		return nil
	}
	type prep struct {
		p   **sql.Stmt
		sql string
	}
	stmts := []prep{{&s.st.updStream, updateStreamSQL}}
	for k, n := range insertSizes {
		stmts = append(stmts, prep{&s.st.insert[k], insertEventsSQL(n)})
	}
	for _, st := range stmts {
		if *st.p != nil {
			continue
		}
		p, err := s.db.write.PrepareContext(ctx, st.sql)
		if err != nil {
			return fmt.Errorf("prepare log statement: %w", err)
		}
		*st.p = p
	}
	return nil
}

// updateStreamSQL adds a batch to a stream's summary.
const updateStreamSQL = `UPDATE log_streams SET
	first_event_ns = CASE WHEN first_event_ns = 0 OR first_event_ns > ? THEN ? ELSE first_event_ns END,
	last_event_ns = CASE WHEN last_event_ns < ? THEN ? ELSE last_event_ns END,
	last_ingestion_ns = CASE WHEN last_ingestion_ns < ? THEN ? ELSE last_ingestion_ns END,
	stored_bytes = stored_bytes + ?, last_seq = ?
	WHERE id = ?`

// PutLogEvents stores events in one transaction, creating their groups
// and streams if needed. An event with a zero Ingestion gets now; one with
// a zero Timestamp gets its Ingestion. It returns EINVALID for an event
// without a group or stream.
func (s *LogStore) PutLogEvents(ctx context.Context, events []gofaas.LogEvent) error {
	if len(events) == 0 {
		return nil
	}
	for _, e := range events {
		if e.Group == "" || e.Stream == "" {
			return gofaas.Errorf(gofaas.EINVALID, "log event needs a log group and a log stream")
		}
	}
	now := s.db.now()
	return s.write(ctx, func(tx *sql.Tx) error {
		ids := make([]int64, len(events))
		var last *streamStats
		var lastKey streamKey
		byID := map[int64]*streamStats{}
		for i, e := range events {
			k := streamKey{e.Group, e.Stream}
			if last == nil || k != lastKey {
				id, err := s.streamID(ctx, tx, k, true, now)
				if err != nil {
					return err
				}
				last, lastKey = byID[id], k
				if last == nil {
					last = &streamStats{id: id}
					byID[id] = last
				}
			}
			ids[i] = last.id
		}
		return s.insertEvents(ctx, tx, ids, events, byID, now)
	})
}

// insertEvents inserts events into the streams ids[i] and updates the
// streams' summaries. Seqs follow the events' order; the rows go in key
// order (by stream), so consecutive inserts land on the same b-tree page.
func (s *LogStore) insertEvents(ctx context.Context, tx *sql.Tx, ids []int64, events []gofaas.LogEvent, byID map[int64]*streamStats, now time.Time) error {
	type row struct {
		id, ts, seq, ing int64
		msg              string
	}
	rows := make([]row, len(events))
	for i := range events {
		e := &events[i]
		ts, ing := eventTimes(e, now)
		s.st.seq++
		st := byID[ids[i]]
		if st.first == 0 || ts < st.first {
			st.first = ts
		}
		st.last = max(st.last, ts)
		st.ingestion = max(st.ingestion, ing)
		st.bytes += int64(len(e.Message))
		st.lastSeq = s.st.seq
		rows[i] = row{ids[i], ts, s.st.seq, ing, e.Message}
	}
	if len(byID) > 1 {
		slices.SortStableFunc(rows, func(a, b row) int { return cmp.Compare(a.id, b.id) })
	}
	// Many rows per statement: the per-statement cost of database/sql
	// and the driver dominates single-row inserts.
	args := make([]any, 0, 5*min(len(rows), insertSizes[0]))
	for len(rows) > 0 {
		k := 0
		for insertSizes[k] > len(rows) {
			k++
		}
		n := insertSizes[k]
		args = args[:0]
		for _, r := range rows[:n] {
			args = append(args, r.id, r.ts, r.seq, r.ing, r.msg)
		}
		if _, err := tx.StmtContext(ctx, s.st.insert[k]).ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("put log events: %w", err)
		}
		rows = rows[n:]
	}
	for _, st := range byID {
		if _, err := tx.StmtContext(ctx, s.st.updStream).ExecContext(ctx, st.first, st.first, st.last, st.last,
			st.ingestion, st.ingestion, st.bytes, st.lastSeq, st.id); err != nil {
			return fmt.Errorf("update log stream %d: %w", st.id, err)
		}
	}
	return nil
}

// streamID returns the id of a stream, from the cache or the database.
// With create it creates the group and stream if needed; without, it
// returns ENOTFOUND for either. The shared state is held.
func (s *LogStore) streamID(ctx context.Context, tx *sql.Tx, k streamKey, create bool, now time.Time) (int64, error) {
	if id, ok := s.st.streams[k]; ok {
		return id, nil
	}
	if create {
		if _, err := tx.ExecContext(ctx, `INSERT INTO log_groups (name, created_ns, stored_bytes) VALUES (?, ?, 0)
			ON CONFLICT (name) DO NOTHING`, k.group, now.UnixNano()); err != nil {
			return 0, fmt.Errorf("create log group %s: %w", k.group, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO log_streams (group_name, name, created_ns) VALUES (?, ?, ?)
			ON CONFLICT (group_name, name) DO NOTHING`, k.group, k.stream, now.UnixNano()); err != nil {
			return 0, fmt.Errorf("create log stream %s/%s: %w", k.group, k.stream, err)
		}
	}
	id, err := lookupStream(ctx, tx, k.group, k.stream)
	if err != nil {
		return 0, err
	}
	s.st.streams[k] = id
	return id, nil
}

// lookupStream returns the id of a stream, or ENOTFOUND with CloudWatch
// Logs' message for a missing group or stream.
func lookupStream(ctx context.Context, q queryer, group, stream string) (int64, error) {
	var id sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT s.id FROM log_groups g
		LEFT JOIN log_streams s ON s.group_name = g.name AND s.name = ?
		WHERE g.name = ?`, stream, group).Scan(&id)
	switch {
	case err == sql.ErrNoRows:
		return 0, errGroupNotFound()
	case err != nil:
		return 0, fmt.Errorf("find log stream %s/%s: %w", group, stream, err)
	case !id.Valid:
		return 0, errStreamNotFound()
	}
	return id.Int64, nil
}

func errGroupNotFound() error {
	return gofaas.Errorf(gofaas.ENOTFOUND, "The specified log group does not exist.")
}

func errStreamNotFound() error {
	return gofaas.Errorf(gofaas.ENOTFOUND, "The specified log stream does not exist.")
}

// eventTimes returns an event's timestamp and ingestion time in Unix
// nanoseconds, defaulting ingestion to now and the timestamp to ingestion.
func eventTimes(e *gofaas.LogEvent, now time.Time) (ts, ing int64) {
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

// AppendLogEvents stores events in an existing stream, as the
// PutLogEvents API does, and returns the stream as updated.
func (s *LogStore) AppendLogEvents(ctx context.Context, group, stream string, events []gofaas.LogEvent) (*gofaas.LogStream, error) {
	now := s.db.now()
	var out *gofaas.LogStream
	err := s.write(ctx, func(tx *sql.Tx) error {
		id, err := s.streamID(ctx, tx, streamKey{group, stream}, false, now)
		if err != nil {
			return err
		}
		if len(events) > 0 {
			ids := make([]int64, len(events))
			for i := range ids {
				ids[i] = id
			}
			if err := s.insertEvents(ctx, tx, ids, events, map[int64]*streamStats{id: {id: id}}, now); err != nil {
				return err
			}
		}
		streams, err := queryStreams(ctx, tx, group, `WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if len(streams) == 1 {
			out = &streams[0]
		}
		return nil
	})
	if err == nil && out == nil {
		err = errStreamNotFound()
	}
	return out, err
}

// GetLogEvents returns a stream's events in time order (ties in arrival
// order) from start (inclusive; zero means the beginning) to end
// (exclusive; zero means no end), at most limit (no limit if limit <= 0).
func (s *LogStore) GetLogEvents(ctx context.Context, group, stream string, start, end time.Time, limit int) ([]gofaas.LogEvent, error) {
	r := gofaas.LogRead{Group: group, Stream: stream, From: gofaas.LogStart, To: gofaas.LogEnd, Limit: limit}
	if !start.IsZero() {
		r.From = gofaas.LogTimeFrom(start.UnixNano())
	}
	if !end.IsZero() {
		r.To = gofaas.LogTimeTo(end.UnixNano())
	}
	return s.ReadLogEvents(ctx, r)
}

// ReadLogEvents returns a page of one stream's events between r.From and
// r.To (exclusive), oldest first or, with r.Backward, newest first.
func (s *LogStore) ReadLogEvents(ctx context.Context, r gofaas.LogRead) ([]gofaas.LogEvent, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	id, err := lookupStream(ctx, rd, r.Group, r.Stream)
	if err != nil {
		return nil, err
	}
	order := ` ORDER BY timestamp_ns, seq`
	if r.Backward {
		order = ` ORDER BY timestamp_ns DESC, seq DESC`
	}
	rows, err := rd.QueryContext(ctx, `SELECT timestamp_ns, seq, ingestion_ns, message FROM log_events
		WHERE stream_id = ? AND (timestamp_ns, seq) > (?, ?) AND (timestamp_ns, seq) < (?, ?)`+order+limitClause(r.Limit),
		id, r.From.Time, r.From.Seq, r.To.Time, r.To.Seq)
	if err != nil {
		return nil, fmt.Errorf("get log events %s/%s: %w", r.Group, r.Stream, err)
	}
	defer rows.Close()
	var out []gofaas.LogEvent
	size := 0
	for rows.Next() {
		e := gofaas.LogEvent{Group: r.Group, Stream: r.Stream}
		var ts, ing int64
		if err := rows.Scan(&ts, &e.Seq, &ing, &e.Message); err != nil {
			return nil, fmt.Errorf("get log events %s/%s: %w", r.Group, r.Stream, err)
		}
		size += len(e.Message) + EventOverhead
		if r.MaxBytes > 0 && size > r.MaxBytes && len(out) > 0 {
			break
		}
		e.Timestamp, e.Ingestion = fromNS(ts), fromNS(ing)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("get log events %s/%s: %w", r.Group, r.Stream, err)
	}
	return out, nil
}

// EventOverhead is what CloudWatch Logs counts for an event besides its
// message when it sizes a batch or a page.
const EventOverhead = 26
