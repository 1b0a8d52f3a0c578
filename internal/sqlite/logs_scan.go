package sqlite

import (
	"container/heap"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofaas/gofaas"
)

// Scan tuning. A stream is read in windows that grow from scanFirstWindow
// to scanMaxWindow events, so a scan that stops early (a full page) reads
// little, and a long scan pays few queries.
const (
	scanFirstWindow   = 64
	scanMaxWindow     = 8192
	scanDefaultBudget = 200_000
)

// scanStream is one stream's side of a merged scan.
type scanStream struct {
	id     int64
	name   string
	buf    []gofaas.LogEvent // events read, not yet visited
	pos    gofaas.LogPosition
	done   bool // nothing after pos in range
	window int
}

// scanHeap orders the streams with buffered events by their next event.
type scanHeap []*scanStream

func (h scanHeap) Len() int { return len(h) }
func (h scanHeap) Less(i, j int) bool {
	return h[i].buf[0].Position().Less(h[j].buf[0].Position())
}
func (h scanHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *scanHeap) Push(x any)   { *h = append(*h, x.(*scanStream)) }
func (h *scanHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// ScanLogEvents visits a group's events across its streams in position
// order: a merge of one ordered range read per stream, each read in
// windows. With s.Contains, a window is first bounded by position (a
// key-only scan) and then read with instr() filters, so events lacking a
// substring never leave SQLite.
func (s *LogStore) ScanLogEvents(ctx context.Context, sc gofaas.LogScan, visit func(*gofaas.LogEvent) bool) (gofaas.LogPosition, bool, error) {
	rd, err := s.db.reader()
	if err != nil {
		return sc.From, false, err
	}
	var n int
	if err := rd.QueryRowContext(ctx, `SELECT COUNT(*) FROM log_groups WHERE name = ?`, sc.Group).Scan(&n); err != nil {
		return sc.From, false, fmt.Errorf("check log group %s: %w", sc.Group, err)
	} else if n == 0 {
		return sc.From, false, errGroupNotFound()
	}
	budget := sc.Budget
	if budget <= 0 {
		budget = scanDefaultBudget
	}
	streams, err := s.scanStreams(ctx, rd, sc)
	if err != nil {
		return sc.From, false, err
	}
	// Streams with buffered events wait in h, ordered by their next
	// event; the others (pending) have examined everything up to pos. An
	// event may be visited once no pending stream's pos lies before it,
	// so the pending stream furthest behind is always read next: the
	// streams advance together and no window is read in vain.
	var h scanHeap
	pending := streams
	fresh := make(map[*scanStream]bool, len(streams))
	for _, st := range streams {
		fresh[st] = true
	}
	for {
		for len(pending) > 0 {
			k := 0
			for i, st := range pending {
				if st.pos.Less(pending[k].pos) {
					k = i
				}
			}
			st := pending[k]
			if h.Len() > 0 && !st.pos.Less(h[0].buf[0].Position()) {
				break
			}
			// Every stream gets its first window whatever the budget, so
			// each call makes progress.
			if !fresh[st] && (budget <= 0 || !sc.Deadline.IsZero() && time.Now().After(sc.Deadline)) {
				break
			}
			delete(fresh, st)
			read, err := s.scanWindow(ctx, rd, sc, st)
			if err != nil {
				return sc.From, false, err
			}
			budget -= read
			if len(st.buf) > 0 || st.done {
				pending = slices.Delete(pending, k, k+1)
				if len(st.buf) > 0 {
					heap.Push(&h, st)
				}
			}
		}
		var blocked *gofaas.LogPosition
		for _, st := range pending {
			if blocked == nil || st.pos.Less(*blocked) {
				blocked = &st.pos
			}
		}
		if h.Len() == 0 {
			if blocked == nil {
				return sc.To, true, nil
			}
			return *blocked, false, nil
		}
		st := h[0]
		e := &st.buf[0]
		p := e.Position()
		if blocked != nil && blocked.Less(p) {
			// Out of budget with a stream not read up to p.
			return *blocked, false, nil
		}
		if !visit(e) {
			return gofaas.LogPosition{Time: p.Time, Seq: p.Seq - 1}, false, nil
		}
		st.buf = st.buf[1:]
		if len(st.buf) > 0 {
			heap.Fix(&h, 0)
			continue
		}
		heap.Pop(&h)
		if !st.done {
			pending = append(pending, st)
		}
	}
}

// scanStreams returns the streams a scan reads, skipping those whose
// events all lie outside its range.
func (s *LogStore) scanStreams(ctx context.Context, q queryer, sc gofaas.LogScan) ([]*scanStream, error) {
	where := `WHERE group_name = ? AND first_event_ns > 0 AND last_event_ns >= ? AND first_event_ns <= ?`
	args := []any{sc.Group, sc.From.Time, sc.To.Time}
	if len(sc.Streams) > 0 {
		where += ` AND name IN (?` + strings.Repeat(", ?", len(sc.Streams)-1) + `)`
		for _, n := range sc.Streams {
			args = append(args, n)
		}
	} else if sc.StreamPrefix != "" {
		where += ` AND substr(name, 1, ?) = ?`
		args = append(args, utf8.RuneCountInString(sc.StreamPrefix), sc.StreamPrefix)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, name FROM log_streams `+where+` ORDER BY name`, args...)
	if err != nil {
		return nil, fmt.Errorf("scan log group %s: %w", sc.Group, err)
	}
	defer rows.Close()
	var out []*scanStream
	for rows.Next() {
		st := &scanStream{pos: sc.From, window: scanFirstWindow}
		if err := rows.Scan(&st.id, &st.name); err != nil {
			return nil, fmt.Errorf("scan log group %s: %w", sc.Group, err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("scan log group %s: %w", sc.Group, err)
	}
	return out, nil
}

// scanWindow reads st's next window into st.buf, advances st.pos past it
// and returns how many events it examined.
func (s *LogStore) scanWindow(ctx context.Context, q queryer, sc gofaas.LogScan, st *scanStream) (int, error) {
	n := st.window
	st.window = min(2*st.window, scanMaxWindow)
	if len(sc.Contains) == 0 {
		read, err := s.readWindow(ctx, q, sc, st, st.pos, sc.To, ``, nil, n)
		if err != nil {
			return 0, err
		}
		if read < n {
			st.done = true
		}
		if read > 0 {
			st.pos = st.buf[len(st.buf)-1].Position()
		}
		return read, nil
	}
	// Bound the window by position first, then read only the events
	// holding every substring.
	end := sc.To
	var bt, bs int64
	err := q.QueryRowContext(ctx, `SELECT timestamp_ns, seq FROM log_events
		WHERE stream_id = ? AND (timestamp_ns, seq) > (?, ?) AND (timestamp_ns, seq) < (?, ?)
		ORDER BY timestamp_ns, seq LIMIT 1 OFFSET ?`, st.id, st.pos.Time, st.pos.Seq, sc.To.Time, sc.To.Seq, n-1).Scan(&bt, &bs)
	last := err != nil
	if err == nil {
		// The bound is inclusive: read up to just after it.
		end = gofaas.LogPosition{Time: bt, Seq: bs + 1}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("scan log stream %s: %w", st.name, err)
	}
	filter := strings.Repeat(` AND instr(message, ?) > 0`, len(sc.Contains))
	args := make([]any, len(sc.Contains))
	for i, c := range sc.Contains {
		args[i] = c
	}
	if _, err := s.readWindow(ctx, q, sc, st, st.pos, end, filter, args, 0); err != nil {
		return 0, err
	}
	if last {
		st.done = true
		st.pos = sc.To
	} else {
		st.pos = gofaas.LogPosition{Time: bt, Seq: bs}
	}
	return n, nil
}

// readWindow appends to st.buf the events of st between from and to
// (exclusive) passing filter, at most limit (0: no limit), and returns how
// many it read.
func (s *LogStore) readWindow(ctx context.Context, q queryer, sc gofaas.LogScan, st *scanStream, from, to gofaas.LogPosition, filter string, fargs []any, limit int) (int, error) {
	args := append([]any{st.id, from.Time, from.Seq, to.Time, to.Seq}, fargs...)
	rows, err := q.QueryContext(ctx, `SELECT timestamp_ns, seq, ingestion_ns, message FROM log_events
		WHERE stream_id = ? AND (timestamp_ns, seq) > (?, ?) AND (timestamp_ns, seq) < (?, ?)`+filter+`
		ORDER BY timestamp_ns, seq`+limitClause(limit), args...)
	if err != nil {
		return 0, fmt.Errorf("scan log stream %s: %w", st.name, err)
	}
	defer rows.Close()
	read := 0
	for rows.Next() {
		e := gofaas.LogEvent{Group: sc.Group, Stream: st.name}
		var ts, ing int64
		if err := rows.Scan(&ts, &e.Seq, &ing, &e.Message); err != nil {
			return 0, fmt.Errorf("scan log stream %s: %w", st.name, err)
		}
		e.Timestamp, e.Ingestion = fromNS(ts), fromNS(ing)
		st.buf = append(st.buf, e)
		read++
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("scan log stream %s: %w", st.name, err)
	}
	return read, nil
}
